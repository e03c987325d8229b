//! After the decision: "Check your answers" (every answer, each changeable; a change keeps the
//! later answers still on the path and names the ones dropped), and the decision record in JSON
//! and Markdown (deadlines from the decision time in London, the answers, actions, contacts,
//! evidence, citations, the knowledge version and hash, a blank Notes section, and nothing
//! typed by anyone).

mod support;

use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use safeguarding_bot::clock::ManualClock;
use safeguarding_bot::reply::{ReplyKind, EMERGENCY_LINE};
use safeguarding_bot::triage::record::{self, RecordError};
use safeguarding_bot::triage::review::{self, ReviewAction};
use safeguarding_bot::triage::{self, engine, Answer, Path, Store, TriageError};

const OWNER: &str = "312345678901234567";

const ADULT_OFFENCE: &str = "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=yes";
const IMAGES_24H: &str = "immediate_danger=no,adult_in_position_of_trust=no,incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=yes";

fn bin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_safeguarding-bot"))
        .args(args)
        .output()
        .expect("run the binary")
}

fn record_json(answers: &str, at: &str) -> serde_json::Value {
    let out = bin(&[
        "triage",
        "--answers",
        answers,
        "--record",
        "json",
        "--at",
        at,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn record_md(answers: &str, at: &str) -> String {
    let out = bin(&["triage", "--answers", answers, "--record", "md", "--at", at]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_json_record_has_every_field_with_deadlines_from_the_decision() {
    let v = record_json(ADULT_OFFENCE, "2026-12-24T10:00:00Z");
    let snap = support::snapshot();
    let o = snap.triage.outcome("lado_same_day_referral").unwrap();
    assert_eq!(v["outcome"], "lado_same_day_referral");
    assert_eq!(v["decided_at"], "2026-12-24T10:00:00+00:00");
    assert_eq!(v["decided_at_utc"], "2026-12-24T10:00:00Z");
    assert_eq!(v["time_zone"], "Europe/London");

    let d = v["deadlines"].as_array().unwrap();
    assert_eq!(d.len(), o.timeframes.len());
    let rules: Vec<&str> = d.iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "Same day, as a matter of urgency",
            "On arrest",
            "Same day, if the images include abusive images of children known to the adult (including their own children)",
            "Within 5 working days"
        ]
    );
    let dues: Vec<&serde_json::Value> = d.iter().map(|d| &d["due"]).collect();
    assert_eq!(dues[0], "2026-12-24T23:59:59+00:00");
    assert!(dues[1].is_null(), "on arrest has no clock time");
    assert_eq!(dues[2], "2026-12-24T23:59:59+00:00");
    assert_eq!(
        dues[3], "2027-01-05T23:59:59+00:00",
        "Christmas, Boxing Day (Mon 28) and New Year skipped"
    );
    assert!(d[2]["condition"]
        .as_str()
        .unwrap()
        .starts_with("if the images include"));
    for x in d {
        assert!(!x["what"].as_str().unwrap().is_empty());
        if let Some(due) = x["due"].as_str() {
            assert!(due.parse::<jiff::Timestamp>().is_ok(), "{due} is RFC 3339");
        }
    }

    let answers = v["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["question_id"], "immediate_danger");
    assert_eq!(
        answers[0]["question"],
        snap.triage.question("immediate_danger").unwrap().text
    );
    assert_eq!(answers[2]["answer"], "Yes, or I am not sure");
    assert_eq!(v["actions"], serde_json::json!(o.actions));
    let contacts = v["contacts"].as_array().unwrap();
    assert!(contacts
        .iter()
        .any(|c| c["id"] == "spa" && c["phone"] == "020 8547 5008"));
    assert!(contacts.iter().any(|c| c["id"] == "lado"));
    assert!(!v["citations"].as_array().unwrap().is_empty());
    assert_eq!(
        v["evidence"].as_array().unwrap().len(),
        snap.triage.evidence().len()
    );
    assert_eq!(v["knowledge"]["version"], snap.knowledge.manifest.version);
    assert_eq!(v["knowledge"]["hash"], snap.knowledge.hash);
    assert_eq!(v["knowledge"]["bank_holidays"]["checked_through"], 2027);
    assert_eq!(v["emergency"], EMERGENCY_LINE);
}

#[test]
fn the_markdown_record_has_its_sections_and_a_blank_notes_section() {
    let md = record_md(IMAGES_24H, "2026-03-28T12:00:00Z");
    let mut last = 0;
    for s in ["# Triage decision record", EMERGENCY_LINE]
        .into_iter()
        .chain(record::markdown::SECTIONS)
    {
        let at = md.find(s).unwrap_or_else(|| panic!("no {s}:\n{md}"));
        assert!(at >= last, "{s} out of order");
        last = at;
    }
    // 24 clock hours across the clock change: 12:00 GMT to 13:00 BST.
    assert!(
        md.contains("| Within 24 hours | By Sunday 29 March 2026, 13:00 (BST) |"),
        "{md}"
    );
    assert!(
        md.contains("- Decided: Saturday 28 March 2026, 12:00:00 London time (GMT"),
        "{md}"
    );
    assert!(
        md.contains("| 9 | Does the imagery appear to be between children of a similar age"),
        "{md}"
    );
    let notes = &md[md.find("## Notes").unwrap()..];
    assert_eq!(
        notes.trim(),
        "## Notes\n\n_To be completed by the practitioner in their own case-recording system._"
    );
}

/// Every word of `text` that is in neither the knowledge, nor the record's fixed wording.
fn words_not_from_the_knowledge(text: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = String::new();
    let files = safeguarding_bot::knowledge::KnowledgeFiles::embedded();
    for p in files.paths() {
        corpus.push_str(files.get(p).unwrap());
    }
    for f in [
        "src/triage/record.rs",
        "src/triage/record/markdown.rs",
        "src/triage/deadline.rs",
        "src/triage/out_of_hours.rs",
        "src/reply.rs",
        // How a heading the project added is cited ("… this bot's heading, not the guidance's").
        "src/knowledge/sections.rs",
    ] {
        corpus.push_str(&std::fs::read_to_string(root.join(f)).unwrap());
    }
    corpus.push_str(" Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December GMT BST UTC ");
    let corpus = corpus.to_lowercase();
    let known: HashSet<&str> = corpus
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut unknown: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_hexdigit()))
        // The date-time joint of an RFC 3339 time ("30t23").
        .filter(|w| {
            !w.split_once('t').is_some_and(|(a, b)| {
                [a, b]
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
            })
        })
        .filter(|w| !known.contains(w))
        .map(String::from)
        .collect();
    unknown.dedup();
    unknown
}

#[test]
fn the_record_holds_no_free_text_and_depends_only_on_ids_time_and_knowledge() {
    for answers in [ADULT_OFFENCE, IMAGES_24H] {
        let md = record_md(answers, "2026-11-23T14:05:00Z");
        assert!(
            words_not_from_the_knowledge(&md).is_empty(),
            "{:?}",
            words_not_from_the_knowledge(&md)
        );
        let json = record_json(answers, "2026-11-23T14:05:00Z").to_string();
        assert!(
            words_not_from_the_knowledge(&json).is_empty(),
            "{:?}",
            words_not_from_the_knowledge(&json)
        );
        // The same answers at the same moment give the same record, byte for byte.
        assert_eq!(md, record_md(answers, "2026-11-23T14:05:00Z"));
    }
    // Nothing typed can reach it: answers are ids only, the time is parsed.
    let out = bin(&[
        "triage",
        "--answers",
        "immediate_danger=Jane Smith",
        "--record",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["error"], "malformed_answers",
        "an error, never a record: {v}"
    );
    assert!(v.get("record").is_none());
    let out = bin(&[
        "triage",
        "--answers",
        ADULT_OFFENCE,
        "--record",
        "json",
        "--at",
        "tomorrow, Jane's birthday",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"], "invalid_time");
}

#[test]
fn records_need_a_decision_and_are_named_by_the_london_date() {
    let snap = support::snapshot();
    let walk = engine::replay(&snap.triage, &Path::decode("immediate_danger=no").unwrap());
    let at: jiff::Timestamp = "2026-07-01T23:30:00Z".parse().unwrap();
    assert!(matches!(
        record::build(snap, &walk, at),
        Err(RecordError::NotFinished)
    ));
    let out = bin(&[
        "triage",
        "--answers",
        "immediate_danger=no",
        "--record",
        "md",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing answer, as for any scripted run"
    );

    let walk = engine::replay(&snap.triage, &Path::decode(ADULT_OFFENCE).unwrap());
    let r = record::build(snap, &walk, at).unwrap();
    assert_eq!(
        r.filename(),
        "triage-record-2026-07-02.md",
        "00:30 in London is the next day"
    );
    assert_eq!(record::filename(&r.decided_at), r.filename());
    // Without --at the record is made now.
    let v = record_json(ADULT_OFFENCE, &jiff::Timestamp::now().to_string());
    assert!(v["decided_at"]
        .as_str()
        .unwrap()
        .starts_with(&jiff::Timestamp::now().to_string()[..4]));
}

#[test]
fn the_text_summary_shows_the_deadlines() {
    let out = bin(&[
        "triage",
        "--answers",
        IMAGES_24H,
        "--at",
        "2026-11-23T14:05:00Z",
    ]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains(record::DEADLINES_FIELD), "{s}");
    assert!(
        s.contains("Within 24 hours: By Tuesday 24 November 2026, 14:05 (GMT)"),
        "{s}"
    );
    assert!(!s.contains("Out of hours:"), "due in office hours: {s}");
}

fn answers(s: &str) -> Path {
    Path::decode(s).unwrap()
}

#[test]
fn a_change_drops_the_later_answers_that_no_longer_apply() {
    let tree = &support::snapshot().triage;
    // Sexual images → bullying: the six image questions no longer apply; bullying_severe is
    // asked next.
    let c = review::change(tree, &answers(IMAGES_24H), 3, "bullying").unwrap();
    assert_eq!(
        c.path.encode(),
        "immediate_danger=no,adult_in_position_of_trust=no,incident_type=bullying"
    );
    assert_eq!(c.dropped.len(), 6);
    assert_eq!(c.dropped[0], Answer::new("adult_involved", "no"));
    assert_eq!(
        engine::replay(tree, &c.path).question().unwrap().id,
        "bullying_severe"
    );
    let note = review::dropped_note(tree, &c.dropped).unwrap();
    assert!(
        note.contains("6 later answer(s) no longer apply")
            && note.contains("An adult involved: No"),
        "{note}"
    );

    // An adult involved after all: the outcome changes and the later tests are dropped.
    let c = review::change(tree, &answers(IMAGES_24H), 4, "yes").unwrap();
    assert_eq!(
        engine::replay(tree, &c.path).outcome().unwrap().id,
        "images_immediate_referral"
    );
    assert_eq!(c.dropped.len(), 5);

    // Self-harm → harmful content: significant_harm is still on the path, so it is kept.
    let path = answers("immediate_danger=no,adult_in_position_of_trust=no,incident_type=self_harm,significant_harm=yes");
    let c = review::change(tree, &path, 3, "harmful_content").unwrap();
    assert!(c.dropped.is_empty());
    assert_eq!(
        c.path.encode(),
        path.encode().replace("self_harm", "harmful_content")
    );
    assert_eq!(
        engine::replay(tree, &c.path).outcome().unwrap().id,
        "significant_harm_referral"
    );

    // The same answer again changes nothing; bad requests are refused.
    assert_eq!(review::change(tree, &path, 2, "no").unwrap().path, path);
    assert!(review::change(tree, &path, 0, "no").is_err());
    assert!(review::change(tree, &path, 5, "no").is_err());
    assert!(review::change(tree, &path, 1, "maybe").is_err());
}

#[test]
fn the_review_lists_every_answer_with_a_change_button_and_the_emergency_line() {
    let snap = support::snapshot();
    let walk = engine::replay(&snap.triage, &answers(IMAGES_24H));
    let r = review::review_reply(snap, &walk, &[]);
    assert_eq!(r.kind, ReplyKind::TriageReview);
    assert_eq!(r.emergency.as_deref(), Some(EMERGENCY_LINE));
    assert!(r.body.contains("Referral within 24 hours"), "{}", r.body);
    let list = &r.fields[0].value;
    assert_eq!(list.lines().count(), 9);
    assert!(
        list.starts_with("1. Child in immediate danger: No"),
        "{list}"
    );
    let actions: Vec<&str> = r.buttons.iter().map(|b| b.action.as_str()).collect();
    assert_eq!(actions[0], "rv:confirm");
    assert_eq!(actions[1], "rv:change:1");
    assert_eq!(actions[9], "rv:change:9");
    assert_eq!(&actions[10..], ["back", "restart"]);
    assert!(r.buttons.iter().all(|b| b.label.chars().count() <= 80));

    let c = review::change_reply(snap, &walk, 3).unwrap();
    assert_eq!(c.title, snap.triage.question("incident_type").unwrap().text);
    assert!(c.fields[0]
        .value
        .starts_with("Nude, semi-nude or sexual images"));
    assert_eq!(
        c.buttons[0].action,
        ReviewAction::Set {
            position: 3,
            value: "sexual_images".into()
        }
        .as_action()
    );
    assert_eq!(c.buttons.last().unwrap().action, "rv:show");
    assert!(review::change_reply(snap, &walk, 10).is_err());
}

#[tokio::test]
async fn a_stored_session_changes_an_answer_from_the_review() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let snap = support::snapshot();
    let mut v = triage::start(&store, snap, OWNER).await.unwrap();
    assert!(v.review.is_none());
    for a in answers(IMAGES_24H).0 {
        v = triage::act(&store, snap, &v.session_id, v.step, &a.value, OWNER)
            .await
            .unwrap();
    }
    assert!(v.finished);
    assert_eq!(
        v.reply.kind,
        ReplyKind::TriageSummary,
        "reply stays the summary"
    );
    assert_eq!(v.review.as_ref().unwrap().kind, ReplyKind::TriageReview);

    let p = triage::change_prompt(&store, snap, &v.session_id, 3)
        .await
        .unwrap();
    assert_eq!(p.step, v.step, "a prompt changes nothing");
    assert!(p
        .reply
        .buttons
        .iter()
        .any(|b| b.action == "rv:set:3:bullying"));

    // Someone else, a stale step, a bad position: refused, nothing changed.
    let e = triage::change(
        &store,
        snap,
        &v.session_id,
        v.step,
        3,
        "bullying",
        "someone",
    )
    .await;
    assert!(matches!(e, Err(TriageError::NotOwner)));
    let e = triage::change(
        &store,
        snap,
        &v.session_id,
        v.step + 1,
        3,
        "bullying",
        OWNER,
    )
    .await;
    assert!(matches!(e, Err(TriageError::StaleStep { .. })));
    let e = triage::change(&store, snap, &v.session_id, v.step, 12, "bullying", OWNER).await;
    assert!(matches!(e, Err(TriageError::InvalidAction(_))));

    let c = triage::change(&store, snap, &v.session_id, v.step, 3, "bullying", OWNER)
        .await
        .unwrap();
    assert_eq!(c.step, v.step + 1);
    assert!(!c.finished);
    assert_eq!(c.dropped.len(), 6);
    assert!(
        c.reply.notes[0].contains("no longer apply"),
        "{:?}",
        c.reply.notes
    );
    let c = triage::act(&store, snap, &c.session_id, c.step, "yes", OWNER)
        .await
        .unwrap();
    assert_eq!(c.outcome.as_deref(), Some("bullying_police"));

    // Back to images from the review: the image answers were dropped before, so the first image
    // question is asked again.
    let c = triage::change(
        &store,
        snap,
        &c.session_id,
        c.step,
        3,
        "sexual_images",
        OWNER,
    )
    .await
    .unwrap();
    assert_eq!(c.dropped, vec![Answer::new("bullying_severe", "yes")]);
    assert_eq!(
        c.reply.title,
        snap.triage.question("adult_involved").unwrap().text
    );

    // A change that reaches an outcome names what was dropped on the review itself.
    let c = triage::act(&store, snap, &c.session_id, c.step, "yes", OWNER)
        .await
        .unwrap();
    let c = triage::change(&store, snap, &c.session_id, c.step, 1, "yes", OWNER)
        .await
        .unwrap();
    assert_eq!(c.outcome.as_deref(), Some("call_999"));
    let review = c.review.unwrap();
    assert!(
        review.fields.iter().any(|f| f.name == "No longer needed"),
        "{:?}",
        review.fields
    );

    // "Save record": the owner gets the record of the decision; nobody else does.
    let at: jiff::Timestamp = "2026-11-23T14:05:00Z".parse().unwrap();
    let rec = triage::decision_record(&store, snap, &c.session_id, OWNER, at)
        .await
        .unwrap();
    assert_eq!(rec.outcome, "call_999");
    assert_eq!(rec.filename(), "triage-record-2026-11-23.md");
    assert_eq!(rec.answers.len(), 1);
    let e = triage::decision_record(&store, snap, &c.session_id, "someone", at).await;
    assert!(matches!(e, Err(TriageError::NotOwner)));
    let fresh = triage::start(&store, snap, OWNER).await.unwrap();
    let e = triage::decision_record(&store, snap, &fresh.session_id, OWNER, at).await;
    assert!(
        matches!(e, Err(TriageError::InvalidAction(_))),
        "no decision yet"
    );
}

#[test]
fn the_console_reviews_changes_and_shows_deadlines_from_now() {
    // No, No, harmful content (6), significant harm Yes; review; change 3 to bullying (3): the
    // significant-harm answer is dropped and bullying_severe asked; No (2); review; change 1 to
    // Yes: call 999; confirm; quit.
    let script = "2\n2\n6\n1\n3\n3\n2\n1\n1\nconfirm\nquit\n";
    let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_795_443_900)); // 2026-11-23 14:25 UTC
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut out = Vec::new();
    let outcome = rt.block_on(async {
        let store = Store::open("sqlite::memory:").await.unwrap();
        triage::console::dialogue_with_clock(
            &store,
            support::snapshot(),
            &mut script.as_bytes(),
            &mut out,
            clock.as_ref(),
        )
        .await
        .unwrap()
    });
    let out = String::from_utf8(out).unwrap();
    assert_eq!(outcome.as_deref(), Some("call_999"));
    assert_eq!(out.matches("== Check your answers ==").count(), 3, "{out}");
    assert!(
        out.contains("These answers lead to: Refer to Children's Social Care through SPA now"),
        "{out}"
    );
    assert!(
        out.contains("Your answer now:\n  Seeing violent, sexual or hateful content"),
        "{out}"
    );
    assert!(out.contains("1 later answer(s) no longer apply and were dropped: Risk of significant harm: Yes, or I think so"), "{out}");
    assert!(out.contains("== Call 999 now =="), "{out}");
    assert!(out.contains(record::DEADLINES_FIELD), "{out}");
    assert!(
        out.contains("Now: the decision time, Monday 23 November 2026, 14:25 (GMT)"),
        "{out}"
    );
    assert!(out.contains("Left the triage."));
    // The emergency line comes straight after every title.
    for part in out.split("== ").skip(1) {
        assert!(
            part.lines()
                .nth(1)
                .is_some_and(|l| l.contains(EMERGENCY_LINE)),
            "{part}"
        );
    }
}

const IMAGES_SAME_DAY: &str = "immediate_danger=no,adult_in_position_of_trust=no,incident_type=sexual_images,adult_involved=yes";

/// The part of `md` from heading `from` up to the next `## ` heading.
fn section<'a>(md: &'a str, from: &str) -> &'a str {
    let start = md.find(from).unwrap_or_else(|| panic!("no {from}"));
    let rest = &md[start + from.len()..];
    &md[start..start + from.len() + rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn a_friday_afternoon_24_hour_record_says_how_to_meet_it_out_of_hours() {
    // Friday 4 December 2026, 14:00 GMT: the 24-hour referral falls due on Saturday.
    let v = record_json(IMAGES_24H, "2026-12-04T14:00:00Z");
    let d = &v["deadlines"][0];
    assert_eq!(d["due"], "2026-12-05T14:00:00+00:00");
    let ooh = &d["out_of_hours"];
    assert_eq!(ooh["office_until"], "2026-12-04T17:00:00+00:00");
    assert_eq!(ooh["now"], false);
    let how = ooh["how_to_meet"].as_str().unwrap();
    assert!(
        how.contains("020 8770 5000") && how.contains("call 999"),
        "{how}"
    );
    assert!(
        !how.contains("0344 381 4772"),
        "POSH is not the route: {how}"
    );
    assert!(ooh["reading"]
        .as_str()
        .unwrap()
        .contains("this tool's reading, not the guidance's"));
    // The out-of-hours line joins the contacts; POSH stays, marked as an advice line.
    let contacts = v["contacts"].as_array().unwrap();
    assert!(contacts
        .iter()
        .any(|c| c["id"] == "spa-out-of-hours" && c["phone"] == "020 8770 5000"));
    let posh = contacts.iter().find(|c| c["id"] == "posh").unwrap();
    assert_eq!(posh["advice_line"], true);
    assert!(contacts
        .iter()
        .filter(|c| c["id"] != "posh")
        .all(|c| c["advice_line"] == false));

    let md = record_md(IMAGES_24H, "2026-12-04T14:00:00Z");
    let deadlines = section(&md, "## Deadlines");
    assert!(
        deadlines.contains("| Within 24 hours | By Saturday 5 December 2026, 14:00 (GMT) |"),
        "{deadlines}"
    );
    assert!(
        deadlines.contains(&format!("**Out of hours (Within 24 hours):** {how}")),
        "{deadlines}"
    );
    assert!(deadlines.contains("this tool's reading"), "{deadlines}");
    // Who to contact: the routes first; POSH only under the advice heading.
    let who = section(&md, "## Who to contact");
    let advice_at = who
        .find("For advice only (not a way to meet a deadline)")
        .unwrap_or_else(|| panic!("{who}"));
    let posh_at = who.find("Professionals Online Safety Helpline").unwrap();
    assert!(posh_at > advice_at, "{who}");
    assert!(who[..advice_at].contains("020 8770 5000"), "{who}");
    assert!(
        words_not_from_the_knowledge(&md).is_empty(),
        "{:?}",
        words_not_from_the_knowledge(&md)
    );
}

#[test]
fn a_same_day_record_made_at_23_45_reads_now_through_the_out_of_hours_line() {
    let md = record_md(IMAGES_SAME_DAY, "2026-12-03T23:45:00Z");
    let deadlines = section(&md, "## Deadlines");
    assert!(
        deadlines.contains(
            "| Same day, as a matter of urgency | Now, through the out-of-hours line: no office hours are left on Thursday 3 December 2026"
        ),
        "{deadlines}"
    );
    assert!(!deadlines.contains("23:59:59 GMT"), "{deadlines}");
    assert!(
        deadlines.contains("No office hours are left before this deadline"),
        "{deadlines}"
    );
    let v = record_json(IMAGES_SAME_DAY, "2026-12-03T23:45:00Z");
    assert_eq!(v["outcome"], "images_immediate_referral");
    assert_eq!(v["deadlines"][0]["out_of_hours"]["now"], true);
    assert!(v["deadlines"][0]["out_of_hours"]["office_until"].is_null());
    assert!(v["deadlines"][0]["due_text"]
        .as_str()
        .unwrap()
        .starts_with("Now, through the out-of-hours line"));
}

#[test]
fn a_bank_holiday_record_and_a_weekday_daytime_record() {
    // Monday 28 December 2026 is a bank holiday: same day, now, out of hours.
    let v = record_json(IMAGES_SAME_DAY, "2026-12-28T11:00:00Z");
    assert_eq!(v["deadlines"][0]["out_of_hours"]["now"], true);
    // Monday 23 November 2026, 14:05: the 24-hour referral is due on Tuesday in office hours,
    // and the record is as it was: no out-of-hours note, no out-of-hours contact added.
    let v = record_json(IMAGES_24H, "2026-11-23T14:05:00Z");
    assert!(v["deadlines"][0]["out_of_hours"].is_null());
    assert_eq!(
        v["deadlines"][0]["due_text"],
        "By Tuesday 24 November 2026, 14:05 (GMT)"
    );
    assert!(!v["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "spa-out-of-hours"));
    let md = record_md(IMAGES_24H, "2026-11-23T14:05:00Z");
    assert!(!md.contains("**Out of hours"), "{md}");
}

#[test]
fn the_text_summary_says_how_to_meet_a_deadline_out_of_hours() {
    let out = bin(&[
        "triage",
        "--answers",
        IMAGES_24H,
        "--at",
        "2026-12-04T14:00:00Z",
    ]);
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("Within 24 hours: By Saturday 5 December 2026, 14:00 (GMT)"),
        "{s}"
    );
    assert!(
        s.contains("Out of hours: This deadline falls out of hours."),
        "{s}"
    );
    assert!(s.contains("020 8770 5000"), "{s}");
    assert!(
        s.contains("For advice only (not a way to meet a deadline)"),
        "{s}"
    );
}
