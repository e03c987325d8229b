//! Reloading the knowledge is all-or-nothing: a broken copy is refused with its errors and the
//! previous copy stays live; a good copy is swapped in whole, and queries running meanwhile
//! always answer from one complete copy.

mod support;

use std::sync::Arc;

use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::snapshot::{Live, Snapshot};

fn live() -> Live {
    Live::new(Snapshot::embedded().unwrap())
}

#[test]
fn broken_reload_keeps_previous_knowledge() {
    let live = live();
    let before = live.current().knowledge.hash.clone();
    let mut broken = KnowledgeFiles::embedded();
    let contacts =
        broken
            .get("contacts.toml")
            .unwrap()
            .replacen("\"020 8547 5008\"", "\"12345\"", 1);
    broken.insert("contacts.toml", contacts);
    let errors = live.reload(&broken).unwrap_err();
    assert!(errors
        .iter()
        .any(|e| e.file == "contacts.toml" && e.line > 0));
    assert_eq!(live.current().knowledge.hash, before);
    let r = commands::run(&live.current(), Command::WhoCall, "significant harm");
    assert!(r.results.iter().any(|h| h.body.contains("020 8547 5008")));
}

#[test]
fn good_reload_swaps_and_reports_changes() {
    let live = live();
    let mut changed = KnowledgeFiles::embedded();
    let manifest =
        changed
            .get("manifest.toml")
            .unwrap()
            .replacen("version = \"", "version = \"test-", 1);
    changed.insert("manifest.toml", manifest);
    let report = live.reload(&changed).unwrap();
    assert!(!report.unchanged());
    assert!(report.new_version.starts_with("test-"));
    assert_eq!(report.old_counts, report.new_counts);
    assert!(live
        .current()
        .knowledge
        .manifest
        .version
        .starts_with("test-"));
}

#[test]
fn queries_during_reloads_never_fail() {
    let live = Arc::new(live());
    let good = KnowledgeFiles::embedded();
    let mut broken = good.clone();
    broken.remove("thresholds.toml");
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let live = live.clone();
            std::thread::spawn(move || {
                for _ in 0..150 {
                    let snap = live.current();
                    let r = commands::run(&snap, Command::WhoCall, "immediate danger");
                    assert!(r.results[0].body.contains("999"));
                    // The answer and the snapshot it came from are one consistent copy.
                    assert!(snap
                        .knowledge
                        .threshold(&snap.knowledge.thresholds[0].id)
                        .is_some());
                }
            })
        })
        .collect();
    for i in 0..20 {
        if i % 2 == 0 {
            assert!(live.reload(&broken).is_err());
        } else {
            live.reload(&good).unwrap();
        }
    }
    for r in readers {
        r.join().expect("no query failed during reloads");
    }
}
