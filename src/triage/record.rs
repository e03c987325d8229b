//! The decision record: what a finished triage decided, at what moment, and by when each step
//! is due, for the practitioner to file in their own case-recording system. Built from ids and
//! the knowledge only — the answers given (question ids and values), the decision time and the
//! knowledge copy — so it can hold nothing about the child, nobody's name and no free text; its
//! "Notes" section is left blank for the practitioner to complete in their own system.
//!
//! One [`DecisionRecord`] renders as JSON ([`DecisionRecord::to_json`], `triage --record json`)
//! or Markdown ([`DecisionRecord::to_markdown`], `triage --record md`, and the file a chat
//! adapter attaches, named by [`DecisionRecord::filename`]).

use jiff::{Timestamp, Zoned};
use serde_json::{json, Value};

use super::deadline::{self, Deadline, DeadlineError};
use super::engine::Walk;
use super::out_of_hours::{self, Routes};
use super::render::{citations, outcome_notes, quotes};
use super::Guidance;
use crate::knowledge::{Citation, Contact};
use crate::reply::EMERGENCY_LINE;

pub mod markdown;

/// One question and the answer given, as the record shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordAnswer {
    /// Question id (stable).
    pub question_id: String,
    /// The question as asked.
    pub question: String,
    /// The answer value (stable).
    pub value: String,
    /// The answer as its button read.
    pub answer: String,
}

/// Which bank-holiday table the working-day deadlines used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayTable {
    /// When it was last checked against the published list (YYYY-MM-DD).
    pub last_checked: String,
    /// First and last years whose one-off changes were checked.
    pub checked: (i16, i16),
    /// The published list it was checked against.
    pub source: String,
}

/// Everything the record says. Built by [`build`]; rendered by [`DecisionRecord::to_json`] and
/// [`DecisionRecord::to_markdown`].
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    /// Outcome id.
    pub outcome: String,
    /// Outcome headline.
    pub title: String,
    /// Outcome summary.
    pub summary: String,
    /// The decision time, in London.
    pub decided_at: Zoned,
    /// Each timeframe as a deadline from the decision time.
    pub deadlines: Vec<Deadline>,
    /// The questions and answers given, in order.
    pub answers: Vec<RecordAnswer>,
    /// What the answers say was done first ("999 has been called"), before the actions.
    pub done_first: Vec<String>,
    /// What to do, in order: the outcome's actions, then each holding condition's.
    pub actions: Vec<String>,
    /// Each of the outcome's conditions that held on this path (`[[outcome.when]]`): its title
    /// and the index in `actions` of its first action.
    pub conditions: Vec<(String, usize)>,
    /// Who to contact, with numbers and hours: the outcome's contacts and, when a deadline
    /// falls out of hours, the out-of-hours line too. Advice lines (`advice_line`) are shown
    /// apart, as advice only.
    pub contacts: Vec<Contact>,
    /// The routes a deadline out of hours is met through (see [`out_of_hours`]).
    pub routes: Routes,
    /// The evidence rules.
    pub evidence: Vec<String>,
    /// The guidance's words the outcome rests on, and the section they come from.
    pub quote: (String, Option<String>),
    /// The guidance's words each holding condition rests on, and their sections.
    pub condition_quotes: Vec<(String, Option<String>)>,
    /// Sections cited (the outcome's, then the evidence rules').
    pub citations: Vec<Citation>,
    /// Currency notes that apply.
    pub notes: Vec<String>,
    /// Knowledge version and hash.
    pub knowledge: (String, String),
    /// The bank-holiday table used.
    pub holidays: HolidayTable,
}

/// Why a record could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The answers have not reached an outcome yet.
    #[error("the triage has not reached a decision yet: answer the remaining questions first")]
    NotFinished,
    /// A deadline could not be computed (see [`DeadlineError`]).
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

/// The record of the decision `walk` has reached, made at `decided` (seconds are kept, finer
/// parts dropped).
pub fn build(
    guidance: &impl Guidance,
    walk: &Walk<'_>,
    decided: Timestamp,
) -> Result<DecisionRecord, RecordError> {
    let o = walk.outcome().ok_or(RecordError::NotFinished)?;
    let k = guidance.knowledge();
    let tree = guidance.tree();
    let decided = Timestamp::from_second(decided.as_second()).unwrap_or(decided);
    let deadlines = deadline::deadlines(o, &k.bank_holidays, decided)?;
    let answers = walk
        .answered(tree)
        .into_iter()
        .map(|(q, c)| RecordAnswer {
            question_id: q.id.clone(),
            question: q.text.clone(),
            value: c.value.clone(),
            answer: c.label.clone(),
        })
        .collect();
    let h = &k.bank_holidays;
    let sources = o.sources_on(&walk.path);
    // The outcome's own quote always comes first, so `remove(0)` never fails.
    let mut quotes = quotes(k, o, &walk.path);
    let routes = Routes::of(k);
    let mut contacts: Vec<Contact> = o
        .contacts
        .iter()
        .filter_map(|id| k.contact(id))
        .cloned()
        .collect();
    if deadlines.iter().any(|d| d.out_of_hours.is_some()) {
        let line = routes
            .out_of_hours_id
            .as_deref()
            .and_then(|id| k.contact(id));
        if let Some(line) = line.filter(|l| !contacts.iter().any(|c| c.id == l.id)) {
            contacts.push(line.clone());
        }
    }
    Ok(DecisionRecord {
        outcome: o.id.clone(),
        title: o.title.clone(),
        summary: o.summary.clone(),
        decided_at: decided.to_zoned(deadline::london()?),
        deadlines,
        answers,
        done_first: super::render::done_first(tree, walk),
        actions: o.actions_on(&walk.path),
        conditions: o
            .conditions_on(&walk.path)
            .scan(o.actions.len(), |first, c| {
                let at = *first;
                *first += c.actions.len();
                Some((c.title.clone(), at))
            })
            .collect(),
        contacts,
        routes,
        evidence: tree.evidence().iter().map(|e| e.text.clone()).collect(),
        quote: quotes.remove(0),
        condition_quotes: quotes,
        citations: citations(
            k,
            sources
                .iter()
                .chain(tree.evidence().iter().flat_map(|e| &e.sources)),
        ),
        notes: outcome_notes(k, o),
        knowledge: (k.manifest.version.clone(), k.hash.clone()),
        holidays: HolidayTable {
            last_checked: h.last_checked.to_string(),
            checked: (h.checked_from, h.checked_through),
            source: h.source.clone(),
        },
    })
}

/// The file name a record made at `decided` is saved under: `triage-record-YYYY-MM-DD.md`,
/// with the London date.
pub fn filename(decided: &Zoned) -> String {
    format!("triage-record-{}.md", decided.strftime("%Y-%m-%d"))
}

fn contact_json(c: &Contact) -> Value {
    json!({"id": c.id, "name": c.name, "phone": c.phone, "web": c.web, "hours": c.hours, "when": c.when, "advice_line": c.advice_line})
}

/// One deadline as JSON: `what`, `rule` (the timeframe rule as the outcome states it), `due` (RFC 3339 with the London
/// offset, or null where the guidance sets no clock time), how it was read, and `out_of_hours`
/// (null, or `office_until` — the end of the office hours left before it, or null — `now`,
/// `how_to_meet` and `reading`, what "office hours" means here) for a same-day or 24-hour
/// deadline that falls out of hours.
pub fn deadline_json(d: &Deadline, routes: &Routes) -> Value {
    let ooh = d.out_of_hours.as_ref().map(|o| {
        json!({
            "office_until": o.office_until.as_ref().map(deadline::rfc3339),
            "now": d.now_out_of_hours(),
            "how_to_meet": out_of_hours::how_to_meet(o, routes),
            "reading": out_of_hours::READING,
        })
    });
    json!({
        "what": d.what,
        "rule": d.rule,
        "timeframe": d.text,
        "kind": d.kind.kind(),
        "due": d.due.as_ref().map(deadline::rfc3339),
        "due_text": deadline::due_text(d),
        "condition": d.condition,
        "caution": d.caution,
        "out_of_hours": ooh,
    })
}

impl DecisionRecord {
    /// [`filename`] for this record's decision time.
    pub fn filename(&self) -> String {
        filename(&self.decided_at)
    }

    /// The record as one JSON object (`triage --record json`).
    pub fn to_json(&self) -> Value {
        json!({
            "record": "triage-decision",
            "outcome": self.outcome,
            "title": self.title,
            "summary": self.summary,
            "decided_at": deadline::rfc3339(&self.decided_at),
            "decided_at_utc": self.decided_at.timestamp().to_string(),
            "time_zone": deadline::ZONE,
            "deadlines": self.deadlines.iter().map(|d| deadline_json(d, &self.routes)).collect::<Vec<_>>(),
            "answers": self.answers.iter().map(|a| json!({
                "question_id": a.question_id,
                "question": a.question,
                "value": a.value,
                "answer": a.answer,
            })).collect::<Vec<_>>(),
            "done_first": self.done_first,
            "actions": self.actions,
            "conditions": self.conditions.iter().map(|(title, first)| json!({"title": title, "first_action": first})).collect::<Vec<_>>(),
            "contacts": self.contacts.iter().map(contact_json).collect::<Vec<_>>(),
            "evidence": self.evidence,
            "quote": {"text": self.quote.0, "section": self.quote.1},
            "condition_quotes": self.condition_quotes.iter().map(|(t, s)| json!({"text": t, "section": s})).collect::<Vec<_>>(),
            "citations": self.citations.iter().map(|c| json!({
                "section_id": c.section_id,
                "section": c.section,
                "document_id": c.document_id,
                "document": c.document,
            })).collect::<Vec<_>>(),
            "notes": self.notes,
            "emergency": EMERGENCY_LINE,
            "knowledge": {
                "version": self.knowledge.0,
                "hash": self.knowledge.1,
                "bank_holidays": {
                    "last_checked": self.holidays.last_checked,
                    "checked_from": self.holidays.checked.0,
                    "checked_through": self.holidays.checked.1,
                    "source": self.holidays.source,
                },
            },
        })
    }

    /// The record as Markdown, with a blank "Notes" section at the end.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }
}

/// The name of the summary field that lists the deadlines.
pub const DEADLINES_FIELD: &str = "Deadlines, London time";

/// Adds the deadlines of outcome `o`, counted from `now`, to its summary `reply`, just after
/// the "Timeframe" field (the console's and the scripted run's text summary).
pub fn add_deadlines(
    reply: &mut crate::reply::Reply,
    guidance: &impl Guidance,
    o: &super::Outcome,
    now: Timestamp,
) -> Result<(), RecordError> {
    let k = guidance.knowledge();
    let ds = deadline::deadlines(o, &k.bank_holidays, now)?;
    let field = crate::reply::Field::new(DEADLINES_FIELD, deadline::lines(&ds, &Routes::of(k)));
    let at = reply
        .fields
        .iter()
        .position(|f| f.name == "Timeframe")
        .map_or(reply.fields.len(), |i| i + 1);
    reply.fields.insert(at, field);
    Ok(())
}

/// Reads a decision time given as RFC 3339 (`2026-11-23T14:05:00Z`, `2026-07-01T09:00:00+01:00`).
pub fn parse_time(s: &str) -> Result<Timestamp, String> {
    s.trim().parse::<Timestamp>().map_err(|_| {
        format!(
            "`{}` is not a time in RFC 3339 form with an offset, e.g. 2026-11-23T14:05:00Z or 2026-07-01T09:00:00+01:00",
            super::engine::clip(s)
        )
    })
}

/// The current time from `clock` as a [`Timestamp`].
pub fn now(clock: &dyn crate::clock::Clock) -> Timestamp {
    Timestamp::try_from(clock.now()).unwrap_or(Timestamp::UNIX_EPOCH)
}
