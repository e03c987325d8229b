//! What a text was read to say: the answers, each with the words it came from (or assumed, or
//! implied), whether it is about someone, and a family member as the person of concern. Shared
//! by the reader (`read.rs`) and the age rules (`ages.rs`).

use super::signals::Answered;

/// How an answer came to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Read from these words of the text.
    Words(String),
    /// Nothing in the text said otherwise (`[[assume]]`).
    Assumed,
    /// Follows from another reading (the family rule).
    Implied,
}

/// One answer the text gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The answer.
    pub answer: Answered,
    /// Why.
    pub basis: Basis,
}

/// Everything read from one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    /// True when the text is about someone (a child, a pupil, an age): only then is a
    /// situation read at all.
    pub about_someone: bool,
    /// The answers read, in the order found (may hold two values for one question: the words
    /// said both, and the tree is walked both ways).
    pub reads: Vec<Read>,
    /// The words that name a family member as the person of concern, if any.
    pub family: Option<String>,
}

impl Reading {
    /// The values read for `question`, without repeats, in the order found.
    pub fn values(&self, question: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.reads.iter().filter(|r| r.answer.question == question) {
            if !out.contains(&r.answer.value.as_str()) {
                out.push(&r.answer.value);
            }
        }
        out
    }

    /// True when something was read from the words themselves.
    pub fn read_anything(&self) -> bool {
        self.family.is_some()
            || self
                .reads
                .iter()
                .any(|r| matches!(r.basis, Basis::Words(_)))
    }
}

/// Adds a reading, once per (answer, words).
pub fn push(reading: &mut Reading, answer: Answered, basis: Basis) {
    let r = Read { answer, basis };
    if !reading.reads.contains(&r) {
        reading.reads.push(r);
    }
}
