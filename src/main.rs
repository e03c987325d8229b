//! The `safeguarding-bot` command line: parse the arguments, set up logging, dispatch to the
//! mode's file under `src/cli/`.

use std::process::ExitCode;

use clap::Parser;

mod cli;

use cli::{Cli, Cmd};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A long-running bot reports what it does (ids only, never message text) as its [log]
    // settings say; one-shot commands stay quiet.
    safeguarding_bot::logging::init_for_cli(match &cli.command {
        Cmd::Serve { config } => Some(config.as_path()),
        _ => None,
    });
    match cli::run(cli) {
        Ok(code) => code,
        Err(msg) => {
            cli::out::report(format_args!("error: {msg}"));
            ExitCode::FAILURE
        }
    }
}
