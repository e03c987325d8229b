//! "Check your answers" and "Save record" on Discord, end to end against the fake Discord
//! (tests/support): the last answer shows the review, not the summary; Change N leads to the
//! question and back, dropping (and naming) answers that no longer apply; Confirm shows the
//! summary with "Show the path" and "Save record"; the record is a Markdown file for the
//! session's owner alone, rate limited; every body conforms to Discord's OpenAPI description
//! (checked by `Bot::finish`).
//!
//! Run: `cargo test --test discord_review`.

mod support;

use jiff::Timestamp;
use safeguarding_bot::clock::ManualClock;
use safeguarding_bot::triage::deadline::{deadlines, due_text};
use serde_json::Value;
use support::{custom_ids, flags, payloads, text_of, Bot, Knowledge, Recorded, Who};

const EPHEMERAL: u64 = 64;

fn alice() -> Who {
    Who {
        name: "Alice Example",
        ..Who::member(910_000_000_000_000_001)
    }
}

fn bob() -> Who {
    Who::member(910_000_000_000_000_002)
}

/// The path to "Referral within 24 hours": nine answers, the five §17 tests all No.
const IMAGES_24H: [&str; 9] = [
    "no",            // immediate_danger
    "no",            // adult_in_position_of_trust
    "sexual_images", // incident_type
    "no",            // adult_involved
    "no",            // coercion_or_capacity
    "no",            // unusual_or_violent
    "no",            // sexual_acts_under_18
    "no",            // immediate_risk_from_sharing
    "yes",           // similar_age
];

/// The action a triage button id carries (`tr:{session}:{step}:{action}`).
fn action_of(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("tr:")?;
    let mut parts = rest.splitn(3, ':');
    parts.next()?;
    parts.next()?;
    parts.next()
}

/// The custom id of the triage button whose action is exactly `action`.
fn button(body: &Value, action: &str) -> String {
    custom_ids(body)
        .into_iter()
        .find(|id| action_of(id) == Some(action))
        .unwrap_or_else(|| panic!("no `{action}` button in {:?}", custom_ids(body)))
}

/// Clicks the button `custom_id` on the message `body` in `thread`.
async fn click(bot: &Bot, who: &Who, thread: u64, body: &Value, custom_id: &str) -> support::Sent {
    let message = payloads::message(
        bot.fake.next_id(),
        thread,
        &body.get("data").unwrap_or(body).clone(),
    );
    bot.click(who, custom_id, message).await
}

/// Presses the triage button for `action` on `body`; returns the callback body.
async fn press(bot: &Bot, who: &Who, thread: u64, body: &Value, action: &str) -> Value {
    let sent = click(bot, who, thread, body, &button(body, action)).await;
    bot.callback(&sent).await.body.unwrap()
}

/// Answers `answers` in turn from `body`; returns the last message.
async fn walk(bot: &Bot, who: &Who, thread: u64, body: Value, answers: &[&str]) -> Value {
    let mut body = body;
    for a in answers {
        body = press(bot, who, thread, &body, a).await;
        assert_eq!(body["type"], 7, "updated in place");
    }
    body
}

/// The embeds' titles of a message body.
fn titles(body: &Value) -> Vec<String> {
    body["data"]["embeds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["title"].as_str().map(String::from))
        .collect()
}

/// The actions of a message body's triage buttons, in order.
fn actions(body: &Value) -> Vec<String> {
    custom_ids(body)
        .iter()
        .filter_map(|id| action_of(id).map(String::from))
        .collect()
}

/// Asserts `body` is "Check your answers" with `n` answers, and nothing of the summary.
fn assert_review(body: &Value, n: usize) {
    assert_eq!(titles(body)[0], "Check your answers", "{}", text_of(body));
    let description = body["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with("🚨") && description.contains("999"),
        "the emergency line comes first: {description}"
    );
    let mut expected = vec!["rv:confirm".to_string()];
    expected.extend((1..=n).map(|i| format!("rv:change:{i}")));
    expected.extend(["back".to_string(), "restart".to_string()]);
    assert_eq!(actions(body), expected);
    let answers = body["data"]["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Your answers")
        .and_then(|f| f["value"].as_str())
        .expect("a Your answers field");
    let numbers: Vec<String> = answers
        .lines()
        .filter_map(|l| l.split_once(". ").map(|(k, _)| k.to_string()))
        .collect();
    let expected: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    assert_eq!(numbers, expected, "every answer, numbered: {answers}");
    assert!(
        !text_of(body).contains("What to do, in order"),
        "not the summary yet"
    );
    let ids = custom_ids(body);
    assert!(ids
        .iter()
        .all(|id| id.starts_with("tr:") && id.len() <= 100));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_answer_shows_the_review_and_changes_keep_what_still_applies() {
    let mut bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let (thread, first) = bot.open_triage(&alice()).await;
    let review = walk(&bot, &alice(), thread, first, &IMAGES_24H).await;
    assert_review(&review, 9);
    let text = text_of(&review);
    assert!(
        text.contains("Referral within 24 hours"),
        "where they lead: {text}"
    );
    assert!(
        !custom_ids(&review)
            .iter()
            .any(|id| id.starts_with("trmap:") || id.starts_with("trrec:")),
        "no Show the path or Save record before confirming"
    );

    // Someone else cannot look behind or change alice's answers.
    for action in ["rv:confirm", "rv:change:3"] {
        let refused = press(&bot, &bob(), thread, &review, action).await;
        assert_eq!(refused["type"], 4);
        assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
        assert!(text_of(&refused).contains("Only the person who started"));
    }

    // Change 3 shows the question, the answer given, a button per answer and Keep my answer.
    let change = press(&bot, &alice(), thread, &review, "rv:change:3").await;
    assert_eq!(change["type"], 7);
    let text = text_of(&change);
    assert!(text.contains("Your answer now"), "{text}");
    assert!(text.contains("999"), "{text}");
    let set: Vec<String> = actions(&change)
        .into_iter()
        .filter(|a| a.starts_with("rv:set:3:"))
        .collect();
    assert_eq!(set.len(), 7, "one button per kind of incident: {set:?}");
    assert!(actions(&change).contains(&"rv:show".to_string()));

    // Keep my answer: the same review again; nothing was stored.
    let kept = press(&bot, &alice(), thread, &change, "rv:show").await;
    assert_review(&kept, 9);
    assert_eq!(
        custom_ids(&kept),
        custom_ids(&review),
        "same step, same buttons"
    );

    // Change the incident to bullying: the five §17 answers and "similar age" no longer apply;
    // the new path needs a question not answered before, which comes first, with the note.
    let change = press(&bot, &alice(), thread, &review, "rv:change:3").await;
    let question = press(&bot, &alice(), thread, &change, "rv:set:3:bullying").await;
    assert_eq!(question["type"], 7);
    let text = text_of(&question);
    assert!(
        text.contains("After that change 6 later answer(s) no longer apply and were dropped"),
        "{text}"
    );
    assert!(
        actions(&question).contains(&"yes".to_string()),
        "an answerable question"
    );

    // The old review is stale now: Confirm on it changes nothing and redraws where we are.
    let stale = press(&bot, &alice(), thread, &review, "rv:confirm").await;
    assert_eq!(stale["type"], 7);
    assert!(text_of(&stale).contains("already moved on"));
    assert!(!text_of(&stale).contains("What to do, in order"));

    // Answering it reaches the review again, with four answers.
    let review = press(&bot, &alice(), thread, &question, "yes").await;
    assert_review(&review, 4);
    assert!(text_of(&review).contains("Severe online bullying"));

    // Grooming leads straight to an outcome: the review comes back naming what was dropped.
    let change = press(&bot, &alice(), thread, &review, "rv:change:3").await;
    let review = press(&bot, &alice(), thread, &change, "rv:set:3:grooming").await;
    assert_review(&review, 3);
    let text = text_of(&review);
    assert!(text.contains("No longer needed"), "{text}");
    assert!(
        text.contains("After that change 1 later answer(s) no longer apply and were dropped"),
        "{text}"
    );
    assert!(text.contains("Refer to Children's Social Care through SPA now"));

    // After a restart the review's buttons still work: Confirm shows the summary.
    bot.restart().await;
    let summary = press(&bot, &alice(), thread, &review, "rv:confirm").await;
    assert_eq!(summary["type"], 7);
    let text = text_of(&summary);
    assert!(text.contains("What to do, in order"), "{text}");
    assert!(text.contains("Refer to Children's Social Care through SPA now"));
    assert!(text.contains("999"));
    let ids = custom_ids(&summary);
    assert!(ids.iter().any(|id| id.starts_with("trmap:")), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("trrec:")), "{ids:?}");
    assert!(actions(&summary).contains(&"back".to_string()));
    assert!(summary.to_string().contains("Save record"));

    // Back from the summary returns to the last question, as before.
    let back = press(&bot, &alice(), thread, &summary, "back").await;
    assert!(
        text_of(&back).contains("What is the concern mainly about?"),
        "{}",
        text_of(&back)
    );
    bot.finish().await;
}

#[test]
fn review_ids_fit_discord_with_any_session_and_step() {
    // A real session id (a uuid v4, as the store makes them), the largest step, the last
    // position and the longest answer value in the tree.
    let session = uuid::Uuid::new_v4().simple().to_string();
    let tree = &support::snapshot().triage;
    let longest = tree
        .questions()
        .iter()
        .flat_map(|q| &q.choices)
        .map(|c| c.value.as_str())
        .max_by_key(|v| v.len())
        .unwrap();
    assert!(!longest.is_empty());
    let action = safeguarding_bot::triage::review::ReviewAction::Set {
        position: 99,
        value: longest.to_string(),
    }
    .as_action();
    let id = safeguarding_bot::discord::custom_id::triage_id(&session, u32::MAX, &action);
    assert!(id.len() <= 100, "{id} is {} characters", id.len());
    assert!(
        safeguarding_bot::discord::custom_id::triage_record_id(&session).len() <= 100,
        "Save record"
    );
}

/// The one attached file of a multipart request: (file name, content type, bytes).
fn attachment(r: &Recorded) -> (String, String, Vec<u8>) {
    let parts = r
        .multipart
        .clone()
        .unwrap_or_else(|| panic!("{} {} is not multipart", r.method, r.path))
        .expect("a well-formed multipart body");
    let files: Vec<_> = parts
        .iter()
        .filter(|p| p.name.starts_with("files["))
        .collect();
    assert_eq!(files.len(), 1, "one file attached");
    assert_eq!(files[0].name, "files[0]");
    let f = files[0];
    (
        f.filename.clone().unwrap_or_default(),
        f.content_type.clone().unwrap_or_default(),
        f.data.clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_record_attaches_the_markdown_record_for_its_owner_only() {
    // Christmas Eve 2026, 10:00 in London, by the bot's clock: the LADO strategy meeting
    // "within 5 working days" skips Christmas, Boxing Day (a Monday holiday in lieu), New Year's
    // Day and two weekends. /triage counts as one request and the owner's Save record as the
    // second: the limit.
    let decided: Timestamp = "2026-12-24T10:00:00Z".parse().unwrap();
    let clock = ManualClock::at(std::time::SystemTime::from(decided));
    let bot = Bot::start_with_clock(Knowledge::Embedded, clock, |s| {
        s.discord.rate_limit_per_minute = 2
    })
    .await;
    let (thread, first) = bot.open_triage(&alice()).await;
    let review = walk(&bot, &alice(), thread, first, &["no", "yes", "yes"]).await;
    assert_review(&review, 3);
    // The summary's deadlines say how to meet the same-day ones out of hours (after 17:00, by
    // the tool's reading); so long a summary goes on in follow-ups, its buttons on the last.
    let sent = click(
        &bot,
        &alice(),
        thread,
        &review,
        &button(&review, "rv:confirm"),
    )
    .await;
    let mut summary = bot.callback(&sent).await.body.unwrap();
    let mut shown = text_of(&summary);
    let mut n = 0;
    while !custom_ids(&summary)
        .iter()
        .any(|id| id.starts_with("trrec:"))
    {
        summary = bot.followup(&sent, n).await.body.unwrap();
        shown.push_str(&text_of(&summary));
        n += 1;
    }
    assert!(
        shown.contains("Out of hours: This deadline falls out of hours.")
            && shown.contains("020 8770 5000"),
        "{shown}"
    );
    let save = custom_ids(&summary)
        .into_iter()
        .find(|id| id.starts_with("trrec:"))
        .expect("a Save record button");
    let session = save.strip_prefix("trrec:").unwrap().to_string();
    assert!(
        custom_ids(&summary)
            .iter()
            .any(|id| id.starts_with("rm:offer:")),
        "Confirm shows the summary with its Remind me: {:?}",
        custom_ids(&summary)
    );

    // Someone else is refused privately, and no file is sent.
    let sent = click(&bot, &bob(), thread, &summary, &save).await;
    let refused = bot.callback(&sent).await.body.unwrap();
    assert_eq!(refused["type"], 4);
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    assert!(
        text_of(&refused).contains("Only the person who ran this triage"),
        "{}",
        text_of(&refused)
    );
    assert!(bot.since(&sent).iter().all(|r| r.multipart.is_none()));

    // The owner gets the record, privately, made at the press by the bot's clock.
    let sent = click(&bot, &alice(), thread, &summary, &save).await;
    let ack = bot.callback(&sent).await.body.unwrap();
    assert_eq!(ack["type"], 5);
    assert_eq!(flags(&ack) & EPHEMERAL, EPHEMERAL);
    let reply = bot.followup(&sent, 0).await;
    let payload = reply.body.clone().expect("payload_json");
    assert_eq!(flags(&payload) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&payload).contains("999"), "{}", text_of(&payload));
    let (name, kind, bytes) = attachment(&reply);
    assert_eq!(name, "triage-record-2026-12-24.md");
    assert_eq!(payload["attachments"][0]["filename"], name.as_str());
    assert!(kind.starts_with("text/markdown"), "{kind}");
    let md = String::from_utf8(bytes).expect("UTF-8 Markdown");

    // The outcome, its deadlines counted from the press (London), and a blank Notes section.
    assert!(md.starts_with("# Triage decision record"), "{md}");
    let snapshot = support::snapshot();
    let outcome = snapshot.triage.outcome("lado_same_day_referral").unwrap();
    assert!(md.contains(&outcome.title), "{md}");
    let mut at = 0;
    for heading in [
        "## Decision",
        "## Deadlines",
        "## Questions and answers",
        "## Notes",
    ] {
        let found = md[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} in order: {md}"));
        at += found;
    }
    let expected = deadlines(outcome, &snapshot.knowledge.bank_holidays, decided).unwrap();
    assert!(expected.iter().filter(|d| d.due.is_some()).count() >= 2);
    for d in &expected {
        assert!(md.contains(&due_text(d)), "{} in {md}", due_text(d));
    }
    assert!(
        md.contains("By the end of Tuesday 5 January 2027 (23:59:59 GMT)"),
        "{md}"
    );
    assert!(md.contains("Within 5 working days"), "{md}");
    for q in [
        "immediate_danger",
        "adult_in_position_of_trust",
        "adult_offence",
    ] {
        let text = &snapshot.triage.question(q).unwrap().text;
        assert!(md.contains(text.as_str()), "{q} in {md}");
    }
    // Nothing about who asked, nor the session.
    for private in ["910000000000000001", "Alice Example", session.as_str()] {
        assert!(!md.contains(private), "{private} in the record");
    }

    // Another request within the minute is refused, with the emergency line, and sends nothing.
    let sent = click(&bot, &alice(), thread, &summary, &save).await;
    let limited = bot.callback(&sent).await.body.unwrap();
    assert_eq!(limited["type"], 4);
    assert_eq!(flags(&limited) & EPHEMERAL, EPHEMERAL);
    let text = text_of(&limited);
    assert!(
        text.contains("Too many requests") && text.contains("999"),
        "{text}"
    );
    assert!(bot.since(&sent).iter().all(|r| r.multipart.is_none()));
    bot.finish().await;
}

/// After "Call 999 now" the dialogue goes on (issue 19, part 1): the summary's "Go on from the
/// next question" button changes the first answer to "999 already called" and asks the next
/// question; the outcome then reached says first that 999 was called.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_call_999_the_go_on_button_asks_the_next_question() {
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let (thread, first) = bot.open_triage(&alice()).await;
    let review = walk(&bot, &alice(), thread, first, &["yes"]).await;
    assert_review(&review, 1);
    let summary = press(&bot, &alice(), thread, &review, "rv:confirm").await;
    assert_eq!(titles(&summary)[0], "Call 999 now", "{}", text_of(&summary));
    assert!(
        actions(&summary).contains(&"rv:set:1:called_999".to_string()),
        "a go-on button: {:?}",
        actions(&summary)
    );
    let next = press(&bot, &alice(), thread, &summary, "rv:set:1:called_999").await;
    assert_eq!(next["type"], 7, "updated in place");
    let text = text_of(&next);
    assert!(
        titles(&next)[0].contains("adult who works or volunteers with children"),
        "the next question: {text}"
    );
    assert!(text.contains("999 already called"), "{text}");
    // On to an outcome: the grooming referral, which says first that 999 was called.
    let review = walk(&bot, &alice(), thread, next, &["no", "grooming"]).await;
    assert_review(&review, 3);
    let summary = press(&bot, &alice(), thread, &review, "rv:confirm").await;
    let text = text_of(&summary);
    assert!(text.contains("Done first"), "{text}");
    assert!(text.contains("999 has been called"), "{text}");
    assert!(
        !actions(&summary).iter().any(|a| a.starts_with("rv:set:")),
        "no go-on button once the referral is reached"
    );
    bot.finish().await;
}
