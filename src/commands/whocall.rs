//! `/whocall situation`: the right number for this situation, contacts first. With no situation
//! it lists the emergency routes, because someone typing `/whocall` alone may be in a hurry.

use super::lookup::{answer, to_hit};
use super::Command;
use crate::knowledge::RecordKind;
use crate::reply::{Reply, ReplyKind};
use crate::search::Scope;
use crate::snapshot::Snapshot;

/// Runs the command.
pub fn run(snapshot: &Snapshot, query: &str) -> Reply {
    if crate::search::analyzer::clean_query(query).is_empty() {
        return emergency_routes(snapshot);
    }
    answer(
        snapshot,
        Command::WhoCall,
        query,
        Scope::prefer(RecordKind::Contact),
        "contacts",
    )
}

/// The contacts marked `emergency`, in knowledge order.
fn emergency_routes(snapshot: &Snapshot) -> Reply {
    let mut r = Reply::new(
        "whocall",
        "",
        ReplyKind::Answer,
        "Emergency and urgent contacts",
    )
    .with_emergency();
    r.body = "Describe the situation after /whocall for the right contact, e.g. `/whocall allegation against a member of staff`.".into();
    let k = &snapshot.knowledge;
    // One entry per record: a long contact is indexed as several passages.
    r.results = snapshot
        .index
        .records()
        .filter(|(_, d)| d.kind == RecordKind::Contact)
        .filter(|(_, d)| k.contact(&d.id).is_some_and(|c| c.emergency))
        .map(|(ord, d)| to_hit(k, &snapshot.index, ord, 0.0, &d.body))
        .collect();
    r
}
