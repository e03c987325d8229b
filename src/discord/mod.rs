//! The Discord adapter (serenity). Serenity types live only in this module: the rest of the
//! crate speaks [`crate::reply::Reply`].
//!
//! Two transports bring interactions in, and both hand each one to [`dispatch`]:
//!
//! - [`gateway`]: a websocket to Discord (the default; `discord.shards` splits a large bot);
//! - [`http`]: Discord's HTTP interactions endpoint, signed POSTs that several processes behind
//!   a load balancer can answer (`discord.mode = "http"`), with a [`respond::Responder`] that
//!   makes the first answer the HTTP response body.
//!
//! What the interactions do:
//!
//! - [`commands`]: the slash commands (registration and handlers), thin wrappers over
//!   [`crate::commands`].
//! - [`components`]: button clicks, routed by custom_id ([`custom_id`]) so they survive
//!   restarts.
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

pub mod application;
pub mod attachment;
pub mod checks;
pub mod commands;
pub mod components;
pub mod custom_id;
pub mod dispatch;
pub mod gateway;
pub mod health;
pub mod http;
pub mod instrument;
pub mod map;
pub mod ratelimit;
pub mod record;
pub mod reminder_post;
pub mod reminders;
pub mod render;
pub mod replay;
pub mod respond;
pub mod review;
mod serve;
pub mod triage;

use std::sync::Arc;

use ::serenity::all as serenity;

use crate::reload::peers::Peers;
use crate::reload::Reloader;
use crate::settings::Settings;
use crate::snapshot::Live;
use crate::triage::reminder::Reminders;

pub use serve::{serve, start, start_with_clock, ServeHandle};

/// The error type of commands and handlers.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Whether the commands are registered: `None` until tried, then the result.
pub type ReadyState = Option<Result<(), String>>;

/// State shared by every command and handler.
pub struct Data {
    /// The knowledge being served.
    pub live: Arc<Live>,
    /// The validated settings.
    pub settings: Arc<Settings>,
    /// Per-user limit on expensive commands.
    pub limiter: ratelimit::RateLimiter,
    /// `/reload`.
    pub reloader: Arc<Reloader>,
    /// The other processes sharing a PostgreSQL store, told of each `/reload` (`None` on
    /// SQLite).
    pub peers: Option<Arc<Peers>>,
    /// Triage sessions (SQLite or PostgreSQL): what makes `/triage` buttons survive a restart.
    pub store: Arc<crate::triage::Store>,
    /// Reminders of triage deadlines, in the same store.
    pub reminders: Arc<Reminders>,
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

/// Registers the commands in each configured server (instant), or globally when none is set;
/// nothing when `discord.register_commands` is off (another process or a deploy step does it).
pub async fn register(http: &serenity::Http, settings: &Settings) -> Result<(), serenity::Error> {
    if !settings.discord.register_commands {
        tracing::info!("discord.register_commands is off: commands not registered here");
        return Ok(());
    }
    let body = registration_body(&commands::definitions())?;
    if settings.discord.guild_ids.is_empty() {
        http.create_global_commands(&body).await?;
    } else {
        for g in &settings.discord.guild_ids {
            http.create_guild_commands(serenity::GuildId::new(*g), &body)
                .await?;
        }
    }
    Ok(())
}

/// The bulk-overwrite body for the commands. serenity writes permission bits as a string;
/// Discord's OpenAPI description of this request types `default_member_permissions` as an
/// integer, so it is sent as one.
pub fn registration_body(
    commands: &[serenity::CreateCommand],
) -> Result<serde_json::Value, serde_json::Error> {
    let mut body = serde_json::to_value(commands)?;
    for c in body.as_array_mut().into_iter().flatten() {
        if let Some(p) = c.get_mut("default_member_permissions") {
            if let Some(bits) = p.as_str().and_then(|s| s.parse::<u64>().ok()) {
                *p = serde_json::Value::from(bits);
            }
        }
    }
    Ok(body)
}
