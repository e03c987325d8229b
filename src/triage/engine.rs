//! The pure walk through the tree: where a list of answers leads, and what answering, going
//! back or restarting does to it. No storage, no rendering, no clock: the chat session, the
//! console and the scripted `triage --answers` run all use these same functions, so they cannot
//! disagree about where a set of answers leads.

use std::fmt;

use super::tree::{is_triage_id, Node, Outcome, Question, Tree};

/// One answer given: a question id and the value chosen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    /// Question id.
    pub question: String,
    /// The chosen value.
    pub value: String,
}

impl Answer {
    /// Builds an answer.
    pub fn new(question: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            question: question.into(),
            value: value.into(),
        }
    }
}

/// The answers given so far, in order. This (ids only) is all a session stores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Answer>);

impl super::tree::Answers for Path {
    fn gave(&self, question: &str, value: &str) -> bool {
        self.0
            .iter()
            .any(|a| a.question == question && a.value == value)
    }
}

/// Why an answers string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedAnswers(pub String);

impl fmt::Display for MalformedAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Path {
    /// The empty path: nothing answered yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `question=value,question=value`: the form stored in the database and typed after
    /// `triage --answers`.
    pub fn encode(&self) -> String {
        self.0
            .iter()
            .map(|a| format!("{}={}", a.question, a.value))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the form written by [`Path::encode`]. Spaces around items are allowed; anything
    /// else that is not `id=value` with ids of `a-z`, `0-9` and `_` is refused.
    pub fn decode(s: &str) -> Result<Path, MalformedAnswers> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Path::new());
        }
        let mut out = Vec::new();
        for (i, item) in s.split(',').enumerate() {
            let item = item.trim();
            let n = i + 1;
            let Some((q, v)) = item.split_once('=') else {
                return Err(MalformedAnswers(format!(
                    "answer {n} `{}` is not of the form question_id=value",
                    clip(item)
                )));
            };
            let (q, v) = (q.trim(), v.trim());
            if !is_triage_id(q) {
                return Err(MalformedAnswers(format!(
                    "answer {n}: `{}` is not a question id (a-z, 0-9 and _ only)",
                    clip(q)
                )));
            }
            if !is_triage_id(v) {
                return Err(MalformedAnswers(format!(
                    "answer {n}: `{}` is not an answer value (a-z, 0-9 and _ only)",
                    clip(v)
                )));
            }
            out.push(Answer::new(q, v));
        }
        Ok(Path(out))
    }

    /// Number of answers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nothing has been answered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Shortens untrusted text before it goes into a message.
pub(crate) fn clip(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    crate::text::shorten(&clean, 41).into_owned()
}

/// Where a path leads in a particular tree.
#[derive(Debug, Clone)]
pub struct Walk<'t> {
    /// The answers that still fit the tree, in order.
    pub path: Path,
    /// The question now to be answered, or the outcome reached.
    pub position: Node<'t>,
    /// How many stored answers no longer fit the tree (it was changed by a reload since they
    /// were given) and were dropped; the dialogue resumes at the first question that changed.
    pub dropped: usize,
}

impl<'t> Walk<'t> {
    /// The outcome, when one has been reached.
    pub fn outcome(&self) -> Option<&'t Outcome> {
        match self.position {
            Node::Outcome(o) => Some(o),
            Node::Question(_) => None,
        }
    }

    /// The question to answer next, when no outcome has been reached yet.
    pub fn question(&self) -> Option<&'t Question> {
        match self.position {
            Node::Question(q) => Some(q),
            Node::Outcome(_) => None,
        }
    }

    /// Each answer with its question and choice, for display.
    pub fn answered(&self, tree: &'t Tree) -> Vec<(&'t Question, &'t super::tree::Choice)> {
        self.path
            .0
            .iter()
            .filter_map(|a| {
                let q = tree.question(&a.question)?;
                Some((q, q.choice(&a.value)?))
            })
            .collect()
    }
}

/// Starts a walk at the first question.
pub fn start(tree: &Tree) -> Walk<'_> {
    Walk {
        path: Path::new(),
        position: Node::Question(tree.start()),
        dropped: 0,
    }
}

/// Follows `path` from the start. Answers that no longer fit (a question renamed or an answer
/// removed by a reload) end the walk there, so a session resumes at the first changed question
/// instead of failing.
pub fn replay<'t>(tree: &'t Tree, path: &Path) -> Walk<'t> {
    let mut walk = start(tree);
    for (i, a) in path.0.iter().enumerate() {
        let next = match walk.position {
            Node::Question(q) if q.id == a.question => {
                q.choice(&a.value).and_then(|c| tree.node(&c.next))
            }
            _ => None,
        };
        match next {
            Some(node) => {
                walk.path.0.push(a.clone());
                walk.position = node;
            }
            None => {
                walk.dropped = path.0.len() - i;
                break;
            }
        }
    }
    walk
}

/// What a button or console line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer the current question with this value.
    Answer(String),
    /// Undo the last answer.
    Back,
    /// Clear every answer and start again.
    Restart,
}

/// Why an action cannot be applied. The messages are shown to practitioners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl Action {
    /// Reads an action string strictly: `back`, `restart`, or an answer value of `a-z`, `0-9`
    /// and `_`. Anything else (a tampered button) is refused without being interpreted.
    pub fn parse(s: &str) -> Result<Action, Refused> {
        match s {
            "back" => Ok(Action::Back),
            "restart" => Ok(Action::Restart),
            v if is_triage_id(v) => Ok(Action::Answer(v.to_string())),
            _ => Err(Refused(
                "That button is not one this triage offers. Use the buttons on the latest question."
                    .into(),
            )),
        }
    }

    /// The string form, as carried by a button.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Answer(v) => v,
            Action::Back => "back",
            Action::Restart => "restart",
        }
    }
}

/// Applies an action to a walk, giving the new path. Pure: the caller stores it.
pub fn apply(walk: &Walk<'_>, action: &Action) -> Result<Path, Refused> {
    match action {
        Action::Restart => Ok(Path::new()),
        Action::Back => {
            if walk.path.is_empty() {
                return Err(Refused(
                    "This is the first question: there is nothing to go back to.".into(),
                ));
            }
            let mut p = walk.path.clone();
            p.0.pop();
            Ok(p)
        }
        Action::Answer(value) => match walk.position {
            Node::Outcome(_) => Err(Refused(
                "This triage has finished. Use Back to change an answer, or Restart.".into(),
            )),
            Node::Question(q) => {
                if q.choice(value).is_none() {
                    return Err(Refused(format!(
                        "`{}` is not an answer to \"{}\". Use the buttons on the latest question.",
                        clip(value),
                        q.short
                    )));
                }
                let mut p = walk.path.clone();
                p.0.push(Answer::new(&q.id, value));
                Ok(p)
            }
        },
    }
}

/// Why a scripted run could not reach an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptError {
    /// The answers string is not `id=value,…`.
    Malformed(String),
    /// An answer names a question the tree does not have.
    UnknownQuestion(String),
    /// An answer gives a value the question does not offer.
    InvalidValue {
        /// The question.
        question: String,
        /// The value given.
        value: String,
        /// The values it accepts.
        allowed: Vec<String>,
    },
    /// The same question is answered twice.
    Duplicate(String),
    /// The path needs this question answered and it was not.
    Missing {
        /// The question.
        question: String,
        /// Its text, to help the caller.
        text: String,
        /// The values it accepts.
        allowed: Vec<String>,
    },
}

impl ScriptError {
    /// A short machine-readable kind, for the JSON error.
    pub fn kind(&self) -> &'static str {
        match self {
            ScriptError::Malformed(_) => "malformed_answers",
            ScriptError::UnknownQuestion(_) => "unknown_question",
            ScriptError::InvalidValue { .. } => "invalid_answer",
            ScriptError::Duplicate(_) => "duplicate_answer",
            ScriptError::Missing { .. } => "missing_answer",
        }
    }

    /// The question id concerned, if any.
    pub fn question(&self) -> Option<&str> {
        match self {
            ScriptError::Malformed(_) => None,
            ScriptError::UnknownQuestion(q)
            | ScriptError::Duplicate(q)
            | ScriptError::InvalidValue { question: q, .. }
            | ScriptError::Missing { question: q, .. } => Some(q),
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptError::Malformed(m) => write!(f, "malformed --answers: {m}"),
            ScriptError::UnknownQuestion(q) => write!(f, "unknown question id `{q}`"),
            ScriptError::InvalidValue {
                question,
                value,
                allowed,
            } => write!(
                f,
                "`{value}` is not an answer to `{question}`; allowed: {}",
                allowed.join(", ")
            ),
            ScriptError::Duplicate(q) => write!(f, "question `{q}` is answered more than once"),
            ScriptError::Missing {
                question, allowed, ..
            } => write!(
                f,
                "the path needs an answer to `{question}` ({}); add {question}=…",
                allowed.join(", ")
            ),
        }
    }
}

/// The end of a scripted run.
#[derive(Debug, Clone)]
pub struct ScriptRun<'t> {
    /// The walk, ending at an outcome.
    pub walk: Walk<'t>,
    /// Answers given that the path did not need, in the order given.
    pub unused: Vec<Answer>,
}

/// Walks the tree with answers given up front (`triage --answers`), asking only what the path
/// needs. Every given answer is checked, used or not, so a typo is never silently ignored.
pub fn script<'t>(tree: &'t Tree, answers: &str) -> Result<ScriptRun<'t>, ScriptError> {
    let given = Path::decode(answers).map_err(|e| ScriptError::Malformed(e.0))?;
    let mut seen = std::collections::HashSet::new();
    for a in &given.0 {
        let Some(q) = tree.question(&a.question) else {
            return Err(ScriptError::UnknownQuestion(a.question.clone()));
        };
        if q.choice(&a.value).is_none() {
            return Err(ScriptError::InvalidValue {
                question: a.question.clone(),
                value: a.value.clone(),
                allowed: q.values().into_iter().map(String::from).collect(),
            });
        }
        if !seen.insert(a.question.as_str()) {
            return Err(ScriptError::Duplicate(a.question.clone()));
        }
    }
    let mut walk = start(tree);
    let mut used = std::collections::HashSet::new();
    while let Node::Question(q) = walk.position {
        let Some(a) = given.0.iter().find(|a| a.question == q.id) else {
            return Err(ScriptError::Missing {
                question: q.id.clone(),
                text: q.text.clone(),
                allowed: q.values().into_iter().map(String::from).collect(),
            });
        };
        used.insert(q.id.as_str());
        let path = apply(&walk, &Action::Answer(a.value.clone()))
            .map_err(|e| ScriptError::Malformed(e.0))?;
        walk = replay(tree, &path);
    }
    let unused = given
        .0
        .iter()
        .filter(|a| !used.contains(a.question.as_str()))
        .cloned()
        .collect();
    Ok(ScriptRun { walk, unused })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_and_refuse_anything_else() {
        let p = Path::decode(" immediate_danger=no , incident_type=sexual_images").unwrap();
        assert_eq!(
            p.encode(),
            "immediate_danger=no,incident_type=sexual_images"
        );
        assert_eq!(Path::decode(&p.encode()).unwrap(), p);
        assert!(Path::decode("").unwrap().is_empty());
        for bad in [
            "a", "a=", "=b", "a=b,", "a=b=c", "A=b", "a=b;c", "a b=c", "1a=b",
        ] {
            assert!(Path::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn actions_parse_strictly() {
        assert_eq!(Action::parse("back").unwrap(), Action::Back);
        assert_eq!(Action::parse("restart").unwrap(), Action::Restart);
        assert_eq!(
            Action::parse("sexual_images").unwrap(),
            Action::Answer("sexual_images".into())
        );
        for bad in ["", "Back", "yes ", "yes;", "é", &"a".repeat(33)] {
            assert!(Action::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Action::parse("no").unwrap().as_str(), "no");
    }

    #[test]
    fn untrusted_text_is_clipped_before_it_is_shown() {
        assert_eq!(clip("short"), "short");
        let long = "x".repeat(100);
        assert_eq!(clip(&long).chars().count(), 41);
        assert_eq!(clip("a\nb\u{7}"), "ab");
    }
}
