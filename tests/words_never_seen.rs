//! Issue 20 "Words never seen": what makes search generalise beyond its own test sets, each in
//! our own wording. The organisations the guidance lists are records, marked as resources; every
//! passage is described by the questions it answers (`questions.toml`, checked by `check`); the
//! winning passage is quoted first; the kind of answer a question expects steers the ranking; and
//! the tuned cases for each kind of miss (tests/queries-words.toml) stay above their floor. The
//! blind set (tests/queries-blind.toml) is graded here too and its figure printed.

mod support;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::eval::{grade, parse_cases};
use safeguarding_bot::knowledge::RecordKind;

/// Regression floors for the blind set, set under the figures first measured (README).
const BLIND_TOP1_FLOOR: f64 = 0.83;
const BLIND_TOP3_FLOOR: f64 = 0.94;
/// Regression floors for the second blind set, set under the figures measured when it was first
/// graded (81.2 % / 90.6 %, README).
const BLIND2_TOP1_FLOOR: f64 = 0.79;
const BLIND2_TOP3_FLOOR: f64 = 0.88;

fn search(q: &str) -> safeguarding_bot::reply::Reply {
    commands::run(support::snapshot(), Command::Search, q)
}

#[test]
fn every_organisation_the_guidance_lists_is_a_resource_record() {
    let k = &support::snapshot().knowledge;
    // Names from strategy Appendix 2, the KCSIE table and the guidance's further-details list.
    for name in [
        "Be Internet Legends",
        "DisrespectNobody",
        "PSHE association",
        "SWGfL",
        "Internet Matters",
        "Educate Against Hate",
        "Common Sense Media",
        "LGfL",
        "Net-Aware",
        "Pan-European Game Information service",
        "Childnet",
        "Parent Info",
    ] {
        let c = k
            .contacts
            .iter()
            .find(|c| c.name.contains(name))
            .unwrap_or_else(|| panic!("no record for {name}"));
        assert!(c.resource, "{name} is not marked as a resource");
    }
    // The routes for reporting a concern are not resources.
    for id in [
        "police-999",
        "spa",
        "spa-out-of-hours",
        "lado",
        "dsl",
        "ceop",
    ] {
        assert!(!k.contact(id).unwrap().resource, "{id}");
    }
    // A resource hit says what it is, so it is never taken for a reporting route.
    let r = search("age ratings for video games");
    let hit = &r.results[0];
    assert_eq!(
        hit.id,
        "pegi",
        "{:?}",
        r.results.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    let resource = hit
        .fields
        .iter()
        .find(|f| f.name == "Resource")
        .expect("a Resource field");
    assert!(
        resource.value.contains("not a route for reporting"),
        "{}",
        resource.value
    );
}

#[test]
fn every_section_is_described_by_the_questions_it_answers() {
    let k = &support::snapshot().knowledge;
    for s in &k.sections {
        if s.body.trim().is_empty() {
            continue;
        }
        assert!(
            k.descriptions.iter().any(|d| d.id == s.id),
            "section {} has no description in questions.toml",
            s.id
        );
    }
    // The questions are indexed: a document of each described section carries them.
    let docs = support::snapshot().index.docs();
    let d = k.descriptions.iter().find(|d| d.passage.is_some()).unwrap();
    assert!(docs
        .iter()
        .any(|doc| doc.id == d.id && doc.questions.contains(d.questions[0].trim())));
    // Every passage a section is indexed by, and every contact (services and resources alike),
    // carries questions: a passage or an organisation without them is found only by the
    // guidance's own words.
    let bare: Vec<String> = docs
        .iter()
        .filter(|doc| matches!(doc.kind, RecordKind::Section | RecordKind::Contact))
        .filter(|doc| doc.questions.trim().is_empty())
        .map(|doc| format!("{} ({:.60})", doc.id, doc.passage))
        .collect();
    assert!(
        bare.is_empty(),
        "passages and contacts without questions: {bare:#?}"
    );
}

/// `/whocall` is "who do I call": a resource (a guide, a curriculum) whose words match a question
/// about as well as a service's do is ranked below the service.
#[test]
fn whocall_ranks_a_service_above_a_resource_that_matches_no_better() {
    let k = &support::snapshot().knowledge;
    for q in [
        "man online threatening to post a boys pics unless he pays",
        "where do i report a social media account bullying a child",
        "who to ring about a child seeing self harm content",
    ] {
        let r = commands::run(support::snapshot(), Command::WhoCall, q);
        let first = r.results.first().expect("a result");
        let c = k.contact(&first.id).expect("a contact first");
        assert!(!c.resource, "{q}: a resource first: {}", first.id);
    }
}

/// `check` on a copy whose questions.toml had `edit` applied: its stderr.
fn check_errors(edit: impl Fn(&str) -> String) -> String {
    support::check_refuses("questions.toml", edit)
}

#[test]
fn a_description_that_does_not_match_the_guidance_is_refused_with_file_and_line() {
    let bad = "\n[[describe]]\nid = \"strategy.s99\"\nquestions = [\"What?\"]\n";
    let err = check_errors(|t| format!("{t}{bad}"));
    assert!(
        err.contains("questions.toml:")
            && err.contains("`strategy.s99` is neither a section nor a record"),
        "{err}"
    );

    let bad = "\n[[describe]]\nid = \"strategy.s9\"\npassage = \"words the guidance never wrote\"\nquestions = [\"Who is it for?\"]\n";
    let err = check_errors(|t| format!("{t}{bad}"));
    assert!(
        err.contains("is not verbatim in section `strategy.s9`"),
        "{err}"
    );

    let bad = "\n[[describe]]\nid = \"spa\"\npassage = \"SPA\"\nquestions = [\"Who?\"]\n";
    let err = check_errors(|t| format!("{t}{bad}"));
    assert!(
        err.contains("is a record: `passage` is only for a section"),
        "{err}"
    );

    let bad = "\n[[describe]]\nid = \"spa\"\nquestions = []\n";
    let err = check_errors(|t| format!("{t}{bad}"));
    assert!(err.contains("needs 1 to 6 questions"), "{err}");
}

#[test]
fn the_winning_passage_is_quoted_first() {
    let r = search("how often do sub group members have to attend meetings");
    let best = &r.results[0];
    assert_eq!(best.kind, RecordKind::Section, "{}", r.body);
    let mut lines = r.body.lines();
    assert_eq!(lines.next(), Some(format!("**{}**", best.title).as_str()));
    let quote: Vec<&str> = lines.filter(|l| l.starts_with("> ")).collect();
    assert!(!quote.is_empty(), "no quote: {}", r.body);
    assert!(
        quote.join(" ").contains("four times"),
        "the passage holding the answer is quoted: {}",
        r.body
    );
    assert!(
        best.snippet.is_empty(),
        "the quote is not repeated under the hit"
    );
}

#[test]
fn the_kind_of_answer_asked_for_steers_towards_the_passage_that_holds_it() {
    // A count: the passage with the statistic, not the introduction about children online.
    let r = search("what percentage of children aged 5 to 15 own a smartphone");
    assert!(r.body.contains("44%"), "{}", r.body);
    // A duration: the passage with the working days.
    let r = search("how many days does the lado have to hold the strategy meeting");
    assert!(
        r.results.iter().take(3).any(|h| h
            .fields
            .iter()
            .any(|f| f.value.contains("5 working days"))
            || h.snippet.contains("5 working days"))
            || r.body.contains("5 working days"),
        "{}",
        r.body
    );
}

#[test]
fn each_kind_of_miss_in_our_own_wording_stays_above_its_floor() {
    let cases = parse_cases(include_str!("queries-words.toml")).expect("parses");
    assert!(cases.len() >= 20);
    let report = grade(support::snapshot(), &cases);
    println!("tests/queries-words.toml:\n{}", report.render());
    assert!(report.hit_rate(1) >= 0.75, "{}", report.render());
    assert!(report.hit_rate(3) >= 0.90, "{}", report.render());
}

/// Grades the query set `text` (named `name`), prints its figure and holds it to the floors.
fn grade_set_above(name: &str, text: &str, top1: f64, top3: f64) {
    let cases = parse_cases(text).expect("parses");
    assert!(cases.len() >= 60, "only {} cases in {name}", cases.len());
    let report = grade(support::snapshot(), &cases);
    println!("{name}:\n{}", report.render());
    assert!(report.hit_rate(1) >= top1, "{}", report.render());
    assert!(report.hit_rate(3) >= top3, "{}", report.render());
}

/// The first blind set: written from the whole guidance before tuning, by someone who saw
/// neither the tuned sets nor the ranking; graded at the end of the 2026-12-03 round and seen
/// since. Its figure is printed (`cargo test --test words_never_seen blind -- --nocapture`, or
/// `cargo run --release -- eval tests/queries-blind.toml`) and reported in the README; the floor
/// is a regression floor under the figure first measured, not a target.
#[test]
fn blind_set_is_graded() {
    grade_set_above(
        "tests/queries-blind.toml",
        include_str!("queries-blind.toml"),
        BLIND_TOP1_FLOOR,
        BLIND_TOP3_FLOOR,
    );
}

/// The second blind set (96 cases): written the same way before the 2026-12-04 round, graded
/// once at that round's end (`cargo run --release -- eval tests/queries-blind2.toml`). The floor
/// is a regression floor under that first figure, not a target.
#[test]
fn second_blind_set_is_graded() {
    grade_set_above(
        "tests/queries-blind2.toml",
        include_str!("queries-blind2.toml"),
        BLIND2_TOP1_FLOOR,
        BLIND2_TOP3_FLOOR,
    );
}
