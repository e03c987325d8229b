//! The laws the guidance names, and whether each is still the law as the guidance describes it.

use serde::{Deserialize, Serialize};

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
