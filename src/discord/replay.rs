//! Refusing a replayed interaction in HTTP mode: a request correctly signed and within the
//! endpoint's timestamp window is answered the first time its interaction id is seen, and
//! refused (`401`) after that.
//!
//! Each process remembers the ids it has seen (the whole guard on SQLite, where there is one
//! process). On PostgreSQL, where several processes answer behind one load balancer, every id is
//! also recorded in the store's `seen_interactions` table (unique on the id, with an expiry), so a
//! request sent to one process and replayed to another is refused there too (hazard H27). If the
//! store cannot be asked, the process's own guard still applies and the failure is logged: an
//! interaction is not refused because the database blinked.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::clock::SharedClock;
use crate::triage::Store;

/// The interaction ids seen: in this process, and in the shared store where there is one.
pub struct ReplayGuard {
    /// How long a seen id is remembered.
    remember: Duration,
    local: Mutex<HashMap<u64, Instant>>,
    shared: Option<(PgPool, SharedClock)>,
}

impl ReplayGuard {
    /// A guard for the processes sharing `store` (shared through it on PostgreSQL, this
    /// process's own on SQLite) that remembers each id for `remember`: longer than the timestamp
    /// window, so anything older is refused by its timestamp before its id is forgotten.
    pub fn new(store: &Store, remember: Duration) -> Self {
        Self {
            remember,
            local: Mutex::default(),
            shared: store.postgres().map(|pool| (pool, store.clock())),
        }
    }

    /// True the first time `id` is seen within the time it is remembered, by this process or
    /// (PostgreSQL) any process sharing the store.
    pub async fn first_sight(&self, id: u64) -> bool {
        {
            let mut seen = self.local.lock().expect("seen lock");
            seen.retain(|_, at| at.elapsed() < self.remember);
            if seen.insert(id, Instant::now()).is_some() {
                return false;
            }
        }
        let Some((pool, clock)) = &self.shared else {
            return true;
        };
        match record(pool, clock.now_ms(), self.remember, id).await {
            Ok(first) => first,
            Err(e) => {
                tracing::warn!(interaction = id, error = %e, "the store could not be asked whether this interaction was seen; this process's own guard applied");
                true
            }
        }
    }
}

/// Records `id` as seen at `now_ms` for `remember` (dropping expired ids on the way); true if no
/// process had.
async fn record(
    pool: &PgPool,
    now_ms: i64,
    remember: Duration,
    id: u64,
) -> Result<bool, sqlx::Error> {
    let remember_ms = i64::try_from(remember.as_millis()).unwrap_or(i64::MAX);
    // Discord's ids are snowflakes below 2^63; one that is not still has a unique image here.
    let key = id as i64;
    let done = sqlx::query(
        "WITH expired AS (DELETE FROM seen_interactions WHERE expires_at < $3) \
         INSERT INTO seen_interactions (id, expires_at) VALUES ($1, $2) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(key)
    .bind(now_ms.saturating_add(remember_ms))
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
