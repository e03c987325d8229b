//! The in-process Discord harness: a fake Discord on 127.0.0.1, the real `serve` code pointed
//! at it, and helpers to send interactions and read back what the bot sent.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use safeguarding_bot::clock::SharedClock;
use safeguarding_bot::discord::{self, ServeHandle};
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::settings::{Secret, Settings};
use serde_json::Value;

use super::fake_discord::{FakeDiscord, Recorded, APP_ID, CHANNEL_ID, GUILD_ID};
use super::openapi;
use super::payloads::{self, Who};

/// The admin role configured for the tests' bot.
pub const ADMIN_ROLE: u64 = 900_000_000_000_000_300;

/// How long a test waits for the bot to do something.
pub const WAIT: Duration = Duration::from_secs(10);

/// Which knowledge the bot serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knowledge {
    /// A copy of the built-in knowledge written to a directory (`knowledge.dir`), which the test
    /// can then break and fix.
    Dir,
    /// The copy built into the binary (the real guidance).
    Embedded,
}

/// How the tests' interactions reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Over the fake's gateway (INTERACTION_CREATE), answered over REST.
    Gateway,
    /// Signed POSTs to the bot's interactions endpoint, answered in the HTTP response.
    Http,
}

/// A bot running against a fake Discord.
pub struct Bot {
    /// The fake.
    pub fake: FakeDiscord,
    /// The running bot (taken by [`Bot::finish`]).
    pub handle: Option<ServeHandle>,
    /// Scratch folder: knowledge, database, audit log.
    pub dir: tempfile::TempDir,
    /// The settings the bot runs with.
    pub settings: Settings,
    /// The clock the bot's store and reminders run by (the system clock unless the test set one).
    pub clock: SharedClock,
    /// In HTTP interactions mode, Discord's signing key: interactions are POSTed, signed, to
    /// the bot's endpoint instead of sent over the gateway. `None` in gateway mode.
    pub signer: Option<Signer>,
}

/// Discord's side of HTTP interactions mode: the application's key pair (a fixed test key),
/// signing requests the way Discord does, and a client that never uses a proxy.
#[derive(Clone)]
pub struct Signer {
    key: ed25519_dalek::SigningKey,
    client: reqwest::Client,
}

impl Default for Signer {
    fn default() -> Self {
        Self::new(7)
    }
}

impl Signer {
    /// A key pair from a fixed seed (different seeds, different keys).
    pub fn new(seed: u8) -> Signer {
        Signer {
            key: ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    /// The public key as the developer portal shows it (64 hex digits).
    pub fn public_hex(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    /// `X-Signature-Ed25519` for `timestamp` + `body`.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        use ed25519_dalek::Signer as _;
        let mut message = timestamp.as_bytes().to_vec();
        message.extend_from_slice(body);
        hex(&self.key.sign(&message).to_bytes())
    }

    /// POSTs `body` signed now: (status, response body).
    pub async fn post(&self, url: &str, body: &[u8]) -> (u16, String) {
        let ts = now_secs().to_string();
        let sig = self.sign(&ts, body);
        self.post_with(
            url,
            body,
            &[
                ("X-Signature-Ed25519", &sig),
                ("X-Signature-Timestamp", &ts),
            ],
        )
        .await
    }

    /// POSTs `body` with exactly these headers (tests of bad signatures).
    pub async fn post_with(
        &self,
        url: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut req = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("the endpoint answers");
        let status = resp.status().as_u16();
        (status, resp.text().await.unwrap_or_default())
    }
}

/// Seconds since the epoch, as `X-Signature-Timestamp` carries them.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Settings for HTTP interactions mode with `signer`'s public key, on a free local port.
pub fn use_http(settings: &mut Settings, signer: &Signer) {
    settings.discord.mode = safeguarding_bot::settings::DiscordMode::Http;
    settings.discord.public_key = Some(signer.public_hex());
    settings.discord.listen = "127.0.0.1:0".into();
}

/// One interaction sent to the bot.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Interaction id.
    pub id: u64,
    /// Interaction token.
    pub token: String,
    /// Index into the fake's request log when it was sent.
    pub from: usize,
    /// When it was sent.
    pub at: Instant,
}

impl Sent {
    /// The callback path for this interaction.
    pub fn callback_path(&self) -> String {
        format!("/api/v10/interactions/{}/{}/callback", self.id, self.token)
    }

    /// The follow-up path for this interaction.
    pub fn followup_path(&self) -> String {
        format!("/api/v10/webhooks/{}/{}", APP_ID, self.token)
    }
}

/// Settings pointing at `fake`, with everything written under `dir`.
pub fn settings_for(fake: &FakeDiscord, dir: &std::path::Path, knowledge: Knowledge) -> Settings {
    let mut s = Settings::defaults().expect("defaults");
    s.discord.token = Some(Secret::new("fake-token-for-tests"));
    s.discord.api_base = Some(fake.base().to_string());
    s.discord.guild_ids = vec![GUILD_ID];
    s.discord.admin_role_ids = vec![ADMIN_ROLE];
    s.database.url = format!("sqlite://{}?mode=rwc", dir.join("bot.db").display());
    s.audit.reload_log = dir.join("reload-audit.jsonl");
    if knowledge == Knowledge::Dir {
        let kdir = dir.join("knowledge");
        std::fs::create_dir_all(&kdir).unwrap();
        super::write_knowledge(&KnowledgeFiles::embedded(), &kdir);
        s.knowledge.dir = Some(kdir);
    }
    s
}

impl Bot {
    /// Runs `/triage` for `who` in `channel` and waits for the first question to be posted in
    /// its thread: (thread id, that message's body, the command as sent).
    pub async fn open_triage_in(&self, who: &Who, channel: Value) -> (u64, Value, Sent) {
        let sent = self.command_in(who, "triage", &[], channel).await;
        let post = self
            .fake
            .wait_for(sent.from, super::WAIT, "the first question", |r| {
                r.method == "POST"
                    && r.path.starts_with("/api/v10/channels/")
                    && r.path.ends_with("/messages")
            })
            .await;
        let thread: u64 = post.path.split('/').nth(4).unwrap().parse().unwrap();
        (thread, post.body.unwrap(), sent)
    }

    /// [`Bot::open_triage_in`] in the tests' ordinary channel: (thread id, first question).
    pub async fn open_triage(&self, who: &Who) -> (u64, Value) {
        let (thread, body, _) = self
            .open_triage_in(who, payloads::channel(CHANNEL_ID, false))
            .await;
        (thread, body)
    }

    /// Starts a fake Discord and the bot against it, with `tweak` applied to the settings, and
    /// waits until the commands are registered.
    pub async fn start(knowledge: Knowledge, tweak: impl FnOnce(&mut Settings)) -> Bot {
        Self::start_with_clock(knowledge, safeguarding_bot::clock::system(), tweak).await
    }

    /// [`Bot::start`] with the bot timed by `clock` (a `ManualClock` the test moves).
    pub async fn start_with_clock(
        knowledge: Knowledge,
        clock: SharedClock,
        tweak: impl FnOnce(&mut Settings),
    ) -> Bot {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let mut settings = settings_for(&fake, dir.path(), knowledge);
        tweak(&mut settings);
        let signer =
            (settings.discord.mode == safeguarding_bot::settings::DiscordMode::Http).then(|| {
                let signer = Signer::default();
                use_http(&mut settings, &signer);
                signer
            });
        let handle = Self::launch_with_clock(&settings, clock.clone()).await;
        Bot {
            fake,
            handle: Some(handle),
            dir,
            settings,
            clock,
            signer,
        }
    }

    /// [`Bot::start`] in HTTP interactions mode: interactions are POSTed, signed, to the bot's
    /// endpoint, and its HTTP answers are filed in the fake's log as the callbacks they replace.
    pub async fn start_http(knowledge: Knowledge, tweak: impl FnOnce(&mut Settings)) -> Bot {
        Self::start(knowledge, |s| {
            s.discord.mode = safeguarding_bot::settings::DiscordMode::Http;
            tweak(s);
        })
        .await
    }

    /// [`Bot::start`] or [`Bot::start_http`], by `mode`.
    pub async fn start_in(
        mode: Mode,
        knowledge: Knowledge,
        tweak: impl FnOnce(&mut Settings),
    ) -> Bot {
        match mode {
            Mode::Gateway => Self::start(knowledge, tweak).await,
            Mode::Http => Self::start_http(knowledge, tweak).await,
        }
    }

    /// `http://ADDR/PATH` on the bot's interactions endpoint (HTTP mode).
    pub fn endpoint_url(&self, path: &str) -> String {
        let addr = self
            .handle
            .as_ref()
            .and_then(|h| h.interactions_addr())
            .expect("the bot runs in HTTP mode");
        format!("http://{addr}{path}")
    }

    /// Hands an interaction to the bot: over the gateway, or (HTTP mode) as a signed POST whose
    /// answer is filed as the interaction's callback.
    async fn deliver(&self, sent: &Sent, payload: Value) {
        let Some(signer) = &self.signer else {
            return self.fake.dispatch("INTERACTION_CREATE", payload).await;
        };
        let body = payload.to_string();
        let (status, answer) = signer
            .post(&self.endpoint_url("/interactions"), body.as_bytes())
            .await;
        assert_eq!(status, 200, "the endpoint refused an interaction: {answer}");
        let answer: Value = serde_json::from_str(&answer).expect("the answer is JSON");
        self.fake.record("POST", &sent.callback_path(), answer);
    }

    /// Starts the real `serve` code with `settings` and waits for it to be ready.
    pub async fn launch(settings: &Settings) -> ServeHandle {
        Self::launch_with_clock(settings, safeguarding_bot::clock::system()).await
    }

    /// [`Bot::launch`] timed by `clock`.
    pub async fn launch_with_clock(settings: &Settings, clock: SharedClock) -> ServeHandle {
        let mut handle = discord::start_with_clock(settings.clone(), clock)
            .await
            .expect("the bot starts");
        tokio::time::timeout(WAIT, handle.ready())
            .await
            .expect("ready in time")
            .expect("commands registered");
        handle
    }

    /// Stops the bot and starts a new one (same settings, same database), as after a crash or
    /// a deploy. The fake Discord keeps running.
    pub async fn restart(&mut self) {
        let old = self.handle.take().expect("running");
        old.shutdown().await.expect("clean shutdown");
        self.handle = Some(Self::launch_with_clock(&self.settings, self.clock.clone()).await);
    }

    /// The knowledge folder (fixture only).
    pub fn knowledge_dir(&self) -> PathBuf {
        self.settings
            .knowledge
            .dir
            .clone()
            .expect("fixture knowledge")
    }

    /// Sends a slash command in the test channel.
    pub async fn command(&self, who: &Who, name: &str, options: &[(&str, &str)]) -> Sent {
        self.command_in(who, name, options, payloads::channel(CHANNEL_ID, false))
            .await
    }

    /// Sends a slash command in a given channel.
    pub async fn command_in(
        &self,
        who: &Who,
        name: &str,
        options: &[(&str, &str)],
        channel: Value,
    ) -> Sent {
        let sent = self.new_sent();
        let payload = payloads::command(sent.id, &sent.token, name, options, who, channel);
        self.deliver(&sent, payload).await;
        sent
    }

    /// Sends a slash command with typed options (see [`payloads::command_with`]) in the test
    /// channel.
    pub async fn command_with(&self, who: &Who, name: &str, options: Vec<Value>) -> Sent {
        let sent = self.new_sent();
        let channel = payloads::channel(CHANNEL_ID, false);
        let payload = payloads::command_with(sent.id, &sent.token, name, options, who, channel);
        self.deliver(&sent, payload).await;
        sent
    }

    /// Sends an autocomplete request.
    pub async fn autocomplete(&self, who: &Who, name: &str, option: &str, partial: &str) -> Sent {
        let sent = self.new_sent();
        let payload = payloads::autocomplete(sent.id, &sent.token, name, option, partial, who);
        self.deliver(&sent, payload).await;
        sent
    }

    /// Clicks a button on `message` (a message object as the fake returned it).
    pub async fn click(&self, who: &Who, custom_id: &str, message: Value) -> Sent {
        let channel_id: u64 = message["channel_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(CHANNEL_ID);
        let thread = channel_id != CHANNEL_ID;
        let sent = self.new_sent();
        let payload = payloads::component(
            sent.id,
            &sent.token,
            custom_id,
            message,
            who,
            payloads::channel(channel_id, thread),
        );
        self.deliver(&sent, payload).await;
        sent
    }

    fn new_sent(&self) -> Sent {
        let id = self.fake.next_id();
        Sent {
            id,
            token: format!("tok{id}"),
            from: self.fake.requests().len(),
            at: Instant::now(),
        }
    }

    /// Waits for the interaction's callback.
    pub async fn callback(&self, sent: &Sent) -> Recorded {
        let path = sent.callback_path();
        self.fake
            .wait_for(sent.from, WAIT, &format!("POST {path}"), |r| {
                r.method == "POST" && r.path == path
            })
            .await
    }

    /// Waits for the `n`th follow-up (0-based) of the interaction.
    pub async fn followup(&self, sent: &Sent, n: usize) -> Recorded {
        let path = sent.followup_path();
        let from = sent.from;
        let deadline = Instant::now() + WAIT;
        loop {
            let found: Vec<Recorded> = self
                .fake
                .requests()
                .into_iter()
                .skip(from)
                .filter(|r| r.method == "POST" && r.path == path)
                .collect();
            if let Some(r) = found.get(n) {
                return r.clone();
            }
            assert!(
                Instant::now() < deadline,
                "no follow-up #{n} for interaction {}",
                sent.id
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every request since `sent` was sent.
    pub fn since(&self, sent: &Sent) -> Vec<Recorded> {
        self.fake.requests().into_iter().skip(sent.from).collect()
    }

    /// Shuts the bot down cleanly, then checks every request body it sent against Discord's
    /// OpenAPI spec (where `../shared` exists).
    pub async fn finish(mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await.expect("clean shutdown");
        }
        let requests = self.fake.requests();
        if let Some(n) = openapi::check_all(&requests) {
            assert!(n > 0, "no request bodies were checked");
        }
        let unknown: Vec<String> = requests
            .iter()
            .filter(|r| !r.path.starts_with("/api/v10/"))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(unknown.is_empty(), "requests outside the API: {unknown:?}");
    }
}

/// All text of a message body's embeds and content, for assertions.
pub fn text_of(body: &Value) -> String {
    let data = if body.get("data").is_some() {
        &body["data"]
    } else {
        body
    };
    let mut out = String::new();
    if let Some(c) = data["content"].as_str() {
        out.push_str(c);
        out.push('\n');
    }
    for e in data["embeds"].as_array().into_iter().flatten() {
        for k in ["title", "description"] {
            if let Some(s) = e[k].as_str() {
                out.push_str(s);
                out.push('\n');
            }
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push_str(f["name"].as_str().unwrap_or(""));
            out.push_str(": ");
            out.push_str(f["value"].as_str().unwrap_or(""));
            out.push('\n');
        }
        if let Some(s) = e["footer"]["text"].as_str() {
            out.push_str(s);
            out.push('\n');
        }
    }
    out
}

/// The custom ids of a message body's buttons.
pub fn custom_ids(body: &Value) -> Vec<String> {
    let data = if body.get("data").is_some() {
        &body["data"]
    } else {
        body
    };
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(String::from))
        .collect()
}

/// The message flags of a response body (64 = ephemeral).
pub fn flags(body: &Value) -> u64 {
    let data = if body.get("data").is_some() {
        &body["data"]
    } else {
        body
    };
    data["flags"].as_u64().unwrap_or(0)
}
