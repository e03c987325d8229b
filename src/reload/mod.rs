//! Loading the configured knowledge at start and reloading it on request, with an audit trail.
//!
//! This is transport-neutral (the Discord `/reload` command is a thin wrapper) so the same rules
//! hold wherever a reload comes from. Four separable jobs, one file each:
//! - [`source`]: where the knowledge comes from (`knowledge.url`, else `knowledge.dir`, else the
//!   embedded copy), read and validated off the async runtime;
//! - [`audit`]: every attempt, refused ones included, appended to a JSON-lines file;
//! - this module: the swap, one reload at a time; a broken copy changes nothing;
//! - [`reply`]: what the admin is told;
//! - [`peers`]: on a shared PostgreSQL store, the reload announced to the other processes and
//!   their answers gathered.

#![warn(missing_docs)]

pub mod audit;
pub mod peers;
pub mod reply;
pub mod source;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::knowledge::{remote, KnowledgeErrors};
use crate::snapshot::{Live, ReloadReport, Snapshot};

pub use audit::{AuditLog, AuditRecord};
pub use reply::{render, ERRORS_SHOWN};
pub use source::KnowledgeSource;

/// How a reload attempt ended, as the audit log and the logs record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReloadResult {
    /// A new copy is live.
    Reloaded,
    /// The copy read was identical to the live one.
    Unchanged,
    /// The copy read was broken; the old one stays live.
    Invalid,
    /// The user may not reload.
    Refused,
}

impl ReloadResult {
    /// The word written to the audit log and the `outcome` of the interaction's log span.
    pub fn as_str(self) -> &'static str {
        match self {
            ReloadResult::Reloaded => "reloaded",
            ReloadResult::Unchanged => "unchanged",
            ReloadResult::Invalid => "invalid",
            ReloadResult::Refused => "refused",
        }
    }
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
    /// How it ended, for the audit log and the logs.
    pub fn result(&self) -> ReloadResult {
        match self {
            ReloadOutcome::Reloaded(r) if r.unchanged() => ReloadResult::Unchanged,
            ReloadOutcome::Reloaded(_) => ReloadResult::Reloaded,
            ReloadOutcome::Invalid { .. } => ReloadResult::Invalid,
            ReloadOutcome::Refused => ReloadResult::Refused,
        }
    }
}

/// Reloads the live knowledge from one source, one reload at a time, auditing every attempt.
pub struct Reloader {
    live: Arc<Live>,
    source: KnowledgeSource,
    audit: AuditLog,
    busy: Mutex<()>,
    /// The last reload's failure, if it failed (for `GET /health`).
    failed: std::sync::Mutex<Option<String>>,
}

impl Reloader {
    /// A reloader for `live` from `source`, auditing to `audit`.
    pub fn new(live: Arc<Live>, source: KnowledgeSource, audit: AuditLog) -> Self {
        Self {
            live,
            source,
            audit,
            busy: Mutex::new(()),
            failed: std::sync::Mutex::new(None),
        }
    }

    /// The knowledge this reloader swaps.
    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Why the last reload failed, when it did (a later good reload clears it): the old
    /// knowledge is still served, and `GET /health` says so.
    pub fn last_failure(&self) -> Option<String> {
        self.failed.lock().expect("reload state").clone()
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
                    .unwrap_or_else(|e| Err(source::task_error(e)));
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
        *self.failed.lock().expect("reload state") = match &outcome {
            ReloadOutcome::Invalid { errors, .. } => Some(format!(
                "{} error(s), first: {}",
                errors.len(),
                errors
                    .iter()
                    .next()
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            )),
            _ => None,
        };
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
        let at = jiff::Timestamp::now().to_string();
        let record = AuditRecord {
            at,
            user_id: user_id.to_string(),
            result: outcome.result(),
            hash: hash.to_string(),
            tried_hash,
            origin: origin.to_string(),
            errors,
        };
        tracing::info!(
            user_id,
            result = record.result.as_str(),
            hash,
            errors,
            "knowledge reload attempt"
        );
        if let Err(e) = self.audit.append(&record) {
            tracing::error!(path = %self.audit.path().display(), error = %e, "cannot write the reload audit log");
        }
    }
}
