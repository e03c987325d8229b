//! "The whole rule first": a question that touches one branch of a rule (same day or within 24
//! hours; police always, LADO within 5 working days) is answered with every branch and its
//! conditions, in the guidance's words, before the records — in the console, in `ask --json`
//! and on Discord — and a rule that disagrees with its records is refused by `check`.

mod support;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::console::{render_json, render_text};
use safeguarding_bot::discord::render::render;
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::reply::Reply;

fn ask(command: Command, query: &str) -> Reply {
    commands::run(support::snapshot(), command, query)
}

fn discord_text(r: &Reply) -> String {
    let mut out = String::new();
    for m in render(r) {
        for e in m.embeds {
            out.push_str(e.title.as_deref().unwrap_or_default());
            out.push('\n');
            out.push_str(e.description.as_deref().unwrap_or_default());
            out.push('\n');
            for f in e.fields {
                out.push_str(&format!("{}\n{}\n", f.name, f.value));
            }
        }
    }
    out
}

/// Asserts that `text` holds every needle, in this order.
fn in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("{n:?} missing or out of order in:\n{text}"),
        }
    }
}

#[test]
fn peer_nude_question_shows_both_routes_with_conditions() {
    for (command, query) in [
        (
            Command::Threshold,
            "year 9 boy sent a nude to a girl in year 9",
        ),
        (Command::Threshold, "two 15 year olds swapped nudes"),
        (
            Command::Search,
            "sexting between pupils how fast do i refer",
        ),
    ] {
        let r = ask(command, query);
        assert!(
            r.rules.iter().any(|x| x.id == "images-referral-rule"),
            "{query}: no rule in {:?}",
            r.results.iter().map(|h| &h.id).collect::<Vec<_>>()
        );
        // The rule comes first, every branch with its timeframe and conditions, then the
        // records, then the offer of /triage.
        in_order(
            &r.body,
            &[
                "The whole rule",
                "The incident involves an adult",
                "Same day, as a matter of urgency",
                "it appears the image is between children of a similar age",
                "coercion has not occurred",
                "Within 24 hours",
                "Otherwise",
                "Same day",
                "/triage",
            ],
        );
        // /triage first (with the answers read filled in, where a situation was read).
        assert!(
            r.suggestions
                .first()
                .is_some_and(|s| s.starts_with("/triage")),
            "{:?}",
            r.suggestions
        );
        assert!(r
            .citations
            .iter()
            .any(|c| c.section_id == "strategy.s17.referral"));

        // Console text: the rule before the first record.
        let text = render_text(&r);
        in_order(&text, &["The whole rule", "Within 24 hours", "1. ["]);
        // ask --json: the rule as data, each branch with conditions and its threshold.
        let json = render_json(&r);
        let rule = &json["rules"][0];
        assert_eq!(rule["id"], "images-referral-rule");
        let branches = rule["branch"].as_array().unwrap();
        assert_eq!(branches[0]["when"], "any");
        assert_eq!(branches[0]["conditions"].as_array().unwrap().len(), 5);
        assert_eq!(branches[1]["timeframe"], "Within 24 hours");
        // Discord: the same, in the first embed's description.
        let d = discord_text(&r);
        in_order(&d, &["The whole rule", "Within 24 hours", "/triage"]);
    }
}

#[test]
fn adult_images_question_shows_police_same_day_and_the_lado_meeting() {
    let r = ask(
        Command::Threshold,
        "volunteer football coach found with indecent images of children",
    );
    assert!(
        r.rules.iter().any(|x| x.id == "adult-images-rule"),
        "{:?}",
        r.results.iter().map(|h| &h.id).collect::<Vec<_>>()
    );
    in_order(
        &r.body,
        &[
            "The whole rule",
            "Always",
            "Same day, as a matter of urgency",
            "referral to the police",
            "Social Care",
            "On arrest",
            "Same day (urgent)",
            "Within 5 working days",
            "LADO",
        ],
    );
}

#[test]
fn a_question_touching_no_rule_gets_no_rule() {
    for (command, query) in [
        (Command::WhoCall, "prevent lead"),
        (Command::Offence, "racial hatred"),
        (Command::Threshold, "radicalisation channel referral"),
    ] {
        let r = ask(command, query);
        assert!(r.rules.is_empty(), "{query}: {:?}", r.rules);
        assert!(!r.body.contains("The whole rule"), "{query}");
    }
}

fn with_thresholds(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    support::knowledge_copy_with("thresholds.toml", edit)
}

/// Each error as `file:line: message`.
fn errors(dir: &tempfile::TempDir) -> Vec<String> {
    support::load_errors(dir.path())
        .into_iter()
        .map(|(f, l, m)| format!("{f}:{l}: {m}"))
        .collect()
}

#[test]
fn rule_timeframe_must_match_its_threshold() {
    let original = KnowledgeFiles::embedded()
        .get("thresholds.toml")
        .unwrap()
        .to_string();
    // Errors point at the rule's `[[rule]]` header, the line just above its id.
    let rule_line = original
        .lines()
        .position(|l| l.contains("id = \"images-referral-rule\""))
        .unwrap();
    assert_eq!(original.lines().nth(rule_line - 1), Some("[[rule]]"));
    // A branch that says 48 hours where the threshold says 24.
    let dir = with_thresholds(|t| {
        t.replacen(
            "  timeframe = \"Within 24 hours\"",
            "  timeframe = \"Within 48 hours\"",
            1,
        )
    });
    let errs = errors(&dir);
    assert!(
        errs.iter()
            .any(|e| e.contains(&format!("thresholds.toml:{rule_line}:"))
                && e.contains("Within 48 hours")
                && e.contains("images-referral-24h")),
        "{errs:#?}"
    );
    // A condition reworded so it is no longer the guidance's own.
    let dir = with_thresholds(|t| {
        t.replacen(
            "\"coercion has not occurred\"",
            "\"there was probably no coercion\"",
            1,
        )
    });
    let errs = errors(&dir);
    assert!(
        errs.iter()
            .any(|e| e.contains("not verbatim") && e.contains("probably no coercion")),
        "{errs:#?}"
    );
    // A branch pointing at a threshold that does not exist.
    let dir = with_thresholds(|t| {
        t.replacen(
            "threshold = \"lado-strategy-meeting\"",
            "threshold = \"lado-meeting\"",
            1,
        )
    });
    let errs = errors(&dir);
    assert!(errs.iter().any(|e| e.contains("lado-meeting")), "{errs:#?}");
    // The real file is valid.
    assert!(errors(&with_thresholds(|t| t.to_string())).is_empty());
}
