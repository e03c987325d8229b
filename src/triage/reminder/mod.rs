//! Reminders of a triage outcome's deadlines: a practitioner who reaches an outcome with a
//! deadline ("within 24 hours") can ask to be reminded before it falls due, and is then reminded
//! in the triage's thread, mentioned by id, until they say it is done or stop the reminders.
//!
//! This is the transport-neutral core: no chat types. A chat adapter
//!
//! 1. asks [`deadlines_of`] (or, for a deadline it already has, nothing) which deadlines a
//!    finished session has, and offers a "Remind me" button for each;
//! 2. shows the [`CHOICES`] still ahead with [`offer`], and schedules the one chosen with
//!    [`set`] (or calls [`Reminders::schedule`] directly with any [`Deadline`]);
//! 3. runs [`Reminders::run`] with its own [`Deliver`], which posts each due reminder (or, when
//!    the thread has gone, sends it by direct message);
//! 4. hands the practitioner's answer ([`ReminderAction`]) to [`Reminders::respond`].
//!
//! Reminders live in the triage store (`migrations/{sqlite,postgres}/20261201000001_reminders.sql`), so they
//! survive a restart, and are claimed atomically before sending, so two bot processes sharing
//! the store send each one once. The deadlines themselves come from
//! [`deadlines::deadlines_for`]: the deadlines of the decision record that have a clock time.

#![warn(missing_docs)]

pub mod deadlines;
pub mod fire;
pub mod policy;
pub(crate) mod store;

pub use deadlines::{deadlines_for, out_of_hours_note};
pub use fire::{Deliver, Delivery, DueReminder, Fired, NewReminder, Reminders, Responded};
pub use policy::{choice_label, next_after_not_yet, CHOICES, LATE_AFTER, OVERDUE_LIMIT, SNOOZE};
pub use store::{ReminderAudit, ReminderRow};

use jiff::Timestamp;

use super::{is_session_id, Guidance, Store, TriageError};

/// One deadline of a decision: what is due, the rule it comes from, and when. The text is the
/// guidance's own words (never anything typed, nothing about the child); it is copied into the
/// reminder so that what the practitioner is reminded of is what they were shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    /// What is due, e.g. "Refer to the police and Children's Social Care (through SPA, 020 8547
    /// 5008) within 24 hours".
    pub what: String,
    /// The rule as the guidance words it, e.g. "Within 24 hours."
    pub rule: String,
    /// When it falls due.
    pub due: Timestamp,
}

impl Deadline {
    /// The due time in Unix milliseconds, the form the store keeps.
    pub fn due_ms(&self) -> i64 {
        self.due.as_millisecond()
    }
}

/// An instant from Unix milliseconds, the form the store keeps (the epoch for a value out of
/// range).
pub fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// What a practitioner answers to a reminder. Its words are fixed: they travel in button ids
/// and are written to the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderAction {
    /// It is done: no more reminders.
    Done,
    /// Not yet: remind again later (see [`next_after_not_yet`]).
    NotYet,
    /// Stop the reminders without saying it is done.
    Stop,
}

impl ReminderAction {
    /// The word in button ids.
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderAction::Done => "done",
            ReminderAction::NotYet => "again",
            ReminderAction::Stop => "stop",
        }
    }

    /// The action a button id's word names.
    pub fn parse(s: &str) -> Option<ReminderAction> {
        [
            ReminderAction::Done,
            ReminderAction::NotYet,
            ReminderAction::Stop,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// Why a reminder could not be offered, set or answered. Every message is written for the
/// practitioner; [`ReminderError::Store`] keeps the technical detail for the log only.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// The reminder has ended (Done, Stop, its session expired) or never existed.
    #[error("This reminder has ended or could not be found. If the deadline still applies, act on it now; start a new /triage to set another reminder.")]
    UnknownReminder,
    /// Someone other than the practitioner who set it pressed one of its buttons.
    #[error("Only the person who set this reminder can answer it.")]
    NotOwner,
    /// The reminder was already answered (a double click, or an older copy of the message).
    #[error("This reminder has already been answered.")]
    AlreadyAnswered,
    /// The triage the button belongs to has moved on, or has no such deadline any more.
    #[error("This triage has changed since that button was shown. Use the buttons on its latest summary.")]
    Stale,
    /// Every reminder time offered for this deadline has passed.
    #[error("That time has already passed. If the deadline still applies, act on it now.")]
    TimePassed,
    /// A triage error (unknown or expired session, not the owner, the store failing).
    #[error("{0}")]
    Triage(#[from] TriageError),
}

impl ReminderError {
    /// A short word for logs and span outcomes.
    pub fn reason(&self) -> &'static str {
        match self {
            ReminderError::UnknownReminder => "unknown_reminder",
            ReminderError::NotOwner => "not_owner",
            ReminderError::AlreadyAnswered => "already_answered",
            ReminderError::Stale => "stale",
            ReminderError::TimePassed => "time_passed",
            ReminderError::Triage(TriageError::Store(_)) => "store",
            ReminderError::Triage(_) => "triage",
        }
    }
}

/// The deadlines of a finished session's outcome, decided when its outcome was (last) reached.
/// Empty while the session has no outcome.
pub async fn deadlines_of(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
) -> Result<Vec<Deadline>, TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let rec = store.get(session_id).await?;
    Ok(decided(store, guidance, &rec)
        .await?
        .map_or_else(Vec::new, |d| d.deadlines))
}

/// A finished session's outcome, when it was decided and its deadlines.
struct Decision {
    outcome: String,
    deadlines: Vec<Deadline>,
}

async fn decided(
    store: &Store,
    guidance: &impl Guidance,
    rec: &super::store::SessionRecord,
) -> Result<Option<Decision>, TriageError> {
    let Some(audit_id) = &rec.audit_id else {
        return Ok(None);
    };
    let Some((outcome_id, decided_at)) = store::decision(store, audit_id).await? else {
        return Ok(None);
    };
    let Some(outcome) = guidance.tree().outcome(&outcome_id) else {
        return Ok(None);
    };
    Ok(Some(Decision {
        deadlines: deadlines_for(
            outcome,
            &guidance.knowledge().bank_holidays,
            from_ms(decided_at),
        ),
        outcome: outcome_id,
    }))
}

/// What a "Remind me" button leads to: the deadline, and the [`CHOICES`] (minutes before it)
/// still ahead.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The deadline.
    pub deadline: Deadline,
    /// Minutes before the deadline, each still in the future.
    pub choices: Vec<u32>,
}

/// The checks every offer and set makes: a well-formed session owned by `actor`, still at
/// `step`, finished, with a deadline number `deadline_no`.
async fn checked(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
    step: u32,
    deadline_no: u32,
    actor: &str,
) -> Result<(String, Deadline), ReminderError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession.into());
    }
    let rec = store.get(session_id).await?;
    if rec.owner != actor {
        return Err(TriageError::NotOwner.into());
    }
    if rec.step != step {
        return Err(ReminderError::Stale);
    }
    let decision = decided(store, guidance, &rec)
        .await?
        .ok_or(ReminderError::Stale)?;
    let deadline = usize::try_from(deadline_no)
        .ok()
        .and_then(|i| decision.deadlines.get(i).cloned())
        .ok_or(ReminderError::Stale)?;
    Ok((decision.outcome, deadline))
}

/// The reminder times still open for deadline `deadline_no` of a finished session (only its
/// owner may ask). [`ReminderError::TimePassed`] when none is.
pub async fn offer(
    reminders: &Reminders,
    guidance: &impl Guidance,
    session_id: &str,
    step: u32,
    deadline_no: u32,
    actor: &str,
) -> Result<Offer, ReminderError> {
    let store = reminders.store();
    let (_, deadline) = checked(store, guidance, session_id, step, deadline_no, actor).await?;
    let now = store.now_ms();
    let choices: Vec<u32> = CHOICES
        .into_iter()
        .filter(|&m| policy::remind_at(deadline.due_ms(), m) > now)
        .collect();
    if choices.is_empty() {
        return Err(ReminderError::TimePassed);
    }
    Ok(Offer { deadline, choices })
}

/// A reminder that has been set.
#[derive(Debug, Clone)]
pub struct Scheduled {
    /// The reminder's id (32 hex characters).
    pub id: String,
    /// When it will fire (Unix milliseconds).
    pub remind_at: i64,
    /// The deadline it is for.
    pub deadline: Deadline,
}

/// Sets a reminder `before_minutes` before deadline `deadline_no` of a finished session, to be
/// posted in `channel_id`. Only the session's owner may; setting one again for the same deadline
/// moves it. The time must be one of [`CHOICES`] and still ahead.
#[allow(clippy::too_many_arguments)]
pub async fn set(
    reminders: &Reminders,
    guidance: &impl Guidance,
    session_id: &str,
    step: u32,
    deadline_no: u32,
    before_minutes: u32,
    actor: &str,
    channel_id: &str,
) -> Result<Scheduled, ReminderError> {
    if !CHOICES.contains(&before_minutes) {
        return Err(ReminderError::Stale);
    }
    let store = reminders.store();
    let (outcome, deadline) =
        checked(store, guidance, session_id, step, deadline_no, actor).await?;
    let remind_at = policy::remind_at(deadline.due_ms(), before_minutes);
    if remind_at <= store.now_ms() {
        return Err(ReminderError::TimePassed);
    }
    let id = reminders
        .schedule(&fire::NewReminder {
            session_id,
            deadline_no,
            channel_id,
            outcome: &outcome,
            deadline: &deadline,
            remind_at,
        })
        .await?;
    Ok(Scheduled {
        id,
        remind_at,
        deadline,
    })
}

#[cfg(test)]
mod tests;
