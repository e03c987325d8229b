//! The shapes of `triage.toml` as written (what the TOML says) and their turning into a
//! [`Tree`]. Unknown fields are errors: a typo must never silently drop a question's help text
//! or an outcome's contact.

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Choice, Condition, EvidenceRule, NodeRef, Outcome, Question, Tree};
use crate::knowledge::error::line_of;
use crate::reply::ButtonStyle;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TreeFile {
    pub(super) start: Spanned<String>,
    #[serde(default)]
    evidence: Vec<Spanned<EvidenceFile>>,
    #[serde(default)]
    question: Vec<Spanned<QuestionFile>>,
    #[serde(default)]
    outcome: Vec<Spanned<OutcomeFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceFile {
    text: String,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    id: String,
    short: String,
    text: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    choice: Vec<Spanned<ChoiceFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceFile {
    value: String,
    label: String,
    next: String,
    #[serde(default)]
    style: StyleName,
    #[serde(default)]
    summary_note: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum StyleName {
    #[default]
    Primary,
    Secondary,
    Danger,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeFile {
    id: String,
    title: String,
    summary: String,
    timeframes: Vec<Spanned<String>>,
    actions: Vec<String>,
    #[serde(default)]
    contacts: Vec<String>,
    sources: Vec<String>,
    quote: String,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    when: Vec<Spanned<ConditionFile>>,
    #[serde(default)]
    go_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionFile {
    question: String,
    answer: String,
    title: String,
    actions: Vec<String>,
    sources: Vec<String>,
    #[serde(default)]
    quote: Option<String>,
}

fn style(s: StyleName) -> ButtonStyle {
    match s {
        StyleName::Primary => ButtonStyle::Primary,
        StyleName::Secondary => ButtonStyle::Secondary,
        StyleName::Danger => ButtonStyle::Danger,
    }
}

/// Turns the file into a tree, recording each node's line. Duplicate ids keep the first.
pub(super) fn build(text: &str, file: TreeFile) -> Tree {
    let line = |start: usize| line_of(text, start);
    let questions: Vec<Question> = file
        .question
        .into_iter()
        .map(|sq| {
            let l = line(sq.span().start);
            let q = sq.into_inner();
            Question {
                id: q.id,
                short: q.short,
                text: q.text,
                help: q.help,
                sources: q.sources,
                choices: q
                    .choice
                    .into_iter()
                    .map(|sc| {
                        let l = line(sc.span().start);
                        let c = sc.into_inner();
                        Choice {
                            value: c.value,
                            label: c.label,
                            next: c.next,
                            style: style(c.style),
                            summary_note: c.summary_note,
                            line: l,
                        }
                    })
                    .collect(),
                line: l,
            }
        })
        .collect();
    let outcomes: Vec<Outcome> = file
        .outcome
        .into_iter()
        .map(|so| {
            let l = line(so.span().start);
            let o = so.into_inner();
            Outcome {
                id: o.id,
                title: o.title,
                summary: o.summary,
                timeframe_lines: o.timeframes.iter().map(|t| line(t.span().start)).collect(),
                timeframes: o.timeframes.into_iter().map(Spanned::into_inner).collect(),
                actions: o.actions,
                contacts: o.contacts,
                sources: o.sources,
                quote: o.quote,
                notes: o.notes,
                when: o
                    .when
                    .into_iter()
                    .map(|sc| {
                        let l = line(sc.span().start);
                        let c = sc.into_inner();
                        Condition {
                            question: c.question,
                            answer: c.answer,
                            title: c.title,
                            actions: c.actions,
                            sources: c.sources,
                            quote: c.quote,
                            line: l,
                        }
                    })
                    .collect(),
                go_on: o.go_on,
                line: l,
            }
        })
        .collect();
    let mut index = HashMap::new();
    for (i, q) in questions.iter().enumerate() {
        index.entry(q.id.clone()).or_insert(NodeRef::Question(i));
    }
    for (i, o) in outcomes.iter().enumerate() {
        index.entry(o.id.clone()).or_insert(NodeRef::Outcome(i));
    }
    Tree {
        start_line: line(file.start.span().start),
        start: file.start.into_inner(),
        questions,
        outcomes,
        evidence: file
            .evidence
            .into_iter()
            .map(|se| {
                let l = line(se.span().start);
                let e = se.into_inner();
                EvidenceRule {
                    text: e.text,
                    sources: e.sources,
                    line: l,
                }
            })
            .collect(),
        index,
    }
}
