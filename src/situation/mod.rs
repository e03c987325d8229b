//! Reading a situation from free text (`triage-spec.md`, "Reading a situation from free text").
//!
//! Practitioners rarely start `/triage`: they type the situation into `/whocall`, `/threshold`
//! or `/search`. This module reads from those words what they say about the triage tree's
//! questions ([`read`]), walks **the same tree with the same engine** as the dialogue
//! ([`decide`]), and puts what the tree decides at the head of the reply ([`lead`]), so the
//! first line says what the guidance says to do for this case, and the free-text answer and
//! `/triage` can never disagree. Search results follow as reading.
//!
//! - [`words`]: the text as words, and the phrase language of the signals;
//! - [`signals`]: `knowledge/situations.toml` (words, age rules, family rule, leads), checked
//!   against the tree on every load, so `/reload` picks up a partnership's own words;
//! - [`read`] and [`ages`]: the answers a text gives, each with the words it came from;
//! - [`decide`]: every outcome still reachable, most urgent first;
//! - [`lead`]: the lead line, "I read: …", and the offer to confirm in `/triage`;
//! - [`grade`]: grading against a case file (`safeguarding-bot eval tests/situations.toml`).
//!
//! Nothing read is stored or logged: the reading lives only in the reply.

#![warn(missing_docs)]

pub mod ages;
pub mod decide;
pub mod grade;
pub mod lead;
pub mod read;
pub mod signals;
pub mod words;

pub use decide::{decide, Decision};
pub use lead::{put_first, Voice};
pub use read::{read, Reading};
pub use signals::{Signals, SITUATIONS_FILE};

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
