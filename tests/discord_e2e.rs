//! The Discord bot end to end: the real `serve` code against a fake Discord on 127.0.0.1
//! (tests/support). Each test starts its own fake and bot, drives real INTERACTION_CREATE
//! payloads through the gateway, asserts on the REST calls the bot makes, shuts the bot down, and
//! checks every request body it sent against Discord's OpenAPI spec (where ../shared exists).
//!
//! The `…_over_http` tests run the same scenarios in HTTP interactions mode: each interaction
//! is POSTed, signed, to the bot's `/interactions` endpoint, and its HTTP answer is checked
//! where the gateway test checks the REST callback — one set of assertions for both transports.

mod support;

use std::time::Duration;

use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::reload::AuditLog;
use serde_json::Value;
use support::{custom_ids, flags, payloads, text_of, Bot, Knowledge, Mode, Who, ADMIN_ROLE, WAIT};

const EPHEMERAL: u64 = 64;

fn alice() -> Who {
    Who::member(910_000_000_000_000_001)
}

fn bob() -> Who {
    Who::member(910_000_000_000_000_002)
}

#[test]
fn fake_payloads_deserialise() {
    use serenity::all::{GuildChannel, Interaction, Message, Ready};
    use support::fake_discord::{CHANNEL_ID, GUILD_ID};
    let ready: Ready = serde_json::from_value(payloads::ready("ws://127.0.0.1:1/gw", "s"))
        .expect("READY deserialises");
    assert_eq!(ready.session_id, "s");
    let who = Who::with_role(5, ADMIN_ROLE);
    let cmd = payloads::command(
        1,
        "t",
        "whocall",
        &[("situation", "immediate danger")],
        &who,
        payloads::channel(CHANNEL_ID, false),
    );
    match serde_json::from_value::<Interaction>(cmd).expect("command deserialises") {
        Interaction::Command(c) => {
            assert_eq!(c.data.name, "whocall");
            assert_eq!(c.user.id.get(), 5);
            assert_eq!(c.member.as_ref().unwrap().roles[0].get(), ADMIN_ROLE);
            assert!(c.member.as_ref().unwrap().permissions.is_some());
            assert_eq!(c.guild_id.unwrap().get(), GUILD_ID);
        }
        other => panic!("not a command: {other:?}"),
    }
    let ac = payloads::autocomplete(2, "t", "search", "query", "gro", &who);
    match serde_json::from_value::<Interaction>(ac).expect("autocomplete deserialises") {
        Interaction::Autocomplete(a) => assert_eq!(a.data.name, "search"),
        other => panic!("not autocomplete: {other:?}"),
    }
    let body = serde_json::json!({"embeds": [{"title": "x", "description": "y"}],
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Post", "custom_id": "post:help:"}]}]});
    let msg = payloads::message(3, CHANNEL_ID, &body);
    serde_json::from_value::<Message>(msg.clone()).expect("message deserialises");
    let click = payloads::component(4, "t", "post:help:", msg, &who, payloads::channel(77, true));
    match serde_json::from_value::<Interaction>(click).expect("component deserialises") {
        Interaction::Component(c) => {
            assert_eq!(c.data.custom_id, "post:help:");
            assert_eq!(c.message.embeds.len(), 1);
        }
        other => panic!("not a component: {other:?}"),
    }
    let thread = payloads::thread(
        8,
        CHANNEL_ID,
        &serde_json::json!({"name": "t", "type": 12, "auto_archive_duration": 60}),
    );
    let t: GuildChannel = serde_json::from_value(thread).expect("thread deserialises");
    assert_eq!(t.kind, serenity::all::ChannelType::PrivateThread);
    serde_json::from_value::<serenity::all::CurrentApplicationInfo>(payloads::application())
        .expect("application deserialises");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_commands_with_options_and_permissions() {
    let bot = Bot::start(Knowledge::Dir, |_| {}).await;
    let put = bot
        .fake
        .wait_for(0, WAIT, "command registration", |r| {
            r.method == "PUT" && r.path.ends_with("/commands")
        })
        .await;
    assert_eq!(
        put.path,
        format!(
            "/api/v10/applications/{}/guilds/{}/commands",
            support::APP_ID,
            support::GUILD_ID
        )
    );
    let cmds = put.body.as_ref().unwrap().as_array().unwrap().clone();
    let names: Vec<&str> = cmds.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "whocall",
            "threshold",
            "offence",
            "search",
            "triage",
            "reload",
            "help"
        ]
    );
    let by = |n: &str| cmds.iter().find(|c| c["name"] == n).unwrap().clone();
    for (name, option, required) in [
        ("whocall", "situation", false),
        ("threshold", "topic", true),
        ("offence", "query", true),
        ("search", "query", true),
    ] {
        let c = by(name);
        let o = &c["options"][0];
        assert_eq!(o["name"], option, "{name}");
        assert_eq!(o["type"], 3, "{name}: string option");
        assert_eq!(o["autocomplete"], true, "{name}: autocomplete");
        assert_eq!(o["required"], required, "{name}");
        assert_eq!(o["max_length"], 300, "{name}: room to describe a situation");
        assert!(
            c["default_member_permissions"].is_null(),
            "{name} is for everyone"
        );
        let d = c["description"].as_str().unwrap();
        assert!(!d.is_empty() && d.chars().count() <= 100);
    }
    // /reload: Manage Server by default (the bot checks again itself), servers only.
    let reload = by("reload");
    assert_eq!(reload["default_member_permissions"], 32);
    assert_eq!(reload["contexts"], serde_json::json!([0]));
    assert_eq!(by("triage")["contexts"], serde_json::json!([0]));
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.path.contains("/oauth2/")),
        "no owner lookup"
    );
    assert!(by("help")["options"]
        .as_array()
        .is_none_or(|o| o.is_empty()));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whocall_immediate_danger_answers_999_in_time() {
    whocall_immediate_danger_answers_999_in_time_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whocall_immediate_danger_answers_999_in_time_over_http() {
    whocall_immediate_danger_answers_999_in_time_in(Mode::Http).await;
}

async fn whocall_immediate_danger_answers_999_in_time_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    let sent = bot
        .command(&alice(), "whocall", &[("situation", "immediate danger")])
        .await;
    let cb = bot.callback(&sent).await;
    let took = cb.at.duration_since(sent.at);
    assert!(took < Duration::from_millis(1500), "answered in {took:?}");
    let body = cb.body.as_ref().unwrap();
    assert_eq!(body["type"], 4, "a message, not a deferral");
    assert_eq!(flags(body) & EPHEMERAL, EPHEMERAL, "private by default");
    let text = text_of(body);
    assert!(text.contains("999"), "{text}");
    assert!(text.contains("Source: "), "cites its source: {text}");
    assert!(
        custom_ids(body).iter().any(|id| id == "post:whocall"),
        "{:?}",
        custom_ids(body)
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_command_gets_a_clear_private_answer() {
    unknown_command_gets_a_clear_private_answer_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_command_gets_a_clear_private_answer_over_http() {
    unknown_command_gets_a_clear_private_answer_in(Mode::Http).await;
}

async fn unknown_command_gets_a_clear_private_answer_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    let sent = bot.command(&alice(), "frobnicate", &[]).await;
    let cb = bot.callback(&sent).await;
    let body = cb.body.as_ref().unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(flags(body) & EPHEMERAL, EPHEMERAL, "private");
    let text = text_of(body);
    assert!(text.contains("does not know that command"), "{text}");
    assert!(text.contains("999"), "keeps the emergency route: {text}");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_returns_at_most_25_choices() {
    autocomplete_returns_at_most_25_choices_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_returns_at_most_25_choices_over_http() {
    autocomplete_returns_at_most_25_choices_in(Mode::Http).await;
}

async fn autocomplete_returns_at_most_25_choices_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    for (cmd, option, partial) in [
        ("search", "query", ""),
        ("search", "query", "e"),
        ("whocall", "situation", "danger"),
        ("offence", "query", "image"),
        ("threshold", "topic", "nudes"),
    ] {
        let sent = bot.autocomplete(&alice(), cmd, option, partial).await;
        let cb = bot.callback(&sent).await;
        let took = cb.at.duration_since(sent.at);
        assert!(took < Duration::from_millis(1500), "{cmd}: {took:?}");
        let body = cb.body.unwrap();
        assert_eq!(body["type"], 8, "autocomplete result");
        let choices = body["data"]["choices"].as_array().unwrap();
        assert!(choices.len() <= 25, "{cmd} {partial:?}: {}", choices.len());
        for c in choices {
            let (n, v) = (c["name"].as_str().unwrap(), c["value"].as_str().unwrap());
            assert!(n.chars().count() <= 100, "{n}");
            assert!(v.chars().count() <= 300, "{v}");
        }
        if cmd == "search" && partial.is_empty() {
            continue;
        }
        assert!(!choices.is_empty(), "{cmd} {partial:?} offers something");
    }
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_is_for_admins_reports_errors_and_keeps_old_knowledge() {
    reload_is_for_admins_reports_errors_and_keeps_old_knowledge_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_is_for_admins_reports_errors_and_keeps_old_knowledge_over_http() {
    reload_is_for_admins_reports_errors_and_keeps_old_knowledge_in(Mode::Http).await;
}

async fn reload_is_for_admins_reports_errors_and_keeps_old_knowledge_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Dir, |_| {}).await;
    let audit = AuditLog::new(bot.settings.audit.reload_log.clone());
    let live = || bot.handle.as_ref().unwrap().live().current();
    let old_hash = live().knowledge.hash.clone();
    let old_contacts = live().knowledge.counts().contacts;

    // A practitioner is refused, whatever Discord's permission setting allowed.
    let sent = bot.command(&alice(), "reload", &[]).await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    says(&body, "Only admins");
    assert_eq!(
        audit.read_all().unwrap()[0].result,
        safeguarding_bot::reload::ReloadResult::Refused
    );

    // Break the knowledge: a malformed phone number (a validation error)...
    let kdir = bot.knowledge_dir();
    let contacts_path = kdir.join("contacts.toml");
    let contacts = std::fs::read_to_string(&contacts_path).unwrap();
    assert!(contacts.contains("phone = \"020 8547 5008\""));
    std::fs::write(
        &contacts_path,
        contacts.replacen("phone = \"020 8547 5008\"", "phone = \"020-8547\"", 1),
    )
    .unwrap();
    let admin = Who::with_role(910_000_000_000_000_009, ADMIN_ROLE);
    let sent = bot.command(&admin, "reload", &[]).await;
    let cb = bot.callback(&sent).await;
    assert_eq!(cb.body.as_ref().unwrap()["type"], 5, "deferred");
    let text = text_of(bot.followup(&sent, 0).await.body.as_ref().unwrap());
    assert!(text.contains("Reload failed"), "{text}");
    assert!(text.contains("previous guidance is still live"), "{text}");
    assert!(has_file_line(&text, "contacts.toml"), "file:line: {text}");
    assert!(text.contains("020-8547"), "{text}");

    // ...and a TOML syntax error.
    std::fs::write(&contacts_path, &contacts).unwrap();
    std::fs::write(kdir.join("offences.toml"), "[[offence]\nid = \"x\"\n").unwrap();
    let sent = bot.command(&admin, "reload", &[]).await;
    let text = text_of(bot.followup(&sent, 0).await.body.as_ref().unwrap());
    assert!(text.contains("offences.toml:1:"), "file:line: {text}");

    // The old knowledge is still live and still answers.
    assert_eq!(live().knowledge.hash, old_hash);
    let sent = bot
        .command(&alice(), "whocall", &[("situation", "immediate danger")])
        .await;
    let text = text_of(bot.callback(&sent).await.body.as_ref().unwrap());
    assert!(text.contains("999"), "{text}");

    // Fixed, with one more contact (a copy of the first under a new id): a member with Manage
    // Server reloads and sees what changed.
    support::write_knowledge(&KnowledgeFiles::embedded(), &kdir);
    let mut doc: toml::Table = toml::from_str(&contacts).unwrap();
    let list = doc["contact"].as_array_mut().unwrap();
    let mut extra = list[0].clone();
    extra["id"] = toml::Value::String("test-extra-contact".into());
    list.push(extra);
    std::fs::write(&contacts_path, toml::to_string(&doc).unwrap()).unwrap();
    let sent = bot
        .command(&Who::manager(910_000_000_000_000_010), "reload", &[])
        .await;
    let text = text_of(bot.followup(&sent, 0).await.body.as_ref().unwrap());
    assert!(text.contains("Guidance reloaded"), "{text}");
    assert!(
        text.contains(&format!(
            "contacts: {} → {}",
            old_contacts,
            old_contacts + 1
        )),
        "{text}"
    );
    let new_hash = live().knowledge.hash.clone();
    assert_ne!(old_hash, new_hash);
    assert!(text.contains(&format!("{old_hash} → {new_hash}")), "{text}");
    assert_eq!(live().knowledge.counts().contacts, old_contacts + 1);

    let records = audit.read_all().unwrap();
    let results: Vec<&str> = records.iter().map(|r| r.result.as_str()).collect();
    assert_eq!(results, ["refused", "invalid", "invalid", "reloaded"]);
    assert_eq!(records[1].user_id, "910000000000000009");
    assert_eq!(records[1].errors, 1);
    assert_eq!(records[1].hash, old_hash, "the old copy stayed live");
    assert_eq!(records[3].hash, new_hash);
    assert!(records.iter().all(|r| r.at.contains('T')), "RFC 3339");
    bot.finish().await;
}

/// True when `text` names `file` followed by `:LINE:`.
fn has_file_line(text: &str, file: &str) -> bool {
    text.match_indices(&format!("{file}:")).any(|(i, m)| {
        let rest = &text[i + m.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        !digits.is_empty() && rest[digits.len()..].starts_with(':')
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_a_dropped_gateway_connection() {
    let bot = Bot::start(Knowledge::Dir, |_| {}).await;
    let sent = bot
        .command(&alice(), "whocall", &[("situation", "immediate danger")])
        .await;
    assert!(text_of(bot.callback(&sent).await.body.as_ref().unwrap()).contains("999"));
    let (conns, identifies, _) = bot.fake.gateway_counts();
    assert_eq!((conns, identifies), (1, 1));

    for round in 1..=2 {
        bot.fake.drop_gateway();
        // dispatch() waits for the bot to reconnect; the command must still be answered.
        let sent = bot
            .command(&alice(), "whocall", &[("situation", "immediate danger")])
            .await;
        let text = text_of(bot.callback(&sent).await.body.as_ref().unwrap());
        assert!(text.contains("999"), "after drop {round}: {text}");
        let (conns, identifies, resumes) = bot.fake.gateway_counts();
        assert_eq!(conns, 1 + round, "reconnected");
        assert_eq!(identifies, 1, "resumed, not re-identified");
        assert_eq!(resumes, round);
    }
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_to_channel_survives_restart_and_unknown_buttons_are_explained() {
    post_to_channel_survives_restart_and_unknown_buttons_are_explained_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_to_channel_survives_restart_and_unknown_buttons_are_explained_over_http() {
    post_to_channel_survives_restart_and_unknown_buttons_are_explained_in(Mode::Http).await;
}

async fn post_to_channel_survives_restart_and_unknown_buttons_are_explained_in(mode: Mode) {
    let mut bot = Bot::start_in(mode, Knowledge::Dir, |_| {}).await;
    let sent = bot
        .command(&alice(), "search", &[("query", "indecent images")])
        .await;
    let cb = bot.callback(&sent).await;
    let body = cb.body.unwrap();
    let post = custom_ids(&body)
        .into_iter()
        .find(|id| id.starts_with("post:"))
        .expect("a Post to channel button");
    assert_eq!(
        post, "post:search",
        "the id names the command, not the query"
    );
    let message = payloads::message(
        bot.fake.next_id(),
        support::CHANNEL_ID,
        &body["data"].clone(),
    );
    let private_text = text_of(&body);

    // The bot restarts between the answer and the click: the button still works.
    bot.restart().await;
    let sent = bot.click(&alice(), &post, message.clone()).await;
    let cb = bot.callback(&sent).await;
    let body = cb.body.unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(flags(&body) & EPHEMERAL, 0, "public");
    let text = text_of(&body);
    assert!(text.contains("Shared by <@910000000000000001>"), "{text}");
    assert!(text.contains("Source: "), "{text}");
    assert!(text.contains("999"), "{text}");
    assert_eq!(
        text.split_once('\n').unwrap().1,
        private_text,
        "the public copy is the answer as it was seen"
    );
    assert!(
        custom_ids(&body).is_empty(),
        "no Post button on the public copy"
    );
    assert_eq!(
        body["data"]["allowed_mentions"]["parse"],
        Value::Array(vec![]),
        "the attribution pings nobody"
    );

    let sent = bot
        .click(&alice(), "something:from:elsewhere", message)
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    says(&body, "not recognised");
    bot.finish().await;
}

/// A practitioner describes the situation at length (300 characters, the option's maximum); the
/// answer's Post button carries no part of it and still posts the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_300_character_question_gets_a_working_post_button() {
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let mut query = String::from(
        "I'm a youth worker, one of my lads (15) says a man he met on an online game is threatening \
         to send the nudes he sent him to all his mates and family unless he sends more or pays him, \
         he is terrified and has not told his parents, what do I do and how fast, ",
    );
    while query.chars().count() < 300 {
        query.push_str("please ");
    }
    let query: String = query.chars().take(300).collect();
    assert_eq!(query.chars().count(), 300);
    let sent = bot
        .command(&alice(), "threshold", &[("topic", query.as_str())])
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    let private_text = text_of(&body);
    // A situation is read: the lead is what the guidance says to do (the youth worker is the
    // one asking, not the adult of concern).
    assert!(
        private_text.starts_with("Refer the same day to the police"),
        "{private_text}"
    );
    assert!(private_text.contains("I read: "), "{private_text}");
    let ids: Vec<String> = custom_ids(&body)
        .into_iter()
        .filter(|id| id.starts_with("post:"))
        .collect();
    assert!(!ids.is_empty(), "a Post button");
    for id in &ids {
        assert!(id.chars().count() <= 100, "{id}");
        assert!(!id.contains("youth") && !id.contains("nudes"), "{id}");
    }
    let message = payloads::message(bot.fake.next_id(), support::CHANNEL_ID, &body["data"]);
    let sent = bot.click(&bob(), &ids[0], message).await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(flags(&body) & EPHEMERAL, 0, "public");
    let text = text_of(&body);
    let (attribution, rest) = text.split_once('\n').unwrap();
    // The answer (with the whole rule first) may take more than one message: the first part
    // says which part it is.
    assert!(
        attribution.starts_with("Shared by <@910000000000000002> from /threshold"),
        "{attribution}"
    );
    assert_eq!(rest, private_text, "the answer as it was seen");
    assert!(
        custom_ids(&body).is_empty(),
        "no Post button on the public copy"
    );
    bot.finish().await;
}

/// An answer too long for one message has a Post button on each part; a later part posted on
/// its own says which part it is and repeats the emergency line the first part carries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_part_of_a_long_answer_can_be_posted() {
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let sent = bot
        .command(
            &alice(),
            "threshold",
            &[("topic", "nudes shared between pupils")],
        )
        .await;
    let first = bot.callback(&sent).await.body.unwrap();
    let second = bot.followup(&sent, 0).await.body.unwrap();
    let posts = |b: &Value| -> Vec<String> {
        custom_ids(b)
            .into_iter()
            .filter(|id| id.starts_with("post:"))
            .collect()
    };
    assert_eq!(posts(&first), ["post:threshold:part:1:2"]);
    assert_eq!(posts(&second), ["post:threshold:part:2:2"]);
    let part_two = text_of(&second);
    let message = payloads::message(bot.fake.next_id(), support::CHANNEL_ID, &second);
    let click = bot.click(&bob(), "post:threshold:part:2:2", message).await;
    let body = bot.callback(&click).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, 0, "public");
    let content = body["data"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("Shared by <@910000000000000002> from /threshold (part 2 of 2)"),
        "{content}"
    );
    assert!(content.contains("999"), "emergency line: {content}");
    let text = text_of(&body);
    assert!(text.ends_with(&part_two), "{text}");
    bot.finish().await;
}

/// A "Post to channel" button from before queries left the id (`post:{command}:{query}`), still
/// open in someone's client, re-runs its query publicly instead of failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_post_button_still_posts() {
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let old = serde_json::json!({"embeds": [{"title": "Contacts", "description": "old"}],
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Post to channel",
            "custom_id": "post:whocall:immediate danger"}]}], "flags": 64});
    let message = payloads::message(bot.fake.next_id(), support::CHANNEL_ID, &old);
    let sent = bot
        .click(&alice(), "post:whocall:immediate danger", message)
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(body["type"], 4);
    assert_eq!(flags(&body) & EPHEMERAL, 0, "public");
    let text = text_of(&body);
    assert!(text.contains("Shared by <@910000000000000001>"), "{text}");
    assert!(
        text.contains("Police (emergency)"),
        "re-ran the query: {text}"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expensive_commands_are_rate_limited_per_user() {
    let bot = Bot::start(Knowledge::Dir, |s| {
        s.discord.rate_limit_per_minute = 2;
        s.discord.ephemeral = false;
    })
    .await;
    for _ in 0..2 {
        let sent = bot
            .command(&alice(), "search", &[("query", "referral")])
            .await;
        let body = bot.callback(&sent).await.body.unwrap();
        assert_eq!(
            flags(&body) & EPHEMERAL,
            0,
            "ephemeral = false answers publicly"
        );
        assert!(
            custom_ids(&body).is_empty(),
            "no Post button when already public"
        );
    }
    let sent = bot
        .command(&alice(), "search", &[("query", "referral")])
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    let text = text_of(&body);
    assert!(text.contains("Too many requests"), "{text}");
    assert!(
        text.contains("999"),
        "the emergency route is never withheld: {text}"
    );
    // Another user is not affected; autocomplete is never limited.
    let sent = bot
        .command(&bob(), "search", &[("query", "referral")])
        .await;
    assert!(!text_of(&bot.callback(&sent).await.body.unwrap()).contains("Too many"));
    let sent = bot.autocomplete(&alice(), "search", "query", "ref").await;
    assert_eq!(bot.callback(&sent).await.body.unwrap()["type"], 8);
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_answers_are_split_within_discord_limits() {
    // /help on the real knowledge and a broad search produce long answers; every message must be
    // accepted (the OpenAPI check in finish() enforces Discord's limits on each body).
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    for (cmd, opts) in [
        ("help", vec![]),
        ("search", vec![("query", "online safety")]),
        ("threshold", vec![("topic", "nudes shared between pupils")]),
        ("offence", vec![("query", "sending sexual images")]),
    ] {
        let sent = bot.command(&alice(), cmd, &opts).await;
        let body = bot.callback(&sent).await.body.unwrap();
        let embeds = body["data"]["embeds"].as_array().unwrap();
        assert!(!embeds.is_empty() && embeds.len() <= 10, "{cmd}");
        let total: usize = embeds
            .iter()
            .map(|e| text_of(&serde_json::json!({"embeds": [e]})).chars().count())
            .sum();
        assert!(total <= 6000 + 200, "{cmd}: {total}");
        assert!(text_of(&body).contains("999"), "{cmd}: emergency line");
    }
    bot.finish().await;
}

#[test]
fn openapi_check_rejects_what_discord_would() {
    // The check in Bot::finish() is only worth something if it fails on bad bodies.
    let Some(spec) = support::openapi::spec() else {
        println!(
            "skipped: {} not found",
            support::openapi::spec_path().display()
        );
        return;
    };
    let callback = "/api/v10/interactions/1/tok/callback";
    let ok = serde_json::json!({"type": 4, "data": {"embeds": [{"title": "t"}], "flags": 64}});
    spec.validate("POST", callback, Some(&ok)).expect("valid");
    let long_title =
        serde_json::json!({"type": 4, "data": {"embeds": [{"title": "x".repeat(257)}]}});
    assert!(spec.validate("POST", callback, Some(&long_title)).is_err());
    let long_id = serde_json::json!({"type": 4, "data": {"components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "a", "custom_id": "x".repeat(101)}]}]}});
    assert!(spec.validate("POST", callback, Some(&long_id)).is_err());
    let too_many_fields = serde_json::json!({"type": 4, "data": {"embeds": [{"fields":
        (0..26).map(|i| serde_json::json!({"name": i.to_string(), "value": "v"})).collect::<Vec<_>>()}]}});
    assert!(spec
        .validate("POST", callback, Some(&too_many_fields))
        .is_err());
    let thread = "/api/v10/channels/1/threads";
    let ok = serde_json::json!({"name": "Triage", "type": 12, "auto_archive_duration": 1440, "invitable": false});
    spec.validate("POST", thread, Some(&ok))
        .expect("valid thread");
    let bad = serde_json::json!({"name": "Triage", "type": 12, "auto_archive_duration": 30});
    assert!(spec.validate("POST", thread, Some(&bad)).is_err());
    assert!(spec
        .validate("POST", "/api/v10/no/such/route", Some(&ok))
        .is_err());
}

#[tokio::test]
async fn serve_refuses_to_start_without_token_or_a_reachable_api() {
    let mut s = safeguarding_bot::settings::Settings::defaults().unwrap();
    let err = safeguarding_bot::discord::start(s.clone())
        .await
        .err()
        .expect("no token");
    assert!(err.to_string().contains("discord.token"), "{err}");

    // An api_base that does not answer GET /gateway: fail, never fall back to the real gateway.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    s.discord.token = Some(safeguarding_bot::settings::Secret::new("t"));
    s.discord.api_base = Some(format!("http://{addr}"));
    let fixture = tempfile::tempdir().unwrap();
    support::write_knowledge(&KnowledgeFiles::embedded(), fixture.path());
    s.knowledge.dir = Some(fixture.path().to_path_buf());
    let err = safeguarding_bot::discord::start(s)
        .await
        .err()
        .expect("unreachable api");
    assert!(format!("{err:#}").contains("GET /gateway"), "{err:#}");
}

/// Asserts that a message body's text contains `needle`, showing the text if not.
fn says(body: &Value, needle: &str) {
    let text = text_of(body);
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

/// The thread-creation request made since `sent`, if any.
fn thread_created(bot: &Bot, sent: &support::Sent) -> Option<support::Recorded> {
    bot.since(sent)
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/threads"))
}

/// The custom id of the button for `action` in a message body.
fn button(body: &Value, action: &str) -> String {
    custom_ids(body)
        .into_iter()
        .find(|id| id.starts_with("tr:") && id.ends_with(&format!(":{action}")))
        .unwrap_or_else(|| panic!("no `{action}` button in {:?}", custom_ids(body)))
}

/// Starts /triage for `who` and returns the thread id and the first question's message body.
async fn open_triage(bot: &Bot, who: &Who, channel: Value) -> (u64, Value, support::Sent) {
    let (thread, first, sent) = bot.open_triage_in(who, channel).await;
    let cb = bot.callback(&sent).await;
    let body = cb.body.unwrap();
    assert_eq!(
        body["type"], 5,
        "deferred: thread creation takes several calls"
    );
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    (thread, first, sent)
}

/// Clicks `action` on the message `body` (in `thread`) and returns the interaction callback body.
async fn answer(bot: &Bot, who: &Who, thread: u64, body: &Value, action: &str) -> Value {
    let message = payloads::message(
        bot.fake.next_id(),
        thread,
        &body.get("data").unwrap_or(body).clone(),
    );
    let sent = bot.click(who, &button(body, action), message).await;
    bot.callback(&sent).await.body.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_runs_in_a_private_thread_to_a_summary() {
    triage_runs_in_a_private_thread_to_a_summary_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_runs_in_a_private_thread_to_a_summary_over_http() {
    triage_runs_in_a_private_thread_to_a_summary_in(Mode::Http).await;
}

async fn triage_runs_in_a_private_thread_to_a_summary_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    let (thread, first, sent) = open_triage(
        &bot,
        &alice(),
        payloads::channel(support::CHANNEL_ID, false),
    )
    .await;

    // A private thread (type 12, no starter message) in the channel, with the user added.
    let create = thread_created(&bot, &sent).expect("a thread was created");
    assert_eq!(
        create.path,
        format!("/api/v10/channels/{}/threads", support::CHANNEL_ID)
    );
    let tb = create.body.unwrap();
    assert_eq!(tb["type"], 12);
    assert_eq!(tb["auto_archive_duration"], 1440);
    assert_eq!(tb["invitable"], false);
    assert!(
        !tb["name"].as_str().unwrap().contains("practitioner"),
        "no names in thread names"
    );
    assert!(bot.since(&sent).iter().any(|r| r.method == "PUT"
        && r.path
            == format!(
                "/api/v10/channels/{thread}/thread-members/{}",
                alice().user_id
            )));
    let ack = bot.followup(&sent, 0).await;
    assert!(text_of(ack.body.as_ref().unwrap()).contains(&format!("<#{thread}>")));

    // The first question, with its answers and no Back yet.
    let text = text_of(&first);
    assert!(text.contains("immediate danger"), "{text}");
    assert!(text.contains("999"), "{text}");
    let ids = custom_ids(&first);
    assert!(
        ids.iter()
            .all(|id| id.starts_with("tr:") && id.len() <= 100),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|id| id.ends_with(":0:yes")) && ids.iter().any(|id| id.ends_with(":0:no"))
    );
    assert!(!ids.iter().any(|id| id.ends_with(":back")));

    // No → next question, updated in place.
    let q2 = answer(&bot, &alice(), thread, &first, "no").await;
    assert_eq!(q2["type"], 7, "update the message in place");
    says(&q2, "works or volunteers with children");

    // Someone else cannot answer alice's triage.
    let refused = answer(&bot, &bob(), thread, &q2, "yes").await;
    assert_eq!(refused["type"], 4);
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    says(&refused, "Only the person who started");

    // Back returns to the first question.
    let back = answer(&bot, &alice(), thread, &q2, "back").await;
    assert_eq!(back["type"], 7);
    says(&back, "Is a child in immediate danger");

    // A second click on an old button changes nothing and redraws the current question.
    let stale = answer(&bot, &alice(), thread, &first, "yes").await;
    assert_eq!(stale["type"], 7);
    says(&stale, "already moved on");
    says(&stale, "Is a child in immediate danger");

    // Through to an outcome: severe bullying.
    let q2 = answer(&bot, &alice(), thread, &back, "no").await;
    let q3 = answer(&bot, &alice(), thread, &q2, "no").await;
    let q4 = answer(&bot, &alice(), thread, &q3, "bullying").await;
    assert!(
        text_of(&q4).to_lowercase().contains("bullying"),
        "{}",
        text_of(&q4)
    );
    // The last answer shows "Check your answers"; Confirm shows the summary.
    let review = answer(&bot, &alice(), thread, &q4, "yes").await;
    assert_eq!(review["type"], 7);
    says(&review, "Check your answers");
    let summary = answer(&bot, &alice(), thread, &review, "rv:confirm").await;
    assert_eq!(summary["type"], 7);
    let text = text_of(&summary);
    assert!(text.contains("Severe online bullying"), "{text}");
    assert!(text.contains("police"), "{text}");
    assert!(text.contains("999"), "{text}");
    assert!(
        text.contains("Sources") || text.contains("Source:"),
        "cites: {text}"
    );
    let ids = custom_ids(&summary);
    assert!(
        ids.iter().any(|id| id.ends_with(":back")) && ids.iter().any(|id| id.ends_with(":restart"))
    );
    // Restart goes back to the first question.
    let again = answer(&bot, &alice(), thread, &summary, "restart").await;
    says(&again, "Is a child in immediate danger");

    // A button for a session that does not exist gets a clear private note.
    let message = payloads::message(bot.fake.next_id(), thread, &first);
    let sent = bot
        .click(&alice(), &format!("tr:{}:0:yes", "0".repeat(32)), message)
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(flags(&body) & EPHEMERAL, EPHEMERAL);
    says(&body, "/triage");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_continues_after_the_bot_restarts() {
    triage_continues_after_the_bot_restarts_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_continues_after_the_bot_restarts_over_http() {
    triage_continues_after_the_bot_restarts_in(Mode::Http).await;
}

async fn triage_continues_after_the_bot_restarts_in(mode: Mode) {
    let mut bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    let (thread, first, _) = open_triage(
        &bot,
        &alice(),
        payloads::channel(support::CHANNEL_ID, false),
    )
    .await;
    let q2 = answer(&bot, &alice(), thread, &first, "no").await;
    says(&q2, "works or volunteers with children");

    // A new client on the same SQLite file: the old message's buttons still work.
    bot.restart().await;
    let q3 = answer(&bot, &alice(), thread, &q2, "yes").await;
    assert_eq!(q3["type"], 7);
    says(
        &q3,
        "indecent images of children, or another possible offence",
    );
    let review = answer(&bot, &alice(), thread, &q3, "yes").await;
    says(&review, "Check your answers");
    // Restarted again at the review: its Confirm still shows the summary.
    bot.restart().await;
    let summary = answer(&bot, &alice(), thread, &review, "rv:confirm").await;
    assert_eq!(summary["type"], 7);
    let text = text_of(&summary);
    assert!(text.contains("LADO"), "{text}");
    assert!(text.contains("020 8547 5008"), "{text}");
    assert!(text.contains("Same day"), "{text}");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_thread_follows_the_setting() {
    // Public threads.
    let bot = Bot::start(Knowledge::Embedded, |s| {
        s.discord.triage_thread = safeguarding_bot::settings::TriageThread::Public;
        s.discord.thread_auto_archive_minutes = 60;
    })
    .await;
    let (_, _, sent) = open_triage(
        &bot,
        &alice(),
        payloads::channel(support::CHANNEL_ID, false),
    )
    .await;
    let create = thread_created(&bot, &sent).unwrap();
    assert_eq!(create.body.as_ref().unwrap()["type"], 11);
    assert_eq!(create.body.as_ref().unwrap()["auto_archive_duration"], 60);
    bot.finish().await;

    // "current": run inside a thread, the dialogue stays there; no new thread.
    let bot = Bot::start(Knowledge::Embedded, |s| {
        s.discord.triage_thread = safeguarding_bot::settings::TriageThread::Current;
    })
    .await;
    let here = 960_000_000_000_000_001;
    let (thread, first, sent) = open_triage(&bot, &alice(), payloads::channel(here, true)).await;
    assert_eq!(thread, here);
    assert!(thread_created(&bot, &sent).is_none());
    assert!(custom_ids(&first).iter().any(|id| id.ends_with(":0:no")));

    // "current" outside a thread, and "private" inside one, open a private thread in the channel.
    let (thread, _, sent) =
        open_triage(&bot, &bob(), payloads::channel(support::CHANNEL_ID, false)).await;
    assert_ne!(thread, support::CHANNEL_ID);
    let create = thread_created(&bot, &sent).unwrap();
    assert_eq!(create.body.as_ref().unwrap()["type"], 12);
    bot.finish().await;

    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    let (_, _, sent) = open_triage(&bot, &alice(), payloads::channel(here, true)).await;
    let create = thread_created(&bot, &sent).unwrap();
    assert_eq!(
        create.path,
        format!("/api/v10/channels/{}/threads", support::CHANNEL_ID),
        "opened beside the thread, in its parent channel"
    );
    bot.finish().await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_binary_answers_and_stops_cleanly_on_sigterm() {
    use support::fake_discord::FakeDiscord;
    const TOKEN: &str = "very-secret-token-value";
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = support::serve_command(fake.base(), dir.path(), TOKEN)
        // A database in a folder that does not exist yet: `serve` creates it.
        .env(
            "SAFEGUARDING_BOT__DATABASE__URL",
            support::db_url(&dir.path().join("db/bot.db")),
        )
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    fake.wait_for(0, WAIT, "command registration", |r| {
        r.method == "PUT" && r.path.ends_with("/commands")
    })
    .await;

    let from = fake.requests().len();
    let id = fake.next_id();
    let token = format!("tok{id}");
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::command(
            id,
            &token,
            "whocall",
            &[("situation", "immediate danger")],
            &alice(),
            payloads::channel(support::CHANNEL_ID, false),
        ),
    )
    .await;
    let path = format!("/api/v10/interactions/{id}/{token}/callback");
    let cb = fake
        .wait_for(from, WAIT, "the answer", |r| r.path == path)
        .await;
    says(cb.body.as_ref().unwrap(), "999");

    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops within 10 s")
        .unwrap();
    assert!(status.success(), "clean exit: {status:?}");
    let mut logs = String::new();
    use tokio::io::AsyncReadExt;
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    assert!(logs.contains("interaction handled"), "{logs}");
    assert!(
        !logs.contains(TOKEN),
        "the token must never be logged:\n{logs}"
    );
    assert!(
        !logs.contains("immediate danger"),
        "no message text in logs:\n{logs}"
    );
    assert!(
        dir.path().join("db/bot.db").exists(),
        "database folder created"
    );
    assert!(support::openapi::check_all(&fake.requests()) != Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discord_shards_chooses_the_shards_this_process_runs() {
    // Unset: the whole bot as one shard.
    let bot = Bot::start(Knowledge::Embedded, |_| {}).await;
    assert_eq!(
        bot.fake.identified_shards(),
        vec![serde_json::json!([0, 1])]
    );
    bot.finish().await;
    // "1/2": shard 1 of 2 only (another process runs shard 0); it answers like any other.
    let bot = Bot::start(Knowledge::Embedded, |s| {
        s.discord.shards = Some("1/2".into())
    })
    .await;
    assert_eq!(
        bot.fake.identified_shards(),
        vec![serde_json::json!([1, 2])]
    );
    let sent = bot.command(&alice(), "whocall", &[]).await;
    assert!(text_of(bot.callback(&sent).await.body.as_ref().unwrap()).contains("999"));
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn situation_question_leads_and_opens_a_prefilled_triage() {
    situation_question_leads_and_opens_a_prefilled_triage_in(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn situation_question_leads_and_opens_a_prefilled_triage_over_http() {
    situation_question_leads_and_opens_a_prefilled_triage_in(Mode::Http).await;
}

/// A situation typed into /threshold: the embed's first line (its title) is the lead, "I read"
/// quotes the words read, and "Check it in /triage" opens a private thread whose first message
/// is "Check your answers" with the answers read given. The button id carries answer positions
/// only, never the description.
async fn situation_question_leads_and_opens_a_prefilled_triage_in(mode: Mode) {
    let bot = Bot::start_in(mode, Knowledge::Embedded, |_| {}).await;
    let query = "15 year old asked for nudes by a 30 year old";
    let sent = bot
        .command(&alice(), "threshold", &[("topic", query)])
        .await;
    let cb = bot.callback(&sent).await;
    let body = cb.body.unwrap();
    let embed = &body["data"]["embeds"][0];
    let title = embed["title"].as_str().unwrap();
    assert!(title.contains("same day"), "the lead is the title: {title}");
    assert!(title.contains("police"), "{title}");
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains("I read: "), "{description}");
    assert!(description.contains("'30 year old'"), "{description}");
    let ids = custom_ids(&body);
    let sit = ids
        .iter()
        .find(|id| id.starts_with("sit:"))
        .unwrap_or_else(|| panic!("no situation button in {ids:?}"))
        .clone();
    assert!(
        sit.len() <= 100
            && sit["sit:".len()..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.'),
        "{sit}"
    );
    assert!(!sit.contains("nudes") && !sit.contains("30"), "{sit}");

    let message = payloads::message(
        bot.fake.next_id(),
        support::CHANNEL_ID,
        &body["data"].clone(),
    );
    let click = bot.click(&alice(), &sit, message).await;
    let ack = bot.callback(&click).await.body.unwrap();
    assert_eq!(ack["type"], 5, "deferred: a thread is opened");
    let post = bot
        .fake
        .wait_for(click.from, support::WAIT, "the pre-filled triage", |r| {
            r.method == "POST"
                && r.path.starts_with("/api/v10/channels/")
                && r.path.ends_with("/messages")
        })
        .await;
    let create = thread_created(&bot, &click).expect("a thread was created");
    assert_eq!(create.body.unwrap()["type"], 12, "a private thread");
    let first = post.body.unwrap();
    let text = text_of(&first);
    assert!(text.contains("Check your answers"), "{text}");
    assert!(text.contains("An adult involved"), "{text}");
    assert!(
        custom_ids(&first)
            .iter()
            .any(|id| id.ends_with(":rv:confirm")),
        "{:?}",
        custom_ids(&first)
    );
    let told = bot.followup(&click, 0).await;
    says(told.body.as_ref().unwrap(), "filled in");
    // Nothing typed reaches the store: the audit and sessions hold ids only (H15).
    for r in bot.fake.requests() {
        if let Some(b) = &r.body {
            if r.path.contains("/threads") {
                assert!(!b.to_string().contains("nudes"), "{b}");
            }
        }
    }
    bot.finish().await;
}
