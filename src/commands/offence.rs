//! `/offence query`: which laws the guidance names for this behaviour, with currency notes where
//! the law has changed since.

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
