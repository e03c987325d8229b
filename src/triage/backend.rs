//! The two databases the triage store runs on: SQLite (the embedded default, nothing to install)
//! and PostgreSQL (one store shared by several bot processes). Everything above this module
//! writes its SQL once, in the dialect both accept (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`), and runs it on whichever pool [`Pool`] holds through [`on_pool!`] and
//! [`in_tx!`]; only opening, migrating and starting a write transaction differ.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::TriageError;

/// Turns a database error into [`TriageError::Store`], logging the detail (the message shown to
/// users never carries it).
pub(crate) fn store_err(context: &str, e: impl std::fmt::Display) -> TriageError {
    tracing::error!(target: "triage::store", "{context}: {e}");
    TriageError::Store(format!("{context}: {e}"))
}

/// The SQLite schema, embedded from `migrations/sqlite/` at build time.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// The PostgreSQL schema, embedded from `migrations/postgres/` at build time.
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// A connection pool on one of the two backends. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// A file (WAL mode) or a private in-memory database.
    Sqlite(SqlitePool),
    /// A PostgreSQL database, possibly shared with other bot processes.
    Postgres(PgPool),
}

/// Which backend a `database.url` names, or `None` for anything else.
pub fn backend_of(url: &str) -> Option<&'static str> {
    if url.starts_with("sqlite:") {
        Some("sqlite")
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some("postgres")
    } else {
        None
    }
}

/// `url` with any password taken out (from the user part and a `password=` query parameter), so
/// that it can be logged and shown by `config`, and named in the error for a URL of the wrong
/// kind. SQLite URLs carry no secret and come back as they are.
pub fn redact_database_url(url: &str) -> String {
    if backend_of(url) == Some("sqlite") {
        return url.to_string();
    }
    let Ok(mut u) = reqwest::Url::parse(url) else {
        return "(invalid URL)".to_string();
    };
    if u.password().is_some() {
        let _ = u.set_password(Some("redacted"));
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "password" {
                    "redacted".into()
                } else {
                    v
                };
                (k.into_owned(), v.into_owned())
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

impl Pool {
    /// Connects to `url` (see [`crate::triage::Store::open`]) and brings the schema up to date.
    pub(crate) async fn open(url: &str) -> Result<Pool, TriageError> {
        let pool = match backend_of(url) {
            Some("sqlite") => Pool::Sqlite(open_sqlite(url).await?),
            Some(_) => match open_postgres(url).await? {
                Ok(pool) => Pool::Postgres(pool),
                Err(lazy) => {
                    // PostgreSQL is down: serve the lookups now (they need no store), and
                    // bring the schema up to date once it answers. Until then each triage step
                    // is refused with "triage is unavailable".
                    tokio::spawn(migrate_when_up(lazy.clone()));
                    return Ok(Pool::Postgres(lazy));
                }
            },
            None => {
                return Err(store_err(
                    "open",
                    "database.url must start with sqlite: (e.g. sqlite://triage.db?mode=rwc) \
                     or postgres:// (e.g. postgres://bot@db.example/triage)",
                ))
            }
        };
        let migrated = match &pool {
            Pool::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
            // sqlx takes an advisory lock, so processes starting together migrate once.
            Pool::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        };
        migrated.map_err(|e| store_err("migrate", e))?;
        Ok(pool)
    }

    /// True when the database answers a trivial query within `within` (for `GET /health`: a
    /// process whose store is down cannot run a triage step and should be taken out of service).
    pub(crate) async fn ping(&self, within: std::time::Duration) -> bool {
        let query = async {
            match self {
                Pool::Sqlite(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
                Pool::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.is_ok(),
            }
        };
        tokio::time::timeout(within, query).await.unwrap_or(false)
    }

    /// Closes every connection.
    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

async fn open_sqlite(url: &str) -> Result<SqlitePool, TriageError> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = SqliteConnectOptions::from_str(url)
        .map_err(|e| store_err("open: bad database URL", e))?
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool_options = if in_memory {
        // One connection that never closes: an in-memory database lives only as long as its
        // connections, and one connection also means no shared-cache table locks.
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        SqlitePoolOptions::new().max_connections(4)
    };
    pool_options
        .connect_with(options)
        .await
        .map_err(|e| store_err("open", e))
}

/// A connected pool, or (`Err`) when the server did not answer, a pool that connects on first
/// use. A malformed URL is an error either way.
async fn open_postgres(url: &str) -> Result<Result<PgPool, PgPool>, TriageError> {
    let options =
        PgConnectOptions::from_str(url).map_err(|e| store_err("open: bad database URL", e))?;
    let pool_options = PgPoolOptions::new()
        .max_connections(8)
        // A server that is down fails start-up (and each button press) in seconds, not minutes.
        .acquire_timeout(Duration::from_secs(10));
    match pool_options.clone().connect_with(options.clone()).await {
        Ok(pool) => Ok(Ok(pool)),
        Err(e @ (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut)) => {
            tracing::warn!(
                error = %e,
                "PostgreSQL does not answer: starting without it; triage is unavailable until it does (lookups answer meanwhile)"
            );
            Ok(Err(pool_options
                .acquire_timeout(Duration::from_secs(3))
                .connect_lazy_with(options)))
        }
        Err(e) => Err(store_err("open", e)),
    }
}

/// Runs the PostgreSQL migrations as soon as the server answers (every 5 s until it does).
async fn migrate_when_up(pool: PgPool) {
    loop {
        match POSTGRES_MIGRATOR.run(&pool).await {
            Ok(()) => {
                tracing::info!("PostgreSQL answers again: schema up to date, triage available");
                return;
            }
            Err(e) => tracing::debug!(error = %e, "PostgreSQL still unavailable"),
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// Runs `$body` with `$p` bound to the store's pool, whichever backend it is: the body is
/// compiled once per backend, so the same SQL and binds serve both.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::triage::backend::Pool::Sqlite($p) => $body,
            $crate::triage::backend::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` inside a write transaction `$tx` on the store's pool (the body commits it; an
/// early return rolls it back). SQLite's is `BEGIN IMMEDIATE`, which takes the write lock up
/// front so two writers queue (busy timeout) instead of one failing to upgrade a read lock;
/// PostgreSQL's is an ordinary READ COMMITTED transaction, where a conditional `UPDATE` that
/// finds its row locked waits and then re-checks its `WHERE` against the committed row.
macro_rules! in_tx {
    ($pool:expr, $ctx:expr, |$tx:ident| $body:expr) => {
        match $pool {
            $crate::triage::backend::Pool::Sqlite(p) => {
                let mut $tx = p
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(|e| $crate::triage::backend::store_err($ctx, e))?;
                $body
            }
            $crate::triage::backend::Pool::Postgres(p) => {
                let mut $tx = p
                    .begin()
                    .await
                    .map_err(|e| $crate::triage::backend::store_err($ctx, e))?;
                $body
            }
        }
    };
}
pub(crate) use in_tx;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive_redaction() {
        for url in [
            "postgres://bot:s3cret@db.example:5432/triage",
            "postgresql://bot@db.example/triage?password=s3cret&sslmode=require",
        ] {
            let shown = redact_database_url(url);
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("db.example"), "{shown}");
            assert!(shown.contains("bot"), "{shown}");
        }
        assert!(
            redact_database_url("postgres://bot:s3cret@db.example/triage?sslmode=require")
                .ends_with("/triage?sslmode=require")
        );
        let sqlite = "sqlite://data/safeguarding-bot.db?mode=rwc";
        assert_eq!(redact_database_url(sqlite), sqlite);
        assert!(!redact_database_url("mysql://bot:s3cret@db.example/x").contains("s3cret"));
        assert_eq!(backend_of("mysql://x"), None);
        assert_eq!(backend_of("postgresql://x/y"), Some("postgres"));
    }
}
