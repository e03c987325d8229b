//! `triage --answers …`: walks the /triage decision tree with answers given up front, printing
//! the outcome as text or JSON, or (with `--record`) the decision record
//! ([`super::triage_record`]). Exit status 2 when the answers cannot reach an outcome, or `--at`
//! is not a time.

use std::path::PathBuf;
use std::process::ExitCode;

use safeguarding_bot::console;
use safeguarding_bot::triage::{engine, record, render};

use super::out::{emit, report, Out};
use super::triage_record::{self, RecordFormat};

/// What `triage` was asked to print.
pub struct Opts {
    /// JSON output (the scripted-run object, or the record with `--record json`; errors too).
    pub json: bool,
    /// Print the decision record in this form.
    pub record: Option<RecordFormat>,
    /// `--at`: the decision time, RFC 3339.
    pub at: Option<String>,
}

/// Runs the scripted walk and prints what `opts` asks for.
pub fn run(
    out: &mut Out,
    dir: &Option<PathBuf>,
    opts: &Opts,
    answers: &str,
) -> Result<ExitCode, String> {
    let json = opts.json;
    let at = match opts.at.as_deref().map(record::parse_time) {
        None => record::now(&safeguarding_bot::clock::SystemClock),
        Some(Ok(t)) => t,
        Some(Err(message)) => {
            if json {
                let e = serde_json::json!({"error": "invalid_time", "message": message});
                emit(out, format_args!("{e}\n"))?;
            } else {
                report(format_args!("error: {message}"));
            }
            return Ok(ExitCode::from(2));
        }
    };
    let snapshot = match super::load_snapshot(dir) {
        Ok(s) => s,
        Err(message) if json => {
            emit(
                out,
                format_args!(
                    "{}\n",
                    serde_json::json!({"error": "knowledge", "message": message})
                ),
            )?;
            return Ok(ExitCode::FAILURE);
        }
        Err(message) => return Err(message),
    };
    match engine::script(&snapshot.triage, answers) {
        Ok(run) => match opts.record {
            Some(format) => triage_record::print(out, &snapshot, &run, format, at),
            None if json => {
                emit(
                    out,
                    format_args!("{}\n", render::script_json(&snapshot, &run)),
                )?;
                Ok(ExitCode::SUCCESS)
            }
            None => {
                let mut reply = render::reply(&snapshot, &run.walk);
                reply.buttons.clear(); // nothing to press in a scripted run
                if let Some(o) = run.walk.outcome() {
                    record::add_deadlines(&mut reply, &snapshot, o, at)
                        .map_err(|e| e.to_string())?;
                }
                emit(out, console::render_text(&reply))?;
                if !run.unused.is_empty() {
                    let unused: Vec<String> = run
                        .unused
                        .iter()
                        .map(|a| format!("{}={}", a.question, a.value))
                        .collect();
                    emit(
                        out,
                        format_args!("Answers not needed on this path: {}\n", unused.join(",")),
                    )?;
                }
                Ok(ExitCode::SUCCESS)
            }
        },
        Err(e) => {
            if json {
                emit(out, format_args!("{}\n", render::script_error_json(&e)))?;
            } else {
                report(format_args!("error: {e}"));
            }
            Ok(ExitCode::from(2))
        }
    }
}
