//! Operations, end to end against the fake Discord on 127.0.0.1 (tests/support): what an
//! operator relies on besides the answers themselves.
//!
//! - Logs: one `interaction` span per command, autocomplete and button with ids, latency and
//!   outcome, in JSON when asked, and never what the user typed.
//! - Health: `GET /health` is 503 until the gateway is connected and the commands registered,
//!   then 200; `safeguarding-bot health` exits 1 and 0 accordingly.
//! - The token never reaches the logs, even at `trace` for every crate, through a normal start
//!   and through a start that Discord refuses (401 on REST, close code 4004 on the gateway) —
//!   and a refused start fails with a message that says the token was refused.
//! - Every admin path (`/reload`) is refused for members without Manage Server or an admin
//!   role, and in DMs, and admitted for both kinds of admin.

mod support;

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::fake_discord::FakeDiscord;
use support::{payloads, Who, WAIT};
use tokio::io::AsyncBufReadExt;

/// A `serve` process against a fake Discord, its standard error drained as it runs (trace logs
/// would otherwise fill the pipe and stall it).
struct Serve {
    child: tokio::process::Child,
    logs: Arc<Mutex<String>>,
    drain: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Serve {
    fn start(fake: &FakeDiscord, token: &str, env: &[(&str, &str)]) -> Serve {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = support::serve_command(fake.base(), dir.path(), token);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        let drain = tokio::spawn(async move {
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(l)) = lines.next_line().await {
                let mut s = sink.lock().unwrap();
                s.push_str(&l);
                s.push('\n');
            }
        });
        Serve {
            child,
            logs,
            drain,
            _dir: dir,
        }
    }

    /// Waits for the process to end by itself; its exit status and everything it logged.
    async fn exit(mut self, within: Duration) -> (std::process::ExitStatus, String) {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .expect("exits in time")
            .unwrap();
        let _ = self.drain.await;
        let mut out = String::new();
        use tokio::io::AsyncReadExt;
        if let Some(mut o) = self.child.stdout.take() {
            o.read_to_string(&mut out).await.unwrap();
        }
        let logs = self.logs.lock().unwrap().clone();
        (status, format!("{out}{logs}"))
    }

    /// SIGTERM, then [`Serve::exit`].
    async fn stop(self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().unwrap();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        self.exit(Duration::from_secs(10)).await
    }
}

/// A token shaped like Discord's (base64 user id, timestamp, HMAC).
const TOKEN: &str = "MTIzNDU2Nzg5MDEy.Gh7-xy.very-secret-token-value_0123456789";

/// Asserts that `logs` hold the token in no form: as text, as hex, or as a byte list.
fn assert_no_token(logs: &str, what: &str) {
    let bytes = TOKEN.as_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let list = bytes
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    for (form, needle) in [
        ("text", TOKEN.to_string()),
        ("secret part", "very-secret-token-value".to_string()),
        ("hex", hex.clone()),
        ("HEX", hex.to_uppercase()),
        ("byte list", list),
    ] {
        assert!(
            !logs.contains(&needle),
            "{what}: the token appears in the logs ({form})"
        );
    }
}

/// Sends a slash command through the fake's gateway; returns (interaction id, token).
async fn send_command(
    fake: &FakeDiscord,
    who: &Who,
    name: &str,
    options: &[(&str, &str)],
) -> (u64, String) {
    let (id, token, payload) = fake.slash(name, options, who);
    fake.dispatch("INTERACTION_CREATE", payload).await;
    (id, token)
}

async fn callback(fake: &FakeDiscord, id: u64, token: &str) -> serde_json::Value {
    let path = format!("/api/v10/interactions/{id}/{token}/callback");
    fake.wait_for(0, WAIT, &path, |r| r.path == path)
        .await
        .body
        .unwrap_or_default()
}

async fn registered(fake: &FakeDiscord) {
    fake.wait_for(0, WAIT, "command registration", |r| {
        r.method == "PUT" && r.path.ends_with("/commands")
    })
    .await;
}

fn member() -> Who {
    Who::member(910_000_000_000_000_001)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_not_logged_at_trace_through_a_full_start() {
    let fake = FakeDiscord::start().await;
    let serve = Serve::start(&fake, TOKEN, &[("RUST_LOG", "trace")]);
    registered(&fake).await;
    let (id, token) = send_command(
        &fake,
        &member(),
        "whocall",
        &[("situation", "immediate danger")],
    )
    .await;
    let body = callback(&fake, id, &token).await;
    assert!(support::text_of(&body).contains("999"));
    let (status, logs) = serve.stop().await;
    assert!(status.success(), "{status:?}");
    assert!(
        logs.contains("TRACE") && logs.contains("serenity::") && logs.contains("hyper"),
        "the capture is at trace for every crate"
    );
    assert!(
        logs.contains("IDENTIFY") || logs.contains("identify"),
        "the capture covers the gateway handshake"
    );
    assert_no_token(&logs, "normal start");
    assert!(
        !logs.contains("Sending frame") && !logs.contains("Received message"),
        "raw websocket frame dumps are dropped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_start_up_with_a_clear_error_and_is_not_logged() {
    for (case, code) in [("REST 401", None), ("gateway 4004", Some(4004))] {
        let fake = FakeDiscord::start().await;
        match code {
            None => fake.refuse_rest(true),
            Some(c) => fake.close_on_identify(Some(c)),
        }
        let serve = Serve::start(&fake, TOKEN, &[("RUST_LOG", "trace")]);
        let (status, logs) = serve.exit(Duration::from_secs(30)).await;
        assert!(
            !status.success(),
            "{case}: must not run with a refused token"
        );
        let error = logs
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{case}: no error line"));
        assert!(
            error.contains("Discord refused the bot token") && error.contains("DISCORD_TOKEN"),
            "{case}: {error}"
        );
        let detail = if code.is_some() { "4004" } else { "401" };
        assert!(error.contains(detail), "{case}: {error}");
        assert!(logs.contains("TRACE"), "{case}: captured at trace");
        assert_no_token(&logs, case);
        let (conns, identifies, _) = fake.gateway_counts();
        match code {
            // Refused on REST: never went near the gateway.
            None => assert_eq!(conns, 0, "{case}"),
            Some(_) => assert!(identifies >= 1, "{case}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_are_logged_as_spans_with_ids_latency_and_outcome_never_text() {
    const TYPED: &str = "quokka-7731 immediate danger";
    const PARTIAL: &str = "platypus-5521";
    let fake = FakeDiscord::start().await;
    let port = support::free_port();
    let listen = format!("127.0.0.1:{port}");
    let serve = Serve::start(
        &fake,
        TOKEN,
        &[
            ("SAFEGUARDING_BOT__LOG__FORMAT", "json"),
            ("SAFEGUARDING_BOT__HEALTH__LISTEN", &listen),
        ],
    );
    registered(&fake).await;

    // Health, over HTTP and through the subcommand Docker runs.
    let url = format!("http://{listen}/health");
    let deadline = Instant::now() + WAIT;
    let report = loop {
        match safeguarding_bot::discord::health::check_url(&url, Duration::from_secs(2)).await {
            Ok(line) => break line,
            Err(e) => {
                assert!(Instant::now() < deadline, "never healthy: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert!(report.starts_with("ok: gateway connected"), "{report}");
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    let h: serde_json::Value = serde_json::from_str(&raw.text().await.unwrap()).unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["gateway"], "connected");
    assert!(
        h["knowledge"]["version"].is_string() && h["knowledge"]["hash"].is_string(),
        "{h}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = support::bin()
        .args(["health", "--config"])
        .arg(dir.path())
        .env("SAFEGUARDING_BOT__HEALTH__LISTEN", &listen)
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("ok: "), "{line}");

    // A command with text, an autocomplete, a triage started and one button pressed.
    let who = member();
    let (whocall, t) = send_command(&fake, &who, "whocall", &[("situation", TYPED)]).await;
    callback(&fake, whocall, &t).await;
    let ac = fake.next_id();
    let t = format!("tok{ac}");
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::autocomplete(ac, &t, "search", "query", PARTIAL, &who),
    )
    .await;
    callback(&fake, ac, &t).await;
    let from = fake.requests().len();
    let (triage, t) = send_command(&fake, &who, "triage", &[]).await;
    callback(&fake, triage, &t).await;
    let first = fake
        .wait_for(from, WAIT, "the first triage question", |r| {
            r.method == "POST"
                && r.path.starts_with("/api/v10/channels/")
                && r.path.ends_with("/messages")
        })
        .await;
    let thread: u64 = first.path.split('/').nth(4).unwrap().parse().unwrap();
    let body = first.body.unwrap();
    let no = support::custom_ids(&body)
        .into_iter()
        .find(|id| id.ends_with(":0:no"))
        .expect("a No button");
    let click = fake.next_id();
    let t = format!("tok{click}");
    let message = payloads::message(fake.next_id(), thread, &body);
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::component(
            click,
            &t,
            &no,
            message,
            &who,
            payloads::channel(thread, true),
        ),
    )
    .await;
    assert_eq!(callback(&fake, click, &t).await["type"], 7);

    let (status, logs) = serve.stop().await;
    assert!(status.success(), "{status:?}");
    assert!(
        !logs.contains("quokka") && !logs.contains("platypus"),
        "typed text in the logs:\n{logs}"
    );
    assert_no_token(&logs, "json logs");
    let events: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(events.len() > 5, "{logs}");
    let handled: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["fields"]["message"] == "interaction handled")
        .collect();
    for (id, kind, command) in [
        (whocall, "command", "whocall"),
        (ac, "autocomplete", "search"),
        (triage, "command", "triage"),
        (click, "component", "triage"),
    ] {
        let e = handled
            .iter()
            .find(|e| e["span"]["interaction_id"].as_str() == Some(id.to_string().as_str()))
            .unwrap_or_else(|| panic!("no `interaction handled` for {kind} {command}:\n{logs}"));
        let span = &e["span"];
        assert_eq!(span["name"], "interaction", "{e}");
        assert_eq!(span["kind"], kind, "{e}");
        assert_eq!(span["command"], command, "{e}");
        assert_eq!(span["guild_id"], support::GUILD_ID.to_string(), "{e}");
        assert_eq!(span["user_id"], who.user_id.to_string(), "{e}");
        assert_eq!(span["outcome"], "ok", "{e}");
        let ms = e["fields"]["latency_ms"].as_f64().expect("latency_ms");
        assert!((0.0..10_000.0).contains(&ms), "{e}");
        assert_eq!(span["latency_ms"], e["fields"]["latency_ms"], "{e}");
        assert_eq!(e["level"], "INFO");
        assert!(e["timestamp"].is_string());
    }
    // Events inside a handler carry the span too.
    assert!(events
        .iter()
        .any(|e| e["fields"]["message"] == "triage step"
            && e["span"]["interaction_id"].as_str() == Some(click.to_string().as_str())));
}

/// GETs `url` without any proxy: (status, JSON body).
async fn get(url: &str) -> (u16, serde_json::Value) {
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (
        status,
        serde_json::from_str(&r.text().await.unwrap()).unwrap_or_default(),
    )
}

/// Runs `safeguarding-bot health --url URL`: (exit success, its one line).
fn health_command(url: &str) -> (bool, String) {
    let out = support::bin()
        .args(["health", "--url", url])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(line.lines().count(), 1, "one line: {line:?}");
    (out.status.success(), line)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_unavailable_until_connected_and_registered_then_ok() {
    use safeguarding_bot::discord::health;
    let fake = FakeDiscord::start().await;
    fake.stall_identify(true);
    let dir = tempfile::tempdir().unwrap();
    let settings = support::settings_for(&fake, dir.path(), support::Knowledge::Embedded);
    let mut handle = safeguarding_bot::discord::start(settings).await.unwrap();
    let listener = health::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}/health", listener.local_addr().unwrap());
    let server = health::spawn(listener, handle.probe());

    // Connected to the gateway, IDENTIFY sent, no READY: not healthy.
    let deadline = Instant::now() + WAIT;
    while fake.gateway_counts().1 == 0 {
        assert!(Instant::now() < deadline, "no IDENTIFY");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, body) = get(&url).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["gateway"], "connecting");
    assert_eq!(body["commands"], "pending");
    assert_eq!(body["store"], "reachable");
    assert!(body["knowledge"]["hash"].is_string(), "{body}");
    let (ok, line) = health_command(&url);
    assert!(!ok, "{line}");
    assert!(
        line.starts_with("unhealthy: unavailable: HTTP 503"),
        "{line}"
    );

    // The gateway comes back: READY, commands registered, healthy.
    fake.stall_identify(false);
    fake.drop_gateway();
    tokio::time::timeout(Duration::from_secs(20), handle.ready())
        .await
        .expect("ready after reconnecting")
        .expect("registered");
    let (status, body) = get(&url).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["gateway"], "connected");
    assert_eq!(body["commands"], "registered");
    let live = handle.live().current();
    assert_eq!(
        body["knowledge"]["version"],
        live.knowledge.manifest.version
    );
    assert_eq!(body["knowledge"]["hash"], live.knowledge.hash);
    let (ok, line) = health_command(&url);
    assert!(ok, "{line}");
    assert!(line.contains(&live.knowledge.hash), "{line}");
    assert_eq!(get(&url.replace("/health", "/other")).await.0, 404);

    // The store goes away (its database unreachable): unhealthy, saying which part failed, so a
    // load balancer stops sending this process triage steps it could not store.
    handle.store().close().await;
    let (status, body) = get(&url).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["store"], "unreachable", "{body}");
    assert_eq!(body["gateway"], "connected", "{body}");
    let (ok, line) = health_command(&url);
    assert!(!ok, "{line}");

    // Nothing listening: unhealthy, with the reason.
    server.abort();
    let _ = server.await;
    let (ok, line) = health_command(&url);
    assert!(
        !ok && line.starts_with("unhealthy: no answer from"),
        "{line}"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_paths_refuse_non_admins_and_dms_and_admit_admins() {
    use payloads::{MANAGE_GUILD, SEND_MESSAGES};
    use safeguarding_bot::reload::AuditLog;
    use support::{flags, text_of, Bot, Knowledge, ADMIN_ROLE};
    const KICK_BAN_MANAGE: u64 = (1 << 1) | (1 << 2) | (1 << 4) | (1 << 13) | (1 << 28);
    const ADMINISTRATOR: u64 = 1 << 3;
    let bot = Bot::start(Knowledge::Dir, |_| {}).await;
    let audit = AuditLog::new(bot.settings.audit.reload_log.clone());
    let hash = bot
        .handle
        .as_ref()
        .unwrap()
        .live()
        .current()
        .knowledge
        .hash
        .clone();
    let id = |n: u64| 920_000_000_000_000_000 + n;

    let refused = [
        (
            "a member with a role that is not an admin role",
            Who::with_role(id(1), ADMIN_ROLE + 1),
        ),
        ("a member without Manage Server", Who::member(id(2))),
        (
            "a moderator (kick, ban, manage channels, messages and roles) without Manage Server",
            Who {
                user_id: id(3),
                name: "moderator",
                roles: vec![ADMIN_ROLE - 1],
                permissions: SEND_MESSAGES | KICK_BAN_MANAGE,
            },
        ),
    ];
    for (who_is, who) in &refused {
        let sent = bot.command(who, "reload", &[]).await;
        let body = bot.callback(&sent).await.body.unwrap();
        assert_eq!(body["type"], 4, "{who_is}: answered, not deferred");
        assert_eq!(flags(&body) & 64, 64, "{who_is}: privately");
        assert!(
            text_of(&body).contains("Only admins"),
            "{who_is}: {}",
            text_of(&body)
        );
    }
    let records = audit.read_all().unwrap();
    assert_eq!(records.len(), refused.len());
    assert!(records
        .iter()
        .all(|r| r.result == safeguarding_bot::reload::ReloadResult::Refused));

    // In a DM there is no member and no server: refused before the command runs.
    let dm = bot.fake.next_id();
    let from = bot.fake.requests().len();
    bot.fake
        .dispatch(
            "INTERACTION_CREATE",
            payloads::dm_command(dm, &format!("tok{dm}"), "reload", id(4)),
        )
        .await;
    let path = format!("/api/v10/interactions/{dm}/tok{dm}/callback");
    let body = bot
        .fake
        .wait_for(from, WAIT, "the DM refusal", |r| r.path == path)
        .await
        .body
        .unwrap();
    assert_eq!(flags(&body) & 64, 64);
    assert!(
        text_of(&body).contains("cannot run this command in DMs"),
        "{}",
        text_of(&body)
    );
    assert_eq!(
        audit.read_all().unwrap().len(),
        refused.len(),
        "nothing ran"
    );

    let admitted = [
        (
            "a member with the configured admin role",
            Who::with_role(id(5), ADMIN_ROLE),
        ),
        ("a member with Manage Server", Who::manager(id(6))),
        (
            "a member with Administrator",
            Who {
                user_id: id(7),
                name: "owner",
                roles: vec![],
                permissions: SEND_MESSAGES | ADMINISTRATOR,
            },
        ),
    ];
    for (who_is, who) in &admitted {
        assert_eq!(
            who.permissions & MANAGE_GUILD != 0,
            *who_is == "a member with Manage Server"
        );
        let sent = bot.command(who, "reload", &[]).await;
        assert_eq!(
            bot.callback(&sent).await.body.unwrap()["type"],
            5,
            "{who_is}: deferred"
        );
        let text = text_of(bot.followup(&sent, 0).await.body.as_ref().unwrap());
        assert!(
            text.contains("unchanged") || text.contains("reloaded"),
            "{who_is}: {text}"
        );
    }
    let records = audit.read_all().unwrap();
    let results: Vec<&str> = records.iter().map(|r| r.result.as_str()).collect();
    assert_eq!(
        results,
        [
            "refused",
            "refused",
            "refused",
            "unchanged",
            "unchanged",
            "unchanged"
        ]
    );
    assert!(records.iter().all(|r| r.hash == hash));
    bot.finish().await;
}

#[test]
fn the_docker_healthcheck_asks_the_address_the_image_serves_health_on() {
    use safeguarding_bot::discord::health::DEFAULT_URL;
    let dockerfile =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile")).unwrap();
    let listen = dockerfile
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("ENV SAFEGUARDING_BOT__HEALTH__LISTEN=")
        })
        .expect("the image turns the health endpoint on");
    assert_eq!(DEFAULT_URL, format!("http://{listen}/health"));
    assert!(
        dockerfile.contains(r#"CMD ["safeguarding-bot", "health"]"#),
        "HEALTHCHECK runs `safeguarding-bot health` (with its default URL)"
    );
}
