//! `docs/hazard-log.md` stays true: it was re-assessed for the knowledge the binary serves (its
//! recorded hash equals the embedded knowledge's), it holds at least ten numbered hazards, and
//! every test it names as proof of a control exists.

use std::path::{Path, PathBuf};

use safeguarding_bot::knowledge::Knowledge;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn log() -> String {
    std::fs::read_to_string(root().join("docs/hazard-log.md")).expect("docs/hazard-log.md")
}

/// The hash on the log's "Knowledge assessed" line.
fn recorded_hash(log: &str) -> Option<String> {
    let line = log.lines().find(|l| l.contains("knowledge hash `"))?;
    let rest = &line[line.find("knowledge hash `")? + "knowledge hash `".len()..];
    Some(rest[..rest.find('`')?].to_string())
}

#[test]
fn hazard_log_is_reassessed_for_this_knowledge() {
    let k = Knowledge::embedded().expect("embedded knowledge");
    let recorded = recorded_hash(&log()).expect("the log records a knowledge hash");
    assert_eq!(
        recorded, k.hash,
        "knowledge/ has changed since docs/hazard-log.md was last assessed (it records {recorded}, \
         the knowledge is now {}). Re-read every hazard against the change, update controls and \
         tests where needed, then record the new hash (and version {}) in the log.",
        k.hash, k.manifest.version
    );
    assert!(
        log().contains(&format!("version `{}`", k.manifest.version)),
        "the log names another knowledge version than {}",
        k.manifest.version
    );
}

/// Every `fn name(` in the Rust files under `dir`.
fn functions_in(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            functions_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("fn ").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if part[name.len()..].starts_with('(') {
                    out.push(name);
                }
            }
        }
    }
}

#[test]
fn every_hazard_names_tests_that_exist() {
    let log = log();
    let mut functions = Vec::new();
    functions_in(&root().join("tests"), &mut functions);
    functions_in(&root().join("src"), &mut functions);

    let hazards: Vec<&str> = log.split("\n## H").skip(1).collect();
    assert!(hazards.len() >= 10, "only {} hazards", hazards.len());
    for (i, h) in hazards.iter().enumerate() {
        let number: String = h.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(
            number,
            (i + 1).to_string(),
            "hazards are numbered H1, H2, … in order"
        );
        for field in ["**Cause:**", "**Control:**", "**Proof:**", "**Severity:**"] {
            assert!(h.contains(field), "H{number} lacks {field}");
        }
        let proof = &h[h.find("**Proof:**").unwrap()..];
        let named: Vec<&str> = proof
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
            .collect();
        assert!(!named.is_empty(), "H{number} names no test");
        for t in named {
            assert!(
                functions.iter().any(|f| f == t),
                "H{number} names `{t}`, which is not a function in tests/ or src/"
            );
        }
    }
}
