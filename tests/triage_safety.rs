//! The triage tree's safety properties, proved over every path through the real tree rather
//! than a few vignettes: a path can never skip a referral the guidance requires, the 24-hour
//! images route is reachable only on the guidance's one condition, and the questions keep the
//! guidance's routes apart. `docs/hazard-log.md` names these tests as the controls' proof.

mod support;

use safeguarding_bot::triage::{engine, Node, Tree};

/// Every complete path through the tree: (answers as `question=value`, outcome id).
fn all_paths(tree: &Tree) -> Vec<(Vec<(String, String)>, String)> {
    fn walk(
        tree: &Tree,
        id: &str,
        path: &mut Vec<(String, String)>,
        out: &mut Vec<(Vec<(String, String)>, String)>,
    ) {
        match tree.node(id).expect("every next exists") {
            Node::Outcome(o) => out.push((path.clone(), o.id.clone())),
            Node::Question(q) => {
                for c in &q.choices {
                    path.push((q.id.clone(), c.value.clone()));
                    walk(tree, &c.next, path, out);
                    path.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &tree.start().id, &mut Vec::new(), &mut out);
    out
}

fn answered(path: &[(String, String)], q: &str, v: &str) -> bool {
    path.iter().any(|(pq, pv)| pq == q && pv == v)
}

fn tree() -> &'static Tree {
    &support::snapshot().triage
}

const IMAGE_TESTS: [&str; 5] = [
    "adult_involved",
    "coercion_or_capacity",
    "unusual_or_violent",
    "sexual_acts_under_18",
    "immediate_risk_from_sharing",
];

#[test]
fn the_walk_reaches_every_outcome_so_the_path_checks_mean_something() {
    let paths = all_paths(tree());
    for o in tree().outcomes() {
        assert!(
            paths.iter().any(|(_, id)| *id == o.id),
            "no path reaches {}",
            o.id
        );
    }
    // The engine agrees with the walk on every path.
    for (path, outcome) in &paths {
        let answers = path
            .iter()
            .map(|(q, v)| format!("{q}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let run = engine::script(tree(), &answers).unwrap();
        assert_eq!(
            run.walk.outcome().map(|o| o.id.as_str()),
            Some(outcome.as_str()),
            "{answers}"
        );
    }
}

#[test]
fn adult_offence_leads_to_same_day_police_and_social_care() {
    for (path, outcome) in all_paths(tree()) {
        if answered(&path, "adult_in_position_of_trust", "yes") {
            assert!(
                path.iter().any(|(q, _)| q == "adult_offence"),
                "an adult who works with children always meets the offence question: {path:?}"
            );
        }
        if answered(&path, "adult_offence", "yes") {
            assert_eq!(outcome, "lado_same_day_referral", "{path:?}");
        }
        if outcome == "lado_referral" {
            assert!(answered(&path, "adult_offence", "no"), "{path:?}");
        }
    }
    let o = tree().outcome("lado_same_day_referral").unwrap();
    assert!(o.timeframes[0].starts_with("Same day"));
    let all = format!("{}\n{}", o.summary, o.actions.join("\n"));
    for must in [
        "the police",
        "Children's Social Care",
        "LADO",
        "020 8547 5008",
        "Designated Safeguarding Lead",
    ] {
        assert!(all.contains(must), "lado_same_day_referral lacks {must:?}");
    }
    for c in ["police-999", "spa", "lado", "dsl"] {
        assert!(o.contacts.iter().any(|x| x == c), "lacks contact {c}");
    }
    // The 5-working-day LADO meeting is an addition to the same-day referral, never instead.
    let times = o.timeframes.join("\n");
    assert!(times.find("Same day").unwrap() < times.find("5 working days").unwrap());
    // The outcome without an offence does not promise a meeting that rests on one, and says
    // what to do if an offence comes to light.
    let lado = tree().outcome("lado_referral").unwrap();
    assert!(!lado.timeframes.join(" ").contains("5 working days"));
    assert!(lado
        .timeframes
        .join(" ")
        .contains("same-day referral to the police"));
}

#[test]
fn images_24h_route_only_for_similar_age_without_coercion() {
    let mut reached_24h = 0;
    for (path, outcome) in all_paths(tree()) {
        if !answered(&path, "incident_type", "sexual_images") {
            continue;
        }
        let any_test = IMAGE_TESTS.iter().any(|q| answered(&path, q, "yes"));
        if outcome == "images_referral_24h" {
            reached_24h += 1;
            assert!(
                !any_test,
                "24h despite an immediate-referral test: {path:?}"
            );
            assert!(answered(&path, "similar_age", "yes"), "{path:?}");
            for q in IMAGE_TESTS {
                assert!(answered(&path, q, "no"), "{q} was never asked: {path:?}");
            }
        } else {
            assert_eq!(outcome, "images_immediate_referral", "{path:?}");
            assert!(
                any_test || answered(&path, "similar_age", "no"),
                "same day without a reason: {path:?}"
            );
        }
    }
    // One path after "No" to immediate danger, and the same one after "999 already called".
    assert_eq!(reached_24h, 2, "exactly one path allows 24 hours");
    let o = tree().outcome("images_referral_24h").unwrap();
    assert!(o.summary.contains("similar age") && o.summary.contains("coercion"));
    assert!(o
        .actions
        .join(" ")
        .contains("before raising the matter with the family"));
    let same_day = tree().outcome("images_immediate_referral").unwrap();
    assert!(same_day.summary.contains("similar age"));
}

#[test]
fn immediate_danger_help_keeps_999_and_spa_apart() {
    let q = tree().question("immediate_danger").unwrap();
    let help = q.help.as_deref().unwrap();
    assert!(q.text.contains("police response now"));
    assert!(help.contains("999") && help.contains("(§14)"));
    assert!(help.contains("IMMEDIATELY") && help.contains("020 8547 5008"));
    assert!(help.contains("(§13)"));
    assert!(help.contains("Answer No here"));
    assert_eq!(q.choice("yes").unwrap().next, "call_999");
    // The serious-harm route is reached by answering No, never by the 999 outcome alone.
    let paths = all_paths(tree());
    assert!(paths
        .iter()
        .any(|(p, o)| answered(p, "immediate_danger", "no") && o == "significant_harm_referral"));
}

#[test]
fn significant_harm_help_counts_showing_sexual_material() {
    let q = tree().question("significant_harm").unwrap();
    let help = q.help.as_deref().unwrap();
    assert!(help.contains("showing a child sexual material"), "{help}");
    assert!(help.contains("answer Yes"), "{help}");
    assert!(help.contains("s.12"), "{help}");
    assert!(q.sources.iter().any(|s| s == "strategy.s15"));
}

#[test]
fn police_reports_say_999_is_for_emergencies_and_no_number_is_invented() {
    for o in tree().outcomes() {
        let actions = o.actions.join("\n");
        if actions.contains("to the police") && o.id != "call_999" {
            assert!(
                actions.contains("no police non-emergency number") && actions.contains("999"),
                "{}: reporting to the police must come with the fact that 999 is for emergencies",
                o.id
            );
        }
        let all = format!("{}\n{}\n{}", o.summary, o.timeframes.join("\n"), actions);
        assert!(
            !all.split(|c: char| !c.is_ascii_digit()).any(|d| d == "101"),
            "{}: a police non-emergency number the guidance does not give",
            o.id
        );
    }
    // Significant harm brings the police in only where the guidance calls for them.
    let o = tree().outcome("significant_harm_referral").unwrap();
    assert!(o
        .actions
        .iter()
        .any(|a| a.contains("where the guidance calls for them")));
}

#[test]
fn bullying_severe_is_marked_as_the_tools_reading() {
    let q = tree().question("bullying_severe").unwrap();
    assert!(q.help.as_deref().unwrap().contains("this tool's reading"));
    let o = tree().outcome("bullying_police").unwrap();
    assert!(o.summary.contains("this tool's reading"));
}
