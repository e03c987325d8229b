//! `/search query`: everything in the guidance, best first.

use super::lookup::answer;
use super::Command;
use crate::reply::Reply;
use crate::search::Scope;
use crate::snapshot::Snapshot;

/// Runs the command.
pub fn run(snapshot: &Snapshot, query: &str) -> Reply {
    answer(snapshot, Command::Search, query, Scope::ALL, "results")
}
