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
