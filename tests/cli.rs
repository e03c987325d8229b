//! The command line as a user meets it: `ask` (text and `--json`), batch `ask` on standard
//! input, `console` fed from a pipe, and `eval`.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

fn bot() -> Command {
    support::bin()
}

#[test]
fn ask_json_has_the_documented_shape() {
    let out = bot()
        .args(["ask", "--json", "/whocall child in immediate danger"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "whocall");
    assert_eq!(v["query"], "child in immediate danger");
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        for key in ["id", "kind", "title", "body"] {
            assert!(r[key].is_string(), "{key} missing in {r}");
        }
        assert!(r["source"]["document"].is_string());
        assert!(r["source"]["section"].is_string());
    }
    assert!(results[0]["body"].as_str().unwrap().contains("999"));
    assert!(v["notes"].is_array());
}

#[test]
fn ask_text_shows_source_and_emergency_route() {
    let out = bot().args(["ask", "/threshold", "lado"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("Source:"), "{text}");
    assert!(
        text.contains("999") && text.contains("020 8547 5008"),
        "{text}"
    );
}

#[test]
fn ask_reads_one_command_per_line_from_stdin() {
    let mut child = bot()
        .args(["ask"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/whocall lado\n\n/offence revenge porn\n/bogus x\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["command"], "whocall");
    assert_eq!(lines[1]["command"], "offence");
    assert_eq!(lines[2]["kind"], "error");
}

#[test]
fn console_runs_piped_commands() {
    let mut child = bot()
        .arg("console")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/help\n/whocall out of hours\n/quit\n/whocall never reached\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Source documents"), "{text}");
    assert!(text.contains("020 8770 5000"), "{text}");
    assert!(!text.contains("never reached"));
}

#[test]
fn eval_grades_a_query_file() {
    let out = bot()
        .args([
            "eval",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries.toml"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("top-1:") && text.contains("top-3:"), "{text}");
}

#[test]
fn missing_knowledge_dir_is_a_clear_error() {
    let out = bot()
        .args(["ask", "--knowledge", "/definitely/not/here", "/help"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a directory"), "{err}");
}
