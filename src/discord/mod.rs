//! The Discord adapter (poise + serenity). Serenity and poise types live only in this module:
//! the rest of the crate speaks [`crate::reply::Reply`].
//!
//! - [`commands`]: the slash commands, thin wrappers over [`crate::commands`].
//! - [`components`]: button clicks, routed by custom_id so they survive restarts.
//! - [`render`]: `Reply` → embeds and buttons within Discord's limits.
//! - [`checks`]: who may `/reload`.
//! - [`ratelimit`]: per-user limit on expensive commands.
//! - [`triage`]: the `/triage` dialogue in a thread.
//! - [`review`]: "Check your answers" before a triage summary (Confirm, Change N).
//! - [`map`]: the triage map as a PNG attachment (`/triage map:True`, "Show the path").
//! - [`reminders`], [`reminder_post`]: "Remind me" on a triage summary, and the reminders posted
//!   in the thread when due (a scheduler task started with the bot).
//! - [`record`]: "Save record", the decision record as a Markdown attachment.
//! - [`attachment`]: what replies with a file share (rate limit, multipart follow-up).
//! - [`instrument`]: one log span per interaction (ids, latency, outcome; never text).
//! - [`health`]: the `GET /health` endpoint and the `health` subcommand.
//!
//! [`start`] runs the bot and returns a [`ServeHandle`] (tests drive it against a fake Discord
//! on 127.0.0.1); [`serve`] is the `serve` subcommand: start, wait for Ctrl-C or SIGTERM, shut
//! down cleanly.

#![warn(missing_docs)]

pub mod attachment;
pub mod checks;
pub mod commands;
pub mod components;
pub mod custom_id;
pub mod health;
pub mod instrument;
pub mod map;
pub mod ratelimit;
pub mod record;
pub mod reminder_post;
pub mod reminders;
pub mod render;
pub mod review;
pub mod triage;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tokio::sync::watch;

use crate::clock::SharedClock;
use crate::reload::{AuditLog, KnowledgeSource, Reloader};
use crate::reply::EMERGENCY_LINE;
use crate::settings::Settings;
use crate::snapshot::Live;
use crate::triage::reminder::{Fired, ReminderError, Reminders};

/// The error type of commands and handlers.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The poise context of a command.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// State shared by every command and handler.
pub struct Data {
    /// The knowledge being served.
    pub live: Arc<Live>,
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// Per-user limit on expensive commands.
    pub limiter: ratelimit::RateLimiter,
    /// `/reload`.
    pub reloader: Reloader,
    /// Triage sessions (SQLite): what makes `/triage` buttons survive a restart.
    pub store: Arc<crate::triage::Store>,
    /// Reminders of triage deadlines, in the same store.
    pub reminders: Arc<Reminders>,
}

/// A running bot: wait for it to be ready, then shut it down.
pub struct ServeHandle {
    shard_manager: Arc<serenity::ShardManager>,
    client: tokio::task::JoinHandle<Result<(), serenity::Error>>,
    ready: watch::Receiver<Option<Result<(), String>>>,
    live: Arc<Live>,
    store: Arc<crate::triage::Store>,
    purge: tokio::task::JoinHandle<()>,
    reminders: Arc<Reminders>,
    delivery: reminder_post::DiscordDelivery,
    scheduler: tokio::task::JoinHandle<()>,
}

impl ServeHandle {
    /// Waits until the bot is connected and its commands are registered; an error if
    /// registration failed or the client stopped first (a rejected token, for one: serenity
    /// stops, but the shard manager this handle holds keeps the ready channel open).
    pub async fn ready(&mut self) -> anyhow::Result<()> {
        loop {
            if let Some(r) = self.ready.borrow().clone() {
                return r
                    .map_err(|e| anyhow::anyhow!("registering the slash commands failed: {e}"));
            }
            if self.client.is_finished() {
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
        &self.live
    }

    /// A probe of the bot's health (gateway, commands, knowledge, store), for `GET /health`.
    pub fn probe(&self) -> health::Probe {
        health::Probe {
            live: self.live.clone(),
            shard_manager: self.shard_manager.clone(),
            ready: self.ready.clone(),
            store: self.store.clone(),
        }
    }

    /// The triage store (tests close it to see `GET /health` report it).
    pub fn store(&self) -> &Arc<crate::triage::Store> {
        &self.store
    }

    /// The reminder service (tests read the stored reminders through it).
    pub fn reminders(&self) -> &Arc<Reminders> {
        &self.reminders
    }

    /// Fires the reminders due now by the bot's clock, as the scheduler does when it wakes:
    /// tests advance a [`crate::clock::ManualClock`] and call this instead of waiting.
    pub async fn fire_reminders(&self) -> Result<Vec<Fired>, ReminderError> {
        self.reminders
            .fire_due(self.reminders.now_ms(), &self.delivery)
            .await
    }

    /// True once the client has stopped (for example after a fatal gateway error).
    pub fn is_finished(&self) -> bool {
        self.client.is_finished()
    }

    /// Closes every gateway connection and waits (up to 10 s) for the client to stop.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.shard_manager.shutdown_all().await;
        self.purge.abort();
        self.scheduler.abort();
        let _ = self.scheduler.await;
        let stopped = tokio::time::timeout(Duration::from_secs(10), self.client).await;
        self.store.close().await;
        match stopped {
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
    let mut http = serenity::HttpBuilder::new(token.expose());
    if let Some(base) = settings.api_base() {
        // Another Discord (a proxy, or the tests' fake): it handles rate limits itself.
        http = http.proxy(base).ratelimiter_disabled(true);
    }
    let http = http.build();
    if settings.api_base().is_some() {
        // serenity falls back to the real gateway when this request fails; never let it.
        if let Err(e) = http.get_gateway().await {
            anyhow::bail!(
                "the configured discord.api_base did not answer GET /gateway: {}",
                explain(&e)
            );
        }
    }

    let store = open_store(&settings, clock).await?;
    let reminders = Reminders::new((*store).clone());

    let data = Data {
        live: live.clone(),
        settings: settings.clone(),
        limiter: ratelimit::RateLimiter::new(settings.discord.rate_limit_per_minute),
        reloader: Reloader::new(
            live.clone(),
            source,
            AuditLog::new(settings.audit.reload_log.clone()),
        ),
        store: store.clone(),
        reminders: reminders.clone(),
    };
    let guild_ids = settings.discord.guild_ids.clone();
    let (ready_tx, ready_rx) = watch::channel(None);
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |e| Box::pin(on_error(e)),
            event_handler: |fw, event| Box::pin(on_event(fw, event)),
            allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let result = register(ctx, &framework.options().commands, &guild_ids).await;
                match &result {
                    Ok(()) => tracing::info!(
                        bot_id = %ready.user.id,
                        guilds = guild_ids.len(),
                        "connected; commands registered"
                    ),
                    Err(e) => tracing::error!(error = %e, "registering commands failed"),
                }
                let _ = ready_tx.send(Some(result.map_err(|e| e.to_string())));
                Ok(data)
            })
        })
        // Set on the builder: it overrides FrameworkOptions::initialize_owners. The bot has no
        // owner-only commands, so it need not ask Discord who owns the application.
        .initialize_owners(false)
        .build();

    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(instrument::Instrumented(framework))
        .await
        .context("cannot build the Discord client")?;
    let shard_manager = client.shard_manager.clone();
    let delivery = reminder_post::DiscordDelivery::new(client.http.clone());
    let task = tokio::spawn(async move { client.start().await });
    let purge = tokio::spawn(purge_daily(store.clone(), settings.clone()));
    let scheduler = tokio::spawn(reminders.clone().run(delivery.clone()));
    Ok(ServeHandle {
        shard_manager,
        client: task,
        ready: ready_rx,
        live,
        store,
        purge,
        reminders,
        delivery,
        scheduler,
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

/// A serenity error in words an operator can act on: a rejected token says so and where to fix
/// it (serenity's own wording is "Sent invalid authentication" or a bare "401: Unauthorized").
pub fn explain(e: &serenity::Error) -> String {
    let refused = "Discord refused the bot token; check DISCORD_TOKEN (discord.token): it must be the current token from the developer portal (Bot → Reset Token)";
    match e {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => format!(
            "{refused} (the gateway closed the connection with code 4004, authentication failed)"
        ),
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.status_code.as_u16() == 401 =>
        {
            format!("{refused} (HTTP 401 Unauthorized)")
        }
        other => other.to_string(),
    }
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
    let listener = match settings.health.addr() {
        Some(addr) => Some(health::bind(addr).await?),
        None => None,
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

/// Registers the commands in each configured server (instant), or globally when none is set.
async fn register(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    guild_ids: &[u64],
) -> Result<(), serenity::Error> {
    let body = registration_body(commands)?;
    if guild_ids.is_empty() {
        ctx.http.create_global_commands(&body).await?;
    } else {
        for g in guild_ids {
            ctx.http
                .create_guild_commands(serenity::GuildId::new(*g), &body)
                .await?;
        }
    }
    Ok(())
}

/// The bulk-overwrite body for the commands. serenity writes permission bits as a string;
/// Discord's OpenAPI description of this request types `default_member_permissions` as an
/// integer, so it is sent as one.
pub fn registration_body(
    commands: &[poise::Command<Data, Error>],
) -> Result<serde_json::Value, serde_json::Error> {
    let mut body = serde_json::to_value(poise::builtins::create_application_commands(commands))?;
    for c in body.as_array_mut().into_iter().flatten() {
        if let Some(p) = c.get_mut("default_member_permissions") {
            if let Some(bits) = p.as_str().and_then(|s| s.parse::<u64>().ok()) {
                *p = serde_json::Value::from(bits);
            }
        }
    }
    Ok(body)
}

/// Events poise does not handle itself: button clicks.
async fn on_event(
    fw: poise::FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    if let serenity::FullEvent::InteractionCreate {
        interaction: serenity::Interaction::Component(c),
    } = event
    {
        components::handle(fw.serenity_context, fw.user_data, c).await?;
    }
    Ok(())
}

/// Logs errors with ids only, and tells the user something went wrong (with the emergency line:
/// a failed answer must never leave someone without a route).
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            instrument::set_outcome(instrument::Outcome::Error);
            tracing::error!(
                command = %ctx.command().name,
                user_id = %ctx.author().id,
                error = %error,
                "command failed"
            );
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(format!(
                            "Sorry, that did not work. Please try again. {EMERGENCY_LINE}"
                        ))
                        .ephemeral(true),
                )
                .await;
        }
        poise::FrameworkError::UnknownInteraction {
            framework,
            interaction,
            ..
        } => {
            // A command Discord still shows but this bot no longer has (e.g. registered by an
            // older version): say so rather than leave "the application did not respond".
            instrument::set_outcome(instrument::Outcome::UnknownCommand);
            tracing::warn!(interaction_id = %interaction.id, "unknown command");
            if interaction.data.kind == serenity::CommandType::ChatInput {
                let reply = serenity::CreateInteractionResponse::Message(
                    serenity::CreateInteractionResponseMessage::new()
                        .content(format!(
                            "This bot does not know that command (it may be out of date in your Discord). Try /help. {EMERGENCY_LINE}"
                        ))
                        .ephemeral(true),
                );
                if let Err(e) = interaction
                    .create_response(&framework.serenity_context.http, reply)
                    .await
                {
                    tracing::error!(error = %e, "could not answer an unknown command");
                }
            }
        }
        poise::FrameworkError::EventHandler { error, .. } => {
            instrument::set_outcome(instrument::Outcome::Error);
            tracing::error!(error = %error, "event handler failed");
        }
        other => {
            instrument::set_outcome(match &other {
                poise::FrameworkError::GuildOnly { .. }
                | poise::FrameworkError::DmOnly { .. }
                | poise::FrameworkError::NotAnOwner { .. }
                | poise::FrameworkError::MissingUserPermissions { .. }
                | poise::FrameworkError::CommandCheckFailed { .. } => instrument::Outcome::Refused,
                _ => instrument::Outcome::Error,
            });
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}
