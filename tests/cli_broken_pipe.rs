//! The command line piped into a reader that stops early (`ask … | head -1`, `triage --json … |
//! head -c 10`) ends quietly: no panic ("failed printing to stdout: Broken pipe"), no error
//! message, and the exit status the command would have had anyway (0 for an answer, 2 for a
//! triage run that cannot reach an outcome). This is the behaviour documented in `src/main.rs`.
//!
//! How the pipe is broken: the test spawns the binary with its standard output piped and closes
//! the read end before the binary writes anything. For one-shot commands that is right after
//! spawning (the binary first spends tens of milliseconds loading and indexing the knowledge);
//! for the commands that read standard input (`ask` in batch mode, `console`) it is fully
//! deterministic: the test reads the first line of output, closes the pipe, and only the later
//! lines (megabytes of them, far beyond a pipe buffer) hit the closed pipe.
//!
//! Run: `cargo test --test cli_broken_pipe`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn bot() -> Command {
    support::bin()
}

/// Waits for the child (bounded: a binary that ignored the closed pipe and kept going would
/// still finish, but one that hung would fail here rather than hang the suite).
fn finish(mut child: Child, what: &str) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut stderr).expect("stderr");
            }
            return (status.code(), stderr);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: still running a minute after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_quiet(stderr: &str, what: &str) {
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{what}: {stderr}");
    assert!(!stderr.contains("error"), "{what}: {stderr}");
}

/// Spawns `args` with standard output piped and closes the read end at once.
fn run_with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = bot()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    finish(child, &args.join(" "))
}

#[test]
fn one_shot_commands_exit_quietly_with_their_usual_status() {
    let queries = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries.toml");
    let cases: [(&[&str], i32); 7] = [
        (&["ask", "/whocall child in immediate danger"], 0),
        (&["ask", "--json", "/search signs of grooming"], 0),
        (
            &[
                "triage",
                "--json",
                "--answers",
                "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no",
            ],
            0,
        ),
        (&["triage", "--answers", "immediate_danger=yes"], 0),
        // A triage that cannot reach an outcome keeps its status 2 even with nobody reading.
        (&["triage", "--json", "--answers", "bad"], 2),
        (&["check"], 0),
        (&["eval", queries], 0),
    ];
    for (args, status) in cases {
        let what = args.join(" ");
        let (code, stderr) = run_with_closed_stdout(args);
        assert_quiet(&stderr, &what);
        assert_eq!(code, Some(status), "{what}: {stderr}");
    }
}

/// Feeds `lines` on standard input, reads the first line of output, closes standard output and
/// checks the binary stops quietly.
fn stop_after_first_line(args: &[&str], line: &str, copies: usize) {
    let what = args.join(" ");
    let mut child = bot()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = format!("{line}\n").repeat(copies);
    // The binary may stop reading once its output is gone: a failed write here is expected.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("first line");
    assert!(!first.trim().is_empty(), "{what}: no output at all");
    drop(out);
    let (code, stderr) = finish(child, &what);
    writer.join().expect("writer");
    assert_quiet(&stderr, &what);
    assert_eq!(code, Some(0), "{what}: {stderr}");
}

#[test]
fn batch_ask_stops_quietly_when_its_reader_goes_away() {
    // ~2,000 JSON replies of several kilobytes each: far more than a pipe buffer holds.
    stop_after_first_line(&["ask"], "/whocall child in immediate danger", 2_000);
}

#[test]
fn console_stops_quietly_when_its_reader_goes_away() {
    stop_after_first_line(&["console"], "/help", 2_000);
}

#[test]
fn output_is_complete_when_the_reader_keeps_reading() {
    // The tolerant writer must not lose anything when the pipe stays open.
    let out = bot()
        .args(["triage", "--json", "--answers", "immediate_danger=yes"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["outcome"], "call_999");
    let mut child = bot()
        .arg("ask")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        stdin
            .write_all("/whocall lado\n".repeat(50).as_bytes())
            .expect("write");
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 50);
}
