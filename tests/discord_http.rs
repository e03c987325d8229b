//! HTTP interactions mode at its door: what Discord checks before it accepts an Interactions
//! Endpoint URL (a signed PING gets PONG; a bad signature gets 401), and what the endpoint
//! refuses before reading anything — a missing, malformed or wrong signature, a stale
//! timestamp, a replayed interaction — with nothing else happening (no REST call, no audit, no
//! session). The commands and buttons themselves are the `…_over_http` scenarios in
//! `tests/discord_e2e.rs`, which share their assertions with the gateway mode.
//!
//! `serve` in HTTP mode also answers while Discord's REST API is unreachable (the application
//! and the commands are retried in the background).
//!
//! Run: `cargo test --test discord_http`.

mod support;

use serde_json::{json, Value};
use support::bot::now_secs;
use support::replica::Replica;
use support::{payloads, Bot, Knowledge, Signer, Who, CHANNEL_ID};

fn ping() -> Vec<u8> {
    json!({"id": "1", "application_id": support::APP_ID.to_string(), "type": 1, "token": "tok-ping", "version": 1})
        .to_string()
        .into_bytes()
}

fn whocall(id: u64) -> Vec<u8> {
    payloads::command(
        id,
        &format!("tok{id}"),
        "whocall",
        &[("situation", "immediate danger")],
        &Who::member(920_000_000_000_000_001),
        payloads::channel(CHANNEL_ID, false),
    )
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_ping_gets_pong_and_nothing_unsigned_is_read() {
    let bot = Bot::start_http(Knowledge::Embedded, |_| {}).await;
    let signer = bot.signer.clone().unwrap();
    let url = bot.endpoint_url("/interactions");

    let (status, body) = signer.post(&url, &ping()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"type": 1})
    );

    let before = bot.fake.requests().len();
    let ts = now_secs().to_string();
    let good = signer.sign(&ts, &whocall(5001));
    let other_key = Signer::new(9).sign(&ts, &whocall(5002));
    let old_ts = (now_secs() - 3600).to_string();
    let old = signer.sign(&old_ts, &whocall(5003));
    type Case<'a> = (&'a str, Vec<u8>, Vec<(&'a str, String)>);
    let cases: Vec<Case> = vec![
        ("no headers", whocall(5004), vec![]),
        (
            "no timestamp",
            whocall(5005),
            vec![("X-Signature-Ed25519", good.clone())],
        ),
        (
            "not hex",
            whocall(5006),
            vec![
                ("X-Signature-Ed25519", "zz".repeat(64)),
                ("X-Signature-Timestamp", ts.clone()),
            ],
        ),
        (
            "signed by another key",
            whocall(5002),
            vec![
                ("X-Signature-Ed25519", other_key),
                ("X-Signature-Timestamp", ts.clone()),
            ],
        ),
        // The signature was over interaction 5001's body: any change to the body breaks it.
        (
            "body changed after signing",
            whocall(5007),
            vec![
                ("X-Signature-Ed25519", good.clone()),
                ("X-Signature-Timestamp", ts.clone()),
            ],
        ),
        (
            "timestamp changed after signing",
            whocall(5001),
            vec![
                ("X-Signature-Ed25519", good.clone()),
                ("X-Signature-Timestamp", (now_secs() + 1).to_string()),
            ],
        ),
        (
            "an hour old, correctly signed",
            whocall(5003),
            vec![
                ("X-Signature-Ed25519", old),
                ("X-Signature-Timestamp", old_ts),
            ],
        ),
    ];
    for (what, body, headers) in cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, answer) = signer.post_with(&url, &body, &headers).await;
        assert_eq!(status, 401, "{what}: {answer}");
        assert!(
            !answer.contains("999"),
            "{what}: nothing was answered: {answer}"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        bot.fake.requests().len(),
        before,
        "no REST call for a refused request"
    );

    // The genuine request is answered once; the same signed request sent again is a replay.
    let headers = [
        ("X-Signature-Ed25519", good.as_str()),
        ("X-Signature-Timestamp", ts.as_str()),
    ];
    let (status, answer) = signer.post_with(&url, &whocall(5001), &headers).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("999"), "{answer}");
    let (status, _) = signer.post_with(&url, &whocall(5001), &headers).await;
    assert_eq!(status, 401, "a replayed interaction is refused");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_served_beside_the_endpoint() {
    let bot = Bot::start_http(Knowledge::Embedded, |_| {}).await;
    let health = support::get_json(&bot.endpoint_url("/health")).await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["gateway"], "unused (http mode)", "{health}");
    assert_eq!(health["commands"], "registered", "{health}");
    assert_eq!(health["store"], "reachable", "{health}");
    // Commands were registered over REST at start, with the application id asked of Discord.
    let requests = bot.fake.requests();
    assert!(requests
        .iter()
        .any(|r| r.path == "/api/v10/oauth2/applications/@me"));
    assert!(requests
        .iter()
        .any(|r| r.method == "PUT" && r.path.ends_with("/commands")));
    // No gateway connection in HTTP mode.
    assert_eq!(bot.fake.gateway_counts().0, 0, "no websocket opened");
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_commands_off_registers_nothing() {
    let bot = Bot::start_http(Knowledge::Embedded, |s| s.discord.register_commands = false).await;
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/commands")),
        "another process registers them"
    );
    // It answers all the same.
    let sent = bot
        .command(&Who::member(920_000_000_000_000_002), "whocall", &[])
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert!(support::text_of(&body).contains("999"));
    bot.finish().await;
}

#[test]
fn http_mode_names_a_missing_or_malformed_key_at_start() {
    let dir = tempfile::tempdir().unwrap();
    for (key, expect) in [
        (None, "discord.public_key is not set"),
        (
            Some("abc"),
            "discord.public_key must be the application's public key, 64 hex digits",
        ),
    ] {
        let mut cmd = support::bin();
        cmd.current_dir(dir.path())
            .arg("serve")
            .env("DISCORD_TOKEN", "fake-token-for-tests")
            .env("SAFEGUARDING_BOT__DISCORD__MODE", "http")
            .env("SAFEGUARDING_BOT__DISCORD__LISTEN", "127.0.0.1:0")
            .env("SAFEGUARDING_BOT__DISCORD__API_BASE", "http://127.0.0.1:9");
        if let Some(k) = key {
            cmd.env("SAFEGUARDING_BOT__DISCORD__PUBLIC_KEY", k);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains(expect), "{expect:?} in: {err}");
    }
}

/// PostgreSQL down when the bot starts (here: nothing listens on its port): the bot starts all
/// the same, answers lookups from the knowledge in memory, tells a practitioner who runs
/// /triage that triage is unavailable (with the emergency line), and `GET /health` says the
/// store is unreachable. With PostgreSQL installed, the server then comes up and triage works
/// without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_answer_while_postgres_is_down_and_triage_says_it_is_unavailable() {
    let pg = support::postgres::Postgres::start().await.ok();
    if let Some(pg) = &pg {
        pg.stop();
    }
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("postgres://bot@127.0.0.1:{}/triage", support::free_port()),
    };
    let bot = Bot::start_http(Knowledge::Embedded, |s| s.database.url = url.clone()).await;
    let who = Who::member(920_000_000_000_000_003);

    let sent = bot
        .command(&who, "whocall", &[("situation", "immediate danger")])
        .await;
    let body = bot.callback(&sent).await.body.unwrap();
    assert_eq!(body["type"], 4);
    assert!(support::text_of(&body).contains("999"));

    let sent = bot.command(&who, "triage", &[]).await;
    let told = bot.followup(&sent, 0).await.body.unwrap();
    let text = support::text_of(&told);
    assert!(text.contains("Triage is unavailable just now"), "{text}");
    assert!(text.contains("999"), "keeps the emergency route: {text}");
    assert!(text.contains("/whocall"), "says what still works: {text}");

    let health = support::get_json(&bot.endpoint_url("/health")).await;
    assert_eq!(health["store"], "unreachable", "{health}");
    assert_eq!(health["status"], "unavailable", "{health}");

    let Some(pg) = pg else {
        eprintln!("SKIPPED the recovery half: PostgreSQL is not installed");
        return bot.finish().await;
    };
    pg.start_again();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let sent = bot.command(&who, "triage", &[]).await;
        let told = support::text_of(&bot.followup(&sent, 0).await.body.unwrap());
        if told.contains("Your triage is") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "triage never came back: {told}"
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    assert_eq!(
        support::get_json(&bot.endpoint_url("/health")).await["store"],
        "reachable"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_in_http_mode_answers_a_ping_and_whocall_while_discords_rest_api_is_unreachable() {
    // Nothing listens here: every REST call fails to connect.
    let closed = format!("http://127.0.0.1:{}", support::free_port());
    let signer = Signer::default();
    let dir = tempfile::tempdir().unwrap();
    let knowledge = dir.path().join("knowledge");
    std::fs::create_dir_all(&knowledge).unwrap();
    support::write_knowledge(
        &safeguarding_bot::knowledge::KnowledgeFiles::embedded(),
        &knowledge,
    );
    let db = support::db_url(&dir.path().join("bot.db"));
    let bot = Replica::start_at(
        &closed,
        &signer,
        &db,
        &knowledge,
        &dir.path().join("p"),
        |_| {},
    )
    .await;

    let (status, body) = signer.post(&bot.url("/interactions"), &ping()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"type": 1})
    );

    let whocall: Value = serde_json::from_slice(&whocall(6001)).unwrap();
    let answer = bot.send(&signer, &whocall).await;
    assert_eq!(answer["type"], 4, "{answer}");
    assert!(support::text_of(&answer).contains("999"), "{answer}");

    // /health and the log say where the start-up stands.
    let health = bot.health().await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["commands"], "pending", "{health}");
    assert!(
        health["discord_api"]
            .as_str()
            .is_some_and(|s| s.starts_with("unreachable (retrying")),
        "{health}"
    );
    let log = std::fs::read_to_string(&bot.log).unwrap();
    assert!(
        log.contains("Discord's REST API did not answer at start"),
        "{log}"
    );
    assert!(
        !log.contains("fake-token-for-replicas"),
        "the token is never logged"
    );
}
