//! Starting and stopping the bot: load the knowledge, open the store, connect the transport
//! (gateway or HTTP endpoint, by `discord.mode`), start the reminder scheduler and the daily
//! purge; and the `serve` subcommand around it (Ctrl-C or SIGTERM stop it cleanly).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ::serenity::all as serenity;
use anyhow::Context as _;
use tokio::sync::watch;

use super::{
    application, explain, gateway, health, http, ratelimit, reminder_post, Data, ReadyState,
};
use crate::clock::SharedClock;
use crate::reload::peers::Peers;
use crate::reload::{AuditLog, KnowledgeSource, Reloader};
use crate::settings::{DiscordMode, Settings};
use crate::snapshot::Live;
use crate::triage::reminder::{Fired, ReminderError, Reminders};

/// How Discord reaches this running bot.
enum Link {
    /// A gateway client.
    Gateway(gateway::Gateway),
    /// The HTTP interactions endpoint, serving on `addr`.
    Http {
        server: tokio::task::JoinHandle<()>,
        addr: SocketAddr,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        /// Asking Discord for the application and registering the commands, in the background.
        startup: tokio::task::JoinHandle<()>,
        rest: watch::Receiver<application::RestState>,
    },
}

/// A running bot: wait for it to be ready, then shut it down.
pub struct ServeHandle {
    link: Link,
    ready: watch::Receiver<ReadyState>,
    /// The knowledge, store, reloader and reminders the bot runs with.
    data: Arc<Data>,
    purge: tokio::task::JoinHandle<()>,
    /// Listening for reloads on other processes (PostgreSQL only).
    listening: Option<tokio::task::JoinHandle<()>>,
    delivery: reminder_post::DiscordDelivery,
    scheduler: tokio::task::JoinHandle<()>,
}

impl ServeHandle {
    /// Waits until the bot can answer (gateway connected, or endpoint listening) and its commands
    /// are registered; an error if registration failed or the client stopped first (a rejected
    /// token, for one). In HTTP mode the endpoint answers before this returns: the application
    /// and the commands are retried in the background while Discord's REST API is unreachable.
    pub async fn ready(&mut self) -> anyhow::Result<()> {
        loop {
            if let Some(r) = self.ready.borrow().clone() {
                return r
                    .map_err(|e| anyhow::anyhow!("registering the slash commands failed: {e}"));
            }
            if self.is_finished() {
                anyhow::bail!("the Discord client stopped before it was ready");
            }
            tokio::select! {
                changed = self.ready.changed() => {
                    if changed.is_err() {
                        anyhow::bail!("the Discord client stopped before it was ready");
                    }
                }
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    }

    /// The knowledge being served (tests check which copy is live).
    pub fn live(&self) -> &Arc<Live> {
        &self.data.live
    }

    /// The address of the interactions endpoint, in HTTP mode.
    pub fn interactions_addr(&self) -> Option<SocketAddr> {
        match &self.link {
            Link::Http { addr, .. } => Some(*addr),
            Link::Gateway(_) => None,
        }
    }

    /// A probe of the bot's health (transport, commands, knowledge, store), for `GET /health`.
    pub fn probe(&self) -> health::Probe {
        let transport = match &self.link {
            Link::Gateway(g) => health::Transport::Gateway(g.shard_manager.clone()),
            Link::Http { rest, .. } => health::Transport::Http(rest.clone()),
        };
        health::Probe::new(self.data.clone(), transport, self.ready.clone())
    }

    /// The triage store (tests close it to see `GET /health` report it).
    pub fn store(&self) -> &Arc<crate::triage::Store> {
        &self.data.store
    }

    /// The reminder service (tests read the stored reminders through it).
    pub fn reminders(&self) -> &Arc<Reminders> {
        &self.data.reminders
    }

    /// Fires the reminders due now by the bot's clock, as the scheduler does when it wakes:
    /// tests advance a [`crate::clock::ManualClock`] and call this instead of waiting.
    pub async fn fire_reminders(&self) -> Result<Vec<Fired>, ReminderError> {
        let reminders = &self.data.reminders;
        reminders.fire_due(reminders.now_ms(), &self.delivery).await
    }

    /// True once the client (or the endpoint's server) has stopped.
    pub fn is_finished(&self) -> bool {
        match &self.link {
            Link::Gateway(g) => g.client.is_finished(),
            Link::Http { server, .. } => server.is_finished(),
        }
    }

    /// Closes the gateway connections (or stops the endpoint, letting requests in flight
    /// finish) and waits up to 10 s for it to stop.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.purge.abort();
        self.scheduler.abort();
        if let Some(l) = &self.listening {
            l.abort();
        }
        if let Some(p) = &self.data.peers {
            p.leave().await;
        }
        let _ = self.scheduler.await;
        let stopped = match self.link {
            Link::Gateway(g) => {
                g.shard_manager.shutdown_all().await;
                match tokio::time::timeout(Duration::from_secs(10), g.client).await {
                    Ok(Ok(Ok(()))) => Ok(()),
                    Ok(Ok(Err(e))) => Err(anyhow::anyhow!(
                        "the Discord client ended with an error: {}",
                        explain(&e)
                    )),
                    Ok(Err(e)) => Err(anyhow::anyhow!("the Discord client task failed: {e}")),
                    Err(_) => Err(anyhow::anyhow!(
                        "the Discord client did not stop within 10 s"
                    )),
                }
            }
            Link::Http {
                server,
                mut stop,
                startup,
                ..
            } => {
                startup.abort();
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                match tokio::time::timeout(Duration::from_secs(10), server).await {
                    Ok(_) => Ok(()),
                    Err(_) => Err(anyhow::anyhow!(
                        "the interactions endpoint did not stop within 10 s"
                    )),
                }
            }
        };
        self.data.store.close().await;
        stopped
    }
}

/// Loads the knowledge, connects to Discord (or to `discord.api_base`) and registers the
/// commands in the configured servers, or globally. Returns once the client is running; use
/// [`ServeHandle::ready`] to wait for registration.
pub async fn start(settings: Settings) -> anyhow::Result<ServeHandle> {
    start_with_clock(settings, crate::clock::system()).await
}

/// [`start`] with the clock every session expiry and reminder is timed by: tests hand in a
/// [`crate::clock::ManualClock`] and move it.
pub async fn start_with_clock(
    settings: Settings,
    clock: SharedClock,
) -> anyhow::Result<ServeHandle> {
    let token = settings.require_token()?.clone();
    let public_key = match settings.discord.mode {
        DiscordMode::Http => Some(settings.discord.require_public_key()?),
        DiscordMode::Gateway => None,
    };
    // The endpoint's address is taken first, so a busy port stops `serve` before anything else.
    let listener = match (public_key, settings.discord.listen_addr()) {
        (Some(_), Some(addr)) => Some(http::bind(addr).await?),
        _ => None,
    };
    let source = KnowledgeSource::from_settings(&settings.knowledge);
    let (snapshot, origin) = source
        .snapshot()
        .await
        .map_err(|errors| anyhow::anyhow!("cannot serve: {errors}"))?;
    tracing::info!(
        version = %snapshot.knowledge.manifest.version,
        hash = %snapshot.knowledge.hash,
        origin = %origin,
        "knowledge loaded"
    );
    let live = Arc::new(Live::new(snapshot));
    let settings = Arc::new(settings);
    let http = rest_client(&settings, token.expose()).await?;

    let store = open_store(&settings, clock).await?;
    let reminders = Reminders::new((*store).clone());
    let reloader = Arc::new(Reloader::new(
        live.clone(),
        source,
        AuditLog::new(settings.audit.reload_log.clone()),
    ));
    let peers = store
        .postgres()
        .map(|pool| Arc::new(Peers::new(pool, store.clock())));
    let listening = peers.clone().map(|p| p.spawn(reloader.clone()));
    let data = Arc::new(Data {
        live,
        settings: settings.clone(),
        limiter: ratelimit::RateLimiter::new(settings.discord.rate_limit_per_minute),
        reloader,
        peers,
        store: store.clone(),
        reminders: reminders.clone(),
    });
    let (ready_tx, ready_rx) = watch::channel(None);
    let (link, rest) = match (public_key, listener) {
        (Some(key), Some(listener)) => {
            let http = Arc::new(http);
            let link = start_endpoint(key, listener, data.clone(), http.clone(), ready_tx).await?;
            (link, http)
        }
        _ => {
            let g = gateway::start(http, data.clone(), ready_tx, settings.discord.shard_range())
                .await?;
            let rest = g.http.clone();
            (Link::Gateway(g), rest)
        }
    };
    let delivery = reminder_post::DiscordDelivery::new(rest, data.live.clone());
    let purge = tokio::spawn(purge_daily(store.clone(), settings.clone()));
    let scheduler = tokio::spawn(reminders.clone().run(delivery.clone()));
    Ok(ServeHandle {
        link,
        ready: ready_rx,
        data,
        purge,
        listening,
        delivery,
        scheduler,
    })
}

/// The REST client: the real Discord, or `discord.api_base` (checked to answer, because
/// serenity falls back to the real gateway when `GET /gateway` fails).
async fn rest_client(settings: &Settings, token: &str) -> anyhow::Result<serenity::Http> {
    let mut http = serenity::HttpBuilder::new(token);
    if let Some(base) = settings.api_base() {
        // Another Discord (a proxy, or the tests' fake): it handles rate limits itself.
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    let http = http.build();
    if settings.api_base().is_some() && settings.discord.mode == DiscordMode::Gateway {
        if let Err(e) = http.get_gateway().await {
            anyhow::bail!(
                "the configured discord.api_base did not answer GET /gateway: {}",
                explain(&e)
            );
        }
    }
    Ok(http)
}

/// HTTP mode: serves `POST /interactions` and `GET /health` on `listener` at once, and asks
/// Discord for the application and registers the commands in the background
/// ([`application::spawn`]), so that an unreachable REST API does not stop the endpoint.
async fn start_endpoint(
    public_key: [u8; 32],
    listener: tokio::net::TcpListener,
    data: Arc<Data>,
    http: Arc<serenity::Http>,
    ready: watch::Sender<ReadyState>,
) -> anyhow::Result<Link> {
    let addr = listener.local_addr().context("the endpoint's address")?;
    let (rest_tx, rest) = watch::channel(application::RestState::Starting);
    let probe = health::Probe::new(
        data.clone(),
        health::Transport::Http(rest.clone()),
        ready.subscribe(),
    );
    let endpoint = http::Endpoint::new(public_key, data.clone(), http.clone())?;
    let app = endpoint.router().merge(health::router(probe));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tracing::info!(%addr, "interactions endpoint listening on /interactions (and /health)");
    let server = tokio::spawn(async move {
        let stopping = async {
            let _ = stop_rx.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stopping)
            .await
        {
            tracing::error!(error = %e, "the interactions endpoint stopped");
        }
    });
    let startup = application::spawn(http, data.settings.clone(), ready, rest_tx);
    Ok(Link::Http {
        server,
        addr,
        stop: Some(stop_tx),
        startup,
        rest,
    })
}

/// Opens the triage store at `database.url` (creating its folder), timed by `clock`.
async fn open_store(
    settings: &Settings,
    clock: SharedClock,
) -> anyhow::Result<Arc<crate::triage::Store>> {
    ensure_sqlite_dir(&settings.database.url)?;
    let store = crate::triage::Store::open(&settings.database.url)
        .await
        .map_err(|e| match e {
            crate::triage::TriageError::Store(detail) => {
                anyhow::anyhow!("cannot open database.url: {detail}")
            }
            other => anyhow::anyhow!("cannot open database.url: {other}"),
        })?;
    Ok(Arc::new(
        store
            .with_session_ttl(settings.triage.session_ttl())
            .with_clock(clock),
    ))
}

/// Creates the folder of an SQLite database file (SQLite creates the file, not its folder).
fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if crate::triage::backend_of(url) != Some("sqlite") {
        return Ok(());
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
    }
    Ok(())
}

/// Deletes expired triage sessions and old audit records at start and then every 6 hours.
async fn purge_daily(store: Arc<crate::triage::Store>, settings: Arc<Settings>) {
    let mut every = tokio::time::interval(Duration::from_secs(6 * 3600));
    loop {
        every.tick().await;
        match store
            .purge_expired(
                settings.triage.session_ttl(),
                settings.triage.audit_retention(),
            )
            .await
        {
            Ok(n) => tracing::info!(deleted = n, "expired triage records purged"),
            Err(e) => tracing::error!(error = %e, "purging triage records failed"),
        }
    }
}

/// The `serve` subcommand: runs the bot until Ctrl-C or SIGTERM, then shuts down cleanly.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(settings = %settings, "starting");
    // In HTTP mode /health is also on the endpoint's address: a health.listen on the same port
    // (the Docker image's default) is served there rather than bound twice.
    let shared_port = settings.discord.mode == DiscordMode::Http
        && settings.health.addr().map(|a| a.port())
            == settings.discord.listen_addr().map(|a| a.port());
    let listener = match settings.health.addr() {
        Some(addr) if !shared_port => Some(health::bind(addr).await?),
        _ => None,
    };
    let mut handle = start(settings).await?;
    let health = listener.map(|l| {
        if let Ok(addr) = l.local_addr() {
            tracing::info!(%addr, "health endpoint listening on /health");
        }
        health::spawn(l, handle.probe())
    });
    let result = run_until_stopped(&mut handle).await;
    if let Some(h) = health {
        h.abort();
    }
    match result {
        Ok(()) => handle.shutdown().await,
        Err(not_ready) => {
            // The client's own error (e.g. a rejected token) says more than "not ready".
            match handle.shutdown().await {
                Err(stopped) => Err(stopped.context(not_ready.to_string())),
                Ok(()) => Err(not_ready),
            }
        }
    }
}

/// Waits for the bot to be ready, then for Ctrl-C, SIGTERM or the client stopping. An error if
/// it never became ready.
async fn run_until_stopped(handle: &mut ServeHandle) -> anyhow::Result<()> {
    tokio::select! {
        r = handle.ready() => r?,
        _ = shutdown_signal() => return Ok(()),
    }
    tracing::info!("ready; press Ctrl-C to stop");
    tokio::select! {
        _ = shutdown_signal() => tracing::info!("shutting down"),
        _ = wait_finished(handle) => tracing::warn!("the Discord client stopped"),
    }
    Ok(())
}

async fn wait_finished(handle: &ServeHandle) {
    while !handle.is_finished() {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async {
                match term.as_mut() {
                    Some(t) => { t.recv().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
