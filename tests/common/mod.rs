//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use safeguarding_bot::snapshot::Snapshot;

/// The embedded knowledge, built once per test binary.
pub fn snapshot() -> &'static Snapshot {
    static SNAP: OnceLock<Snapshot> = OnceLock::new();
    SNAP.get_or_init(|| Snapshot::embedded().expect("the embedded knowledge must be valid"))
}

/// `../shared` beside the project, when it exists (it does in CI and for developers; tests
/// that grade it skip, saying so, where it does not).
pub fn shared_dir() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// The embedded knowledge written to a temp dir, with `edit` applied to the file `file`: how
/// the tests make a broken copy to load, `check` or `/reload`.
pub fn knowledge_copy_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let f = safeguarding_bot::knowledge::KnowledgeFiles::embedded();
    assert!(f.get(file).is_some(), "no knowledge file {file}");
    for p in f.paths() {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = f.get(p).unwrap();
        let text = if p == file {
            edit(text)
        } else {
            text.to_string()
        };
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Every error loading the copy in `dir` gives, as (file, line, message); empty when it loads.
pub fn load_errors(dir: &std::path::Path) -> Vec<(String, usize, String)> {
    use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles};
    let f = KnowledgeFiles::from_dir(dir).unwrap();
    match Knowledge::load(&f) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .iter()
            .map(|e| (e.file.clone(), e.line, e.message.clone()))
            .collect(),
    }
}
