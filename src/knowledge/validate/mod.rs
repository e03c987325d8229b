//! Checks that a parsed copy of the knowledge is whole and consistent: ids well formed and
//! unique, every citation pointing at a real section, every quote really in that section, every
//! referenced contact existing, phone numbers in the form the guidance prints them.

mod offences;
mod records;

use std::collections::HashMap;

use super::error::KnowledgeErrors;
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
    let hay = normalise_for_quote(&section.guidance_text());
    quote
        .split("...")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .find(|p| !hay.contains(&normalise_for_quote(p)))
}

/// Where each id was defined (file, line): sections, and records of every kind, so a duplicate
/// can name the first and a reference can be checked.
type Defined<'a> = HashMap<&'a str, (&'a str, usize)>;

/// Runs every check, adding what is wrong to `errors`. Each kind of record has its own check;
/// this only decides the order (ids first, since the later checks resolve references by id).
pub fn validate(k: &Knowledge, errors: &mut KnowledgeErrors) {
    records::check_documents(k, errors);
    let sections = records::section_ids(k, errors);
    let record_ids = records::record_ids(k, &sections, errors);
    let cites = records::Citations {
        knowledge: k,
        sections: &sections,
    };
    records::check_contacts(k, &cites, errors);
    records::check_thresholds(k, &cites, errors);
    for o in &k.offences {
        cites.check(&o.sources, &o.quote, "offences.toml", o.line, errors);
    }
    offences::check_status(k, errors);
    records::check_notes(k, &sections, &record_ids, errors);
    records::check_synonyms(k, errors);
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
