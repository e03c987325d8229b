//! The knowledge is whole and honest: the embedded copy validates; every number and address it
//! serves is printed in the guidance itself; dated law carries a currency note; and broken
//! copies are rejected with every error named by file and line.

mod support;

use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles, OffenceStatus};

fn files() -> KnowledgeFiles {
    KnowledgeFiles::embedded()
}

fn all_section_text(k: &Knowledge) -> String {
    k.sections
        .iter()
        .map(|s| format!("{}\n{}", s.heading, s.body))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn embedded_knowledge_is_valid_and_complete() {
    let k = Knowledge::load(&files()).unwrap_or_else(|e| panic!("{e}"));
    let c = k.counts();
    assert!(c.sections >= 60, "{c:?}");
    assert!(
        c.contacts >= 12 && c.thresholds >= 10 && c.offences >= 15 && c.notes >= 10,
        "{c:?}"
    );
    assert_eq!(k.manifest.documents.len(), 2);
    for d in &k.manifest.documents {
        assert!(k.sections.iter().any(|s| s.document == d.id));
    }
}

#[test]
fn key_contacts_have_the_guidance_numbers() {
    let k = &support::snapshot().knowledge;
    let phone = |id: &str| k.contact(id).and_then(|c| c.phone.clone());
    assert_eq!(phone("police-999").as_deref(), Some("999"));
    assert_eq!(phone("spa").as_deref(), Some("020 8547 5008"));
    assert_eq!(phone("spa-out-of-hours").as_deref(), Some("020 8770 5000"));
    assert_eq!(phone("lado").as_deref(), Some("020 8547 5008"));
    assert_eq!(phone("stop-it-now").as_deref(), Some("0808 1000 900"));
    assert_eq!(phone("posh").as_deref(), Some("0344 381 4772"));
}

#[test]
fn no_number_or_address_is_invented() {
    let k = &support::snapshot().knowledge;
    let text = all_section_text(k);
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for c in &k.contacts {
        if let Some(p) = &c.phone {
            assert!(
                text.contains(p.as_str()),
                "{}: phone {p} is not in the guidance",
                c.id
            );
        }
        if let Some(w) = &c.web {
            let bare = w
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("www.")
                .trim_end_matches('/');
            assert!(
                squashed.contains(bare),
                "{}: web address {w} is not in the guidance",
                c.id
            );
        }
    }
    // Timeframes with a number in them come from the guidance's own words.
    for t in &k.thresholds {
        for word in t.timeframe.split_whitespace() {
            if word.chars().any(|ch| ch.is_ascii_digit()) {
                let digits: String = word.chars().filter(|ch| ch.is_ascii_digit()).collect();
                assert!(
                    text.contains(&digits),
                    "{}: timeframe number {digits} not in the guidance",
                    t.id
                );
            }
        }
    }
}

#[test]
fn dated_law_carries_a_currency_note() {
    let k = &support::snapshot().knowledge;
    for o in &k.offences {
        let noted = !k.notes_for(&o.id).is_empty();
        if o.status != OffenceStatus::Current || o.act.contains("Data Protection Act 1998") {
            assert!(noted, "{} ({:?}) has no currency note", o.id, o.status);
        }
    }
    let dpa = k
        .offences
        .iter()
        .find(|o| o.act.contains("Data Protection Act 1998"))
        .expect("the DPA 1998 is in the guidance");
    assert_eq!(dpa.status, OffenceStatus::RepealedAndReplaced);
    assert_eq!(dpa.replaced_by, ["dpa-2018-uk-gdpr"]);
    assert!(k.notes_for(&dpa.id).iter().any(|n| n.now.contains("2018")));
    let cjca = k
        .offences
        .iter()
        .find(|o| o.act.starts_with("Criminal Justice and Courts Act"))
        .expect("CJCA 2015 is in the guidance");
    assert_eq!(cjca.status, OffenceStatus::RepealedAndReplaced);
    assert_eq!(cjca.replaced_by, ["osa-2023-intimate-image-abuse"]);
    for n in &k.notes {
        assert!(
            !n.last_checked.is_empty() && !n.public_source.is_empty(),
            "{}",
            n.id
        );
    }
}

fn broken_copy(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    support::knowledge_copy_with(file, edit)
}

fn errors_for(dir: &tempfile::TempDir) -> Vec<(String, usize, String)> {
    support::load_errors(dir.path())
}

fn line_containing(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn malformed_phone_is_reported_at_its_record() {
    let original = files().get("contacts.toml").unwrap().to_string();
    let dir = broken_copy("contacts.toml", |t| {
        t.replacen("\"020 8547 5008\"", "\"020 8547 50\"", 1)
    });
    let errs = errors_for(&dir);
    let e = errs
        .iter()
        .find(|e| e.2.contains("malformed phone"))
        .unwrap_or_else(|| panic!("{errs:?}"));
    assert_eq!(e.0, "contacts.toml");
    let phone_line = line_containing(&original, "\"020 8547 5008\"");
    assert!(
        e.1 > 0 && e.1 <= phone_line,
        "error line {} should be the record start before {phone_line}",
        e.1
    );
}

#[test]
fn unknown_field_is_reported_with_line() {
    let dir = broken_copy("contacts.toml", |t| {
        t.replacen("when = ", "phnoe = \"1\"\nwhen = ", 1)
    });
    let errs = errors_for(&dir);
    assert!(
        errs.iter()
            .any(|e| e.0 == "contacts.toml" && e.1 > 0 && e.2.contains("phnoe")),
        "{errs:?}"
    );
}

#[test]
fn dangling_citation_and_duplicate_id_are_reported() {
    let dir = broken_copy("thresholds.toml", |t| {
        let t = t.replacen("sources = [\"", "sources = [\"strategy.nowhere\", \"", 1);
        // Duplicate the first record.
        let start = t.find("[[threshold]]").unwrap();
        let end = t[start + 1..]
            .find("[[threshold]]")
            .map(|i| i + start + 1)
            .unwrap();
        format!("{}\n{}", t, &t[start..end])
    });
    let errs = errors_for(&dir);
    assert!(
        errs.iter().any(|e| e.2.contains("strategy.nowhere")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.2.contains("duplicate id")),
        "{errs:?}"
    );
    assert!(errs.iter().all(|e| e.1 > 0), "{errs:?}");
}

#[test]
fn toml_syntax_error_names_the_line() {
    let dir = broken_copy("offences.toml", |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines.insert(3, "this is = = not toml");
        lines.join("\n")
    });
    let errs = errors_for(&dir);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0.as_str(), errs[0].1), ("offences.toml", 4));
}

#[test]
fn heading_without_id_and_missing_file_are_reported() {
    let dir = broken_copy("sources/online-safety-guidance.md", |t| {
        format!("{t}\n## A heading with no id\ntext\n")
    });
    std::fs::remove_file(dir.path().join("notes.toml")).unwrap();
    let errs = errors_for(&dir);
    assert!(
        errs.iter()
            .any(|e| e.0 == "sources/online-safety-guidance.md" && e.2.contains("no `{#id}`")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.0 == "notes.toml" && e.2.contains("missing")),
        "{errs:?}"
    );
}

#[test]
fn check_command_prints_all_errors_and_fails() {
    let dir = broken_copy("contacts.toml", |t| {
        t.replacen("\"0808 1000 900\"", "\"0808-1000-900\"", 1)
            .replacen(
                "sources = [\"",
                "sources = [\"guidance.missing-section\", \"",
                1,
            )
    });
    let out = support::bin()
        .args(["check", "--knowledge"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("contacts.toml:"), "{err}");
    assert!(err.contains("0808-1000-900"), "{err}");
    assert!(err.contains("guidance.missing-section"), "{err}");

    let ok = support::bin().arg("check").output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("ok:"));
}
