//! Checks a parsed tree before it may be served: ids, `start`, evidence rules, each question
//! and its answers, each outcome (citations verbatim, contacts real), and the shape (no cycles,
//! nothing unreachable, so every path ends in an outcome). Every error names `triage.toml` and
//! the line of the node concerned.

use std::collections::{HashMap, HashSet};

use super::{
    is_triage_id, Node, NodeRef, Tree, MAX_ID_LEN, MAX_LABEL_LEN, MAX_TITLE_LEN, RESERVED_ACTIONS,
    TRIAGE_FILE,
};
use crate::knowledge::validate::quote_missing as missing_from_section;
use crate::knowledge::{Knowledge, KnowledgeError, KnowledgeErrors};

fn err(errors: &mut KnowledgeErrors, line: usize, msg: String) {
    errors.push(KnowledgeError::new(TRIAGE_FILE, line, msg));
}

fn check_sources(
    k: &Knowledge,
    errors: &mut KnowledgeErrors,
    what: &str,
    sources: &[String],
    line: usize,
) {
    for s in sources {
        if k.section(s).is_none() {
            err(
                errors,
                line,
                format!("{what} cites section `{s}`, which does not exist in the knowledge"),
            );
        }
    }
}

/// Runs every check, adding what is wrong to `errors`.
pub(super) fn validate(tree: &Tree, k: &Knowledge, errors: &mut KnowledgeErrors) {
    validate_ids(tree, errors);
    validate_start(tree, errors);
    validate_evidence(tree, k, errors);
    for q in &tree.questions {
        validate_question(tree, k, q, errors);
    }
    for o in &tree.outcomes {
        validate_outcome(k, o, errors);
        for c in &o.when {
            validate_condition(tree, k, o, c, errors);
        }
        validate_go_on(tree, o, errors);
    }
    validate_shape(tree, errors);
    // Only a tree that is otherwise sound is held to the notes that name its outcomes: a broken
    // tree's errors are its own (a missing outcome there is reported in triage.toml first).
    if errors.is_empty() {
        validate_note_targets(tree, k, errors);
    }
}

/// Every currency note that names a triage outcome (`triage:<id>` in its `applies_to`) names
/// one this tree has: a renamed outcome must not silently lose its notes. Reported against
/// `notes.toml` and the note's line.
fn validate_note_targets(tree: &Tree, k: &Knowledge, errors: &mut KnowledgeErrors) {
    let prefix = crate::triage::render::NOTE_OUTCOME_PREFIX;
    for n in &k.notes {
        for a in &n.applies_to {
            if let Some(id) = a.strip_prefix(prefix) {
                if tree.outcome(id).is_none() {
                    errors.push(KnowledgeError::new(
                        "notes.toml",
                        n.line,
                        format!(
                            "note `{}` applies to `{a}`, but the triage tree has no outcome `{id}`",
                            n.id
                        ),
                    ));
                }
            }
        }
    }
}

/// The first part of `quote` not found verbatim in `section`, shortened for a message.
fn quote_missing(knowledge: &Knowledge, section: &str, quote: &str) -> Option<String> {
    let s = knowledge.section(section)?;
    missing_from_section(s, quote).map(|p| p.chars().take(80).collect())
}

/// Ids: well formed and unique across questions and outcomes (`next` names either).
fn validate_ids(tree: &Tree, errors: &mut KnowledgeErrors) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let nodes = tree
        .questions
        .iter()
        .map(|q| (q.id.as_str(), q.line, "question"))
        .chain(
            tree.outcomes
                .iter()
                .map(|o| (o.id.as_str(), o.line, "outcome")),
        );
    for (id, line, kind) in nodes {
        if !is_triage_id(id) {
            err(errors, line, format!("{kind} id `{id}` must be a-z, 0-9 and `_`, start with a letter, and be at most {MAX_ID_LEN} characters"));
        }
        if let Some(first) = seen.insert(id, line) {
            err(
                errors,
                line,
                format!("duplicate id `{id}` (first at triage.toml:{first})"),
            );
        }
    }
}

/// `start` names a question.
fn validate_start(tree: &Tree, errors: &mut KnowledgeErrors) {
    let start_line = tree.start_line;
    match tree.index.get(&tree.start) {
        Some(NodeRef::Question(_)) => {}
        Some(NodeRef::Outcome(_)) => err(
            errors,
            start_line,
            format!(
                "`start` names outcome `{}`: it must name the first question",
                tree.start
            ),
        ),
        None => err(
            errors,
            start_line,
            format!(
                "`start` names `{}`, which is not a question in this file",
                tree.start
            ),
        ),
    }
}

/// At least one evidence rule, each with text and real sources.
fn validate_evidence(tree: &Tree, k: &Knowledge, errors: &mut KnowledgeErrors) {
    if tree.evidence.is_empty() {
        err(
            errors,
            0,
            "has no [[evidence]] rules: every outcome must carry the evidence rules (strategy §13 \"Secure evidence\")".into(),
        );
    }
    for e in &tree.evidence {
        if e.text.trim().is_empty() || e.sources.is_empty() {
            err(
                errors,
                e.line,
                "an [[evidence]] rule needs `text` and at least one source".into(),
            );
        }
        check_sources(k, errors, "an [[evidence]] rule", &e.sources, e.line);
    }
}

/// One question: text, sources, 2 to 20 answers with unique, unreserved values, short labels
/// and a `next` that exists.
fn validate_question(
    tree: &Tree,
    k: &Knowledge,
    q: &super::Question,
    errors: &mut KnowledgeErrors,
) {
    let what = format!("question `{}`", q.id);
    if q.text.trim().is_empty() || q.short.trim().is_empty() {
        err(errors, q.line, format!("{what} needs `text` and `short`"));
    }
    if q.text.chars().count() > MAX_TITLE_LEN {
        err(
            errors,
            q.line,
            format!("{what}: `text` is longer than {MAX_TITLE_LEN} characters"),
        );
    }
    check_sources(k, errors, &what, &q.sources, q.line);
    if q.choices.len() < 2 {
        err(
            errors,
            q.line,
            format!("{what} needs at least two [[question.choice]] answers"),
        );
    }
    if q.choices.len() > 20 {
        err(
            errors,
            q.line,
            format!("{what} has more than 20 answers: they would not fit as buttons"),
        );
    }
    let mut values: HashMap<&str, usize> = HashMap::new();
    for c in &q.choices {
        if !is_triage_id(&c.value) {
            err(errors, c.line, format!("{what}: answer value `{}` must be a-z, 0-9 and `_`, start with a letter, and be at most {MAX_ID_LEN} characters", c.value));
        }
        if RESERVED_ACTIONS.contains(&c.value.as_str()) {
            err(
                errors,
                c.line,
                format!(
                    "{what}: answer value `{}` is reserved for the Back/Restart buttons",
                    c.value
                ),
            );
        }
        if let Some(first) = values.insert(&c.value, c.line) {
            err(
                errors,
                c.line,
                format!(
                    "{what}: answer value `{}` is used twice (first at triage.toml:{first})",
                    c.value
                ),
            );
        }
        let label_len = c.label.chars().count();
        if c.label.trim().is_empty() || label_len > MAX_LABEL_LEN {
            err(
                errors,
                c.line,
                format!(
                    "{what}: answer `{}` needs a `label` of 1 to {MAX_LABEL_LEN} characters",
                    c.value
                ),
            );
        }
        if c.summary_note
            .as_deref()
            .is_some_and(|n| n.trim().is_empty())
        {
            err(
                errors,
                c.line,
                format!("{what}: answer `{}` has an empty `summary_note`", c.value),
            );
        }
        if !tree.index.contains_key(&c.next) {
            err(
                errors,
                c.line,
                format!(
                    "{what}: answer `{}` leads to `{}`, which is neither a question nor an outcome",
                    c.value, c.next
                ),
            );
        }
    }
}

/// One outcome: title, summary, actions, timeframes, real sources, a verbatim quote, real and
/// distinct contacts.
fn validate_outcome(k: &Knowledge, o: &super::Outcome, errors: &mut KnowledgeErrors) {
    let what = format!("outcome `{}`", o.id);
    if o.title.trim().is_empty() || o.summary.trim().is_empty() {
        err(
            errors,
            o.line,
            format!("{what} needs a `title` and a `summary`"),
        );
    }
    if o.title.chars().count() > MAX_TITLE_LEN {
        err(
            errors,
            o.line,
            format!("{what}: `title` is longer than {MAX_TITLE_LEN} characters"),
        );
    }
    if o.actions.is_empty() || o.actions.iter().any(|a| a.trim().is_empty()) {
        err(
            errors,
            o.line,
            format!("{what} needs `actions`: what to do, in order, none empty"),
        );
    }
    if o.timeframes.is_empty() || o.timeframes.iter().any(|t| t.trim().is_empty()) {
        err(
            errors,
            o.line,
            format!(
                "{what} needs `timeframes`, as the guidance words them (say so where it sets none)"
            ),
        );
    }
    // Each timeframe must be one the deadline parser reads: a decision record never leaves a
    // deadline out because its wording was not understood.
    for (i, t) in o.timeframes.iter().enumerate() {
        if t.trim().is_empty() {
            continue;
        }
        if let Err(e) = crate::triage::timeframe::parse(t) {
            let line = o.timeframe_lines.get(i).copied().unwrap_or(o.line);
            err(errors, line, format!("{what}: {e}"));
        }
    }
    if o.sources.is_empty() {
        err(
            errors,
            o.line,
            format!("{what} has no `sources`: every outcome must cite the guidance it rests on"),
        );
    }
    check_sources(k, errors, &what, &o.sources, o.line);
    if o.quote.trim().is_empty() {
        err(errors, o.line, format!("{what} has an empty `quote`"));
    } else if let Some(first) = o.sources.first() {
        if let Some(missing) = quote_missing(k, first, &o.quote) {
            err(
                errors,
                o.line,
                format!(
                    "{what}: `quote` is not verbatim from its first source `{first}`: `{missing}`"
                ),
            );
        }
    }
    let mut contacts = HashSet::new();
    for c in &o.contacts {
        if k.contact(c).is_none() {
            err(
                errors,
                o.line,
                format!("{what} names contact `{c}`, which does not exist in contacts.toml"),
            );
        }
        if !contacts.insert(c) {
            err(errors, o.line, format!("{what} names contact `{c}` twice"));
        }
    }
}

/// One `[[outcome.when]]`: it names a question of the tree and one of its answers, that answer
/// can lead to this outcome (else the condition could never hold), and it has a title, actions,
/// real sources and, when given, a quote verbatim from its first source.
fn validate_condition(
    tree: &Tree,
    k: &Knowledge,
    o: &super::Outcome,
    c: &super::Condition,
    errors: &mut KnowledgeErrors,
) {
    let what = format!(
        "outcome `{}`: [[outcome.when]] {}={}",
        o.id, c.question, c.answer
    );
    match tree.question(&c.question) {
        None => err(
            errors,
            c.line,
            format!(
                "{what} names question `{}`, which is not a question in this file",
                c.question
            ),
        ),
        Some(q) => match q.choice(&c.answer) {
            None => err(
                errors,
                c.line,
                format!(
                    "{what}: `{}` is not an answer to `{}` (answers: {})",
                    c.answer,
                    q.id,
                    q.values().join(", ")
                ),
            ),
            Some(choice) if !leads_to(tree, &choice.next, &o.id) => err(
                errors,
                c.line,
                format!(
                    "{what}: that answer can never lead to `{}`, so this would never be shown",
                    o.id
                ),
            ),
            Some(_) => {}
        },
    }
    if c.title.chars().count() > MAX_TITLE_LEN {
        err(
            errors,
            c.line,
            format!("{what}: `title` is longer than {MAX_TITLE_LEN} characters"),
        );
    }
    if c.title.trim().is_empty()
        || c.actions.is_empty()
        || c.actions.iter().any(|a| a.trim().is_empty())
    {
        err(
            errors,
            c.line,
            format!("{what} needs a `title` and `actions`, none empty"),
        );
    }
    if c.sources.is_empty() {
        err(
            errors,
            c.line,
            format!("{what} has no `sources`: cite the guidance it rests on"),
        );
    }
    check_sources(k, errors, &what, &c.sources, c.line);
    if let (Some(quote), Some(first)) = (&c.quote, c.sources.first()) {
        if let Some(missing) = quote_missing(k, first, quote) {
            err(
                errors,
                c.line,
                format!(
                    "{what}: `quote` is not verbatim from its first source `{first}`: `{missing}`"
                ),
            );
        }
    }
}

/// An outcome's `go_on` is an answer, to each question that leads straight to the outcome, that
/// goes on elsewhere and can never come back to it: the summary's "go on" button must lead to
/// the next question, not round again.
fn validate_go_on(tree: &Tree, o: &super::Outcome, errors: &mut KnowledgeErrors) {
    let Some(value) = &o.go_on else { return };
    let what = format!("outcome `{}`: `go_on = \"{value}\"`", o.id);
    let into: Vec<&super::Question> = tree
        .questions
        .iter()
        .filter(|q| q.choices.iter().any(|c| c.next == o.id))
        .collect();
    if into.is_empty() {
        err(
            errors,
            o.line,
            format!("{what} needs a question whose answer leads straight to this outcome"),
        );
    }
    for q in into {
        match q.choice(value) {
            None => err(
                errors,
                o.line,
                format!(
                    "{what} is not an answer to `{}`, the question that leads here",
                    q.id
                ),
            ),
            Some(c) if leads_to(tree, &c.next, &o.id) => err(
                errors,
                c.line,
                format!("{what} leads back to this outcome: it must go on to the next question"),
            ),
            Some(_) => {}
        }
    }
}

/// True when `target` is `from` or can be reached from it by answering questions.
fn leads_to(tree: &Tree, from: &str, target: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut todo = vec![from];
    while let Some(id) = todo.pop() {
        if id == target {
            return true;
        }
        if !seen.insert(id) {
            continue;
        }
        if let Some(Node::Question(q)) = tree.node(id) {
            todo.extend(q.choices.iter().map(|c| c.next.as_str()));
        }
    }
    false
}

/// Shape: from `start`, no cycles, and every node reachable.
fn validate_shape(tree: &Tree, errors: &mut KnowledgeErrors) {
    // Shape: from `start`, no cycles, and every node reachable. With every `next` resolving
    // (checked above) and every question offering answers, "no cycle" means every path ends in an
    // outcome. A dangling `next` is simply not followed.
    let Some(NodeRef::Question(_)) = tree.index.get(&tree.start) else {
        return;
    };
    let mut state: HashMap<&str, Visit> = HashMap::new();
    let mut reported: HashSet<&str> = HashSet::new();
    dfs(tree, &tree.start, &mut state, &mut reported, errors);
    for q in &tree.questions {
        if !state.contains_key(q.id.as_str()) {
            err(
                errors,
                q.line,
                format!("question `{}` can never be reached from `start`", q.id),
            );
        }
    }
    for o in &tree.outcomes {
        if !state.contains_key(o.id.as_str()) {
            err(
                errors,
                o.line,
                format!("outcome `{}` can never be reached from `start`", o.id),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    InProgress,
    Done,
}

/// Depth-first walk marking reachable nodes; an edge back to a node still in progress closes a
/// cycle, reported at the line of the answer that closes it.
fn dfs<'t>(
    tree: &'t Tree,
    id: &'t str,
    state: &mut HashMap<&'t str, Visit>,
    reported: &mut HashSet<&'t str>,
    errors: &mut KnowledgeErrors,
) {
    state.insert(id, Visit::InProgress);
    if let Some(Node::Question(q)) = tree.node(id) {
        for c in &q.choices {
            match state.get(c.next.as_str()) {
                Some(Visit::InProgress) => {
                    if reported.insert(c.next.as_str()) {
                        errors.push(KnowledgeError::new(
                            TRIAGE_FILE,
                            c.line,
                            format!(
                                "question `{}`: answer `{}` leads back to `{}`, making a loop: every path must end in an outcome",
                                q.id, c.value, c.next
                            ),
                        ));
                    }
                }
                Some(Visit::Done) => {}
                None => {
                    if tree.index.contains_key(&c.next) {
                        dfs(tree, &c.next, state, reported, errors);
                    }
                }
            }
        }
    }
    state.insert(id, Visit::Done);
}
