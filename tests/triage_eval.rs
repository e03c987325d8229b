//! Grades the shared development vignettes (`../shared/eval/triage.toml`, beside the project)
//! when that folder exists: each case's answers, through the engine and through the built
//! binary, must reach the outcome `triage-spec.md` requires. Without the folder the test says it
//! skipped; the project never needs `../shared` to build or pass.

mod support;

use std::path::PathBuf;

use serde::Deserialize;

use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::triage::engine;
use support::{knowledge_dir_of, snapshot};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    vignette: String,
    answers: String,
    outcome: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

fn eval_file() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/triage.toml");
    p.is_file().then_some(p)
}

#[test]
fn shared_triage_vignettes_reach_the_required_outcomes() {
    let Some(path) = eval_file() else {
        println!("skipped: ../shared/eval/triage.toml not found beside the project");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let cases = toml::from_str::<CaseFile>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .case;
    assert!(!cases.is_empty(), "{} has no cases", path.display());
    let tree = &snapshot().triage;
    let dir = knowledge_dir_of(&KnowledgeFiles::embedded());
    let mut failures = Vec::new();
    for c in &cases {
        let engine_outcome = match engine::script(tree, &c.answers) {
            Ok(run) => run.walk.outcome().map(|o| o.id.clone()).unwrap_or_default(),
            Err(e) => format!("error: {e}"),
        };
        let out = support::bin()
            .arg("--knowledge")
            .arg(dir.path())
            .args(["triage", "--json", "--answers", &c.answers])
            .output()
            .unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        let binary_outcome = json["outcome"].as_str().unwrap_or("(none)").to_string();
        if engine_outcome != c.outcome || binary_outcome != c.outcome {
            failures.push(format!(
                "{}\n  answers {}\n  want {}, engine gave {engine_outcome}, binary gave {binary_outcome}",
                c.vignette, c.answers, c.outcome
            ));
        }
    }
    println!(
        "graded {} shared triage case(s): {} passed",
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
