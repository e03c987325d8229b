//! `console`: the interactive prompt; `/triage` (or `/triage question=value,…`, with those
//! answers given) hands over to the dialogue.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use safeguarding_bot::console;

use super::out::{emit, Out};

/// Runs the prompt until end of input, `/quit` or `/exit`.
pub fn run(out: &mut Out, dir: &Option<PathBuf>) -> Result<ExitCode, String> {
    let snapshot = super::load_snapshot(dir)?;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        writeln!(
            out,
            "safeguarding-bot console — knowledge {} ({}). Type /help, or /quit to leave.",
            snapshot.knowledge.manifest.version, snapshot.knowledge.hash
        )
        .ok();
        write!(out, "> ").ok();
        out.flush().ok();
    }
    let mut input = stdin.lock();
    let mut l = String::new();
    loop {
        l.clear();
        if out.closed() || input.read_line(&mut l).map_err(|e| e.to_string())? == 0 {
            break;
        }
        let t = l.trim();
        if t == "/quit" || t == "/exit" {
            break;
        }
        if console::command_of(t) == Some(safeguarding_bot::commands::Command::Triage) {
            // `/triage question=value,…` (offered under a situation read from free text) starts
            // with those answers given.
            let answers = safeguarding_bot::commands::parse_line(t)
                .map(|i| i.query)
                .unwrap_or_default();
            safeguarding_bot::triage::console::run_prefilled_dialogue(
                &snapshot, &answers, &mut input, out,
            )
            .map_err(|e| e.to_string())?;
        } else if !t.is_empty() {
            let reply = console::run_line(&snapshot, t);
            emit(out, format_args!("{}\n", console::render_text(&reply)))?;
        }
        if interactive {
            write!(out, "> ").ok();
            out.flush().ok();
        }
    }
    Ok(ExitCode::SUCCESS)
}
