//! `serve`: the Discord bot, until Ctrl-C or SIGTERM.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Loads the settings from `config` (with `--knowledge` overriding where the knowledge comes
/// from), requires a token, and runs the bot on a Tokio runtime.
pub fn run(config: &Path, knowledge: Option<PathBuf>) -> Result<ExitCode, String> {
    let mut settings =
        safeguarding_bot::settings::Settings::load(config).map_err(|e| e.to_string())?;
    if let Some(dir) = knowledge {
        settings.knowledge.url = None;
        settings.knowledge.dir = Some(dir);
    }
    settings.require_token().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime
        .block_on(safeguarding_bot::discord::serve(settings))
        .map_err(|e| format!("{e:#}"))?;
    Ok(ExitCode::SUCCESS)
}
