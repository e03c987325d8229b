//! Errors in knowledge files, always carrying the file and line they were found at, so that a
//! safeguarding lead editing a TOML file is told exactly where to look.

use std::fmt;

/// One problem found in the knowledge: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KnowledgeError {
    /// Path of the file relative to the knowledge root, e.g. `contacts.toml`.
    pub file: String,
    /// 1-based line number; 0 when the problem concerns the whole file (e.g. it is missing).
    pub line: usize,
    /// What is wrong, and where possible what to do about it.
    pub message: String,
}

impl KnowledgeError {
    /// Builds an error at `file:line`.
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for KnowledgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Every problem found in one load. A knowledge copy with any error is never served: the loader
/// collects them all (rather than stopping at the first) so one `check` run shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, thiserror::Error)]
pub struct KnowledgeErrors(pub Vec<KnowledgeError>);

impl KnowledgeErrors {
    /// Adds one error.
    pub fn push(&mut self, error: KnowledgeError) {
        self.0.push(error);
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in file then line order.
    pub fn iter(&self) -> impl Iterator<Item = &KnowledgeError> {
        self.0.iter()
    }

    /// Sorts by file and line so output is stable and easy to follow.
    pub fn sort(&mut self) {
        self.0
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
}

impl fmt::Display for KnowledgeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the knowledge has {} error(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// Converts a byte offset into a 1-based line number.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
