//! Everything the integration tests (and the interactions bench) share, in one place: the
//! knowledge they test against, the binary and how to start it, the proptest set-up, the
//! database URL, free ports and plain GETs, the knowledge fixture for tree tests, the
//! fake-Discord harness, throwaway PostgreSQL clusters and HTTP-mode bot processes.
//!
//! Every test file has `mod support;` and takes what it needs; nothing here is a test.

// Each test binary uses its own part of this; the rest is not dead, only unused there.
#![allow(dead_code, unused_imports)]

pub mod bot;
pub mod fake_discord;
pub mod fixture;
pub mod multipart;
pub mod openapi;
pub mod payloads;
pub mod postgres;
pub mod replica;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use safeguarding_bot::knowledge::{Knowledge as LoadedKnowledge, KnowledgeFiles};
use safeguarding_bot::snapshot::Snapshot;

pub use bot::{
    custom_ids, flags, settings_for, text_of, Bot, Knowledge, Mode, Sent, Signer, ADMIN_ROLE, WAIT,
};
pub use fake_discord::{FakeDiscord, Recorded, APP_ID, CHANNEL_ID, GUILD_ID};
pub use payloads::Who;
pub use postgres::TestDb;

/// The knowledge built into the binary, as one snapshot (index, tree) built once per test
/// binary. Every test that needs "the real guidance" uses this one.
pub fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| match Snapshot::embedded() {
        Ok(s) => s,
        Err(e) => panic!("the embedded knowledge must be valid:\n{e}"),
    })
}

/// `../shared` beside the project, when it exists (it does in CI and for developers; tests
/// that grade it skip, saying so, where it does not).
pub fn shared_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// Writes every file of `files` under `root` (for `--knowledge DIR`, `knowledge.dir`, reload).
pub fn write_knowledge(files: &KnowledgeFiles, root: &Path) {
    for p in files.paths() {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, files.get(p).unwrap()).unwrap();
    }
}

/// `files` written to a fresh temporary directory.
pub fn knowledge_dir_of(files: &KnowledgeFiles) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_knowledge(files, dir.path());
    dir
}

/// The embedded knowledge written to a temp dir, with `edit` applied to the file `file`: how
/// the tests make a broken copy to load, `check` or `/reload`.
pub fn knowledge_copy_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let embedded = KnowledgeFiles::embedded();
    let original = embedded
        .get(file)
        .unwrap_or_else(|| panic!("no knowledge file {file}"));
    let dir = knowledge_dir_of(&embedded);
    std::fs::write(dir.path().join(file), edit(original)).unwrap();
    dir
}

/// Every error loading the copy in `dir` gives, as (file, line, message); empty when it loads.
pub fn load_errors(dir: &Path) -> Vec<(String, usize, String)> {
    let f = KnowledgeFiles::from_dir(dir).unwrap();
    match LoadedKnowledge::load(&f) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .iter()
            .map(|e| (e.file.clone(), e.line, e.message.clone()))
            .collect(),
    }
}

/// The `safeguarding-bot` binary with an empty environment, so a developer's own
/// `SAFEGUARDING_BOT__*`, `DISCORD_TOKEN` or `RUST_LOG` never changes what a test sees. Add
/// what the test needs with `.env(..)`.
/// `check` on a copy of the knowledge whose `file` had `edit` applied, which must be refused:
/// its standard error (every error with file and line).
pub fn check_refuses(file: &str, edit: impl Fn(&str) -> String) -> String {
    let dir = knowledge_copy_with(file, edit);
    let out = bin()
        .args(["check", "--knowledge"])
        .arg(dir.path())
        .output()
        .expect("run safeguarding-bot check");
    assert!(!out.status.success(), "the broken copy was accepted");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn bin() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_safeguarding-bot"));
    cmd.env_clear().env("NO_PROXY", "127.0.0.1");
    cmd
}

/// [`bin`] for async tests.
pub fn bin_async() -> tokio::process::Command {
    tokio::process::Command::from(bin())
}

/// `safeguarding-bot serve` set up against the fake Discord at `fake_base` with `token`, in an
/// empty environment (see [`bin`]), with everything it writes (database, audit log) under `dir`
/// and the process killed when its handle is dropped. The caller chooses what happens to its
/// output (a piped stream must be read, or the bot stalls when the pipe fills), may override
/// any setting with `.env(..)`, and spawns it. Every test and bench that runs the real `serve`
/// starts it here.
pub fn serve_command(fake_base: &str, dir: &Path, token: &str) -> tokio::process::Command {
    let mut cmd = bin_async();
    cmd.args(["serve", "--config"])
        .arg(dir)
        .env("DISCORD_TOKEN", token)
        .env("SAFEGUARDING_BOT__DISCORD__API_BASE", fake_base)
        .env("SAFEGUARDING_BOT__DISCORD__GUILD_IDS", GUILD_ID.to_string())
        .env(
            "SAFEGUARDING_BOT__DATABASE__URL",
            db_url(&dir.join("bot.db")),
        )
        .env(
            "SAFEGUARDING_BOT__AUDIT__RELOAD_LOG",
            dir.join("audit.jsonl"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// A free port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `GET url` without any proxy: (status, body), or `None` when nothing answers.
pub async fn get(url: &str) -> Option<(u16, String)> {
    let client = reqwest::Client::builder().no_proxy().build().ok()?;
    let resp = client.get(url).send().await.ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.unwrap_or_default()))
}

/// `GET url` as JSON (a health report, for one).
pub async fn get_json(url: &str) -> serde_json::Value {
    let (_, body) = get(url)
        .await
        .unwrap_or_else(|| panic!("no answer from {url}"));
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {body}"))
}

/// Whether the real binary accepts the command line `args` (`safeguarding-bot ARGS --help`
/// exits 0): how the Dockerfile and compose.yaml checks know a command they name is real.
pub fn cli_accepts(args: &[String]) -> Result<(), String> {
    let out = bin()
        .args(args)
        .arg("--help")
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`safeguarding-bot {} --help` exited {:?}: {}",
            args.join(" "),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The SQLite URL of a database file, created when missing.
pub fn db_url(file: &Path) -> String {
    format!("sqlite://{}?mode=rwc", file.display())
}

/// The proptest set-up every property test uses: `default_cases` cases unless
/// `PROPTEST_CASES` says otherwise, and no regression files (a failure found is turned into a
/// named test instead).
pub fn proptest_config(default_cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..proptest::test_runner::Config::default()
    }
}
