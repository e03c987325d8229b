//! "Check your answers" on Discord. When the answers reach an outcome the message shows the
//! review (every question and answer, numbered; Confirm, Change N, Back, Restart; the emergency
//! line at the top) rather than the summary. Its buttons are triage buttons whose action is a
//! [`ReviewAction`] (`tr:{session}:{step}:rv:…`):
//!
//! - **Change N** shows question N with a button per answer (`rv:set:N:value`) and "Keep my
//!   answer" (`rv:show`); choosing one stores the change ([`triage::change`]) and shows the
//!   review again, naming the later answers that no longer apply, or the question the new path
//!   needs first;
//! - **Confirm** shows the summary, with "Show the path", "Save record" and "Remind me".
//!
//! Whether the answers were confirmed is not stored: the button pressed decides what is shown,
//! and everything it needs is in its id and the session store, so a message still open after
//! the bot restarts keeps working. Every press is checked as an answer is (session, owner,
//! step): a press on an old copy changes nothing and redraws where the session really is.

use ::serenity::all as serenity;

use super::render::MessageOut;
use super::respond::Responder;
use super::triage::{current, drawn, refuse, stale, summary, update};
use super::{Data, Error};
use crate::snapshot::Snapshot;
use crate::triage::review::ReviewAction;
use crate::triage::{self, SessionView, TriageError};

/// Applies a press of a review button (`action` is `rv:…`) and updates the message in place.
pub async fn click(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    session: &str,
    step: u32,
    action: &str,
) -> Result<(), Error> {
    let action = match ReviewAction::parse(action) {
        Ok(a) => a,
        Err(e) => return refuse(ctx, c, &TriageError::InvalidAction(e.0)).await,
    };
    let snapshot = data.live.current();
    let actor = c.user.id.get().to_string();
    let shown = match &action {
        ReviewAction::Set { position, value } => triage::change(
            &data.store,
            &snapshot,
            session,
            step,
            *position,
            value,
            &actor,
        )
        .await
        .map(|v| (current(&v), v)),
        other => look(data, &snapshot, session, step, &actor, other).await,
    };
    let (all, view) = match shown {
        Ok(shown) => shown,
        Err(TriageError::StaleStep { .. }) => match stale(data, session).await {
            Ok(v) => (current(&v), v),
            Err(e) => return refuse(ctx, c, &e).await,
        },
        Err(e) => return refuse(ctx, c, &e).await,
    };
    tracing::info!(
        user_id = %c.user.id,
        session = %view.session_id,
        step = view.step,
        review = kind(&action),
        finished = view.finished,
        dropped = view.dropped.len(),
        outcome = view.outcome.as_deref().unwrap_or(""),
        "triage review"
    );
    update(ctx, c, &all).await
}

/// The review actions that change nothing: Confirm (the summary), Show (the review) and
/// Change N (question N, to choose a new answer). Checked as an answer is: the session exists
/// and has not expired, `actor` owns it, and `step` is still its step.
async fn look(
    data: &Data,
    snapshot: &std::sync::Arc<Snapshot>,
    session: &str,
    step: u32,
    actor: &str,
    action: &ReviewAction,
) -> Result<(Vec<MessageOut>, SessionView), TriageError> {
    triage::path_of(&data.store, session, actor).await?;
    let v = triage::view(&data.store, snapshot, session).await?;
    if v.step != step {
        return Err(TriageError::StaleStep { current: v.step });
    }
    Ok(match action {
        ReviewAction::Confirm if v.finished => (summary(data, &v).await, v),
        ReviewAction::Change(n) if v.finished => {
            let p = triage::change_prompt(&data.store, snapshot, session, *n).await?;
            (drawn(&p.session_id, p.step, &p.reply), p)
        }
        // Show, or a session whose answers no longer reach an outcome (a /reload changed the
        // tree): where it stands.
        _ => (current(&v), v),
    })
}

/// The kind of review action, for the log (never the answer value).
fn kind(action: &ReviewAction) -> &'static str {
    match action {
        ReviewAction::Confirm => "confirm",
        ReviewAction::Show => "show",
        ReviewAction::Change(_) => "change",
        ReviewAction::Set { .. } => "set",
    }
}
