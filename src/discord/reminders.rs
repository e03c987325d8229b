//! Reminders on Discord: the "Remind me" button on a triage summary whose outcome has a
//! deadline, the choice of when (a private message with one button per time still ahead), and
//! the answers to a delivered reminder (Done, Not yet, Stop). The rules — who may press, which
//! times, what Not yet means, exactly-once firing — are in [`crate::triage::reminder`]; this
//! module only draws and routes. Delivery is in [`super::reminder_post`].

use ::serenity::all as serenity;

use super::custom_id::{remind_at_id, remind_offer_id};
use super::instrument::{set_outcome, Outcome};
use super::reminder_post::when;
use super::render::{self, private_note, ButtonOut};
use super::respond::Responder;
use super::{Data, Error};
use crate::reply::ButtonStyle;
use crate::triage::reminder::{self, choice_label, Deadline, ReminderAction, ReminderError};
use crate::triage::TriageError;

/// The "Remind me" buttons for a summary at `step`: one per deadline (Discord shows at most a
/// few; a summary has one or two).
pub fn offer_buttons(session: &str, step: u32, deadlines: &[Deadline]) -> Vec<ButtonOut> {
    deadlines
        .iter()
        .take(3)
        .enumerate()
        .filter_map(|(i, d)| {
            let label = if deadlines.len() == 1 {
                "Remind me".to_string()
            } else {
                format!("Remind me: {}", d.rule)
            };
            let no = u32::try_from(i).ok()?;
            ButtonOut::new(
                remind_offer_id(session, step, no),
                &label,
                ButtonStyle::Secondary,
            )
        })
        .collect()
}

/// The deadlines of a finished session, for its summary's buttons; none (logged) if they cannot
/// be read, so a store hiccup costs the offer, never the summary.
pub async fn deadlines(data: &Data, session: &str) -> Vec<Deadline> {
    let snapshot = data.live.current();
    match reminder::deadlines_of(&data.store, &snapshot, session).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(session, error = %e, "deadlines for the reminder offer could not be read");
            Vec::new()
        }
    }
}

/// Tells the clicker privately why nothing happened.
async fn refuse(
    ctx: &Responder,
    c: &serenity::ComponentInteraction,
    e: &ReminderError,
) -> Result<(), Error> {
    set_outcome(match e {
        ReminderError::Triage(TriageError::Store(_)) => Outcome::Error,
        ReminderError::AlreadyAnswered | ReminderError::Stale => Outcome::Stale,
        _ => Outcome::Refused,
    });
    tracing::info!(user_id = %c.user.id, reason = e.reason(), "reminder click refused");
    ctx.respond(private_note(&e.to_string()))
        .await
        .map_err(Into::into)
}

/// Updates the message the button is on: new text, no buttons, no pings.
async fn update(ctx: &Responder, text: &str) -> Result<(), Error> {
    let m = serenity::CreateInteractionResponseMessage::new()
        .content(render::truncate(text, render::CONTENT_MAX))
        .embeds(Vec::new())
        .components(Vec::new())
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    ctx.respond(serenity::CreateInteractionResponse::UpdateMessage(m))
        .await
        .map_err(Into::into)
}

/// "Remind me": shows, privately, the reminder times still ahead for that deadline.
pub async fn offer(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    session: &str,
    step: u32,
    deadline: u32,
) -> Result<(), Error> {
    let snapshot = data.live.current();
    let actor = c.user.id.get().to_string();
    let offer =
        match reminder::offer(&data.reminders, &snapshot, session, step, deadline, &actor).await {
            Ok(o) => o,
            Err(e) => return refuse(ctx, c, &e).await,
        };
    let mut text = format!(
        "Remind you about **{}**, due by {}?",
        offer.deadline.what,
        when(offer.deadline.due_ms())
    );
    let note = reminder::out_of_hours_note(
        &offer.deadline.rule,
        data.reminders.now_ms(),
        offer.deadline.due_ms(),
        &snapshot.knowledge,
    );
    if let Some(note) = note {
        text.push_str(&format!("\n🌙 Out of hours: {note}"));
    }
    text.push_str("\nChoose when: I will post in this thread and mention you.");
    let buttons: Vec<ButtonOut> = offer
        .choices
        .iter()
        .filter_map(|&m| {
            ButtonOut::new(
                remind_at_id(session, step, deadline, m),
                &choice_label(m),
                ButtonStyle::Primary,
            )
        })
        .collect();
    let out = render::MessageOut {
        buttons,
        ..render::MessageOut::default()
    }
    .with_content(&text);
    tracing::info!(user_id = %c.user.id, session, "reminder times offered");
    ctx.respond(serenity::CreateInteractionResponse::Message(
        out.to_interaction(true),
    ))
    .await
    .map_err(Into::into)
}

/// A reminder time chosen: sets the reminder and says when it will come.
pub async fn set(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    (session, step, deadline): (&str, u32, u32),
    before_minutes: u32,
) -> Result<(), Error> {
    let snapshot = data.live.current();
    let actor = c.user.id.get().to_string();
    let channel = c.channel_id.get().to_string();
    let set = reminder::set(
        &data.reminders,
        &snapshot,
        session,
        step,
        deadline,
        before_minutes,
        &actor,
        &channel,
    )
    .await;
    let scheduled = match set {
        Ok(s) => s,
        Err(e) => return refuse(ctx, c, &e).await,
    };
    tracing::info!(user_id = %c.user.id, session, reminder = %scheduled.id, channel_id = %c.channel_id, "reminder set");
    update(
        ctx,
        &format!(
            "Reminder set: I will remind you in this thread at {} about **{}**, due by {}.",
            when(scheduled.remind_at),
            scheduled.deadline.what,
            when(scheduled.deadline.due_ms())
        ),
    )
    .await
}

/// Done, Not yet or Stop on a delivered reminder.
pub async fn answer(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    reminder_id: &str,
    action: ReminderAction,
) -> Result<(), Error> {
    let actor = c.user.id.get().to_string();
    let done = match data.reminders.respond(reminder_id, &actor, action).await {
        Ok(d) => d,
        Err(e) => return refuse(ctx, c, &e).await,
    };
    tracing::info!(user_id = %c.user.id, reminder = reminder_id, action = action.as_str(), "reminder answered");
    let text = match (action, done.next_at) {
        (ReminderAction::Done, _) => format!(
            "✅ Done: **{}** (due by {}). No more reminders.",
            done.what,
            when(done.deadline_at)
        ),
        (ReminderAction::Stop, _) => format!(
            "Reminders stopped for **{}** (due by {}).",
            done.what,
            when(done.deadline_at)
        ),
        (ReminderAction::NotYet, Some(next)) => format!(
            "Not yet: I will remind you again at {} about **{}**, due by {}.",
            when(next),
            done.what,
            when(done.deadline_at)
        ),
        (ReminderAction::NotYet, None) => format!(
            "No more reminders: **{}** was due by {}, more than a day ago. Act on it now and talk to your Designated Safeguarding Lead. {}",
            done.what,
            when(done.deadline_at),
            crate::reply::EMERGENCY_LINE
        ),
    };
    update(ctx, &text).await
}
