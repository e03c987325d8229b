//! HTTP interactions benchmark: signed interactions per second and latency through the real
//! bot (`serve` as its own process, HTTP interactions mode) against the fake Discord of
//! `tests/support`, in three set-ups in one run:
//!
//! 1. one process on SQLite;
//! 2. one process on PostgreSQL (a throwaway cluster, as the tests start one);
//! 3. two processes on that PostgreSQL, requests alternating between them (what a load balancer
//!    does).
//!
//! Each request is signed with Ed25519 as Discord signs it and verified by the bot before it is
//! read. The load is 16 closed-loop workers for 5 s per set-up, each alternating a `/whocall`
//! (answered from memory) and a triage button press on its own session (a write to the store:
//! "No" on the first question, then "Back"). Latency is the HTTP round trip seen by the worker
//! (the answer is the response body). The load generator, the fake, PostgreSQL and the bots all
//! share the machine's cores, so the figures are a lower bound.
//!
//! Run: `cargo bench --bench http_interactions` (about 40 s; nothing leaves 127.0.0.1). Without
//! PostgreSQL installed, the PostgreSQL set-ups print that they were skipped.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use safeguarding_bot::knowledge::KnowledgeFiles;
use serde_json::Value;
use support::fake_discord::FakeDiscord;
use support::postgres::Postgres;
use support::replica::Replica;
use support::{custom_ids, payloads, Signer, Who, CHANNEL_ID};

const WORKERS: usize = 16;
const RUN: Duration = Duration::from_secs(5);
/// Starts `serve` in HTTP mode (rate limit off) and returns it with its interactions URL.
async fn start_bot(
    fake: &FakeDiscord,
    signer: &Signer,
    db: &str,
    dir: &Path,
    knowledge: &Path,
) -> (Replica, String) {
    let bot = Replica::start(fake, signer, db, knowledge, dir, |cmd| {
        cmd.env("SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn");
    })
    .await;
    let url = bot.url("/interactions");
    (bot, url)
}

async fn send(signer: &Signer, url: &str, payload: &Value) -> Value {
    let (status, body) = signer.post(url, payload.to_string().as_bytes()).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// One worker's triage session: its thread and the message whose buttons it presses next.
struct Session {
    who: Who,
    thread: u64,
    message: Value,
}

async fn open_session(fake: &FakeDiscord, signer: &Signer, url: &str, who: Who) -> Session {
    let from = fake.requests().len();
    let id = fake.next_id();
    let start = payloads::command(
        id,
        &format!("tok{id}"),
        "triage",
        &[],
        &who,
        payloads::channel(CHANNEL_ID, false),
    );
    send(signer, url, &start).await;
    let post = fake
        .wait_for(from, Duration::from_secs(10), "a first question", |r| {
            r.method == "POST"
                && r.path.starts_with("/api/v10/channels/")
                && r.path.ends_with("/messages")
        })
        .await;
    let thread: u64 = post.path.split('/').nth(4).unwrap().parse().unwrap();
    Session {
        who,
        thread,
        message: post.body.unwrap(),
    }
}

/// The next press on the session: "No" on the first question, "Back" on the second.
fn press(fake: &FakeDiscord, s: &Session) -> Value {
    let ids = custom_ids(&s.message);
    let id = ids
        .iter()
        .find(|i| i.ends_with(":no"))
        .or_else(|| ids.iter().find(|i| i.ends_with(":back")))
        .expect("a No or Back button")
        .clone();
    let iid = fake.next_id();
    let msg = payloads::message(fake.next_id(), s.thread, &s.message);
    payloads::component(
        iid,
        &format!("tok{iid}"),
        &id,
        msg,
        &s.who,
        payloads::channel(s.thread, true),
    )
}

/// Runs the load against `urls` (round robin per request): (requests/s, p50, p99, max) in ms.
async fn load(fake: &FakeDiscord, signer: &Signer, urls: &[String]) -> (f64, f64, f64, f64) {
    let mut sessions = Vec::new();
    for w in 0..WORKERS {
        let who = Who::member(940_000_000_000_000_000 + w as u64);
        sessions.push(open_session(fake, signer, &urls[w % urls.len()], who).await);
    }
    let urls = Arc::new(urls.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (w, mut s) in sessions.into_iter().enumerate() {
        let (fake, signer, urls) = (fake.clone(), signer.clone(), urls.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut n = w;
            while started.elapsed() < RUN {
                let url = &urls[n % urls.len()];
                let t = Instant::now();
                if n % 2 == 0 {
                    let id = fake.next_id();
                    let q = payloads::command(
                        id,
                        &format!("tok{id}"),
                        "whocall",
                        &[("situation", "nudes shared between pupils")],
                        &s.who,
                        payloads::channel(CHANNEL_ID, false),
                    );
                    send(&signer, url, &q).await;
                } else {
                    let answer = send(&signer, url, &press(&fake, &s)).await;
                    s.message = answer["data"].clone();
                }
                lat.push(t.elapsed().as_secs_f64() * 1e3);
                n += 1;
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    (
        all.len() as f64 / secs,
        q(0.50),
        q(0.99),
        *all.last().unwrap(),
    )
}

fn report(name: &str, (rate, p50, p99, max): (f64, f64, f64, f64)) {
    println!(
        "{name:<34} {rate:>8.0} /s   p50 {p50:>6.2} ms   p99 {p99:>6.2} ms   max {max:>7.2} ms"
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let signer = Signer::default();
    let root = tempfile::tempdir().unwrap();
    let knowledge = root.path().join("knowledge");
    std::fs::create_dir_all(&knowledge).unwrap();
    support::write_knowledge(&KnowledgeFiles::embedded(), &knowledge);
    println!("signed interactions, {WORKERS} closed-loop workers, {} s each (half /whocall, half triage presses)", RUN.as_secs());

    let fake = FakeDiscord::start().await;
    let db = support::db_url(&root.path().join("sqlite").join("bot.db"));
    let (mut bot, url) =
        start_bot(&fake, &signer, &db, &root.path().join("sqlite"), &knowledge).await;
    report("one process, SQLite", load(&fake, &signer, &[url]).await);
    bot.child.kill().await.ok();

    let pg = match Postgres::start().await {
        Ok(pg) => pg,
        Err(why) => {
            println!("PostgreSQL set-ups SKIPPED: {why}");
            return;
        }
    };
    let fake = FakeDiscord::start().await;
    let (mut one, url1) = start_bot(
        &fake,
        &signer,
        &pg.url,
        &root.path().join("pg1"),
        &knowledge,
    )
    .await;
    report(
        "one process, PostgreSQL",
        load(&fake, &signer, std::slice::from_ref(&url1)).await,
    );
    let (mut two, url2) = start_bot(
        &fake,
        &signer,
        &pg.url,
        &root.path().join("pg2"),
        &knowledge,
    )
    .await;
    report(
        "two processes, one PostgreSQL",
        load(&fake, &signer, &[url1, url2]).await,
    );
    one.child.kill().await.ok();
    two.child.kill().await.ok();
}
