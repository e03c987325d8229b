//! The `safeguarding-bot` command line: the clap definitions and one file per mode, so that
//! `main` only parses and dispatches.
//!
//! | mode | file |
//! | --- | --- |
//! | `console` | [`console`] |
//! | `ask` | [`ask`] |
//! | `check` | [`check`] |
//! | `eval` | [`eval`] |
//! | `serve` | [`serve`] |
//! | `config` | [`config`] |
//! | `health` | [`health`] |
//! | `triage --answers` (text, `--json`) | [`triage`] |
//! | `triage --record md\|json` | [`triage_record`] |
//! | `triage --map -o FILE` | [`triage_map`] |
//!
//! Output piped into a reader that stops early (`ask … | head -1`, `triage --json … | head -c
//! 10`) is not an error: everything goes through [`out::Out`], which drops the rest of the
//! output once standard output is closed, and the command then ends quietly with the exit status
//! it would have had anyway (0, or 2 for a triage run that cannot reach an outcome). `println!`
//! would panic with "failed printing to stdout: Broken pipe" instead.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::snapshot::Snapshot;

pub mod ask;
pub mod check;
pub mod config;
pub mod console;
pub mod eval;
pub mod health;
pub mod out;
pub mod serve;
pub mod triage;
pub mod triage_map;
pub mod triage_record;

use triage_record::RecordFormat;

/// Online-safeguarding guidance for practitioners, from the command line or Discord.
#[derive(Parser)]
#[command(name = "safeguarding-bot", version, about)]
pub struct Cli {
    /// Load the knowledge from this directory instead of the copy built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub knowledge: Option<PathBuf>,
    /// The mode to run.
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand)]
/// The modes, one file each in this folder.
pub enum Cmd {
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
    /// Grade a query file (retrieval; format of shared/eval/queries.toml) or a situation file
    /// (first lines; format of shared/eval/situations.toml).
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

/// Runs the parsed command; `Err` carries the message `main` prints after "error: ".
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    let mut out = out::Out::new();
    let knowledge = cli.knowledge;
    match cli.command {
        Cmd::Check { sources } => check::run(&mut out, &knowledge, sources.as_deref()),
        Cmd::Ask { json, line } => ask::run(&mut out, &knowledge, json, &line),
        Cmd::Console => console::run(&mut out, &knowledge),
        Cmd::Serve { config } => serve::run(&config, knowledge),
        Cmd::Config { config } => config::run(&mut out, &config, knowledge),
        Cmd::Health { url, config } => health::run(&mut out, url.as_deref(), &config),
        Cmd::Triage {
            answers,
            map: true,
            output: Some(file),
            ..
        } => triage_map::run(&mut out, &knowledge, answers.as_deref(), &file),
        Cmd::Triage {
            json,
            answers,
            record,
            at,
            ..
        } => {
            let opts = triage::Opts {
                json: json || matches!(record, Some(RecordFormat::Json)),
                record,
                at,
            };
            triage::run(
                &mut out,
                &knowledge,
                &opts,
                answers.as_deref().unwrap_or(""),
            )
        }
        Cmd::Eval { file } => eval::run(&mut out, &knowledge, &file),
    }
}

/// The knowledge files: from `dir` (`--knowledge`), else the copy built into the binary.
fn load_files(dir: &Option<PathBuf>) -> Result<KnowledgeFiles, String> {
    match dir {
        Some(d) => KnowledgeFiles::from_dir(d).map_err(|e| e.to_string()),
        None => Ok(KnowledgeFiles::embedded()),
    }
}

/// The knowledge, its search index and triage tree, as every answering mode needs them.
fn load_snapshot(dir: &Option<PathBuf>) -> Result<Snapshot, String> {
    let files = load_files(dir)?;
    Snapshot::build(&files).map_err(|e| e.to_string())
}
