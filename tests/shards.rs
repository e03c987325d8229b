//! Two gateway processes splitting the shards: real `safeguarding-bot serve` processes with
//! `discord.shards = "0/2"` and `"1/2"` against the fake Discord's gateway. Each identifies with
//! its own shard, and an interaction sent on each shard is answered once, by the process that
//! runs that shard (its log names the interaction id; the other's does not).
//!
//! Run: `cargo test --test shards`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::fake_discord::FakeDiscord;
use support::{text_of, Who, WAIT};

/// A gateway `serve` process running `shards`, logging to a file; killed when dropped.
struct ShardProcess {
    _child: tokio::process::Child,
    log: PathBuf,
}

impl ShardProcess {
    fn start(fake: &FakeDiscord, shards: &str, dir: &Path) -> ShardProcess {
        std::fs::create_dir_all(dir).unwrap();
        let log = dir.join("serve.log");
        let mut cmd = support::serve_command(fake.base(), dir, "fake-token-for-shards");
        cmd.env("SAFEGUARDING_BOT__DISCORD__SHARDS", shards)
            .env("RUST_LOG", "info")
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        ShardProcess {
            _child: cmd.spawn().expect("serve starts"),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Waits until the fake has seen IDENTIFYs with exactly these shards (in any order).
async fn wait_identified(fake: &FakeDiscord, want: &[Value], logs: &[&ShardProcess]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut got = fake.identified_shards();
        got.sort_by_key(Value::to_string);
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "identified {got:?}, want {want:?}; logs:\n{}",
            logs.iter()
                .map(|p| p.log())
                .collect::<Vec<_>>()
                .join("\n---\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateway_processes_each_run_their_own_shard_and_answer_its_interactions_once() {
    let fake = FakeDiscord::start().await;
    let root = tempfile::tempdir().unwrap();

    // One at a time, so each IDENTIFY is known to come from the process just started.
    let zero = ShardProcess::start(&fake, "0/2", &root.path().join("zero"));
    wait_identified(&fake, &[json!([0, 2])], &[&zero]).await;
    let one = ShardProcess::start(&fake, "1/2", &root.path().join("one"));
    wait_identified(&fake, &[json!([0, 2]), json!([1, 2])], &[&zero, &one]).await;

    let alice = Who::member(940_000_000_000_000_001);
    let mut sent = Vec::new();
    for shard in [0u64, 1] {
        let from = fake.requests().len();
        let (id, token, command) =
            fake.slash("whocall", &[("situation", "immediate danger")], &alice);
        fake.dispatch_to_shard(shard, "INTERACTION_CREATE", command)
            .await;
        let callback = format!("/api/v10/interactions/{id}/{token}/callback");
        let answer = fake
            .wait_for(from, WAIT, "the answer", |r| r.path == callback)
            .await;
        assert!(text_of(answer.body.as_ref().unwrap()).contains("999"));
        sent.push((id, callback));
    }

    // Answered once each, and by the process running that shard.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests = fake.requests();
    for (id, callback) in &sent {
        let answers = requests.iter().filter(|r| &r.path == callback).count();
        assert_eq!(answers, 1, "interaction {id} answered {answers} times");
    }
    let (log0, log1) = (zero.log(), one.log());
    let (id0, id1) = (sent[0].0.to_string(), sent[1].0.to_string());
    assert!(
        log0.contains(&id0) && !log0.contains(&id1),
        "shard 0's process handled only shard 0's interaction:\n{log0}"
    );
    assert!(
        log1.contains(&id1) && !log1.contains(&id0),
        "shard 1's process handled only shard 1's interaction:\n{log1}"
    );
    for log in [&log0, &log1] {
        assert!(
            !log.contains("fake-token-for-shards"),
            "the token is never logged"
        );
    }
}
