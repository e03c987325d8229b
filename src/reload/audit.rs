//! The reload audit trail: one JSON line per attempt, ids only.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ReloadResult;

/// One line of the reload audit log.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// Who: the platform's user id (never a name or message text).
    pub user_id: String,
    /// `reloaded`, `unchanged`, `invalid` or `refused`.
    pub result: ReloadResult,
    /// Hash of the knowledge live after the attempt.
    pub hash: String,
    /// Hash of the copy that was tried, when it could be read.
    pub tried_hash: Option<String>,
    /// Where the copy came from (URL without credentials, directory, `embedded`).
    pub origin: String,
    /// How many errors the tried copy had.
    pub errors: usize,
}

/// The JSON-lines audit file; appends are serialised so lines never interleave.
pub struct AuditLog {
    path: PathBuf,
    lock: std::sync::Mutex<()>,
}

impl AuditLog {
    /// An audit log at `path` (created, with its folder, on first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: std::sync::Mutex::new(()),
        }
    }

    /// Where it is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as a JSON line.
    pub fn append(&self, record: &AuditRecord) -> std::io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
        writeln!(f, "{line}")
    }

    /// Reads every record (for tests and inspection).
    pub fn read_all(&self) -> std::io::Result<Vec<AuditRecord>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(std::io::Error::other))
            .collect()
    }
}
