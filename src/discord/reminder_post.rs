//! Delivering a due reminder on Discord: a post in the triage thread that mentions the
//! practitioner (and only them: `allowed_mentions` names their id alone), with the buttons Done,
//! "Not yet — remind me again" and "Stop reminders". If the thread has gone (deleted, archived
//! and locked, or the bot has lost access) the reminder goes to the practitioner as a direct
//! message saying so; if that fails too, it is logged with ids only. It is never dropped
//! silently.

use std::sync::Arc;

use ::serenity::all as serenity;

use super::custom_id::reminder_id;
use super::render::{self, ButtonOut, MessageOut};
use crate::reply::{ButtonStyle, EMERGENCY_LINE};
use crate::snapshot::Live;
use crate::triage::reminder::{out_of_hours_note, Deliver, Delivery, DueReminder, ReminderAction};

/// Discord's error code for an action on an archived thread.
const THREAD_ARCHIVED: isize = 50083;

/// Delivers reminders through Discord's REST API, saying how to meet a deadline that falls out
/// of hours by the knowledge being served.
#[derive(Clone)]
pub struct DiscordDelivery {
    http: Arc<serenity::Http>,
    live: Arc<Live>,
}

impl DiscordDelivery {
    /// Delivery through `http` (the bot's client), with the knowledge `live` serves (its bank
    /// holidays and out-of-hours line).
    pub fn new(http: Arc<serenity::Http>, live: Arc<Live>) -> DiscordDelivery {
        DiscordDelivery { http, live }
    }

    /// How to meet `r`'s deadline if it falls out of hours, judged when the reminder is sent.
    fn note(&self, r: &DueReminder) -> Option<String> {
        let late = r
            .late_by
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
        let now = r.due_at.saturating_add(late);
        out_of_hours_note(&r.rule, now, r.deadline_at, &self.live.current().knowledge)
    }
}

/// `<t:…:F> (<t:…:R>)`: a time every reader's Discord shows in their own time zone, with how far
/// off it is.
pub fn when(ms: i64) -> String {
    let s = ms.div_euclid(1000);
    format!("<t:{s}:F> (<t:{s}:R>)")
}

/// The reminder's text, without the mention; `out_of_hours` says how to meet a deadline that
/// falls out of hours ([`out_of_hours_note`]).
pub fn reminder_text(r: &DueReminder, out_of_hours: Option<&str>) -> String {
    let mut text = format!(
        "Reminder: **{}**.\nDue by {}. The guidance: \"{}\"",
        r.what,
        when(r.deadline_at),
        r.rule
    );
    if let Some(note) = out_of_hours {
        text.push_str(&format!("\n🌙 Out of hours: {note}"));
    }
    if r.late_by.is_some() {
        text.push_str(&format!(
            "\n⚠️ This reminder is late: it was due at {}, but the bot could not send it then.",
            when(r.due_at)
        ));
    }
    text.push_str(&format!("\n🚨 {EMERGENCY_LINE}"));
    text
}

/// Done, Not yet, Stop.
fn buttons(id: &str) -> Vec<ButtonOut> {
    [
        (ReminderAction::Done, "Done", ButtonStyle::Primary),
        (
            ReminderAction::NotYet,
            "Not yet — remind me again",
            ButtonStyle::Secondary,
        ),
        (
            ReminderAction::Stop,
            "Stop reminders",
            ButtonStyle::Secondary,
        ),
    ]
    .into_iter()
    .filter_map(|(action, label, style)| ButtonOut::new(reminder_id(id, action), label, style))
    .collect()
}

/// The message posted in the thread (`mention` set) or sent directly.
fn message(
    r: &DueReminder,
    content: String,
    mention: Option<serenity::UserId>,
) -> serenity::CreateMessage {
    let out = MessageOut {
        buttons: buttons(&r.id),
        ..MessageOut::default()
    }
    .with_content(&content);
    let m = serenity::CreateMessage::new()
        .components(out.action_rows())
        .content(out.content.unwrap_or_default());
    match mention {
        Some(user) => m.allowed_mentions(serenity::CreateAllowedMentions::new().users([user])),
        None => m.allowed_mentions(serenity::CreateAllowedMentions::new()),
    }
}

/// True when the thread cannot take the post (gone, archived, no access), so the reminder
/// should go by direct message; false for a failure that may pass (network, 5xx, 429).
fn thread_unavailable(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            let status = r.status_code.as_u16();
            r.error.code == THREAD_ARCHIVED || ((400..500).contains(&status) && status != 429)
        }
        serenity::Error::Http(_) => false,
        // A body serenity itself refused, or another model error: the thread route cannot work.
        serenity::Error::Model(_) => true,
        _ => false,
    }
}

impl DiscordDelivery {
    async fn by_direct_message(&self, r: &DueReminder, user: serenity::UserId) -> Delivery {
        let content = format!(
            "I could not post this reminder in your triage thread (it may have been archived or deleted), so I am sending it here.\n{}",
            reminder_text(r, self.note(r).as_deref())
        );
        let sent = match user.create_dm_channel(&*self.http).await {
            Ok(dm) => dm
                .id
                .send_message(
                    &*self.http,
                    message(r, render::truncate(&content, render::CONTENT_MAX), None),
                )
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => {
                tracing::warn!(reminder = %r.id, user_id = %r.owner, channel_id = %r.channel_id, "reminder sent by direct message: the thread was unavailable");
                Delivery::DirectMessage
            }
            Err(e) => {
                tracing::error!(reminder = %r.id, user_id = %r.owner, channel_id = %r.channel_id, error = %e, "reminder could not be sent by direct message either");
                Delivery::Undelivered
            }
        }
    }
}

impl Deliver for DiscordDelivery {
    async fn deliver(&self, r: &DueReminder) -> Delivery {
        let (Ok(user), Ok(channel)) = (r.owner.parse::<u64>(), r.channel_id.parse::<u64>()) else {
            tracing::error!(reminder = %r.id, "reminder has a malformed user or channel id");
            return Delivery::Undelivered;
        };
        let (Some(user), Some(channel)) = (
            (user != 0).then(|| serenity::UserId::new(user)),
            (channel != 0).then(|| serenity::ChannelId::new(channel)),
        ) else {
            tracing::error!(reminder = %r.id, "reminder has a zero user or channel id");
            return Delivery::Undelivered;
        };
        let content = format!("<@{user}> {}", reminder_text(r, self.note(r).as_deref()));
        let post = message(
            r,
            render::truncate(&content, render::CONTENT_MAX),
            Some(user),
        );
        match channel.send_message(&*self.http, post).await {
            Ok(_) => {
                tracing::info!(reminder = %r.id, user_id = %user, channel_id = %channel, late = r.late_by.is_some(), "reminder posted");
                Delivery::Posted
            }
            Err(e) if thread_unavailable(&e) => {
                tracing::warn!(reminder = %r.id, channel_id = %channel, error = %e, "reminder could not be posted in the thread");
                self.by_direct_message(r, user).await
            }
            Err(e) => {
                tracing::warn!(reminder = %r.id, channel_id = %channel, error = %e, "posting a reminder failed; will retry");
                Delivery::Retry
            }
        }
    }
}
