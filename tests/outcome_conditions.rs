//! What an outcome must also say on the path that reached it (issue 19, part 1): the same-day
//! images referral with an adult involved carries strategy §17 "Responses to Adults"; the
//! referral reached from grooming says to talk to the police and Children's Social Care before
//! the family, never with a family member who may be involved; `call_999` says the referral the
//! rest of the tree would give still applies. Each holds in the scripted run's JSON (what
//! `ask --json`, the console and Discord render from), the decision record (JSON and Markdown)
//! and the map; and a condition that names a question or answer the tree does not have, or
//! that could never hold, is refused with file and line.

mod support;

use safeguarding_bot::triage::{engine, map, record, render};

const ADULT_IMAGES: &str = "immediate_danger=no,adult_in_position_of_trust=no,incident_type=sexual_images,adult_involved=yes";
const COERCED_IMAGES: &str = "immediate_danger=no,adult_in_position_of_trust=no,incident_type=sexual_images,adult_involved=no,coercion_or_capacity=yes";
const GROOMING: &str = "immediate_danger=no,adult_in_position_of_trust=no,incident_type=grooming";
const SELF_HARM: &str =
    "immediate_danger=no,adult_in_position_of_trust=no,incident_type=self_harm,significant_harm=yes";

/// What §17 "Responses to Adults" requires, as words each must contain.
const ADULT_MUST_SAY: [&str; 5] = [
    "A referral to the police is always required",
    "including the alleged abuser, their partner or their children",
    "a referral to Children's Social Care is also required",
    "A strategy discussion should be held on arrest",
    "including their own children, an urgent strategy discussion must be held on the same day",
];

const GROOMING_MUST_SAY: [&str; 2] = [
    "Discuss your concerns with the police and Children's Social Care before raising the matter with the family",
    "Never raise it with a family member who may be involved",
];

fn run(answers: &str) -> serde_json::Value {
    let snap = support::snapshot();
    let run = engine::script(&snap.triage, answers).expect("the answers reach an outcome");
    render::script_json(snap, &run)
}

fn actions(v: &serde_json::Value) -> String {
    v["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn record_md(answers: &str) -> String {
    let snap = support::snapshot();
    let run = engine::script(&snap.triage, answers).unwrap();
    let at = "2026-11-23T10:00:00Z".parse().unwrap();
    record::build(snap, &run.walk, at).unwrap().to_markdown()
}

fn map_desc(answers: &str) -> String {
    let snap = support::snapshot();
    let run = engine::script(&snap.triage, answers).unwrap();
    let svg = map::draw(&snap.triage, "test", Some(&run.walk.path)).svg;
    svg.replace("&apos;", "'").replace("&#39;", "'")
}

#[test]
fn an_adult_involved_adds_what_section_17_requires_to_the_same_day_referral() {
    let v = run(ADULT_IMAGES);
    assert_eq!(v["outcome"], "images_immediate_referral");
    let said = actions(&v);
    for must in ADULT_MUST_SAY {
        assert!(
            said.contains(must),
            "the outcome leaves out {must:?}:\n{said}"
        );
    }
    assert_eq!(v["conditions"][0]["question"], "adult_involved");
    assert!(v["conditions"][0]["title"]
        .as_str()
        .unwrap()
        .contains("Responses to Adults"));
    // The condition's quote is the guidance's own, and its section is cited.
    let cited: Vec<&str> = v["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["section_id"].as_str().unwrap())
        .collect();
    assert!(cited.contains(&"strategy.s17.adults"), "{cited:?}");
    // The grooming condition carries the guidance's own words, verbatim (checked on load).
    let g = run(GROOMING);
    assert!(g["conditions"][0]["quote"]
        .as_str()
        .unwrap()
        .contains("before raising the matter with the family"));

    // The same outcome reached without an adult does not say it.
    let v = run(COERCED_IMAGES);
    assert_eq!(v["outcome"], "images_immediate_referral");
    assert!(v["conditions"].as_array().unwrap().is_empty());
    assert!(!actions(&v).contains(ADULT_MUST_SAY[0]));
}

#[test]
fn the_record_and_the_map_say_it_too() {
    let md = record_md(ADULT_IMAGES);
    assert!(md.contains("**Because an adult is involved"), "{md}");
    for must in ADULT_MUST_SAY {
        assert!(md.contains(must), "the record leaves out {must:?}");
    }
    assert!(!record_md(COERCED_IMAGES).contains("Because an adult is involved"));
    let svg = map_desc(ADULT_IMAGES);
    for must in ADULT_MUST_SAY {
        assert!(svg.contains(must), "the map leaves out {must:?}");
    }
    assert!(!map_desc(COERCED_IMAGES).contains(ADULT_MUST_SAY[0]));
    let md = record_md(GROOMING);
    for must in GROOMING_MUST_SAY {
        assert!(md.contains(must), "the grooming record leaves out {must:?}");
    }
}

#[test]
fn grooming_says_police_and_social_care_before_the_family() {
    let v = run(GROOMING);
    assert_eq!(v["outcome"], "significant_harm_referral");
    let said = actions(&v);
    for must in GROOMING_MUST_SAY {
        assert!(said.contains(must), "{must:?} missing:\n{said}");
    }
    // Reached from self-harm, the same outcome does not carry the grooming rule.
    let v = run(SELF_HARM);
    assert_eq!(v["outcome"], "significant_harm_referral");
    assert!(!actions(&v).contains(GROOMING_MUST_SAY[1]));
}

#[test]
fn calling_999_says_the_referral_still_applies_and_how_to_go_on() {
    let v = run("immediate_danger=yes");
    assert_eq!(v["outcome"], "call_999");
    let all = format!("{}\n{}", v["summary"], actions(&v));
    assert!(all.contains("still applies"), "{all}");
    assert!(all.contains("Go on from the next question"), "{all}");
    assert!(all.contains("the LADO too"), "{all}");
}

/// Going on after 999: the path with `immediate_danger=called_999` reaches the referral the rest
/// of the tree gives, and the JSON, the record (JSON and Markdown) and the console say first
/// that 999 was called.
#[test]
fn after_999_the_referral_is_reached_and_says_999_was_called_first() {
    let v = run("immediate_danger=called_999,adult_in_position_of_trust=yes,adult_offence=yes");
    assert_eq!(v["outcome"], "lado_same_day_referral");
    let first = v["done_first"].to_string();
    assert!(first.contains("999 has been called"), "{v}");
    // Not on a path that did not go through 999.
    let v = run("immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes");
    assert_eq!(v["done_first"], serde_json::json!([]));

    let snap = support::snapshot();
    let walk = engine::replay(
        &snap.triage,
        &engine::Path::decode(
            "immediate_danger=called_999,adult_in_position_of_trust=no,incident_type=grooming",
        )
        .unwrap(),
    );
    let rec = record::build(snap, &walk, "2026-12-03T10:00:00Z".parse().unwrap()).unwrap();
    assert!(rec
        .to_markdown()
        .contains("**Done first:** The child was in immediate danger and 999 has been called"));
    assert!(rec.to_json()["done_first"]
        .to_string()
        .contains("999 has been called"));

    // The console: 999, confirm, `go on`, then No and grooming, confirm.
    let mut out = Vec::new();
    let outcome = safeguarding_bot::triage::console::run_dialogue(
        snap,
        &mut "1\nconfirm\ngo on\n2\n2\nconfirm\nquit\n".as_bytes(),
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Type `go on` to go on from the next question"),
        "{out}"
    );
    assert_eq!(
        outcome.as_deref(),
        Some("significant_harm_referral"),
        "{out}"
    );
    assert!(out.contains("Done first"), "{out}");
}

#[test]
fn a_go_on_that_is_not_an_answer_to_the_question_before_is_refused() {
    let err = check_errors(|t| t.replace("go_on = \"called_999\"", "go_on = \"carry_on\""));
    assert!(
        err.contains("triage.toml")
            && err.contains("`go_on = \"carry_on\"` is not an answer to `immediate_danger`"),
        "{err}"
    );
    // A go-on answer that leads straight back to the outcome is refused too.
    let err = check_errors(|t| {
        t.replacen(
            "next = \"adult_in_position_of_trust\"\n  style = \"secondary\"",
            "next = \"call_999\"\n  style = \"secondary\"",
            1,
        )
    });
    assert!(err.contains("leads back to this outcome"), "{err}");
}

/// `check` on a copy whose triage.toml had `edit` applied: its stderr.
fn check_errors(edit: impl Fn(&str) -> String) -> String {
    support::check_refuses("triage.toml", edit)
}

fn when_line(text: &str, question: &str) -> usize {
    let at = text
        .find(&format!("question = \"{question}\""))
        .expect("the condition");
    let header = text[..at].rfind("[[outcome.when]]").unwrap();
    text[..header].matches('\n').count() + 1
}

#[test]
fn a_condition_the_tree_cannot_reach_is_refused_with_file_and_line() {
    let text = safeguarding_bot::knowledge::KnowledgeFiles::embedded()
        .get("triage.toml")
        .unwrap()
        .to_string();
    let line = when_line(&text, "adult_involved");
    let cases = [
        (
            "question = \"adult_involved\"\n  answer = \"yes\"",
            "question = \"adult_involvd\"\n  answer = \"yes\"",
            "not a question",
        ),
        (
            "question = \"adult_involved\"\n  answer = \"yes\"",
            "question = \"adult_involved\"\n  answer = \"maybe\"",
            "not an answer",
        ),
        (
            // `no` leads on to the other tests, but also to this outcome: allowed. `bullying`
            // can never lead to the images referral.
            "question = \"adult_involved\"\n  answer = \"yes\"",
            "question = \"incident_type\"\n  answer = \"bullying\"",
            "can never lead",
        ),
    ];
    for (from, to, says) in cases {
        let err = check_errors(|t| t.replacen(from, to, 1));
        assert!(
            err.contains(&format!("triage.toml:{line}:")) && err.contains(says),
            "{says:?} at line {line}:\n{err}"
        );
    }
    let err = check_errors(|t| {
        t.replacen(
            "quote = \"Due to the nature of this type of abuse",
            "quote = \"Because of the nature of this type of abuse",
            1,
        )
    });
    assert!(err.contains("not verbatim"), "{err}");
}

#[test]
fn the_summary_shows_it_under_its_own_heading_within_chat_limits() {
    let snap = support::snapshot();
    let run = engine::script(&snap.triage, ADULT_IMAGES).unwrap();
    let reply = render::reply(snap, &run.walk);
    let field = reply
        .fields
        .iter()
        .find(|f| f.name.starts_with("Because an adult is involved"))
        .expect("a field for what the adult case adds");
    for must in ADULT_MUST_SAY {
        assert!(
            field.value.contains(must),
            "{must:?} missing: {}",
            field.value
        );
    }
    // Numbered on from the outcome's own actions, and within a chat field's length.
    let own = snap
        .triage
        .outcome("images_immediate_referral")
        .unwrap()
        .actions
        .len();
    assert!(
        field.value.starts_with(&format!("{}. ", own + 1)),
        "{}",
        field.value
    );
    assert!(field.value.chars().count() <= 1024);
}
