//! `triage --answers … --record md|json`: the decision record of a scripted run, as Markdown (to
//! save as triage-record-YYYY-MM-DD.md) or one JSON object. Ids and the guidance's words only.

use std::process::ExitCode;

use jiff::Timestamp;
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::engine::ScriptRun;
use safeguarding_bot::triage::record;

use super::out::{emit, Out};

/// The forms of `triage --record`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RecordFormat {
    /// Markdown.
    Md,
    /// One JSON object.
    Json,
}

/// Prints the record of `run`, decided at `at`, in `format`.
pub fn print(
    out: &mut Out,
    snapshot: &Snapshot,
    run: &ScriptRun<'_>,
    format: RecordFormat,
    at: Timestamp,
) -> Result<ExitCode, String> {
    let r = record::build(snapshot, &run.walk, at).map_err(|e| e.to_string())?;
    match format {
        RecordFormat::Json => emit(out, format_args!("{}\n", r.to_json()))?,
        RecordFormat::Md => emit(out, r.to_markdown())?,
    }
    Ok(ExitCode::SUCCESS)
}
