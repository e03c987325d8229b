//! Liveness for operators: `serve` answers `GET /health` on `health.listen`, and
//! `safeguarding-bot health` asks it, so Docker's `HEALTHCHECK` (or any orchestrator) can tell a
//! bot that is up and connected from one that is starting, reconnecting or wedged.
//!
//! `GET /health` → `200 {"status":"ok","knowledge":{"version","hash"},"gateway":"connected",
//! "commands":"registered"}` once the gateway session is live and the slash commands are
//! registered; otherwise `503` with `"status":"unavailable"` and `"gateway":"connecting"` (or
//! `"commands":"pending"` / `"failed"`). Any other path is 404. The endpoint reveals nothing
//! beyond the knowledge version and hash that `/help` shows anyone.
//!
//! In HTTP interactions mode there is no gateway: the process is healthy once it answers and its
//! store is reachable, whether or not Discord's REST API has answered yet (the application and
//! the commands are retried in the background, see [`super::application`]); `discord_api` and
//! `commands` say where that stands. A load balancer thus keeps sending interactions to it
//! during a Discord API incident.

#![warn(missing_docs)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ::serenity::all as serenity;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::settings::Settings;

/// The URL `safeguarding-bot health` checks when neither `--url` nor `health.listen` says
/// otherwise: the address the Docker image listens on.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080/health";

/// What `GET /health` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// The knowledge being served.
    pub knowledge: KnowledgeId,
    /// `connected` or `connecting`; `unused (http mode)` when Discord POSTs interactions.
    pub gateway: String,
    /// `registered`, `pending` or `failed`.
    pub commands: String,
    /// The triage store: `reachable` or `unreachable` (absent from the answers of versions
    /// before it was reported).
    #[serde(default)]
    pub store: String,
    /// The last `/reload` on this process: `ok`, or `failed: …` (the previous knowledge is still
    /// served, so the status stays ok).
    #[serde(default)]
    pub reload: String,
    /// HTTP mode: Discord's REST API at start, `starting`, `unreachable (retrying, …)` or
    /// `reachable`; `unused (gateway mode)` otherwise.
    #[serde(default)]
    pub discord_api: String,
}

impl Health {
    /// True when the bot can answer: store reachable, and (gateway) connected with its commands
    /// registered, or (HTTP) serving without a refused token.
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

/// The served knowledge's version and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeId {
    /// `manifest.toml`'s version.
    pub version: String,
    /// The knowledge hash (as `/help` and `/reload` show it).
    pub hash: String,
}

/// How Discord reaches the bot, as far as its health goes.
#[derive(Clone)]
pub enum Transport {
    /// The gateway's shards.
    Gateway(Arc<serenity::ShardManager>),
    /// The interactions endpoint, and where its background start-up stands.
    Http(watch::Receiver<super::application::RestState>),
}

/// Reads the state of a running bot (cheap to clone: shared handles only).
#[derive(Clone)]
pub struct Probe {
    /// The knowledge, store and reloader the bot runs with.
    data: Arc<super::Data>,
    transport: Transport,
    ready: watch::Receiver<super::ReadyState>,
}

impl Probe {
    /// A probe of the bot running on `data` over `transport`, with its registration state.
    pub(crate) fn new(
        data: Arc<super::Data>,
        transport: Transport,
        ready: watch::Receiver<super::ReadyState>,
    ) -> Self {
        Self {
            data,
            transport,
            ready,
        }
    }

    /// The bot's health now.
    pub async fn check(&self) -> Health {
        let snapshot = self.data.live.current();
        let connected = match &self.transport {
            Transport::Gateway(shards) => shards
                .runners
                .lock()
                .await
                .values()
                .any(|r| r.stage == serenity::ConnectionStage::Connected),
            Transport::Http(_) => true,
        };
        let commands = match &*self.ready.borrow() {
            None => "pending",
            Some(Ok(())) => "registered",
            Some(Err(_)) => "failed",
        };
        let store = self.data.store.is_reachable().await;
        // The endpoint answers interactions without the REST API; the gateway needs its commands.
        let ok = match &self.transport {
            Transport::Gateway(_) => connected && commands == "registered" && store,
            Transport::Http(_) => commands != "failed" && store,
        };
        Health {
            status: if ok { "ok" } else { "unavailable" }.into(),
            knowledge: KnowledgeId {
                version: snapshot.knowledge.manifest.version.clone(),
                hash: snapshot.knowledge.hash.clone(),
            },
            gateway: match (&self.transport, connected) {
                (Transport::Http(_), _) => "unused (http mode)",
                (Transport::Gateway(_), true) => "connected",
                (Transport::Gateway(_), false) => "connecting",
            }
            .into(),
            commands: commands.into(),
            store: if store { "reachable" } else { "unreachable" }.into(),
            reload: match self.data.reloader.last_failure() {
                None => "ok".into(),
                Some(why) => format!("failed: {why}"),
            },
            discord_api: match &self.transport {
                Transport::Http(rest) => rest.borrow().describe(),
                Transport::Gateway(_) => "unused (gateway mode)".into(),
            },
        }
    }
}

/// Binds the endpoint's address before anything else starts, so a taken port stops `serve` at
/// once with a message naming the key.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on health.listen = \"{addr}\": {e}"))
}

/// The route `GET /health`, to serve alone ([`spawn`]) or beside the interactions endpoint.
pub fn router(probe: Probe) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(probe)
}

/// Serves `GET /health` on `listener` until the task is aborted.
pub fn spawn(listener: tokio::net::TcpListener, probe: Probe) -> tokio::task::JoinHandle<()> {
    let app = router(probe);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the health endpoint stopped");
        }
    })
}

async fn health(State(probe): State<Probe>) -> Response {
    let h = probe.check().await;
    let code = if h.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(h)).into_response()
}

/// The URL to check: `--url`, else `health.listen` from the configuration in `config_dir`
/// (an unspecified address such as 0.0.0.0 is checked on 127.0.0.1), else [`DEFAULT_URL`].
pub fn url_from(url: Option<&str>, config_dir: &Path) -> Result<String, String> {
    if let Some(u) = url {
        return Ok(u.to_string());
    }
    let settings = Settings::load(config_dir).map_err(|e| e.to_string())?;
    Ok(match settings.health.addr() {
        Some(mut addr) => {
            if addr.ip().is_unspecified() {
                addr.set_ip(if addr.is_ipv4() {
                    std::net::Ipv4Addr::LOCALHOST.into()
                } else {
                    std::net::Ipv6Addr::LOCALHOST.into()
                });
            }
            format!("http://{addr}/health")
        }
        None => DEFAULT_URL.to_string(),
    })
}

/// Asks a health endpoint; `Ok` with a one-line summary when the bot is healthy, `Err` with the
/// reason otherwise. Never goes through a proxy, and gives up after `timeout`.
pub async fn check_url(url: &str, timeout: Duration) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("no answer from {url}: {}", root_cause(&e)))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let health: Option<Health> = serde_json::from_str(&body).ok();
    match (status.as_u16(), health) {
        (200, Some(h)) if h.is_ok() => Ok(format!(
            "ok: gateway {}, commands {}, knowledge {} ({})",
            h.gateway, h.commands, h.knowledge.version, h.knowledge.hash
        )),
        (code, Some(h)) => Err(format!(
            "{}: HTTP {code}, gateway {}, commands {}",
            h.status, h.gateway, h.commands
        )),
        (code, None) => Err(format!("HTTP {code} from {url}, not a health report")),
    }
}

/// `safeguarding-bot health [--url URL]`: whether the bot is healthy, and the one line to print
/// (`ok: …` or `unhealthy: …`); the command exits 0 when healthy and 1 when not, which is what
/// Docker's `HEALTHCHECK` expects.
pub fn run(url: Option<&str>, config_dir: &Path) -> (bool, String) {
    let result = url_from(url, config_dir).and_then(|url| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?
            .block_on(check_url(&url, Duration::from_secs(5)))
    });
    match result {
        Ok(line) => (true, line),
        Err(line) => (false, format!("unhealthy: {line}")),
    }
}

/// The innermost cause ("Connection refused (os error 111)", "operation timed out"): reqwest's
/// outer messages repeat the URL.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &(dyn std::error::Error + 'static) = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}
