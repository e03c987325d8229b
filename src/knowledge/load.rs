//! Parses every knowledge file into a [`Knowledge`], collecting every error with its file and
//! line, then hands the result to [`super::validate`].

use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Spanned;

use super::error::{line_of, toml_error, KnowledgeError, KnowledgeErrors};
use super::files::KnowledgeFiles;
use super::model::*;
use super::sections::parse_sections;
use super::Knowledge;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    version: String,
    last_checked: String,
    document: Vec<Spanned<Document>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsFile {
    #[serde(default)]
    contact: Vec<Spanned<Contact>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdsFile {
    #[serde(default)]
    threshold: Vec<Spanned<Threshold>>,
    #[serde(default)]
    rule: Vec<Spanned<super::Rule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffencesFile {
    #[serde(default)]
    offence: Vec<Spanned<Offence>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotesFile {
    #[serde(default)]
    note: Vec<Spanned<CurrencyNote>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    #[serde(default)]
    urgent: Vec<String>,
    #[serde(default)]
    group: Vec<Spanned<SynonymGroup>>,
    #[serde(default)]
    alias: Vec<Spanned<Alias>>,
}

/// Reads one TOML file, turning a parse error into a `file:line` error.
fn parse_toml<T: DeserializeOwned>(
    files: &KnowledgeFiles,
    path: &str,
    errors: &mut KnowledgeErrors,
) -> Option<(T, String)> {
    let Some(text) = files.get(path) else {
        errors.push(KnowledgeError::new(path, 0, "is missing"));
        return None;
    };
    match toml::from_str::<T>(text) {
        Ok(v) => Some((v, text.to_string())),
        Err(e) => {
            errors.push(toml_error(path, text, &e));
            None
        }
    }
}

/// Sets each record's `line` from its span and returns the records.
fn with_lines<T>(text: &str, items: Vec<Spanned<T>>, set: impl Fn(&mut T, usize)) -> Vec<T> {
    items
        .into_iter()
        .map(|s| {
            let line = line_of(text, s.span().start);
            let mut v = s.into_inner();
            set(&mut v, line);
            v
        })
        .collect()
}

/// Loads and validates a copy of the knowledge. Any error means the copy is not served.
pub fn load(files: &KnowledgeFiles) -> Result<Knowledge, KnowledgeErrors> {
    let mut errors = KnowledgeErrors::default();

    let manifest =
        parse_toml::<ManifestFile>(files, "manifest.toml", &mut errors).map(|(m, t)| Manifest {
            version: m.version,
            last_checked: m.last_checked,
            documents: with_lines(&t, m.document, |d, l| d.line = l),
        });

    let mut sections = Vec::new();
    if let Some(manifest) = &manifest {
        for doc in &manifest.documents {
            match files.get(&doc.file) {
                Some(text) => {
                    sections.extend(parse_sections(&doc.file, &doc.id, text, &mut errors))
                }
                None => errors.push(KnowledgeError::new(
                    "manifest.toml",
                    doc.line,
                    format!(
                        "document `{}` names file `{}`, which does not exist",
                        doc.id, doc.file
                    ),
                )),
            }
        }
    }

    let contacts = parse_toml::<ContactsFile>(files, "contacts.toml", &mut errors)
        .map(|(f, t)| with_lines(&t, f.contact, |c, l| c.line = l))
        .unwrap_or_default();
    let (thresholds, rules) = parse_toml::<ThresholdsFile>(files, "thresholds.toml", &mut errors)
        .map(|(f, t)| {
            (
                with_lines(&t, f.threshold, |c, l| c.line = l),
                with_lines(&t, f.rule, |r, l| r.line = l),
            )
        })
        .unwrap_or_default();
    let offences = parse_toml::<OffencesFile>(files, "offences.toml", &mut errors)
        .map(|(f, t)| with_lines(&t, f.offence, |c, l| c.line = l))
        .unwrap_or_default();
    let notes = parse_toml::<NotesFile>(files, "notes.toml", &mut errors)
        .map(|(f, t)| with_lines(&t, f.note, |c, l| c.line = l))
        .unwrap_or_default();
    let synonyms = parse_toml::<SynonymsFile>(files, "synonyms.toml", &mut errors)
        .map(|(f, t)| Synonyms {
            groups: with_lines(&t, f.group, |g, l| g.line = l),
            aliases: with_lines(&t, f.alias, |a, l| a.line = l),
            urgent: f.urgent,
        })
        .unwrap_or_default();

    let descriptions = parse_toml::<super::descriptions::DescriptionsFile>(
        files,
        super::descriptions::DESCRIPTIONS_FILE,
        &mut errors,
    )
    .map(|(f, t)| with_lines(&t, f.describe, |d, l| d.line = l))
    .unwrap_or_default();

    let bank_holidays = match super::BankHolidays::load(files) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };

    let (Some(manifest), Some(bank_holidays)) = (manifest, bank_holidays) else {
        errors.sort();
        return Err(errors);
    };

    let mut knowledge = Knowledge::assemble(
        manifest,
        sections,
        contacts,
        thresholds,
        rules,
        offences,
        notes,
        synonyms,
        bank_holidays,
        files.clone(),
    );
    knowledge.descriptions = descriptions;
    // Cross-reference checks are meaningful only when every file parsed: a record lost to a
    // syntax error would otherwise show up as a flood of dangling references.
    if errors.is_empty() {
        super::validate::validate(&knowledge, &mut errors);
        super::rules::validate(&knowledge, &mut errors);
        super::descriptions::validate(&knowledge, &mut errors);
    }
    if errors.is_empty() {
        Ok(knowledge)
    } else {
        errors.sort();
        Err(errors)
    }
}
