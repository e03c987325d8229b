//! The reminder tables' SQL (`triage_reminders`, `triage_reminder_audit`), on the triage store's
//! pool. Plain SQL that PostgreSQL also accepts (`ON CONFLICT … DO UPDATE … WHERE`,
//! `RETURNING`); every state change is a compare-and-set on the row's `state` (and, while
//! sending, on `claimed_by`), so two processes sharing the store cannot both act on one row.

use crate::triage::backend::{in_tx, on_pool};
use crate::triage::store::store_err;
use crate::triage::{Store, TriageError};

/// A stored reminder, with its owner read from its session (the reminder row holds no user id).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReminderRow {
    /// Random id (uuid v4, 32 hex characters).
    pub id: String,
    /// The triage session it belongs to (and is deleted with).
    pub session_id: String,
    /// Which of the outcome's deadlines, 0-based.
    pub deadline_no: i64,
    /// The session owner's chat user id: the one person reminded, and allowed to answer.
    pub owner: String,
    /// The chat id of the thread to post in.
    pub channel_id: String,
    /// The outcome id.
    pub outcome: String,
    /// What is due, in the guidance's words.
    pub deadline_what: String,
    /// The rule, in the guidance's words.
    pub deadline_rule: String,
    /// When the deadline falls due (Unix milliseconds).
    pub deadline_at: i64,
    /// When to remind next (Unix milliseconds).
    pub due_at: i64,
    /// `pending`, `sending` (claimed by a process) or `sent` (waiting for an answer).
    pub state: String,
    /// The process that claimed it for sending.
    pub claimed_by: Option<String>,
    /// When it was last delivered.
    pub sent_at: Option<i64>,
}

/// A reminder audit record: no user, session or channel id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ReminderAudit {
    /// Random id.
    pub id: String,
    /// The outcome id.
    pub outcome: String,
    /// `posted`, `posted_late`, `direct_message`, `undelivered`, `done`, `not_yet`, `stopped`
    /// or `unanswered`.
    pub result: String,
    /// When the deadline fell due (Unix milliseconds).
    pub deadline_at: i64,
    /// When this happened (Unix milliseconds).
    pub at: i64,
}

/// A reminder to insert (or, for the same session and deadline, to move).
pub(crate) struct Insert<'a> {
    pub id: &'a str,
    pub session_id: &'a str,
    pub deadline_no: u32,
    pub channel_id: &'a str,
    pub outcome: &'a str,
    pub what: &'a str,
    pub rule: &'a str,
    pub deadline_at: i64,
    pub due_at: i64,
    pub now: i64,
}

const COLUMNS: &str = "r.id, r.session_id, r.deadline_no, s.owner, r.channel_id, r.outcome, \
     r.deadline_what, r.deadline_rule, r.deadline_at, r.due_at, r.state, r.claimed_by, r.sent_at";

fn err(context: &'static str) -> impl Fn(sqlx::Error) -> TriageError {
    move |e| store_err(context, e)
}

/// The outcome and decision time (Unix milliseconds) an audit row records.
pub(crate) async fn decision(
    store: &Store,
    audit_id: &str,
) -> Result<Option<(String, i64)>, TriageError> {
    let sql = "SELECT outcome, finished_at FROM triage_audit WHERE id = $1";
    on_pool!(store.pool(), |p| sqlx::query_as(sql)
        .bind(audit_id)
        .fetch_optional(p)
        .await)
    .map_err(err("read decision"))
}

/// Inserts a reminder, or moves the one already set for that session and deadline (unless it
/// is being sent at this moment: then `None`). Returns the reminder's id.
pub(crate) async fn upsert(store: &Store, r: &Insert<'_>) -> Result<Option<String>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_scalar(
        "INSERT INTO triage_reminders (id, session_id, deadline_no, channel_id, outcome, \
         deadline_what, deadline_rule, deadline_at, due_at, state, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) \
         ON CONFLICT (session_id, deadline_no) DO UPDATE SET channel_id = excluded.channel_id, \
         outcome = excluded.outcome, deadline_what = excluded.deadline_what, \
         deadline_rule = excluded.deadline_rule, deadline_at = excluded.deadline_at, \
         due_at = excluded.due_at, state = 'pending', claimed_by = NULL, claimed_at = NULL, \
         sent_at = NULL WHERE triage_reminders.state <> 'sending' \
         RETURNING id",
    )
    .bind(r.id)
    .bind(r.session_id)
    .bind(i64::from(r.deadline_no))
    .bind(r.channel_id)
    .bind(r.outcome)
    .bind(r.what)
    .bind(r.rule)
    .bind(r.deadline_at)
    .bind(r.due_at)
    .bind(r.now)
    .fetch_optional(p)
    .await)
    .map_err(err("set reminder"))
}

/// The ids of reminders ready to send at `now`: pending and due, or claimed before
/// `lease_cutoff` by a process that never finished (it crashed), oldest first.
pub(crate) async fn candidates(
    store: &Store,
    now: i64,
    lease_cutoff: i64,
) -> Result<Vec<String>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_scalar(
        "SELECT id FROM triage_reminders \
         WHERE (state = 'pending' AND due_at <= $1) OR (state = 'sending' AND claimed_at <= $2) \
         ORDER BY due_at, id LIMIT 100",
    )
    .bind(now)
    .bind(lease_cutoff)
    .fetch_all(p)
    .await)
    .map_err(err("find due reminders"))
}

/// Claims a reminder for sending by `instance`: true for exactly one caller, however many
/// processes try at once (the `WHERE` re-checks the state the caller saw).
pub(crate) async fn claim(
    store: &Store,
    id: &str,
    instance: &str,
    now: i64,
    lease_cutoff: i64,
) -> Result<bool, TriageError> {
    let claimed = on_pool!(store.pool(), |p| sqlx::query(
        "UPDATE triage_reminders SET state = 'sending', claimed_by = $1, claimed_at = $2 \
         WHERE id = $3 AND ((state = 'pending' AND due_at <= $4) \
         OR (state = 'sending' AND claimed_at <= $5))",
    )
    .bind(instance)
    .bind(now)
    .bind(id)
    .bind(now)
    .bind(lease_cutoff)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .map_err(err("claim reminder"))?;
    Ok(claimed == 1)
}

/// One reminder, with its owner.
pub(crate) async fn load(store: &Store, id: &str) -> Result<Option<ReminderRow>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM triage_reminders r \
         JOIN triage_sessions s ON s.id = r.session_id WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(p)
    .await)
    .map_err(err("read reminder"))
}

/// Every reminder, soonest first (for reporting and tests).
pub(crate) async fn all(store: &Store) -> Result<Vec<ReminderRow>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM triage_reminders r \
         JOIN triage_sessions s ON s.id = r.session_id ORDER BY r.due_at, r.id"
    ))
    .fetch_all(p)
    .await)
    .map_err(err("read reminders"))
}

/// Every reminder audit record, oldest first.
pub(crate) async fn audit(store: &Store) -> Result<Vec<ReminderAudit>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_as(
        "SELECT id, outcome, result, deadline_at, at FROM triage_reminder_audit ORDER BY at, id",
    )
    .fetch_all(p)
    .await)
    .map_err(err("read reminder audit"))
}

/// The earliest time a pending reminder is due.
pub(crate) async fn next_due(store: &Store) -> Result<Option<i64>, TriageError> {
    on_pool!(store.pool(), |p| sqlx::query_scalar(
        "SELECT MIN(due_at) FROM triage_reminders WHERE state = 'pending'"
    )
    .fetch_one(p)
    .await)
    .map_err(err("find next reminder"))
}

/// A state change and its audit record, in one transaction: `update` (with `binds` for its
/// `$1`, `$2`, …) must match exactly one row, or nothing is written and the result is false.
pub(crate) async fn change(
    store: &Store,
    row: &ReminderRow,
    update: &str,
    binds: &[Bind<'_>],
    result: &str,
    now: i64,
) -> Result<bool, TriageError> {
    let e = err("update reminder");
    in_tx!(store.pool(), "update reminder", |tx| {
        let mut q = sqlx::query(update);
        for b in binds {
            q = match b {
                Bind::Int(i) => q.bind(*i),
                Bind::Text(s) => q.bind(*s),
            };
        }
        let changed = q.execute(&mut *tx).await.map_err(&e)?.rows_affected();
        if changed != 1 {
            tx.rollback().await.map_err(&e)?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO triage_reminder_audit (id, outcome, result, deadline_at, at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(uuid::Uuid::new_v4().simple().to_string())
        .bind(&row.outcome)
        .bind(result)
        .bind(row.deadline_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(err("write reminder audit"))?;
        tx.commit().await.map_err(&e)?;
        Ok(true)
    })
}

/// A value bound to a [`change`] statement.
#[derive(Clone, Copy)]
pub(crate) enum Bind<'a> {
    Int(i64),
    Text(&'a str),
}

/// Puts a claimed reminder back to pending, to be tried again at `retry_at` (a transient
/// failure to send).
pub(crate) async fn release(
    store: &Store,
    id: &str,
    instance: &str,
    retry_at: i64,
) -> Result<bool, TriageError> {
    let sql = "UPDATE triage_reminders SET state = 'pending', due_at = $1, claimed_by = NULL, \
               claimed_at = NULL WHERE id = $2 AND state = 'sending' AND claimed_by = $3";
    let n = on_pool!(store.pool(), |p| sqlx::query(sql)
        .bind(retry_at)
        .bind(id)
        .bind(instance)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
    .map_err(err("release reminder"))?;
    Ok(n == 1)
}
