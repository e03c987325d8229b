//! `config`: the settings `serve` would run with, each with its layer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::out::{emit, Out};

/// Prints the merged settings as TOML, each key with its layer, the secrets redacted.
pub fn run(out: &mut Out, config: &Path, knowledge: Option<PathBuf>) -> Result<ExitCode, String> {
    let mut settings =
        safeguarding_bot::settings::Settings::load(config).map_err(|e| e.to_string())?;
    if let Some(dir) = knowledge {
        settings.use_knowledge_dir(dir);
    }
    emit(out, settings.render_effective())?;
    Ok(ExitCode::SUCCESS)
}
