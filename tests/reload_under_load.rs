//! `/reload` under load: queries never fail and never mix two copies of the knowledge while
//! good and broken copies are reloaded over and over.
//!
//! Four reader threads run thousands of queries in total (`/whocall`, `/threshold`, `/offence`,
//! `/search` and autocomplete, with varied wording) against `Live::current()`, while a reloader
//! thread cycles through good copies (the embedded one, one with a changed version string, one
//! with a changed version *and* a changed contact text) and broken ones (bad TOML, a dangling
//! citation, a malformed phone number, a missing file, a triage tree with a dangling answer, a
//! Markdown heading without an id). It proves:
//!
//! - zero failed queries: every query that should match is an `Answer`, and `/whocall immediate
//!   danger` always has the 999 contact first;
//! - every broken reload returns `Err` naming the broken file and line (line 0 only for the
//!   missing file, which says it is missing), and leaves the live copy exactly as it was;
//! - every answer comes from one complete knowledge version: the reader holds the
//!   `Arc<Snapshot>` for the query, every result and citation exists in that snapshot's
//!   knowledge, the version is one of those loaded successfully, and the whole reply is
//!   identical to the reply the same query gets from a private snapshot of that version (so a
//!   reply mixing two copies, e.g. the new version string with the old contact text, fails);
//! - the readers really did see more than one version (so the reloads happened under load).
//!
//! Bounded by counts, not by wall-clock luck: each reader runs at least 500 queries and the
//! reloader at least two full cycles, each side carrying on until the other is done (about 3-5 s
//! in a debug build on two cores).
//!
//! Run: `cargo test --test reload_under_load`.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::console;
use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles};
use safeguarding_bot::reply::{Reply, ReplyKind};
use safeguarding_bot::snapshot::{Live, Snapshot};

const READERS: usize = 4;
const MIN_QUERIES_PER_READER: usize = 500;
const MIN_RELOAD_CYCLES: usize = 2;

/// Queries that must always be answered, with a check of the answer.
const MUST_ANSWER: &[(Command, &str)] = &[
    (Command::WhoCall, "immediate danger"),
    (Command::WhoCall, "child in immediate danger"),
    (Command::WhoCall, "out of hours"),
    (Command::WhoCall, "allegation against a member of staff"),
    (Command::Threshold, "nudes 15 yr old"),
    (Command::Threshold, "lado"),
    (Command::Offence, "revenge porn"),
    (Command::Offence, "indecent images of children"),
    (Command::Search, "signs of grooming"),
    (Command::Search, "radicalisation"),
    (Command::Search, "cyber bulying"),
];

/// Queries that may or may not match; they must still get a well-formed reply.
const MAY_ANSWER: &[(Command, &str)] = &[
    (Command::Search, "fortnite"),
    (Command::WhoCall, "?!?!"),
    (Command::Offence, ""),
    (Command::Threshold, "zzzz qqqq"),
    (Command::Search, "title:(grooming AND"),
];

/// A copy of the knowledge with one edit, asserting the edit applied.
fn edited(path: &str, from: &str, to: &str) -> KnowledgeFiles {
    let mut f = KnowledgeFiles::embedded();
    let text = f.get(path).expect("file").to_string();
    assert!(text.contains(from), "{path} has no {from:?}");
    f.insert(path, text.replacen(from, to, 1));
    f
}

/// The line (1-based) of the first occurrence of `needle` in `path` of the embedded copy.
fn line_of(path: &str, needle: &str) -> usize {
    KnowledgeFiles::embedded()
        .get(path)
        .expect("file")
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

/// A broken copy and what its errors must say: (file, a line range the error must fall in).
struct Broken {
    name: &'static str,
    files: KnowledgeFiles,
    file: &'static str,
    lines: std::ops::RangeInclusive<usize>,
}

fn broken_copies() -> Vec<Broken> {
    let spa = line_of("contacts.toml", "\"020 8547 5008\"");
    let first_threshold_sources = line_of("thresholds.toml", "sources = [\"");
    let first_next = line_of("triage.toml", "next = \"call_999\"");
    let heading = line_of(
        "sources/online-safety-guidance.md",
        "{#guidance.cyber-bullying}",
    );
    let missing = {
        let mut f = KnowledgeFiles::embedded();
        f.remove("offences.toml");
        f
    };
    vec![
        Broken {
            name: "bad TOML",
            files: edited(
                "contacts.toml",
                "[[contact]]\nid = \"spa\"",
                "[[contact\nid = \"spa\"",
            ),
            file: "contacts.toml",
            lines: 1..=spa,
        },
        Broken {
            name: "dangling citation",
            files: edited(
                "thresholds.toml",
                "sources = [\"",
                "sources = [\"nope.s99\", \"",
            ),
            file: "thresholds.toml",
            // Reported at the record's header, a few lines above its `sources`.
            lines: first_threshold_sources.saturating_sub(15).max(1)..=first_threshold_sources,
        },
        Broken {
            name: "malformed phone",
            files: edited("contacts.toml", "\"020 8547 5008\"", "\"020 8547 500\""),
            file: "contacts.toml",
            lines: spa.saturating_sub(10).max(1)..=spa,
        },
        Broken {
            name: "missing file",
            files: missing,
            file: "offences.toml",
            lines: 0..=0,
        },
        Broken {
            name: "broken triage tree",
            files: edited(
                "triage.toml",
                "next = \"call_999\"",
                "next = \"nowhere_at_all\"",
            ),
            file: "triage.toml",
            // Reported at the `[[question.choice]]` header just above the `next`.
            lines: first_next.saturating_sub(5).max(1)..=first_next,
        },
        Broken {
            name: "heading without id",
            files: edited(
                "sources/online-safety-guidance.md",
                " {#guidance.cyber-bullying}",
                "",
            ),
            file: "sources/online-safety-guidance.md",
            lines: heading..=heading,
        },
    ]
}

/// A reply as JSON, for comparing whole replies.
fn json(r: &Reply) -> serde_json::Value {
    serde_json::to_value(r).expect("reply serialises")
}

/// Checks one reply against the snapshot it came from and the reference for its version.
fn check_reply(
    snap: &Snapshot,
    command: Command,
    query: &str,
    reply: &Reply,
    must_answer: bool,
    reference: &HashMap<(String, Command, String), serde_json::Value>,
) -> Result<(), String> {
    let k = &snap.knowledge;
    let version = &k.manifest.version;
    let what = format!("{version} {command:?} {query:?}");
    if must_answer && reply.kind != ReplyKind::Answer {
        return Err(format!("{what}: {:?}: {}", reply.kind, reply.body));
    }
    if !matches!(
        reply.kind,
        ReplyKind::Answer | ReplyKind::NoMatch | ReplyKind::Error
    ) {
        return Err(format!("{what}: kind {:?}", reply.kind));
    }
    if reply.emergency.is_none() {
        return Err(format!("{what}: no emergency route"));
    }
    if command == Command::WhoCall && query.contains("immediate danger") {
        let first = reply.results.first().ok_or(format!("{what}: no results"))?;
        let c = k
            .contact(&first.id)
            .ok_or(format!("{what}: {} is not a contact", first.id))?;
        if c.phone.as_deref() != Some("999") || !first.body.contains("999") {
            return Err(format!("{what}: first result is {}, not 999", first.id));
        }
    }
    for h in &reply.results {
        let exists = k.section(&h.id).is_some()
            || k.contact(&h.id).is_some()
            || k.threshold(&h.id).is_some()
            || k.offence(&h.id).is_some()
            || k.notes.iter().any(|n| n.id == h.id);
        if !exists {
            return Err(format!("{what}: result {} is not in this snapshot", h.id));
        }
        if k.citation(&h.citation.section_id).as_ref() != Some(&h.citation) {
            return Err(format!(
                "{what}: citation of {} is not this snapshot's",
                h.id
            ));
        }
    }
    let key = (version.clone(), command, query.to_string());
    match reference.get(&key) {
        Some(expected) if *expected == json(reply) => Ok(()),
        Some(_) => Err(format!(
            "{what}: reply differs from a private snapshot of the same version"
        )),
        None => Err(format!("{what}: version {version} was never loaded")),
    }
}

#[test]
fn queries_never_fail_or_mix_versions_while_reloading() {
    let base = KnowledgeFiles::embedded();
    let v0 = Knowledge::load(&base)
        .expect("embedded")
        .manifest
        .version
        .clone();
    let v1 = format!("{v0}-reload-a");
    let v2 = format!("{v0}-reload-b");
    let good: Vec<(String, KnowledgeFiles)> = vec![
        (
            v1.clone(),
            edited(
                "manifest.toml",
                &format!("version = \"{v0}\""),
                &format!("version = \"{v1}\""),
            ),
        ),
        (v2.clone(), {
            let mut f = edited(
                "manifest.toml",
                &format!("version = \"{v0}\""),
                &format!("version = \"{v2}\""),
            );
            // A visible change too, so a reply mixing copies cannot look like either.
            let c = f.get("contacts.toml").expect("contacts").to_string();
            let marked = c.replacen("Call 999 first;", "Call 999 first (reload-b);", 1);
            assert_ne!(c, marked, "the 999 contact's wording changed");
            f.insert("contacts.toml", marked);
            f
        }),
        (v0.clone(), base.clone()),
    ];
    let broken = broken_copies();

    // What each query must answer under each good version, from private snapshots.
    let mut reference: HashMap<(String, Command, String), serde_json::Value> = HashMap::new();
    let mut initial = None;
    for (version, files) in &good {
        let snap = Snapshot::build(files).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(&snap.knowledge.manifest.version, version);
        for &(c, q) in MUST_ANSWER.iter().chain(MAY_ANSWER) {
            reference.insert(
                (version.clone(), c, q.to_string()),
                json(&commands::run(&snap, c, q)),
            );
        }
        if *version == v0 {
            initial = Some(snap);
        }
    }
    let loaded: BTreeSet<String> = good.iter().map(|(v, _)| v.clone()).collect();
    let reference = Arc::new(reference);
    let live = Arc::new(Live::new(initial.expect("v0")));

    let readers_done = Arc::new(AtomicUsize::new(0));
    let reloader_done = Arc::new(AtomicBool::new(false));
    let failures: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let seen: Arc<Mutex<BTreeSet<String>>> = Arc::new(Mutex::new(BTreeSet::new()));
    let queries = Arc::new(AtomicUsize::new(0));

    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let live = live.clone();
            let reference = reference.clone();
            let readers_done = readers_done.clone();
            let reloader_done = reloader_done.clone();
            let failures = failures.clone();
            let seen = seen.clone();
            let queries = queries.clone();
            std::thread::spawn(move || {
                let mut n = 0usize;
                let mut my_versions = BTreeSet::new();
                let mut counted = false;
                while !(counted && reloader_done.load(Ordering::SeqCst)) {
                    // Hold one snapshot for the whole request.
                    let snap = live.current();
                    let i = n * (r + 3) + r;
                    let (c, q, must) = if n % 5 == 4 {
                        let (c, q) = MAY_ANSWER[i % MAY_ANSWER.len()];
                        (c, q, false)
                    } else {
                        let (c, q) = MUST_ANSWER[i % MUST_ANSWER.len()];
                        (c, q, true)
                    };
                    let reply = if n % 7 == 3 {
                        // The same query through the console path.
                        console::run_line(&snap, &format!("/{} {q}", c.name()))
                    } else {
                        commands::run(&snap, c, q)
                    };
                    if let Err(e) = check_reply(&snap, c, q, &reply, must, &reference) {
                        failures.lock().expect("lock").push(e);
                    }
                    if n.is_multiple_of(11) {
                        let choices = commands::autocomplete(&snap, c, q);
                        if choices.len() > 25 || choices.iter().any(|s| s.chars().count() > 100) {
                            failures
                                .lock()
                                .expect("lock")
                                .push(format!("autocomplete {q:?}: {choices:?}"));
                        }
                    }
                    my_versions.insert(snap.knowledge.manifest.version.clone());
                    n += 1;
                    if n == MIN_QUERIES_PER_READER {
                        readers_done.fetch_add(1, Ordering::SeqCst);
                        counted = true;
                    }
                }
                queries.fetch_add(n, Ordering::SeqCst);
                seen.lock().expect("lock").extend(my_versions);
            })
        })
        .collect();

    // The reloader: good and broken copies in turn, until both sides have done their share.
    let mut cycles = 0usize;
    let mut good_reloads = 0usize;
    let mut broken_reloads = 0usize;
    while cycles < MIN_RELOAD_CYCLES || readers_done.load(Ordering::SeqCst) < READERS {
        for (i, (version, files)) in good.iter().enumerate() {
            let report = live
                .reload(files)
                .unwrap_or_else(|e| panic!("good copy {version} refused: {e}"));
            assert_eq!(&report.new_version, version);
            assert_eq!(&live.current().knowledge.manifest.version, version);
            good_reloads += 1;
            // Two broken copies after each good one.
            for b in broken.iter().skip(2 * i).take(2) {
                let before = live.current();
                let errors = live
                    .reload(&b.files)
                    .err()
                    .unwrap_or_else(|| panic!("{}: a broken copy was accepted", b.name));
                assert!(
                    errors
                        .iter()
                        .any(|e| e.file == b.file && b.lines.contains(&e.line)),
                    "{}: no error at {}:{:?}: {errors}",
                    b.name,
                    b.file,
                    b.lines
                );
                for e in errors.iter() {
                    assert!(
                        !e.file.is_empty() && !e.message.trim().is_empty(),
                        "{}: {e:?}",
                        b.name
                    );
                    assert!(
                        e.line > 0 || e.message.contains("is missing"),
                        "{}: an error without a line: {e}",
                        b.name
                    );
                }
                let after = live.current();
                assert!(
                    Arc::ptr_eq(&before, &after),
                    "{}: a refused reload changed the live copy",
                    b.name
                );
                broken_reloads += 1;
            }
        }
        cycles += 1;
        assert!(cycles < 10_000, "readers never finished");
    }
    reloader_done.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().expect("a reader panicked");
    }

    let failures = failures.lock().expect("lock");
    assert!(
        failures.is_empty(),
        "{} failed queries, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let seen = seen.lock().expect("lock");
    assert!(
        seen.is_subset(&loaded),
        "versions seen {seen:?}, loaded {loaded:?}"
    );
    assert!(
        seen.len() > 1,
        "the readers only ever saw {seen:?}: no reload happened under load"
    );
    let total = queries.load(Ordering::SeqCst);
    assert!(total >= READERS * MIN_QUERIES_PER_READER, "{total} queries");
    assert_eq!(broken_reloads, broken.len() * cycles);
    assert_eq!(good_reloads, good.len() * cycles);
    eprintln!(
        "{total} queries by {READERS} readers during {good_reloads} good and {broken_reloads} broken reloads; versions seen: {seen:?}"
    );
}

#[test]
fn every_broken_copy_is_refused_on_its_own() {
    // Each broken copy is refused with the error the test above looks for, from a fresh start
    // too (not only after another reload).
    for b in broken_copies() {
        let errors = match Snapshot::build(&b.files) {
            Ok(_) => panic!("{}: accepted", b.name),
            Err(e) => e,
        };
        assert!(
            errors
                .iter()
                .any(|e| e.file == b.file && b.lines.contains(&e.line)),
            "{}: {errors}",
            b.name
        );
    }
}
