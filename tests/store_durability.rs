//! The bot killed with SIGKILL in the middle of dialogues loses no triage session and corrupts
//! none.
//!
//! How it works: this test binary plays both parts.
//!
//! - **The bot** is the test `bot_loop`. Run normally it drives a store in a temporary directory
//!   for a bounded number of steps and checks its own record (so it is a real test). Run with
//!   the environment variable `SG_DURABILITY_DB` set to a database URL, as the parent below
//!   does, it becomes the child: it opens a `Store` on that database and, from four concurrent
//!   tasks, starts sessions and keeps answering them in a tight loop (random answers the current
//!   question offers, Back, Restart, new sessions), printing `COMMIT <session> <step> <path>` to
//!   standard output after every action `triage::start` / `triage::act` has returned (that is,
//!   committed). It never stops by itself (except after a minute, so an orphan cannot linger).
//! - **The parent** (`sigkill_mid_dialogue_loses_nothing`) re-executes this same binary
//!   (`std::env::current_exe()`) as that child, reads a few hundred `COMMIT` lines, kills it
//!   with SIGKILL (`Child::kill`; the test checks it really died of signal 9, i.e. it was
//!   running, not finished), reopens the store as a restarted bot would, and checks:
//!   - every session the child reported exists and is readable with `view()`, at a step no
//!     lower than the last one reported; at exactly that step its stored path is exactly the
//!     one reported (what was acknowledged is what is stored);
//!   - every stored path still fits the tree, and every session whose path ends in an outcome
//!     has its audit row with that outcome and path (session and audit are written in one
//!     transaction: neither survives without the other);
//!   - on SQLite, `PRAGMA integrity_check` is `ok` (through a separate sqlx connection);
//!   - every session can be continued to a valid outcome.
//!
//!   This is repeated four times on the same database, each kill landing at a different
//!   moment, and every session from earlier rounds is checked again after every later kill.
//!
//! The kills run on an SQLite file and, where PostgreSQL is installed, on a throwaway
//! PostgreSQL cluster (`…_on_postgres`; it prints that it skipped otherwise).
//!
//! Unix only (SIGKILL). Run: `cargo test --test store_durability` (about 10 s in a debug build).

#![cfg(unix)]

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use safeguarding_bot::triage::engine::{self, Action, Path};
use safeguarding_bot::triage::{self, Store};

/// Environment variable that turns `bot_loop` into the child process.
const CHILD_ENV: &str = "SG_DURABILITY_DB";
const OWNER: &str = "312345678901234567";
const TASKS: u64 = 4;
const ROUNDS: u64 = 4;

/// A small deterministic generator (xorshift64*), so the bot needs no extra dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// One committed state, as reported by the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Commit {
    session: String,
    step: u32,
    path: String,
}

impl Commit {
    fn line(&self) -> String {
        format!("COMMIT {} {} {}", self.session, self.step, self.path)
    }

    fn parse(line: &str) -> Option<Commit> {
        let mut parts = line.strip_prefix("COMMIT ")?.splitn(3, ' ');
        Some(Commit {
            session: parts.next()?.to_string(),
            step: parts.next()?.parse().ok()?,
            path: parts.next().unwrap_or("").to_string(),
        })
    }
}

/// One bot task: keeps a few sessions going and reports every committed action through
/// `report`, until `stop` says so.
async fn bot_task(
    store: Store,
    seed: u64,
    report: Arc<dyn Fn(Commit) + Send + Sync>,
    stop: Arc<dyn Fn() -> bool + Send + Sync>,
) {
    let snap = support::snapshot();
    let tree = &snap.triage;
    let mut rng = Rng::new(seed);
    // (session id, step, path) of this task's live sessions.
    let mut sessions: Vec<(String, u32, Path)> = Vec::new();
    while !stop() {
        if sessions.len() < 3 || rng.below(40) == 0 {
            let v = triage::start(&store, snap, OWNER).await.expect("start");
            report(Commit {
                session: v.session_id.clone(),
                step: 0,
                path: String::new(),
            });
            sessions.push((v.session_id, 0, Path::new()));
            continue;
        }
        let i = rng.below(sessions.len());
        let (id, step, path) = sessions[i].clone();
        let walk = engine::replay(tree, &path);
        let roll = rng.below(20);
        let action = match walk.question() {
            Some(_) if roll == 0 => Action::Restart,
            _ if roll < 3 && !path.is_empty() => Action::Back,
            Some(q) => Action::Answer(q.choices[rng.below(q.choices.len())].value.clone()),
            None if roll < 12 => Action::Back,
            None => Action::Restart,
        };
        let next = engine::apply(&walk, &action).expect("a valid action");
        let v = triage::act(&store, snap, &id, step, action.as_str(), OWNER)
            .await
            .unwrap_or_else(|e| panic!("act {action:?} on {id} at {step}: {e:?}"));
        assert_eq!(v.step, step + 1);
        report(Commit {
            session: id.clone(),
            step: v.step,
            path: next.encode(),
        });
        sessions[i] = (id, v.step, next);
        if v.finished && rng.below(4) == 0 {
            // A finished dialogue is left as it is; the practitioner moves on.
            sessions.swap_remove(i);
        }
    }
}

/// Runs the bot's tasks on `db` until `stop`.
fn run_bot(
    db: &str,
    seed: u64,
    report: Arc<dyn Fn(Commit) + Send + Sync>,
    stop: Arc<dyn Fn() -> bool + Send + Sync>,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = Store::open(db).await.expect("open store");
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                tokio::spawn(bot_task(
                    store.clone(),
                    seed * 100 + t,
                    report.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        for t in tasks {
            t.await.expect("bot task");
        }
        store.close().await;
    });
}

/// The bot. Normally: a bounded in-process run whose reports are checked like the parent checks
/// the child's. As the child (`SG_DURABILITY_DB` set): runs until killed.
#[test]
fn bot_loop() {
    if let Ok(db) = std::env::var(CHILD_ENV) {
        let seed: u64 = std::env::var("SG_DURABILITY_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let started = Instant::now();
        let out = Arc::new(Mutex::new(std::io::stdout()));
        let report: Arc<dyn Fn(Commit) + Send + Sync> = Arc::new(move |c: Commit| {
            let mut o = out.lock().expect("stdout");
            writeln!(o, "{}", c.line()).expect("report");
            o.flush().expect("flush");
        });
        run_bot(
            &db,
            seed,
            report,
            Arc::new(move || started.elapsed() > Duration::from_secs(60)),
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = support::db_url(&dir.path().join("triage.db"));
    let commits: Arc<Mutex<Vec<Commit>>> = Arc::new(Mutex::new(Vec::new()));
    let c = commits.clone();
    let report: Arc<dyn Fn(Commit) + Send + Sync> =
        Arc::new(move |commit| c.lock().expect("lock").push(commit));
    let c = commits.clone();
    run_bot(
        &db,
        7,
        report,
        Arc::new(move || c.lock().expect("lock").len() >= 200),
    );
    let commits = commits.lock().expect("lock").clone();
    let mut last = latest(&commits);
    assert!(last.len() >= 12, "{} sessions", last.len());
    // Stopped cleanly, every session is exactly where it was last reported.
    verify(&db, &mut last, true);
}

/// The last reported commit of each session.
fn latest(commits: &[Commit]) -> HashMap<String, Commit> {
    let mut last: HashMap<String, Commit> = HashMap::new();
    for c in commits {
        let e = last.entry(c.session.clone()).or_insert_with(|| c.clone());
        assert!(c.step >= e.step, "steps go up: {c:?} after {e:?}");
        *e = c.clone();
    }
    last
}

/// Reopens the store as a restarted bot and checks every reported session (see the file's
/// documentation). With `exact`, the stored step must equal the reported one. Afterwards every
/// session has been continued to an outcome and `reported` holds where each now stands.
fn verify(db: &str, reported: &mut HashMap<String, Commit>, exact: bool) {
    let snap = support::snapshot();
    let tree = &snap.triage;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = Store::open(db).await.expect("reopen store");
        let pool = Db::connect(db).await;
        pool.check_integrity().await;
        let stored: HashMap<String, (u32, String, Option<String>)> = pool.sessions().await;
        let audit: HashMap<String, (String, String)> = pool.audit().await;

        for (id, c) in reported.iter() {
            let (step, path, audit_id) = stored
                .get(id)
                .unwrap_or_else(|| panic!("session {id} (reported at step {}) is lost", c.step));
            assert!(
                *step >= c.step,
                "session {id}: stored step {step} is behind the reported {}",
                c.step
            );
            if exact || *step == c.step {
                assert_eq!(*step, c.step, "session {id}");
                assert_eq!(path, &c.path, "session {id} at step {step}");
            }
            let decoded = Path::decode(path)
                .unwrap_or_else(|e| panic!("session {id}: corrupt path {path:?}: {e}"));
            let walk = engine::replay(tree, &decoded);
            assert_eq!(walk.dropped, 0, "session {id}: path {path:?} does not fit");
            let v = triage::view(&store, snap, id)
                .await
                .unwrap_or_else(|e| panic!("view {id}: {e:?}"));
            assert_eq!(v.step, *step, "session {id}");
            if let Some(o) = walk.outcome() {
                let a = audit_id
                    .as_ref()
                    .unwrap_or_else(|| panic!("session {id} at {} has no audit row", o.id));
                let (outcome, apath) = audit
                    .get(a)
                    .unwrap_or_else(|| panic!("session {id}: audit row {a} is missing"));
                assert_eq!(outcome, &o.id, "session {id}");
                assert_eq!(apath, path, "session {id}");
            }
        }

        // Every session can be taken on to an outcome.
        for (id, c) in reported.iter_mut() {
            let mut v = triage::view(&store, snap, id).await.expect("view");
            let mut guard = 0;
            while !v.finished {
                // The first answer button of the question shown.
                let answer = v.reply.buttons.first().expect("a button").action.clone();
                v = triage::act(&store, snap, id, v.step, &answer, OWNER)
                    .await
                    .unwrap_or_else(|e| panic!("continue {id}: {e:?}"));
                guard += 1;
                assert!(guard <= tree.questions().len(), "session {id} never ends");
            }
            assert!(
                v.outcome.is_some()
                    && tree
                        .outcome(v.outcome.as_deref().expect("outcome"))
                        .is_some()
            );
            *c = Commit {
                session: id.clone(),
                step: v.step,
                path: pool.path(id).await,
            };
        }
        pool.close().await;
        store.close().await;
    });
}

/// A second connection to the store's database, read directly (not through `Store`).
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn connect(url: &str) -> Db {
        if url.starts_with("sqlite") {
            Db::Sqlite(
                sqlx::SqlitePool::connect(url)
                    .await
                    .expect("second connection"),
            )
        } else {
            Db::Postgres(sqlx::PgPool::connect(url).await.expect("second connection"))
        }
    }

    /// SQLite's own check of the file (PostgreSQL has no equivalent to run here).
    async fn check_integrity(&self) {
        if let Db::Sqlite(p) = self {
            let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(p)
                .await
                .expect("integrity_check");
            assert_eq!(integrity, "ok");
        }
    }

    /// Every session: id → (step, path, audit id).
    async fn sessions(&self) -> HashMap<String, (u32, String, Option<String>)> {
        let sql = "SELECT id, step, path, audit_id FROM triage_sessions";
        let rows: Vec<(String, i64, String, Option<String>)> = match self {
            Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
        }
        .expect("sessions");
        rows.into_iter()
            .map(|(id, step, path, audit)| (id, (step as u32, path, audit)))
            .collect()
    }

    /// Every audit row: id → (outcome, path).
    async fn audit(&self) -> HashMap<String, (String, String)> {
        let sql = "SELECT id, outcome, path FROM triage_audit";
        let rows: Vec<(String, String, String)> = match self {
            Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await,
            Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await,
        }
        .expect("audit");
        rows.into_iter().map(|(id, o, p)| (id, (o, p))).collect()
    }

    async fn path(&self, id: &str) -> String {
        let sql = "SELECT path FROM triage_sessions WHERE id = $1";
        match self {
            Db::Sqlite(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await,
        }
        .expect("path")
    }

    async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

#[test]
fn sigkill_mid_dialogue_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    sigkill_rounds(&support::db_url(&dir.path().join("triage.db")));
}

/// The same kills with the store on PostgreSQL (a throwaway cluster; skipped where PostgreSQL
/// is not installed).
#[test]
fn sigkill_mid_dialogue_loses_nothing_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = rt.block_on(support::TestDb::postgres(
        "sigkill_mid_dialogue_loses_nothing_on_postgres",
    )) else {
        return;
    };
    sigkill_rounds(&db.url());
    drop(db);
}

/// Kills the child bot [`ROUNDS`] times on the store at `db`, checking every session after
/// each kill.
fn sigkill_rounds(db: &str) {
    let exe = std::env::current_exe().expect("test binary");
    // Sessions from every round, as last seen (reported by the child, or after the parent took
    // them to an outcome).
    let mut all: HashMap<String, Commit> = HashMap::new();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["bot_loop", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, db)
            .env("SG_DURABILITY_SEED", (round + 1).to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the bot");
        let mut stderr = child.stderr.take().expect("stderr");
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let want = 150 + (round as usize * 97) % 200;
        let mut commits = Vec::new();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        while commits.len() < want {
            match lines.next() {
                Some(Ok(l)) => commits.extend(Commit::parse(&l)),
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "round {round}: the bot stopped after {} commits: {}",
                        commits.len(),
                        err_reader.join().unwrap_or_default()
                    );
                }
            }
        }
        // Kill it while it is still answering (the pipe is being read, so it is not blocked).
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");
        drop(lines);
        let stderr = err_reader.join().unwrap_or_default();
        assert_eq!(
            status.signal(),
            Some(9),
            "round {round}: the bot was not killed mid-run ({status:?}): {stderr}"
        );
        assert!(!stderr.contains("panicked"), "round {round}: {stderr}");
        let reported = latest(&commits);
        eprintln!(
            "round {round}: killed after {} reported commits over {} sessions",
            commits.len(),
            reported.len()
        );
        all.extend(reported);
        // Checks every session of every round so far, then takes each to an outcome.
        verify(db, &mut all, false);
    }
    assert!(
        all.len() >= (ROUNDS * TASKS * 3) as usize,
        "{} sessions",
        all.len()
    );
}

#[test]
fn commit_lines_round_trip() {
    let c = Commit {
        session: "0123456789abcdef0123456789abcdef".into(),
        step: 7,
        path: "immediate_danger=no,adult_in_position_of_trust=yes".into(),
    };
    assert_eq!(Commit::parse(&c.line()), Some(c.clone()));
    let empty = Commit {
        path: String::new(),
        ..c
    };
    assert_eq!(Commit::parse(&empty.line()), Some(empty));
    assert_eq!(Commit::parse("running 1 test"), None);
}
