//! The shapes of the knowledge: what a section, contact, threshold, offence and currency note
//! hold. These are plain data, free of any transport or search type, so that every adapter
//! (console, Discord) and the search index read the same records.

use serde::{Deserialize, Serialize};

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

/// Whether a law the guidance names is still the law as the guidance describes it. The status is
/// data: each one that is not `current` comes with the fields that say what happened (see
/// [`Offence`] and `docs/knowledge-format.md`), checked by the validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OffenceStatus {
    /// In force as described.
    Current,
    /// In force, amended (needs `amended_by`).
    Amended,
    /// Some limbs repealed, the rest in force (needs `repealed_parts` and `repealed_by`;
    /// `replaced_by` names the offences that took over the repealed limbs).
    PartlyRepealed,
    /// Repealed, and replaced by another offence (needs `replaced_by`).
    RepealedAndReplaced,
    /// The offence does not exist as the guidance states it (needs `see_instead`: what the law
    /// actually is).
    NeverExistedAsStated,
}

impl OffenceStatus {
    /// The value written in `offences.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            OffenceStatus::Current => "current",
            OffenceStatus::Amended => "amended",
            OffenceStatus::PartlyRepealed => "partly-repealed",
            OffenceStatus::RepealedAndReplaced => "repealed-and-replaced",
            OffenceStatus::NeverExistedAsStated => "never-existed-as-stated",
        }
    }

    /// Human wording for the status on its own (the full line, naming the replacement, is
    /// [`Offence::status_line`]).
    pub fn describe(self) -> &'static str {
        match self {
            OffenceStatus::Current => "current",
            OffenceStatus::Amended => "amended",
            OffenceStatus::PartlyRepealed => "partly repealed",
            OffenceStatus::RepealedAndReplaced => "repealed and replaced",
            OffenceStatus::NeverExistedAsStated => "never existed as stated",
        }
    }

    /// True when the offence is (at least partly) law today, so it may be named as what
    /// replaced another.
    pub fn in_force(self) -> bool {
        matches!(
            self,
            OffenceStatus::Current | OffenceStatus::Amended | OffenceStatus::PartlyRepealed
        )
    }

    /// True when the record is not the law today and its answer must lead with the offence
    /// that is (`replaced_by` or `see_instead`).
    pub fn points_elsewhere(self) -> bool {
        matches!(
            self,
            OffenceStatus::RepealedAndReplaced | OffenceStatus::NeverExistedAsStated
        )
    }
}

/// A law the guidance names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offence {
    /// Stable id.
    pub id: String,
    /// The Act, e.g. `Protection of Children Act 1978`.
    pub act: String,
    /// Section of the Act where given. A trailing `, per currency note` marks a section number
    /// the guidance does not give.
    #[serde(default)]
    pub section: Option<String>,
    /// Short title of the offence.
    pub title: String,
    /// What it covers.
    pub covers: String,
    /// The behaviours it covers in a practitioner's words: who does what to whom, and the
    /// ages ("an adult shows a child under 16 pornography"). Searched above the Act's title
    /// words, so `/offence` answers what people describe (at least one; checked on load).
    pub behaviours: Vec<String>,
    /// Penalty where the guidance gives one.
    #[serde(default)]
    pub penalty: Option<String>,
    /// Whether it is still the law as the guidance states it.
    pub status: OffenceStatus,
    /// `amended`: what amended it, e.g. `Police, Crime, Sentencing and Courts Act 2022 s.47`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amended_by: Option<String>,
    /// `partly-repealed`: the repealed limbs, e.g. `s.127(2)(a)–(b)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repealed_parts: Option<String>,
    /// `partly-repealed` (required) or `repealed-and-replaced` (optional): what repealed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repealed_by: Option<String>,
    /// `partly-repealed`: what remains in force, e.g. `s.127(1) and (2)(c)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remains_in_force: Option<String>,
    /// `repealed-and-replaced` (required) or `partly-repealed`: ids of the offences in force now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_by: Vec<String>,
    /// `never-existed-as-stated`: ids of the offences that are the law.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see_instead: Vec<String>,
    /// Section ids this rests on; the first is the main citation.
    pub sources: Vec<String>,
    /// The guidance's own words.
    pub quote: String,
    /// Line in `offences.toml`.
    #[serde(skip)]
    pub line: usize,
}

impl Offence {
    /// The offence's legal name, Act and section, e.g. `Communications Act 2003 s.127` (without
    /// the `, per currency note` marker).
    pub fn name(&self) -> String {
        match &self.section {
            Some(s) => {
                let s = s.trim();
                let s = s.strip_suffix(", per currency note").unwrap_or(s).trim();
                format!("{} {}", self.act, s)
            }
            None => self.act.clone(),
        }
    }

    /// The offences this record points to as the law now: `replaced_by`, or `see_instead`.
    pub fn successors(&self) -> impl Iterator<Item = &String> {
        self.replaced_by.iter().chain(self.see_instead.iter())
    }

    /// The status in plain words, naming what the law is now, e.g. `Repealed and replaced —
    /// now: Communications Act 2003 s.127 (…)`. `lookup` finds the offences named by id (in a
    /// validated copy they always exist).
    pub fn status_line<'a>(&self, lookup: impl Fn(&str) -> Option<&'a Offence>) -> String {
        // Each offence named by its Act and section (with its title where `titled`), and marked
        // where it has itself changed since the guidance.
        let named = |ids: &[String], titled: bool| {
            ids.iter()
                .map(|id| match lookup(id) {
                    Some(o) => {
                        let mut s = o.name();
                        if titled {
                            s.push_str(&format!(" ({})", o.title));
                        }
                        if o.status != OffenceStatus::Current {
                            s.push_str(&format!(" (itself {})", o.status.describe()));
                        }
                        s
                    }
                    None => id.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let opt = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_string();
        match self.status {
            OffenceStatus::Current => "Current".to_string(),
            OffenceStatus::Amended => {
                format!(
                    "Amended — by {}; in force as amended",
                    opt(&self.amended_by)
                )
            }
            OffenceStatus::PartlyRepealed => {
                let mut s = format!(
                    "Partly repealed ({}, by {})",
                    opt(&self.repealed_parts),
                    opt(&self.repealed_by)
                );
                if !self.replaced_by.is_empty() {
                    s.push_str(&format!(" — now: {}", named(&self.replaced_by, true)));
                }
                match self.remains_in_force.as_deref().map(str::trim) {
                    Some(r) if !r.is_empty() => {
                        s.push_str(&format!("; the rest remains in force: {r}"))
                    }
                    _ => s.push_str("; the rest remains in force"),
                }
                s
            }
            OffenceStatus::RepealedAndReplaced => {
                let mut s = format!(
                    "Repealed and replaced — now: {}",
                    named(&self.replaced_by, false)
                );
                if let Some(by) = self.repealed_by.as_deref().map(str::trim) {
                    if !by.is_empty() {
                        s.push_str(&format!("; repealed by {by}"));
                    }
                }
                s
            }
            OffenceStatus::NeverExistedAsStated => format!(
                "Never existed as stated — the law is: {}",
                named(&self.see_instead, false)
            ),
        }
    }
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
