//! The triage tree is only ever served when it is whole: every path ends in an outcome, nothing
//! loops or dangles, every outcome cites real sections, quotes them verbatim and names real
//! contacts. A broken `triage.toml` is refused with `triage.toml:LINE` errors by `Tree::load`,
//! by `Snapshot::build` (so `/reload` refuses it) and by `check`.

mod support;

use safeguarding_bot::knowledge::{KnowledgeError, KnowledgeErrors};
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::{Node, Tree};
use support::fixture::{fixture_files, fixture_knowledge, line_of, triage_text};
use support::{knowledge_dir_of, snapshot};

/// A small valid tree: q1 (yes → o1, no → q2), q2 (yes → o1, no → o2).
const MINI: &str = r#"start = "q1"

[[evidence]]
text = "Do not delete anything."
sources = ["strategy.s13.secure-evidence"]

[[question]]
id = "q1"
short = "First"
text = "First question?"

  [[question.choice]]
  value = "yes"
  label = "Yes"
  next = "o1"

  [[question.choice]]
  value = "no"
  label = "No"
  next = "q2"

[[question]]
id = "q2"
short = "Second"
text = "Second question?"

  [[question.choice]]
  value = "yes"
  label = "Yes"
  next = "o1"

  [[question.choice]]
  value = "no"
  label = "No"
  next = "o2"

[[outcome]]
id = "o1"
title = "Outcome one"
summary = "One."
timeframes = ["Immediately."]
actions = ["Do one."]
contacts = ["spa"]
sources = ["strategy.s14"]
quote = "Fixture text for strategy.s14."

[[outcome]]
id = "o2"
title = "Outcome two"
summary = "Two."
timeframes = ["Within 24 hours."]
actions = ["Do two."]
contacts = ["dsl"]
sources = ["strategy.s17.referral"]
quote = "Fixture text for strategy.s17.referral."
"#;

fn load(text: &str) -> Result<Tree, KnowledgeErrors> {
    Tree::parse(text, &fixture_knowledge())
}

fn errors(text: &str) -> Vec<KnowledgeError> {
    match load(text) {
        Ok(_) => panic!("the broken tree was accepted:\n{text}"),
        Err(e) => e.0,
    }
}

/// Asserts one error is at `triage.toml:line` and its message contains `needle`.
fn assert_error_at(errs: &[KnowledgeError], line: usize, needle: &str) {
    assert!(
        errs.iter()
            .any(|e| e.file == "triage.toml" && e.line == line && e.message.contains(needle)),
        "expected an error at triage.toml:{line} containing `{needle}`; got:\n{}",
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_mini_tree_is_valid_and_walkable() {
    let tree = load(MINI).unwrap();
    assert_eq!(tree.start().id, "q1");
    assert_eq!(tree.questions().len(), 2);
    assert_eq!(tree.outcomes().len(), 2);
    assert!(matches!(tree.node("o2"), Some(Node::Outcome(o)) if o.title == "Outcome two"));
    assert_eq!(tree.question("q2").unwrap().values(), vec!["yes", "no"]);
}

#[test]
fn a_cycle_is_reported_at_the_answer_that_closes_it() {
    // q2's "no" leads back to q1.
    let broken = MINI.replacen("next = \"o2\"", "next = \"q1\"", 1);
    let errs = errors(&broken);
    let q2 = line_of(&broken, "id = \"q2\"", 0);
    let closing = line_of(&broken, "next = \"q1\"", q2);
    assert_error_at(&errs, closing - 3, "leads back to `q1`");
    // o2 is now unreachable too, and is named at its own line.
    assert_error_at(
        &errs,
        line_of(&broken, "id = \"o2\"", 0) - 1,
        "can never be reached",
    );
}

#[test]
fn a_dangling_next_is_reported_at_its_answer() {
    let broken = MINI.replacen("next = \"o2\"", "next = \"nowhere\"", 1);
    let errs = errors(&broken);
    let line = line_of(&broken, "next = \"nowhere\"", 0);
    // The error points at the [[question.choice]] header of that answer (3 lines up).
    assert_error_at(&errs, line - 3, "leads to `nowhere`");
}

#[test]
fn an_outcome_without_citations_is_refused_at_its_line() {
    let broken = MINI.replacen("sources = [\"strategy.s14\"]", "sources = []", 1);
    let errs = errors(&broken);
    assert_error_at(
        &errs,
        line_of(&broken, "id = \"o1\"", 0) - 1,
        "has no `sources`",
    );
}

#[test]
fn an_unknown_contact_or_section_is_refused_at_its_outcome() {
    let broken = MINI
        .replacen(
            "contacts = [\"dsl\"]",
            "contacts = [\"dsl\", \"ghostbusters\"]",
            1,
        )
        .replacen(
            "sources = [\"strategy.s17.referral\"]",
            "sources = [\"strategy.s17.referral\", \"strategy.s99\"]",
            1,
        );
    let errs = errors(&broken);
    let o2 = line_of(&broken, "id = \"o2\"", 0) - 1;
    assert_error_at(&errs, o2, "contact `ghostbusters`, which does not exist");
    assert_error_at(&errs, o2, "section `strategy.s99`, which does not exist");
}

#[test]
fn a_quote_not_in_its_source_is_refused() {
    let broken = MINI.replacen(
        "quote = \"Fixture text for strategy.s14.\"",
        "quote = \"Call 123 whenever you like.\"",
        1,
    );
    let errs = errors(&broken);
    assert_error_at(
        &errs,
        line_of(&broken, "id = \"o1\"", 0) - 1,
        "not verbatim",
    );
}

#[test]
fn duplicate_and_reserved_answer_values_are_refused() {
    // q1 offers "no" twice.
    let broken = MINI.replacen("value = \"yes\"", "value = \"no\"", 1);
    let errs = errors(&broken);
    let second = line_of(
        &broken,
        "value = \"no\"",
        line_of(&broken, "value = \"no\"", 0),
    );
    assert_error_at(&errs, second - 1, "used twice");

    let broken = MINI.replacen("value = \"yes\"", "value = \"back\"", 1);
    let errs = errors(&broken);
    assert_error_at(
        &errs,
        line_of(&broken, "value = \"back\"", 0) - 1,
        "reserved",
    );
}

#[test]
fn unreachable_nodes_and_a_bad_start_are_refused() {
    // Nothing leads to q2 any more, nor (through it) to o2.
    let broken = MINI.replacen("next = \"q2\"", "next = \"o1\"", 1);
    let errs = errors(&broken);
    assert_error_at(
        &errs,
        line_of(&broken, "id = \"q2\"", 0) - 1,
        "question `q2` can never be reached",
    );
    assert_error_at(
        &errs,
        line_of(&broken, "id = \"o2\"", 0) - 1,
        "outcome `o2` can never be reached",
    );

    let broken = MINI.replacen("start = \"q1\"", "start = \"o1\"", 1);
    assert_error_at(&errors(&broken), 1, "must name the first question");
}

#[test]
fn a_typo_in_a_field_name_is_a_parse_error_with_its_line() {
    let broken = MINI.replacen("summary = \"Two.\"", "sumary = \"Two.\"", 1);
    let errs = errors(&broken);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].file, "triage.toml");
    assert!(errs[0].message.contains("sumary"), "{}", errs[0].message);
    assert_eq!(errs[0].line, line_of(&broken, "sumary", 0));
}

#[test]
fn an_outcome_with_no_actions_or_timeframes_is_refused() {
    let broken = MINI
        .replacen("actions = [\"Do one.\"]", "actions = []", 1)
        .replacen("timeframes = [\"Immediately.\"]", "timeframes = []", 1);
    let errs = errors(&broken);
    let o1 = line_of(&broken, "id = \"o1\"", 0) - 1;
    assert_error_at(&errs, o1, "needs `actions`");
    assert_error_at(&errs, o1, "needs `timeframes`");
}

#[test]
fn missing_evidence_rules_are_refused() {
    let start = MINI.find("[[evidence]]").unwrap();
    let end = MINI.find("[[question]]").unwrap();
    let broken = format!("{}{}", &MINI[..start], &MINI[end..]);
    assert!(errors(&broken)
        .iter()
        .any(|e| e.message.contains("no [[evidence]] rules")));
}

#[test]
fn a_broken_tree_fails_the_snapshot_so_reload_refuses_it() {
    let broken = triage_text().replacen("next = \"lado_referral\"", "next = \"lado\"", 1);
    let errs = match Snapshot::build(&fixture_files(&broken)) {
        Ok(_) => panic!("a snapshot was built from a broken triage.toml"),
        Err(e) => e,
    };
    let line = line_of(&broken, "next = \"lado\"", 0);
    assert!(
        errs.iter()
            .any(|e| e.file == "triage.toml" && e.line + 3 == line && e.message.contains("`lado`")),
        "{errs}"
    );
}

#[test]
fn check_reports_a_broken_tree_with_file_and_line() {
    let broken = triage_text().replacen("next = \"prevent_referral\"", "next = \"prevent\"", 1);
    let dir = knowledge_dir_of(&fixture_files(&broken));
    let out = support::bin()
        .args(["check", "--knowledge"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = line_of(&broken, "next = \"prevent\"", 0) - 3;
    assert!(
        stderr.contains(&format!("triage.toml:{line}:")),
        "check output does not name triage.toml:{line}:\n{stderr}"
    );
}

#[test]
fn the_real_tree_loads_against_the_best_knowledge_available() {
    let tree = &snapshot().triage;
    let question_ids: Vec<&str> = tree.questions().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        question_ids,
        [
            "immediate_danger",
            "adult_in_position_of_trust",
            "adult_offence",
            "incident_type",
            "adult_involved",
            "coercion_or_capacity",
            "unusual_or_violent",
            "sexual_acts_under_18",
            "immediate_risk_from_sharing",
            "similar_age",
            "bullying_severe",
            "significant_harm",
        ]
    );
    let mut outcome_ids: Vec<&str> = tree.outcomes().iter().map(|o| o.id.as_str()).collect();
    outcome_ids.sort_unstable();
    assert_eq!(
        outcome_ids,
        [
            "bullying_police",
            "bullying_policy",
            "call_999",
            "images_immediate_referral",
            "images_referral_24h",
            "lado_referral",
            "lado_same_day_referral",
            "low_level_concern",
            "prevent_referral",
            "significant_harm_referral",
        ]
    );
    assert_eq!(
        tree.question("incident_type").unwrap().values(),
        [
            "sexual_images",
            "grooming",
            "bullying",
            "extremism",
            "self_harm",
            "harmful_content",
            "other"
        ]
    );
    // The first question also lets a dialogue go on after 999 (`call_999`'s `go_on`).
    assert_eq!(
        tree.question("immediate_danger").unwrap().values(),
        ["yes", "no", "called_999"]
    );
    assert_eq!(
        tree.outcome("call_999").unwrap().go_on.as_deref(),
        Some("called_999")
    );
    for q in tree.questions() {
        if q.id != "incident_type" && q.id != "immediate_danger" {
            assert_eq!(q.values(), ["yes", "no"], "question {}", q.id);
        }
    }
    // The spec's note on the "under 18" wording is in the help text.
    let help = tree
        .question("sexual_acts_under_18")
        .unwrap()
        .help
        .clone()
        .unwrap();
    assert!(help.contains("under 18") && help.contains("under 13") && help.contains("UKCIS"));
    let help = tree
        .question("significant_harm")
        .unwrap()
        .help
        .clone()
        .unwrap();
    assert!(help.contains("What counts as significant harm?"));
}
