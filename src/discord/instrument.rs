//! One tracing span per interaction, so an operator can follow any command, autocomplete or
//! button from arrival to answer, and measure it, without the logs ever holding what anyone
//! typed.
//!
//! [`instrumented`] runs every interaction, from the gateway or the HTTP endpoint, inside a span
//! named `interaction` with
//!
//! - `kind`: `command`, `autocomplete`, `component` (a button) or `modal`;
//! - `command`: the slash command's name, or for a button the route (`post:whocall`, `triage`,
//!   `remind_offer`, `remind_at`, `reminder`, `unknown`) — never the custom_id itself, which can carry a query;
//! - `interaction_id`, `guild_id` (absent in DMs), `user_id`;
//! - `latency_ms`: from the interaction reaching the dispatcher to the handler finishing (the
//!   answer sent);
//! - `outcome`: how it ended, an [`Outcome`] reported with [`set_outcome`] (`ok` unless a
//!   handler said otherwise).
//!
//! and ends with one `interaction handled` event carrying `latency_ms` and `outcome`. Option
//! values, autocomplete input and message text are never recorded.

use std::cell::Cell;
use std::time::Instant;

use ::serenity::all as serenity;
use tracing::Instrument as _;

use super::custom_id::{self, Route};
use crate::reload::ReloadResult;

/// How an interaction ended, as its log span's `outcome` records it. An enum so that a handler
/// cannot report a word the operator's dashboards do not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered as asked.
    Ok,
    /// The user had sent too many commands in the last minute.
    RateLimited,
    /// Not allowed: a triage click by someone else, on an expired session, an admin-only
    /// command, …
    Refused,
    /// A click on a step that has moved on, or a message with nothing left to post.
    Stale,
    /// A button whose custom_id this version does not know.
    UnknownButton,
    /// A slash command this version does not have.
    UnknownCommand,
    /// Something failed; the user was told and given the emergency line.
    Error,
    /// The result of a `/reload`.
    Reload(ReloadResult),
}

impl Outcome {
    /// The word written to the span.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::RateLimited => "rate_limited",
            Outcome::Refused => "refused",
            Outcome::Stale => "stale",
            Outcome::UnknownButton => "unknown_button",
            Outcome::UnknownCommand => "unknown",
            Outcome::Error => "error",
            Outcome::Reload(r) => r.as_str(),
        }
    }
}

tokio::task_local! {
    static OUTCOME: Cell<Outcome>;
}

/// Records how the interaction being handled ended, for its span's `outcome`. Outside an
/// instrumented interaction it does nothing.
pub fn set_outcome(outcome: Outcome) {
    let _ = OUTCOME.try_with(|c| c.set(outcome));
}

/// Runs the handling of `interaction` inside its span, and ends with the `interaction handled`
/// event: the one place both transports (gateway and HTTP) measure and label an interaction.
pub async fn instrumented(
    interaction: &serenity::Interaction,
    handling: impl std::future::Future<Output = ()>,
) {
    let span = span_for(interaction);
    let started = Instant::now();
    let outcome = OUTCOME
        .scope(Cell::new(Outcome::Ok), async move {
            handling.await;
            OUTCOME.with(Cell::get).as_str()
        })
        .instrument(span.clone())
        .await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    span.record("latency_ms", latency_ms);
    span.record("outcome", outcome);
    span.in_scope(|| tracing::info!(latency_ms, outcome, "interaction handled"));
}

/// The span for one interaction: ids and names only.
fn span_for(interaction: &serenity::Interaction) -> tracing::Span {
    let (kind, command, id, guild, user) = match interaction {
        serenity::Interaction::Command(c) => (
            "command",
            c.data.name.clone(),
            c.id,
            c.guild_id,
            Some(c.user.id),
        ),
        serenity::Interaction::Autocomplete(a) => (
            "autocomplete",
            a.data.name.clone(),
            a.id,
            a.guild_id,
            Some(a.user.id),
        ),
        serenity::Interaction::Component(c) => {
            let route = match custom_id::parse(&c.data.custom_id) {
                Route::Post { command, .. } | Route::LegacyPost { command, .. } => {
                    format!("post:{}", command.name())
                }
                Route::Triage { action, .. }
                    if action.starts_with(crate::triage::review::PREFIX) =>
                {
                    "triage_review".to_string()
                }
                Route::Triage { .. } => "triage".to_string(),
                Route::TriageMap { .. } => "triage_map".to_string(),
                Route::TriageRecord { .. } => "triage_record".to_string(),
                Route::RemindOffer { .. } => "remind_offer".to_string(),
                Route::RemindAt { .. } => "remind_at".to_string(),
                Route::Reminder { .. } => "reminder".to_string(),
                Route::Situation { .. } => "situation_triage".to_string(),
                Route::Unknown => "unknown".to_string(),
            };
            ("component", route, c.id, c.guild_id, Some(c.user.id))
        }
        serenity::Interaction::Modal(m) => {
            ("modal", String::new(), m.id, m.guild_id, Some(m.user.id))
        }
        serenity::Interaction::Ping(p) => ("ping", String::new(), p.id, None, None),
        _ => ("other", String::new(), interaction.id(), None, None),
    };
    let span = tracing::info_span!(
        "interaction",
        kind,
        command = %command,
        interaction_id = %id,
        guild_id = tracing::field::Empty,
        user_id = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    if let Some(g) = guild {
        span.record("guild_id", tracing::field::display(g));
    }
    if let Some(u) = user {
        span.record("user_id", tracing::field::display(u));
    }
    span
}
