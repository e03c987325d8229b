//! Where the answers read lead, walked through **the same engine** as the `/triage` dialogue
//! ([`crate::triage::engine`]): `apply` one answer, `replay` the path. A question the words
//! answer takes that answer; one they leave open (or answer both ways) is walked both ways, so
//! the result is every outcome still reachable, each with the open answers that lead there. The
//! free-text answer and the dialogue cannot disagree: they are one walk.

use super::reading::Reading;
use super::signals::Signals;
use crate::triage::engine::{self, Action, Answer, Path, Walk};
use crate::triage::tree::{Node, Outcome, Tree};

/// One way the open questions can be answered, and where it leads.
#[derive(Debug, Clone)]
pub struct Branch<'t> {
    /// The outcome reached.
    pub outcome: &'t Outcome,
    /// The answers to open questions taken on the way.
    pub open: Vec<Answer>,
    /// The whole path.
    pub path: Path,
}

/// Every outcome the read answers can still reach, most urgent first.
#[derive(Debug, Clone)]
pub struct Decision<'t> {
    /// The answers before the first open question (read or assumed): what `/triage` can be
    /// pre-filled with.
    pub fixed: Path,
    /// One branch per reachable outcome (the one with fewest open answers), most urgent first.
    pub branches: Vec<Branch<'t>>,
}

impl<'t> Decision<'t> {
    /// The most urgent outcome still reachable.
    pub fn lead(&self) -> &Branch<'t> {
        &self.branches[0]
    }

    /// True when the words decide the whole path.
    pub fn decided(&self) -> bool {
        self.branches.len() == 1
    }
}

/// The values to walk at `q`, and whether the question is open.
fn values_at(
    signals: &Signals,
    reading: &Reading,
    q: &crate::triage::tree::Question,
) -> (Vec<String>, bool) {
    let read: Vec<String> = reading
        .values(&q.id)
        .into_iter()
        .filter(|v| q.choice(v).is_some())
        .map(String::from)
        .collect();
    match read.len() {
        1 => (read, false),
        0 => match signals.assume.iter().find(|a| a.question == q.id) {
            Some(a) => (vec![a.value.clone()], false),
            None => (q.values().into_iter().map(String::from).collect(), true),
        },
        _ => (read, true),
    }
}

/// Walks `tree` with what `reading` says.
pub fn decide<'t>(tree: &'t Tree, signals: &Signals, reading: &Reading) -> Decision<'t> {
    let mut fixed = engine::start(tree);
    while let Node::Question(q) = fixed.position {
        let (values, open) = values_at(signals, reading, q);
        if open {
            break;
        }
        match engine::apply(&fixed, &Action::Answer(values[0].clone())) {
            Ok(p) => fixed = engine::replay(tree, &p),
            Err(_) => break,
        }
    }
    let mut branches: Vec<Branch<'t>> = Vec::new();
    explore(
        tree,
        signals,
        reading,
        fixed.clone(),
        Vec::new(),
        &mut branches,
    );
    branches.sort_by_key(|b| (signals.rank(&b.outcome.id), b.open.len()));
    branches.dedup_by(|b, a| a.outcome.id == b.outcome.id);
    Decision {
        fixed: fixed.path,
        branches,
    }
}

fn explore<'t>(
    tree: &'t Tree,
    signals: &Signals,
    reading: &Reading,
    walk: Walk<'t>,
    open: Vec<Answer>,
    out: &mut Vec<Branch<'t>>,
) {
    match walk.position {
        Node::Outcome(o) => out.push(Branch {
            outcome: o,
            open,
            path: walk.path,
        }),
        Node::Question(q) => {
            let (values, is_open) = values_at(signals, reading, q);
            for v in values {
                let Ok(path) = engine::apply(&walk, &Action::Answer(v.clone())) else {
                    continue;
                };
                let mut open = open.clone();
                if is_open {
                    open.push(Answer::new(&q.id, &v));
                }
                explore(
                    tree,
                    signals,
                    reading,
                    engine::replay(tree, &path),
                    open,
                    out,
                );
            }
        }
    }
}
