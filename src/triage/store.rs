//! Where triage sessions live between button presses, so a dialogue survives a restart of the
//! bot and two presses of the same button cannot both count.
//!
//! What is stored is deliberately tiny: ids, answers (as `question_id=value` ids), a step counter
//! and timestamps. Nothing typed by the practitioner and nothing about the child is ever stored.
//! The owner id (the practitioner's chat user id) is kept only so that only they can answer, and
//! goes when the session is purged; the audit table never holds it.
//!
//! The SQL here is written once for both backends (SQLite, the embedded default, and PostgreSQL
//! for a store shared by several processes; see [`super::backend`]), and everything else in the
//! crate talks to [`Store`] through the few methods below.

use std::time::Duration;

use crate::clock::{self, SharedClock};

use super::backend::{in_tx, on_pool, Pool};
use super::TriageError;

/// How long an untouched session is kept before it expires, unless configured otherwise.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long audit records are kept, unless configured otherwise.
pub const DEFAULT_AUDIT_RETENTION: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A stored session, exactly as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// Random id (uuid v4, 32 hex characters).
    pub id: String,
    /// The practitioner's chat user id; only they may answer.
    pub owner: String,
    /// Answers so far, `question_id=value,…`.
    pub path: String,
    /// Optimistic-concurrency token: bumped by every accepted action.
    #[sqlx(try_from = "i64")]
    pub step: u32,
    /// The audit row this session's outcome is recorded in, once one is reached.
    pub audit_id: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last accepted action.
    pub updated_at: i64,
}

/// An audit record: which outcome a triage reached, by which answers, when. No owner, no
/// session id, no free text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    /// Random id of the record.
    pub id: String,
    /// Outcome id.
    pub outcome: String,
    /// Answers, `question_id=value,…`.
    pub path: String,
    /// Hash of the knowledge copy that gave the outcome.
    pub knowledge_hash: String,
    /// When the triage started (unix milliseconds).
    pub started_at: i64,
    /// When the outcome was (last) reached (unix milliseconds).
    pub finished_at: i64,
}

/// What to write to the audit table with an accepted action that reaches an outcome.
#[derive(Debug, Clone)]
pub(crate) struct AuditWrite {
    pub id: String,
    pub outcome: String,
    pub knowledge_hash: String,
    pub started_at: i64,
}

/// The session store. Cheap to clone (it holds a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    session_ttl: Duration,
    clock: SharedClock,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Database errors become [`TriageError::Store`] through the backend's one conversion.
pub(crate) use super::backend::store_err;

impl Store {
    /// Opens (creating if needed) the database at `database_url` and brings its schema up to
    /// date. `sqlite://path/to.db?mode=rwc` for a file (WAL mode), `sqlite::memory:` for a
    /// private in-memory store (console, tests), `postgres://user@host/db` for a PostgreSQL
    /// database that several bot processes can share. Anything else is a [`TriageError::Store`].
    pub async fn open(database_url: &str) -> Result<Store, TriageError> {
        Ok(Store {
            pool: Pool::open(database_url).await?,
            session_ttl: DEFAULT_SESSION_TTL,
            clock: clock::system(),
        })
    }

    /// Uses `clock` for every timestamp and expiry decision (the system clock by default);
    /// tests hand in a [`crate::clock::ManualClock`].
    pub fn with_clock(mut self, clock: SharedClock) -> Store {
        self.clock = clock;
        self
    }

    /// Now, by the store's clock, in Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The store's clock (reminders schedule and fire by it, and processes sharing the store
    /// time their heartbeats by it).
    pub(crate) fn clock(&self) -> SharedClock {
        self.clock.clone()
    }

    /// The PostgreSQL pool, when the store is on PostgreSQL: what the processes sharing it
    /// announce reloads on ([`crate::reload::peers`]).
    pub fn postgres(&self) -> Option<sqlx::PgPool> {
        match &self.pool {
            Pool::Postgres(p) => Some(p.clone()),
            Pool::Sqlite(_) => None,
        }
    }

    /// The connection pool, for the other tables of the triage schema (reminders).
    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Sets how long an untouched session stays usable (default 7 days). A session idle for
    /// longer answers [`TriageError::Expired`] and is deleted, even before
    /// [`Store::purge_expired`] runs.
    pub fn with_session_ttl(mut self, ttl: Duration) -> Store {
        self.session_ttl = ttl;
        self
    }

    /// How long an untouched session stays usable.
    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }

    /// True when the database answers within two seconds: what `GET /health` reports, so a
    /// load balancer can take a process whose store is unreachable out of service.
    pub async fn is_reachable(&self) -> bool {
        self.pool.ping(Duration::from_secs(2)).await
    }

    /// Closes every connection (e.g. at shutdown, so a WAL file is checkpointed).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Which backend the store runs on: `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Deletes sessions untouched for longer than `session_ttl` (unless a reminder holds them;
    /// their reminders go with them), reminders left unanswered that long, and audit records
    /// older than `audit_retention`; returns how many rows went. Transports run it periodically (for
    /// example at start-up and then daily).
    pub async fn purge_expired(
        &self,
        session_ttl: Duration,
        audit_retention: Duration,
    ) -> Result<u64, TriageError> {
        let now = self.now_ms();
        let idle_since = now.saturating_sub(ms(session_ttl));
        let retained_since = now.saturating_sub(ms(audit_retention));
        in_tx!(&self.pool, "purge", |tx| {
            // A reminder left unanswered for a whole session TTL ends (and is audited as such),
            // so that it stops holding its session. Deleted first and audited from what the
            // delete returned, so a reminder answered meanwhile by another process is not also
            // audited as unanswered.
            let ended: Vec<(String, String, i64)> = sqlx::query_as(
                "DELETE FROM triage_reminders WHERE state = 'sent' AND sent_at <= $1 \
                 RETURNING id, outcome, deadline_at",
            )
            .bind(idle_since)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| store_err("purge reminders", e))?;
            for (id, outcome, deadline_at) in &ended {
                sqlx::query(
                    "INSERT INTO triage_reminder_audit (id, outcome, result, deadline_at, at) \
                     VALUES ($1, $2, 'unanswered', $3, $4)",
                )
                .bind(id)
                .bind(outcome)
                .bind(deadline_at)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| store_err("purge reminders", e))?;
            }
            let reminders = u64::try_from(ended.len()).unwrap_or(u64::MAX);
            // A session with a reminder still to come (or to answer) is kept: its expiry is
            // extended to cover the reminder.
            let sessions = sqlx::query(
                "DELETE FROM triage_sessions WHERE updated_at <= $1 AND NOT EXISTS \
                 (SELECT 1 FROM triage_reminders r WHERE r.session_id = triage_sessions.id)",
            )
            .bind(idle_since)
            .execute(&mut *tx)
            .await
            .map_err(|e| store_err("purge sessions", e))?
            .rows_affected();
            let mut audit = 0;
            for sql in [
                "DELETE FROM triage_audit WHERE finished_at <= $1",
                "DELETE FROM triage_reminder_audit WHERE at <= $1",
            ] {
                audit += sqlx::query(sql)
                    .bind(retained_since)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| store_err("purge audit", e))?
                    .rows_affected();
            }
            tx.commit().await.map_err(|e| store_err("purge", e))?;
            Ok(reminders + sessions + audit)
        })
    }

    /// Every audit record, oldest first (for reporting and tests).
    pub async fn audit_records(&self) -> Result<Vec<AuditRecord>, TriageError> {
        on_pool!(&self.pool, |p| sqlx::query_as(
            "SELECT id, outcome, path, knowledge_hash, started_at, finished_at \
             FROM triage_audit ORDER BY finished_at, id",
        )
        .fetch_all(p)
        .await)
        .map_err(|e| store_err("read audit", e))
    }

    /// Stores a new session at step 0 with no answers.
    pub(crate) async fn insert(&self, id: &str, owner: &str, now: i64) -> Result<(), TriageError> {
        let sql = "INSERT INTO triage_sessions \
                   (id, owner, path, step, audit_id, created_at, updated_at) \
                   VALUES ($1, $2, '', 0, NULL, $3, $3)";
        on_pool!(&self.pool, |p| sqlx::query(sql)
            .bind(id)
            .bind(owner)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(|e| store_err("create session", e))
    }

    /// Reads a session. A session idle past the TTL is deleted and reported as expired, unless a
    /// reminder still holds it.
    pub(crate) async fn get(&self, id: &str) -> Result<SessionRecord, TriageError> {
        let sql = "SELECT id, owner, path, step, audit_id, created_at, updated_at \
                   FROM triage_sessions WHERE id = $1";
        let rec: SessionRecord = on_pool!(&self.pool, |p| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(p)
            .await)
        .map_err(|e| store_err("read session", e))?
        .ok_or(TriageError::UnknownSession)?;
        if self.now_ms().saturating_sub(rec.updated_at) > ms(self.session_ttl) {
            // Idle past the TTL, unless a reminder still holds it.
            let sql =
                "DELETE FROM triage_sessions WHERE id = $1 AND updated_at = $2 AND NOT EXISTS \
                       (SELECT 1 FROM triage_reminders r WHERE r.session_id = triage_sessions.id)";
            let deleted = on_pool!(&self.pool, |p| sqlx::query(sql)
                .bind(id)
                .bind(rec.updated_at)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))
            .map_err(|e| store_err("delete expired session", e))?;
            if deleted > 0 {
                return Err(TriageError::Expired);
            }
        }
        Ok(rec)
    }

    /// Records an accepted action: the new path, the step bumped by one, and (when an outcome
    /// was reached) the audit record, all in one transaction. The update only happens if the
    /// step is still `expected_step`; otherwise nothing changes and the caller gets
    /// [`TriageError::StaleStep`] with the step the session is really at. This holds across
    /// processes sharing the database: SQLite serialises the writers; on PostgreSQL the losing
    /// `UPDATE` waits for the winner's row lock and then no longer matches.
    pub(crate) async fn advance(
        &self,
        id: &str,
        expected_step: u32,
        path: &str,
        audit_id: Option<&str>,
        audit: Option<&AuditWrite>,
        now: i64,
    ) -> Result<u32, TriageError> {
        let next_step = expected_step
            .checked_add(1)
            .ok_or_else(|| store_err("advance", "step counter overflow"))?;
        let e = |e: sqlx::Error| store_err("advance", e);
        in_tx!(&self.pool, "advance", |tx| {
            let updated = sqlx::query(
                "UPDATE triage_sessions SET path = $1, step = $2, audit_id = $3, updated_at = $4 \
                 WHERE id = $5 AND step = $6",
            )
            .bind(path)
            .bind(i64::from(next_step))
            .bind(audit_id)
            .bind(now)
            .bind(id)
            .bind(i64::from(expected_step))
            .execute(&mut *tx)
            .await
            .map_err(e)?
            .rows_affected();
            if updated == 0 {
                let current: Option<i64> =
                    sqlx::query_scalar("SELECT step FROM triage_sessions WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(e)?;
                tx.rollback().await.map_err(e)?;
                return Err(match current {
                    Some(step) => TriageError::StaleStep {
                        current: u32::try_from(step).unwrap_or(u32::MAX),
                    },
                    None => TriageError::UnknownSession,
                });
            }
            if let Some(a) = audit {
                sqlx::query(
                    "INSERT INTO triage_audit \
                     (id, outcome, path, knowledge_hash, started_at, finished_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, \
                     path = excluded.path, knowledge_hash = excluded.knowledge_hash, \
                     finished_at = excluded.finished_at",
                )
                .bind(&a.id)
                .bind(&a.outcome)
                .bind(path)
                .bind(&a.knowledge_hash)
                .bind(a.started_at)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| store_err("write audit", e))?;
            }
            tx.commit().await.map_err(e)?;
            Ok(next_step)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_step_guard_lets_only_one_writer_through() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let id = "0123456789abcdef0123456789abcdef";
        store.insert(id, "u", store.now_ms()).await.unwrap();
        let step = store
            .advance(id, 0, "immediate_danger=no", None, None, store.now_ms())
            .await
            .unwrap();
        assert_eq!(step, 1);
        // A second writer that read step 0 before the first committed is refused by the UPDATE.
        let err = store
            .advance(id, 0, "immediate_danger=yes", None, None, store.now_ms())
            .await
            .unwrap_err();
        assert!(
            matches!(err, TriageError::StaleStep { current: 1 }),
            "{err:?}"
        );
        let rec = store.get(id).await.unwrap();
        assert_eq!((rec.step, rec.path.as_str()), (1, "immediate_danger=no"));
        let err = store
            .advance(
                "ffffffffffffffffffffffffffffffff",
                0,
                "",
                None,
                None,
                store.now_ms(),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, TriageError::UnknownSession));
    }

    #[tokio::test]
    async fn audit_rows_are_written_with_the_step_and_updated_in_place() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let id = "0123456789abcdef0123456789abcdef";
        let t = store.now_ms();
        store.insert(id, "u", t).await.unwrap();
        let audit = AuditWrite {
            id: "a1".into(),
            outcome: "call_999".into(),
            knowledge_hash: "h".into(),
            started_at: t,
        };
        store
            .advance(
                id,
                0,
                "immediate_danger=yes",
                Some("a1"),
                Some(&audit),
                t + 1,
            )
            .await
            .unwrap();
        let again = AuditWrite {
            outcome: "lado_referral".into(),
            ..audit
        };
        store
            .advance(id, 1, "x=y", Some("a1"), Some(&again), t + 2)
            .await
            .unwrap();
        let rows = store.audit_records().await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].outcome, "lado_referral");
        assert_eq!((rows[0].started_at, rows[0].finished_at), (t, t + 2));
        assert_eq!(store.get(id).await.unwrap().audit_id.as_deref(), Some("a1"));
    }
}
