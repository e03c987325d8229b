//! The `safeguarding-bot` command line: parse arguments, load the knowledge, dispatch.
//!
//! Output piped into a reader that stops early (`ask … | head -1`, `triage --json … | head -c
//! 10`) is not an error: everything goes through [`Out`], which drops the rest of the output once
//! standard output is closed, and the command then ends quietly with the exit status it would
//! have had anyway (0, or 2 for a triage run that cannot reach an outcome). `println!` would
//! panic with "failed printing to stdout: Broken pipe" instead.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use safeguarding_bot::console;
use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles};
use safeguarding_bot::snapshot::Snapshot;

/// Online-safeguarding guidance for practitioners, from the command line or Discord.
#[derive(Parser)]
#[command(name = "safeguarding-bot", version, about)]
struct Cli {
    /// Load the knowledge from this directory instead of the copy built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Interactive prompt: /whocall, /threshold, /offence, /search, /triage, /help.
    Console,
    /// Run one command, e.g. `ask "/whocall child in danger"`; with no command, read one per line
    /// from standard input and print one JSON line each.
    Ask {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// The command line, e.g. `/whocall child in immediate danger`.
        line: Vec<String>,
    },
    /// Validate a copy of the knowledge; prints every error with file and line.
    Check {
        /// Also check, against the source documents in DIR (NAME.txt for each
        /// knowledge/sources/NAME.md), that every heading not marked `{#id .added}` is the
        /// guidance's own. Optional: the bot never needs the sources to run.
        #[arg(long, value_name = "DIR")]
        sources: Option<PathBuf>,
    },
    /// Grade retrieval against a query file (format of shared/eval/queries.toml).
    Eval {
        /// The query file.
        file: PathBuf,
    },
    /// Run the Discord bot until Ctrl-C or SIGTERM. Settings: config/default.toml (built in),
    /// DIR/local.toml, DISCORD_TOKEN, SAFEGUARDING_BOT__SECTION__KEY; see the README's
    /// Discord section.
    Serve {
        /// Folder holding local.toml.
        #[arg(long, value_name = "DIR", default_value = "config")]
        config: PathBuf,
    },
    /// Print the configuration `serve` would run with: every layer merged, as TOML, each key
    /// with the layer it came from, the token redacted. Exits non-zero, naming the key and its
    /// layer, if the configuration is invalid.
    Config {
        /// Folder holding local.toml.
        #[arg(long, value_name = "DIR", default_value = "config")]
        config: PathBuf,
    },
    /// Ask a running `serve` whether it is healthy (GET /health): prints one line, exits 0 if
    /// healthy and 1 if not. Docker's HEALTHCHECK runs it.
    Health {
        /// The endpoint [default: http://HEALTH.LISTEN/health from the configuration, else
        /// http://127.0.0.1:8080/health].
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Folder holding local.toml (read for health.listen when --url is not given).
        #[arg(long, value_name = "DIR", default_value = "config")]
        config: PathBuf,
    },
    /// Walk the /triage decision tree without a chat, e.g.
    /// `triage --json --answers "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no"`.
    /// Exits with status 2 if the path needs an answer that was not given, or an id or value is
    /// unknown.
    Triage {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Answers as `question_id=value` pairs separated by commas. Taken as given even when
        /// it starts with `-`, so every answers string reaches the checks (and, with `--json`,
        /// gets a JSON error) instead of being read as a flag. With `--map`, the path to
        /// highlight (optional).
        #[arg(
            long,
            value_name = "ANSWERS",
            allow_hyphen_values = true,
            required_unless_present = "map"
        )]
        answers: Option<String>,
        /// Draw the decision tree as a flowchart (with `--answers`, the path they take) into
        /// the file given by `-o`: `.svg` or `.png`.
        #[arg(long, requires = "output", conflicts_with_all = ["record", "json"])]
        map: bool,
        /// Where `--map` writes the map; the format comes from the extension (.svg or .png).
        #[arg(short = 'o', long, value_name = "FILE", requires = "map")]
        output: Option<PathBuf>,
        /// Print the decision record instead: `md` (Markdown, to save as
        /// triage-record-YYYY-MM-DD.md) or `json`. Holds ids and the guidance's words only.
        #[arg(long, value_name = "FORMAT", conflicts_with = "json")]
        record: Option<RecordFormat>,
        /// The decision time the deadlines count from, in RFC 3339 (e.g.
        /// 2026-11-23T14:05:00Z) [default: now].
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        at: Option<String>,
    },
}

/// The forms of `triage --record`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum RecordFormat {
    /// Markdown.
    Md,
    /// One JSON object.
    Json,
}

/// Standard output that tolerates a reader going away: after the first broken-pipe error every
/// write succeeds without doing anything, and [`Out::closed`] says so, so loops can stop early.
/// Any other write error is still an error. It locks standard output per write only, so other
/// threads (a long-running subcommand's tasks) can still print.
struct Out {
    inner: io::Stdout,
    closed: bool,
}

impl Out {
    fn new() -> Self {
        Self {
            inner: io::stdout(),
            closed: false,
        }
    }

    /// True once the reader has gone away.
    fn closed(&self) -> bool {
        self.closed
    }

    fn absorb<T>(&mut self, r: io::Result<T>, closed_value: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(closed_value)
            }
            r => r,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.absorb(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.absorb(r, ())
    }
}

/// Writes `text` (and flushes, so a closed reader is noticed now rather than at exit).
fn emit(out: &mut Out, text: impl std::fmt::Display) -> Result<(), String> {
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write to standard output: {e}"))
}

/// Writes one line to standard error; a closed standard error is ignored (`eprintln!` would
/// panic).
fn report(text: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "{text}");
}

fn load_files(dir: &Option<PathBuf>) -> Result<KnowledgeFiles, String> {
    match dir {
        Some(d) => KnowledgeFiles::from_dir(d).map_err(|e| e.to_string()),
        None => Ok(KnowledgeFiles::embedded()),
    }
}

fn load_snapshot(dir: &Option<PathBuf>) -> Result<Snapshot, String> {
    let files = load_files(dir)?;
    Snapshot::build(&files).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A long-running bot reports what it does (ids only, never message text) as its [log]
    // settings say; one-shot commands stay quiet.
    safeguarding_bot::logging::init_for_cli(match &cli.command {
        Cmd::Serve { config } => Some(config.as_path()),
        _ => None,
    });
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            report(format_args!("error: {msg}"));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let mut out = Out::new();
    let knowledge = cli.knowledge;
    match cli.command {
        Cmd::Check { sources } => check(&mut out, &knowledge, sources.as_deref()),
        Cmd::Ask { json, line } => ask(&mut out, &knowledge, json, &line),
        Cmd::Console => console_mode(&mut out, &knowledge),
        Cmd::Serve { config } => serve(&config, knowledge),
        Cmd::Config { config } => show_config(&mut out, &config, knowledge),
        Cmd::Health { url, config } => {
            let (healthy, line) = safeguarding_bot::discord::health::run(url.as_deref(), &config);
            emit(&mut out, format_args!("{line}\n"))?;
            Ok(if healthy {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Cmd::Triage {
            answers,
            map: true,
            output: Some(file),
            ..
        } => triage_map(&mut out, &knowledge, answers.as_deref(), &file),
        Cmd::Triage {
            json,
            answers,
            record,
            at,
            ..
        } => {
            let opts = TriageOpts {
                json: json || matches!(record, Some(RecordFormat::Json)),
                record,
                at,
            };
            triage(
                &mut out,
                &knowledge,
                &opts,
                answers.as_deref().unwrap_or(""),
            )
        }
        Cmd::Eval { file } => eval(&mut out, &knowledge, &file),
    }
}

/// `check`: validates a copy of the knowledge (and its triage tree), printing every error.
fn check(
    out: &mut Out,
    dir: &Option<PathBuf>,
    sources: Option<&std::path::Path>,
) -> Result<ExitCode, String> {
    let files = load_files(dir)?;
    match Knowledge::load(&files).and_then(|k| {
        let tree = safeguarding_bot::triage::Tree::load(&k)?;
        safeguarding_bot::situation::Signals::load(&k, &tree)?;
        if let Some(sources) = sources {
            let errors = safeguarding_bot::knowledge::source_headings::check(&k, sources);
            if !errors.is_empty() {
                return Err(errors);
            }
        }
        Ok(k)
    }) {
        Ok(k) => {
            let c = k.counts();
            emit(out, format_args!(
                "ok: knowledge {} (hash {}) from {}: {} sections, {} contacts, {} thresholds, {} offences, {} notes\n",
                k.manifest.version, k.hash, files.origin(), c.sections, c.contacts, c.thresholds, c.offences, c.notes
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            let _ = write!(io::stderr(), "{errors}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `ask`: one command as text or JSON, or one JSON line per command read from standard input.
fn ask(
    out: &mut Out,
    dir: &Option<PathBuf>,
    json: bool,
    line: &[String],
) -> Result<ExitCode, String> {
    let snapshot = load_snapshot(dir)?;
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

/// `console`: the interactive prompt; `/triage` hands over to the dialogue.
fn console_mode(out: &mut Out, dir: &Option<PathBuf>) -> Result<ExitCode, String> {
    let snapshot = load_snapshot(dir)?;
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
            safeguarding_bot::triage::console::run_dialogue(&snapshot, &mut input, out)
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

/// `serve`: the Discord bot, until Ctrl-C or SIGTERM.
fn serve(config: &std::path::Path, knowledge: Option<PathBuf>) -> Result<ExitCode, String> {
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

/// `config`: the settings `serve` would run with, each with its layer.
fn show_config(
    out: &mut Out,
    config: &std::path::Path,
    knowledge: Option<PathBuf>,
) -> Result<ExitCode, String> {
    let mut settings =
        safeguarding_bot::settings::Settings::load(config).map_err(|e| e.to_string())?;
    if let Some(dir) = knowledge {
        settings.use_knowledge_dir(dir);
    }
    emit(out, settings.render_effective())?;
    Ok(ExitCode::SUCCESS)
}

/// `eval FILE`: grades retrieval on a query file.
fn eval(out: &mut Out, dir: &Option<PathBuf>, file: &std::path::Path) -> Result<ExitCode, String> {
    let snapshot = load_snapshot(dir)?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    // A situation file (lead checks) or a query file (expected phrases).
    if let Ok(cases) = safeguarding_bot::situation::grade::parse_cases(&text) {
        let report = safeguarding_bot::situation::grade::grade(&snapshot, &cases);
        emit(out, report.render())?;
        return Ok(ExitCode::SUCCESS);
    }
    let cases = safeguarding_bot::eval::parse_cases(&text)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let report = safeguarding_bot::eval::grade(&snapshot, &cases);
    emit(out, report.render())?;
    Ok(ExitCode::SUCCESS)
}

/// What `triage` was asked to print.
struct TriageOpts {
    /// JSON output (the scripted-run object, or the record with `--record json`; errors too).
    json: bool,
    /// Print the decision record in this form.
    record: Option<RecordFormat>,
    /// `--at`: the decision time, RFC 3339.
    at: Option<String>,
}

/// `triage --answers`: walks the tree with answers given up front; exit status 2 when the answers
/// cannot reach an outcome (or `--at` is not a time).
fn triage(
    out: &mut Out,
    dir: &Option<PathBuf>,
    opts: &TriageOpts,
    answers: &str,
) -> Result<ExitCode, String> {
    use safeguarding_bot::triage::{engine, record, render};
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
    let snapshot = match load_snapshot(dir) {
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
        Ok(run) if opts.record.is_some() => {
            let r = record::build(&snapshot, &run.walk, at).map_err(|e| e.to_string())?;
            match opts.record {
                Some(RecordFormat::Json) => emit(out, format_args!("{}\n", r.to_json()))?,
                _ => emit(out, r.to_markdown())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(run) if json => {
            emit(
                out,
                format_args!("{}\n", render::script_json(&snapshot, &run)),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(run) => {
            let mut reply = render::reply(&snapshot, &run.walk);
            reply.buttons.clear(); // nothing to press in a scripted run
            if let Some(o) = run.walk.outcome() {
                record::add_deadlines(&mut reply, &snapshot, o, at).map_err(|e| e.to_string())?;
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

/// `triage --map [--answers …] -o FILE`: draws the tree (and the path the answers take) as SVG or
/// PNG, the format from the file's extension. Answers are checked as for a scripted run: one
/// that cannot reach an outcome exits with status 2.
fn triage_map(
    out: &mut Out,
    dir: &Option<PathBuf>,
    answers: Option<&str>,
    file: &std::path::Path,
) -> Result<ExitCode, String> {
    use safeguarding_bot::triage::{engine, map};
    let format = map::Format::from_file_name(file).map_err(|e| e.to_string())?;
    let snapshot = load_snapshot(dir)?;
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
