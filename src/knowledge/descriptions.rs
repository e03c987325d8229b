//! `questions.toml`: each passage of the guidance, and each record, described by the questions
//! it answers. Search indexes them as a field of their own, so a question worded in a way the
//! guidance never uses ("what share of ten-year-olds have a phone") still finds the passage that
//! holds the answer. The questions are written from the passage's own text, and a section's
//! description names the paragraph it means (`passage`, a few words copied verbatim), so a
//! reviewer can check each one against what it describes.

use serde::Deserialize;

use super::{Knowledge, KnowledgeError, KnowledgeErrors};

/// The file the descriptions are read from.
pub const DESCRIPTIONS_FILE: &str = "questions.toml";

/// Most questions one description may hold.
const MAX_QUESTIONS: usize = 6;

/// Longest question, in characters.
const MAX_QUESTION_LEN: usize = 200;

/// The questions one passage or record answers.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    /// The section or record described.
    pub id: String,
    /// For a section: words copied verbatim from the paragraph meant; the questions attach to
    /// the passage that holds them. Without it they attach to every passage of the record.
    #[serde(default)]
    pub passage: Option<String>,
    /// The questions, in a practitioner's words.
    pub questions: Vec<String>,
    /// Line in `questions.toml`.
    #[serde(skip)]
    pub line: usize,
}

impl Description {
    /// True when this description is of the indexed passage `text` of record `id`.
    pub fn describes(&self, id: &str, text: &str) -> bool {
        self.id == id
            && self
                .passage
                .as_deref()
                .is_none_or(|p| squash(text).contains(&squash(p)))
    }
}

/// Whitespace folded, so a passage anchor copied across a line break still matches.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DescriptionsFile {
    #[serde(default)]
    pub(super) describe: Vec<toml::Spanned<Description>>,
}

/// Every description names a section or record that exists; a `passage` is only given for a
/// section and occurs verbatim in its text; each has 1 to 6 questions of 1 to 200 characters.
/// Errors name `questions.toml` and the description's line.
pub(super) fn validate(k: &Knowledge, errors: &mut KnowledgeErrors) {
    for d in &k.descriptions {
        let err = |errors: &mut KnowledgeErrors, msg: String| {
            errors.push(KnowledgeError::new(DESCRIPTIONS_FILE, d.line, msg))
        };
        let section = k.section(&d.id);
        let record = k.contact(&d.id).is_some()
            || k.threshold(&d.id).is_some()
            || k.offence(&d.id).is_some()
            || k.notes.iter().any(|n| n.id == d.id);
        if section.is_none() && !record {
            err(
                errors,
                format!(
                    "`{}` is neither a section nor a record of this knowledge",
                    d.id
                ),
            );
        }
        match (&d.passage, section) {
            (Some(_), None) if record => err(
                errors,
                format!("`{}` is a record: `passage` is only for a section", d.id),
            ),
            (Some(p), Some(s)) if !squash(&s.body).contains(&squash(p)) => err(
                errors,
                format!("`passage` \"{p}\" is not verbatim in section `{}`", d.id),
            ),
            _ => {}
        }
        if d.questions.is_empty() || d.questions.len() > MAX_QUESTIONS {
            err(
                errors,
                format!("`{}` needs 1 to {MAX_QUESTIONS} questions", d.id),
            );
        }
        for q in &d.questions {
            let n = q.trim().chars().count();
            if n == 0 || n > MAX_QUESTION_LEN {
                err(
                    errors,
                    format!(
                        "`{}`: a question must be 1 to {MAX_QUESTION_LEN} characters",
                        d.id
                    ),
                );
            }
        }
    }
}
