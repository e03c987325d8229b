//! `/offence query`: which laws the guidance names for this behaviour, with currency notes where
//! the law has changed since. Each offence shows its status first (current, amended, partly
//! repealed, repealed and replaced, never existed as stated), naming the law now, and an offence
//! in force is listed before one it replaced (see `lookup::put_replacements_first`).

use super::lookup::answer;
use super::Command;
use crate::knowledge::RecordKind;
use crate::reply::Reply;
use crate::search::Scope;
use crate::snapshot::Snapshot;

/// Runs the command.
pub fn run(snapshot: &Snapshot, query: &str) -> Reply {
    answer(
        snapshot,
        Command::Offence,
        query,
        Scope::prefer(RecordKind::Offence),
        "offences",
    )
}
