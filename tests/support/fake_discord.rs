//! A fake Discord on 127.0.0.1 for end-to-end tests: the REST routes the bot uses (recording
//! every request) and a gateway websocket (HELLO, IDENTIFY → READY, heartbeats, RESUME →
//! RESUMED, dispatches, and dropping the connection on demand).
//!
//! Each test starts its own on port 0, so tests run in parallel. It answers
//! `GET /api/v10/gateway` with its own websocket URL: serenity falls back to the real gateway if
//! that request fails, and nothing here may ever reach beyond 127.0.0.1.
//!
//! With `FAKE_DISCORD_DUMP=DIR` every REST request is also written to DIR as one JSON file
//! `{"method","path","body"}`.
//!
//! It can also refuse the bot as the real Discord refuses a bad token: [`FakeDiscord::refuse_rest`]
//! answers every REST request 401, [`FakeDiscord::close_on_identify`] closes the gateway with a
//! close code (4004, "Authentication failed") on IDENTIFY. [`FakeDiscord::watch`] streams
//! requests as they arrive (the interactions benchmark times callbacks with it).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use super::payloads;

/// The application (and bot user) id the fake reports.
pub const APP_ID: u64 = 900_000_000_000_000_001;
/// The bot's user id.
pub const BOT_ID: u64 = APP_ID;
/// The one guild the tests use.
pub const GUILD_ID: u64 = 900_000_000_000_000_100;
/// A text channel in that guild.
pub const CHANNEL_ID: u64 = 900_000_000_000_000_200;

/// One REST request the bot made.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, e.g. `/api/v10/interactions/1/tok/callback`.
    pub path: String,
    /// The JSON body, if any; for a multipart body (a message with attachments), its
    /// `payload_json` part.
    pub body: Option<Value>,
    /// The parts of a `multipart/form-data` body (else empty), or why it is malformed.
    pub multipart: Option<Result<Vec<super::multipart::Part>, String>>,
    /// When it arrived.
    pub at: Instant,
}

enum Out {
    Text(String),
    Drop,
}

#[derive(Default)]
struct Gateway {
    /// The live, identified (or resumed) connection.
    current: Option<mpsc::UnboundedSender<Out>>,
    /// A connection whose IDENTIFY was left unanswered ([`FakeDiscord::stall_identify`]).
    stalled: Option<mpsc::UnboundedSender<Out>>,
    /// The connection that last identified as each shard id (several processes splitting the
    /// shards each hold one; [`FakeDiscord::dispatch_to_shard`]).
    shards: std::collections::HashMap<u64, mpsc::UnboundedSender<Out>>,
    seq: u64,
}

struct Inner {
    base: String,
    ws_url: String,
    requests: Mutex<Vec<Recorded>>,
    request_added: Notify,
    gateway: Mutex<Gateway>,
    gateway_ready: Notify,
    next_id: AtomicU64,
    connections: AtomicUsize,
    identifies: AtomicUsize,
    resumes: AtomicUsize,
    dump: Option<PathBuf>,
    dumped: AtomicUsize,
    refuse_rest: AtomicBool,
    close_code: AtomicU16,
    stall_identify: AtomicBool,
    watchers: Mutex<Vec<mpsc::UnboundedSender<Recorded>>>,
    /// (method, path, status, Discord error code) to answer with an error instead.
    failing: Mutex<Vec<(String, String, u16, i64)>>,
    /// The `shard` field of every IDENTIFY received (`[id, total]`, or null).
    identified_shards: Mutex<Vec<Value>>,
}

/// A running fake Discord.
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
}

const SESSION_ID: &str = "fake-session-1";

static ENV: Once = Once::new();

impl FakeDiscord {
    /// Starts a fake on 127.0.0.1, on a free port.
    pub async fn start() -> FakeDiscord {
        ENV.call_once(|| {
            // Nothing in these tests may go through a proxy, let alone leave the machine.
            std::env::set_var("NO_PROXY", "127.0.0.1");
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let inner = Arc::new(Inner {
            base: format!("http://{addr}"),
            ws_url: format!("ws://{addr}/gateway-ws"),
            requests: Mutex::new(Vec::new()),
            request_added: Notify::new(),
            gateway: Mutex::new(Gateway::default()),
            gateway_ready: Notify::new(),
            next_id: AtomicU64::new(1_000),
            connections: AtomicUsize::new(0),
            identifies: AtomicUsize::new(0),
            resumes: AtomicUsize::new(0),
            dump: std::env::var_os("FAKE_DISCORD_DUMP").map(PathBuf::from),
            dumped: AtomicUsize::new(0),
            refuse_rest: AtomicBool::new(false),
            close_code: AtomicU16::new(0),
            stall_identify: AtomicBool::new(false),
            watchers: Mutex::new(Vec::new()),
            failing: Mutex::new(Vec::new()),
            identified_shards: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/gateway-ws", any(ws_upgrade))
            .fallback(rest)
            .with_state(inner.clone());
        // No Nagle delay on the fake's side (Discord's own servers answer at once): small gateway
        // frames sent back to back would otherwise wait for the bot's delayed ACKs, adding up to
        // 40 ms to an interaction that the bot answers in well under one.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeDiscord { inner }
    }

    /// From now on, answer every REST request `401 Unauthorized`, as Discord does for a bad
    /// token (requests are still recorded).
    pub fn refuse_rest(&self, refuse: bool) {
        self.inner.refuse_rest.store(refuse, Ordering::SeqCst);
    }

    /// From now on, answer IDENTIFY by closing the gateway with `code` (4004: "Authentication
    /// failed", what Discord sends for a bad token); `None` answers with READY again.
    pub fn close_on_identify(&self, code: Option<u16>) {
        self.inner
            .close_code
            .store(code.unwrap_or(0), Ordering::SeqCst);
    }

    /// From now on, leave IDENTIFY unanswered (no READY), so the bot stays "connecting".
    pub fn stall_identify(&self, stall: bool) {
        self.inner.stall_identify.store(stall, Ordering::SeqCst);
    }

    /// From now on, answer `method path` with `status` and Discord's JSON error `code` (for
    /// example 404 / 10003 "Unknown Channel" for a deleted thread; 403 / 50001; 400 / 50083 for
    /// an archived thread). Requests are still recorded.
    pub fn fail(&self, method: &str, path: &str, status: u16, code: i64) {
        self.inner.failing.lock().unwrap().push((
            method.to_string(),
            path.to_string(),
            status,
            code,
        ));
    }

    /// Every REST request from now on, as it arrives.
    pub fn watch(&self) -> mpsc::UnboundedReceiver<Recorded> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.watchers.lock().unwrap().push(tx);
        rx
    }

    /// `http://127.0.0.1:PORT`, for `discord.api_base`.
    pub fn base(&self) -> &str {
        &self.inner.base
    }

    /// A slash command `name` with string `options` from `who` in the test channel, with a fresh
    /// id and the token `tok<id>`: (id, token, payload).
    pub fn slash(
        &self,
        name: &str,
        options: &[(&str, &str)],
        who: &payloads::Who,
    ) -> (u64, String, Value) {
        let id = self.next_id();
        let token = format!("tok{id}");
        let payload = payloads::command(
            id,
            &token,
            name,
            options,
            who,
            payloads::channel(CHANNEL_ID, false),
        );
        (id, token, payload)
    }

    /// A fresh snowflake.
    pub fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 950_000_000_000_000_000
    }

    /// The `shard` of every IDENTIFY so far (`[id, total]`).
    pub fn identified_shards(&self) -> Vec<Value> {
        self.inner.identified_shards.lock().unwrap().clone()
    }

    /// Records a request the bot made another way: in HTTP mode the first answer to an
    /// interaction is the body of the HTTP response, which the harness files here as the
    /// callback it replaces, so the same assertions read both modes.
    pub fn record(&self, method: &str, path: &str, body: Value) {
        let rec = Recorded {
            method: method.to_string(),
            path: path.to_string(),
            body: Some(body),
            multipart: None,
            at: Instant::now(),
        };
        self.inner.log(rec);
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// Gateway connections, IDENTIFYs and RESUMEs so far.
    pub fn gateway_counts(&self) -> (usize, usize, usize) {
        (
            self.inner.connections.load(Ordering::SeqCst),
            self.inner.identifies.load(Ordering::SeqCst),
            self.inner.resumes.load(Ordering::SeqCst),
        )
    }

    /// Waits for a request matching `pred` that arrived at or after index `from` of
    /// [`Self::requests`]; panics after `timeout`.
    pub async fn wait_for(
        &self,
        from: usize,
        timeout: Duration,
        what: &str,
        pred: impl Fn(&Recorded) -> bool,
    ) -> Recorded {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.inner.request_added.notified();
            if let Some(r) = self.requests().into_iter().skip(from).find(|r| pred(r)) {
                return r;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let seen: Vec<String> = self
                    .requests()
                    .iter()
                    .skip(from)
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect();
                panic!("timed out waiting for {what}; requests since: {seen:#?}");
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Waits until a gateway connection has identified or resumed and can take dispatches.
    pub async fn wait_connected(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.inner.gateway_ready.notified();
            if self.inner.gateway.lock().unwrap().current.is_some() {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no gateway connection within {timeout:?}");
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Sends a dispatch (`op` 0) on the live connection, waiting for one if the bot is
    /// reconnecting.
    pub async fn dispatch(&self, t: &str, d: Value) {
        loop {
            self.wait_connected(Duration::from_secs(10)).await;
            let mut g = self.inner.gateway.lock().unwrap();
            if let Some(tx) = g.current.clone() {
                g.seq += 1;
                let frame = json!({"op": 0, "t": t, "s": g.seq, "d": d}).to_string();
                if tx.send(Out::Text(frame)).is_ok() {
                    return;
                }
                g.current = None;
            }
        }
    }

    /// Sends a dispatch on the connection that identified as shard `shard` (Discord sends a
    /// guild's events on the shard `(guild_id >> 22) % total`), waiting up to 10 s for one.
    pub async fn dispatch_to_shard(&self, shard: u64, t: &str, d: Value) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.inner.gateway_ready.notified();
            {
                let mut g = self.inner.gateway.lock().unwrap();
                if let Some(tx) = g.shards.get(&shard).cloned() {
                    g.seq += 1;
                    let frame = json!({"op": 0, "t": t, "s": g.seq, "d": d}).to_string();
                    if tx.send(Out::Text(frame)).is_ok() {
                        return;
                    }
                    g.shards.remove(&shard);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no connection identified as shard {shard}");
            let _ = tokio::time::timeout(left, notified).await;
        }
    }

    /// Drops the gateway connection (live or stalled) without a close frame, as a network
    /// failure would.
    pub fn drop_gateway(&self) {
        let mut g = self.inner.gateway.lock().unwrap();
        for tx in [g.current.take(), g.stalled.take()].into_iter().flatten() {
            let _ = tx.send(Out::Drop);
        }
    }

    /// The READY payload this fake sends.
    pub fn ready_payload(&self) -> Value {
        payloads::ready(&self.inner.ws_url, SESSION_ID)
    }
}

impl Inner {
    /// Files a request in the log: streamed to watchers, kept, and waiters woken.
    fn log(&self, rec: Recorded) {
        let watchers = &mut self.watchers.lock().unwrap();
        watchers.retain(|w| w.send(rec.clone()).is_ok());
        self.requests.lock().unwrap().push(rec);
        self.request_added.notify_waiters();
    }
}

async fn ws_upgrade(State(inner): State<Arc<Inner>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| gateway_session(inner, socket))
}

async fn gateway_session(inner: Arc<Inner>, mut socket: WebSocket) {
    inner.connections.fetch_add(1, Ordering::SeqCst);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41_250}, "s": null, "t": null});
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { break };
                let text = match msg {
                    Message::Text(t) => t.to_string(),
                    Message::Close(_) => {
                        // The websocket library queues the close reply itself and writes it
                        // on the next read: keep reading until the connection ends.
                        while let Ok(Some(Ok(_))) =
                            tokio::time::timeout(Duration::from_secs(1), socket.recv()).await
                        {}
                        break;
                    }
                    _ => continue,
                };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                match v["op"].as_u64() {
                    Some(1) => {
                        let _ = socket.send(Message::Text(json!({"op": 11}).to_string().into())).await;
                    }
                    Some(2) => {
                        inner.identifies.fetch_add(1, Ordering::SeqCst);
                        inner.identified_shards.lock().unwrap().push(v["d"]["shard"].clone());
                        let code = inner.close_code.load(Ordering::SeqCst);
                        if code != 0 {
                            let frame = CloseFrame { code, reason: "Authentication failed.".into() };
                            let _ = socket.send(Message::Close(Some(frame))).await;
                            // Let the bot read the close frame and answer it before the
                            // connection goes.
                            while let Ok(Some(Ok(_))) =
                                tokio::time::timeout(Duration::from_secs(1), socket.recv()).await
                            {}
                            break;
                        }
                        if inner.stall_identify.load(Ordering::SeqCst) {
                            inner.gateway.lock().unwrap().stalled = Some(tx.clone());
                            continue;
                        }
                        let seq = {
                            let mut g = inner.gateway.lock().unwrap();
                            g.seq += 1;
                            g.seq
                        };
                        let ready = json!({
                            "op": 0, "t": "READY", "s": seq,
                            "d": payloads::ready(&inner.ws_url, SESSION_ID),
                        });
                        if socket.send(Message::Text(ready.to_string().into())).await.is_err() {
                            break;
                        }
                        {
                            let mut g = inner.gateway.lock().unwrap();
                            g.current = Some(tx.clone());
                            let shard = v["d"]["shard"][0].as_u64().unwrap_or(0);
                            g.shards.insert(shard, tx.clone());
                        }
                        inner.gateway_ready.notify_waiters();
                    }
                    Some(6) => {
                        inner.resumes.fetch_add(1, Ordering::SeqCst);
                        let seq = {
                            let mut g = inner.gateway.lock().unwrap();
                            g.seq += 1;
                            g.seq
                        };
                        let resumed = json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}});
                        if socket.send(Message::Text(resumed.to_string().into())).await.is_err() {
                            break;
                        }
                        inner.gateway.lock().unwrap().current = Some(tx.clone());
                        inner.gateway_ready.notify_waiters();
                    }
                    _ => {}
                }
            }
            out = rx.recv() => {
                match out {
                    Some(Out::Text(t)) => {
                        if socket.send(Message::Text(t.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(Out::Drop) | None => return, // dropped without a close frame
                }
            }
        }
    }
    let mut g = inner.gateway.lock().unwrap();
    if g.current.as_ref().is_some_and(|c| c.same_channel(&tx)) {
        g.current = None;
    }
}

async fn rest(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(super::multipart::boundary);
    let multipart = boundary.map(|b| super::multipart::parse(&body, &b));
    let payload = multipart.as_ref().and_then(|m| {
        let parts = m.as_ref().ok()?;
        let json = parts.iter().find(|p| p.name == "payload_json")?;
        Some(serde_json::from_slice(&json.data).unwrap_or_else(
            |_| json!({"unparsed": String::from_utf8_lossy(&json.data).to_string()}),
        ))
    });
    let body_json: Option<Value> =
        if multipart.is_some() {
            payload
        } else if body.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&body).unwrap_or_else(
                |_| json!({"unparsed": String::from_utf8_lossy(&body).to_string()}),
            ))
        };
    let rec = Recorded {
        method: method.to_string(),
        path: path.clone(),
        body: body_json.clone(),
        multipart,
        at: Instant::now(),
    };
    if let Some(dir) = &inner.dump {
        let n = inner.dumped.fetch_add(1, Ordering::SeqCst);
        let _ = std::fs::create_dir_all(dir);
        let name: String = format!("{}-{}{}", std::process::id(), n, path)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let file = dir.join(format!("{name}.json"));
        let _ = std::fs::write(
            file,
            serde_json::to_string_pretty(
                &json!({"method": rec.method, "path": rec.path, "body": rec.body}),
            )
            .unwrap(),
        );
    }
    inner.log(rec);
    if inner.refuse_rest.load(Ordering::SeqCst) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "401: Unauthorized", "code": 0})),
        )
            .into_response();
    }

    let failure = inner
        .failing
        .lock()
        .unwrap()
        .iter()
        .find(|(m, p, _, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, status, code)| (*status, *code));
    if let Some((status, code)) = failure {
        return (
            StatusCode::from_u16(status).unwrap_or(StatusCode::NOT_FOUND),
            Json(json!({"message": format!("{status}: failing on purpose (fake Discord)"), "code": code})),
        )
            .into_response();
    }

    let Some(route) = path.strip_prefix("/api/v10") else {
        return not_found();
    };
    let seg: Vec<&str> = route.trim_start_matches('/').split('/').collect();
    let id = || inner.next_id.fetch_add(1, Ordering::Relaxed) + 950_000_000_000_000_000;
    let body = body_json.unwrap_or(Value::Null);
    match (method.as_str(), seg.as_slice()) {
        ("GET", ["gateway"]) => Json(json!({"url": inner.ws_url})).into_response(),
        ("GET", ["gateway", "bot"]) => Json(json!({
            "url": inner.ws_url, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        }))
        .into_response(),
        ("GET", ["oauth2", "applications", "@me"]) => {
            Json(payloads::application()).into_response()
        }
        ("PUT", ["applications", _app, "commands"]) => {
            Json(echo_commands(&body, None, &id)).into_response()
        }
        ("PUT", ["applications", _app, "guilds", gid, "commands"]) => {
            Json(echo_commands(&body, Some(gid), &id)).into_response()
        }
        ("POST", ["interactions", _id, _token, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _app, _token]) => {
            Json(payloads::message(id(), CHANNEL_ID, &body)).into_response()
        }
        ("PATCH" | "GET", ["webhooks", _app, _token, "messages", _msg]) => {
            Json(payloads::message(id(), CHANNEL_ID, &body)).into_response()
        }
        ("POST", ["channels", cid, "threads"]) => {
            let parent: u64 = cid.parse().unwrap_or(CHANNEL_ID);
            Json(payloads::thread(id(), parent, &body)).into_response()
        }
        ("PUT", ["channels", _cid, "thread-members", _uid]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient: u64 = body["recipient_id"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            Json(payloads::dm_channel(id(), recipient)).into_response()
        }
        ("POST", ["channels", cid, "messages"]) => {
            let channel: u64 = cid.parse().unwrap_or(CHANNEL_ID);
            Json(payloads::message(id(), channel, &body)).into_response()
        }
        ("PATCH", ["channels", cid, "messages", mid]) => {
            let channel: u64 = cid.parse().unwrap_or(CHANNEL_ID);
            let mid: u64 = mid.parse().unwrap_or_else(|_| id());
            Json(payloads::message(mid, channel, &body)).into_response()
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": "404: Not Found (fake Discord)", "code": 0})),
    )
        .into_response()
}

/// Discord answers a bulk overwrite with the commands as stored.
fn echo_commands(body: &Value, guild: Option<&str>, id: &dyn Fn() -> u64) -> Value {
    let cmds = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        cmds.into_iter()
            .map(|mut c| {
                let o = c.as_object_mut().unwrap();
                o.insert("id".into(), json!(id().to_string()));
                o.insert("application_id".into(), json!(APP_ID.to_string()));
                o.insert("version".into(), json!(id().to_string()));
                o.entry("type").or_insert(json!(1));
                o.entry("default_member_permissions").or_insert(Value::Null);
                o.entry("nsfw").or_insert(json!(false));
                if let Some(g) = guild {
                    o.insert("guild_id".into(), json!(g));
                }
                c
            })
            .collect(),
    )
}
