//! [`Reminders`]: setting reminders, firing the due ones exactly once, and applying the
//! practitioner's answer. Delivery is a [`Deliver`] the transport provides, so this module knows
//! nothing of any chat.
//!
//! Firing is claim-then-send: each due row is claimed with a compare-and-set `UPDATE … SET
//! state = 'sending', claimed_by = $1 … WHERE id = $3 AND state = 'pending'` and only the caller
//! whose update changed the row sends it. A process that crashes between claim and send leaves
//! the row `sending`; after [`CLAIM_LEASE`] another process may claim it again (the same
//! compare-and-set, on the old claim time), so a reminder is never lost, at the price of a
//! possible second copy if the crash came after the post and before it was recorded.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::policy::{lateness, next_after_not_yet};
use super::store::{self as sql, Bind, Insert, ReminderAudit, ReminderRow};
use super::{Deadline, ReminderAction, ReminderError};
use crate::clock::SharedClock;
use crate::triage::Store;

/// How long a claim holds before another process may take the reminder over (the claimer is
/// presumed dead: sending one message takes seconds).
pub const CLAIM_LEASE: Duration = Duration::from_secs(5 * 60);

/// After a transient failure (network, Discord 5xx or rate limit), when to try again.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);

/// How often the scheduler looks for due reminders when nothing wakes it sooner.
pub const POLL_EVERY: Duration = Duration::from_secs(30);

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A reminder due now, as a transport needs it to deliver: ids, the deadline's words and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    /// The reminder's id (for its buttons).
    pub id: String,
    /// The chat user id to mention (and, if the thread has gone, to message directly).
    pub owner: String,
    /// The thread to post in.
    pub channel_id: String,
    /// The outcome id.
    pub outcome: String,
    /// What is due, in the guidance's words.
    pub what: String,
    /// The rule, in the guidance's words.
    pub rule: String,
    /// When the deadline falls due (Unix milliseconds).
    pub deadline_at: i64,
    /// When the reminder was due (Unix milliseconds).
    pub due_at: i64,
    /// How late it is, when later than [`super::LATE_AFTER`] (the bot was down, or sending
    /// failed for a while): the message says so.
    pub late_by: Option<Duration>,
}

/// How a delivery went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Posted in the thread.
    Posted,
    /// The thread has gone (deleted, archived and locked, no access): sent as a direct message
    /// instead, saying so.
    DirectMessage,
    /// Neither the thread nor a direct message could take it; the transport has logged why
    /// (ids only). The reminder ends, audited as `undelivered`.
    Undelivered,
    /// A failure that may pass (network, server error, rate limit): try again shortly.
    Retry,
}

/// How a transport delivers a due reminder. The returned future must be `Send` so the scheduler
/// can run on any tokio worker.
pub trait Deliver: Send + Sync {
    /// Delivers `reminder` to its owner.
    fn deliver(&self, reminder: &DueReminder) -> impl Future<Output = Delivery> + Send;
}

/// One reminder fired by [`Reminders::fire_due`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// The reminder's id.
    pub id: String,
    /// How it went.
    pub delivery: Delivery,
    /// Whether it was late.
    pub late: bool,
}

/// What an answer to a reminder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responded {
    /// The answer.
    pub action: ReminderAction,
    /// For "Not yet": when the next reminder comes; `None` when the reminders have ended.
    pub next_at: Option<i64>,
    /// What was due.
    pub what: String,
    /// When the deadline falls due (Unix milliseconds).
    pub deadline_at: i64,
}

/// A reminder to set with [`Reminders::schedule`].
#[derive(Debug, Clone)]
pub struct NewReminder<'a> {
    /// The triage session (its owner is the one reminded).
    pub session_id: &'a str,
    /// Which of the outcome's deadlines (setting the same one again moves it).
    pub deadline_no: u32,
    /// The thread to post in.
    pub channel_id: &'a str,
    /// The outcome id (for the audit).
    pub outcome: &'a str,
    /// The deadline.
    pub deadline: &'a Deadline,
    /// When to remind (Unix milliseconds).
    pub remind_at: i64,
}

/// The reminder service: the store, its clock, this process's name for claims, and the bell
/// that wakes the scheduler when a reminder is set.
#[derive(Debug)]
pub struct Reminders {
    store: Store,
    clock: SharedClock,
    instance: String,
    wake: Notify,
}

impl Reminders {
    /// Reminders on `store`, timed by the store's clock; claims are made in a random process
    /// name.
    pub fn new(store: Store) -> Arc<Reminders> {
        let name = format!("bot-{}", uuid::Uuid::new_v4().simple());
        Reminders::named(store, &name)
    }

    /// Reminders claiming under the process name `instance` (tests run two "processes").
    pub fn named(store: Store, instance: &str) -> Arc<Reminders> {
        Arc::new(Reminders {
            clock: store.clock(),
            store,
            instance: instance.to_string(),
            wake: Notify::new(),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, by the store's clock (Unix milliseconds).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Wakes the scheduler to look again (a reminder was set or moved).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    /// Stores a reminder for `r.session_id`'s owner, or moves the one already set for that
    /// deadline; returns its id. This is what the deadline code calls with any [`Deadline`].
    pub async fn schedule(&self, r: &NewReminder<'_>) -> Result<String, ReminderError> {
        let fresh = uuid::Uuid::new_v4().simple().to_string();
        let id = sql::upsert(
            &self.store,
            &Insert {
                id: &fresh,
                session_id: r.session_id,
                deadline_no: r.deadline_no,
                channel_id: r.channel_id,
                outcome: r.outcome,
                what: &r.deadline.what,
                rule: &r.deadline.rule,
                deadline_at: r.deadline.due_ms(),
                due_at: r.remind_at,
                now: self.now_ms(),
            },
        )
        .await?
        .ok_or(ReminderError::AlreadyAnswered)?;
        self.nudge();
        Ok(id)
    }

    /// One reminder, if it exists.
    pub async fn get(&self, id: &str) -> Result<Option<ReminderRow>, ReminderError> {
        Ok(sql::load(&self.store, id).await?)
    }

    /// Every reminder still stored, soonest first.
    pub async fn all(&self) -> Result<Vec<ReminderRow>, ReminderError> {
        Ok(sql::all(&self.store).await?)
    }

    /// Every reminder audit record, oldest first.
    pub async fn audit(&self) -> Result<Vec<ReminderAudit>, ReminderError> {
        Ok(sql::audit(&self.store).await?)
    }

    /// Claims and delivers every reminder due at `now_ms`, each exactly once across every
    /// process sharing the store, and records how each went. Tests call it directly after
    /// advancing a [`crate::clock::ManualClock`].
    pub async fn fire_due<D: Deliver>(
        &self,
        now_ms: i64,
        deliver: &D,
    ) -> Result<Vec<Fired>, ReminderError> {
        let lease_cutoff = now_ms.saturating_sub(ms(CLAIM_LEASE));
        let mut fired = Vec::new();
        for id in sql::candidates(&self.store, now_ms, lease_cutoff).await? {
            if !sql::claim(&self.store, &id, &self.instance, now_ms, lease_cutoff).await? {
                continue; // another process has it
            }
            let Some(row) = sql::load(&self.store, &id).await? else {
                continue; // its session went meanwhile
            };
            fired.push(self.deliver_claimed(row, now_ms, deliver).await?);
        }
        Ok(fired)
    }

    async fn deliver_claimed<D: Deliver>(
        &self,
        row: ReminderRow,
        now_ms: i64,
        deliver: &D,
    ) -> Result<Fired, ReminderError> {
        let late_by = lateness(row.due_at, now_ms);
        let due = DueReminder {
            id: row.id.clone(),
            owner: row.owner.clone(),
            channel_id: row.channel_id.clone(),
            outcome: row.outcome.clone(),
            what: row.deadline_what.clone(),
            rule: row.deadline_rule.clone(),
            deadline_at: row.deadline_at,
            due_at: row.due_at,
            late_by,
        };
        let delivery = deliver.deliver(&due).await;
        let now = self.now_ms().max(now_ms);
        let claimed = [Bind::Text(&row.id), Bind::Text(&self.instance)];
        let recorded = match delivery {
            Delivery::Posted | Delivery::DirectMessage => {
                let result = match (&delivery, late_by) {
                    (Delivery::DirectMessage, _) => "direct_message",
                    (_, Some(_)) => "posted_late",
                    _ => "posted",
                };
                let binds = [Bind::Int(now), claimed[0], claimed[1]];
                sql::change(
                    &self.store,
                    &row,
                    "UPDATE triage_reminders SET state = 'sent', sent_at = $1 \
                     WHERE id = $2 AND state = 'sending' AND claimed_by = $3",
                    &binds,
                    result,
                    now,
                )
                .await?
            }
            Delivery::Undelivered => {
                tracing::error!(
                    reminder = %row.id,
                    user_id = %row.owner,
                    channel_id = %row.channel_id,
                    "reminder could not be delivered in the thread or by direct message; it has ended"
                );
                sql::change(
                    &self.store,
                    &row,
                    "DELETE FROM triage_reminders \
                     WHERE id = $1 AND state = 'sending' AND claimed_by = $2",
                    &claimed,
                    "undelivered",
                    now,
                )
                .await?
            }
            Delivery::Retry => {
                tracing::warn!(reminder = %row.id, "reminder not sent; trying again shortly");
                sql::release(&self.store, &row.id, &self.instance, now + ms(RETRY_AFTER)).await?
            }
        };
        if !recorded {
            tracing::warn!(reminder = %row.id, "reminder delivered but its row had changed");
        }
        Ok(Fired {
            id: row.id,
            delivery,
            late: late_by.is_some(),
        })
    }

    /// Applies the practitioner's answer to a delivered reminder: only its owner may answer,
    /// and only once per delivery. Done and Stop end it; Not yet moves it (see
    /// [`next_after_not_yet`]) or, a day past the deadline, ends it. Each answer is audited
    /// (outcome and result, no user id).
    pub async fn respond(
        &self,
        id: &str,
        actor: &str,
        action: ReminderAction,
    ) -> Result<Responded, ReminderError> {
        let row = sql::load(&self.store, id)
            .await?
            .ok_or(ReminderError::UnknownReminder)?;
        if row.owner != actor {
            return Err(ReminderError::NotOwner);
        }
        let now = self.now_ms();
        let next_at = match action {
            ReminderAction::NotYet => next_after_not_yet(now, row.deadline_at),
            ReminderAction::Done | ReminderAction::Stop => None,
        };
        let changed = match (action, next_at) {
            (ReminderAction::NotYet, Some(next)) => {
                let changed = sql::change(
                    &self.store,
                    &row,
                    "UPDATE triage_reminders SET state = 'pending', due_at = $1, claimed_by = NULL, \
                     claimed_at = NULL WHERE id = $2 AND state = 'sent'",
                    &[Bind::Int(next), Bind::Text(id)],
                    "not_yet",
                    now,
                )
                .await?;
                self.nudge();
                changed
            }
            _ => {
                let result = match action {
                    ReminderAction::Done => "done",
                    ReminderAction::Stop => "stopped",
                    ReminderAction::NotYet => "ended_overdue",
                };
                sql::change(
                    &self.store,
                    &row,
                    "DELETE FROM triage_reminders WHERE id = $1 AND state = 'sent'",
                    &[Bind::Text(id)],
                    result,
                    now,
                )
                .await?
            }
        };
        if !changed {
            return Err(ReminderError::AlreadyAnswered);
        }
        Ok(Responded {
            action,
            next_at,
            what: row.deadline_what,
            deadline_at: row.deadline_at,
        })
    }

    /// The scheduler: fires what is due now, then sleeps until the next reminder is due (by the
    /// clock), [`POLL_EVERY`] at most, or until [`Reminders::nudge`]; for ever. `serve` spawns
    /// it; nothing else needs to.
    pub async fn run<D: Deliver>(self: Arc<Self>, deliver: D) {
        loop {
            let now = self.now_ms();
            if let Err(e) = self.fire_due(now, &deliver).await {
                tracing::error!(error = %e, "firing reminders failed");
            }
            let wait = match sql::next_due(&self.store).await {
                Ok(Some(next)) => {
                    let left = next.saturating_sub(self.now_ms()).max(0);
                    Duration::from_millis(u64::try_from(left).unwrap_or(0)).min(POLL_EVERY)
                }
                Ok(None) => POLL_EVERY,
                Err(e) => {
                    tracing::error!(error = %e, "reading the next reminder failed");
                    POLL_EVERY
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait.max(Duration::from_millis(200))) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}
