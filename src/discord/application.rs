//! HTTP mode's one need of Discord's REST API at start: the application (its id addresses
//! follow-ups) and, where `discord.register_commands` says so, registering the slash commands.
//!
//! It runs in the background, after the endpoint is already serving: every interaction carries
//! its own `application_id` and token, so PINGs and interactions are answered while Discord's
//! REST API is unreachable, and a rolling restart during a Discord API incident does not take
//! every process down. Failures are retried with a growing pause (up to [`MAX_PAUSE`]), logged
//! each time (the error, never the token), and reported on `GET /health` as `discord_api`. A
//! token Discord refuses (HTTP 401) is not an outage but a wrong setting: it stops `serve` with
//! the same message as in gateway mode.

use std::sync::Arc;
use std::time::Duration;

use ::serenity::all as serenity;
use tokio::sync::watch;

use super::{explain, register, ReadyState};
use crate::settings::Settings;

/// The longest pause between two attempts.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The first pause after a failed attempt (doubled after each further failure).
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// Where the background start-up stands, for `GET /health` (`discord_api`) and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestState {
    /// Not asked yet.
    Starting,
    /// The last attempt failed; another follows. `attempts` so far.
    Retrying {
        /// Failed attempts so far.
        attempts: u32,
    },
    /// The application is known and the commands registered (or registration is off here).
    Done,
}

impl RestState {
    /// The word `GET /health` shows.
    pub fn describe(&self) -> String {
        match self {
            RestState::Starting => "starting".into(),
            RestState::Retrying { attempts } => {
                format!("unreachable (retrying, {attempts} failed attempts)")
            }
            RestState::Done => "reachable".into(),
        }
    }
}

/// Starts the background task: asks for the application and registers the commands until both
/// succeed, then sends `Some(Ok(()))` on `ready`; a refused token sends `Some(Err(…))`.
pub(crate) fn spawn(
    http: Arc<serenity::Http>,
    settings: Arc<Settings>,
    ready: watch::Sender<ReadyState>,
    state: watch::Sender<RestState>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = FIRST_PAUSE;
        let mut attempts = 0u32;
        loop {
            match attempt(&http, &settings).await {
                Ok(app) => {
                    tracing::info!(application_id = %app, attempts, "interactions endpoint: application known, commands registered");
                    let _ = state.send(RestState::Done);
                    let _ = ready.send(Some(Ok(())));
                    return;
                }
                Err(Failure::Refused(why)) => {
                    tracing::error!(error = %why, "Discord refused the bot token");
                    let _ = ready.send(Some(Err(why)));
                    return;
                }
                Err(Failure::Retry(why)) => {
                    attempts += 1;
                    tracing::warn!(
                        error = %why,
                        attempts,
                        retry_in_ms = pause.as_millis() as u64,
                        "Discord's REST API did not answer at start; serving interactions meanwhile"
                    );
                    let _ = state.send(RestState::Retrying { attempts });
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_PAUSE);
                }
            }
        }
    })
}

/// Why an attempt failed.
enum Failure {
    /// The token was refused: no point retrying.
    Refused(String),
    /// Anything else (unreachable, 5xx, rate limited): try again later.
    Retry(String),
}

/// One attempt: the application id (unless an interaction already carried it), then the
/// commands.
async fn attempt(
    http: &serenity::Http,
    settings: &Settings,
) -> Result<serenity::ApplicationId, Failure> {
    let classify = |e: serenity::Error| {
        let refused = matches!(&e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.status_code.as_u16() == 401);
        let why = explain(&e);
        if refused {
            Failure::Refused(format!("cannot ask Discord for the application: {why}"))
        } else {
            Failure::Retry(why)
        }
    };
    let app = match http.application_id() {
        Some(id) => id,
        None => {
            let app = http
                .get_current_application_info()
                .await
                .map_err(classify)?;
            http.set_application_id(app.id);
            app.id
        }
    };
    register(http, settings).await.map_err(classify)?;
    Ok(app)
}
