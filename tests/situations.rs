//! Reading a situation from free text (triage-spec.md, "Reading a situation from free text"):
//! the free-text commands lead with what the triage tree decides for the case described.
//!
//! - `tests/situations.toml` (tuned on) must pass in full; `tests/situations-blind.toml` (never
//!   tuned on) is graded and reported, with a floor; `../shared/eval/situations.toml` is graded
//!   when `../shared` exists. The same figures: `cargo run --release -- eval tests/situations.toml`.
//! - The free text and `/triage` cannot disagree: the answers read, run through `triage
//!   --answers`' engine, reach the outcome the lead states.
//! - Questions about information are not read as situations (no false 999).
//! - The reader never panics, never reads an answer the tree lacks, and does not care about case,
//!   punctuation or spacing.
//! - The signals are data: a broken `situations.toml` is refused at its line, a new word is
//!   picked up by a rebuilt snapshot.

mod support;

use proptest::prelude::*;
use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::eval::situations as grade;
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::situation;
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::engine;

fn report(name: &str, text: &str) -> grade::Report {
    let cases = grade::parse_cases(text).expect("situation file parses");
    let r = grade::grade(support::snapshot(), &cases);
    println!("{name}: {}", r.render());
    r
}

#[test]
fn own_situation_corpus_leads_with_what_the_guidance_says() {
    let r = report("tests/situations.toml", include_str!("situations.toml"));
    assert!(r.cases.len() >= 40, "only {} cases", r.cases.len());
    assert!(r.failures().is_empty(), "{}", r.render());
}

/// The blind part: at least a third of the corpus, written before tuning and never tuned on.
/// Its figure is reported in the README; the floor only catches a collapse.
#[test]
fn blind_situation_corpus_is_graded_and_reported() {
    let blind = report(
        "tests/situations-blind.toml",
        include_str!("situations-blind.toml"),
    );
    let tuned = grade::parse_cases(include_str!("situations.toml")).unwrap();
    assert!(
        blind.cases.len() * 3 >= blind.cases.len() + tuned.len(),
        "the blind part must be at least a third of the corpus"
    );
    let rate = blind.passed() as f64 / blind.cases.len() as f64;
    println!("blind: {:.1}%", rate * 100.0);
    assert!(rate >= 0.70, "{}", blind.render());
}

#[test]
fn shared_development_situations_are_graded() {
    let Some(shared) = support::shared_dir() else {
        println!("skipped: ../shared is absent, so shared/eval/situations.toml was not graded");
        return;
    };
    let text = std::fs::read_to_string(shared.join("eval/situations.toml"))
        .expect("../shared/eval/situations.toml is readable");
    let r = report("shared/eval/situations.toml", &text);
    let rate = r.passed() as f64 / r.cases.len() as f64;
    assert!(rate >= 0.90, "{}", r.render());
}

/// Every outcome of the tree is reached from free text by some case of the corpus.
#[test]
fn every_outcome_can_be_reached_from_free_text() {
    let s = support::snapshot();
    let cases = grade::parse_cases(include_str!("situations.toml")).unwrap();
    let r = grade::grade(s, &cases);
    for o in s.triage.outcomes() {
        assert!(
            r.cases
                .iter()
                .any(|g| g.outcome.as_deref() == Some(o.id.as_str())),
            "no case of tests/situations.toml decides {}",
            o.id
        );
    }
}

/// One decision logic: for every case whose words decide the path, the answers shown as read
/// (the pre-filled `/triage`) reach the same outcome through the scripted engine; and where the
/// words leave a question open, the lead's outcome is reachable from those answers.
#[test]
fn free_text_and_triage_never_disagree() {
    let s = support::snapshot();
    let texts = [
        include_str!("situations.toml"),
        include_str!("situations-blind.toml"),
    ];
    for text in texts {
        for c in grade::parse_cases(text).unwrap() {
            let command = Command::parse(&c.command).unwrap();
            let reply = commands::run(s, command, &c.query);
            let Some(view) = &reply.situation else {
                continue;
            };
            let walk = engine::replay(&s.triage, &engine::Path::decode(&view.answers).unwrap());
            assert_eq!(walk.dropped, 0, "{}: {}", c.query, view.answers);
            // The pre-filled answers are a prefix of the path to the lead's outcome.
            assert!(
                view.lead_path.starts_with(&view.answers),
                "{}: {} / {}",
                c.query,
                view.answers,
                view.lead_path
            );
            let run = engine::script(&s.triage, &view.lead_path)
                .unwrap_or_else(|e| panic!("{}: {e}", c.query));
            assert_eq!(
                run.walk.outcome().unwrap().id,
                view.leads_with,
                "{}",
                c.query
            );
            match &view.outcome {
                Some(o) => assert_eq!(&view.leads_with, o),
                None => assert!(
                    view.reachable.len() >= 2 && view.reachable[0] == view.leads_with,
                    "{}: {view:?}",
                    c.query
                ),
            }
        }
    }
}

/// Information questions are answered by search: no situation is read and no 999 leads.
#[test]
fn information_questions_are_not_read_as_situations() {
    let s = support::snapshot();
    let questions = [
        "what is outcome 21",
        "PIES model",
        "LADO meeting today",
        "what does the LADO do",
        "how long does the lado have to hold a strategy meeting",
        "how to report a website that hosts child abuse images",
        "best website for parents about online safety",
        "what is sextortion",
        "what is the age of criminal responsibility",
        "who chairs the online safety subgroup",
        "Data Protection Act",
        "SPA out of hours number",
        "online safety policy template",
        "what is Report Remove",
        "training on online safety today",
        "meeting today with the prevent lead",
        "what counts as immediate danger",
        "missing guidance on apps",
        "CEOP",
        "how do I secure evidence",
        // The person asking, not a person of concern.
        "teaching assistant after online safety tips for her own classroom",
    ];
    let mut alarms = Vec::new();
    for q in questions {
        for cmd in [Command::WhoCall, Command::Threshold, Command::Search] {
            let r = commands::run(s, cmd, q);
            let first = r.body.lines().next().unwrap_or_default().to_string();
            if r.situation.is_some() || first.contains("Call 999 now") {
                alarms.push(format!("/{} {q} → {first}", cmd.name()));
            }
        }
    }
    assert!(alarms.is_empty(), "false alarms: {alarms:#?}");
}

/// A situation's reply: the lead first (also the title, the console's first line), then what was
/// read in the practitioner's words, the deciding question, the guidance's words, and the
/// command that confirms it in /triage; search results stay below.
#[test]
fn a_situation_reply_shows_what_was_read_and_how_to_confirm_it() {
    let s = support::snapshot();
    let r = commands::run(
        s,
        Command::Threshold,
        "13 yr old meeting a 20 year old he met on discord after school today",
    );
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(lines[0].starts_with("Call 999 now"), "{}", r.body);
    assert_eq!(r.title, lines[0]);
    assert!(lines[1].starts_with("I read: "), "{}", lines[1]);
    assert!(lines[1].contains("'20 year old'"), "{}", lines[1]);
    assert!(r.body.contains("After the 999 call: "), "{}", r.body);
    let view = r.situation.as_ref().unwrap();
    assert_eq!(view.outcome.as_deref(), Some("call_999"));
    assert!(
        r.body.contains("/triage immediate_danger=yes"),
        "{}",
        r.body
    );
    assert!(!r.results.is_empty(), "search results still follow");
    let text = safeguarding_bot::console::render_text(&r);
    assert!(
        text.lines().next().unwrap().contains("Call 999 now"),
        "{text}"
    );
    let json = safeguarding_bot::console::render_json(&r);
    assert_eq!(json["outcome"], "call_999");
    assert!(json["body"].as_str().unwrap().starts_with("Call 999 now"));
}

/// Under a 999 lead, `/whocall`'s contacts start with 999 as well, even when the search's own
/// words say nothing about "now": the lead and the list beneath it never disagree.
#[test]
fn a_999_lead_puts_the_999_contact_first_in_whocall() {
    let s = support::snapshot();
    let q = "year 9 girl off to meet a lad she only knows from tiktok, leaving school in 5 minutes";
    let r = commands::run(s, Command::WhoCall, q);
    assert_eq!(
        r.situation.as_ref().unwrap().leads_with,
        "call_999",
        "{}",
        r.body
    );
    assert_eq!(r.results[0].id, "police-999", "{:?}", r.results);
    // A situation read as not urgent keeps the search's order.
    let calm = commands::run(
        s,
        Command::WhoCall,
        "pupil told me last week an adult online asked for pics",
    );
    assert_ne!(calm.results[0].id, "police-999", "{:?}", calm.results);
    // Beneath any lead, the lead outcome's contacts come before the services the words matched.
    let staff = "a TA has been snapchatting year 9 pupils, who do i report this to";
    let r = commands::run(s, Command::WhoCall, staff);
    let view = r.situation.as_ref().expect("read as a situation");
    let outcome = s.triage.outcome(&view.leads_with).unwrap();
    let named: Vec<bool> = r
        .results
        .iter()
        .map(|h| outcome.contacts.contains(&h.id))
        .collect();
    assert!(named[0], "{:?}", r.results);
    assert!(named.windows(2).all(|w| w[0] || !w[1]), "{named:?}");
}

/// Where the words leave a needed answer open, the lead is the most urgent outcome still
/// reachable, and names what would make it the next one.
#[test]
fn an_open_question_leads_with_the_most_urgent_outcome_and_names_it() {
    let s = support::snapshot();
    let r = commands::run(s, Command::Threshold, "two year 8 pupils swapping nudes");
    let first = r.body.lines().next().unwrap();
    assert!(first.contains("same day"), "{first}");
    assert!(first.contains("unless"), "{first}");
    assert!(first.contains("24 hours"), "{first}");
    assert!(r.body.contains("What decides it: "), "{}", r.body);
    let view = r.situation.unwrap();
    assert_eq!(view.outcome, None);
    assert_eq!(view.leads_with, "images_immediate_referral");
    assert!(view.reachable.contains(&"images_referral_24h".to_string()));
}

/// The family rule: SPA and the police, and not the family first.
#[test]
fn abuse_in_the_family_leads_with_spa_and_police_and_not_the_family() {
    let s = support::snapshot();
    for q in [
        "grandfather sending a 10 year old sexual messages",
        "child tells me her dad watches porn with her",
    ] {
        for cmd in [Command::WhoCall, Command::Threshold, Command::Search] {
            let r = commands::run(s, cmd, q);
            let first = r.body.lines().next().unwrap();
            assert!(first.contains("SPA"), "{q}: {first}");
            assert!(first.contains("police"), "{q}: {first}");
            assert!(
                first.contains("do not raise it with the family first"),
                "{q}: {first}"
            );
            assert!(r.situation.as_ref().unwrap().family);
        }
    }
    // A parent who reports is not the person of concern.
    let r = commands::run(
        s,
        Command::WhoCall,
        "lad in year 8 has gone off to meet a woman he met on a gaming site, his mum cant reach him",
    );
    assert!(!r.situation.unwrap().family);
}

/// Signals are data: a partnership adds its own words to situations.toml and a rebuilt snapshot
/// (what /reload builds) reads them; a broken file is refused at its line.
#[test]
fn signals_are_data_checked_against_the_tree() {
    let base = KnowledgeFiles::embedded();
    let text = base.get("situations.toml").unwrap().to_string();
    let query = "year 9 girl has been getting glorped by a stranger";
    let before = commands::run(support::snapshot(), Command::Threshold, query);
    assert!(
        before.situation.is_none()
            || !before
                .body
                .contains("grooming or online sexual abuse ('glorped')")
    );
    let added = format!(
        "{text}\n[[signal]]\nquestion = \"incident_type\"\nanswer = \"grooming\"\nphrases = [\"glorp*\"]\n"
    );
    let mut files = base.clone();
    files.insert("situations.toml", &added);
    let snap = Snapshot::build(&files).expect("valid with the new word");
    let after = commands::run(&snap, Command::Threshold, query);
    let view = after.situation.expect("read as a situation");
    assert!(
        view.read.iter().any(|r| r.contains("'glorped'")),
        "{view:?}"
    );

    for (bad, says) in [
        (
            "question = \"no_such_question\"\nanswer = \"yes\"\nphrases = [\"x y\"]",
            "no_such_question",
        ),
        (
            "question = \"incident_type\"\nanswer = \"maybe\"\nphrases = [\"x y\"]",
            "maybe",
        ),
        (
            "question = \"incident_type\"\nanswer = \"grooming\"\nphrases = [\"... x\"]",
            "phrase",
        ),
    ] {
        let broken = format!("{text}\n[[signal]]\n{bad}\n");
        let line = broken.lines().count() - bad.lines().count();
        let mut files = base.clone();
        files.insert("situations.toml", &broken);
        let errors = match Snapshot::build(&files) {
            Ok(_) => panic!("accepted a broken signal: {bad}"),
            Err(e) => e,
        };
        let e = &errors.0[0];
        assert_eq!(e.file, "situations.toml");
        assert!(e.message.contains(says), "{e}");
        assert!(e.line >= line - 1, "{e} (expected near line {line})");
    }
    // Every outcome needs a lead.
    let cut = text.replace("id = \"low_level_concern\"", "id = \"bullying_policy\"");
    let mut files = base.clone();
    files.insert("situations.toml", &cut);
    let errors = Snapshot::build(&files).err().expect("refused");
    assert!(errors.to_string().contains("low_level_concern"), "{errors}");
}

fn arbitrary_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "nudes",
        "year",
        "8",
        "yr",
        "16",
        "and",
        "17",
        "man",
        "teacher",
        "not",
        "no",
        "today",
        "dad",
        "sent",
        "bullying",
        "isis",
        "self",
        "harm",
        "30",
        "year old",
        "meet",
        "secret",
        "pupil",
        "girl",
        "...",
        "|",
        "*",
        "'",
        "é",
        "🚨",
        "\u{0}",
        "  ",
        "-",
        "blackmail",
    ]);
    prop::collection::vec(words, 0..30).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(support::proptest_config(256))]

    /// Never panics, and every answer read is one the tree has.
    #[test]
    fn the_reader_never_panics_or_reads_an_answer_the_tree_lacks(text in arbitrary_text()) {
        let s = support::snapshot();
        let reading = situation::read(&s.situations, &text);
        for r in &reading.reads {
            let q = s.triage.question(&r.answer.question);
            prop_assert!(q.is_some_and(|q| q.choice(&r.answer.value).is_some()), "{r:?}");
        }
        for cmd in [Command::WhoCall, Command::Threshold, Command::Search] {
            let _ = commands::run(s, cmd, &text);
        }
    }

    /// Case, punctuation and spacing do not change what is read.
    #[test]
    fn reading_is_stable_under_case_punctuation_and_spacing(text in arbitrary_text()) {
        let s = support::snapshot();
        let answers = |t: &str| {
            let mut v: Vec<_> = situation::read(&s.situations, t)
                .reads
                .into_iter()
                .map(|r| r.answer)
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let plain = answers(&text);
        let upper = answers(&text.to_uppercase());
        let spaced = answers(&text.replace(' ', "   ,  "));
        prop_assert_eq!(&plain, &upper);
        prop_assert_eq!(&plain, &spaced);
    }
}
