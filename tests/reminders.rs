//! Reminders end to end: the real `serve` code against the fake Discord (tests/support), timed
//! by a ManualClock the tests move; due reminders are fired by calling the bot's
//! `fire_reminders` (what its scheduler does when it wakes), never by waiting on the wall clock.
//! Every body the bot sends is checked against Discord's OpenAPI description when the bot
//! finishes.

mod support;

use std::sync::Arc;
use std::time::Duration;

use safeguarding_bot::clock::{ManualClock, SharedClock};
use safeguarding_bot::discord::reminder_post::DiscordDelivery;
use safeguarding_bot::triage::reminder::{self, Delivery, NewReminder, Reminders};
use serde_json::Value;
use support::{custom_ids, flags, payloads, text_of, Bot, Knowledge, Recorded, Who, WAIT};

const EPHEMERAL: u64 = 64;
const HOUR: Duration = Duration::from_secs(3600);

fn alice() -> Who {
    Who::member(910_000_000_000_000_001)
}

fn bob() -> Who {
    Who::member(910_000_000_000_000_002)
}

/// The answers to the 24-hour images outcome, the one whose timeframe maps to a deadline today.
const TO_24H: [&str; 9] = [
    "no",
    "no",
    "sexual_images",
    "no",
    "no",
    "no",
    "no",
    "no",
    "yes",
];

/// The answers to severe bullying, whose timeframe ("treated with urgency") sets no deadline.
const TO_BULLYING: [&str; 4] = ["no", "no", "bullying", "yes"];

async fn manual_bot() -> (Bot, Arc<ManualClock>) {
    let clock = ManualClock::starting_now();
    let shared: SharedClock = clock.clone();
    (
        Bot::start_with_clock(Knowledge::Embedded, shared, |_| {}).await,
        clock,
    )
}

fn data(body: &Value) -> Value {
    body.get("data").cloned().unwrap_or_else(|| body.clone())
}

fn id_with(body: &Value, prefix: &str, suffix: &str) -> String {
    custom_ids(body)
        .into_iter()
        .find(|id| id.starts_with(prefix) && id.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {prefix}…{suffix} button in {:?}", custom_ids(body)))
}

/// Presses the button `custom_id` on `body` (a message in `channel`) and returns the callback.
async fn press(bot: &Bot, who: &Who, channel: u64, body: &Value, custom_id: &str) -> Value {
    let message = payloads::message(bot.fake.next_id(), channel, &data(body));
    let sent = bot.click(who, custom_id, message).await;
    bot.callback(&sent).await.body.unwrap()
}

/// Runs /triage for alice through `answers` and confirms them on "Check your answers"; returns
/// the thread and the summary.
async fn triage_to(bot: &Bot, answers: &[&str]) -> (u64, Value) {
    let (thread, mut body) = bot.open_triage(&alice()).await;
    for a in answers {
        let id = id_with(&body, "tr:", &format!(":{a}"));
        body = press(bot, &alice(), thread, &body, &id).await;
    }
    assert!(
        text_of(&body).contains("Check your answers"),
        "{}",
        text_of(&body)
    );
    assert!(
        !custom_ids(&body).iter().any(|id| id.starts_with("rm:")),
        "no reminder before the answers are confirmed"
    );
    let confirm = id_with(&body, "tr:", ":rv:confirm");
    body = press(bot, &alice(), thread, &body, &confirm).await;
    (thread, body)
}

/// Sets a reminder `minutes` before the summary's deadline; returns the reminder's id.
async fn remind_me(bot: &Bot, thread: u64, summary: &Value, minutes: u32) -> String {
    let offer = id_with(summary, "rm:offer:", "");
    let picker = press(bot, &alice(), thread, summary, &offer).await;
    assert_eq!(picker["type"], 4);
    assert_eq!(
        flags(&picker) & EPHEMERAL,
        EPHEMERAL,
        "the choice is private"
    );
    let choice = id_with(&picker, "rm:at:", &format!(":{minutes}"));
    let set = press(bot, &alice(), thread, &picker, &choice).await;
    assert_eq!(set["type"], 7, "the picker is replaced by the confirmation");
    assert!(text_of(&set).contains("Reminder set"), "{}", text_of(&set));
    let handle = bot.handle.as_ref().unwrap();
    let rows = handle.reminders().all().await.unwrap();
    rows.last().expect("a reminder is stored").id.clone()
}

/// Waits for a reminder post in `channel` since request `from`.
async fn reminder_post(bot: &Bot, from: usize, channel: u64) -> Recorded {
    let path = format!("/api/v10/channels/{channel}/messages");
    bot.fake
        .wait_for(from, WAIT, "a reminder post", |r| {
            r.method == "POST"
                && r.path == path
                && r.body
                    .as_ref()
                    .is_some_and(|b| text_of(b).contains("Reminder:"))
        })
        .await
}

/// Waits until no reminder is mid-delivery (the bot's scheduler may be the one sending it, and
/// records the delivery just after the post reaches the fake).
async fn settled(bot: &Bot) {
    let reminders = bot.handle.as_ref().unwrap().reminders().clone();
    let deadline = std::time::Instant::now() + WAIT;
    while reminders
        .all()
        .await
        .unwrap()
        .iter()
        .any(|r| r.state == "sending")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "a reminder stuck sending"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The post of a reminder, once its delivery is recorded; then a minute passes (so audit
/// records made next sort after it).
async fn delivered(bot: &Bot, clock: &ManualClock, from: usize, channel: u64) -> Value {
    let post = reminder_post(bot, from, channel).await;
    settled(bot).await;
    clock.advance(Duration::from_secs(60));
    post.body.unwrap()
}

async fn fire(bot: &Bot) {
    bot.handle
        .as_ref()
        .unwrap()
        .fire_reminders()
        .await
        .expect("firing works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_is_offered_set_posted_with_mention_and_answered() {
    let (bot, clock) = manual_bot().await;
    let (thread, summary) = triage_to(&bot, &TO_24H).await;
    assert!(text_of(&summary).contains("Referral within 24 hours"));

    // Only alice may set a reminder on her summary.
    let offer = id_with(&summary, "rm:offer:", "");
    assert!(offer.len() <= 100);
    let refused = press(&bot, &bob(), thread, &summary, &offer).await;
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&refused).contains("Only the person who started"));

    let id = remind_me(&bot, thread, &summary, 120).await;
    let reminders = bot.handle.as_ref().unwrap().reminders().clone();
    let row = reminders.get(&id).await.unwrap().unwrap();
    assert_eq!(row.state, "pending");
    assert_eq!(row.outcome, "images_referral_24h");
    assert_eq!(row.channel_id, thread.to_string());
    assert_eq!(row.owner, alice().user_id.to_string());
    assert_eq!(
        row.deadline_at - row.due_at,
        2 * 3_600_000,
        "2 hours before"
    );
    assert_eq!(
        row.deadline_at - reminders.now_ms(),
        24 * 3_600_000,
        "24 hours from the decision"
    );

    // Not due: nothing is posted.
    let from = bot.fake.requests().len();
    fire(&bot).await;
    clock.advance(22 * HOUR);
    fire(&bot).await;
    let body = delivered(&bot, &clock, from, thread).await;
    let text = text_of(&body);
    assert!(
        text.starts_with(&format!("<@{}>", alice().user_id)),
        "{text}"
    );
    assert!(
        text.contains("Refer to the police and Children's Social Care"),
        "{text}"
    );
    assert!(text.contains("Within 24 hours"), "{text}");
    assert!(text.contains("999"), "{text}");
    assert!(!text.contains("is late"), "on time: {text}");
    assert_eq!(
        body["allowed_mentions"],
        serde_json::json!({"parse": [], "users": [alice().user_id.to_string()], "roles": []}),
        "only alice is pinged"
    );
    let ids = custom_ids(&body);
    assert_eq!(
        ids,
        [
            format!("rm:{id}:done"),
            format!("rm:{id}:again"),
            format!("rm:{id}:stop")
        ]
    );
    // Posted once, whatever the scheduler did meanwhile.
    fire(&bot).await;
    let posts = bot
        .fake
        .requests()
        .iter()
        .skip(from)
        .filter(|r| {
            r.path == format!("/api/v10/channels/{thread}/messages")
                && r.body
                    .as_ref()
                    .is_some_and(|b| text_of(b).contains("Reminder:"))
        })
        .count();
    assert_eq!(posts, 1);

    // Bob cannot answer it; alice's "Not yet" moves it an hour on (still before the deadline).
    let refused = press(&bot, &bob(), thread, &body, &format!("rm:{id}:done")).await;
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&refused).contains("Only the person who set this reminder"));
    let again = press(&bot, &alice(), thread, &body, &format!("rm:{id}:again")).await;
    assert_eq!(again["type"], 7);
    assert!(
        text_of(&again).contains("remind you again"),
        "{}",
        text_of(&again)
    );
    assert!(custom_ids(&again).is_empty(), "its buttons are cleared");
    let row = reminders.get(&id).await.unwrap().unwrap();
    assert_eq!(row.state, "pending");
    assert_eq!(row.due_at, reminders.now_ms() + 3_600_000);

    // An hour later it comes again; Done ends it.
    let from = bot.fake.requests().len();
    clock.advance(HOUR);
    fire(&bot).await;
    let second = delivered(&bot, &clock, from, thread).await;
    let done = press(&bot, &alice(), thread, &second, &format!("rm:{id}:done")).await;
    assert_eq!(done["type"], 7);
    assert!(text_of(&done).contains("Done"), "{}", text_of(&done));
    assert!(
        reminders.get(&id).await.unwrap().is_none(),
        "deleted when done"
    );
    // A second press gets the clear note.
    let late = press(&bot, &alice(), thread, &second, &format!("rm:{id}:done")).await;
    assert_eq!(flags(&late) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&late).contains("has ended"), "{}", text_of(&late));

    let audit = reminders.audit().await.unwrap();
    let results: Vec<&str> = audit.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(results, ["posted", "not_yet", "posted", "done"]);
    assert!(audit.iter().all(|a| a.outcome == "images_referral_24h"));
    let json = serde_json::to_string(&audit).unwrap();
    assert!(
        !json.contains(&alice().user_id.to_string()) && !json.contains(&thread.to_string()),
        "no user or channel id in the audit: {json}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_out_of_hours_names_the_out_of_hours_line_not_the_advice_line() {
    // Friday 4 December 2026, 14:00 GMT: the 24-hour referral falls due on Saturday at 14:00.
    let clock = ManualClock::at(std::time::UNIX_EPOCH + Duration::from_secs(1_796_392_800));
    let shared: SharedClock = clock.clone();
    let bot = Bot::start_with_clock(Knowledge::Embedded, shared, |_| {}).await;
    let (thread, summary) = triage_to(&bot, &TO_24H).await;
    // The summary's deadline says how to meet it; POSH is listed apart, as advice only.
    let text = text_of(&summary);
    assert!(
        text.contains("Within 24 hours: By Saturday 5 December 2026, 14:00 (GMT)"),
        "{text}"
    );
    assert!(
        text.contains("Out of hours: This deadline falls out of hours."),
        "{text}"
    );
    assert!(text.contains("020 8770 5000"), "{text}");
    assert!(
        text.contains("For advice only (not a way to meet a deadline)"),
        "{text}"
    );

    // The offer says it too.
    let offer = id_with(&summary, "rm:offer:", "");
    let picker = press(&bot, &alice(), thread, &summary, &offer).await;
    let offered = text_of(&picker);
    assert!(
        offered.contains("Out of hours:") && offered.contains("020 8770 5000"),
        "{offered}"
    );
    let choice = id_with(&picker, "rm:at:", ":120");
    let set = press(&bot, &alice(), thread, &picker, &choice).await;
    assert!(text_of(&set).contains("Reminder set"), "{}", text_of(&set));

    // Saturday 12:00: no office hours are left, so the reminder names the out-of-hours line
    // and 999, and never the advice line.
    let from = bot.fake.requests().len();
    clock.advance(22 * HOUR);
    fire(&bot).await;
    let body = delivered(&bot, &clock, from, thread).await;
    let text = text_of(&body);
    assert!(
        text.contains("Out of hours: No office hours are left before this deadline"),
        "{text}"
    );
    assert!(
        text.contains("020 8770 5000") && text.contains("call 999"),
        "{text}"
    );
    assert!(text.contains("this tool's reading"), "{text}");
    assert!(
        !text.contains("0344 381 4772") && !text.contains("Helpline"),
        "{text}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_stop_ends_it_and_no_reminder_is_offered_without_a_deadline() {
    let (bot, clock) = manual_bot().await;
    let (_, bullying) = triage_to(&bot, &TO_BULLYING).await;
    assert!(text_of(&bullying).contains("Severe online bullying"));
    assert!(
        !custom_ids(&bullying).iter().any(|id| id.starts_with("rm:")),
        "\"treated with urgency\" sets no deadline: {:?}",
        custom_ids(&bullying)
    );

    let (thread, summary) = triage_to(&bot, &TO_24H).await;
    let id = remind_me(&bot, thread, &summary, 0).await;
    let from = bot.fake.requests().len();
    clock.advance(24 * HOUR);
    fire(&bot).await;
    let post = delivered(&bot, &clock, from, thread).await;
    let stop = press(&bot, &alice(), thread, &post, &format!("rm:{id}:stop")).await;
    assert_eq!(stop["type"], 7);
    assert!(text_of(&stop).contains("stopped"), "{}", text_of(&stop));
    let reminders = bot.handle.as_ref().unwrap().reminders().clone();
    assert!(reminders.all().await.unwrap().is_empty());
    let results: Vec<String> = reminders
        .audit()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.result)
        .collect();
    assert_eq!(results, ["posted", "stopped"]);

    // Unknown reminder ids get the clear private note.
    let gone = press(
        &bot,
        &alice(),
        thread,
        &post,
        &format!("rm:{}:done", "0".repeat(32)),
    )
    .await;
    assert_eq!(flags(&gone) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&gone).contains("has ended or could not be found"));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_due_while_the_bot_was_down_fires_late_after_restart() {
    let (mut bot, clock) = manual_bot().await;
    let (thread, summary) = triage_to(&bot, &TO_24H).await;
    let id = remind_me(&bot, thread, &summary, 60).await;

    // The bot stops; the reminder falls due while it is down.
    bot.handle.take().unwrap().shutdown().await.unwrap();
    clock.advance(25 * HOUR);
    let from = bot.fake.requests().len();
    bot.handle = Some(Bot::launch_with_clock(&bot.settings, bot.clock.clone()).await);

    // A new process on the same SQLite file fires it on start, saying it is late.
    let post = delivered(&bot, &clock, from, thread).await;
    let text = text_of(&post);
    assert!(text.contains("This reminder is late"), "{text}");
    assert!(custom_ids(&post).contains(&format!("rm:{id}:done")));
    let reminders = bot.handle.as_ref().unwrap().reminders().clone();
    let results: Vec<String> = reminders
        .audit()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.result)
        .collect();
    assert_eq!(results, ["posted_late"]);
    // Its buttons work in the new process.
    let done = press(&bot, &alice(), thread, &post, &format!("rm:{id}:done")).await;
    assert_eq!(done["type"], 7);
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_goes_by_direct_message_when_the_thread_has_gone() {
    let (bot, clock) = manual_bot().await;
    let (thread, summary) = triage_to(&bot, &TO_24H).await;
    let id = remind_me(&bot, thread, &summary, 120).await;

    // The thread is deleted: Discord answers 404 Unknown Channel.
    bot.fake.fail(
        "POST",
        &format!("/api/v10/channels/{thread}/messages"),
        404,
        10003,
    );
    let from = bot.fake.requests().len();
    clock.advance(22 * HOUR);
    fire(&bot).await;
    let open = bot
        .fake
        .wait_for(from, WAIT, "a DM channel", |r| {
            r.method == "POST" && r.path == "/api/v10/users/@me/channels"
        })
        .await;
    assert_eq!(
        open.body.unwrap()["recipient_id"],
        alice().user_id.to_string()
    );
    let dm = bot
        .fake
        .wait_for(from, WAIT, "the reminder by DM", |r| {
            r.method == "POST"
                && r.path.ends_with("/messages")
                && !r.path.contains(&thread.to_string())
        })
        .await;
    settled(&bot).await;
    let dm_channel: u64 = dm.path.split('/').nth(4).unwrap().parse().unwrap();
    let body = dm.body.unwrap();
    let text = text_of(&body);
    assert!(
        text.contains("could not post this reminder in your triage thread"),
        "{text}"
    );
    assert!(text.contains("Refer to the police"), "{text}");
    assert_eq!(custom_ids(&body).len(), 3, "answerable from the DM");

    // "Not yet" from the DM; next time the DM fails too: logged (ids only) and audited, not
    // dropped silently.
    clock.advance(Duration::from_secs(300));
    let again = press(&bot, &alice(), dm_channel, &body, &format!("rm:{id}:again")).await;
    assert_eq!(again["type"], 7);
    bot.fake
        .fail("POST", "/api/v10/users/@me/channels", 403, 50007);
    clock.advance(HOUR);
    // The bot's own reminder loop may take the reminder first, so this call can find nothing
    // due; either way the failed delivery is audited once it settles.
    let fired = bot.handle.as_ref().unwrap().fire_reminders().await.unwrap();
    if let Some(f) = fired.first() {
        assert_eq!(f.delivery, Delivery::Undelivered);
    }
    settled(&bot).await;
    let reminders = bot.handle.as_ref().unwrap().reminders().clone();
    let deadline = std::time::Instant::now() + WAIT;
    let results = loop {
        let results: Vec<String> = reminders
            .audit()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.result)
            .collect();
        if results.len() >= 3 || std::time::Instant::now() >= deadline {
            break results;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(results, ["direct_message", "not_yet", "undelivered"]);
    assert!(reminders.all().await.unwrap().is_empty());
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_fires_once_with_two_bot_processes_on_one_store() {
    fires_once_with_two_processes(&support::TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminder_fires_once_with_two_bot_processes_on_one_postgres_store() {
    let test = "reminder_fires_once_with_two_bot_processes_on_one_store";
    if let Some(db) = support::TestDb::postgres(test).await {
        fires_once_with_two_processes(&db).await;
    }
}

async fn fires_once_with_two_processes(db: &support::TestDb) {
    use support::fake_discord::FakeDiscord;
    let fake = FakeDiscord::start().await;
    let url = db.url();
    let clock = ManualClock::starting_now();
    let open = || async {
        safeguarding_bot::triage::Store::open(&url)
            .await
            .unwrap()
            .with_clock(clock.clone())
    };
    let (store_a, store_b) = (open().await, open().await);
    let a = Reminders::named(store_a.clone(), "process-a");
    let b = Reminders::named(store_b, "process-b");
    let http = || {
        Arc::new(
            serenity::all::HttpBuilder::new("fake-token")
                .proxy(fake.base())
                .ratelimiter_disabled(true)
                .build(),
        )
    };
    let live = || {
        Arc::new(safeguarding_bot::snapshot::Live::new(
            safeguarding_bot::snapshot::Snapshot::embedded().expect("embedded knowledge"),
        ))
    };
    let (deliver_a, deliver_b) = (
        DiscordDelivery::new(http(), live()),
        DiscordDelivery::new(http(), live()),
    );

    // Ten reminders, all due at once.
    let thread = 960_000_000_000_000_077_u64.to_string();
    let mut ids = Vec::new();
    for n in 0..10 {
        let owner = (910_000_000_000_000_100_u64 + n).to_string();
        let view = safeguarding_bot::triage::start(&store_a, support::snapshot(), &owner)
            .await
            .unwrap();
        let deadline = reminder::Deadline {
            what: "Refer to SPA".into(),
            rule: "Within 24 hours.".into(),
            due: reminder::from_ms(a.now_ms()) + HOUR,
        };
        let id = a
            .schedule(&NewReminder {
                session_id: &view.session_id,
                deadline_no: 0,
                channel_id: &thread,
                outcome: "images_referral_24h",
                deadline: &deadline,
                remind_at: deadline.due_ms(),
            })
            .await
            .unwrap();
        ids.push(id);
    }
    clock.advance(HOUR);
    let now = a.now_ms();
    // Two firing loops, each several ticks, racing over the same rows.
    let run = |r: Arc<Reminders>, d: DiscordDelivery| async move {
        let mut n = 0;
        for _ in 0..5 {
            n += r.fire_due(now, &d).await.unwrap().len();
        }
        n
    };
    let (na, nb) = tokio::join!(run(a.clone(), deliver_a), run(b.clone(), deliver_b));
    assert_eq!(na + nb, 10, "each fired once in all: {na} + {nb}");

    let posts: Vec<Vec<String>> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == format!("/api/v10/channels/{thread}/messages"))
        .map(|r| custom_ids(r.body.as_ref().unwrap()))
        .collect();
    assert_eq!(posts.len(), 10, "ten posts, no duplicates");
    for id in &ids {
        assert_eq!(
            posts
                .iter()
                .filter(|p| p.contains(&format!("rm:{id}:done")))
                .count(),
            1,
            "{id}"
        );
    }
    assert!(a.all().await.unwrap().iter().all(|r| r.state == "sent"));
    assert!(support::openapi::check_all(&fake.requests()) != Some(0));
}
