//! Retrieval quality: the project's own cases (tests/queries.toml) and, where `../shared`
//! exists, the development set `../shared/eval/queries.toml`, must reach top-1 ≥ 90 % and
//! top-3 = 100 %. The same grading runs from the command line:
//! `cargo run --release -- eval tests/queries.toml`.

mod support;

use safeguarding_bot::eval::{grade, parse_cases};

fn assert_quality(name: &str, text: &str, min_cases: usize) {
    let cases = parse_cases(text).expect("query file parses");
    assert!(
        cases.len() >= min_cases,
        "{name}: only {} cases",
        cases.len()
    );
    let report = grade(support::snapshot(), &cases);
    println!("{name}:\n{}", report.render());
    assert!(
        report.hit_rate(1) >= 0.90,
        "{name}: top-1 {:.1}% < 90%\n{}",
        report.hit_rate(1) * 100.0,
        report.render()
    );
    let misses3 = report.misses(3);
    assert!(
        misses3.is_empty(),
        "{name}: top-3 misses: {:#?}",
        misses3
            .iter()
            .map(|g| (&g.case.command, &g.case.query, &g.top))
            .collect::<Vec<_>>()
    );
}

#[test]
fn own_query_set_meets_the_bar() {
    assert_quality("tests/queries.toml", include_str!("queries.toml"), 40);
}

#[test]
fn shared_development_set_meets_the_bar() {
    let Some(shared) = support::shared_dir() else {
        println!("skipped: ../shared is absent, so shared/eval/queries.toml was not graded");
        return;
    };
    let text = std::fs::read_to_string(shared.join("eval/queries.toml"))
        .expect("../shared/eval/queries.toml is readable");
    assert_quality("shared/eval/queries.toml", &text, 1);
}

/// A second set, written after the first tuning round, guards against over-fitting. Its bar is a
/// regression floor below the main bar (its current figures are in the README).
#[test]
fn extra_query_set_does_not_regress() {
    let cases = parse_cases(include_str!("queries-extra.toml")).expect("query file parses");
    let report = grade(support::snapshot(), &cases);
    println!("tests/queries-extra.toml:\n{}", report.render());
    assert!(report.hit_rate(1) >= 0.75, "{}", report.render());
    assert!(report.hit_rate(3) >= 0.90, "{}", report.render());
}

/// The guard set: fresh practitioner wording written before the "unseen wording" tuning round
/// and never tuned on case by case (see its header).
#[test]
fn guard_query_set_meets_its_floor() {
    let cases = parse_cases(include_str!("queries-guard.toml")).expect("query file parses");
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let report = grade(support::snapshot(), &cases);
    println!("tests/queries-guard.toml:\n{}", report.render());
    assert!(
        report.hit_rate(1) >= GUARD_TOP1_FLOOR,
        "{}",
        report.render()
    );
    assert!(
        report.hit_rate(3) >= GUARD_TOP3_FLOOR,
        "{}",
        report.render()
    );
}

/// Regression floors for the guard set, at the figures reached (in the README). The aim is
/// top-1 ≥ 95 % and top-3 = 100 %; these floors say where it stands, they do not move the aim.
const GUARD_TOP3_FLOOR: f64 = 0.95;
/// See [`GUARD_TOP3_FLOOR`].
const GUARD_TOP1_FLOOR: f64 = 0.85;

/// The second guard set, written after that tuning round and never tuned on: whether the
/// mechanisms carry over. Floors at the figures reached (in the README).
#[test]
fn second_guard_query_set_meets_its_floor() {
    let cases = parse_cases(include_str!("queries-guard2.toml")).expect("query file parses");
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let report = grade(support::snapshot(), &cases);
    println!("tests/queries-guard2.toml:\n{}", report.render());
    assert!(report.hit_rate(1) >= 0.70, "{}", report.render());
    assert!(report.hit_rate(3) >= 0.90, "{}", report.render());
}

/// No reply lists a record twice, nor two contacts with the same name and phone, whatever the
/// command and query: every query of every query file, every record title, every contact
/// situation and synonym, each also as something happening "right now" (which puts 999 first
/// for /whocall), and no query at all (which lists the emergency routes).
#[test]
fn no_reply_lists_a_record_twice() {
    use safeguarding_bot::commands::{self, Command};
    let snap = support::snapshot();
    let k = &snap.knowledge;
    let mut queries: Vec<String> = vec![String::new(), "out of hours".into(), "999".into()];
    for file in [
        include_str!("queries.toml"),
        include_str!("queries-extra.toml"),
        include_str!("queries-guard.toml"),
        include_str!("queries-guard2.toml"),
    ] {
        queries.extend(parse_cases(file).unwrap().into_iter().map(|c| c.query));
    }
    queries.extend(snap.index.docs().iter().map(|d| d.title.clone()));
    for c in &k.contacts {
        queries.extend(c.situations.iter().cloned());
    }
    for g in &k.synonyms.groups {
        queries.extend(g.terms.iter().cloned());
    }
    queries.sort();
    queries.dedup();
    let urgent: Vec<String> = queries.iter().map(|q| format!("{q} right now")).collect();
    queries.extend(urgent);
    assert!(queries.len() > 500, "{}", queries.len());
    let mut checked = 0;
    for command in [
        Command::WhoCall,
        Command::Threshold,
        Command::Offence,
        Command::Search,
    ] {
        for q in &queries {
            let reply = commands::run(snap, command, q);
            let mut ids = std::collections::HashSet::new();
            let mut contacts = std::collections::HashSet::new();
            for h in &reply.results {
                assert!(
                    ids.insert(h.id.as_str()),
                    "/{} {q:?} lists {} twice: {:?}",
                    command.name(),
                    h.id,
                    reply.results.iter().map(|h| &h.id).collect::<Vec<_>>()
                );
                if let Some(phone) = h.fields.iter().find(|f| f.name == "Phone") {
                    assert!(
                        contacts.insert((h.title.as_str(), phone.value.as_str())),
                        "/{} {q:?} lists {} ({}) twice",
                        command.name(),
                        h.title,
                        phone.value
                    );
                }
            }
            checked += 1;
        }
    }
    println!("{checked} replies checked");
}
