//! Checks that a parsed copy of the knowledge is whole and consistent: ids well formed and
//! unique, every citation pointing at a real section, every quote really in that section, every
//! referenced contact existing, phone numbers in the form the guidance prints them.

use std::collections::{HashMap, HashSet};

use super::error::{KnowledgeError, KnowledgeErrors};
use super::{Knowledge, Section};

/// True when `id` uses only the characters allowed in ids.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !id.starts_with(['.', '-'])
        && !id.ends_with(['.', '-'])
}

/// True for `999` or an 11-digit UK number starting with 0, written in space-separated groups.
pub fn is_valid_phone(phone: &str) -> bool {
    if phone == "999" || phone == "112" {
        return true;
    }
    let groups: Vec<&str> = phone.split(' ').collect();
    let digits: String = groups.concat();
    groups.len() >= 2
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && digits.len() == 11
        && digits.starts_with('0')
}

/// Collapses whitespace and Markdown emphasis so a quote can be compared with section text.
pub fn normalise_for_quote(s: &str) -> String {
    s.replace("**", "")
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first part of `quote` (parts are separated by `...`) that is not in `section`'s heading
/// or body, compared after [`normalise_for_quote`]; `None` when the quote is verbatim.
pub fn quote_missing<'q>(section: &Section, quote: &'q str) -> Option<&'q str> {
    let hay = normalise_for_quote(&format!("{}\n{}", section.heading, section.body));
    quote
        .split("...")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .find(|p| !hay.contains(&normalise_for_quote(p)))
}

/// Runs every check, adding what is wrong to `errors`.
pub fn validate<'a>(k: &'a Knowledge, errors: &mut KnowledgeErrors) {
    // Documents.
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

    // Sections: unique ids.
    let mut section_lines: HashMap<&str, (&str, usize)> = HashMap::new();
    for s in &k.sections {
        if let Some((file, line)) = section_lines.insert(&s.id, (&s.file, s.line)) {
            errors.push(KnowledgeError::new(
                &s.file,
                s.line,
                format!("duplicate section id `{}` (first at {file}:{line})", s.id),
            ));
        }
    }

    // Records: unique ids across kinds, and not clashing with section ids.
    let mut record_ids: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut check_id =
        |id: &'a str, file: &'static str, line: usize, errors: &mut KnowledgeErrors| {
            if !is_valid_id(id) {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    format!("id `{id}` may contain only a-z, 0-9, `-` and `.`"),
                ));
            }
            if section_lines.contains_key(id) {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    format!("id `{id}` is already a section id"),
                ));
            }
            if let Some((f, l)) = record_ids.insert(id, (file, line)) {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    format!("duplicate id `{id}` (first at {f}:{l})"),
                ));
            }
        };
    for c in &k.contacts {
        check_id(&c.id, "contacts.toml", c.line, errors);
    }
    for t in &k.thresholds {
        check_id(&t.id, "thresholds.toml", t.line, errors);
    }
    for o in &k.offences {
        check_id(&o.id, "offences.toml", o.line, errors);
    }
    for n in &k.notes {
        check_id(&n.id, "notes.toml", n.line, errors);
    }

    let check_sources =
        |sources: &[String], quote: &str, file: &str, line: usize, errors: &mut KnowledgeErrors| {
            if sources.is_empty() {
                errors.push(KnowledgeError::new(
                    file,
                    line,
                    "has no `sources`: every record must cite the section it comes from",
                ));
            }
            for s in sources {
                if !section_lines.contains_key(s.as_str()) {
                    errors.push(KnowledgeError::new(
                        file,
                        line,
                        format!("cites section `{s}`, which does not exist"),
                    ));
                }
            }
            if quote.trim().is_empty() {
                errors.push(KnowledgeError::new(file, line, "has an empty `quote`"));
            } else if let Some(first) = sources.first().and_then(|s| k.section(s)) {
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
        };

    let contact_ids: HashSet<&str> = k.contacts.iter().map(|c| c.id.as_str()).collect();
    for c in &k.contacts {
        check_sources(&c.sources, &c.quote, "contacts.toml", c.line, errors);
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
    for t in &k.thresholds {
        check_sources(&t.sources, &t.quote, "thresholds.toml", t.line, errors);
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
    for o in &k.offences {
        check_sources(&o.sources, &o.quote, "offences.toml", o.line, errors);
    }
    check_offence_status(k, errors);
    for n in &k.notes {
        if n.applies_to.is_empty() {
            errors.push(KnowledgeError::new(
                "notes.toml",
                n.line,
                format!("note `{}` applies to nothing", n.id),
            ));
        }
        for a in &n.applies_to {
            if !section_lines.contains_key(a.as_str()) && !record_ids.contains_key(a.as_str()) {
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

/// The status of each offence is data, not free text: a status that is not `current` carries
/// the fields that say what happened (what amended it, which limbs were repealed, what replaced
/// it), a replacement names an offence that exists and is in force, no field is set that the
/// status does not use, and a currency note in `notes.toml` names the offence.
fn check_offence_status(k: &Knowledge, errors: &mut KnowledgeErrors) {
    use super::model::OffenceStatus as S;
    let noted: HashSet<&str> = k
        .notes
        .iter()
        .flat_map(|n| n.applies_to.iter().map(String::as_str))
        .collect();
    for o in &k.offences {
        let status = o.status.as_str();
        let mut err = |message: String| {
            errors.push(KnowledgeError::new("offences.toml", o.line, message));
        };
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        let needs = |field: &str, have: bool, what: &str, err: &mut dyn FnMut(String)| {
            if !have {
                err(format!(
                    "offence `{}` has status `{status}` but no `{field}`: {what}",
                    o.id
                ));
            }
        };
        let unused = |field: &str, set: bool, err: &mut dyn FnMut(String)| {
            if set {
                err(format!(
                    "offence `{}` has `{field}`, which status `{status}` does not use",
                    o.id
                ));
            }
        };
        match o.status {
            S::Current => {}
            S::Amended => needs(
                "amended_by",
                present(&o.amended_by),
                "say what amended it, e.g. `amended_by = \"Police, Crime, Sentencing and Courts Act 2022 s.47\"`",
                &mut err,
            ),
            S::PartlyRepealed => {
                needs(
                    "repealed_parts",
                    present(&o.repealed_parts),
                    "name the repealed limbs, e.g. `repealed_parts = \"s.127(2)(a)–(b)\"`",
                    &mut err,
                );
                needs(
                    "repealed_by",
                    present(&o.repealed_by),
                    "name what repealed them, e.g. `repealed_by = \"Online Safety Act 2023 s.189\"`",
                    &mut err,
                );
            }
            S::RepealedAndReplaced => needs(
                "replaced_by",
                !o.replaced_by.is_empty(),
                "name the offence id(s) in force now, e.g. `replaced_by = [\"communications-act-2003-s127\"]`",
                &mut err,
            ),
            S::NeverExistedAsStated => needs(
                "see_instead",
                !o.see_instead.is_empty(),
                "name the offence id(s) that are the law, e.g. `see_instead = [\"poca-1978-s1\"]`",
                &mut err,
            ),
        }
        unused(
            "amended_by",
            present(&o.amended_by) && o.status != S::Amended,
            &mut err,
        );
        for (field, value) in [
            ("repealed_parts", &o.repealed_parts),
            ("remains_in_force", &o.remains_in_force),
        ] {
            unused(
                field,
                present(value) && o.status != S::PartlyRepealed,
                &mut err,
            );
        }
        unused(
            "repealed_by",
            present(&o.repealed_by)
                && !matches!(o.status, S::PartlyRepealed | S::RepealedAndReplaced),
            &mut err,
        );
        unused(
            "replaced_by",
            !o.replaced_by.is_empty()
                && !matches!(o.status, S::PartlyRepealed | S::RepealedAndReplaced),
            &mut err,
        );
        unused(
            "see_instead",
            !o.see_instead.is_empty() && o.status != S::NeverExistedAsStated,
            &mut err,
        );
        for (field, ids) in [
            ("replaced_by", &o.replaced_by),
            ("see_instead", &o.see_instead),
        ] {
            let mut seen = HashSet::new();
            for id in ids {
                if !seen.insert(id.as_str()) {
                    err(format!(
                        "offence `{}` names `{id}` twice in `{field}`",
                        o.id
                    ));
                } else if *id == o.id {
                    err(format!("offence `{}` names itself in `{field}`", o.id));
                } else {
                    match k.offence(id) {
                        None => err(format!(
                            "offence `{}` names `{id}` in `{field}`, which is not an offence in offences.toml",
                            o.id
                        )),
                        Some(r) if !r.status.in_force() => err(format!(
                            "offence `{}` names `{id}` in `{field}`, but `{id}` is itself `{}`: name the offence in force now",
                            o.id,
                            r.status.as_str()
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        if o.status != S::Current && !noted.contains(o.id.as_str()) {
            err(format!(
                "offence `{}` has status `{status}` but no currency note: add `{}` to the `applies_to` of a note in notes.toml",
                o.id, o.id
            ));
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    crate::text::shorten(s, n + 1).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(is_valid_phone("020 8547 5008"));
        assert!(is_valid_phone("0808 1000 900"));
        assert!(is_valid_phone("0344 381 4772"));
        assert!(is_valid_phone("999"));
        assert!(!is_valid_phone("020 8547 500"));
        assert!(!is_valid_phone("02085475008"));
        assert!(!is_valid_phone("020-8547-5008"));
        assert!(!is_valid_phone("120 8547 5008"));
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("strategy.s17.referral"));
        assert!(!is_valid_id("Strategy"));
        assert!(!is_valid_id(".x"));
        assert!(!is_valid_id(""));
    }
}
