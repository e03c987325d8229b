//! The bot's commands, each turning a query into a transport-neutral [`Reply`]. One file per
//! command; [`lookup`] holds what the search commands share.

pub mod help;
pub mod lookup;
pub mod offence;
pub mod search;
pub mod threshold;
pub mod whocall;
pub mod whole_rule;

use crate::reply::Reply;
use crate::snapshot::Snapshot;

/// A command users can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// Who to call for this situation.
    WhoCall,
    /// What response a situation calls for, and how fast.
    Threshold,
    /// Which laws apply.
    Offence,
    /// Search everything.
    Search,
    /// The guided referral decision.
    Triage,
    /// What the bot does and which knowledge it serves.
    Help,
    /// Reload the knowledge (admins only).
    Reload,
}

impl Command {
    /// Every command, in the order `/help` lists them.
    pub const ALL: [Command; 7] = [
        Command::WhoCall,
        Command::Threshold,
        Command::Offence,
        Command::Search,
        Command::Triage,
        Command::Reload,
        Command::Help,
    ];

    /// The command's name, without the slash.
    pub fn name(self) -> &'static str {
        match self {
            Command::WhoCall => "whocall",
            Command::Threshold => "threshold",
            Command::Offence => "offence",
            Command::Search => "search",
            Command::Triage => "triage",
            Command::Help => "help",
            Command::Reload => "reload",
        }
    }

    /// One line on what it does (also Discord's command description, ≤ 100 characters).
    pub fn description(self) -> &'static str {
        match self {
            Command::WhoCall => "Who to call for this situation: numbers, hours, when to use them",
            Command::Threshold => "What response a concern calls for, and how fast",
            Command::Offence => {
                "Which laws apply: act, section, what it covers, whether still current"
            }
            Command::Search => "Search all of the partnership's online-safeguarding guidance",
            Command::Triage => "Step-by-step referral decision for an online safeguarding incident",
            Command::Help => "What this bot does and which guidance it serves",
            Command::Reload => "Reload the guidance after it has changed (admins only)",
        }
    }

    /// Looks a command up by name (with or without the slash, any case; `offense` accepted).
    pub fn parse(name: &str) -> Option<Command> {
        let n = name.trim().trim_start_matches('/').to_ascii_lowercase();
        Some(match n.as_str() {
            "whocall" | "who" | "call" => Command::WhoCall,
            "threshold" | "thresholds" => Command::Threshold,
            "offence" | "offense" | "offences" | "law" => Command::Offence,
            "search" | "find" => Command::Search,
            "triage" => Command::Triage,
            "help" | "?" => Command::Help,
            "reload" => Command::Reload,
            _ => return None,
        })
    }

    /// True for commands that take a free-text query.
    pub fn takes_query(self) -> bool {
        matches!(
            self,
            Command::WhoCall | Command::Threshold | Command::Offence | Command::Search
        )
    }
}

/// A parsed command line such as `/whocall child in danger`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The command.
    pub command: Command,
    /// Everything after the command name.
    pub query: String,
}

/// Parses a console line. A line without a leading command is treated as `/search`.
pub fn parse_line(line: &str) -> Result<Invocation, String> {
    let line = line.trim();
    if line.is_empty() {
        return Err(
            "Type a command, e.g. `/whocall child in immediate danger`, or `/help`.".into(),
        );
    }
    if let Some(rest) = line.strip_prefix('/') {
        let (name, query) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        return match Command::parse(name) {
            Some(command) => Ok(Invocation {
                command,
                query: query.trim().to_string(),
            }),
            None => Err(format!(
                "Unknown command `/{}`. Commands: {}.",
                // Echo what was typed without control characters (a terminal would act on an
                // escape sequence; a chat would show garbage).
                name.chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>(),
                Command::ALL
                    .iter()
                    .map(|c| format!("/{}", c.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    Ok(Invocation {
        command: Command::Search,
        query: line.to_string(),
    })
}

/// Runs a query command against one snapshot. `/triage` and `/reload` need a session store or
/// admin rights and are run by the transports; asked here they answer with guidance on how to
/// use them.
pub fn run(snapshot: &Snapshot, command: Command, query: &str) -> Reply {
    match command {
        Command::WhoCall => whocall::run(snapshot, query),
        Command::Threshold => threshold::run(snapshot, query),
        Command::Offence => offence::run(snapshot, query),
        Command::Search => search::run(snapshot, query),
        Command::Help => help::run(snapshot),
        Command::Triage | Command::Reload => {
            let mut r = Reply::error(
                command.name(),
                &crate::search::analyzer::clean_query(query),
                format!(
                    "`/{}` is run by the bot itself (in the console type `/{}` on its own).",
                    command.name(),
                    command.name()
                ),
            );
            r.kind = crate::reply::ReplyKind::Info;
            r
        }
    }
}

/// Suggestions for a command's text option as the user types (at most 25, each at most 100
/// characters, as Discord requires).
pub fn autocomplete(snapshot: &Snapshot, command: Command, partial: &str) -> Vec<String> {
    lookup::autocomplete(snapshot, command, partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines() {
        let i = parse_line("/whocall  child in danger ").unwrap();
        assert_eq!(i.command, Command::WhoCall);
        assert_eq!(i.query, "child in danger");
        assert_eq!(parse_line("/HELP").unwrap().command, Command::Help);
        assert_eq!(parse_line("lado").unwrap().command, Command::Search);
        assert!(parse_line("/nonsense x")
            .unwrap_err()
            .contains("Unknown command"));
        assert!(parse_line("   ").is_err());
    }

    #[test]
    fn unknown_command_is_echoed_without_control_characters() {
        let e = parse_line("/\u{1b}[2J\u{0}x y").unwrap_err();
        assert!(e.contains("`/[2Jx`"), "{e}");
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
}
