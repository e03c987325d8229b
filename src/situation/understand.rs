//! A text read as a situation: what was read and where the tree leads with it, or `None` when
//! the text is not a situation (then search answers, as for a question about information).

use super::decide::{decide, Decision};
use super::read::read;
use super::reading::Reading;
use super::signals::Signals;
use crate::triage::tree::{Node, Tree};

/// A situation read from a text: what was read and where the tree leads with it.
#[derive(Debug, Clone)]
pub struct Situation<'t> {
    /// What the words say.
    pub reading: Reading,
    /// Where the tree leads.
    pub decision: Decision<'t>,
}

/// Reads `text` as a situation, or `None` when it is not one: it describes nobody, nothing in
/// it answers a question, or it leaves the kind of concern open with no family member or
/// danger read (then search answers, as for a question about information).
pub fn understand<'t>(tree: &'t Tree, signals: &Signals, text: &str) -> Option<Situation<'t>> {
    let reading = read(signals, text);
    if !reading.about_someone || !reading.read_anything() {
        return None;
    }
    let decision = decide(tree, signals, &reading);
    if decision.branches.is_empty() {
        return None;
    }
    let walk = crate::triage::engine::replay(tree, &decision.fixed);
    let vague = match walk.position {
        Node::Question(q) => q.choices.len() > 2 && reading.values(&q.id).is_empty(),
        Node::Outcome(_) => false,
    };
    if vague && reading.family.is_none() {
        return None;
    }
    Some(Situation { reading, decision })
}
