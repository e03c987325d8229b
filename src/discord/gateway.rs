//! Gateway mode: the bot holds a websocket to Discord and receives every interaction over it
//! (the default, for one process). Each `INTERACTION_CREATE` is handed to
//! [`super::dispatch::interaction`] with a [`Responder`] that answers over REST; the first
//! `READY` registers the slash commands (when `discord.register_commands`) and marks the bot
//! ready. `discord.shards` lets several processes split a large bot's shards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ::serenity::all as serenity;
use anyhow::Context as _;
use tokio::sync::watch;

use super::respond::Responder;
use super::{dispatch, register, Data, ReadyState};
use crate::settings::ShardRange;

/// The gateway side of a running bot.
pub struct Gateway {
    /// The shard manager (health reads the shards' stages; shutdown closes them).
    pub shard_manager: Arc<serenity::ShardManager>,
    /// The client task.
    pub client: tokio::task::JoinHandle<Result<(), serenity::Error>>,
    /// The client's REST client (reminders are posted with it).
    pub http: Arc<serenity::Http>,
}

/// Serenity's view of the bot: the events it acts on.
struct Handler {
    data: Arc<Data>,
    ready: watch::Sender<ReadyState>,
    started: AtomicBool,
}

#[serenity::async_trait]
impl serenity::EventHandler for Handler {
    async fn ready(&self, ctx: serenity::Context, ready: serenity::Ready) {
        // READY comes again after a reconnect with a new session: register once.
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let result = register(&ctx.http, &self.data.settings).await;
        match &result {
            Ok(()) => tracing::info!(
                bot_id = %ready.user.id,
                guilds = self.data.settings.discord.guild_ids.len(),
                "connected; commands registered"
            ),
            Err(e) => tracing::error!(error = %e, "registering commands failed"),
        }
        let _ = self.ready.send(Some(result.map_err(|e| e.to_string())));
    }

    async fn interaction_create(&self, ctx: serenity::Context, interaction: serenity::Interaction) {
        let r = Responder::rest(ctx.http.clone(), interaction.id(), interaction.token());
        dispatch::interaction(&r, &self.data, &interaction).await;
    }
}

/// Connects to the gateway with `http` and runs the client (all shards, or `shards`).
pub async fn start(
    http: serenity::Http,
    data: Arc<Data>,
    ready: watch::Sender<ReadyState>,
    shards: Option<ShardRange>,
) -> anyhow::Result<Gateway> {
    let handler = Handler {
        data,
        ready,
        started: AtomicBool::new(false),
    };
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .event_handler(handler)
        .await
        .context("cannot build the Discord client")?;
    let shard_manager = client.shard_manager.clone();
    let http = client.http.clone();
    let client = tokio::spawn(async move {
        match shards {
            Some(r) => {
                tracing::info!(
                    first = r.first,
                    last = r.last,
                    total = r.total,
                    "running shards"
                );
                client.start_shard_range(r.first..r.last, r.total).await
            }
            None => client.start().await,
        }
    });
    Ok(Gateway {
        shard_manager,
        client,
        http,
    })
}
