//! Property tests: nothing a practitioner can type makes a query command misbehave.
//!
//! Arbitrary strings (any Unicode scalar including control characters, RTL and bidi marks,
//! zero-width characters, emoji with joiners, combining marks, every character tantivy's query
//! syntax gives a meaning to, real vocabulary mixed with garbage, and pasted text up to ~10 kB)
//! are fed to every query command through `commands::run`, to `console::run_line` as whole
//! command lines (real, misspelt and garbage command names), and to `commands::autocomplete` for
//! every command. For every input:
//!
//! - nothing panics;
//! - a query command's reply is an `Answer`, `NoMatch` or `Error` (a line that is not a query
//!   command: `Info` or `Error`);
//! - every reply carries the emergency route (999 and the SPA number);
//! - every `Answer` has at least one result, and each result cites a real document and section
//!   (non-empty, and the very citation the knowledge gives for that section id);
//! - no control character typed by the user reaches a reply's title, body or echoed query (the
//!   console prints them to a terminal; Discord shows them to colleagues), and the echoed query
//!   is cut to `MAX_QUERY_CHARS`;
//! - autocomplete returns at most 25 non-empty choices of at most 100 characters (Discord's
//!   limits).
//!
//! The number of cases is fixed (256 per property, or `PROPTEST_CASES`) so the run time is
//! bounded on CI; a failure prints the shrunk input, which then belongs in
//! `known_awkward_inputs` below as a plain regression test.
//!
//! Run: `cargo test --test fuzz_queries` (harder: `PROPTEST_CASES=5000 cargo test --release
//! --test fuzz_queries`).

mod support;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::console;
use safeguarding_bot::reply::{Reply, ReplyKind, EMERGENCY_LINE};
use safeguarding_bot::search::analyzer::MAX_QUERY_CHARS;

const QUERY_COMMANDS: [Command; 4] = [
    Command::WhoCall,
    Command::Threshold,
    Command::Offence,
    Command::Search,
];

/// Characters that have broken text handling somewhere before: query syntax, controls, bidi and
/// zero-width marks, non-characters, multi-code-point emoji, case-mapping oddities.
const AWKWARD: &[char] = &[
    '+',
    '-',
    '&',
    '|',
    '!',
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    '^',
    '"',
    '~',
    '*',
    '?',
    ':',
    '\\',
    '/',
    '\'',
    '`',
    '<',
    '>',
    '=',
    '#',
    '%',
    '@',
    '$',
    ',',
    '.',
    ';',
    ' ',
    '\t',
    '\n',
    '\r',
    '\0',
    '\u{7}',
    '\u{8}',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9b}',
    '\u{a0}',
    '\u{ad}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202b}',
    '\u{202c}',
    '\u{202d}',
    '\u{202e}',
    '\u{2066}',
    '\u{2067}',
    '\u{2068}',
    '\u{2069}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{3000}',
    '\u{301}',
    '\u{345}',
    '\u{e000}',
    '\u{10ffff}',
    '🙂',
    '👩',
    '👨',
    '\u{1f3fd}',
    '🏳',
    '\u{fe0f}',
    'ß',
    'İ',
    'ı',
    'ﬁ',
    'ﬃ',
    'Σ',
    'ς',
    'Å',
    'ǅ',
    'ᾈ',
    'ŉ',
    'ΐ',
    'ﬀ',
    '中',
    '文',
    'ع',
    'ר',
    '٣',
    '½',
    '²',
    'Ⅻ',
    '①',
];

/// Words the knowledge and its synonyms use, shorthand the aliases rewrite, stopwords, query
/// syntax keywords and near-misses for the spelling corrector.
const WORDS: &[&str] = &[
    "grooming",
    "groomng",
    "nudes",
    "sexting",
    "sextin",
    "semi-nudes",
    "999",
    "lado",
    "spa",
    "immediate",
    "danger",
    "out",
    "of",
    "hours",
    "yr",
    "yrs",
    "y/o",
    "msgs",
    "pics",
    "15",
    "revenge",
    "porn",
    "bullying",
    "bulying",
    "extremism",
    "prevent",
    "self-harm",
    "police",
    "allegation",
    "staff",
    "referral",
    "refferal",
    "threshold",
    "offence",
    "AND",
    "OR",
    "NOT",
    "TO",
    "title:",
    "body:",
    "*",
    "~2",
    "^3",
    "\"",
    "the",
    "a",
    "in",
    "now",
    "right",
    "urgent",
    "ceop",
    "csc",
    "cse",
    "radicalisation",
    "images",
    "indecent",
    "photograph",
    "s.1",
    "1978",
    "Protection",
    "Children",
    "Act",
    "2003",
    "DSL",
    "nspcc",
    "0808",
    "020 8547 5008",
];

fn awkward_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::any(),
        3 => select(AWKWARD),
        2 => proptest::char::range('a', 'z'),
    ]
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(WORDS).prop_map(str::to_string),
        1 => select(WORDS).prop_map(|w| w.to_uppercase()),
        2 => vec(awkward_char(), 1..6).prop_map(|c| c.into_iter().collect()),
    ]
}

/// Any text a user might type or paste.
fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        // Fully arbitrary Unicode, short.
        3 => vec(proptest::char::any(), 0..64).prop_map(|c| c.into_iter().collect()),
        // Awkward characters only.
        2 => vec(awkward_char(), 0..120).prop_map(|c| c.into_iter().collect()),
        // Real words mixed with garbage, joined by odd separators.
        4 => (vec(piece(), 0..30), select(&[" ", "", "  ", "\t", "\u{3000}", "\u{200b}", "-", "\n"][..]))
            .prop_map(|(p, sep)| p.join(sep)),
        // Pasted text: a chunk repeated up to ~10 kB.
        1 => (vec(piece(), 1..8), 1usize..600).prop_map(|(p, n)| {
            let chunk = p.join(" ");
            let mut s = String::new();
            while s.len() < 10_000 && n > 0 && s.len() < chunk.len().max(1) * n {
                s.push_str(&chunk);
                s.push(' ');
            }
            s
        }),
        // Long arbitrary Unicode.
        1 => vec(proptest::char::any(), 1000..4000).prop_map(|c| c.into_iter().collect()),
    ]
}

/// A console line: a command name (real, aliased, misspelt, garbage or none), a separator and a
/// query.
fn command_line() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        4 => select(&[
            "/whocall", "/threshold", "/offence", "/offense", "/search", "/help", "/triage",
            "/reload", "/WHOCALL", "/Who", "/call", "/law", "/find", "/?", "/thresholds",
            "/offences", "/quit", "/", "//", "/whocall/whocall", "", "whocall", " /search",
        ][..]).prop_map(str::to_string),
        2 => vec(awkward_char(), 0..12).prop_map(|c| format!("/{}", c.into_iter().collect::<String>())),
        1 => vec(proptest::char::any(), 0..12).prop_map(|c| c.into_iter().collect()),
    ];
    let sep = select(
        &[
            " ", "  ", "\t", "\n", "\u{a0}", "\u{3000}", "\u{2028}", "", "\u{200b}",
        ][..],
    );
    (name, sep, query()).prop_map(|(n, s, q)| format!("{n}{s}{q}"))
}

fn is_control_other_than_newline(c: char) -> bool {
    c.is_control() && c != '\n'
}

/// What every reply to anything must satisfy.
fn check_common(r: &Reply, what: &str) {
    let emergency = r
        .emergency
        .as_deref()
        .unwrap_or_else(|| panic!("{what}: no emergency route: {r:?}"));
    assert_eq!(emergency, EMERGENCY_LINE, "{what}");
    assert!(
        !r.title.chars().any(is_control_other_than_newline),
        "{what}: control character in the title {:?}",
        r.title
    );
    assert!(
        !r.body.chars().any(is_control_other_than_newline),
        "{what}: control character in the body {:?}",
        r.body
    );
    assert!(
        r.query.chars().count() <= MAX_QUERY_CHARS,
        "{what}: query not cut"
    );
    assert!(
        !r.query.chars().any(char::is_control),
        "{what}: control character in the query {:?}",
        r.query
    );
}

/// What every reply to a query command must satisfy.
fn check_query_reply(r: &Reply, command: Command, what: &str) {
    check_common(r, what);
    let k = &support::snapshot().knowledge;
    assert!(
        matches!(
            r.kind,
            ReplyKind::Answer | ReplyKind::NoMatch | ReplyKind::Error
        ),
        "{what}: unexpected kind {:?}",
        r.kind
    );
    assert_eq!(r.command, command.name(), "{what}");
    match r.kind {
        ReplyKind::Answer => {
            // An answer is search results, or a situation read from the words whose lead (what
            // the triage tree decides) cites the outcome's source even when search found nothing
            // beneath it.
            if r.results.is_empty() {
                assert!(
                    r.situation.is_some() && !r.citations.is_empty(),
                    "{what}: an Answer with no results and no cited situation lead"
                );
                for c in &r.citations {
                    assert_eq!(
                        k.citation(&c.section_id).as_ref(),
                        Some(c),
                        "{what}: the lead cites something the knowledge does not hold"
                    );
                }
            }
            for h in &r.results {
                let c = &h.citation;
                assert!(
                    !c.document.trim().is_empty() && !c.section.trim().is_empty(),
                    "{what}: result {} has an empty citation {c:?}",
                    h.id
                );
                assert!(
                    !c.document_id.is_empty() && !c.section_id.is_empty(),
                    "{what}: result {} has an empty citation id {c:?}",
                    h.id
                );
                assert_eq!(
                    k.citation(&c.section_id).as_ref(),
                    Some(c),
                    "{what}: result {} cites something the knowledge does not hold",
                    h.id
                );
            }
        }
        ReplyKind::NoMatch => assert!(r.results.is_empty(), "{what}: NoMatch with results"),
        _ => {}
    }
}

fn check_line_reply(line: &str, r: &Reply) {
    let what = format!("line {line:?}");
    match commands::parse_line(line) {
        Ok(inv) if inv.command.takes_query() => check_query_reply(r, inv.command, &what),
        Ok(_) => {
            check_common(r, &what);
            assert!(
                matches!(r.kind, ReplyKind::Info),
                "{what}: {:?} for a command without a query",
                r.kind
            );
        }
        Err(_) => {
            check_common(r, &what);
            assert_eq!(r.kind, ReplyKind::Error, "{what}");
        }
    }
}

fn check_autocomplete(command: Command, partial: &str) {
    let choices = commands::autocomplete(support::snapshot(), command, partial);
    assert!(
        choices.len() <= 25,
        "{command:?} {partial:?}: {} choices",
        choices.len()
    );
    for c in &choices {
        let n = c.chars().count();
        assert!(
            (1..=100).contains(&n),
            "{command:?} {partial:?}: choice of {n} characters: {c:?}"
        );
        assert!(
            !c.chars().any(char::is_control),
            "{command:?} {partial:?}: control character in choice {c:?}"
        );
    }
}

/// Found by the property test below: words glued together still read as a situation (here
/// extremism), while search finds nothing under them. The reply is an answer led by the tree's
/// outcome, citing that outcome's source.
#[test]
fn a_situation_with_nothing_found_beneath_still_answers_with_its_source() {
    let line =
        "/search radicalisationself-harmINgroomingTOREVENGEjb&offenceCHILDRENcse\"OUT0808CHILDREN";
    let r = console::run_line(support::snapshot(), line);
    check_line_reply(line, &r);
    assert!(r.situation.is_some(), "{}", r.body);
    assert!(!r.citations.is_empty(), "{}", r.body);
}

proptest! {
    #![proptest_config(support::proptest_config(256))]

    #[test]
    fn every_query_command_answers_anything(q in query(), which in 0usize..QUERY_COMMANDS.len()) {
        // One command per case chosen at random, plus /search on every case (the command a
        // line without a slash runs).
        let snap = support::snapshot();
        for c in [QUERY_COMMANDS[which], Command::Search] {
            let r = commands::run(snap, c, &q);
            check_query_reply(&r, c, &format!("{c:?} {q:?}"));
        }
    }

    #[test]
    fn any_console_line_gets_a_clear_reply(line in command_line()) {
        let r = console::run_line(support::snapshot(), &line);
        check_line_reply(&line, &r);
        // The JSON rendering of any reply is well-formed JSON that reads back.
        let json = console::render_json(&r).to_string();
        let back: serde_json::Value = serde_json::from_str(&json).expect("render_json is valid JSON");
        prop_assert!(back.is_object());
    }

    #[test]
    fn autocomplete_stays_within_discord_limits(
        partial in query(),
        which in 0usize..Command::ALL.len(),
    ) {
        check_autocomplete(Command::ALL[which], &partial);
    }
}

/// Inputs that were awkward once (or look as if they might be): each command, each way in.
#[test]
fn known_awkward_inputs() {
    let long_word = "a".repeat(10_000);
    let long_emoji = "👨\u{200d}👩\u{200d}👧".repeat(1_000);
    let inputs: Vec<&str> = vec![
        "",
        " ",
        "\0",
        "\u{1b}[2J\u{1b}[31m grooming",
        "\u{202e}gnimoorg",
        "\u{200f}\u{200e}lado\u{2066}",
        "title:grooming AND body:(nudes OR",
        "\"\"\"",
        "*:*",
        "grooming~2^3",
        "ﬁnd ﬁrearms",
        "İstanbul ΐ ŉ",
        "\u{feff}",
        "\u{fffe}\u{ffff}",
        &long_word,
        &long_emoji,
        "yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr yr",
        "y/o msgs pics",
    ];
    let snap = support::snapshot();
    for q in &inputs {
        for c in QUERY_COMMANDS {
            check_query_reply(&commands::run(snap, c, q), c, &format!("{c:?} {q:?}"));
        }
        for c in Command::ALL {
            check_autocomplete(c, q);
        }
        for prefix in ["/whocall ", "/search\t", "/", "/\u{1b}[31m ", ""] {
            let line = format!("{prefix}{q}");
            check_line_reply(&line, &console::run_line(snap, &line));
        }
    }
}

/// The property tests above would pass vacuously if every query got `NoMatch`: make sure the
/// checks see real answers, and the emergency answer in particular.
#[test]
fn real_queries_are_answers_with_999_first() {
    let snap = support::snapshot();
    let r = commands::run(snap, Command::WhoCall, "immediate danger");
    check_query_reply(&r, Command::WhoCall, "immediate danger");
    assert_eq!(r.kind, ReplyKind::Answer);
    assert!(r.results[0].body.contains("999"), "{:?}", r.results[0]);
    for (c, q) in [
        (Command::Threshold, "nudes 15 yr old"),
        (Command::Offence, "revenge porn"),
        (Command::Search, "signs of grooming"),
    ] {
        let r = commands::run(snap, c, q);
        check_query_reply(&r, c, q);
        assert_eq!(r.kind, ReplyKind::Answer, "{c:?} {q}");
    }
}
