//! Property tests: no knowledge copy, however broken, can crash the loader, and every refusal
//! says where to look.
//!
//! An admin edits `knowledge/` by hand and runs `/reload`; whatever they typed, the bot must
//! either serve a whole, valid copy or refuse it with errors they can act on. Fed to
//! `Knowledge::load` and `Snapshot::build` (which adds the triage tree and the search index):
//!
//! - (a) fully arbitrary text in place of each file (any Unicode, control characters, TOML-ish
//!   and Markdown-ish garbage), and arbitrary *bytes* (invalid UTF-8 included) written to a copy
//!   on disk and read with `KnowledgeFiles::from_dir`;
//! - (b) structure-aware mutations of the real embedded files: delete, duplicate or swap lines,
//!   insert a garbage line, truncate at a random point, replace a `key = value`'s value with
//!   garbage, break a Markdown heading's `{#id}` or level, drop a whole file;
//! - (c) the same mutations of `knowledge/triage.toml` checked with `Tree::parse` against the
//!   real knowledge.
//!
//! For every input: nothing panics; on error, every `KnowledgeError` names a non-empty file and
//! says something, its line is within that file (≤ its line count + 1), and line 0 appears only
//! for a problem with a whole file (missing or unreadable, a document with no sections, a
//! manifest with no documents, a tree with no evidence rules): every other error has a line
//! ≥ 1; the errors are sorted by file and line. On success, the copy is actually servable: the
//! emergency query still answers, every answer's citations exist, and a successfully loaded
//! triage tree really has what validation promises (every `next` resolves, every path from
//! `start` ends in an outcome with at least one real citation and real contacts, every node is
//! reachable).
//!
//! Cases are fixed (128 per property over whole copies, 512 for the tree alone, 32 for the
//! on-disk byte test; or `PROPTEST_CASES` for all) so CI time is bounded; failures print the
//! shrunk input.
//!
//! Run: `cargo test --test fuzz_knowledge`.

use std::collections::HashSet;
use std::sync::OnceLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
mod support;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::knowledge::{Knowledge, KnowledgeErrors, KnowledgeFiles};
use safeguarding_bot::reply::ReplyKind;
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::{Node, Tree};

fn embedded() -> &'static KnowledgeFiles {
    static FILES: OnceLock<KnowledgeFiles> = OnceLock::new();
    FILES.get_or_init(KnowledgeFiles::embedded)
}

fn paths() -> Vec<String> {
    embedded().paths().map(str::to_string).collect()
}

/// The real knowledge, loaded once (the triage tree is checked against it).
fn knowledge() -> &'static Knowledge {
    static K: OnceLock<Knowledge> = OnceLock::new();
    K.get_or_init(|| Knowledge::load(embedded()).expect("the embedded knowledge is valid"))
}

// ---------------------------------------------------------------------------------------------
// Generators.

/// Fragments that mean something to TOML or to the section splitter.
const SYNTAX: &[&str] = &[
    "[[contact]]",
    "[[threshold]]",
    "[[offence]]",
    "[[note]]",
    "[[group]]",
    "[[alias]]",
    "[[document]]",
    "[[question]]",
    "[[question.choice]]",
    "[[outcome]]",
    "[[evidence]]",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "#",
    "##",
    "###",
    "#######",
    "{#",
    "{#strategy.s1}",
    "{#guidance.x}",
    "{#}",
    "}",
    "```",
    "\n",
    "\r\n",
    "\r",
    "\t",
    ",",
    ".",
    "id = ",
    "sources = []",
    "quote = \"\"",
    "phone = \"999\"",
    "start = \"\"",
    "next = \"call_999\"",
    "value = \"back\"",
    "version = 1",
    "true",
    "1979-05-27",
    "1e400",
    "nan",
    "-0",
    "0x",
    "\\u",
    "\\",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "é",
    "🙂",
];

fn garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(proptest::char::any(), 0..40).prop_map(|c| c.into_iter().collect()),
        3 => vec(select(SYNTAX), 0..12).prop_map(|p| p.concat()),
        1 => vec(proptest::char::any(), 0..2000).prop_map(|c| c.into_iter().collect()),
    ]
}

/// One edit to a file. Positions are raw numbers reduced modulo the file's size when applied,
/// so one strategy fits every file and shrinks well.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertLine(usize, String),
    Truncate(usize),
    ReplaceValue(usize, String),
    BreakHeading(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = 0usize..100_000;
    prop_oneof![
        3 => n.clone().prop_map(Mutation::DeleteLine),
        2 => n.clone().prop_map(Mutation::DuplicateLine),
        2 => (n.clone(), n.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (n.clone(), garbage()).prop_map(|(a, g)| Mutation::InsertLine(a, g)),
        1 => n.clone().prop_map(Mutation::Truncate),
        4 => (n.clone(), value_garbage()).prop_map(|(a, g)| Mutation::ReplaceValue(a, g)),
        2 => (n, garbage()).prop_map(|(a, g)| Mutation::BreakHeading(a, g)),
    ]
}

/// What might end up on the right of `=`: valid values of the wrong type or wrong content,
/// broken quoting, and plausible-but-wrong ids and phone numbers.
fn value_garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => garbage(),
        2 => garbage().prop_map(|g| format!("{g:?}")), // a well-formed TOML basic string
        1 => select(&[
            "\"\"", "\" \"", "[]", "[\"\"]", "[\"nope.s99\"]", "[\"strategy.s14\", \"nope\"]",
            "\"020 8547 500\"", "\"02085475008\"", "\"0000 000 0000\"", "\"12345\"", "\"999 \"",
            "\"Strategy.S14\"", "\"strategy..s14\"", "\"-x\"", "\"back\"", "\"restart\"",
            "\"call_999\"", "\"immediate_danger\"", "\"nonexistent_node\"", "\"danger\"",
            "\"purple\"", "\"repealed\"", "\"sometimes\"", "\"A\"", "42", "-1", "3.5", "true",
            "{}", "{ a = 1 }", "\"unterminated", "'''", "\"\"\"", "[", "[[]]",
        ][..])
        .prop_map(str::to_string),
        1 => "[a-z0-9_.-]{0,40}".prop_map(|s| format!("\"{s}\"")),
        // A TOML string holding control characters through escapes (valid TOML).
        1 => vec(prop_oneof![Just("\\u0000"), Just("\\u001b[31m"), Just("\\r"), Just("\\b"), Just("x"), Just("\\u202e")], 1..6)
            .prop_map(|p| format!("\"{}\"", p.concat())),
    ]
}

fn char_floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies one mutation. Lines are split on `\n` and joined back with `\n`, so everything else
/// (including `\r`) is kept as it was.
fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let n = lines.len();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::InsertLine(i, g) => lines.insert(i % (n + 1), g.clone()),
        Mutation::Truncate(i) => {
            let at = char_floor(text, i % (text.len() + 1));
            return text[..at].to_string();
        }
        Mutation::ReplaceValue(i, g) => {
            // The i-th `key = value` line (wrapping), with its value replaced.
            let assignments: Vec<usize> = (0..n)
                .filter(|&j| {
                    let l = lines[j].trim_start();
                    !l.starts_with('#') && l.contains(" = ")
                })
                .collect();
            if assignments.is_empty() {
                lines.insert(i % (n + 1), g.clone());
            } else {
                let j = assignments[i % assignments.len()];
                let key = lines[j].split(" = ").next().unwrap_or("").to_string();
                lines[j] = format!("{key} = {g}");
            }
        }
        Mutation::BreakHeading(i, g) => {
            // The i-th Markdown heading (wrapping): its id replaced, its id removed, or its level
            // changed; in a file without headings, the i-th line gets a `#` prefix.
            let headings: Vec<usize> = (0..n).filter(|&j| lines[j].starts_with('#')).collect();
            if headings.is_empty() {
                let j = i % n;
                lines[j] = format!("# {}", lines[j]);
            } else {
                let j = headings[i % headings.len()];
                let l = lines[j].clone();
                lines[j] = match (i / headings.len().max(1)) % 4 {
                    0 => match l.rfind("{#") {
                        Some(k) => format!("{}{{#{g}}}", &l[..k]),
                        None => format!("{l} {{#{g}}}"),
                    },
                    1 => l.rfind("{#").map_or(l.clone(), |k| l[..k].to_string()),
                    2 => format!("#######{l}"),
                    _ => l.trim_start_matches('#').to_string(),
                };
            }
        }
    }
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// Messages the loader gives at line 0: problems with a whole file.
fn whole_file_problem(message: &str) -> bool {
    [
        "is missing",
        "has no sections",
        "lists no [[document]]",
        "is not valid UTF-8",
        "cannot read",
        "is not a directory",
        "has no [[evidence]] rules",
        "has no [[holiday]] rules",
    ]
    .iter()
    .any(|m| message.contains(m))
}

/// What every refusal must look like.
fn check_errors(files: &KnowledgeFiles, errors: &KnowledgeErrors, what: &str) {
    assert!(!errors.is_empty(), "{what}: Err with no errors");
    let mut sorted = errors.clone();
    sorted.sort();
    assert_eq!(&sorted, errors, "{what}: errors are not in file/line order");
    for e in errors.iter() {
        assert!(
            !e.file.trim().is_empty(),
            "{what}: error with no file: {e:?}"
        );
        assert!(
            !e.message.trim().is_empty(),
            "{what}: error with no message: {e:?}"
        );
        // The message is printed to a terminal by `check` and shown in chat by `/reload`.
        assert!(
            !e.message.chars().any(|c| c.is_control() && c != '\n'),
            "{what}: control character in {e:?}"
        );
        match files.get(&e.file) {
            Some(text) => {
                let line_count = text.split('\n').count();
                assert!(
                    e.line <= line_count + 1,
                    "{what}: {}:{} is past the end of the file ({line_count} lines): {}",
                    e.file,
                    e.line,
                    e.message
                );
                // Line 0 means "the whole file"; anything about its content has a line (the TOML
                // parser gives a position even for a missing top-level key).
                assert!(
                    e.line >= 1 || whole_file_problem(&e.message),
                    "{what}: {} has a content error without a line: {}",
                    e.file,
                    e.message
                );
            }
            None => {
                // The error concerns a file that does not exist: it must say so (or be an index
                // failure, which is not about any file).
                assert!(
                    whole_file_problem(&e.message)
                        || e.file == "(index)"
                        || e.message.contains("does not exist"),
                    "{what}: error for unknown file {:?}: {}",
                    e.file,
                    e.message
                );
            }
        }
    }
}

/// A copy that loads must be servable: the emergency query answers with real citations.
fn check_servable(snap: &Snapshot, what: &str) {
    let r = commands::run(snap, Command::WhoCall, "");
    assert!(
        matches!(r.kind, ReplyKind::Answer),
        "{what}: /whocall alone: {:?}",
        r.kind
    );
    for (c, q) in [
        (Command::WhoCall, "child in immediate danger"),
        (Command::Search, "grooming"),
        (Command::Threshold, "nudes"),
        (Command::Offence, "indecent images"),
    ] {
        let r = commands::run(snap, c, q);
        assert!(
            matches!(r.kind, ReplyKind::Answer | ReplyKind::NoMatch),
            "{what}: {c:?} {q}: {:?}",
            r.kind
        );
        assert!(r.emergency.is_some(), "{what}: no emergency route");
        for h in &r.results {
            assert_eq!(
                snap.knowledge.citation(&h.citation.section_id).as_ref(),
                Some(&h.citation),
                "{what}: {c:?} {q}: bad citation on {}",
                h.id
            );
        }
    }
    check_tree_promises(&snap.triage, &snap.knowledge, what);
}

/// Loads a copy both ways and checks the result.
fn check_load(files: &KnowledgeFiles, what: &str) {
    match Snapshot::build(files) {
        Ok(snap) => check_servable(&snap, what),
        Err(errors) => check_errors(files, &errors, what),
    }
}

/// What a validated tree promises (docs/triage.md, "What validation guarantees").
fn check_tree_promises(tree: &Tree, k: &Knowledge, what: &str) {
    let start = tree.start();
    assert!(tree.question(&start.id).is_some(), "{what}: start");
    let mut reachable: HashSet<&str> = HashSet::new();
    // Every path ends in an outcome: walk every path with an explicit stack, bounded by the
    // number of nodes (a cycle would exceed it).
    let limit = tree.questions().len() + tree.outcomes().len();
    let mut stack: Vec<(&str, usize)> = vec![(start.id.as_str(), 0)];
    let mut paths = 0usize;
    while let Some((id, depth)) = stack.pop() {
        assert!(
            depth <= limit,
            "{what}: a path longer than the tree: a loop"
        );
        reachable.insert(id);
        match tree.node(id) {
            Some(Node::Question(q)) => {
                assert!(
                    (2..=20).contains(&q.choices.len()),
                    "{what}: question {} has {} answers",
                    q.id,
                    q.choices.len()
                );
                let mut values = HashSet::new();
                for c in &q.choices {
                    assert!(values.insert(c.value.as_str()), "{what}: duplicate value");
                    assert!(
                        c.value != "back" && c.value != "restart",
                        "{what}: reserved value"
                    );
                    assert!(
                        tree.node(&c.next).is_some(),
                        "{what}: {}.{} leads nowhere",
                        q.id,
                        c.value
                    );
                    stack.push((c.next.as_str(), depth + 1));
                }
            }
            Some(Node::Outcome(o)) => {
                paths += 1;
                assert!(paths < 1_000_000, "{what}: path explosion");
                assert!(
                    !o.sources.is_empty(),
                    "{what}: outcome {} cites nothing",
                    o.id
                );
                for s in &o.sources {
                    assert!(k.section(s).is_some(), "{what}: {} cites {s}", o.id);
                }
                for c in &o.contacts {
                    assert!(k.contact(c).is_some(), "{what}: {} names {c}", o.id);
                }
                assert!(!o.actions.is_empty() && !o.timeframes.is_empty(), "{what}");
            }
            None => panic!("{what}: dangling node {id}"),
        }
    }
    for q in tree.questions() {
        assert!(
            reachable.contains(q.id.as_str()),
            "{what}: {} unreachable",
            q.id
        );
    }
    for o in tree.outcomes() {
        assert!(
            reachable.contains(o.id.as_str()),
            "{what}: {} unreachable",
            o.id
        );
    }
    assert!(!tree.evidence().is_empty(), "{what}: no evidence rules");
}

// ---------------------------------------------------------------------------------------------
// Properties.

// A copy that loads costs a full index build (~0.2 s in a debug build), so the properties over
// whole copies run 128 cases; the tree-only property is cheap and runs 512.
proptest! {
    #![proptest_config(support::proptest_config(128))]

    /// (a) Any text at all in place of one file.
    #[test]
    fn arbitrary_text_in_any_file(which in 0usize..64, text in garbage()) {
        let paths = paths();
        let path = &paths[which % paths.len()];
        let mut files = embedded().clone();
        files.insert(path.clone(), text);
        check_load(&files, &format!("{path} replaced"));
    }

    /// (b) One to four structure-aware edits of one or two real files, or a file dropped.
    #[test]
    fn mutated_real_files(
        edits in vec((0usize..64, mutation()), 1..5),
        drop in proptest::option::weighted(0.1, 0usize..64),
    ) {
        let paths = paths();
        let mut files = embedded().clone();
        let mut what = Vec::new();
        for (which, m) in &edits {
            let path = &paths[which % paths.len()];
            let text = files.get(path).unwrap_or_default().to_string();
            files.insert(path.clone(), apply(&text, m));
            what.push(format!("{path}: {m:?}"));
        }
        if let Some(d) = drop {
            let path = &paths[d % paths.len()];
            files.remove(path);
            what.push(format!("{path} removed"));
        }
        check_load(&files, &what.join("; "));
    }
}

proptest! {
    #![proptest_config(support::proptest_config(512))]

    /// (c) Edits of the triage tree alone, against the real knowledge.
    #[test]
    fn mutated_triage_tree(edits in vec(mutation(), 1..5)) {
        let mut text = embedded().get("triage.toml").expect("triage.toml").to_string();
        for m in &edits {
            text = apply(&text, m);
        }
        let what = format!("triage.toml: {edits:?}");
        let k = knowledge();
        match Tree::parse(&text, k) {
            Ok(tree) => check_tree_promises(&tree, k, &what),
            Err(errors) => {
                let mut files = embedded().clone();
                files.insert("triage.toml", text);
                assert!(errors.iter().all(|e| e.file == "triage.toml"), "{what}: {errors}");
                check_errors(&files, &errors, &what);
            }
        }
    }
}

proptest! {
    #![proptest_config(support::proptest_config(32))]

    /// (a) Arbitrary bytes, invalid UTF-8 included, in a copy on disk.
    #[test]
    fn arbitrary_bytes_on_disk(which in 0usize..64, bytes in vec(any::<u8>(), 0..512)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = paths();
        for p in &paths {
            let target = dir.path().join(p);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(&target, embedded().get(p).expect("file")).expect("write");
        }
        let path = &paths[which % paths.len()];
        std::fs::write(dir.path().join(path), &bytes).expect("write");
        let what = format!("{path} = {bytes:?}");
        match KnowledgeFiles::from_dir(dir.path()) {
            Ok(files) => check_load(&files, &what),
            Err(errors) => {
                assert!(
                    std::str::from_utf8(&bytes).is_err(),
                    "{what}: valid UTF-8 refused: {errors}"
                );
                assert_eq!(errors.len(), 1, "{what}: {errors}");
                let e = &errors.0[0];
                assert_eq!(&e.file, path, "{what}");
                assert!(e.message.contains("UTF-8"), "{what}: {e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed cases: each mutation kind on each file, so every file is covered whatever the random
// draw, and the checks themselves are seen to bite.

#[test]
fn every_mutation_kind_on_every_file() {
    let mutations = [
        Mutation::DuplicateLine(11),
        Mutation::Truncate(1000),
        Mutation::ReplaceValue(9, "[\"nope.s99\"]".into()),
        Mutation::BreakHeading(5, "Not An Id".into()),
    ];
    for path in paths() {
        for m in &mutations {
            let mut files = embedded().clone();
            let text = files.get(&path).expect("file").to_string();
            files.insert(path.clone(), apply(&text, m));
            check_load(&files, &format!("{path}: {m:?}"));
        }
        let mut files = embedded().clone();
        files.remove(&path);
        match Snapshot::build(&files) {
            Ok(_) => panic!("{path} removed: the copy still loaded"),
            Err(e) => check_errors(&files, &e, &format!("{path} removed")),
        }
    }
}

#[test]
fn broken_values_are_reported_at_their_record() {
    // A dangling citation and a malformed phone number, each at the line of its record.
    let mut files = embedded().clone();
    let contacts = files.get("contacts.toml").expect("contacts").to_string();
    let spa_line = contacts
        .lines()
        .position(|l| l.contains("\"020 8547 5008\""))
        .expect("SPA number")
        + 1;
    files.insert(
        "contacts.toml",
        contacts.replacen("\"020 8547 5008\"", "\"020 8547 500\"", 1),
    );
    let errors = Knowledge::load(&files).expect_err("malformed phone");
    check_errors(&files, &errors, "malformed phone");
    let e = errors
        .iter()
        .find(|e| e.message.contains("malformed phone"))
        .expect("phone error");
    assert_eq!(e.file, "contacts.toml");
    assert!(
        e.line >= 1 && e.line < spa_line,
        "reported at {} for a value on line {spa_line}",
        e.line
    );
    // The record header is at most a few lines above the value.
    assert!(spa_line - e.line < 10, "{e}");

    let mut files = embedded().clone();
    let t = files
        .get("thresholds.toml")
        .expect("thresholds")
        .to_string();
    let at = t.find("sources = [\"").expect("a sources line");
    let broken = format!("{}sources = [\"nope.s99\", {}", &t[..at], &t[at + 11..]);
    files.insert("thresholds.toml", broken.clone());
    let errors = Knowledge::load(&files).expect_err("dangling citation");
    check_errors(&files, &errors, "dangling citation");
    let e = errors
        .iter()
        .find(|e| e.message.contains("nope.s99"))
        .expect("citation error");
    let value_line = broken[..at].matches('\n').count() + 1;
    assert_eq!(e.file, "thresholds.toml");
    assert!(
        e.line >= 1 && e.line <= value_line,
        "{e} (value on line {value_line})"
    );
}

#[test]
fn values_quoted_in_errors_cannot_carry_control_characters() {
    // A TOML escape can put an escape sequence into an id; the error quotes the id back, and is
    // printed to a terminal by `check` and shown in chat by `/reload`.
    let mut files = embedded().clone();
    let contacts = files.get("contacts.toml").expect("contacts").to_string();
    files.insert(
        "contacts.toml",
        contacts.replacen("id = \"spa\"", "id = \"spa\\u001b[2J\"", 1),
    );
    let errors = Knowledge::load(&files).expect_err("bad id");
    check_errors(&files, &errors, "escaped id");
    assert!(
        errors.iter().any(|e| e.message.contains("spa\\u{1b}[2J")),
        "{errors}"
    );
}

#[test]
fn the_checks_catch_a_bad_error_report() {
    // check_errors must reject what it is meant to reject, or the properties prove nothing.
    use safeguarding_bot::knowledge::KnowledgeError;
    let files = embedded();
    let bad = [
        KnowledgeError::new("", 1, "x"),
        KnowledgeError::new("contacts.toml", 1, "  "),
        KnowledgeError::new("contacts.toml", 999_999, "past the end"),
        KnowledgeError::new("sources/online-safety-guidance.md", 0, "content error"),
        KnowledgeError::new("nowhere.toml", 3, "something"),
    ];
    for e in bad {
        let errors = KnowledgeErrors(vec![e.clone()]);
        let caught = std::panic::catch_unwind(|| check_errors(files, &errors, "probe")).is_err();
        assert!(caught, "check_errors accepted {e:?}");
    }
}

#[test]
fn mutations_do_what_they_say() {
    let t = "a = 1\n# b = 2\nc = \"x\"\n# H {#d.h}\nbody";
    assert_eq!(
        apply(t, &Mutation::DeleteLine(0)),
        "# b = 2\nc = \"x\"\n# H {#d.h}\nbody"
    );
    assert_eq!(
        apply(t, &Mutation::ReplaceValue(1, "[".into())),
        "a = 1\n# b = 2\nc = [\n# H {#d.h}\nbody"
    );
    // Lines starting with `#` count as headings (the splitter sees them so): the second is `# H`.
    assert_eq!(
        apply(t, &Mutation::BreakHeading(1, "Z".into())),
        "a = 1\n# b = 2\nc = \"x\"\n# H {#Z}\nbody"
    );
    assert_eq!(
        apply(t, &Mutation::BreakHeading(3, "Z".into())),
        "a = 1\n# b = 2\nc = \"x\"\n# H \nbody"
    );
    assert_eq!(
        apply(t, &Mutation::SwapLines(0, 4)),
        "body\n# b = 2\nc = \"x\"\n# H {#d.h}\na = 1"
    );
    assert_eq!(
        apply(t, &Mutation::DuplicateLine(5)),
        "a = 1\na = 1\n# b = 2\nc = \"x\"\n# H {#d.h}\nbody"
    );
    assert_eq!(apply(t, &Mutation::Truncate(3)), "a =");
    assert_eq!(apply("é", &Mutation::Truncate(1)), "");
}
