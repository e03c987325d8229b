//! `/help`: what the bot does, the knowledge version, the source documents with their dates and
//! how far the guidance has dated.

use super::Command;
use crate::reply::{Field, Reply, ReplyKind, EMERGENCY_LINE};
use crate::snapshot::Snapshot;

/// Runs the command.
pub fn run(snapshot: &Snapshot) -> Reply {
    let k = &snapshot.knowledge;
    let mut r = Reply::new(
        "help",
        "",
        ReplyKind::Info,
        "safeguarding-bot: online safeguarding guidance for practitioners",
    );
    r.body = format!(
        "Answers from the Kingston and Richmond Safeguarding Children Partnership's online-safeguarding guidance, with the source of every answer. It does not replace your Designated Safeguarding Lead or your organisation's procedures.\n{EMERGENCY_LINE}"
    );
    let commands = Command::ALL
        .iter()
        .map(|c| format!("/{} — {}", c.name(), c.description()))
        .collect::<Vec<_>>()
        .join("\n");
    r.fields.push(Field::new("Commands", commands));
    let docs = k
        .manifest
        .documents
        .iter()
        .map(|d| format!("{} ({}; {})", d.title, d.publisher, d.date))
        .collect::<Vec<_>>()
        .join("\n");
    r.fields.push(Field::new("Source documents", docs));
    let c = k.counts();
    r.fields.push(Field::new(
        "Knowledge",
        format!(
            "version {} (hash {}): {} sections, {} contacts, {} thresholds, {} offences",
            k.manifest.version, k.hash, c.sections, c.contacts, c.thresholds, c.offences
        ),
    ));
    r.fields.push(Field::new(
        "Currency notes",
        format!(
            "Parts of the guidance have dated since it was written. {} marked notes sit beside the original text where it has (last checked {}), e.g.:\n{}",
            c.notes,
            k.manifest.last_checked,
            k.notes
                .iter()
                .take(6)
                .map(|n| format!("• {}", n.title))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    ));
    r.emergency = Some(EMERGENCY_LINE.to_string());
    r.suggestions = vec![
        "/whocall child in immediate danger".into(),
        "/threshold nudes shared between pupils".into(),
        "/triage".into(),
    ];
    r
}
