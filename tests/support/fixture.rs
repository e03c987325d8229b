//! A small knowledge fixture generated around a `triage.toml`: every section it may cite (each
//! holding the quotes that cite it first) and every contact it may name. The tree tests use it
//! to validate broken trees against knowledge that is otherwise sound, without copying the
//! whole of `knowledge/`.

use std::collections::BTreeMap;

use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles};

/// The real `triage.toml` (the copy built into the binary).
pub fn triage_text() -> String {
    KnowledgeFiles::embedded()
        .get("triage.toml")
        .expect("knowledge/triage.toml")
        .to_string()
}

/// Section ids the fixture provides: the ones the triage may cite.
pub const SECTIONS: &[&str] = &[
    "strategy.s6",
    "strategy.s12",
    "strategy.s13",
    "strategy.s13.secure-evidence",
    "strategy.s13.managing-allegations",
    "strategy.s14",
    "strategy.s15",
    "strategy.s16",
    "strategy.s16.signs",
    "strategy.s17",
    "strategy.s17.responses-young-people",
    "strategy.s17.referral",
    "strategy.s17.adults",
    "strategy.s17.imagery-evidence",
    "strategy.s17.image-removal",
    "strategy.s18",
    "strategy.s19",
    "strategy.s20",
    "strategy.app2",
    "strategy.app3",
    "strategy.app3.sexual-offences-act",
    "guidance.cyber-bullying",
    "guidance.sharing-images",
    "guidance.child-exploitation",
    "guidance.self-harm",
    "guidance.online-safety-bill",
    "guidance.our-responsibilities",
    "guidance.further-details",
];

/// A fixture contact: (id, name, phone, web, hours).
pub type FixtureContact = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// Contacts the fixture provides.
pub const CONTACTS: &[FixtureContact] = &[
    ("police-999", "Police (emergency)", Some("999"), None, None),
    (
        "spa",
        "Single Point of Access (SPA)",
        Some("020 8547 5008"),
        None,
        None,
    ),
    (
        "spa-out-of-hours",
        "SPA out of hours",
        Some("020 8770 5000"),
        None,
        Some("Out of hours"),
    ),
    ("lado", "LADO (via SPA)", Some("020 8547 5008"), None, None),
    ("dsl", "Designated Safeguarding Lead", None, None, None),
    ("prevent-lead", "Prevent lead", None, None, None),
    ("channel", "Channel panel", None, None, None),
    (
        "report-terrorism",
        "Report terrorism",
        None,
        Some("www.gov.uk/report-terrorism"),
        None,
    ),
    ("ceop", "CEOP", None, Some("ceop.police.uk"), None),
    ("iwf", "IWF", None, Some("www.iwf.org.uk"), None),
    (
        "childline-report-remove",
        "Report Remove",
        None,
        Some("https://contentreporting.childline.org.uk"),
        None,
    ),
    (
        "stop-it-now",
        "Stop it Now",
        Some("0808 1000 900"),
        None,
        None,
    ),
    (
        "posh",
        "Professionals Online Safety Helpline",
        Some("0344 381 4772"),
        None,
        Some("Monday to Friday 10:00-16:00"),
    ),
    ("pegi", "PEGI", None, Some("www.pegi.info"), None),
];

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The real `bank_holidays.toml` (the copy built into the binary).
pub fn bank_holidays_text() -> String {
    KnowledgeFiles::embedded()
        .get("bank_holidays.toml")
        .expect("knowledge/bank_holidays.toml")
        .to_string()
}

/// The fixture: a minimal knowledge copy that `triage` (the text of a `triage.toml`) can be
/// validated against.
pub fn fixture_files(triage: &str) -> KnowledgeFiles {
    // Quotes go into the section each one cites first, so quote checks pass.
    let parsed: toml::Value = toml::from_str(triage).unwrap_or(toml::Value::Integer(0));
    let mut quotes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(outcomes) = parsed.get("outcome").and_then(|o| o.as_array()) {
        // Each outcome's quote, and each of its `[[outcome.when]]` conditions' quotes.
        let conditions = outcomes
            .iter()
            .filter_map(|o| o.get("when").and_then(|w| w.as_array()))
            .flatten();
        for o in outcomes.iter().chain(conditions) {
            let first = o
                .get("sources")
                .and_then(|s| s.as_array())
                .and_then(|s| s.first())
                .and_then(|s| s.as_str());
            let quote = o.get("quote").and_then(|q| q.as_str());
            if let (Some(first), Some(quote)) = (first, quote) {
                for part in quote.split("...") {
                    quotes
                        .entry(first.to_string())
                        .or_default()
                        .push(part.trim().to_string());
                }
            }
        }
    }
    quotes
        .entry("strategy.s13".into())
        .or_default()
        .push("Fixture contact text.".into());
    let mut docs: BTreeMap<&str, String> = BTreeMap::new();
    for id in SECTIONS {
        let (doc, rest) = id.split_once('.').unwrap();
        let level = if rest.contains('.') { "###" } else { "##" };
        let body = quotes.get(*id).map(|q| q.join("\n\n")).unwrap_or_default();
        docs.entry(doc).or_default().push_str(&format!(
            "{level} Fixture section {id} {{#{id}}}\n\nFixture text for {id}.\n\n{body}\n\n"
        ));
    }
    let mut contacts = String::new();
    for (id, name, phone, web, hours) in CONTACTS {
        contacts.push_str(&format!(
            "[[contact]]\nid = {}\nname = {}\nwhen = \"fixture\"\nsources = [\"strategy.s13\"]\nquote = \"Fixture contact text.\"\n",
            toml_str(id),
            toml_str(name)
        ));
        if let Some(p) = phone {
            contacts.push_str(&format!("phone = {}\n", toml_str(p)));
        }
        if let Some(w) = web {
            contacts.push_str(&format!("web = {}\n", toml_str(w)));
        }
        if let Some(h) = hours {
            contacts.push_str(&format!("hours = {}\n", toml_str(h)));
        }
        contacts.push('\n');
    }
    let manifest = r#"version = "fixture"
last_checked = "2026-11-23"

[[document]]
id = "strategy"
title = "Online Safeguarding Strategy 2020-2022"
publisher = "fixture"
date = "2020"
file = "sources/strategy.md"

[[document]]
id = "guidance"
title = "Online Safety Guidance"
publisher = "fixture"
date = "undated"
file = "sources/guidance.md"
"#;
    let mut files = BTreeMap::new();
    files.insert("manifest.toml".to_string(), manifest.to_string());
    files.insert("sources/strategy.md".to_string(), docs["strategy"].clone());
    files.insert("sources/guidance.md".to_string(), docs["guidance"].clone());
    files.insert("contacts.toml".to_string(), contacts);
    for empty in [
        "thresholds.toml",
        "offences.toml",
        "notes.toml",
        "synonyms.toml",
        "questions.toml",
    ] {
        files.insert(empty.to_string(), String::new());
    }
    files.insert("triage.toml".to_string(), triage.to_string());
    files.insert("bank_holidays.toml".to_string(), bank_holidays_text());
    KnowledgeFiles::from_map(files, "triage test fixture")
}

/// The fixture's knowledge without any triage tree check (for validating broken trees).
pub fn fixture_knowledge() -> Knowledge {
    Knowledge::load(&fixture_files(&triage_text())).expect("fixture knowledge is valid")
}

/// 1-based line of the first line containing `needle` (after line `after`).
pub fn line_of(text: &str, needle: &str, after: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in text"))
}
