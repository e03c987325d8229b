//! Vignettes: realistic situations, the answers a practitioner would give, and the outcome
//! `triage-spec.md` requires. Each runs through the built binary (`triage --json --answers`),
//! the pure engine, and a stored chat session, and all three must agree. Then what each outcome
//! must say (spec table): actions, contacts with numbers, timeframes, evidence, citations.

mod support;

use std::collections::HashSet;
use std::process::Output;

use serde_json::Value;

use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::reply::{ReplyKind, EMERGENCY_LINE};
use safeguarding_bot::triage::{self, engine, Store};
use support::{knowledge_dir_of, snapshot};

struct Vignette {
    story: &'static str,
    answers: &'static str,
    outcome: &'static str,
}

const fn v(story: &'static str, answers: &'static str, outcome: &'static str) -> Vignette {
    Vignette {
        story,
        answers,
        outcome,
    }
}

macro_rules! after_no2 {
    ($rest:literal) => {
        concat!("immediate_danger=no,adult_in_position_of_trust=no,", $rest)
    };
}

const VIGNETTES: &[Vignette] = &[
    v(
        "A Year 7 girl says the 'boy' she met on a game is waiting for her at the park right now.",
        "immediate_danger=yes",
        "call_999",
    ),
    v(
        "During a video call a 15-year-old says he has just taken an overdose after threats online.",
        "immediate_danger=yes",
        "call_999",
    ),
    v(
        "Police came after 999 was called for a 13-year-old meeting a man from an app; the DSL now finds the referral that still applies.",
        "immediate_danger=called_999,adult_in_position_of_trust=no,incident_type=grooming",
        "significant_harm_referral",
    ),
    v(
        "A football coach has been sending a 12-year-old private messages asking for photos.",
        "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes",
        "lado_same_day_referral",
    ),
    v(
        "A foster carer is reported to have indecent images of children on a laptop.",
        "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes",
        "lado_same_day_referral",
    ),
    v(
        "A volunteer youth-club leader is said to have sent a 14-year-old sexual messages.",
        "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes",
        "lado_same_day_referral",
    ),
    v(
        "A teaching assistant messages a pupil about homework on a personal account late at night; nothing sexual.",
        "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no",
        "lado_referral",
    ),
    v(
        "A school receptionist has been adding pupils as friends on a personal social-media account.",
        "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no",
        "lado_referral",
    ),
    v(
        "A 13-year-old sent a nude to someone he now knows is a 25-year-old man.",
        after_no2!("incident_type=sexual_images,adult_involved=yes"),
        "images_immediate_referral",
    ),
    v(
        "A 15-year-old is being told her photo will be posted unless she sends more.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=yes"),
        "images_immediate_referral",
    ),
    v(
        "A pupil with a learning disability shared a semi-nude image at another pupil's request.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=yes"),
        "images_immediate_referral",
    ),
    v(
        "A video passed round Year 8 is said to show violent sexual acts between pupils.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=yes"),
        "images_immediate_referral",
    ),
    v(
        "Two 15-year-olds filmed themselves having sex and the video is on a classmate's phone.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=yes"),
        "images_immediate_referral",
    ),
    v(
        "After her ex-boyfriend shared her semi-nude, a 16-year-old says she will hurt herself.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=yes"),
        "images_immediate_referral",
    ),
    v(
        "A 15-year-old and her 15-year-old boyfriend exchanged topless selfies; nobody else has them.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=yes"),
        "images_referral_24h",
    ),
    v(
        "Two 17-year-olds in a relationship swapped underwear photos; both are upset it came out.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=yes"),
        "images_referral_24h",
    ),
    v(
        "A 17-year-old and a 13-year-old swapped nude images; no threats, no sexual acts shown.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=no"),
        "images_immediate_referral",
    ),
    v(
        "A 15-year-old says he sent a nude to a girl in his year after she kept pressuring him for weeks.",
        after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=no"),
        "images_immediate_referral",
    ),
    v(
        "A 'modelling scout' online is flattering a 13-year-old and asking her to move to a private app.",
        after_no2!("incident_type=grooming"),
        "significant_harm_referral",
    ),
    v(
        "An 11-year-old's gaming 'friend' sends him credit and asks him to keep their chats secret.",
        after_no2!("incident_type=grooming,significant_harm=no"),
        "significant_harm_referral",
    ),
    v(
        "A 14-year-old is in a pro-anorexia group chat and has stopped eating at school.",
        after_no2!("incident_type=self_harm,significant_harm=yes"),
        "significant_harm_referral",
    ),
    v(
        "A 10-year-old is repeatedly shown violent pornography by an older cousin online.",
        after_no2!("incident_type=harmful_content,significant_harm=yes"),
        "significant_harm_referral",
    ),
    v(
        "A 12-year-old's location is being tracked by an unknown account that posts where she is.",
        after_no2!("incident_type=other,significant_harm=yes"),
        "significant_harm_referral",
    ),
    v(
        "A 16-year-old shares far-right propaganda and talks admiringly of an attacker.",
        after_no2!("incident_type=extremism"),
        "prevent_referral",
    ),
    v(
        "A Year 9 pupil is watching videos from a banned terrorist group and sharing them with friends.",
        after_no2!("incident_type=extremism,bullying_severe=no"),
        "prevent_referral",
    ),
    v(
        "A 13-year-old is sent death threats every night by classmates in a group chat.",
        after_no2!("incident_type=bullying,bullying_severe=yes"),
        "bullying_police",
    ),
    v(
        "A fake account mocking a pupil has run for months; she has stopped coming to school.",
        after_no2!("incident_type=bullying,bullying_severe=yes"),
        "bullying_police",
    ),
    v(
        "A 10-year-old was left out of a class group chat and called names in it once.",
        after_no2!("incident_type=bullying,bullying_severe=no"),
        "bullying_policy",
    ),
    v(
        "Two Year 6 friends fell out and posted unkind comments about each other's videos.",
        after_no2!("incident_type=bullying,bullying_severe=no"),
        "bullying_policy",
    ),
    v(
        "A 9-year-old saw a frightening video by accident; upset, but parents are supportive.",
        after_no2!("incident_type=harmful_content,significant_harm=no"),
        "low_level_concern",
    ),
    v(
        "A 12-year-old searched for self-harm content once after a friend mentioned it; no self-harm.",
        after_no2!("incident_type=self_harm,significant_harm=no"),
        "low_level_concern",
    ),
    v(
        "An 8-year-old is gaming late into the night on an 18-rated game; tired in class.",
        after_no2!("incident_type=other,significant_harm=no"),
        "low_level_concern",
    ),
];

fn run_binary(dir: &std::path::Path, args: &[&str]) -> Output {
    support::bin()
        .arg("--knowledge")
        .arg(dir)
        .args(args)
        .output()
        .expect("run safeguarding-bot")
}

fn json_of(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn every_outcome_question_and_answer_is_covered_by_the_vignettes() {
    let tree = &snapshot().triage;
    let mut given: HashSet<(String, String)> = HashSet::new();
    for vg in VIGNETTES {
        for pair in vg.answers.split(',') {
            let (q, a) = pair.split_once('=').unwrap();
            given.insert((q.to_string(), a.to_string()));
        }
    }
    for q in tree.questions() {
        for c in &q.choices {
            assert!(
                given.contains(&(q.id.clone(), c.value.clone())),
                "no vignette answers {}={}",
                q.id,
                c.value
            );
        }
    }
    for o in tree.outcomes() {
        let n = VIGNETTES.iter().filter(|v| v.outcome == o.id).count();
        assert!(
            n >= 2,
            "outcome {} has {n} vignette(s); want at least 2",
            o.id
        );
    }
}

#[test]
fn vignettes_through_the_engine() {
    let tree = &snapshot().triage;
    for vg in VIGNETTES {
        let run = engine::script(tree, vg.answers).unwrap_or_else(|e| panic!("{}: {e}", vg.story));
        let got = run.walk.outcome().map(|o| o.id.as_str());
        assert_eq!(got, Some(vg.outcome), "{}", vg.story);
    }
}

#[test]
fn vignettes_through_the_binary() {
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    for vg in VIGNETTES {
        let out = run_binary(dir.path(), &["triage", "--json", "--answers", vg.answers]);
        assert!(out.status.success(), "{}: {:?}", vg.story, out);
        let j = json_of(&out);
        assert_eq!(j["outcome"], vg.outcome, "{}", vg.story);
        // The path lists exactly the questions asked, in order, and unused what was not needed.
        let path: Vec<String> = j["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p["question"].as_str().unwrap(),
                    p["answer"].as_str().unwrap()
                )
            })
            .collect();
        let unused: Vec<String> = j["unused"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p["question"].as_str().unwrap(),
                    p["answer"].as_str().unwrap()
                )
            })
            .collect();
        let mut all: Vec<String> = path.iter().chain(&unused).cloned().collect();
        let mut given: Vec<String> = vg.answers.split(',').map(String::from).collect();
        all.sort();
        given.sort();
        assert_eq!(all, given, "{}", vg.story);
        for key in ["actions", "contacts", "citations", "evidence", "timeframes"] {
            assert!(
                !j[key].as_array().unwrap().is_empty(),
                "{}: `{key}` is empty",
                vg.story
            );
        }
        assert!(j["timeframe"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(j["emergency"], EMERGENCY_LINE);
    }
}

#[tokio::test]
async fn vignettes_through_a_stored_chat_session() {
    let snap = snapshot();
    let store = Store::open("sqlite::memory:").await.unwrap();
    for vg in VIGNETTES {
        let mut view = triage::start(&store, snap, "u1").await.unwrap();
        let given: Vec<(&str, &str)> = vg
            .answers
            .split(',')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        let mut asked: u32 = 0;
        while !view.finished {
            assert_eq!(view.reply.kind, ReplyKind::TriageStep);
            assert!(view.reply.emergency.is_some());
            let question = &view.reply.title;
            let q = snap
                .triage
                .questions()
                .iter()
                .find(|q| &q.text == question)
                .expect("the step shows a question of the tree");
            let value = given
                .iter()
                .find(|(id, _)| *id == q.id)
                .map(|(_, v)| *v)
                .unwrap_or_else(|| panic!("{}: the session asked {} unexpectedly", vg.story, q.id));
            // The button for that answer is offered.
            assert!(view.reply.buttons.iter().any(|b| b.action == value));
            view = triage::act(&store, snap, &view.session_id, view.step, value, "u1")
                .await
                .unwrap();
            asked += 1;
        }
        assert_eq!(view.outcome.as_deref(), Some(vg.outcome), "{}", vg.story);
        assert_eq!(view.reply.kind, ReplyKind::TriageSummary);
        assert_eq!(view.step, asked);
    }
}

fn outcome_json(answers: &str) -> Value {
    let snap = snapshot();
    let run = engine::script(&snap.triage, answers).unwrap();
    triage::render::script_json(snap, &run)
}

fn contact_ids(j: &Value) -> Vec<String> {
    j["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn phones(j: &Value) -> String {
    j["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["phone"].as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn text(j: &Value, key: &str) -> String {
    match &j[key] {
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        v => v.as_str().unwrap_or_default().to_string(),
    }
}

fn cites(j: &Value) -> Vec<String> {
    j["citations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["section_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_outcome_carries_evidence_rules_the_999_line_and_its_sources() {
    let snap = snapshot();
    for vg in VIGNETTES {
        let j = outcome_json(vg.answers);
        let evidence = j["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for must in [
            "Do not delete",
            "Do not copy",
            "forward",
            "Do not view",
            "device",
            "Write down",
        ] {
            assert!(
                evidence.contains(must),
                "{}: evidence lacks `{must}`",
                vg.outcome
            );
        }
        let c = cites(&j);
        assert!(
            c.contains(&"strategy.s13.secure-evidence".to_string()),
            "{}",
            vg.outcome
        );
        let o = snap.triage.outcome(vg.outcome).unwrap();
        assert_eq!(
            c[0], o.sources[0],
            "the outcome's main source is cited first"
        );
        for s in &o.sources {
            assert!(c.contains(s), "{}: source {s} not cited", vg.outcome);
        }
        for cite in j["citations"].as_array().unwrap() {
            assert!(cite["document"].as_str().is_some_and(|d| !d.is_empty()));
            assert!(cite["section"].as_str().is_some_and(|d| !d.is_empty()));
        }
        assert!(j["emergency"].as_str().unwrap().contains("999"));
        assert!(!j["quote"].as_str().unwrap().is_empty());
    }
}

#[test]
fn outcomes_say_what_the_spec_requires() {
    // call_999: 999 now, then the DSL, secure evidence, SPA and out of hours.
    let j = outcome_json("immediate_danger=yes");
    let acts = text(&j, "actions");
    assert!(
        acts.lines().next().unwrap().contains("999"),
        "999 comes first"
    );
    assert!(acts.contains("Designated Safeguarding Lead"));
    assert!(phones(&j).contains("999"));
    assert!(phones(&j).contains("020 8547 5008"));
    assert!(phones(&j).contains("020 8770 5000"));
    assert!(text(&j, "timeframe").starts_with("Immediately"));

    // lado_same_day_referral: same day to the police and Children's Social Care (SPA), the
    // LADO through SPA, DSL, do not alert the adult, strategy discussion on arrest and the same
    // day for known children, LADO meeting within 5 working days.
    let j = outcome_json("immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes");
    let acts = text(&j, "actions");
    let times = text(&j, "timeframes");
    assert!(text(&j, "timeframe").starts_with("Same day"));
    assert!(acts.contains("police") && acts.contains("Children's Social Care"));
    assert!(acts.contains("020 8547 5008") && acts.contains("LADO"));
    assert!(acts.contains("Designated Safeguarding Lead"));
    assert!(acts.contains("Do not discuss the concern with the adult"));
    assert!(acts.contains("destroy evidence"));
    assert!(times.contains("On arrest") && times.contains("Section 47"));
    assert!(times.contains("Within 5 working days"));
    for c in ["lado", "spa", "dsl", "police-999"] {
        assert!(contact_ids(&j).contains(&c.to_string()), "lacks {c}");
    }
    assert!(cites(&j)[0] == "strategy.s17.adults");

    // lado_referral: LADO via SPA, DSL, do not alert the adult; police and CSC at once if an
    // offence or a risk of significant harm comes to light. No 5-day meeting promised here.
    let j = outcome_json("immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no");
    let acts = text(&j, "actions");
    assert!(contact_ids(&j).contains(&"lado".to_string()));
    assert!(acts.contains("020 8547 5008") && acts.contains("LADO"));
    assert!(acts.contains("Designated Safeguarding Lead"));
    assert!(acts.contains("Do not discuss the concern with the adult"));
    assert!(acts.contains("destroy evidence"));
    assert!(acts.contains("police") && acts.contains("Social Care through SPA at once"));
    assert!(!text(&j, "timeframes").contains("5 working days"));
    assert!(cites(&j).contains(&"strategy.s13.managing-allegations".to_string()));

    // images_immediate_referral: same day, police and CSC (SPA), DSL, police/CSC before family.
    let j = outcome_json(after_no2!("incident_type=sexual_images,adult_involved=yes"));
    let acts = text(&j, "actions");
    assert!(text(&j, "timeframe").starts_with("Same day"));
    assert!(acts.contains("police") && acts.contains("Children's Social Care"));
    assert!(acts.contains("before raising the matter with the family"));
    assert!(acts.contains("Do not view, copy, download, forward or delete"));
    assert!(acts.contains("device"));
    assert!(cites(&j)[0] == "strategy.s17.referral");

    // images_referral_24h: within 24 hours, still an offence, support incl. removal.
    let j = outcome_json(after_no2!("incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=yes"));
    assert!(text(&j, "timeframe").contains("24 hours"));
    assert!(text(&j, "summary").contains("similar age"));
    assert!(text(&j, "actions").contains("before raising the matter with the family"));
    assert!(text(&j, "summary").contains("still an offence"));
    assert!(text(&j, "actions").contains("Report Remove"));
    let ids = contact_ids(&j);
    assert!(
        ids.contains(&"childline-report-remove".to_string()) && ids.contains(&"iwf".to_string())
    );

    // significant_harm_referral: SPA now, out of hours, DSL, police, CEOP.
    for answers in [
        after_no2!("incident_type=grooming"),
        after_no2!("incident_type=other,significant_harm=yes"),
    ] {
        let j = outcome_json(answers);
        let acts = text(&j, "actions");
        assert!(text(&j, "timeframe").starts_with("Immediately"));
        assert!(phones(&j).contains("020 8547 5008") && phones(&j).contains("020 8770 5000"));
        assert!(acts.contains("Designated Safeguarding Lead") && acts.contains("police"));
        assert!(contact_ids(&j).contains(&"ceop".to_string()));
    }

    // prevent_referral: Prevent lead / DSL, Channel, report-terrorism, not anonymously.
    let j = outcome_json(after_no2!("incident_type=extremism"));
    let acts = text(&j, "actions");
    let ids = contact_ids(&j);
    for c in ["prevent-lead", "dsl", "channel", "report-terrorism"] {
        assert!(ids.contains(&c.to_string()), "prevent_referral lacks {c}");
    }
    assert!(acts.contains("www.gov.uk/report-terrorism") && acts.contains("anonymously"));
    assert!(acts.contains("Channel panel"));

    // bullying_police: record, anti-bullying policy, police, SPA if significant harm.
    let j = outcome_json(after_no2!("incident_type=bullying,bullying_severe=yes"));
    let acts = text(&j, "actions");
    assert!(acts.contains("Record") && acts.contains("anti-bullying policy"));
    assert!(acts.contains("Report it to the police"));
    assert!(acts.contains("SPA") && acts.contains("significant harm"));

    // bullying_policy: record, anti-bullying policy, support the child, parents.
    let j = outcome_json(after_no2!("incident_type=bullying,bullying_severe=no"));
    let acts = text(&j, "actions");
    assert!(acts.contains("Record") && acts.contains("anti-bullying policy"));
    assert!(acts.contains("Support the child") && acts.contains("parents or carers"));

    // low_level_concern: parents/carers and a plan, Early Help Assessment, record, others.
    let j = outcome_json(after_no2!(
        "incident_type=harmful_content,significant_harm=no"
    ));
    let acts = text(&j, "actions");
    assert!(acts.contains("parents or carers") && acts.contains("plan"));
    assert!(acts.contains("Early Help Assessment"));
    assert!(acts.contains("Record"));
    assert!(acts.contains("other practitioners"));
    assert!(cites(&j)[0] == "guidance.our-responsibilities");
}

#[test]
fn contacts_come_with_numbers_and_hours_from_the_knowledge() {
    let snap = snapshot();
    let j = outcome_json(after_no2!("incident_type=bullying,bullying_severe=no"));
    for c in j["contacts"].as_array().unwrap() {
        let k = snap.knowledge.contact(c["id"].as_str().unwrap()).unwrap();
        assert_eq!(c["name"], k.name.as_str());
        assert_eq!(c["phone"].as_str(), k.phone.as_deref());
        assert_eq!(c["hours"].as_str(), k.hours.as_deref());
        assert_eq!(c["web"].as_str(), k.web.as_deref());
    }
    let posh = j["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "posh")
        .expect("bullying_policy names the helpline");
    assert!(posh["hours"]
        .as_str()
        .is_some_and(|h| h.contains("Monday to Friday")));
}

#[test]
fn scripted_errors_exit_2_and_name_the_problem() {
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    let cases: &[(&str, &str, Option<&str>)] = &[
        // The path needs bullying_severe.
        (
            after_no2!("incident_type=bullying"),
            "missing_answer",
            Some("bullying_severe"),
        ),
        // Nothing given at all: the first question is missing.
        ("", "missing_answer", Some("immediate_danger")),
        (
            "immediate_danger=no,not_a_question=yes",
            "unknown_question",
            Some("not_a_question"),
        ),
        (
            "immediate_danger=perhaps",
            "invalid_answer",
            Some("immediate_danger"),
        ),
        // An unused answer is still checked.
        (
            "immediate_danger=yes,incident_type=gaming",
            "invalid_answer",
            Some("incident_type"),
        ),
        (
            "immediate_danger=yes,immediate_danger=no",
            "duplicate_answer",
            Some("immediate_danger"),
        ),
        ("immediate_danger:yes", "malformed_answers", None),
        ("immediate_danger=yes,,", "malformed_answers", None),
        ("immediate_danger=YES", "malformed_answers", None),
        ("immediate_danger=yes; rm -rf /", "malformed_answers", None),
    ];
    for (answers, kind, question) in cases {
        let out = run_binary(dir.path(), &["triage", "--json", "--answers", answers]);
        assert_eq!(out.status.code(), Some(2), "{answers}: {out:?}");
        let j = json_of(&out);
        assert_eq!(j["error"], *kind, "{answers}: {j}");
        assert!(j["message"].as_str().is_some_and(|m| !m.is_empty()));
        if let Some(q) = question {
            assert_eq!(j["question"], *q, "{answers}: {j}");
            assert!(j["message"].as_str().unwrap().contains(q), "{j}");
        }
    }
    // The invalid value is named, with what is allowed.
    let out = run_binary(
        dir.path(),
        &["triage", "--json", "--answers", "immediate_danger=perhaps"],
    );
    let j = json_of(&out);
    assert_eq!(j["value"], "perhaps");
    assert_eq!(j["allowed"], serde_json::json!(["yes", "no", "called_999"]));
    // Without --json the error goes to stderr, still exit 2.
    let out = run_binary(dir.path(), &["triage", "--answers", "immediate_danger=no"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("adult_in_position_of_trust"));
}

#[test]
fn unneeded_answers_are_listed_as_unused_not_used() {
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    let out = run_binary(
        dir.path(),
        &[
            "triage",
            "--json",
            "--answers",
            "incident_type=grooming,immediate_danger=yes,bullying_severe=no",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let j = json_of(&out);
    assert_eq!(j["outcome"], "call_999");
    assert_eq!(
        j["path"],
        serde_json::json!([{"question": "immediate_danger", "answer": "yes"}])
    );
    assert_eq!(
        j["unused"],
        serde_json::json!([
            {"question": "incident_type", "answer": "grooming"},
            {"question": "bullying_severe", "answer": "no"}
        ])
    );
}

#[test]
fn the_knowledge_option_is_honoured() {
    let mut f = KnowledgeFiles::embedded();
    let changed = f.get("triage.toml").unwrap().replacen(
        "title = \"Call 999 now\"",
        "title = \"Call 999 now (test copy)\"",
        1,
    );
    f.insert("triage.toml", changed);
    let dir = knowledge_dir_of(&f);
    let out = run_binary(
        dir.path(),
        &["triage", "--json", "--answers", "immediate_danger=yes"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json_of(&out)["title"], "Call 999 now (test copy)");

    // A knowledge folder whose tree is broken is refused, with the file named.
    let mut f = KnowledgeFiles::embedded();
    let broken =
        f.get("triage.toml")
            .unwrap()
            .replacen("next = \"call_999\"", "next = \"call_998\"", 1);
    f.insert("triage.toml", broken);
    let dir = knowledge_dir_of(&f);
    let out = run_binary(
        dir.path(),
        &["triage", "--json", "--answers", "immediate_danger=yes"],
    );
    assert!(!out.status.success());
    let j = json_of(&out);
    assert_eq!(j["error"], "knowledge");
    assert!(j["message"].as_str().unwrap().contains("triage.toml:"));
}

#[test]
fn text_output_shows_the_summary() {
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    let out = run_binary(
        dir.path(),
        &[
            "triage",
            "--answers",
            "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no,incident_type=other",
        ],
    );
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Refer to the LADO through SPA"));
    assert!(s.contains("020 8547 5008"));
    assert!(s.contains("Source: "));
    assert!(s.contains("Answers not needed on this path: incident_type=other"));
}

#[test]
fn replies_fit_discord_limits() {
    let snap = snapshot();
    for vg in VIGNETTES {
        let run = engine::script(&snap.triage, vg.answers).unwrap();
        let reply = triage::render::reply(snap, &run.walk);
        assert!(reply.title.chars().count() <= 256, "{}", vg.outcome);
        assert!(reply.body.chars().count() <= 4096, "{}", vg.outcome);
        let mut total = reply.title.chars().count() + reply.body.chars().count();
        for f in &reply.fields {
            assert!(f.name.chars().count() <= 256);
            assert!(
                f.value.chars().count() <= 1024,
                "{}: field `{}` is {} characters",
                vg.outcome,
                f.name,
                f.value.chars().count()
            );
            total += f.name.chars().count() + f.value.chars().count();
        }
        assert!(total <= 6000, "{}: {total} characters", vg.outcome);
    }
    for q in snap.triage.questions() {
        assert!(q.text.chars().count() <= 256);
        assert!(q.choices.len() + 2 <= 25);
        for c in &q.choices {
            assert!(c.label.chars().count() <= 80);
        }
        if let Some(h) = &q.help {
            assert!(h.chars().count() <= 4096);
        }
    }
}
