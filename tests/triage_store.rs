//! Triage sessions in the store: they survive a restart, a double click counts once, they expire
//! and are purged, the audit keeps no personal data, Back and Restart work, and every kind of bad
//! request gets a clear error without changing anything.

mod support;

use std::path::Path;
use std::time::Duration;

use sqlx::Row;

use safeguarding_bot::clock::ManualClock;
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::reply::{ButtonStyle, ReplyKind, EMERGENCY_LINE};
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::{self, act, start, view, SessionView, Store, TriageError};
use support::{knowledge_dir_of, snapshot, TestDb};

const OWNER: &str = "312345678901234567";

async fn answer(store: &Store, v: &SessionView, action: &str) -> SessionView {
    act(store, snapshot(), &v.session_id, v.step, action, OWNER)
        .await
        .unwrap_or_else(|e| panic!("{action} at step {}: {e:?}", v.step))
}

/// Opens the database file directly, as an auditor would.
async fn raw(dir: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect(&support::db_url(&dir.join("triage.db")))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_session_survives_a_restart_of_the_bot() {
    survives_a_restart(&TestDb::sqlite()).await;
}

#[tokio::test]
async fn a_session_survives_a_restart_of_the_bot_on_postgres() {
    if let Some(db) = TestDb::postgres("a_session_survives_a_restart_of_the_bot").await {
        survives_a_restart(&db).await;
    }
}

async fn survives_a_restart(db: &TestDb) {
    let (id, step) = {
        let store = Store::open(&db.url()).await.unwrap();
        let v = start(&store, snapshot(), OWNER).await.unwrap();
        let v = answer(&store, &v, "no").await;
        let v = answer(&store, &v, "no").await;
        assert_eq!(
            v.reply.title,
            snapshot().triage.question("incident_type").unwrap().text
        );
        store.close().await;
        (v.session_id, v.step)
    };
    // A new process: new store on the same file, and a snapshot built afresh.
    let store = Store::open(&db.url()).await.unwrap();
    let snap = Snapshot::build(&KnowledgeFiles::embedded()).unwrap();
    let v = view(&store, &snap, &id).await.unwrap();
    assert_eq!(v.step, step);
    assert!(!v.finished);
    assert_eq!(
        v.reply.title,
        snap.triage.question("incident_type").unwrap().text
    );
    let v = act(&store, &snap, &id, v.step, "bullying", OWNER)
        .await
        .unwrap();
    let v = act(&store, &snap, &id, v.step, "yes", OWNER).await.unwrap();
    assert!(v.finished);
    assert_eq!(v.outcome.as_deref(), Some("bullying_police"));
    assert_eq!(v.reply.kind, ReplyKind::TriageSummary);
    let audit = store.audit_records().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].outcome, "bullying_police");
    assert_eq!(
        audit[0].path,
        "immediate_danger=no,adult_in_position_of_trust=no,incident_type=bullying,bullying_severe=yes"
    );
    assert_eq!(audit[0].knowledge_hash, snap.knowledge.hash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_answers_to_one_step_count_once() {
    concurrent_answers_count_once(&TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_answers_to_one_step_count_once_on_postgres() {
    if let Some(db) = TestDb::postgres("concurrent_answers_to_one_step_count_once").await {
        concurrent_answers_count_once(&db).await;
    }
}

async fn concurrent_answers_count_once(db: &TestDb) {
    let store = Store::open(&db.url()).await.unwrap();
    // A second handle on the same database, as a second bot process would have.
    let other = Store::open(&db.url()).await.unwrap();
    for round in 0..5 {
        let v = start(&store, snapshot(), OWNER).await.unwrap();
        // Several presses of the step-0 buttons at once, with different answers, through both
        // handles.
        let tasks: Vec<_> = ["yes", "no", "yes", "no", "no", "yes"]
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let store = if i % 2 == 0 { &store } else { &other }.clone();
                let id = v.session_id.clone();
                tokio::spawn(async move { (a, act(&store, snapshot(), &id, 0, a, OWNER).await) })
            })
            .collect();
        let mut winners = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (a, Ok(v)) => winners.push((a, v)),
                (_, Err(TriageError::StaleStep { current })) => assert_eq!(current, 1),
                (_, Err(e)) => panic!("round {round}: unexpected error {e:?}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one answer wins");
        let (a, won) = &winners[0];
        assert_eq!(won.step, 1);
        // The stored session is the winner's, whole.
        let now = view(&store, snapshot(), &v.session_id).await.unwrap();
        assert_eq!(now.step, 1);
        if *a == "yes" {
            assert_eq!(now.outcome.as_deref(), Some("call_999"));
        } else {
            assert!(!now.finished);
            assert_eq!(
                now.reply.title,
                snapshot()
                    .triage
                    .question("adult_in_position_of_trust")
                    .unwrap()
                    .text
            );
        }
    }
}

#[tokio::test]
async fn a_stale_step_changes_nothing_and_says_where_the_session_is() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let v0 = start(&store, snapshot(), OWNER).await.unwrap();
    let v1 = answer(&store, &v0, "no").await;
    // The step-0 button pressed again (double click, second window).
    let err = act(&store, snapshot(), &v0.session_id, 0, "yes", OWNER)
        .await
        .unwrap_err();
    assert!(
        matches!(err, TriageError::StaleStep { current: 1 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("already moved on"));
    let now = view(&store, snapshot(), &v0.session_id).await.unwrap();
    assert_eq!(now.step, 1);
    assert!(!now.finished, "the stale 'yes' was not applied");
    assert_eq!(now.reply.title, v1.reply.title);
    // A step from the future is stale too.
    let err = act(&store, snapshot(), &v0.session_id, 7, "no", OWNER)
        .await
        .unwrap_err();
    assert!(matches!(err, TriageError::StaleStep { current: 1 }));
}

#[tokio::test]
async fn back_and_restart() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let snap = snapshot();
    let v = start(&store, snap, OWNER).await.unwrap();
    // No Back or Restart on the first question, and Back there is refused.
    assert!(!v
        .reply
        .buttons
        .iter()
        .any(|b| b.action == "back" || b.action == "restart"));
    let err = act(&store, snap, &v.session_id, 0, "back", OWNER)
        .await
        .unwrap_err();
    assert!(matches!(err, TriageError::InvalidAction(_)));

    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "bullying").await;
    assert!(v.reply.buttons.iter().any(|b| b.action == "back"));
    assert!(v.reply.buttons.iter().any(|b| b.action == "restart"));
    let v = answer(&store, &v, "back").await;
    assert_eq!(v.step, 4, "back is a step too");
    assert_eq!(
        v.reply.title,
        snap.triage.question("incident_type").unwrap().text
    );
    let answers = &v
        .reply
        .fields
        .iter()
        .find(|f| f.name == "Your answers")
        .unwrap()
        .value;
    assert!(
        !answers.contains("Type of concern"),
        "the undone answer is gone: {answers}"
    );

    // Reach an outcome, go back from it, choose differently: one audit row, updated.
    let v = answer(&store, &v, "bullying").await;
    let v = answer(&store, &v, "no").await;
    assert_eq!(v.outcome.as_deref(), Some("bullying_policy"));
    let v = answer(&store, &v, "back").await;
    assert!(!v.finished);
    let v = answer(&store, &v, "yes").await;
    assert_eq!(v.outcome.as_deref(), Some("bullying_police"));
    let audit = store.audit_records().await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].outcome, "bullying_police");

    // An answer after the end is refused.
    let err = act(&store, snap, &v.session_id, v.step, "yes", OWNER)
        .await
        .unwrap_err();
    assert!(
        matches!(err, TriageError::InvalidAction(ref m) if m.contains("finished")),
        "{err:?}"
    );

    // Restart: back to the first question with no answers; a new outcome is a new audit row.
    let v = answer(&store, &v, "restart").await;
    assert!(!v.finished);
    assert_eq!(v.reply.title, snap.triage.start().text);
    assert!(v.reply.fields.iter().all(|f| f.name != "Your answers"));
    let v = answer(&store, &v, "yes").await;
    assert_eq!(v.outcome.as_deref(), Some("call_999"));
    let mut outcomes: Vec<String> = store
        .audit_records()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.outcome)
        .collect();
    outcomes.sort(); // both may finish within the same millisecond
    assert_eq!(outcomes, ["bullying_police", "call_999"]);
}

#[tokio::test]
async fn every_step_carries_the_emergency_line_and_real_buttons() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let snap = snapshot();
    let mut v = start(&store, snap, OWNER).await.unwrap();
    for a in [
        "no",
        "no",
        "sexual_images",
        "no",
        "no",
        "no",
        "no",
        "no",
        "yes",
    ] {
        assert_eq!(v.reply.kind, ReplyKind::TriageStep);
        assert_eq!(v.reply.emergency.as_deref(), Some(EMERGENCY_LINE));
        assert!(
            !v.reply.citations.is_empty(),
            "{} cites nothing",
            v.reply.title
        );
        let q = snap
            .triage
            .questions()
            .iter()
            .find(|q| q.text == v.reply.title)
            .unwrap();
        let offered: Vec<&str> = v
            .reply
            .buttons
            .iter()
            .map(|b| b.action.as_str())
            .filter(|a| *a != "back" && *a != "restart")
            .collect();
        assert_eq!(offered, q.values());
        v = answer(&store, &v, a).await;
    }
    assert_eq!(v.outcome.as_deref(), Some("images_referral_24h"));
    assert_eq!(v.reply.kind, ReplyKind::TriageSummary);
    assert_eq!(v.reply.emergency.as_deref(), Some(EMERGENCY_LINE));
    let field = |name: &str| {
        v.reply
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no `{name}` field"))
            .value
            .clone()
    };
    assert!(field("Timeframe").contains("24 hours"));
    assert!(field("What to do, in order").starts_with("1. "));
    assert!(field("Evidence").contains("Do not delete"));
    assert!(field("Who to contact").contains("020 8547 5008"));
    assert!(v
        .reply
        .citations
        .iter()
        .any(|c| c.section_id == "strategy.s17.referral"));
    assert!(v
        .reply
        .buttons
        .iter()
        .all(|b| b.style == ButtonStyle::Secondary));
}

#[tokio::test]
async fn bad_requests_get_clear_errors_and_change_nothing() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let snap = snapshot();
    let v = start(&store, snap, OWNER).await.unwrap();
    assert_eq!(v.session_id.len(), 32);
    assert!(triage::is_session_id(&v.session_id));
    let v = answer(&store, &v, "no").await;

    // Unknown or malformed session ids.
    for id in [
        "0123456789abcdef0123456789abcdef",
        "",
        "../../etc/passwd",
        "' OR '1'='1",
        "0123456789ABCDEF0123456789ABCDEF",
        &"a".repeat(5000),
    ] {
        let err = act(&store, snap, id, v.step, "no", OWNER)
            .await
            .unwrap_err();
        assert!(matches!(err, TriageError::UnknownSession), "{id}: {err:?}");
        assert!(matches!(
            view(&store, snap, id).await.unwrap_err(),
            TriageError::UnknownSession
        ));
    }

    // Tampered actions.
    for action in [
        "maybe",
        "YES",
        "",
        "yes'; DROP TABLE triage_sessions; --",
        "yes\n",
        "sexual_images",
        &"x".repeat(1000),
        "ｙｅｓ",
    ] {
        let err = act(&store, snap, &v.session_id, v.step, action, OWNER)
            .await
            .unwrap_err();
        assert!(
            matches!(err, TriageError::InvalidAction(_)),
            "{action:?}: {err:?}"
        );
        assert!(err.to_string().chars().count() < 200, "message stays short");
    }

    // Someone else's button press.
    let err = act(
        &store,
        snap,
        &v.session_id,
        v.step,
        "no",
        "999999999999999999",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TriageError::NotOwner));
    assert!(err.to_string().contains("Only the person who started"));

    // Nothing was lost or changed by any of it.
    let now = view(&store, snap, &v.session_id).await.unwrap();
    assert_eq!(now.step, v.step);
    assert_eq!(now.reply.title, v.reply.title);
    let v = answer(&store, &now, "yes").await;
    assert_eq!(v.outcome, None, "adult_offence is asked next");
    let v = answer(&store, &v, "no").await;
    assert_eq!(v.outcome.as_deref(), Some("lado_referral"));

    // A bad owner id cannot start a session.
    assert!(matches!(
        start(&store, snap, "").await.unwrap_err(),
        TriageError::InvalidAction(_)
    ));
    assert!(matches!(
        start(&store, snap, "has space").await.unwrap_err(),
        TriageError::InvalidAction(_)
    ));
}

#[tokio::test]
async fn error_messages_are_for_people_not_programmers() {
    let errors = [
        TriageError::UnknownSession,
        TriageError::Expired,
        TriageError::StaleStep { current: 3 },
        TriageError::NotOwner,
        TriageError::Store("error returned from database: (code: 5) database is locked".into()),
    ];
    for e in &errors {
        let m = e.to_string();
        for internal in ["sqlx", "SQL", "database", "code:", "locked", "panic"] {
            assert!(!m.contains(internal), "{m}");
        }
        let r = e.reply();
        assert_eq!(r.kind, ReplyKind::Error);
        assert_eq!(r.emergency.as_deref(), Some(EMERGENCY_LINE));
        assert_eq!(r.body, m);
    }
    assert!(TriageError::Expired.to_string().contains("/triage"));
    // Opening something that is neither an SQLite nor a PostgreSQL URL is a store error, not a
    // panic.
    assert!(matches!(
        Store::open("mysql://localhost/x").await.unwrap_err(),
        TriageError::Store(_)
    ));
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=ro",
        dir.path().join("missing/none.db").display()
    );
    assert!(matches!(
        Store::open(&url).await.unwrap_err(),
        TriageError::Store(_)
    ));
}

#[tokio::test]
async fn a_press_while_postgres_is_down_is_refused_and_nothing_is_lost() {
    let test = "a_press_while_postgres_is_down_is_refused_and_nothing_is_lost";
    let Some(TestDb::Postgres(pg)) = TestDb::postgres(test).await else {
        return;
    };
    let store = Store::open(&pg.url).await.unwrap();
    let v = start(&store, snapshot(), OWNER).await.unwrap();
    let v = answer(&store, &v, "no").await;
    pg.stop();
    // The press is refused with the store error (not lost, not half-written)...
    let err = act(&store, snapshot(), &v.session_id, v.step, "no", OWNER)
        .await
        .unwrap_err();
    assert!(matches!(err, TriageError::Store(_)), "{err:?}");
    // ...and once the server is back the dialogue is where it was, and goes on.
    pg.start_again();
    let now = view(&store, snapshot(), &v.session_id).await.unwrap();
    assert_eq!(now.step, v.step);
    assert_eq!(now.reply.title, v.reply.title);
    let next = answer(&store, &now, "no").await;
    assert_eq!(next.step, v.step + 1);
}

#[tokio::test]
async fn idle_sessions_expire_and_are_purged() {
    expire_and_purge(&TestDb::sqlite()).await;
}

#[tokio::test]
async fn idle_sessions_expire_and_are_purged_on_postgres() {
    if let Some(db) = TestDb::postgres("idle_sessions_expire_and_are_purged").await {
        expire_and_purge(&db).await;
    }
}

async fn expire_and_purge(db: &TestDb) {
    // Time is a clock the test moves, not the wall clock: nothing here waits.
    let clock = ManualClock::starting_now();
    let ttl = Duration::from_secs(3600);
    let idle = ttl + Duration::from_secs(1);
    let store = Store::open(&db.url())
        .await
        .unwrap()
        .with_session_ttl(ttl)
        .with_clock(clock.clone());
    assert_eq!(store.session_ttl(), ttl);
    // The same database seen with the default TTL, to look without expiring anything.
    let patient = Store::open(&db.url())
        .await
        .unwrap()
        .with_clock(clock.clone());
    let old = start(&store, snapshot(), OWNER).await.unwrap();
    let old_done = answer(&store, &old, "yes").await; // reaches call_999: one audit row
    assert!(old_done.finished);
    // One millisecond short of the TTL the session still works; past it, it has expired.
    clock.advance(ttl - Duration::from_millis(1));
    assert!(view(&store, snapshot(), &old.session_id).await.is_ok());
    clock.advance(Duration::from_millis(2));

    // Used after its TTL: expired (and deleted), then unknown.
    let err = act(
        &store,
        snapshot(),
        &old.session_id,
        old_done.step,
        "back",
        OWNER,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, TriageError::Expired), "{err:?}");
    assert!(matches!(
        view(&patient, snapshot(), &old.session_id)
            .await
            .unwrap_err(),
        TriageError::UnknownSession
    ));

    // Purge: sessions idle longer than the TTL go; fresh ones and recent audit rows stay.
    let stale = start(&store, snapshot(), OWNER).await.unwrap();
    clock.advance(idle);
    let fresh = start(&store, snapshot(), OWNER).await.unwrap();
    let year = Duration::from_secs(365 * 24 * 3600);
    let purged = store.purge_expired(ttl, year).await.unwrap();
    assert_eq!(purged, 1);
    assert!(matches!(
        view(&patient, snapshot(), &stale.session_id)
            .await
            .unwrap_err(),
        TriageError::UnknownSession
    ));
    assert!(view(&patient, snapshot(), &fresh.session_id).await.is_ok());
    assert_eq!(store.audit_records().await.unwrap().len(), 1);

    // Audit rows past their retention are purged too; sessions within their TTL stay.
    let purged = store
        .purge_expired(Duration::from_secs(3600), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert!(store.audit_records().await.unwrap().is_empty());
    assert!(view(&patient, snapshot(), &fresh.session_id).await.is_ok());

    // The defaults are a week and a year.
    assert_eq!(
        triage::DEFAULT_SESSION_TTL,
        Duration::from_secs(7 * 24 * 3600)
    );
    assert_eq!(
        triage::DEFAULT_AUDIT_RETENTION,
        Duration::from_secs(365 * 24 * 3600)
    );
    assert_eq!(patient.session_ttl(), triage::DEFAULT_SESSION_TTL);
}

#[tokio::test]
async fn the_database_holds_only_ids_answers_and_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&support::db_url(&dir.path().join("triage.db")))
        .await
        .unwrap();
    let v = start(&store, snapshot(), OWNER).await.unwrap();
    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "grooming").await;
    assert_eq!(v.outcome.as_deref(), Some("significant_harm_referral"));
    store.close().await;

    let db = raw(dir.path()).await;
    let columns = |table: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query(&format!("PRAGMA table_info({table})"))
                .fetch_all(&db)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("name"))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        columns("triage_sessions").await,
        [
            "id",
            "owner",
            "path",
            "step",
            "audit_id",
            "created_at",
            "updated_at"
        ]
    );
    let audit_columns = columns("triage_audit").await;
    assert_eq!(
        audit_columns,
        [
            "id",
            "outcome",
            "path",
            "knowledge_hash",
            "started_at",
            "finished_at"
        ]
    );

    // No audit value holds the owner or the session id.
    let rows = sqlx::query("SELECT * FROM triage_audit")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    for r in &rows {
        for c in ["id", "outcome", "path", "knowledge_hash"] {
            let value: String = r.get(c);
            assert!(
                !value.contains(OWNER) && !value.contains(&v.session_id),
                "{c}={value}"
            );
        }
    }
    // Every stored path is made of tree ids only.
    let tree = &snapshot().triage;
    for table in ["triage_sessions", "triage_audit"] {
        let rows = sqlx::query(&format!("SELECT path FROM {table}"))
            .fetch_all(&db)
            .await
            .unwrap();
        for r in rows {
            let path: String = r.get("path");
            for pair in path.split(',') {
                let (q, a) = pair.split_once('=').unwrap();
                assert!(
                    tree.question(q).and_then(|q| q.choice(a)).is_some(),
                    "{pair}"
                );
            }
        }
    }
    // WAL mode for the file store.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_session_resumes_sensibly_after_the_tree_changes() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let v = start(&store, snapshot(), OWNER).await.unwrap();
    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "no").await;
    let v = answer(&store, &v, "bullying").await;
    // A reload renames the bullying answer: the stored "incident_type=bullying" no longer fits.
    let mut f = KnowledgeFiles::embedded();
    let changed = f.get("triage.toml").unwrap().replacen(
        "value = \"bullying\"",
        "value = \"online_bullying\"",
        1,
    );
    f.insert("triage.toml", changed);
    // The situation signals name the answer too: renamed there as well, as an admin would.
    let signals = f
        .get("situations.toml")
        .unwrap()
        .replace("answer = \"bullying\"", "answer = \"online_bullying\"")
        .replace("\nbullying = ", "\nonline_bullying = ");
    f.insert("situations.toml", signals);
    let reloaded = Snapshot::build(&f).unwrap();
    let now = view(&store, &reloaded, &v.session_id).await.unwrap();
    assert_eq!(
        now.reply.title,
        reloaded.triage.question("incident_type").unwrap().text
    );
    assert!(
        now.reply.notes[0].contains("updated"),
        "{:?}",
        now.reply.notes
    );
    let done = act(
        &store,
        &reloaded,
        &v.session_id,
        now.step,
        "online_bullying",
        OWNER,
    )
    .await
    .unwrap();
    assert_eq!(
        done.reply.title,
        reloaded.triage.question("bullying_severe").unwrap().text
    );
}

#[test]
fn the_console_dialogue_runs_with_numbers_back_restart_and_quit() {
    let snap = snapshot();
    // No, No, Online bullying (3), a bad number, back, Online bullying again, then Yes (severe).
    let script = "2\n2\n3\n9\nback\n3\n1\nquit\n";
    let mut out = Vec::new();
    let outcome = triage::console::run_dialogue(snap, &mut script.as_bytes(), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(outcome.as_deref(), Some("bullying_police"));
    assert!(out.contains("Please type a number from 1 to 2"), "{out}");
    assert!(out.contains("Severe online bullying"));
    assert!(out.contains("[1] Yes"));
    // The outcome is reached on "Check your answers", before the summary.
    assert!(out.contains("== Check your answers =="), "{out}");
    assert!(
        !out.contains("== Severe online bullying"),
        "no summary until confirmed: {out}"
    );
    assert!(out.contains("Left the triage."));
    assert!(out.contains(EMERGENCY_LINE));

    // restart, and the end of input, leave cleanly too.
    let mut out = Vec::new();
    let outcome =
        triage::console::run_dialogue(snap, &mut "1\nrestart\n2\n".as_bytes(), &mut out).unwrap();
    assert_eq!(outcome, None, "after restart nothing is reached");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Call 999 now"));
}

#[test]
fn the_console_command_hands_triage_to_the_dialogue() {
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    let mut child = support::bin()
        .arg("--knowledge")
        .arg(dir.path())
        .arg("console")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/triage\n2\n1\n2\nquit\n/help\n/quit\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Refer to the LADO through SPA"), "{s}");
    assert!(s.contains("Left the triage."));
    // Back at the ordinary prompt afterwards.
    assert!(
        s.contains("/whocall"),
        "the /help after the triage ran: {s}"
    );
}

#[tokio::test]
async fn the_api_futures_can_run_on_any_task() {
    // Handlers run on spawned tasks (gateway events, HTTP requests): their futures must be Send.
    fn assert_send<T: Send>(_: &T) {}
    let store = Store::open("sqlite::memory:").await.unwrap();
    let snap = snapshot();
    let f = start(&store, snap, OWNER);
    assert_send(&f);
    let v = f.await.unwrap();
    let f = act(&store, snap, &v.session_id, v.step, "no", OWNER);
    assert_send(&f);
    assert_eq!(f.await.unwrap().step, 1);
    let f = view(&store, snap, &v.session_id);
    assert_send(&f);
    assert_eq!(f.await.unwrap().step, 1);
    let f = store.purge_expired(Duration::from_secs(60), Duration::from_secs(60));
    assert_send(&f);
    assert_eq!(f.await.unwrap(), 0);
}
