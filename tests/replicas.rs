//! Several processes, one PostgreSQL: two real `safeguarding-bot serve` processes in HTTP
//! interactions mode on one throwaway PostgreSQL cluster (tests/support/postgres.rs), against
//! the fake Discord, with signed interactions sent to one and then the other:
//!
//! - a `/triage` started on the first is continued on the second, then the first is SIGKILLed
//!   mid-dialogue and the second carries on, nothing lost;
//! - the same button pressed twice at once, one press on each process, lands once: one press
//!   moves the dialogue on, the other is told it had already moved on;
//! - a request with a bad signature gets 401 and changes nothing;
//! - a signed request answered by one process and replayed, byte for byte, to the other is
//!   refused there (401): the seen interaction ids are kept in PostgreSQL (hazard H27);
//! - a `/reload` on one process is taken by the other (PostgreSQL LISTEN/NOTIFY), and the
//!   admin's reply says so; when the other's copy is broken, it keeps what it serves, its
//!   `/health` says the reload failed, and the admin's reply names it with the first error.
//!
//! Without PostgreSQL installed the test prints that it skipped and why.
//!
//! Run: `cargo test --test replicas`.

mod support;

use std::path::Path;
use std::time::Duration;

use safeguarding_bot::knowledge::KnowledgeFiles;
use serde_json::Value;
use support::fake_discord::FakeDiscord;
use support::postgres::Postgres;
use support::replica::Replica;
use support::{custom_ids, payloads, text_of, Signer, Who, ADMIN_ROLE, WAIT};

/// Starts a replica in HTTP mode on `db` serving `knowledge`; `register`: whether it registers
/// the commands (one of them does).
async fn replica(
    fake: &FakeDiscord,
    signer: &Signer,
    db: &str,
    knowledge: &Path,
    dir: &Path,
    register: bool,
) -> Replica {
    Replica::start(fake, signer, db, knowledge, dir, |cmd| {
        cmd.env(
            "SAFEGUARDING_BOT__DISCORD__REGISTER_COMMANDS",
            register.to_string(),
        )
        .env(
            "SAFEGUARDING_BOT__DISCORD__ADMIN_ROLE_IDS",
            ADMIN_ROLE.to_string(),
        );
    })
    .await
}

/// A throwaway PostgreSQL, the fake Discord, the signer and a folder for the processes; `None`
/// (the test skipped, saying so) without PostgreSQL.
async fn set_up(test: &str) -> Option<(Postgres, FakeDiscord, Signer, tempfile::TempDir)> {
    let pg = Postgres::start_or_skip(test).await?;
    Some((
        pg,
        FakeDiscord::start().await,
        Signer::default(),
        tempfile::tempdir().unwrap(),
    ))
}

/// The interaction (id, token) for the next request.
fn next(fake: &FakeDiscord) -> (u64, String) {
    let id = fake.next_id();
    (id, format!("tok{id}"))
}

/// The payload of a press on the `action` button of `message` (a message body) in `thread`.
fn press(fake: &FakeDiscord, who: &Who, thread: u64, message: &Value, action: &str) -> Value {
    let body = message.get("data").unwrap_or(message).clone();
    let id = custom_ids(&body)
        .into_iter()
        .find(|id| id.starts_with("tr:") && id.ends_with(&format!(":{action}")))
        .unwrap_or_else(|| panic!("no {action} button in {:?}", custom_ids(&body)));
    let (iid, token) = next(fake);
    let msg = payloads::message(fake.next_id(), thread, &body);
    payloads::component(iid, &token, &id, msg, who, payloads::channel(thread, true))
}

/// Runs /reload as an admin on `on` and returns the text of its (deferred) reply.
async fn reload_on(on: &Replica, fake: &FakeDiscord, signer: &Signer) -> String {
    let admin = Who::with_role(930_000_000_000_000_009, ADMIN_ROLE);
    let from = fake.requests().len();
    let (_, token, reload) = fake.slash("reload", &[], &admin);
    assert_eq!(on.send(signer, &reload).await["type"], 5, "deferred");
    let path = format!("/api/v10/webhooks/{}/{token}", support::APP_ID);
    let reply = fake
        .wait_for(from, Duration::from_secs(20), "the reload reply", |r| {
            r.method == "POST" && r.path == path
        })
        .await;
    text_of(reply.body.as_ref().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_dialogue_and_one_reload() {
    let Some((pg, fake, signer, root)) =
        set_up("two_processes_share_one_dialogue_and_one_reload").await
    else {
        return;
    };
    // Each process has its own copy of the same knowledge (as two hosts would), so one copy
    // can be broken alone below.
    let (ka, kb) = (
        root.path().join("knowledge-a"),
        root.path().join("knowledge-b"),
    );
    for k in [&ka, &kb] {
        std::fs::create_dir_all(k).unwrap();
        support::write_knowledge(&KnowledgeFiles::embedded(), k);
    }
    let mut a = replica(&fake, &signer, &pg.url, &ka, &root.path().join("a"), true).await;
    let b = replica(&fake, &signer, &pg.url, &kb, &root.path().join("b"), false).await;
    let alice = Who::member(930_000_000_000_000_001);

    // /triage on A: deferred, then the thread and the first question over REST.
    let from = fake.requests().len();
    let (_, _, start) = fake.slash("triage", &[], &alice);
    assert_eq!(a.send(&signer, &start).await["type"], 5);
    let post = fake
        .wait_for(from, WAIT, "the first question", |r| {
            r.method == "POST"
                && r.path.starts_with("/api/v10/channels/")
                && r.path.ends_with("/messages")
        })
        .await;
    let thread: u64 = post.path.split('/').nth(4).unwrap().parse().unwrap();
    let q1 = post.body.unwrap();

    // Continued on B, then on A.
    let q2 = b
        .send(&signer, &press(&fake, &alice, thread, &q1, "no"))
        .await;
    assert_eq!(q2["type"], 7, "{q2}");
    assert!(
        text_of(&q2).contains("works or volunteers with children"),
        "{}",
        text_of(&q2)
    );
    let q3 = a
        .send(&signer, &press(&fake, &alice, thread, &q2, "no"))
        .await;
    assert_eq!(q3["type"], 7, "{q3}");

    // A dies mid-dialogue; B carries on.
    a.child.start_kill().unwrap();
    a.child.wait().await.unwrap();
    let q4 = b
        .send(&signer, &press(&fake, &alice, thread, &q3, "bullying"))
        .await;
    assert!(
        text_of(&q4).to_lowercase().contains("bullying"),
        "{}",
        text_of(&q4)
    );

    // A comes back. The same button pressed on both at once lands once.
    let a = replica(&fake, &signer, &pg.url, &ka, &root.path().join("a2"), false).await;
    let (first, second) = (
        press(&fake, &alice, thread, &q4, "yes"),
        press(&fake, &alice, thread, &q4, "yes"),
    );
    let (ra, rb) = tokio::join!(a.send(&signer, &first), b.send(&signer, &second));
    let (ta, tb) = (text_of(&ra), text_of(&rb));
    let moved = [&ta, &tb]
        .iter()
        .filter(|t| !t.contains("already moved on"))
        .count();
    assert_eq!(moved, 1, "exactly one press counts:\nA: {ta}\nB: {tb}");
    assert!(
        ta.contains("Check your answers") && tb.contains("Check your answers"),
        "both show where it is"
    );
    let review = if ta.contains("already moved on") {
        rb
    } else {
        ra
    };

    // A bad signature: 401, and the dialogue is where it was.
    let confirm = press(&fake, &alice, thread, &review, "rv:confirm");
    let (status, _) = signer
        .post_with(
            &b.url("/interactions"),
            confirm.to_string().as_bytes(),
            &[
                ("X-Signature-Ed25519", &Signer::new(3).sign("1", b"x")),
                ("X-Signature-Timestamp", "1"),
            ],
        )
        .await;
    assert_eq!(status, 401);
    let summary = a.send(&signer, &confirm).await;
    assert_eq!(summary["type"], 7, "{summary}");
    assert!(
        text_of(&summary).contains("Severe online bullying"),
        "{}",
        text_of(&summary)
    );

    // A /reload on B is taken by A too, and B's reply says so.
    let old_version = a.health().await["knowledge"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let new_version = format!("{old_version}-replicas");
    for k in [&ka, &kb] {
        let manifest = k.join("manifest.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let bumped = text.replacen(
            &format!("version = \"{old_version}\""),
            &format!("version = \"{new_version}\""),
            1,
        );
        std::fs::write(&manifest, bumped).unwrap();
    }
    let said = reload_on(&b, &fake, &signer).await;
    assert!(said.contains("Guidance reloaded"), "{said}");
    assert!(said.contains("Other processes"), "{said}");
    // The restarted A took it; the SIGKILLed first A left its heartbeat behind and is listed as
    // not answering (a process stopped cleanly removes its own).
    assert_eq!(said.matches('✅').count(), 1, "{said}");
    assert!(said.contains(&format!("serving {new_version}")), "{said}");
    assert_eq!(said.matches("no answer yet").count(), 1, "{said}");
    assert!(!said.contains('❌'), "{said}");
    let health = a.health().await;
    assert_eq!(
        health["knowledge"]["version"],
        new_version.as_str(),
        "{health}"
    );
    assert_eq!(health["reload"], "ok", "{health}");

    // A's copy breaks: B's next reload is refused by A, which keeps what it serves and says so.
    let contacts = ka.join("contacts.toml");
    let text = std::fs::read_to_string(&contacts).unwrap();
    std::fs::write(
        &contacts,
        text.replacen("phone = \"020 8547 5008\"", "phone = \"020-8547\"", 1),
    )
    .unwrap();
    let said = reload_on(&b, &fake, &signer).await;
    assert_eq!(said.matches('❌').count(), 1, "{said}");
    assert!(
        said.contains(&format!("still serving {new_version}")),
        "{said}"
    );
    assert!(
        said.contains("contacts.toml"),
        "the first error, with its file: {said}"
    );
    let health = a.health().await;
    assert_eq!(
        health["knowledge"]["version"],
        new_version.as_str(),
        "{health}"
    );
    assert!(
        health["reload"].as_str().unwrap().starts_with("failed: "),
        "{health}"
    );
    assert_eq!(
        health["status"], "ok",
        "it still serves the previous knowledge: {health}"
    );
    drop(pg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_sent_to_another_process_is_refused() {
    let Some((pg, fake, signer, root)) =
        set_up("a_replay_sent_to_another_process_is_refused").await
    else {
        return;
    };
    let knowledge = root.path().join("knowledge");
    std::fs::create_dir_all(&knowledge).unwrap();
    support::write_knowledge(&KnowledgeFiles::embedded(), &knowledge);
    let dir = |name: &str| root.path().join(name);
    let a = replica(&fake, &signer, &pg.url, &knowledge, &dir("a"), true).await;
    let b = replica(&fake, &signer, &pg.url, &knowledge, &dir("b"), false).await;

    // One signed /whocall, its bytes and headers captured once.
    let bob = Who::member(930_000_000_000_000_011);
    let (_, _, body) = fake.slash("whocall", &[("situation", "immediate danger")], &bob);
    let body = body.to_string().into_bytes();
    let ts = support::bot::now_secs().to_string();
    let signature = signer.sign(&ts, &body);
    let headers = [
        ("X-Signature-Ed25519", signature.as_str()),
        ("X-Signature-Timestamp", ts.as_str()),
    ];

    let (status, answer) = signer
        .post_with(&a.url("/interactions"), &body, &headers)
        .await;
    assert_eq!(status, 200, "A answers the genuine request: {answer}");
    assert!(answer.contains("999"), "{answer}");

    let (status, answer) = signer
        .post_with(&b.url("/interactions"), &body, &headers)
        .await;
    assert_eq!(
        status, 401,
        "B refuses the same signed bytes A already answered: {answer}"
    );
    assert!(!answer.contains("999"), "nothing answered: {answer}");
    // And A, which saw it itself, refuses it too.
    let (status, _) = signer
        .post_with(&a.url("/interactions"), &body, &headers)
        .await;
    assert_eq!(status, 401);
    // A different interaction still goes through on B.
    let (_, _, other) = fake.slash("whocall", &[], &bob);
    assert!(text_of(&b.send(&signer, &other).await).contains("999"));
    drop(pg);
}
