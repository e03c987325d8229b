//! Property tests: no button press, however forged, can crash the triage, change a session it
//! should not, or get the wrong kind of refusal; no `--answers` string can crash a scripted run
//! or make it print anything but one JSON object.
//!
//! **Buttons.** A chat adapter hands `triage::act` whatever came back in a button's custom id, so
//! every part of it is untrusted. On a real SQLite store in a temporary directory, each case
//! starts a real session, answers 0–3 questions, then applies 1–12 presses whose session id
//! (the real one, one hex digit changed, random hex, upper case, truncated, padded, SQL and
//! LIKE metacharacters, arbitrary Unicode), step (current, earlier, later, `u32::MAX`), action
//! (an answer the current question offers, another question's answer, back, restart, near
//! misses, arbitrary text) and actor (the owner or someone else) are drawn at random. A small
//! model predicts each result from the documented order of checks (docs/triage.md, "For a chat
//! adapter"):
//!
//! - a malformed id → `UnknownSession`; a well-formed id of no session → `UnknownSession` (or
//!   `InvalidAction` when the action is malformed too, which is checked first);
//! - a malformed action → `InvalidAction`; someone else → `NotOwner`; an old or future step →
//!   `StaleStep { current }` with the real current step; an answer the question does not offer,
//!   Back on the first question, an answer after the outcome → `InvalidAction`;
//! - otherwise the press is accepted and the session moves exactly as the engine says.
//!
//! After every press the session is read back two ways (`view`, and the row itself through a
//! second connection): its step and stored path are exactly the model's, so a refused press
//! changed nothing. `view` with the same arbitrary ids answers `UnknownSession` for anything but
//! the real id. At the end every session of every case is read back unchanged and the table
//! holds exactly the sessions started (no press created, deleted or touched another session).
//!
//! **Scripted runs.** Arbitrary `--answers` strings (fragments of real question ids and values,
//! reordered, repeated, with garbage and arbitrary Unicode) go through the library behind
//! `triage --json` (`engine::script`, `render::script_json` / `script_error_json`): never a
//! panic; a success reaches an outcome along answers that were all given, and lists the rest as
//! unused; an error is one of the documented kinds and names what was wrong (the unknown
//! question, the invalid value with the allowed ones, the duplicated or missing question). A
//! bounded number of them (16) also go through the binary itself, half as `--answers VALUE` and
//! half as `--answers=VALUE`: exit status 0 or 2 only, exactly one JSON object on standard output
//! (the same the library gives), no panic.
//!
//! **Console.** Arbitrary lines typed at the console's `triage>` prompt (numbers in and out of
//! range, answer values, back/restart/quit and their abbreviations, arbitrary text) run through
//! `triage::console::run_dialogue` (64 cases): it always finishes, shows the emergency line, and
//! any outcome it reports exists.
//!
//! Run: `cargo test --test fuzz_triage` (`PROPTEST_CASES=N` for more cases).

mod support;

use std::collections::HashSet;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use sqlx::Row;

use safeguarding_bot::reply::{ReplyKind, EMERGENCY_LINE};
use safeguarding_bot::triage::engine::{self, Action, Path, ScriptError};
use safeguarding_bot::triage::{self, render, Node, SessionView, Store, TriageError};

const OWNER: &str = "312345678901234567";

/// Every answer value and question id in the tree, for near-miss inputs.
fn tree_words() -> Vec<String> {
    let tree = &support::snapshot().triage;
    let mut w: Vec<String> = tree
        .questions()
        .iter()
        .flat_map(|q| {
            std::iter::once(q.id.clone()).chain(q.choices.iter().map(|c| c.value.clone()))
        })
        .chain(tree.outcomes().iter().map(|o| o.id.clone()))
        .collect();
    w.sort();
    w.dedup();
    w
}

// ---------------------------------------------------------------------------------------------
// Button presses.

/// Which session id a press carries; materialised against the real id at run time.
#[derive(Debug, Clone)]
enum IdPick {
    Real,
    /// The real id with one hex digit changed: well formed, no such session.
    OneDigitChanged(usize, u8),
    /// Random well-formed id.
    RandomHex(String),
    Upper,
    Truncated(usize),
    Padded(String),
    Fixed(&'static str),
    Arbitrary(String),
}

#[derive(Debug, Clone)]
enum StepPick {
    Current,
    Earlier(u32),
    Later(u32),
    Max,
    Any(u32),
}

#[derive(Debug, Clone)]
enum ActionPick {
    /// The i-th answer the current question offers (wrapping).
    Offered(usize),
    /// Any answer value or id from anywhere in the tree.
    TreeWord(usize),
    Back,
    Restart,
    Fixed(&'static str),
    Arbitrary(String),
}

#[derive(Debug, Clone)]
enum ActorPick {
    Owner,
    Other(String),
}

#[derive(Debug, Clone)]
struct Press {
    id: IdPick,
    step: StepPick,
    action: ActionPick,
    actor: ActorPick,
}

fn id_pick() -> impl Strategy<Value = IdPick> {
    prop_oneof![
        16 => Just(IdPick::Real),
        2 => (0usize..32, 0u8..16).prop_map(|(i, d)| IdPick::OneDigitChanged(i, d)),
        1 => "[0-9a-f]{32}".prop_map(IdPick::RandomHex),
        1 => Just(IdPick::Upper),
        1 => (0usize..32).prop_map(IdPick::Truncated),
        1 => "[ -~]{1,4}".prop_map(IdPick::Padded),
        2 => select(&[
            "", " ", "%", "_", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%", "________________________________",
            "' OR '1'='1' --", "0123456789abcdef0123456789abcdef'; DROP TABLE triage_sessions; --",
            "../../../../etc/passwd", "\0", "null", "NULL", "*",
            "gggggggggggggggggggggggggggggggg", "0x0123456789abcdef0123456789abcd",
        ][..]).prop_map(IdPick::Fixed),
        1 => any::<String>().prop_map(IdPick::Arbitrary),
        1 => vec(proptest::char::any(), 32..=32)
            .prop_map(|c| IdPick::Arbitrary(c.into_iter().collect())),
    ]
}

fn step_pick() -> impl Strategy<Value = StepPick> {
    prop_oneof![
        12 => Just(StepPick::Current),
        2 => (0u32..4).prop_map(StepPick::Earlier),
        1 => (1u32..4).prop_map(StepPick::Later),
        1 => Just(StepPick::Max),
        1 => any::<u32>().prop_map(StepPick::Any),
    ]
}

fn action_pick() -> impl Strategy<Value = ActionPick> {
    prop_oneof![
        8 => (0usize..20).prop_map(ActionPick::Offered),
        2 => (0usize..1000).prop_map(ActionPick::TreeWord),
        2 => Just(ActionPick::Back),
        1 => Just(ActionPick::Restart),
        2 => select(&[
            "", "Back", "BACK", " back", "back ", "restart\n", "yes\0", "YES", "ｙｅｓ", "yes;no",
            "yes,no", "yes=no", "immediate_danger=yes", "no'; DROP TABLE triage_sessions; --",
            "%", "_", "a_very_long_value_that_is_too_long_x", "9", "_no", "nó", "\u{202e}sey",
        ][..]).prop_map(ActionPick::Fixed),
        1 => any::<String>().prop_map(ActionPick::Arbitrary),
        1 => "[a-z_0-9]{0,40}".prop_map(ActionPick::Arbitrary),
    ]
}

fn actor_pick() -> impl Strategy<Value = ActorPick> {
    prop_oneof![
        9 => Just(ActorPick::Owner),
        1 => prop_oneof![
            Just(String::new()),
            Just(format!("{OWNER} ")),
            Just(OWNER.to_uppercase() + "x"),
            any::<String>(),
        ].prop_map(ActorPick::Other),
    ]
}

fn press() -> impl Strategy<Value = Press> {
    (id_pick(), step_pick(), action_pick(), actor_pick()).prop_map(|(id, step, action, actor)| {
        Press {
            id,
            step,
            action,
            actor,
        }
    })
}

fn materialise_id(pick: &IdPick, real: &str) -> String {
    match pick {
        IdPick::Real => real.to_string(),
        IdPick::OneDigitChanged(i, d) => {
            let mut b: Vec<u8> = real.bytes().collect();
            let hex = b"0123456789abcdef";
            let new = hex[*d as usize];
            b[*i] = if b[*i] == new {
                hex[(*d as usize + 1) % 16]
            } else {
                new
            };
            String::from_utf8(b).expect("hex")
        }
        IdPick::RandomHex(h) => h.clone(),
        IdPick::Upper => real.to_uppercase(),
        IdPick::Truncated(n) => real[..*n].to_string(),
        IdPick::Padded(p) => format!("{real}{p}"),
        IdPick::Fixed(s) => s.to_string(),
        IdPick::Arbitrary(s) => s.clone(),
    }
}

/// What the model holds about one session: its step and stored answers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Model {
    id: String,
    step: u32,
    path: Path,
}

/// What a press should do.
#[derive(Debug)]
enum Expect {
    Accepted(Path),
    Unknown,
    /// A well-formed id of no session with a malformed action: either refusal is right.
    UnknownOrInvalid,
    Invalid,
    NotOwner,
    Stale(u32),
}

fn predict(m: &Model, id: &str, step: u32, action: &str, actor: &str) -> Expect {
    let tree = &support::snapshot().triage;
    if !triage::is_session_id(id) {
        return Expect::Unknown;
    }
    let parsed = Action::parse(action);
    if id != m.id {
        return match parsed {
            Ok(_) => Expect::Unknown,
            Err(_) => Expect::UnknownOrInvalid,
        };
    }
    let Ok(parsed) = parsed else {
        return Expect::Invalid;
    };
    if actor != OWNER {
        return Expect::NotOwner;
    }
    if step != m.step {
        return Expect::Stale(m.step);
    }
    match engine::apply(&engine::replay(tree, &m.path), &parsed) {
        Ok(p) => Expect::Accepted(p),
        Err(_) => Expect::Invalid,
    }
}

/// The session's row, read through a separate connection.
async fn row(pool: &sqlx::SqlitePool, id: &str) -> Option<(u32, String)> {
    sqlx::query("SELECT step, path FROM triage_sessions WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
        .expect("read row")
        .map(|r| {
            let step: i64 = r.get("step");
            (u32::try_from(step).expect("step"), r.get("path"))
        })
}

/// The session is exactly where the model says, read back both ways.
async fn check_unchanged(store: &Store, pool: &sqlx::SqlitePool, m: &Model, what: &str) {
    let snap = support::snapshot();
    let (step, path) = row(pool, &m.id)
        .await
        .unwrap_or_else(|| panic!("{what}: session {} is gone", m.id));
    assert_eq!(step, m.step, "{what}: stored step");
    assert_eq!(path, m.path.encode(), "{what}: stored path");
    let v = triage::view(store, snap, &m.id)
        .await
        .unwrap_or_else(|e| panic!("{what}: view: {e:?}"));
    check_view(&v, m, what);
}

/// A view shows the model's step and exactly the reply the engine gives for its path.
fn check_view(v: &SessionView, m: &Model, what: &str) {
    let snap = support::snapshot();
    let walk = engine::replay(&snap.triage, &m.path);
    assert_eq!(v.session_id, m.id, "{what}");
    assert_eq!(v.step, m.step, "{what}: view step");
    assert_eq!(walk.dropped, 0, "{what}: the model's path fits the tree");
    assert_eq!(
        v.outcome.as_deref(),
        walk.outcome().map(|o| o.id.as_str()),
        "{what}: outcome"
    );
    assert_eq!(v.finished, walk.outcome().is_some(), "{what}");
    let expected = render::reply(snap, &walk);
    assert_eq!(
        serde_json::to_value(&v.reply).expect("json"),
        serde_json::to_value(&expected).expect("json"),
        "{what}: the view does not show the stored path"
    );
    assert!(
        matches!(
            v.reply.kind,
            ReplyKind::TriageStep | ReplyKind::TriageSummary
        ),
        "{what}"
    );
    assert_eq!(v.reply.emergency.as_deref(), Some(EMERGENCY_LINE), "{what}");
}

fn check_error_message(e: &TriageError, what: &str) {
    let msg = e.to_string();
    assert!(!msg.trim().is_empty(), "{what}: empty message");
    assert!(msg.chars().count() < 300, "{what}: long message {msg}");
    assert!(
        !msg.chars().any(char::is_control),
        "{what}: control character in {msg:?}"
    );
    assert_eq!(
        e.reply().emergency.as_deref(),
        Some(EMERGENCY_LINE),
        "{what}"
    );
    assert!(
        !matches!(e, TriageError::Store(_)),
        "{what}: a store failure: {e:?}"
    );
}

/// One case: a fresh session, a few real answers, then the presses.
async fn run_case(
    store: &Store,
    pool: &sqlx::SqlitePool,
    warmup: &[usize],
    presses: &[Press],
    sessions: &mut Vec<Model>,
) {
    let snap = support::snapshot();
    let tree = &snap.triage;
    let words = tree_words();
    let v = triage::start(store, snap, OWNER).await.expect("start");
    let mut m = Model {
        id: v.session_id.clone(),
        step: 0,
        path: Path::new(),
    };
    check_view(&v, &m, "start");
    for &w in warmup {
        let walk = engine::replay(tree, &m.path);
        let Some(q) = walk.question() else { break };
        let value = &q.choices[w % q.choices.len()].value;
        let v = triage::act(store, snap, &m.id, m.step, value, OWNER)
            .await
            .expect("warm-up answer");
        m.step += 1;
        m.path.0.push(engine::Answer::new(&q.id, value));
        check_view(&v, &m, "warm-up");
    }
    for (n, p) in presses.iter().enumerate() {
        let id = materialise_id(&p.id, &m.id);
        let step = match p.step {
            StepPick::Current => m.step,
            StepPick::Earlier(k) => m.step.saturating_sub(k + 1),
            StepPick::Later(k) => m.step + k,
            StepPick::Max => u32::MAX,
            StepPick::Any(s) => s,
        };
        let action = match &p.action {
            ActionPick::Offered(i) => match engine::replay(tree, &m.path).position {
                Node::Question(q) => q.choices[i % q.choices.len()].value.clone(),
                Node::Outcome(_) => words[i % words.len()].clone(),
            },
            ActionPick::TreeWord(i) => words[i % words.len()].clone(),
            ActionPick::Back => "back".into(),
            ActionPick::Restart => "restart".into(),
            ActionPick::Fixed(s) => s.to_string(),
            ActionPick::Arbitrary(s) => s.clone(),
        };
        let actor = match &p.actor {
            ActorPick::Owner => OWNER.to_string(),
            ActorPick::Other(o) => o.clone(),
        };
        let what =
            format!("press {n}: id {id:?} step {step} action {action:?} actor {actor:?} on {m:?}");
        let expect = predict(&m, &id, step, &action, &actor);
        let got = triage::act(store, snap, &id, step, &action, &actor).await;
        match (&expect, got) {
            (Expect::Accepted(path), Ok(v)) => {
                m.step += 1;
                m.path = path.clone();
                check_view(&v, &m, &what);
            }
            (_, Ok(v)) => panic!("{what}: expected {expect:?}, but it was accepted: {v:?}"),
            (expect, Err(e)) => {
                check_error_message(&e, &what);
                let right = match (expect, &e) {
                    (Expect::Unknown, TriageError::UnknownSession) => true,
                    (
                        Expect::UnknownOrInvalid,
                        TriageError::UnknownSession | TriageError::InvalidAction(_),
                    ) => true,
                    (Expect::Invalid, TriageError::InvalidAction(_)) => true,
                    (Expect::NotOwner, TriageError::NotOwner) => true,
                    (Expect::Stale(c), TriageError::StaleStep { current }) => c == current,
                    _ => false,
                };
                assert!(right, "{what}: expected {expect:?}, got {e:?}");
            }
        }
        check_unchanged(store, pool, &m, &what).await;
        // `view` with the same id: only the real one is found.
        match triage::view(store, snap, &id).await {
            Ok(v) => {
                assert_eq!(id, m.id, "{what}: view found another session");
                check_view(&v, &m, &what);
            }
            Err(e) => {
                assert_ne!(id, m.id, "{what}: view lost the session: {e:?}");
                assert!(
                    matches!(e, TriageError::UnknownSession),
                    "{what}: view: {e:?}"
                );
            }
        }
    }
    sessions.push(m);
}

#[test]
fn forged_button_presses_are_refused_correctly_and_change_nothing() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, pool) = rt.block_on(async {
        let store = Store::open(&support::db_url(&dir.path().join("triage.db")))
            .await
            .expect("store");
        let pool = sqlx::SqlitePool::connect(&support::db_url(&dir.path().join("triage.db")))
            .await
            .expect("second connection");
        (store, pool)
    });
    let sessions: std::cell::RefCell<Vec<Model>> = std::cell::RefCell::new(Vec::new());
    let strategy = (vec(0usize..20, 0..4), vec(press(), 1..12));
    let mut runner = TestRunner::new(support::proptest_config(256));
    let result = runner.run(&strategy, |(warmup, presses)| {
        let mut s = sessions.borrow_mut();
        rt.block_on(run_case(&store, &pool, &warmup, &presses, &mut s));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let sessions = sessions.into_inner();
    // Every session of every case is where its last press left it, and nothing else is stored.
    rt.block_on(async {
        for m in &sessions {
            check_unchanged(&store, &pool, m, "at the end").await;
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM triage_sessions")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(count as usize, sessions.len(), "sessions created or lost");
        let ids: HashSet<&str> = sessions.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), sessions.len());
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .expect("integrity");
        assert_eq!(integrity, "ok");
        pool.close().await;
        store.close().await;
    });
    assert!(
        sessions.len() >= support::proptest_config(256).cases as usize,
        "every case ran: {}",
        sessions.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Scripted runs.

/// An `--answers` string: real question ids and values (right, wrong, repeated, out of order),
/// garbage, odd separators and spacing; or arbitrary text.
fn answers() -> impl Strategy<Value = String> {
    let words = tree_words();
    let tree = &support::snapshot().triage;
    let full_paths: Vec<String> = all_paths(tree);
    let word = prop_oneof![
        6 => select(words),
        1 => "[a-z_0-9]{0,8}",
        1 => select(&["", " ", "=", ",", "back", "restart", "YES", "é", "\u{0}", "\u{202e}", "-x", "--json"][..]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    let item = (
        word.clone(),
        select(&["=", "=", "=", " = ", "==", ":", ""][..]),
        word,
    )
        .prop_map(|(q, eq, v)| format!("{q}{eq}{v}"));
    let list = (
        vec(item, 0..8),
        select(&[",", ",", ", ", " ,", ",,", ";", "\n"][..]),
    )
        .prop_map(|(items, sep)| items.join(sep));
    let full = (
        select(full_paths),
        vec((0usize..16, select(tree_words())), 0..3),
        any::<bool>(),
    )
        .prop_map(|(path, extra, reverse)| {
            let mut items: Vec<String> = path.split(',').map(str::to_string).collect();
            for (i, w) in extra {
                let at = i % (items.len() + 1);
                let dup = items
                    .get(i % items.len().max(1))
                    .cloned()
                    .unwrap_or_default();
                items.insert(at, if i % 2 == 0 { dup } else { format!("{w}={w}") });
            }
            if reverse {
                items.reverse();
            }
            items.join(",")
        });
    prop_oneof![
        4 => list,
        3 => full,
        1 => any::<String>(),
        1 => vec(proptest::char::any(), 0..300).prop_map(|c| c.into_iter().collect()),
    ]
}

/// Every complete path through the tree, encoded.
fn all_paths(tree: &triage::Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new()];
    while let Some(p) = stack.pop() {
        let walk = engine::replay(tree, &p);
        match walk.position {
            Node::Outcome(_) => out.push(p.encode()),
            Node::Question(q) => {
                for c in &q.choices {
                    let mut next = p.clone();
                    next.0.push(engine::Answer::new(&q.id, &c.value));
                    stack.push(next);
                }
            }
        }
    }
    out
}

/// Runs the library behind `triage --json` and checks the result; returns the JSON and whether
/// it was a success.
fn check_script(answers: &str) -> (serde_json::Value, bool) {
    let snap = support::snapshot();
    let tree = &snap.triage;
    let what = format!("--answers {answers:?}");
    let decoded = Path::decode(answers);
    match engine::script(tree, answers) {
        Ok(run) => {
            let given = decoded.unwrap_or_else(|e| panic!("{what}: accepted but malformed: {e}"));
            let outcome = run
                .walk
                .outcome()
                .unwrap_or_else(|| panic!("{what}: success without an outcome"));
            assert_eq!(run.walk.dropped, 0, "{what}");
            // The path is made only of answers given; the rest are listed as unused.
            for a in &run.walk.path.0 {
                assert!(given.0.contains(a), "{what}: {a:?} was not given");
            }
            let mut both: Vec<_> = run.walk.path.0.iter().chain(&run.unused).cloned().collect();
            let mut all = given.0.clone();
            both.sort_by(|a, b| a.question.cmp(&b.question));
            all.sort_by(|a, b| a.question.cmp(&b.question));
            assert_eq!(both, all, "{what}: used + unused != given");
            let json = render::script_json(snap, &run);
            assert_eq!(json["outcome"], outcome.id.as_str(), "{what}");
            assert!(
                json["title"].is_string() && json["citations"].is_array(),
                "{what}"
            );
            assert_eq!(json["emergency"], EMERGENCY_LINE, "{what}");
            (json, true)
        }
        Err(e) => {
            let json = render::script_error_json(&e);
            assert_eq!(json["error"], e.kind(), "{what}");
            let message = json["message"].as_str().expect("message");
            assert!(!message.trim().is_empty(), "{what}: empty message");
            assert!(
                !message.chars().any(char::is_control),
                "{what}: control character in {message:?}"
            );
            let given = || {
                decoded
                    .clone()
                    .expect("only Malformed has a malformed input")
            };
            match &e {
                ScriptError::Malformed(_) => {
                    assert!(
                        decoded.is_err(),
                        "{what}: well-formed answers called malformed"
                    )
                }
                ScriptError::UnknownQuestion(q) => {
                    assert!(tree.question(q).is_none(), "{what}: {q} exists");
                    assert!(given().0.iter().any(|a| &a.question == q), "{what}");
                    assert_eq!(json["question"], q.as_str(), "{what}");
                }
                ScriptError::InvalidValue {
                    question,
                    value,
                    allowed,
                } => {
                    let q = tree.question(question).expect("a real question");
                    assert!(q.choice(value).is_none(), "{what}: {value} is offered");
                    assert_eq!(allowed, &q.values(), "{what}");
                    assert!(
                        given()
                            .0
                            .iter()
                            .any(|a| &a.question == question && &a.value == value),
                        "{what}"
                    );
                    assert_eq!(json["value"], value.as_str(), "{what}");
                    assert!(message.contains(value.as_str()), "{what}: {message}");
                }
                ScriptError::Duplicate(q) => {
                    let n = given().0.iter().filter(|a| &a.question == q).count();
                    assert!(n >= 2, "{what}: {q} given {n} times");
                }
                ScriptError::Missing {
                    question,
                    text,
                    allowed,
                } => {
                    let q = tree.question(question).expect("a real question");
                    assert!(
                        !given().0.iter().any(|a| &a.question == question),
                        "{what}: {question} was given"
                    );
                    assert_eq!(text, &q.text, "{what}");
                    assert_eq!(allowed, &q.values(), "{what}");
                    assert!(message.contains(question.as_str()), "{what}: {message}");
                }
            }
            (json, false)
        }
    }
}

proptest! {
    #![proptest_config(support::proptest_config(512))]

    #[test]
    fn any_answers_string_gets_an_outcome_or_a_clear_error(a in answers()) {
        check_script(&a);
    }
}

proptest! {
    // Each case starts the binary (~0.3 s in a debug build): at most 64 cases even when
    // PROPTEST_CASES asks for more.
    #![proptest_config(Config { cases: support::proptest_config(16).cases.min(64), ..support::proptest_config(16) })]

    #[test]
    fn the_binary_prints_one_json_object_and_exits_0_or_2(
        a in answers().prop_map(|s| s.replace('\0', "")),
        joined in any::<bool>(),
    ) {
        let (expected, ok) = check_script(&a);
        let mut cmd = support::bin();
        cmd.args(["triage", "--json"]);
        if joined {
            cmd.arg(format!("--answers={a}"));
        } else {
            cmd.args(["--answers", &a]);
        }
        let out = cmd.output().expect("run the binary");
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!stderr.contains("panicked"), "{a:?}: {stderr}");
        let code = out.status.code();
        prop_assert!(code == Some(0) || code == Some(2), "{a:?}: exit {code:?}: {stderr}");
        prop_assert_eq!(code == Some(0), ok, "{:?}: exit {:?}", a, code);
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
        prop_assert!(stdout.ends_with('\n'), "{:?}: {:?}", a, stdout);
        prop_assert_eq!(stdout.trim_end().lines().count(), 1, "{:?}: {:?}", a, stdout);
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
        prop_assert!(v.is_object());
        prop_assert_eq!(v, expected);
    }
}

/// A line typed at the console's `triage>` prompt.
fn console_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1usize..6).prop_map(|n| n.to_string()),
        2 => select(tree_words()),
        1 => select(&[
            "back", "b", "restart", "/triage", "", " ", "0", "99", "-1", "1.5", "BACK", "quit",
            "q", "/quit", "18446744073709551616", "１",
        ][..]).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.replace(['\n', '\r'], " ")),
    ]
}

proptest! {
    // Each case runs a whole console dialogue on its own in-memory store.
    #![proptest_config(support::proptest_config(64))]

    /// Anything typed at the console's triage prompt: the dialogue answers every line, ends at
    /// `quit` or the end of input, and any outcome it reports is a real one.
    #[test]
    fn the_console_dialogue_takes_any_typing(lines in vec(console_line(), 0..25)) {
        let script = lines.join("\n") + "\n";
        let mut out: Vec<u8> = Vec::new();
        let outcome = triage::console::run_dialogue(support::snapshot(), &mut script.as_bytes(), &mut out)
            .expect("the dialogue runs");
        let text = String::from_utf8(out).expect("UTF-8 output");
        prop_assert!(text.contains(EMERGENCY_LINE), "{}", text);
        prop_assert!(
            text.trim_end().ends_with("Left the triage.") || text.ends_with("triage> \n"),
            "{:?}",
            &text[text.len().saturating_sub(200)..]
        );
        if let Some(o) = outcome {
            prop_assert!(support::snapshot().triage.outcome(&o).is_some(), "{}", o);
        }
    }
}

#[test]
fn answers_that_look_like_flags_reach_the_engine() {
    // `--answers -x` used to be taken by the argument parser as an unknown flag: usage text on
    // standard error and nothing on standard output.
    for a in ["-x", "--json", "-immediate_danger=no", "-"] {
        let out = support::bin()
            .args(["triage", "--json", "--answers", a])
            .output()
            .expect("run the binary");
        assert_eq!(out.status.code(), Some(2), "{a}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{a}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(v["error"], "malformed_answers", "{a}");
        assert_eq!(v, check_script(a).0, "{a}");
    }
}

#[test]
fn the_generators_reach_every_kind_of_result() {
    // The properties would prove little if the inputs never reached an outcome or some error.
    let mut runner = TestRunner::new(Config::with_cases(1));
    let strategy = answers();
    let mut kinds: HashSet<String> = HashSet::new();
    for _ in 0..2000 {
        let a = strategy.new_tree(&mut runner).expect("value").current();
        let kind = match engine::script(&support::snapshot().triage, &a) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        };
        kinds.insert(kind);
    }
    for k in [
        "ok",
        "malformed_answers",
        "unknown_question",
        "invalid_answer",
        "duplicate_answer",
        "missing_answer",
    ] {
        assert!(kinds.contains(k), "no input gave {k}: {kinds:?}");
    }
}
