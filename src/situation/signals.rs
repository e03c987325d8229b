//! `knowledge/situations.toml`: its schema, and the checks that tie it to the triage tree. A
//! signal that names a question or answer the tree does not have, a phrase that cannot be read,
//! an outcome without a lead: each is an error at its file and line, and a copy with any error is
//! never served (so `/reload` keeps the previous knowledge live).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::words::Phrase;
use crate::knowledge::error::{line_of, toml_error};
use crate::knowledge::{Knowledge, KnowledgeError, KnowledgeErrors};
use crate::triage::Tree;

/// The file the signals are read from, relative to the knowledge root.
pub const SITUATIONS_FILE: &str = "situations.toml";

/// Longest lead line accepted (Discord's embed title holds 256 characters; a lead is shown as
/// one, and an open question adds a clause to it).
const MAX_LEAD: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    reading: Spanned<ReadingFile>,
    ages: Spanned<AgesFile>,
    family: Spanned<FamilyFile>,
    #[serde(default)]
    assume: Vec<Spanned<AnswerFile>>,
    question: Vec<Spanned<BTreeMap<String, String>>>,
    outcome: Vec<Spanned<OutcomeFile>>,
    signal: Vec<Spanned<SignalFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadingFile {
    subjects: Vec<String>,
    #[serde(default)]
    not_subjects: Vec<String>,
    negators: Vec<String>,
    negation_window: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgesFile {
    adult_from: u32,
    similar_within: u32,
    adult_gives: String,
    similar_gives: String,
    apart_gives: String,
    school_year_offset: u32,
    school_year: String,
    age_after: Vec<String>,
    age_before: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyFile {
    members: Vec<String>,
    concerns: Vec<String>,
    within: usize,
    label: String,
    #[serde(default)]
    implies: Vec<String>,
    lead: String,
    whocall: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFile {
    question: String,
    answer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    id: String,
    lead: String,
    whocall: String,
    then: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignalFile {
    question: String,
    answer: String,
    phrases: Vec<String>,
    #[serde(default)]
    negated: Option<String>,
    #[serde(default)]
    unless_before: Vec<String>,
    #[serde(default)]
    unless_after: Vec<String>,
}

/// One question's answer, as read or assumed: ids from the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Answered {
    /// Question id.
    pub question: String,
    /// Answer value.
    pub value: String,
}

/// Words that give one answer.
#[derive(Debug, Clone)]
pub struct Signal {
    /// The answer a plain match gives.
    pub gives: Answered,
    /// The answer a negated match gives, if any ("nobody was pressured": no).
    pub negated: Option<String>,
    /// The phrases.
    pub phrases: Vec<Phrase>,
    /// Words just before a match that cancel it.
    pub unless_before: Vec<Phrase>,
    /// Words right after a match's first word that cancel it.
    pub unless_after: Vec<Phrase>,
}

/// How ages and school years are read.
#[derive(Debug, Clone)]
pub struct AgeRules {
    /// An age from which a person is an adult.
    pub adult_from: u32,
    /// The largest gap in years between children still read as "a similar age".
    pub similar_within: u32,
    /// The answer an adult's age gives.
    pub adult_gives: Answered,
    /// The answer children's ages within `similar_within` give.
    pub similar_gives: Answered,
    /// The answer children's ages further apart give.
    pub apart_gives: Answered,
    /// School year N is taken as age N + this.
    pub school_year_offset: u32,
    /// The words before a school-year number.
    pub school_year: Phrase,
    /// Phrases after an age's number.
    pub age_after: Vec<Phrase>,
    /// Phrases before an age's number.
    pub age_before: Vec<Phrase>,
}

/// The family rule.
#[derive(Debug, Clone)]
pub struct FamilyRule {
    /// Family members.
    pub members: Vec<Phrase>,
    /// Words of concern that must follow a member.
    pub concerns: Vec<Phrase>,
    /// How many words may come between.
    pub within: usize,
    /// How the reading is described.
    pub label: String,
    /// What it implies for the tree.
    pub implies: Vec<Answered>,
    /// The lead for /threshold and /search.
    pub lead: String,
    /// The lead for /whocall.
    pub whocall: String,
}

/// The lead lines of one outcome.
#[derive(Debug, Clone)]
pub struct OutcomeLead {
    /// Outcome id.
    pub id: String,
    /// For /threshold and /search.
    pub lead: String,
    /// For /whocall: the contact first.
    pub whocall: String,
    /// The short form after "unless ...: then".
    pub then: String,
}

/// Everything `situations.toml` holds, compiled and checked against the tree: a signal, an
/// assumed answer or a lead naming a question, answer or outcome the tree lacks is an error, and
/// so is an outcome of the tree without a lead (a new outcome must say where it ranks).
#[derive(Debug, Clone)]
pub struct Signals {
    /// Words saying the text is about someone.
    pub subjects: Vec<Phrase>,
    /// Terms holding a subject word that name no one ("child abuse images").
    pub not_subjects: Vec<Phrase>,
    /// Words that turn a signal round.
    pub negators: Vec<Phrase>,
    /// How many words before a signal a negator may be.
    pub negation_window: usize,
    /// Age rules.
    pub ages: AgeRules,
    /// Family rule.
    pub family: FamilyRule,
    /// Answers assumed when nothing is read.
    pub assume: Vec<Answered>,
    /// (question, answer) → how it is described.
    pub labels: BTreeMap<(String, String), String>,
    /// Outcome leads, most urgent first.
    pub outcomes: Vec<OutcomeLead>,
    /// The signals, in file order.
    pub signals: Vec<Signal>,
}

impl Signals {
    /// Reads and checks `situations.toml` from a validated knowledge copy and its tree.
    pub fn load(knowledge: &Knowledge, tree: &Tree) -> Result<Signals, KnowledgeErrors> {
        match knowledge.files.get(SITUATIONS_FILE) {
            Some(text) => Signals::parse(text, tree),
            None => Err(KnowledgeErrors(vec![KnowledgeError::new(
                SITUATIONS_FILE,
                0,
                "is missing: /whocall, /threshold and /search read situations with it (see docs/knowledge-format.md)",
            )])),
        }
    }

    /// Parses and checks the text of `situations.toml` against `tree`.
    pub fn parse(text: &str, tree: &Tree) -> Result<Signals, KnowledgeErrors> {
        let file: File = toml::from_str(text)
            .map_err(|e| KnowledgeErrors(vec![toml_error(SITUATIONS_FILE, text, &e)]))?;
        let mut c = Checker {
            text,
            tree,
            errors: KnowledgeErrors::default(),
        };
        let signals = c.build(file);
        if c.errors.is_empty() {
            Ok(signals)
        } else {
            c.errors.sort();
            Err(c.errors)
        }
    }

    /// The lead lines of an outcome.
    pub fn outcome(&self, id: &str) -> Option<&OutcomeLead> {
        self.outcomes.iter().find(|o| o.id == id)
    }

    /// How urgent an outcome is: its place in the list, most urgent 0.
    pub fn rank(&self, id: &str) -> usize {
        self.outcomes
            .iter()
            .position(|o| o.id == id)
            .unwrap_or(usize::MAX)
    }

    /// How an answer is described.
    pub fn label<'a>(&'a self, question: &str, value: &'a str) -> &'a str {
        self.labels
            .get(&(question.to_string(), value.to_string()))
            .map_or(value, String::as_str)
    }
}

struct Checker<'a> {
    text: &'a str,
    tree: &'a Tree,
    errors: KnowledgeErrors,
}

impl Checker<'_> {
    fn err(&mut self, at: usize, msg: impl Into<String>) {
        let line = line_of(self.text, at);
        self.errors
            .push(KnowledgeError::new(SITUATIONS_FILE, line, msg.into()));
    }

    fn phrases(&mut self, at: usize, list: &[String]) -> Vec<Phrase> {
        let mut out = Vec::new();
        for p in list {
            match Phrase::parse(p) {
                Ok(ph) => out.push(ph),
                Err(e) => self.err(at, format!("phrase {e}")),
            }
        }
        out
    }

    fn phrase(&mut self, at: usize, p: &str) -> Phrase {
        match Phrase::parse(p) {
            Ok(ph) => ph,
            Err(e) => {
                self.err(at, format!("phrase {e}"));
                Phrase::parse("x").expect("a one-word phrase")
            }
        }
    }

    /// Checks that `value` answers `question` in the tree.
    fn answer(&mut self, at: usize, question: &str, value: &str) -> Option<Answered> {
        let Some(q) = self.tree.question(question) else {
            self.err(
                at,
                format!("`{question}` is not a question of the triage tree (triage.toml)"),
            );
            return None;
        };
        if q.choice(value).is_none() {
            self.err(
                at,
                format!(
                    "`{value}` is not an answer to `{question}`; it takes: {}",
                    q.values().join(", ")
                ),
            );
            return None;
        }
        Some(Answered {
            question: question.to_string(),
            value: value.to_string(),
        })
    }

    fn build(&mut self, file: File) -> Signals {
        let r_at = file.reading.span().start;
        let reading = file.reading.into_inner();
        let subjects = self.phrases(r_at, &reading.subjects);
        let not_subjects = self.phrases(r_at, &reading.not_subjects);
        let negators = self.phrases(r_at, &reading.negators);
        let a_at = file.ages.span().start;
        let ages = file.ages.into_inner();
        if ages.adult_from < 10 || ages.adult_from > 25 {
            self.err(a_at, "ages.adult_from must be between 10 and 25");
        }
        let mut gives = |s: &str| -> Answered {
            let (q, v) = s.split_once('=').unwrap_or((s, ""));
            self.answer(a_at, q.trim(), v.trim()).unwrap_or(Answered {
                question: String::new(),
                value: String::new(),
            })
        };
        let (adult_gives, similar_gives, apart_gives) = (
            gives(&ages.adult_gives),
            gives(&ages.similar_gives),
            gives(&ages.apart_gives),
        );
        let ages = AgeRules {
            adult_from: ages.adult_from,
            similar_within: ages.similar_within,
            adult_gives,
            similar_gives,
            apart_gives,
            school_year_offset: ages.school_year_offset,
            school_year: self.phrase(a_at, &ages.school_year),
            age_after: self.phrases(a_at, &ages.age_after),
            age_before: self.phrases(a_at, &ages.age_before),
        };
        let family = self.family(file.family);
        let assume = file
            .assume
            .iter()
            .filter_map(|a| {
                let at = a.span().start;
                let a = a.get_ref();
                self.answer(at, &a.question, &a.answer)
            })
            .collect();
        let labels = self.labels(&file.question);
        let outcomes = self.outcomes(file.outcome);
        let signals = file
            .signal
            .into_iter()
            .filter_map(|s| self.signal(s))
            .collect();
        Signals {
            subjects,
            not_subjects,
            negators,
            negation_window: reading.negation_window,
            ages,
            family,
            assume,
            labels,
            outcomes,
            signals,
        }
    }

    fn family(&mut self, f: Spanned<FamilyFile>) -> FamilyRule {
        let at = f.span().start;
        let f = f.into_inner();
        let implies = f
            .implies
            .iter()
            .filter_map(|s| match s.split_once('=') {
                Some((q, v)) => self.answer(at, q.trim(), v.trim()),
                None => {
                    self.err(at, format!("family.implies `{s}` is not question=answer"));
                    None
                }
            })
            .collect();
        self.lead_text(at, &f.lead);
        self.lead_text(at, &f.whocall);
        FamilyRule {
            members: self.phrases(at, &f.members),
            concerns: self.phrases(at, &f.concerns),
            within: f.within,
            label: f.label,
            implies,
            lead: f.lead,
            whocall: f.whocall,
        }
    }

    fn lead_text(&mut self, at: usize, s: &str) {
        if s.trim().is_empty() || s.chars().count() > MAX_LEAD || s.contains('\n') {
            self.err(
                at,
                format!("a lead must be one line of 1 to {MAX_LEAD} characters: `{s}`"),
            );
        }
    }

    fn labels(
        &mut self,
        list: &[Spanned<BTreeMap<String, String>>],
    ) -> BTreeMap<(String, String), String> {
        let mut out = BTreeMap::new();
        let mut seen = HashSet::new();
        for q in list {
            let at = q.span().start;
            let map = q.get_ref();
            let Some(id) = map.get("id") else {
                self.err(at, "a [[question]] needs an `id`");
                continue;
            };
            if !seen.insert(id.clone()) {
                self.err(at, format!("question `{id}` is described twice"));
            }
            for (value, label) in map.iter().filter(|(k, _)| *k != "id") {
                if self.answer(at, id, value).is_some() {
                    out.insert((id.clone(), value.clone()), label.clone());
                }
            }
        }
        // An answer without a description (a question added to the tree since) is described by
        // its button label: reading still works, and `check` need not fail for it.
        for q in self.tree.questions() {
            for c in &q.choices {
                out.entry((q.id.clone(), c.value.clone()))
                    .or_insert_with(|| format!("{}: {}", q.short, c.label));
            }
        }
        out
    }

    fn outcomes(&mut self, list: Vec<Spanned<OutcomeFile>>) -> Vec<OutcomeLead> {
        let mut out: Vec<OutcomeLead> = Vec::new();
        for o in list {
            let at = o.span().start;
            let o = o.into_inner();
            if self.tree.outcome(&o.id).is_none() {
                self.err(
                    at,
                    format!("`{}` is not an outcome of the triage tree", o.id),
                );
                continue;
            }
            if out.iter().any(|x| x.id == o.id) {
                self.err(at, format!("outcome `{}` is listed twice", o.id));
                continue;
            }
            self.lead_text(at, &o.lead);
            self.lead_text(at, &o.whocall);
            self.lead_text(at, &o.then);
            out.push(OutcomeLead {
                id: o.id,
                lead: o.lead,
                whocall: o.whocall,
                then: o.then,
            });
        }
        // Reported at the first [[outcome]] (or the top of the file), never at line 0: the
        // file is there, its list of leads is incomplete.
        let first = self.text.find("[[outcome]]").unwrap_or(0);
        for t in self.tree.outcomes() {
            if !out.iter().any(|o| o.id == t.id) {
                self.err(
                    first,
                    format!(
                        "the outcome `{}` has no [[outcome]] lead: every outcome the tree can reach needs one",
                        t.id
                    ),
                );
            }
        }
        out
    }

    fn signal(&mut self, s: Spanned<SignalFile>) -> Option<Signal> {
        let at = s.span().start;
        let s = s.into_inner();
        let gives = self.answer(at, &s.question, &s.answer)?;
        if let Some(n) = &s.negated {
            self.answer(at, &s.question, n)?;
        }
        if s.phrases.is_empty() {
            self.err(at, "a [[signal]] needs at least one phrase");
        }
        Some(Signal {
            gives,
            negated: s.negated,
            phrases: self.phrases(at, &s.phrases),
            unless_before: self.phrases(at, &s.unless_before),
            unless_after: self.phrases(at, &s.unless_after),
        })
    }
}
