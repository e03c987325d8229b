//! What the admin is told after a reload: what changed, or every error with file and line.

use super::ReloadOutcome;
use crate::knowledge::Counts;
use crate::reply::{Field, Reply, ReplyKind};

/// How many errors a reply lists before summarising the rest.
pub const ERRORS_SHOWN: usize = 15;

/// The reply for an outcome: what changed, or the errors with file and line.
pub fn render(outcome: &ReloadOutcome) -> Reply {
    match outcome {
        ReloadOutcome::Refused => {
            let mut r = Reply::new(
                "reload",
                "",
                ReplyKind::Error,
                "Only admins can reload the guidance",
            );
            r.body = "/reload needs the Manage Server permission or one of the admin roles configured for this bot (discord.admin_role_ids). Nothing was changed.".into();
            r
        }
        ReloadOutcome::Reloaded(rep) => {
            let title = if rep.unchanged() {
                "Guidance reloaded: nothing changed"
            } else {
                "Guidance reloaded"
            };
            let mut r = Reply::new("reload", "", ReplyKind::Info, title);
            r.body = format!(
                "Now serving version {} (hash {}) from {}.",
                rep.new_version, rep.new_hash, rep.origin
            );
            r.fields.push(Field::new(
                "Version",
                format!("{} → {}", rep.old_version, rep.new_version),
            ));
            r.fields.push(Field::new(
                "Hash",
                format!("{} → {}", rep.old_hash, rep.new_hash),
            ));
            r.fields.push(Field::new(
                "Records",
                counts(&rep.old_counts, &rep.new_counts),
            ));
            r
        }
        ReloadOutcome::Invalid {
            errors,
            live_version,
            live_hash,
            origin,
        } => {
            let mut r = Reply::new(
                "reload",
                "",
                ReplyKind::Error,
                "Reload failed: the previous guidance is still live",
            );
            let mut body = format!(
                "{} error(s) in {origin}; still serving version {live_version} (hash {live_hash}). Fix them and run /reload again:\n",
                errors.len()
            );
            for e in errors.iter().take(ERRORS_SHOWN) {
                body.push_str(&format!("• {e}\n"));
            }
            if errors.len() > ERRORS_SHOWN {
                body.push_str(&format!(
                    "… and {} more: run `safeguarding-bot check --knowledge DIR` to see them all.",
                    errors.len() - ERRORS_SHOWN
                ));
            }
            r.body = body;
            r
        }
    }
}

fn counts(old: &Counts, new: &Counts) -> String {
    let row = |name: &str, a: usize, b: usize| {
        if a == b {
            format!("{name}: {b}")
        } else {
            format!("{name}: {a} → {b}")
        }
    };
    [
        row("sections", old.sections, new.sections),
        row("contacts", old.contacts, new.contacts),
        row("thresholds", old.thresholds, new.thresholds),
        row("offences", old.offences, new.offences),
        row("notes", old.notes, new.notes),
    ]
    .join("\n")
}
