//! `ask`: one command as text or JSON, or one JSON line per command read from standard input.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use safeguarding_bot::console;

use super::out::{emit, Out};

/// Runs `ask`: `line` is the command, or empty to read one command per line from standard input.
pub fn run(
    out: &mut Out,
    dir: &Option<PathBuf>,
    json: bool,
    line: &[String],
) -> Result<ExitCode, String> {
    let snapshot = super::load_snapshot(dir)?;
    if line.is_empty() {
        let stdin = std::io::stdin();
        for l in stdin.lock().lines() {
            let l = l.map_err(|e| e.to_string())?;
            if l.trim().is_empty() {
                continue;
            }
            let reply = console::run_line(&snapshot, &l);
            emit(out, format_args!("{}\n", console::render_json(&reply)))?;
            if out.closed() {
                break;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let reply = console::run_line(&snapshot, &line.join(" "));
    if json {
        emit(out, format_args!("{}\n", console::render_json(&reply)))?;
    } else {
        emit(out, console::render_text(&reply))?;
    }
    Ok(ExitCode::SUCCESS)
}
