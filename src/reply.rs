//! The transport-neutral answer every command produces. The console renders it as text, the
//! Discord adapter as embeds and buttons; neither knows how it was made, and the commands know
//! nothing of either.

use serde::Serialize;

use crate::knowledge::{Citation, RecordKind, Rule};

/// The emergency route, shown wherever risk is involved. Numbers from strategy §13/§14.
pub const EMERGENCY_LINE: &str = "Child in immediate danger: call 999. Risk of significant harm: Single Point of Access (SPA) 020 8547 5008; out of hours 020 8770 5000.";

/// What sort of answer this is, so a transport can style it (e.g. colour an embed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKind {
    /// Results were found.
    Answer,
    /// Nothing matched; the reply says so and shows the emergency route.
    NoMatch,
    /// Information such as `/help`.
    Info,
    /// One step of a triage dialogue.
    TriageStep,
    /// "Check your answers": a finished triage's answers, each changeable, before the summary.
    TriageReview,
    /// The end of a triage dialogue.
    TriageSummary,
    /// The request could not be served; the body says why and what to do.
    Error,
}

/// One result: a record or section, with its citation.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Record or section id.
    pub id: String,
    /// What kind of record.
    pub kind: RecordKind,
    /// Display title.
    pub title: String,
    /// Full text of the record (for a section, its verbatim body).
    pub body: String,
    /// A short extract around the matched words, with matches wrapped in `**`.
    pub snippet: String,
    /// Labelled facts, e.g. ("Phone", "020 8547 5008").
    pub fields: Vec<Field>,
    /// Where this comes from.
    pub citation: Citation,
    /// Currency notes that apply, already rendered.
    pub notes: Vec<String>,
    /// Relevance score (higher is better); only comparable within one reply.
    pub score: f32,
}

impl Hit {
    /// The extract to show under the title, if any. Records with fields (a contact's number, a
    /// threshold's timeframe) say what matters in their fields, so the extract would repeat
    /// them; sections have no fields, and an offence's extract shows what the law covers.
    pub fn shown_snippet(&self) -> Option<&str> {
        let show = self.fields.is_empty() || self.kind == RecordKind::Offence;
        (show && !self.snippet.is_empty()).then_some(self.snippet.as_str())
    }
}

/// A labelled fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Label.
    pub name: String,
    /// Value.
    pub value: String,
}

impl Field {
    /// Builds a field.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// How a button should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    /// A normal choice.
    Primary,
    /// A secondary action (Back, Restart).
    Secondary,
    /// A choice that escalates (e.g. "Yes" to immediate danger).
    Danger,
}

/// A transport-neutral button: a label and an opaque action string the adapter routes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Button {
    /// What the user sees.
    pub label: String,
    /// Opaque action, e.g. a triage answer value, `back` or `restart`.
    pub action: String,
    /// Style.
    pub style: ButtonStyle,
}

/// A whole answer.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    /// The command that produced it, without the slash (`whocall`).
    pub command: String,
    /// The query as the command used it (after cleaning).
    pub query: String,
    /// What kind of answer.
    pub kind: ReplyKind,
    /// Headline.
    pub title: String,
    /// Text above the results.
    pub body: String,
    /// Whole rules the results touch, shown before them (also rendered at the top of `body`).
    pub rules: Vec<Rule>,
    /// Results, best first.
    pub results: Vec<Hit>,
    /// Extra labelled facts about the whole reply (e.g. a triage summary's timeframe).
    pub fields: Vec<Field>,
    /// Notes: currency notes, fallback explanations, warnings.
    pub notes: Vec<String>,
    /// Citations for the reply as a whole (each hit also has its own).
    pub citations: Vec<Citation>,
    /// The emergency route, when risk is involved.
    pub emergency: Option<String>,
    /// Follow-up commands the user might run next.
    pub suggestions: Vec<String>,
    /// Buttons (triage answers, Back, Restart).
    pub buttons: Vec<Button>,
    /// How the query was understood (search concepts), for diagnosing rankings; never shown to
    /// chat users.
    pub analysis: Vec<String>,
    /// The situation read from the query, when one was (the free-text commands lead with what
    /// the triage tree decides for it).
    pub situation: Option<SituationView>,
}

impl Reply {
    /// An empty reply of the given kind, to be filled in by a command.
    pub fn new(command: &str, query: &str, kind: ReplyKind, title: impl Into<String>) -> Self {
        Self {
            command: command.to_string(),
            query: query.to_string(),
            kind,
            title: title.into(),
            body: String::new(),
            rules: Vec::new(),
            results: Vec::new(),
            fields: Vec::new(),
            notes: Vec::new(),
            citations: Vec::new(),
            emergency: None,
            suggestions: Vec::new(),
            buttons: Vec::new(),
            analysis: Vec::new(),
            situation: None,
        }
    }

    /// An error reply with a clear message; errors about risk still show the emergency route.
    pub fn error(command: &str, query: &str, message: impl Into<String>) -> Self {
        let mut r = Reply::new(command, query, ReplyKind::Error, "Sorry, that did not work");
        r.body = message.into();
        r.emergency = Some(EMERGENCY_LINE.to_string());
        r
    }

    /// Adds the emergency route.
    pub fn with_emergency(mut self) -> Self {
        self.emergency = Some(EMERGENCY_LINE.to_string());
        self
    }

    /// Every citation in the reply: its own and its results', without duplicates.
    pub fn all_citations(&self) -> Vec<&Citation> {
        let mut out: Vec<&Citation> = Vec::new();
        for c in self
            .citations
            .iter()
            .chain(self.results.iter().map(|h| &h.citation))
        {
            if !out.iter().any(|o| o.section_id == c.section_id) {
                out.push(c);
            }
        }
        out
    }
}

/// What a reply says about the situation it read, for transports and `ask --json`. Ids and the
/// reply's own wording only; nothing here is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SituationView {
    /// The outcome, when the words decide the whole path.
    pub outcome: Option<String>,
    /// The most urgent outcome still reachable (the one the lead states).
    pub leads_with: String,
    /// Each outcome still reachable, most urgent first.
    pub reachable: Vec<String>,
    /// The questions left open on the way to the next outcome, in tree order.
    pub open: Vec<String>,
    /// What was read, as shown ("an adult is involved ('30 year old')").
    pub read: Vec<String>,
    /// The answers `/triage` can be pre-filled with (`question=value,…`, ids only): those the
    /// words give, up to the first question they leave open.
    pub answers: String,
    /// The whole path to the outcome the lead states, open questions answered the way that
    /// reaches it (`question=value,…`): what `triage --answers` walks to the same outcome.
    pub lead_path: String,
    /// The same answers as the position of each chosen answer among its question's choices,
    /// from the first question (`1.1.0`): short enough for a chat button's id, and text-free.
    pub choices: String,
    /// True when a family member was read as the person of concern.
    pub family: bool,
}

impl SituationView {
    /// The console command that opens `/triage` with these answers filled in.
    pub fn triage_command(&self) -> String {
        if self.answers.is_empty() {
            "/triage".to_string()
        } else {
            format!("/triage {}", self.answers)
        }
    }
}
