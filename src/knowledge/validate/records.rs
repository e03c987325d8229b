//! The checks on each kind of record: documents, section and record ids, citations and quotes,
//! contacts, thresholds, notes and synonyms.

use std::collections::HashSet;

use super::{is_valid_id, is_valid_phone, quote_missing, Defined};
use crate::knowledge::error::{KnowledgeError, KnowledgeErrors};
use crate::knowledge::Knowledge;

/// Document ids are well formed and unique, and there is at least one document.
pub(super) fn check_documents(k: &Knowledge, errors: &mut KnowledgeErrors) {
    let mut doc_ids = HashSet::new();
    for d in &k.manifest.documents {
        if !is_valid_id(&d.id) || d.id.contains('.') {
            errors.push(KnowledgeError::new(
                "manifest.toml",
                d.line,
                format!("document id `{}` must be a-z, 0-9 and `-` only", d.id),
            ));
        }
        if !doc_ids.insert(d.id.as_str()) {
            errors.push(KnowledgeError::new(
                "manifest.toml",
                d.line,
                format!("duplicate document id `{}`", d.id),
            ));
        }
    }
    if k.manifest.documents.is_empty() {
        errors.push(KnowledgeError::new(
            "manifest.toml",
            0,
            "lists no [[document]]",
        ));
    }
}

/// Every section id with where it is defined; a duplicate is an error naming the first.
pub(super) fn section_ids<'a>(k: &'a Knowledge, errors: &mut KnowledgeErrors) -> Defined<'a> {
    let mut defined = Defined::new();
    for s in &k.sections {
        if let Some((file, line)) = defined.insert(&s.id, (&s.file, s.line)) {
            errors.push(KnowledgeError::new(
                &s.file,
                s.line,
                format!("duplicate section id `{}` (first at {file}:{line})", s.id),
            ));
        }
    }
    defined
}

/// Every record id (contacts, thresholds, offences, notes) with where it is defined: well
/// formed, unique across kinds and not clashing with a section id.
pub(super) fn record_ids<'a>(
    k: &'a Knowledge,
    sections: &Defined<'a>,
    errors: &mut KnowledgeErrors,
) -> Defined<'a> {
    let all = (k.contacts.iter().map(|c| (&c.id, "contacts.toml", c.line)))
        .chain(
            k.thresholds
                .iter()
                .map(|t| (&t.id, "thresholds.toml", t.line)),
        )
        .chain(k.offences.iter().map(|o| (&o.id, "offences.toml", o.line)))
        .chain(k.notes.iter().map(|n| (&n.id, "notes.toml", n.line)));
    let mut defined = Defined::new();
    for (id, file, line) in all {
        if !is_valid_id(id) {
            errors.push(KnowledgeError::new(
                file,
                line,
                format!("id `{id}` may contain only a-z, 0-9, `-` and `.`"),
            ));
        }
        if sections.contains_key(id.as_str()) {
            errors.push(KnowledgeError::new(
                file,
                line,
                format!("id `{id}` is already a section id"),
            ));
        }
        if let Some((f, l)) = defined.insert(id, (file, line)) {
            errors.push(KnowledgeError::new(
                file,
                line,
                format!("duplicate id `{id}` (first at {f}:{l})"),
            ));
        }
    }
    defined
}

/// Checks a record's citation: it cites at least one section, every cited section exists, and
/// its quote is verbatim from the first.
pub(super) struct Citations<'a> {
    /// The knowledge the sections are in.
    pub knowledge: &'a Knowledge,
    /// The section ids that exist.
    pub sections: &'a Defined<'a>,
}

impl Citations<'_> {
    /// Adds what is wrong with the citation of the record at `file:line` to `errors`.
    pub fn check(
        &self,
        sources: &[String],
        quote: &str,
        file: &str,
        line: usize,
        errors: &mut KnowledgeErrors,
    ) {
        if sources.is_empty() {
            errors.push(KnowledgeError::new(
                file,
                line,
                "has no `sources`: every record must cite the section it comes from",
            ));
        }
        for s in sources {
            if !self.sections.contains_key(s.as_str()) {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    format!("cites section `{s}`, which does not exist"),
                ));
            }
        }
        if quote.trim().is_empty() {
            errors.push(KnowledgeError::new(file, line, "has an empty `quote`"));
        } else if let Some(first) = sources.first().and_then(|s| self.knowledge.section(s)) {
            if let Some(missing) = quote_missing(first, quote) {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    format!(
                        "`quote` is not verbatim from its first source `{}`: `{}`",
                        first.id,
                        truncate(missing, 80)
                    ),
                ));
            }
        }
    }
}

/// Contacts: cited, a phone number in the form the guidance prints, a name and a "when".
pub(super) fn check_contacts(k: &Knowledge, cites: &Citations<'_>, errors: &mut KnowledgeErrors) {
    for c in &k.contacts {
        cites.check(&c.sources, &c.quote, "contacts.toml", c.line, errors);
        if let Some(p) = &c.phone {
            if !is_valid_phone(p) {
                errors.push(KnowledgeError::new(
                    "contacts.toml",
                    c.line,
                    format!("contact `{}` has a malformed phone number `{p}` (expected 999, or 11 digits starting 0 in groups, e.g. 020 8547 5008)", c.id),
                ));
            }
        }
        if c.name.trim().is_empty() || c.when.trim().is_empty() {
            errors.push(KnowledgeError::new(
                "contacts.toml",
                c.line,
                format!("contact `{}` needs a `name` and a `when`", c.id),
            ));
        }
    }
    check_deadline_routes(k, errors);
}

/// The routes a deadline out of hours is met through: at most one contact is an out-of-hours
/// route (`out_of_hours_for`), it names a contact that exists, and both have a phone number; it
/// is an emergency route and never an advice line; an advice line is never an emergency route.
fn check_deadline_routes(k: &Knowledge, errors: &mut KnowledgeErrors) {
    let mut routes = 0;
    for c in &k.contacts {
        let mut bad = |message: String| {
            errors.push(KnowledgeError::new("contacts.toml", c.line, message));
        };
        if c.advice_line && (c.emergency || c.out_of_hours_for.is_some()) {
            bad(format!(
                "contact `{}` is an advice line (`advice_line = true`): it cannot also be an emergency or out-of-hours route",
                c.id
            ));
        }
        let Some(daytime) = &c.out_of_hours_for else {
            continue;
        };
        routes += 1;
        if routes > 1 {
            bad(format!(
                "contact `{}`: only one contact may be the out-of-hours route (`out_of_hours_for`)",
                c.id
            ));
        }
        if c.phone.is_none() || !c.emergency {
            bad(format!(
                "contact `{}` is an out-of-hours route: it needs a `phone` and `emergency = true`",
                c.id
            ));
        }
        match k.contact(daytime) {
            Some(d) if d.phone.is_some() => {}
            _ => bad(format!(
                "contact `{}`: `out_of_hours_for = \"{daytime}\"` must name a contact in contacts.toml with a phone number",
                c.id
            )),
        }
    }
}

/// Thresholds: cited, naming only contacts that exist, with a timeframe.
pub(super) fn check_thresholds(k: &Knowledge, cites: &Citations<'_>, errors: &mut KnowledgeErrors) {
    let contact_ids: HashSet<&str> = k.contacts.iter().map(|c| c.id.as_str()).collect();
    for t in &k.thresholds {
        cites.check(&t.sources, &t.quote, "thresholds.toml", t.line, errors);
        for c in &t.contacts {
            if !contact_ids.contains(c.as_str()) {
                errors.push(KnowledgeError::new(
                    "thresholds.toml",
                    t.line,
                    format!(
                        "threshold `{}` names contact `{c}`, which does not exist in contacts.toml",
                        t.id
                    ),
                ));
            }
        }
        if t.timeframe.trim().is_empty() {
            errors.push(KnowledgeError::new(
                "thresholds.toml",
                t.line,
                format!("threshold `{}` has an empty `timeframe`", t.id),
            ));
        }
    }
}

/// Notes apply to something, and only to sections or records that exist.
pub(super) fn check_notes(
    k: &Knowledge,
    sections: &Defined<'_>,
    records: &Defined<'_>,
    errors: &mut KnowledgeErrors,
) {
    for n in &k.notes {
        if n.applies_to.is_empty() {
            errors.push(KnowledgeError::new(
                "notes.toml",
                n.line,
                format!("note `{}` applies to nothing", n.id),
            ));
        }
        for a in &n.applies_to {
            // `triage:<outcome>` names an outcome of the decision tree, checked when the tree
            // is loaded (it is validated after the rest of the knowledge).
            if a.starts_with(crate::triage::render::NOTE_OUTCOME_PREFIX) {
                continue;
            }
            if !sections.contains_key(a.as_str()) && !records.contains_key(a.as_str()) {
                errors.push(KnowledgeError::new(
                    "notes.toml",
                    n.line,
                    format!(
                        "note `{}` applies to `{a}`, which is neither a section nor a record",
                        n.id
                    ),
                ));
            }
        }
    }
}

/// Synonym groups have two terms or more, aliases a source and a target, all in lower case.
pub(super) fn check_synonyms(k: &Knowledge, errors: &mut KnowledgeErrors) {
    for g in &k.synonyms.groups {
        if g.terms.len() < 2 {
            errors.push(KnowledgeError::new(
                "synonyms.toml",
                g.line,
                "a synonym group needs at least two terms",
            ));
        }
        for t in &g.terms {
            if t.trim().is_empty() || t.to_lowercase() != *t {
                errors.push(KnowledgeError::new(
                    "synonyms.toml",
                    g.line,
                    format!("synonym `{t}` must be non-empty and lower case"),
                ));
            }
        }
    }
    for a in &k.synonyms.aliases {
        if a.from.is_empty() || a.to.trim().is_empty() {
            errors.push(KnowledgeError::new(
                "synonyms.toml",
                a.line,
                "an alias needs `from` terms and a `to`",
            ));
        }
        for t in a.from.iter().chain(std::iter::once(&a.to)) {
            if t.to_lowercase() != *t {
                errors.push(KnowledgeError::new(
                    "synonyms.toml",
                    a.line,
                    format!("alias term `{t}` must be lower case"),
                ));
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    crate::text::shorten(s, n + 1).into_owned()
}
