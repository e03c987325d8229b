//! `triage --map [--answers …] -o FILE`: draws the tree (and the path the answers take) as SVG or
//! PNG, the format from the file's extension.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use safeguarding_bot::triage::{engine, map};

use super::out::{emit, report, Out};

/// Writes the map to `file`. Answers are checked as for a scripted run: ones that cannot reach
/// an outcome exit with status 2.
pub fn run(
    out: &mut Out,
    dir: &Option<PathBuf>,
    answers: Option<&str>,
    file: &Path,
) -> Result<ExitCode, String> {
    let format = map::Format::from_file_name(file).map_err(|e| e.to_string())?;
    let snapshot = super::load_snapshot(dir)?;
    let path = match answers {
        None => None,
        Some(a) => match engine::script(&snapshot.triage, a) {
            Ok(run) => Some(run.walk.path),
            Err(e) => {
                report(format_args!("error: {e}"));
                return Ok(ExitCode::from(2));
            }
        },
    };
    let version = &snapshot.knowledge.manifest.version;
    let bytes =
        map::render(&snapshot.triage, version, path.as_ref(), format).map_err(|e| e.to_string())?;
    std::fs::write(file, &bytes).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    emit(
        out,
        format_args!("wrote {} ({} bytes)\n", file.display(), bytes.len()),
    )?;
    Ok(ExitCode::SUCCESS)
}
