//! The guidance as data: the two source documents split into verbatim sections, and the
//! structured records (contacts, thresholds, offences, currency notes, vocabulary) that cite
//! them. See `docs/knowledge-format.md` for the file format.

pub mod bank_holidays;
pub mod descriptions;
pub mod error;
pub mod files;
pub mod load;
pub mod model;
pub mod remote;
pub mod rules;
pub mod sections;
pub mod source_headings;
pub mod validate;

use std::collections::HashMap;

pub use bank_holidays::BankHolidays;
pub use error::{KnowledgeError, KnowledgeErrors};
pub use files::KnowledgeFiles;
pub use model::*;
pub use rules::Rule;

/// A whole, validated copy of the knowledge. Built only by [`Knowledge::load`]; never partially
/// valid, so whatever holds one can serve it.
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// Version and documents.
    pub manifest: Manifest,
    /// Every section of every document, in document order.
    pub sections: Vec<Section>,
    /// Who to call.
    pub contacts: Vec<Contact>,
    /// What triggers which response.
    pub thresholds: Vec<Threshold>,
    /// Thresholds that are alternatives of one decision, grouped (see [`rules`]).
    pub rules: Vec<Rule>,
    /// The laws the guidance names.
    pub offences: Vec<Offence>,
    /// Dated currency notes.
    pub notes: Vec<CurrencyNote>,
    /// Search vocabulary.
    pub synonyms: Synonyms,
    /// The questions each passage and record answers (`questions.toml`), indexed by search.
    pub descriptions: Vec<descriptions::Description>,
    /// England and Wales bank holidays, for working-day deadlines.
    pub bank_holidays: BankHolidays,
    /// The raw files, for the triage tree and for hashing.
    pub files: KnowledgeFiles,
    /// Short hash of the raw files.
    pub hash: String,
    section_index: HashMap<String, usize>,
    contact_index: HashMap<String, usize>,
}

/// How many records of each kind a copy holds; `/reload` reports these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Sections.
    pub sections: usize,
    /// Contacts.
    pub contacts: usize,
    /// Thresholds.
    pub thresholds: usize,
    /// Offences.
    pub offences: usize,
    /// Currency notes.
    pub notes: usize,
}

impl Knowledge {
    /// Loads and validates a copy of the knowledge from its files.
    pub fn load(files: &KnowledgeFiles) -> Result<Knowledge, KnowledgeErrors> {
        load::load(files)
    }

    /// Loads the copy embedded in the binary. It is checked by the test suite, so failure here
    /// means the build itself is broken.
    pub fn embedded() -> Result<Knowledge, KnowledgeErrors> {
        load::load(&KnowledgeFiles::embedded())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        manifest: Manifest,
        sections: Vec<Section>,
        contacts: Vec<Contact>,
        thresholds: Vec<Threshold>,
        rules: Vec<Rule>,
        offences: Vec<Offence>,
        notes: Vec<CurrencyNote>,
        synonyms: Synonyms,
        bank_holidays: BankHolidays,
        files: KnowledgeFiles,
    ) -> Knowledge {
        let section_index = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let contact_index = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let hash = files.hash();
        Knowledge {
            manifest,
            sections,
            contacts,
            thresholds,
            rules,
            offences,
            notes,
            synonyms,
            descriptions: Vec::new(),
            bank_holidays,
            files,
            hash,
            section_index,
            contact_index,
        }
    }

    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.section_index.get(id).map(|&i| &self.sections[i])
    }

    /// A contact by id.
    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contact_index.get(id).map(|&i| &self.contacts[i])
    }

    /// A threshold by id.
    pub fn threshold(&self, id: &str) -> Option<&Threshold> {
        self.thresholds.iter().find(|t| t.id == id)
    }

    /// The rules that a record belongs to, in file order.
    pub fn rules_for(&self, record_id: &str) -> impl Iterator<Item = &Rule> {
        let id = record_id.to_string();
        self.rules
            .iter()
            .filter(move |r| r.members().contains(&id.as_str()))
    }

    /// An offence by id.
    pub fn offence(&self, id: &str) -> Option<&Offence> {
        self.offences.iter().find(|o| o.id == id)
    }

    /// A document by id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.manifest.documents.iter().find(|d| d.id == id)
    }

    /// The citation for a section id, or `None` if there is no such section.
    pub fn citation(&self, section_id: &str) -> Option<Citation> {
        let s = self.section(section_id)?;
        let d = self.document(&s.document)?;
        Some(Citation {
            document_id: d.id.clone(),
            document: d.title.clone(),
            section_id: s.id.clone(),
            section: s.display_path(),
        })
    }

    /// Currency notes that apply to a section or record id.
    pub fn notes_for(&self, id: &str) -> Vec<&CurrencyNote> {
        self.notes
            .iter()
            .filter(|n| n.applies_to.iter().any(|a| a == id))
            .collect()
    }

    /// Record counts.
    pub fn counts(&self) -> Counts {
        Counts {
            sections: self.sections.len(),
            contacts: self.contacts.len(),
            thresholds: self.thresholds.len(),
            offences: self.offences.len(),
            notes: self.notes.len(),
        }
    }
}
