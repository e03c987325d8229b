//! `/reload` reaching every process that serves the bot from one PostgreSQL store (HTTP
//! interactions mode behind a load balancer, or gateway processes splitting the shards).
//!
//! After an admin's reload, the process that ran it records its own result and announces the
//! reload with PostgreSQL's `NOTIFY` on [`CHANNEL`] (the request id, the new knowledge hash, the
//! admin's id). Every other process `LISTEN`s, reloads from its own configured source (one
//! source for all, so they arrive at the same hash), and records its result in `reload_acks`. A
//! process whose reload fails keeps the knowledge it has, and says so on `GET /health`. The
//! announcing process waits briefly for the answers of the processes alive (a heartbeat in
//! `bot_processes`) and the admin's reply lists them: which took the new version, which did
//! not, which did not answer in time.
//!
//! Nothing here exists on SQLite: an SQLite store has one process.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool};

use super::{ReloadOutcome, Reloader};
use crate::clock::SharedClock;
use crate::snapshot::Live;

/// The `NOTIFY` channel of reload announcements.
pub const CHANNEL: &str = "safeguarding_bot_reload";

/// How often a process says it is alive; one not seen for three beats is taken as gone.
pub const HEARTBEAT: Duration = Duration::from_secs(20);

/// What a reload announcement carries (JSON in the notification's payload).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Announcement {
    request: String,
    from: String,
    hash: String,
    user: String,
}

/// One process's answer to a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The process (host:pid).
    pub process: String,
    /// `reloaded`, `unchanged` or `invalid` (kept its knowledge).
    pub result: String,
    /// The version it serves now.
    pub version: String,
    /// The hash it serves now.
    pub hash: String,
    /// For a failed reload, the first error.
    pub detail: String,
}

/// This process's place among the processes sharing the store.
pub struct Peers {
    pool: PgPool,
    me: String,
    clock: SharedClock,
}

/// This process's name: the host (a container's id in Docker) and the process id.
pub fn process_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!("{host}:{}", std::process::id())
}

impl Peers {
    /// This process, on the store's pool, timed by the store's clock.
    pub fn new(pool: PgPool, clock: SharedClock) -> Self {
        Self {
            pool,
            me: process_name(),
            clock,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// This process's name.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// Says this process is alive.
    pub async fn heartbeat(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO bot_processes (process, seen_at) VALUES ($1, $2)
             ON CONFLICT (process) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(&self.me)
        .bind(self.now_ms())
        .execute(&self.pool)
        .await
        .map(drop)
    }

    /// Says this process is leaving (a clean shutdown), so it is not waited for.
    pub async fn leave(&self) {
        let _ = sqlx::query("DELETE FROM bot_processes WHERE process = $1")
            .bind(&self.me)
            .execute(&self.pool)
            .await;
    }

    /// The other processes seen within three heartbeats.
    pub async fn others_alive(&self) -> Result<Vec<String>, sqlx::Error> {
        let since = self.now_ms() - 3 * HEARTBEAT.as_millis() as i64;
        sqlx::query_scalar(
            "SELECT process FROM bot_processes WHERE seen_at >= $1 AND process <> $2 ORDER BY process",
        )
        .bind(since)
        .bind(&self.me)
        .fetch_all(&self.pool)
        .await
    }

    /// Records this process's result for `request`.
    pub async fn ack(
        &self,
        request: &str,
        outcome: &ReloadOutcome,
        live: &Live,
    ) -> Result<(), sqlx::Error> {
        let now = live.current();
        let detail = match outcome {
            ReloadOutcome::Invalid { errors, .. } => errors
                .iter()
                .next()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        };
        sqlx::query(
            "INSERT INTO reload_acks (request, process, result, version, hash, detail, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request, process) DO NOTHING",
        )
        .bind(request)
        .bind(&self.me)
        .bind(outcome.result().as_str())
        .bind(&now.knowledge.manifest.version)
        .bind(&now.knowledge.hash)
        .bind(crate::text::shorten(&detail, 300).as_ref())
        .bind(self.now_ms())
        .execute(&self.pool)
        .await
        .map(drop)
    }

    /// Announces a reload done by `user` on this process, which now serves `hash`.
    pub async fn announce(&self, request: &str, hash: &str, user: &str) -> Result<(), sqlx::Error> {
        let payload = serde_json::to_string(&Announcement {
            request: request.into(),
            from: self.me.clone(),
            hash: hash.into(),
            user: user.into(),
        })
        .unwrap_or_default();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// The other processes' answers to `request`, waiting up to `wait` for every process alive
    /// to answer: (process, its answer if it gave one in time).
    pub async fn gather(&self, request: &str, wait: Duration) -> Vec<(String, Option<Ack>)> {
        let others = self.others_alive().await.unwrap_or_default();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let acks = self.acks(request).await.unwrap_or_default();
            let all = others.iter().all(|p| acks.iter().any(|a| &a.process == p));
            if all || tokio::time::Instant::now() >= deadline {
                let mut out: Vec<(String, Option<Ack>)> = others
                    .iter()
                    .map(|p| (p.clone(), acks.iter().find(|a| &a.process == p).cloned()))
                    .collect();
                // A process that answered but had not yet been seen alive still counts.
                for a in acks.iter().filter(|a| !others.contains(&a.process)) {
                    out.push((a.process.clone(), Some(a.clone())));
                }
                return out;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn acks(&self, request: &str) -> Result<Vec<Ack>, sqlx::Error> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT process, result, version, hash, detail FROM reload_acks
             WHERE request = $1 AND process <> $2 ORDER BY process",
        )
        .bind(request)
        .bind(&self.me)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(process, result, version, hash, detail)| Ack {
                process,
                result,
                version,
                hash,
                detail,
            })
            .collect())
    }

    /// Runs for the life of the process: the heartbeat, and the reloads other processes
    /// announce (each from this process's own source). Reconnects after a lost connection.
    pub fn spawn(self: Arc<Self>, reloader: Arc<Reloader>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.listen(&reloader).await {
                    tracing::warn!(error = %e, "reload announcements: connection lost; retrying in 5 s");
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        })
    }

    async fn listen(&self, reloader: &Reloader) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        self.heartbeat().await?;
        tracing::info!(process = %self.me, "listening for reloads on other processes");
        let mut beat = tokio::time::interval(HEARTBEAT);
        loop {
            tokio::select! {
                _ = beat.tick() => self.heartbeat().await?,
                n = listener.recv() => {
                    let n = n?;
                    let Ok(a) = serde_json::from_str::<Announcement>(n.payload()) else {
                        tracing::warn!("an unreadable reload announcement was ignored");
                        continue;
                    };
                    if a.from == self.me {
                        continue;
                    }
                    tracing::info!(request = %a.request, from = %a.from, hash = %a.hash, "reload announced by another process");
                    let outcome = reloader.reload(&a.user).await;
                    if let Err(e) = self.ack(&a.request, &outcome, reloader.live()).await {
                        tracing::error!(error = %e, "cannot record this process's reload result");
                    }
                }
            }
        }
    }
}

/// The admin's reply's line for each other process.
pub fn describe(others: &[(String, Option<Ack>)], hash: &str) -> String {
    if others.is_empty() {
        return "No other process shares this bot's store.".into();
    }
    others
        .iter()
        .map(|(p, ack)| match ack {
            Some(a) if a.result == "invalid" => format!(
                "❌ {p}: reload failed, still serving {} ({}): {}",
                a.version, a.hash, a.detail
            ),
            Some(a) if a.hash == hash => {
                format!("✅ {p}: serving {} ({})", a.version, a.hash)
            }
            Some(a) => format!(
                "⚠️ {p}: serving {} ({}), not this process's hash: check its knowledge source",
                a.version, a.hash
            ),
            None => format!("… {p}: no answer yet (it may be starting or stopping)"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(p: &str, result: &str, hash: &str) -> Ack {
        Ack {
            process: p.into(),
            result: result.into(),
            version: "v".into(),
            hash: hash.into(),
            detail: "contacts.toml:3: bad phone".into(),
        }
    }

    #[test]
    fn each_process_is_described_by_what_it_serves() {
        let text = describe(
            &[
                ("a:1".into(), Some(ack("a:1", "reloaded", "h1"))),
                ("b:2".into(), Some(ack("b:2", "invalid", "h0"))),
                ("c:3".into(), Some(ack("c:3", "reloaded", "h9"))),
                ("d:4".into(), None),
            ],
            "h1",
        );
        assert!(text.contains("✅ a:1: serving v (h1)"), "{text}");
        assert!(
            text.contains("❌ b:2: reload failed, still serving v (h0): contacts.toml:3"),
            "{text}"
        );
        assert!(text.contains("⚠️ c:3"), "{text}");
        assert!(text.contains("d:4: no answer yet"), "{text}");
        assert!(describe(&[], "h").contains("No other process"));
    }
}
