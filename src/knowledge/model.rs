//! The shapes of the knowledge: what a section, contact, threshold, offence and currency note
//! hold. These are plain data, free of any transport or search type, so that every adapter
//! (console, Discord) and the search index read the same records.

use serde::{Deserialize, Serialize};

mod offence;
pub use offence::{Offence, OffenceStatus};

/// What kind of record a search hit or citation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// A verbatim section of a source document.
    Section,
    /// Someone to call or a place to report to.
    Contact,
    /// What triggers which response, and how fast.
    Threshold,
    /// A law the guidance names.
    Offence,
    /// A dated note where the guidance has since changed.
    Note,
}

impl RecordKind {
    /// The lower-case name used in JSON and in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Section => "section",
            RecordKind::Contact => "contact",
            RecordKind::Threshold => "threshold",
            RecordKind::Offence => "offence",
            RecordKind::Note => "note",
        }
    }

    /// Parses the name written by [`RecordKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "section" => RecordKind::Section,
            "contact" => RecordKind::Contact,
            "threshold" => RecordKind::Threshold,
            "offence" => RecordKind::Offence,
            "note" => RecordKind::Note,
            _ => return None,
        })
    }
}

/// `manifest.toml`: the version of this knowledge copy and the documents it is drawn from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Shown by `/help` and `/reload` so people can tell which copy answered them.
    pub version: String,
    /// When the currency notes were last checked against their public sources.
    pub last_checked: String,
    /// The source documents.
    #[serde(rename = "document")]
    pub documents: Vec<Document>,
}

/// One source document of the partnership.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Prefix of every section id in the document, e.g. `strategy`.
    pub id: String,
    /// The document's own title.
    pub title: String,
    /// Who published it.
    pub publisher: String,
    /// The date as the document states it, or `undated`.
    pub date: String,
    /// Path of its Markdown file relative to the knowledge root.
    pub file: String,
    /// Line in `manifest.toml`, for error messages.
    #[serde(skip)]
    pub line: usize,
}

/// A verbatim section of a source document.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Stable id, e.g. `strategy.s17.referral`.
    pub id: String,
    /// Id of the document it belongs to.
    pub document: String,
    /// The section's own heading, as written in the source file.
    pub heading: String,
    /// True when the project added this heading (`{#id .added}`): the guidance has no such
    /// heading, so it is shown as the project's and never as the guidance's title.
    pub added: bool,
    /// Headings from the top of the document down to this one (inclusive).
    pub path: Vec<String>,
    /// Heading level (1 = `#`).
    pub level: usize,
    /// The section's text, verbatim (Markdown).
    pub body: String,
    /// File and line of the heading, for error messages.
    pub file: String,
    /// 1-based line of the heading.
    pub line: usize,
}

impl Section {
    /// The heading path joined for display, e.g. `17. Indecent Images of Children › Referral…`.
    pub fn display_path(&self) -> String {
        self.path.join(" › ")
    }

    /// The section's title as shown: its heading, or for a heading the project added, the
    /// project's description of it (see [`display_heading`]).
    pub fn title(&self) -> String {
        display_heading(&self.heading, self.added)
    }

    /// The text that is the guidance's own words: the heading and body, or only the body when
    /// the heading is the project's. Quotes are checked against this.
    pub fn guidance_text(&self) -> String {
        if self.added {
            self.body.clone()
        } else {
            format!("{}\n{}", self.heading, self.body)
        }
    }
}

/// Someone to call or somewhere to report.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Stable id, e.g. `spa`.
    pub id: String,
    /// The service's name as the guidance gives it.
    pub name: String,
    /// Telephone number exactly as printed in the guidance.
    #[serde(default)]
    pub phone: Option<String>,
    /// Web address as printed in the guidance.
    #[serde(default)]
    pub web: Option<String>,
    /// Opening hours where known.
    #[serde(default)]
    pub hours: Option<String>,
    /// When to use it, in plain words.
    pub when: String,
    /// Situations it serves, used for search.
    #[serde(default)]
    pub situations: Vec<String>,
    /// True for routes used when a child is at immediate risk.
    #[serde(default)]
    pub emergency: bool,
    /// The id of the contact whose out-of-hours route this is (`spa` for SPA's out-of-hours
    /// line): what a same-day or 24-hour deadline that falls out of hours is met through. At
    /// most one contact carries it.
    #[serde(default)]
    pub out_of_hours_for: Option<String>,
    /// True for an advice line (the Professionals Online Safety Helpline): listed for advice,
    /// never offered as the way to meet a deadline.
    #[serde(default)]
    pub advice_line: bool,
    /// True for an organisation the guidance lists as a resource (its resource lists and the
    /// KCSIE "Information and support" table): found by `/search`, shown as a resource, and not
    /// offered by `/whocall` as someone to call about a child.
    #[serde(default)]
    pub resource: bool,
    /// Who it is for, as the guidance says (professionals, parents and carers, children).
    #[serde(default)]
    pub audience: Option<String>,
    /// Section ids this rests on; the first is the main citation.
    pub sources: Vec<String>,
    /// The guidance's own words.
    pub quote: String,
    /// Line in `contacts.toml`.
    #[serde(skip)]
    pub line: usize,
}

impl Contact {
    /// The contact as one line, name and number: how thresholds and triage list it.
    pub fn label(&self) -> String {
        match &self.phone {
            Some(p) => format!("{}: {}", self.name, p),
            None => self.name.clone(),
        }
    }
}

/// What triggers which response, and how fast.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Stable id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What brings this response about.
    pub trigger: String,
    /// What to do.
    pub response: String,
    /// How fast, as the guidance words it.
    pub timeframe: String,
    /// Contact ids to use.
    #[serde(default)]
    pub contacts: Vec<String>,
    /// Section ids this rests on; the first is the main citation.
    pub sources: Vec<String>,
    /// The guidance's own words.
    pub quote: String,
    /// Line in `thresholds.toml`.
    #[serde(skip)]
    pub line: usize,
}

/// A dated note where the guidance has since changed. The guidance text stays verbatim; the note
/// sits beside it, clearly marked, with its public source and when it was last checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyNote {
    /// Stable id.
    pub id: String,
    /// One-line summary.
    pub title: String,
    /// What the guidance says.
    pub guidance_says: String,
    /// What is the case now.
    pub now: String,
    /// Where that can be checked.
    pub public_source: String,
    /// When it was last checked.
    pub last_checked: String,
    /// Section and record ids it affects.
    pub applies_to: Vec<String>,
    /// Line in `notes.toml`.
    #[serde(skip)]
    pub line: usize,
}

impl CurrencyNote {
    /// The note as one line of text, marked so nobody mistakes it for the guidance's own words.
    pub fn render(&self) -> String {
        let says = self.guidance_says.trim();
        let says = if says.eq_ignore_ascii_case("not covered") {
            "the guidance does not cover this".to_string()
        } else if says.starts_with(['"', '“', '\'']) {
            format!("the guidance says {says}")
        } else {
            format!("the guidance says \"{says}\"")
        };
        format!(
            "Currency note (checked {}): {}; now: {}. Source: {}",
            self.last_checked,
            says,
            self.now.trim_end_matches('.'),
            self.public_source
        )
    }
}

/// A group of terms that mean the same thing to a practitioner.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymGroup {
    /// The terms (lower case; multi-word terms are phrases).
    pub terms: Vec<String>,
    /// Line in `synonyms.toml`.
    #[serde(skip)]
    pub line: usize,
}

/// A one-way rewrite of shorthand, e.g. `yrs` → `year old`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    /// What practitioners type.
    pub from: Vec<String>,
    /// What it means.
    pub to: String,
    /// Line in `synonyms.toml`.
    #[serde(skip)]
    pub line: usize,
}

/// Practitioner vocabulary for search, kept as data so it can be tuned without a release.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    /// Synonym groups.
    #[serde(default, rename = "group")]
    pub groups: Vec<SynonymGroup>,
    /// One-way aliases.
    #[serde(default, rename = "alias")]
    pub aliases: Vec<Alias>,
    /// Words that mark a situation as happening now ("right now", "outside the school"): a
    /// `/whocall` with one of them puts the emergency route first.
    #[serde(default)]
    pub urgent: Vec<String>,
}

/// A citation: the document and section a record rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// Document id.
    pub document_id: String,
    /// Document title.
    pub document: String,
    /// Section id.
    pub section_id: String,
    /// Section heading path.
    pub section: String,
}

impl Citation {
    /// One-line form, e.g. `Online Safeguarding Strategy 2020-2022, 13. … › Secure evidence`.
    pub fn render(&self) -> String {
        format!("{}, {} [{}]", self.document, self.section, self.section_id)
    }
}

/// How a heading is shown: the guidance's own as it stands; one the project added as the
/// project's words, never as a title of the guidance ("the paragraph on outcome 21 …").
pub fn display_heading(heading: &str, added: bool) -> String {
    if !added {
        return heading.to_string();
    }
    let mut chars = heading.chars();
    let lowered: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("the paragraph on {lowered} (this bot's heading, not the guidance's)")
}
