//! `/threshold topic`: what response a concern calls for and how fast, thresholds first.

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
        Command::Threshold,
        query,
        Scope::prefer(RecordKind::Threshold),
        "thresholds",
    )
}
