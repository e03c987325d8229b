//! A currency note is shown only where its subject is (issue 19, part 5): on the triage
//! outcomes it names (`triage:<id>` in its `applies_to`) or whose contacts it names, never on an
//! outcome merely because both cite the same section. The staff-offence outcome carries neither
//! the UKCIS "under 13" note (about children's self-taken images) nor the sextortion note.

mod support;

use safeguarding_bot::knowledge::CurrencyNote;
use safeguarding_bot::triage::{engine, render, Node, Tree};

/// One set of answers reaching each outcome.
fn path_to(tree: &Tree, outcome: &str) -> String {
    fn walk(tree: &Tree, id: &str, path: &mut Vec<String>, want: &str) -> Option<String> {
        match tree.node(id)? {
            Node::Outcome(o) => (o.id == want).then(|| path.join(",")),
            Node::Question(q) => q.choices.iter().find_map(|c| {
                path.push(format!("{}={}", q.id, c.value));
                let found = walk(tree, &c.next, path, want);
                path.pop();
                found
            }),
        }
    }
    walk(tree, &tree.start().id, &mut Vec::new(), outcome).expect("every outcome is reachable")
}

fn notes_on(outcome: &str) -> Vec<String> {
    let snap = support::snapshot();
    let run = engine::script(&snap.triage, &path_to(&snap.triage, outcome)).unwrap();
    let v = render::script_json(snap, &run);
    v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn note(id: &str) -> &'static CurrencyNote {
    support::snapshot()
        .knowledge
        .notes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("note {id}"))
}

#[test]
fn the_staff_offence_outcome_carries_no_note_about_childrens_images() {
    let shown = notes_on("lado_same_day_referral");
    for id in ["ukcis-sharing-nudes-advice", "sextortion"] {
        assert!(
            !shown.contains(&note(id).render()),
            "`{id}` is shown on the staff-offence outcome: {shown:#?}"
        );
    }
    // What does touch it is there: the strategy's SOA 2003 claim restated, and the LADO's
    // timeframe.
    for id in [
        "adults-abusive-images-offences",
        "lado-report-straight-away",
    ] {
        assert!(
            shown.contains(&note(id).render()),
            "`{id}` missing: {shown:#?}"
        );
    }
}

#[test]
fn every_note_is_shown_exactly_on_the_outcomes_its_subject_touches() {
    let snap = support::snapshot();
    let k = &snap.knowledge;
    for o in snap.triage.outcomes() {
        let shown = notes_on(&o.id);
        for n in &k.notes {
            let touches = n.applies_to.iter().any(|a| {
                *a == format!("{}{}", render::NOTE_OUTCOME_PREFIX, o.id) || o.contacts.contains(a)
            });
            assert_eq!(
                shown.contains(&n.render()),
                touches,
                "note `{}` on outcome `{}`: shown must be exactly where it applies",
                n.id,
                o.id
            );
        }
    }
    // The UKCIS and sextortion notes in particular: only on the images outcomes.
    let with = |id: &str| -> Vec<String> {
        snap.triage
            .outcomes()
            .iter()
            .filter(|o| notes_on(&o.id).contains(&note(id).render()))
            .map(|o| o.id.clone())
            .collect()
    };
    assert_eq!(
        with("ukcis-sharing-nudes-advice"),
        ["images_immediate_referral", "images_referral_24h"]
    );
    assert_eq!(with("sextortion"), ["images_immediate_referral"]);
}

#[test]
fn a_note_naming_an_outcome_the_tree_lacks_is_refused_with_file_and_line() {
    let dir = support::knowledge_copy_with("notes.toml", |t| {
        t.replacen(
            "\"triage:images_referral_24h\"",
            "\"triage:images_referal_24h\"",
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
    assert!(
        err.contains("notes.toml:") && err.contains("images_referal_24h"),
        "{err}"
    );
}
