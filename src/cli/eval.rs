//! `eval FILE`: grades retrieval on a query file, or situation reading on a situation file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::out::{emit, Out};

/// Prints the grading report for the cases in `file`.
pub fn run(out: &mut Out, dir: &Option<PathBuf>, file: &Path) -> Result<ExitCode, String> {
    let snapshot = super::load_snapshot(dir)?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    // A situation file (lead checks) or a query file (expected phrases).
    if let Ok(cases) = safeguarding_bot::eval::situations::parse_cases(&text) {
        let report = safeguarding_bot::eval::situations::grade(&snapshot, &cases);
        emit(out, report.render())?;
        return Ok(ExitCode::SUCCESS);
    }
    let cases = safeguarding_bot::eval::parse_cases(&text)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let report = safeguarding_bot::eval::grade(&snapshot, &cases);
    emit(out, report.render())?;
    Ok(ExitCode::SUCCESS)
}
