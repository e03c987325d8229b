//! Loading the configured knowledge at start and reloading it on request, with an audit trail.
//!
//! This is transport-neutral (the Discord `/reload` command is a thin wrapper) so the same rules
//! hold wherever a reload comes from: the source is chosen from the settings (`knowledge.url`,
//! else `knowledge.dir`, else the embedded copy); the new copy is validated and indexed off the
//! async runtime before it is swapped in; a broken copy changes nothing; every attempt, refused
//! ones included, is appended to a JSON-lines audit file and logged with ids only.

#![warn(missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Mutex;

use crate::knowledge::{remote, Counts, KnowledgeError, KnowledgeErrors, KnowledgeFiles};
use crate::reply::{Field, Reply, ReplyKind};
use crate::settings::KnowledgeSettings;
use crate::snapshot::{Live, ReloadReport, Snapshot};

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

fn task_error(e: tokio::task::JoinError) -> KnowledgeErrors {
    KnowledgeErrors(vec![KnowledgeError::new(
        "(reload)",
        0,
        format!("loading stopped unexpectedly: {e}"),
    )])
}

/// What one reload attempt came to.
#[derive(Debug, Clone)]
pub enum ReloadOutcome {
    /// The new copy is live (possibly identical to the old one).
    Reloaded(ReloadReport),
    /// The new copy is broken; the old one is still live.
    Invalid {
        /// Every problem found, with file and line.
        errors: KnowledgeErrors,
        /// Version still served.
        live_version: String,
        /// Hash still served.
        live_hash: String,
        /// Where the broken copy came from.
        origin: String,
    },
    /// The user may not reload.
    Refused,
}

impl ReloadOutcome {
    /// The word recorded in the audit log.
    pub fn result(&self) -> &'static str {
        match self {
            ReloadOutcome::Reloaded(r) if r.unchanged() => "unchanged",
            ReloadOutcome::Reloaded(_) => "reloaded",
            ReloadOutcome::Invalid { .. } => "invalid",
            ReloadOutcome::Refused => "refused",
        }
    }
}

/// One line of the reload audit log.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct AuditRecord {
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// Who: the platform's user id (never a name or message text).
    pub user_id: String,
    /// `reloaded`, `unchanged`, `invalid` or `refused`.
    pub result: String,
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

/// Reloads the live knowledge from one source, one reload at a time, auditing every attempt.
pub struct Reloader {
    live: Arc<Live>,
    source: KnowledgeSource,
    audit: AuditLog,
    busy: Mutex<()>,
}

impl Reloader {
    /// A reloader for `live` from `source`, auditing to `audit`.
    pub fn new(live: Arc<Live>, source: KnowledgeSource, audit: AuditLog) -> Self {
        Self {
            live,
            source,
            audit,
            busy: Mutex::new(()),
        }
    }

    /// The audit log.
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Records a refused attempt.
    pub fn refuse(&self, user_id: &str) -> ReloadOutcome {
        let outcome = ReloadOutcome::Refused;
        let live = self.live.current();
        self.record(user_id, &outcome, &live.knowledge.hash, None, "", 0);
        outcome
    }

    /// Loads the configured source and swaps it in if it is valid.
    pub async fn reload(&self, user_id: &str) -> ReloadOutcome {
        let _one_at_a_time = self.busy.lock().await;
        let files = self.source.files().await;
        let (outcome, tried) = match files {
            Err(errors) => (self.invalid(errors, &self.describe()), None),
            Ok(files) => {
                let tried = files.hash();
                let origin = files.origin().to_string();
                let built = tokio::task::spawn_blocking(move || Snapshot::build(&files))
                    .await
                    .unwrap_or_else(|e| Err(task_error(e)));
                match built {
                    Ok(snapshot) => (
                        ReloadOutcome::Reloaded(self.live.swap(snapshot, &origin)),
                        Some(tried),
                    ),
                    Err(errors) => (self.invalid(errors, &origin), Some(tried)),
                }
            }
        };
        let live_hash = self.live.current().knowledge.hash.clone();
        let (origin, n) = match &outcome {
            ReloadOutcome::Reloaded(r) => (r.origin.clone(), 0),
            ReloadOutcome::Invalid { errors, origin, .. } => (origin.clone(), errors.len()),
            ReloadOutcome::Refused => (String::new(), 0),
        };
        self.record(user_id, &outcome, &live_hash, tried, &origin, n);
        outcome
    }

    fn invalid(&self, errors: KnowledgeErrors, origin: &str) -> ReloadOutcome {
        let live = self.live.current();
        ReloadOutcome::Invalid {
            errors,
            live_version: live.knowledge.manifest.version.clone(),
            live_hash: live.knowledge.hash.clone(),
            origin: origin.to_string(),
        }
    }

    fn describe(&self) -> String {
        match &self.source {
            KnowledgeSource::Url(u) => remote::redact_url(u),
            KnowledgeSource::Dir(d) => d.display().to_string(),
            KnowledgeSource::Embedded => "embedded".into(),
        }
    }

    fn record(
        &self,
        user_id: &str,
        outcome: &ReloadOutcome,
        hash: &str,
        tried_hash: Option<String>,
        origin: &str,
        errors: usize,
    ) {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let record = AuditRecord {
            at,
            user_id: user_id.to_string(),
            result: outcome.result().to_string(),
            hash: hash.to_string(),
            tried_hash,
            origin: origin.to_string(),
            errors,
        };
        tracing::info!(
            user_id,
            result = record.result,
            hash,
            errors,
            "knowledge reload attempt"
        );
        if let Err(e) = self.audit.append(&record) {
            tracing::error!(path = %self.audit.path.display(), error = %e, "cannot write the reload audit log");
        }
    }
}

/// How many errors a reply lists before summarising the rest.
pub const ERRORS_SHOWN: usize = 15;

/// The reply for an outcome: what changed, or the errors with file and line.
pub fn render(outcome: &ReloadOutcome) -> Reply {
    match outcome {
        ReloadOutcome::Refused => {
            let mut r = Reply::new(
                "reload",
                "",
                ReplyKind::Error,
                "Only admins can reload the guidance",
            );
            r.body = "/reload needs the Manage Server permission or one of the admin roles configured for this bot (discord.admin_role_ids). Nothing was changed.".into();
            r
        }
        ReloadOutcome::Reloaded(rep) => {
            let title = if rep.unchanged() {
                "Guidance reloaded: nothing changed"
            } else {
                "Guidance reloaded"
            };
            let mut r = Reply::new("reload", "", ReplyKind::Info, title);
            r.body = format!(
                "Now serving version {} (hash {}) from {}.",
                rep.new_version, rep.new_hash, rep.origin
            );
            r.fields.push(Field::new(
                "Version",
                format!("{} → {}", rep.old_version, rep.new_version),
            ));
            r.fields.push(Field::new(
                "Hash",
                format!("{} → {}", rep.old_hash, rep.new_hash),
            ));
            r.fields.push(Field::new(
                "Records",
                counts(&rep.old_counts, &rep.new_counts),
            ));
            r
        }
        ReloadOutcome::Invalid {
            errors,
            live_version,
            live_hash,
            origin,
        } => {
            let mut r = Reply::new(
                "reload",
                "",
                ReplyKind::Error,
                "Reload failed: the previous guidance is still live",
            );
            let mut body = format!(
                "{} error(s) in {origin}; still serving version {live_version} (hash {live_hash}). Fix them and run /reload again:\n",
                errors.len()
            );
            for e in errors.iter().take(ERRORS_SHOWN) {
                body.push_str(&format!("• {e}\n"));
            }
            if errors.len() > ERRORS_SHOWN {
                body.push_str(&format!(
                    "… and {} more: run `safeguarding-bot check --knowledge DIR` to see them all.",
                    errors.len() - ERRORS_SHOWN
                ));
            }
            r.body = body;
            r
        }
    }
}

fn counts(old: &Counts, new: &Counts) -> String {
    let row = |name: &str, a: usize, b: usize| {
        if a == b {
            format!("{name}: {b}")
        } else {
            format!("{name}: {a} → {b}")
        }
    };
    [
        row("sections", old.sections, new.sections),
        row("contacts", old.contacts, new.contacts),
        row("thresholds", old.thresholds, new.thresholds),
        row("offences", old.offences, new.offences),
        row("notes", old.notes, new.notes),
    ]
    .join("\n")
}
