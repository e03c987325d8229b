//! Where the knowledge is loaded from, and reading a whole validated snapshot from there.

use std::path::PathBuf;

use crate::knowledge::{remote, KnowledgeError, KnowledgeErrors, KnowledgeFiles};
use crate::settings::KnowledgeSettings;
use crate::snapshot::Snapshot;

/// Where the knowledge is loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KnowledgeSource {
    /// Fetched over HTTP from a base URL.
    Url(String),
    /// Read from a directory.
    Dir(PathBuf),
    /// The copy built into the binary.
    Embedded,
}

impl KnowledgeSource {
    /// The source the settings name: `url` first, then `dir`, else embedded.
    pub fn from_settings(k: &KnowledgeSettings) -> Self {
        match (&k.url, &k.dir) {
            (Some(u), _) => KnowledgeSource::Url(u.clone()),
            (None, Some(d)) => KnowledgeSource::Dir(d.clone()),
            (None, None) => KnowledgeSource::Embedded,
        }
    }

    /// Reads the raw files.
    pub async fn files(&self) -> Result<KnowledgeFiles, KnowledgeErrors> {
        match self {
            KnowledgeSource::Url(u) => remote::fetch(u).await,
            KnowledgeSource::Dir(d) => {
                let d = d.clone();
                tokio::task::spawn_blocking(move || KnowledgeFiles::from_dir(&d))
                    .await
                    .unwrap_or_else(|e| Err(task_error(e)))
            }
            KnowledgeSource::Embedded => Ok(KnowledgeFiles::embedded()),
        }
    }

    /// Reads, validates and indexes a whole snapshot (the CPU-bound part off the runtime).
    pub async fn snapshot(&self) -> Result<(Snapshot, String), KnowledgeErrors> {
        let files = self.files().await?;
        tokio::task::spawn_blocking(move || {
            Snapshot::build(&files).map(|s| (s, files.origin().to_string()))
        })
        .await
        .unwrap_or_else(|e| Err(task_error(e)))
    }
}

pub(super) fn task_error(e: tokio::task::JoinError) -> KnowledgeErrors {
    KnowledgeErrors(vec![KnowledgeError::new(
        "(reload)",
        0,
        format!("loading stopped unexpectedly: {e}"),
    )])
}
