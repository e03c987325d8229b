//! `eval FILE`: grades retrieval on a query file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::out::{emit, Out};

/// Prints the grading report for the cases in `file`.
pub fn run(out: &mut Out, dir: &Option<PathBuf>, file: &Path) -> Result<ExitCode, String> {
    let snapshot = super::load_snapshot(dir)?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let cases = safeguarding_bot::eval::parse_cases(&text)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let report = safeguarding_bot::eval::grade(&snapshot, &cases);
    emit(out, report.render())?;
    Ok(ExitCode::SUCCESS)
}
