//! Rules: thresholds that are alternatives of one decision, kept together as data.
//!
//! The guidance often states one rule as a list: "same day if any of these five conditions;
//! within 24 hours only if the children are of a similar age and there was no coercion". Its
//! thresholds are separate records, so a search that ranks one of them first would show one
//! branch of the rule and hide the others. A [`Rule`] holds every branch (conditions in the
//! guidance's own words → what to do → how fast), each citing its passage; any answer that
//! touches one of the rule's records shows the whole rule first.
//!
//! Rules live in `thresholds.toml` as `[[rule]]` tables beside the thresholds they group.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::error::{KnowledgeError, KnowledgeErrors};
use super::validate::{is_valid_id, normalise_for_quote};
use super::Knowledge;

/// The file rules are written in.
pub const RULES_FILE: &str = "thresholds.toml";

/// How a branch's conditions combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum When {
    /// The branch applies if any one condition holds.
    Any,
    /// The branch applies only if every condition holds.
    All,
    /// The branch applies whenever the rule does (no conditions).
    Always,
    /// The branch applies when no earlier conditional branch does (no conditions).
    Otherwise,
}

impl When {
    /// The words that introduce the conditions in a compact rendering.
    pub fn lead(self) -> &'static str {
        match self {
            When::Any => "if any of",
            When::All => "only if all of",
            When::Always => "always",
            When::Otherwise => "otherwise",
        }
    }

    /// True for the kinds that take conditions.
    pub fn needs_conditions(self) -> bool {
        matches!(self, When::Any | When::All)
    }
}

/// One branch of a rule: conditions → what to do → how fast.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// How the conditions combine.
    pub when: When,
    /// The conditions, each verbatim from one of the branch's source sections.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// What to do when the branch applies.
    pub then: String,
    /// How fast, exactly as the threshold named in `threshold` words it.
    pub timeframe: String,
    /// The threshold record this branch summarises; its timeframe must equal `timeframe`.
    pub threshold: String,
    /// Section ids the conditions come from.
    pub sources: Vec<String>,
}

/// A rule whose branches are alternatives of one decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Short title, e.g. "Nudes and sexual images of under-18s: how fast to refer".
    pub title: String,
    /// The branches, in the order the guidance gives them.
    #[serde(rename = "branch")]
    pub branches: Vec<Branch>,
    /// Further record ids whose appearance in an answer also brings the rule in.
    #[serde(default)]
    pub also: Vec<String>,
    /// Line in `thresholds.toml`.
    #[serde(skip)]
    pub line: usize,
}

impl Rule {
    /// Every record id that brings this rule into an answer: the branches' thresholds and
    /// `also`, without repeats.
    pub fn members(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for id in self
            .branches
            .iter()
            .map(|b| b.threshold.as_str())
            .chain(self.also.iter().map(String::as_str))
        {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// The section ids the rule rests on, first-cited first, without repeats.
    pub fn sources(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.branches.iter().flat_map(|b| b.sources.iter()) {
            if !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }

    /// The whole rule as compact Markdown: one line per branch, the conditions in the guidance's
    /// words, then how fast and what to do. Transports show it above the records.
    pub fn render(&self) -> String {
        let mut out = format!("**The whole rule: {}**", self.title);
        for b in &self.branches {
            let conditions = b
                .conditions
                .iter()
                .map(|c| format!("\"{}\"", c.trim_end_matches([';', '.'])))
                .collect::<Vec<_>>()
                .join("; ");
            let when = match b.when {
                When::Any | When::All if b.conditions.len() == 1 => {
                    format!("**If** {conditions}")
                }
                When::Any | When::All => {
                    format!("**{}**: {}", capitalise(b.when.lead()), conditions)
                }
                When::Always | When::Otherwise => format!("**{}**", capitalise(b.when.lead())),
            };
            out.push_str(&format!("\n• {} → **{}**: {}", when, b.timeframe, b.then));
        }
        out
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Checks every rule: ids, sources, verbatim conditions, branch shapes, and that each branch's
/// timeframe is the one its threshold states (so a rule and its records can never disagree).
pub fn validate(k: &Knowledge, errors: &mut KnowledgeErrors) {
    let record_ids: HashSet<&str> = k
        .contacts
        .iter()
        .map(|c| c.id.as_str())
        .chain(k.thresholds.iter().map(|t| t.id.as_str()))
        .chain(k.offences.iter().map(|o| o.id.as_str()))
        .chain(k.notes.iter().map(|n| n.id.as_str()))
        .collect();
    let mut seen = HashSet::new();
    for r in &k.rules {
        let err = |errors: &mut KnowledgeErrors, msg: String| {
            errors.push(KnowledgeError::new(RULES_FILE, r.line, msg));
        };
        if !is_valid_id(&r.id) {
            err(errors, format!("rule id `{}` is not a valid id", r.id));
        }
        if !seen.insert(r.id.as_str()) || record_ids.contains(r.id.as_str()) {
            err(errors, format!("rule id `{}` is used twice", r.id));
        }
        if r.title.trim().is_empty() {
            err(errors, format!("rule `{}` has an empty `title`", r.id));
        }
        if r.branches.len() < 2 {
            err(
                errors,
                format!(
                    "rule `{}` has {} branch(es): a rule groups at least two alternatives",
                    r.id,
                    r.branches.len()
                ),
            );
        }
        for id in &r.also {
            if !record_ids.contains(id.as_str()) {
                err(
                    errors,
                    format!(
                        "rule `{}` lists `{id}` in `also`, which is not a record",
                        r.id
                    ),
                );
            }
        }
        for (i, b) in r.branches.iter().enumerate() {
            validate_branch(k, r, i, b, errors);
        }
    }
}

fn validate_branch(k: &Knowledge, r: &Rule, i: usize, b: &Branch, errors: &mut KnowledgeErrors) {
    let mut err = |msg: String| {
        errors.push(KnowledgeError::new(
            RULES_FILE,
            r.line,
            format!("rule `{}` branch {}: {msg}", r.id, i + 1),
        ));
    };
    if b.when.needs_conditions() && b.conditions.is_empty() {
        err(format!(
            "`when = \"{}\"` needs at least one condition",
            when_name(b.when)
        ));
    }
    if !b.when.needs_conditions() && !b.conditions.is_empty() {
        err(format!(
            "`when = \"{}\"` takes no conditions",
            when_name(b.when)
        ));
    }
    if b.when == When::Otherwise && i == 0 {
        err("`otherwise` cannot be the first branch".into());
    }
    if b.then.trim().is_empty() {
        err("`then` is empty".into());
    }
    if b.sources.is_empty() {
        err("needs at least one source".into());
    }
    let sections: Vec<_> = b.sources.iter().filter_map(|s| k.section(s)).collect();
    for s in &b.sources {
        if k.section(s).is_none() {
            err(format!("cites `{s}`, which is not a section"));
        }
    }
    for c in &b.conditions {
        let needle = normalise_for_quote(c);
        let found = sections
            .iter()
            .any(|s| normalise_for_quote(&s.guidance_text()).contains(&needle));
        if !found && !sections.is_empty() {
            err(format!(
                "condition \"{c}\" is not verbatim in its sources ({})",
                b.sources.join(", ")
            ));
        }
    }
    match k.threshold(&b.threshold) {
        None => err(format!(
            "names threshold `{}`, which does not exist",
            b.threshold
        )),
        Some(t) if t.timeframe != b.timeframe => err(format!(
            "timeframe \"{}\" differs from threshold `{}`'s \"{}\"",
            b.timeframe, t.id, t.timeframe
        )),
        Some(_) => {}
    }
}

fn when_name(w: When) -> &'static str {
    match w {
        When::Any => "any",
        When::All => "all",
        When::Always => "always",
        When::Otherwise => "otherwise",
    }
}
