//! The triage decision tree as data: the schema of `knowledge/triage.toml`, its parser and its
//! validator. The tree lives in the knowledge (not in code) so a safeguarding lead can correct a
//! question with a text editor and `/reload`; because a wrong tree can leave a child at risk, a
//! tree is only ever served after every check here has passed. See `docs/triage.md`.

use std::collections::HashMap;

use crate::knowledge::error::toml_error;
use crate::knowledge::{Knowledge, KnowledgeError, KnowledgeErrors};
use crate::reply::ButtonStyle;

mod file;
mod validate;
use file::{build, TreeFile};
use validate::validate;

/// The file the tree is read from, relative to the knowledge root.
pub const TRIAGE_FILE: &str = "triage.toml";

/// Button actions with a fixed meaning; no answer value may use them.
pub const RESERVED_ACTIONS: [&str; 2] = ["back", "restart"];

/// Longest id or answer value, so that `tr:<session>:<step>:<value>` (the Discord adapter's
/// button id) fits Discord's 100-character `custom_id`.
pub const MAX_ID_LEN: usize = 32;

/// Discord's limit on a button label; also keeps console answers short.
const MAX_LABEL_LEN: usize = 80;

/// Discord's limit on an embed title; a question's text is shown as one.
const MAX_TITLE_LEN: usize = 256;

/// True for a question id, outcome id or answer value: `a-z`, then `a-z`, `0-9` or `_`, at most
/// [`MAX_ID_LEN`] long. Kept this narrow so a value can travel inside a button id and be checked
/// character by character when it comes back.
pub fn is_triage_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// The validated tree.

/// One rule for handling evidence (strategy §13 "Secure evidence"), shown on every outcome so it
/// can never be left off one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EvidenceRule {
    /// The rule, in plain words.
    pub text: String,
    /// Section ids it rests on.
    pub sources: Vec<String>,
    /// Line in `triage.toml`.
    #[serde(skip)]
    pub line: usize,
}

/// One answer a question offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Stable value: what a button carries and a scripted run types (`yes`, `sexual_images`).
    pub value: String,
    /// What the practitioner sees on the button.
    pub label: String,
    /// Id of the question or outcome this answer leads to.
    pub next: String,
    /// How the button should look (an escalating answer is `Danger`).
    pub style: ButtonStyle,
    /// What every summary reached through this answer says first ("999 has been called: …"),
    /// so an answer that carries something already done is never lost from the outcome.
    pub summary_note: Option<String>,
    /// Line in `triage.toml`, for error messages.
    pub line: usize,
}

/// One question of the dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Stable id (fixed by `triage-spec.md`).
    pub id: String,
    /// A few words naming the question, for the "your answers" list.
    pub short: String,
    /// The question as asked.
    pub text: String,
    /// Help text: what the terms mean, where the guidance is unclear or has dated.
    pub help: Option<String>,
    /// Section ids the question and its help rest on.
    pub sources: Vec<String>,
    /// The answers, in the order shown.
    pub choices: Vec<Choice>,
    /// Line in `triage.toml`.
    pub line: usize,
}

impl Question {
    /// The choice with this value, if the question offers it.
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }

    /// The values this question accepts, in order (for error messages).
    pub fn values(&self) -> Vec<&str> {
        self.choices.iter().map(|c| c.value.as_str()).collect()
    }
}

/// Where a path through the tree ends: what to do, how fast, who to call, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Stable id (fixed by `triage-spec.md`).
    pub id: String,
    /// Headline, e.g. "Call 999 now".
    pub title: String,
    /// Two or three sentences on what this outcome means.
    pub summary: String,
    /// How fast, as the guidance words it; the first is the headline timeframe. Each opens
    /// with a rule the timeframe parser can read (checked on load).
    pub timeframes: Vec<String>,
    /// The line of each timeframe in `triage.toml`, for errors.
    pub timeframe_lines: Vec<usize>,
    /// What to do, in order.
    pub actions: Vec<String>,
    /// Contact ids (from `contacts.toml`) to show with numbers and hours.
    pub contacts: Vec<String>,
    /// Section ids the outcome rests on; the first is the main citation.
    pub sources: Vec<String>,
    /// The guidance's own words, verbatim from the first source.
    pub quote: String,
    /// Extra notes (e.g. where newer national advice differs).
    pub notes: Vec<String>,
    /// What the outcome also says when an answer on the path holds (`[[outcome.when]]`), in
    /// file order.
    pub when: Vec<Condition>,
    /// An outcome that does not end the matter (`call_999`: the referral the rest of the tree
    /// gives still applies) names the answer, to the question that led to it, with which the
    /// dialogue goes on from the next question. The summary offers it as a button.
    pub go_on: Option<String>,
    /// Line in `triage.toml`.
    pub line: usize,
}

/// What an outcome also requires when one answer was given on the way to it: for example the
/// same-day images referral, reached with `adult_involved = yes`, carries what strategy §17
/// "Responses to Adults" requires. Data, like the rest of the tree: the question and answer are
/// checked against the tree's ids, and the answer must be able to lead to the outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The question whose answer decides it.
    pub question: String,
    /// The answer value that makes it hold.
    pub answer: String,
    /// A heading for what it adds, e.g. "Because an adult is involved (strategy §17)".
    pub title: String,
    /// The actions it adds, in order, after the outcome's own.
    pub actions: Vec<String>,
    /// Section ids they rest on (checked to exist).
    pub sources: Vec<String>,
    /// The guidance's words, verbatim from the first source, when given.
    pub quote: Option<String>,
    /// Line in `triage.toml`.
    pub line: usize,
}

/// The answers given on a path, as far as the tree needs to know them: whether a question got
/// a value. The engine's `Path` implements it; the tree does not depend on the engine.
pub trait Answers {
    /// True when `question` was answered `value`.
    fn gave(&self, question: &str, value: &str) -> bool;
}

impl Condition {
    /// True when `path` gave this condition's answer to its question.
    pub fn holds<P: Answers + ?Sized>(&self, path: &P) -> bool {
        path.gave(&self.question, &self.answer)
    }
}

impl Outcome {
    /// The conditions that hold on `path`, in file order.
    pub fn conditions_on<'o, P: Answers + ?Sized>(
        &'o self,
        path: &'o P,
    ) -> impl Iterator<Item = &'o Condition> + 'o {
        self.when.iter().filter(move |c| c.holds(path))
    }

    /// Every action for `path`: the outcome's own, then those of each condition that holds.
    pub fn actions_on<P: Answers + ?Sized>(&self, path: &P) -> Vec<String> {
        self.actions
            .iter()
            .chain(self.conditions_on(path).flat_map(|c| &c.actions))
            .cloned()
            .collect()
    }

    /// Every section id the outcome rests on for `path`: its own, then those of each condition
    /// that holds, without repeats.
    pub fn sources_on<P: Answers + ?Sized>(&self, path: &P) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in self
            .sources
            .iter()
            .chain(self.conditions_on(path).flat_map(|c| &c.sources))
        {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }
}

/// A node of the tree: a question still to answer, or an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node<'t> {
    /// A question.
    Question(&'t Question),
    /// An outcome.
    Outcome(&'t Outcome),
}

/// The whole validated tree. Built only by [`Tree::load`] / [`Tree::parse`], so whoever holds
/// one knows every path ends in an outcome that cites real sections and names real contacts.
#[derive(Debug, Clone)]
pub struct Tree {
    start: String,
    start_line: usize,
    questions: Vec<Question>,
    outcomes: Vec<Outcome>,
    evidence: Vec<EvidenceRule>,
    index: HashMap<String, NodeRef>,
}

#[derive(Debug, Clone, Copy)]
enum NodeRef {
    Question(usize),
    Outcome(usize),
}

impl Tree {
    /// Reads and validates `triage.toml` from a validated knowledge copy. Every error carries
    /// the file `triage.toml` and the line of the offending node.
    pub fn load(knowledge: &Knowledge) -> Result<Tree, KnowledgeErrors> {
        match knowledge.files.get(TRIAGE_FILE) {
            Some(text) => Tree::parse(text, knowledge),
            None => Err(KnowledgeErrors(vec![KnowledgeError::new(
                TRIAGE_FILE,
                0,
                "is missing: the /triage dialogue needs its decision tree (see docs/triage.md)",
            )])),
        }
    }

    /// Parses and validates a tree from text, checking its citations and contacts against
    /// `knowledge`.
    pub fn parse(text: &str, knowledge: &Knowledge) -> Result<Tree, KnowledgeErrors> {
        let mut errors = KnowledgeErrors::default();
        let file: TreeFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(toml_error(TRIAGE_FILE, text, &e));
                return Err(errors);
            }
        };
        let tree = build(text, file);
        validate(&tree, knowledge, &mut errors);
        if errors.is_empty() {
            Ok(tree)
        } else {
            errors.sort();
            Err(errors)
        }
    }

    /// The first question.
    pub fn start(&self) -> &Question {
        match self.index.get(&self.start) {
            Some(NodeRef::Question(i)) => &self.questions[*i],
            // Validation guarantees `start` names a question.
            _ => &self.questions[0],
        }
    }

    /// A question or outcome by id.
    pub fn node(&self, id: &str) -> Option<Node<'_>> {
        self.index.get(id).map(|r| match *r {
            NodeRef::Question(i) => Node::Question(&self.questions[i]),
            NodeRef::Outcome(i) => Node::Outcome(&self.outcomes[i]),
        })
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        match self.node(id)? {
            Node::Question(q) => Some(q),
            Node::Outcome(_) => None,
        }
    }

    /// An outcome by id.
    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        match self.node(id)? {
            Node::Outcome(o) => Some(o),
            Node::Question(_) => None,
        }
    }

    /// Every question, in file order.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// Every outcome, in file order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The evidence rules every outcome carries.
    pub fn evidence(&self) -> &[EvidenceRule] {
        &self.evidence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triage_ids() {
        assert!(is_triage_id("immediate_danger"));
        assert!(is_triage_id("sexual_acts_under_18"));
        assert!(!is_triage_id("Immediate"));
        assert!(!is_triage_id("_x"));
        assert!(!is_triage_id("9lives"));
        assert!(!is_triage_id("a-b"));
        assert!(!is_triage_id(""));
        assert!(!is_triage_id(&"a".repeat(MAX_ID_LEN + 1)));
    }
}
