//! Only the guidance's words are shown as the guidance's (issue 19, part 4). A heading the
//! project added to split a long section is marked `{#id .added}` and shown as the project's
//! ("the paragraph on …"), never as the guidance's title; every heading left unmarked is the
//! guidance's own. The marker is the contract (the bot never needs the source documents); these
//! tests hold it to the sources in `../shared/guidance` when they are there, and `check
//! --sources` fails on an added heading left unmarked.

mod support;

use std::path::PathBuf;

use safeguarding_bot::knowledge::source_headings;

fn sources() -> Option<PathBuf> {
    let dir = support::shared_dir()?.join("guidance");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/guidance is not here");
        None
    }
}

#[test]
fn every_unmarked_heading_is_in_the_source_and_every_marked_one_is_not() {
    let Some(dir) = sources() else { return };
    let k = &support::snapshot().knowledge;
    let errors = source_headings::check(k, &dir);
    assert!(errors.is_empty(), "{errors}");
    for d in &k.manifest.documents {
        let text = std::fs::read_to_string(source_headings::source_file(&dir, &d.file)).unwrap();
        for s in k.sections.iter().filter(|s| s.document == d.id && s.added) {
            assert!(
                !source_headings::heading_in_source(&s.heading, &text),
                "{}:{}: `{}` is the guidance's own heading: do not mark it .added",
                s.file,
                s.line,
                s.heading
            );
        }
    }
}

#[test]
fn an_added_heading_is_never_cited_as_the_guidances_title() {
    let k = &support::snapshot().knowledge;
    let outcome_21 = k.citation("strategy.s17.outcome-21").unwrap();
    assert!(
        outcome_21
            .section
            .contains("the paragraph on revenge porn and the 'outcome 21' recording code (this bot's heading, not the guidance's)"),
        "{}",
        outcome_21.section
    );
    for s in k.sections.iter().filter(|s| s.added) {
        let c = k.citation(&s.id).unwrap();
        assert!(
            !c.section.contains(&format!("› {}", s.heading)),
            "{} is cited as a title of the guidance: {}",
            s.id,
            c.section
        );
    }
    // The search shows the project's description too.
    let r =
        safeguarding_bot::commands::search::run(support::snapshot(), "outcome 21 recording code");
    let hit = r
        .results
        .iter()
        .find(|h| h.id == "strategy.s17.outcome-21")
        .expect("the section is found");
    assert!(hit.title.starts_with("the paragraph on"), "{}", hit.title);
}

#[test]
fn check_fails_on_an_added_heading_left_unmarked() {
    let Some(dir) = sources() else { return };
    let ok = support::bin()
        .args(["check", "--sources"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let file = "sources/online-safeguarding-strategy-2020-2022.md";
    let copy = support::knowledge_copy_with(file, |t| {
        t.replacen(
            "{#strategy.s17.outcome-21 .added}",
            "{#strategy.s17.outcome-21}",
            1,
        )
    });
    let text = std::fs::read_to_string(copy.path().join(file)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("{#strategy.s17.outcome-21}"))
        .unwrap()
        + 1;
    let out = support::bin()
        .args(["check", "--knowledge"])
        .arg(copy.path())
        .arg("--sources")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{file}:{line}:")) && err.contains(".added"),
        "{err}"
    );
}

#[test]
fn a_quote_cannot_lean_on_an_added_heading() {
    // The words of an added heading are the project's: a quote that needs them is not verbatim.
    let dir = support::knowledge_copy_with("offences.toml", |t| {
        t.replacen(
            "quote = \"Under s.33 it is offence",
            "quote = \"Revenge porn and the 'outcome 21' recording code",
            1,
        )
    });
    let errors = support::load_errors(dir.path());
    assert!(
        errors
            .iter()
            .any(|(f, _, m)| f == "offences.toml" && m.contains("verbatim")),
        "{errors:?}"
    );
}
