//! `health`: asks a running `serve` whether it is healthy (Docker's HEALTHCHECK runs it).

use std::path::Path;
use std::process::ExitCode;

use super::out::{emit, Out};

/// Prints one line; exit 0 if healthy, 1 if not.
pub fn run(out: &mut Out, url: Option<&str>, config: &Path) -> Result<ExitCode, String> {
    let (healthy, line) = safeguarding_bot::discord::health::run(url, config);
    emit(out, format_args!("{line}\n"))?;
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
