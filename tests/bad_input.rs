//! Hostile and malformed queries get a clear reply, never a panic: empty, huge, control
//! characters, all punctuation, query syntax that would break a strict parser, unknown commands.

mod support;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::console;
use safeguarding_bot::reply::ReplyKind;

const QUERY_COMMANDS: [Command; 4] = [
    Command::WhoCall,
    Command::Threshold,
    Command::Offence,
    Command::Search,
];

#[test]
fn empty_query_explains_what_to_type() {
    for c in [Command::Threshold, Command::Offence, Command::Search] {
        let r = commands::run(support::snapshot(), c, "   ");
        assert_eq!(r.kind, ReplyKind::Error, "{c:?}");
        assert!(r.body.contains(&format!("/{}", c.name())), "{}", r.body);
        assert!(r.emergency.is_some());
    }
    // /whocall on its own lists the emergency routes rather than failing.
    let r = commands::run(support::snapshot(), Command::WhoCall, "");
    assert!(r.results.iter().any(|h| h.body.contains("999")));
}

#[test]
fn huge_query_is_answered() {
    let q = "grooming ".repeat(1200); // ~10 kB
    for c in QUERY_COMMANDS {
        let r = commands::run(support::snapshot(), c, &q);
        assert!(r.query.len() <= safeguarding_bot::search::analyzer::MAX_QUERY_CHARS);
        assert_eq!(r.kind, ReplyKind::Answer, "{c:?}");
    }
}

#[test]
fn control_characters_and_punctuation_do_not_break_anything() {
    for q in [
        "\u{0}\u{7}\u{1b}[31m lado \u{8}",
        "!!!???...;;;",
        "\"unbalanced",
        "title:(grooming AND",
        "a* ~2 ^3 [to] {x}",
        "NOT OR AND",
        "🙂🙂🙂",
        "\u{202e}reversed",
    ] {
        for c in QUERY_COMMANDS {
            let r = commands::run(support::snapshot(), c, q);
            assert!(
                matches!(
                    r.kind,
                    ReplyKind::Answer | ReplyKind::NoMatch | ReplyKind::Error
                ),
                "{c:?} {q:?}"
            );
            assert!(!r.query.contains('\u{0}'));
            assert!(
                r.emergency.is_some(),
                "{c:?} {q:?}: emergency route missing"
            );
        }
    }
}

#[test]
fn punctuation_only_is_no_match_with_emergency_route() {
    let r = commands::run(support::snapshot(), Command::Search, "?!?!");
    assert_eq!(r.kind, ReplyKind::NoMatch);
    assert!(r.title.contains("Nothing"));
    assert!(r.emergency.as_deref().unwrap().contains("999"));
}

#[test]
fn unknown_command_is_a_clear_error() {
    let r = console::run_line(support::snapshot(), "/deleteeverything now");
    assert_eq!(r.kind, ReplyKind::Error);
    assert!(r.body.contains("Unknown command"));
    assert!(r.body.contains("/whocall"));
}
