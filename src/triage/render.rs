//! Turns where a dialogue stands into the transport-neutral [`Reply`] (for Discord and the
//! console) and into the JSON object of a scripted run. Every step carries the emergency line;
//! every summary carries its actions, timeframes, contacts with numbers and hours, the evidence
//! rules and its citations.

use serde_json::{json, Value};

use super::engine::{Path, ScriptError, ScriptRun, Walk};
use super::tree::{Node, Outcome, Question, Tree};
use super::Guidance;
use crate::knowledge::{Citation, Contact, Knowledge};
use crate::reply::{Button, ButtonStyle, Field, Reply, ReplyKind, EMERGENCY_LINE};

/// The command name every triage reply carries.
const COMMAND: &str = "triage";

/// The reply for where `walk` stands: the next question, or the summary of the outcome reached.
pub fn reply(guidance: &impl Guidance, walk: &Walk<'_>) -> Reply {
    let mut r = match walk.position {
        Node::Question(q) => question_reply(guidance, walk, q),
        Node::Outcome(o) => summary_reply(guidance, walk, o),
    };
    if walk.dropped > 0 {
        r.notes.insert(
            0,
            format!(
                "The triage questions have been updated since your last answer: {} later answer(s) no longer fit and were cleared. Please continue from here.",
                walk.dropped
            ),
        );
    }
    r
}

/// The citations for `ids`, without repeats (unknown ids are skipped: validation rejects them).
pub(crate) fn citations(
    k: &Knowledge,
    ids: impl IntoIterator<Item = impl AsRef<str>>,
) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::new();
    for id in ids {
        if let Some(c) = k.citation(id.as_ref()) {
            if !out.iter().any(|o| o.section_id == c.section_id) {
                out.push(c);
            }
        }
    }
    out
}

/// Each answer given as "Question short: Answer label", in order.
pub(crate) fn answers_lines(tree: &Tree, walk: &Walk<'_>) -> Vec<String> {
    walk.answered(tree)
        .iter()
        .map(|(q, c)| format!("{}: {}", q.short, c.label))
        .collect()
}

fn answers_field(tree: &Tree, walk: &Walk<'_>) -> Option<Field> {
    let lines = answers_lines(tree, walk);
    (!lines.is_empty()).then(|| Field::new("Your answers", lines.join("\n")))
}

fn question_reply(guidance: &impl Guidance, walk: &Walk<'_>, q: &Question) -> Reply {
    let tree = guidance.tree();
    let mut r = Reply::new(COMMAND, "", ReplyKind::TriageStep, q.text.clone()).with_emergency();
    r.body = q.help.clone().unwrap_or_default();
    r.fields.extend(answers_field(tree, walk));
    r.citations = citations(guidance.knowledge(), &q.sources);
    r.buttons = q
        .choices
        .iter()
        .map(|c| Button {
            label: c.label.clone(),
            action: c.value.clone(),
            style: c.style,
        })
        .collect();
    if !walk.path.is_empty() {
        r.buttons.extend(nav_buttons());
    }
    r
}

/// Back and Restart.
pub(crate) fn nav_buttons() -> [Button; 2] {
    [
        Button {
            label: "Back".into(),
            action: "back".into(),
            style: ButtonStyle::Secondary,
        },
        Button {
            label: "Restart".into(),
            action: "restart".into(),
            style: ButtonStyle::Secondary,
        },
    ]
}

/// One contact as a line: name, phone or web address, and hours where known.
pub fn contact_line(c: &Contact) -> String {
    let mut s = c.name.clone();
    let mut reach: Vec<&str> = Vec::new();
    if let Some(p) = &c.phone {
        reach.push(p);
    }
    if let Some(w) = &c.web {
        reach.push(w);
    }
    if !reach.is_empty() {
        s.push_str(": ");
        s.push_str(&reach.join(", "));
    }
    if let Some(h) = &c.hours {
        s.push_str(&format!(" ({h})"));
    }
    s
}

/// The prefix by which a currency note in `notes.toml` names a triage outcome in its
/// `applies_to` (`triage:images_immediate_referral`); the tree's validator checks the outcome
/// exists.
pub const NOTE_OUTCOME_PREFIX: &str = "triage:";

/// The notes an outcome shows: its own `notes`, then every currency note that names it
/// (`triage:<id>`) or one of the contacts it shows, rendered, without repeats. Notes are not
/// inherited from the sections an outcome cites: a section such as strategy §17 "Referral and
/// Strategy Discussion" is cited by outcomes its notes do not touch (a note on children's
/// self-taken images has nothing to say about a member of staff's offence).
pub fn outcome_notes(k: &Knowledge, o: &Outcome) -> Vec<String> {
    let mut out: Vec<String> = o.notes.clone();
    let own = format!("{NOTE_OUTCOME_PREFIX}{}", o.id);
    for id in std::iter::once(&own).chain(&o.contacts) {
        for n in k.notes_for(id) {
            let text = n.render();
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}

/// `actions` numbered from `after + 1`.
fn numbered(actions: &[String], after: usize) -> Vec<String> {
    actions
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}. {a}", after + i + 1))
        .collect()
}

/// The guidance's words an outcome shows for `path`: its own quote, then each holding
/// condition's, each with the section it comes from.
pub(crate) fn quotes(k: &Knowledge, o: &Outcome, path: &Path) -> Vec<(String, Option<String>)> {
    let section = |sources: &[String]| {
        sources
            .first()
            .and_then(|s| k.citation(s))
            .map(|c| c.section)
    };
    std::iter::once((o.quote.trim().to_string(), section(&o.sources)))
        .chain(
            o.conditions_on(path)
                .filter_map(|c| Some((c.quote.as_ref()?.trim().to_string(), section(&c.sources)))),
        )
        .collect()
}

/// What the answers on the way say was done first (a choice's `summary_note`, such as "999 has
/// been called"), in path order: every summary, record and scripted run shows it before the
/// outcome's own actions.
pub(crate) fn done_first(tree: &Tree, walk: &Walk<'_>) -> Vec<String> {
    walk.answered(tree)
        .into_iter()
        .filter_map(|(_, c)| c.summary_note.clone())
        .collect()
}

/// The button that goes on from the next question after an outcome that does not end the
/// matter (`go_on`): it changes the answer that led here, through the review's change.
fn go_on_button(walk: &Walk<'_>, o: &Outcome) -> Option<Button> {
    let value = o.go_on.clone()?;
    let position = walk.path.len();
    (position > 0).then(|| Button {
        label: "Go on from the next question".into(),
        action: super::review::ReviewAction::Set { position, value }.as_action(),
        style: ButtonStyle::Primary,
    })
}

fn summary_reply(guidance: &impl Guidance, walk: &Walk<'_>, o: &Outcome) -> Reply {
    let k = guidance.knowledge();
    let tree = guidance.tree();
    let mut r = Reply::new(COMMAND, "", ReplyKind::TriageSummary, o.title.clone()).with_emergency();
    r.body = o.summary.clone();
    let first = done_first(tree, walk);
    if !first.is_empty() {
        r.fields.push(Field::new("Done first", first.join("\n")));
    }
    // The outcome's own actions, then each holding condition's under its title, numbered on:
    // one field each, so each stays within a chat field's length.
    let mut n = o.actions.len();
    r.fields.push(Field::new(
        "What to do, in order",
        numbered(&o.actions, 0).join("\n"),
    ));
    for c in o.conditions_on(&walk.path) {
        r.fields.push(Field::new(
            c.title.clone(),
            numbered(&c.actions, n).join("\n"),
        ));
        n += c.actions.len();
    }
    r.fields
        .push(Field::new("Timeframe", o.timeframes.join("\n")));
    let (act, advice) =
        super::out_of_hours::split_advice(o.contacts.iter().filter_map(|id| k.contact(id)));
    for (name, list) in [
        ("Who to contact", act),
        (super::out_of_hours::ADVICE_HEADING, advice),
    ] {
        if !list.is_empty() {
            let lines: Vec<String> = list.into_iter().map(contact_line).collect();
            r.fields.push(Field::new(name, lines.join("\n")));
        }
    }
    r.fields.push(Field::new(
        "Evidence",
        tree.evidence()
            .iter()
            .map(|e| format!("- {}", e.text))
            .collect::<Vec<_>>()
            .join("\n"),
    ));
    let quotes: Vec<String> = quotes(k, o, &walk.path)
        .into_iter()
        .map(|(q, section)| match section {
            Some(s) => format!("\"{q}\" ({s})"),
            None => format!("\"{q}\""),
        })
        .collect();
    if !quotes.is_empty() {
        r.fields
            .push(Field::new("In the guidance's words", quotes.join("\n")));
    }
    r.fields.extend(answers_field(tree, walk));
    let sources = o.sources_on(&walk.path);
    r.citations = citations(
        k,
        sources
            .iter()
            .chain(tree.evidence().iter().flat_map(|e| &e.sources)),
    );
    r.notes = outcome_notes(k, o);
    r.buttons.extend(go_on_button(walk, o));
    r.buttons.extend(nav_buttons());
    r
}

fn citation_json(c: &Citation) -> Value {
    json!({
        "section_id": c.section_id,
        "section": c.section,
        "document_id": c.document_id,
        "document": c.document,
    })
}

/// The JSON object `triage --json --answers …` prints for a run that reached an outcome.
pub fn script_json(guidance: &impl Guidance, run: &ScriptRun<'_>) -> Value {
    let k = guidance.knowledge();
    let tree = guidance.tree();
    let Some(o) = run.walk.outcome() else {
        return json!({"error": "no_outcome", "message": "the answers did not reach an outcome"});
    };
    let contacts: Vec<Value> = o
        .contacts
        .iter()
        .filter_map(|id| k.contact(id))
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "phone": c.phone,
                "web": c.web,
                "hours": c.hours,
                "when": c.when,
                "advice_line": c.advice_line,
            })
        })
        .collect();
    let path = &run.walk.path;
    let sources = o.sources_on(path);
    let cites = citations(
        k,
        sources
            .iter()
            .chain(tree.evidence().iter().flat_map(|e| &e.sources)),
    );
    let conditions: Vec<Value> = o
        .conditions_on(path)
        .map(|c| {
            json!({
                "question": c.question,
                "answer": c.answer,
                "title": c.title,
                "actions": c.actions,
                "quote": c.quote.as_deref().map(str::trim),
                "sources": c.sources,
            })
        })
        .collect();
    json!({
        "outcome": o.id,
        "title": o.title,
        "summary": o.summary,
        "path": run.walk.path.0.iter().map(|a| json!({"question": a.question, "answer": a.value})).collect::<Vec<_>>(),
        "done_first": done_first(tree, &run.walk),
        "actions": o.actions_on(path),
        "conditions": conditions,
        "timeframe": o.timeframes.first(),
        "timeframes": o.timeframes,
        "contacts": contacts,
        "evidence": tree.evidence().iter().map(|e| json!({"text": e.text, "sources": e.sources})).collect::<Vec<_>>(),
        "quote": o.quote.trim(),
        "citations": cites.iter().map(citation_json).collect::<Vec<_>>(),
        "notes": outcome_notes(k, o),
        "emergency": EMERGENCY_LINE,
        "unused": run.unused.iter().map(|a| json!({"question": a.question, "answer": a.value})).collect::<Vec<_>>(),
        "knowledge": {"version": k.manifest.version, "hash": k.hash},
    })
}

/// The JSON error object of a scripted run that could not reach an outcome.
pub fn script_error_json(e: &ScriptError) -> Value {
    let mut v = json!({
        "error": e.kind(),
        "message": e.to_string(),
    });
    if let Some(q) = e.question() {
        v["question"] = json!(q);
    }
    match e {
        ScriptError::InvalidValue { value, allowed, .. } => {
            v["value"] = json!(value);
            v["allowed"] = json!(allowed);
        }
        ScriptError::Missing { text, allowed, .. } => {
            v["text"] = json!(text);
            v["allowed"] = json!(allowed);
        }
        _ => {}
    }
    v
}
