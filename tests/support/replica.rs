//! A real `safeguarding-bot serve` process in HTTP interactions mode, started against the fake
//! Discord and signed to by a [`Signer`]: what `tests/replicas.rs` runs two of on one
//! PostgreSQL, and what `benches/http_interactions.rs` measures.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::bot::Signer;
use super::fake_discord::FakeDiscord;

/// One bot process, killed when dropped.
pub struct Replica {
    /// The process (tests SIGKILL it with `start_kill`).
    pub child: tokio::process::Child,
    /// The port of its interactions endpoint (and `/health`).
    pub port: u16,
    /// Its standard error (the log), shown when it fails to start.
    pub log: PathBuf,
}

impl Replica {
    /// Starts `serve` in HTTP mode with `signer`'s public key on a free port, on the database
    /// `db`, serving `knowledge`, writing under `dir`; `tweak` adds settings. Waits (up to 30 s)
    /// until `/health` is ok.
    pub async fn start(
        fake: &FakeDiscord,
        signer: &Signer,
        db: &str,
        knowledge: &Path,
        dir: &Path,
        tweak: impl FnOnce(&mut tokio::process::Command),
    ) -> Replica {
        Self::start_at(fake.base(), signer, db, knowledge, dir, tweak).await
    }

    /// [`Replica::start`] with Discord's REST API at `api_base` (a closed port, to play an
    /// outage).
    pub async fn start_at(
        api_base: &str,
        signer: &Signer,
        db: &str,
        knowledge: &Path,
        dir: &Path,
        tweak: impl FnOnce(&mut tokio::process::Command),
    ) -> Replica {
        std::fs::create_dir_all(dir).unwrap();
        let port = super::free_port();
        let log = dir.join("serve.log");
        let mut cmd = super::serve_command(api_base, dir, "fake-token-for-replicas");
        cmd.env("SAFEGUARDING_BOT__DISCORD__MODE", "http")
            .env("SAFEGUARDING_BOT__DISCORD__PUBLIC_KEY", signer.public_hex())
            .env(
                "SAFEGUARDING_BOT__DISCORD__LISTEN",
                format!("127.0.0.1:{port}"),
            )
            .env("SAFEGUARDING_BOT__DATABASE__URL", db)
            .env("SAFEGUARDING_BOT__KNOWLEDGE__DIR", knowledge)
            .env("RUST_LOG", "info")
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        tweak(&mut cmd);
        let child = cmd.spawn().expect("serve starts");
        let r = Replica { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while super::get(&r.url("/health")).await.map(|(s, _)| s) != Some(200) {
            assert!(
                Instant::now() < deadline,
                "the bot on port {port} did not become healthy:\n{}",
                std::fs::read_to_string(&r.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        r
    }

    /// `http://127.0.0.1:PORT/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends a signed interaction and returns its HTTP answer (asserting 200).
    pub async fn send(&self, signer: &Signer, payload: &Value) -> Value {
        let (status, body) = signer
            .post(&self.url("/interactions"), payload.to_string().as_bytes())
            .await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    /// `GET /health`, as JSON.
    pub async fn health(&self) -> Value {
        super::get_json(&self.url("/health")).await
    }
}
