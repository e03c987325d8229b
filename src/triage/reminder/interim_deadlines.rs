//! **Interim**: the deadlines reminders are offered for until the real deadline computation
//! (timeframes read into due times in Europe/London, working days and bank holidays) is wired
//! in. It maps only the one timeframe that needs no calendar: "Within 24 hours." is the decision
//! time plus 24 hours. Every other timeframe gives no deadline, so no reminder is offered for it
//! — nothing here invents a deadline the guidance does not set.
//!
//! Replace [`deadlines_for`] (same signature) with a call into the deadline computation.

use std::time::Duration;

use time::OffsetDateTime;

use super::Deadline;
use crate::triage::Outcome;

/// The timeframe this interim mapping understands, as `triage.toml` words it.
const WITHIN_24_HOURS: &str = "within 24 hours";

/// The deadlines of `outcome` for a decision made at `decided_at`: one for each timeframe that
/// reads "Within 24 hours.", none for any other.
pub fn deadlines_for(outcome: &Outcome, decided_at: OffsetDateTime) -> Vec<Deadline> {
    outcome
        .timeframes
        .iter()
        .filter(|t| {
            t.trim()
                .trim_end_matches('.')
                .eq_ignore_ascii_case(WITHIN_24_HOURS)
        })
        .map(|t| Deadline {
            what: what_is_due(outcome),
            rule: t.trim().to_string(),
            due: decided_at + Duration::from_secs(24 * 60 * 60),
        })
        .collect()
}

/// The action that carries the timeframe, up to its first colon ("Refer to … within 24
/// hours"), else the outcome's title.
fn what_is_due(outcome: &Outcome) -> String {
    outcome
        .actions
        .iter()
        .find(|a| a.to_lowercase().contains(WITHIN_24_HOURS))
        .map(|a| a.split(':').next().unwrap_or(a).trim().to_string())
        .unwrap_or_else(|| outcome.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(timeframes: &[&str], actions: &[&str]) -> Outcome {
        Outcome {
            id: "o".into(),
            title: "Title".into(),
            summary: String::new(),
            timeframes: timeframes.iter().map(|s| s.to_string()).collect(),
            actions: actions.iter().map(|s| s.to_string()).collect(),
            contacts: vec![],
            sources: vec![],
            quote: String::new(),
            notes: vec![],
            line: 1,
        }
    }

    #[test]
    fn only_within_24_hours_becomes_a_reminder_deadline() {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let o = outcome(
            &["Within 24 hours."],
            &[
                "Tell your DSL.",
                "Refer to SPA within 24 hours: it is still an offence.",
            ],
        );
        let d = deadlines_for(&o, at);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].what, "Refer to SPA within 24 hours");
        assert_eq!(d[0].rule, "Within 24 hours.");
        assert_eq!(d[0].due - at, time::Duration::hours(24));
        for other in [
            "Immediately: call 999.",
            "The same day, as a matter of urgency.",
            "Within 5 working days.",
            "None set by the guidance: as soon as you can.",
        ] {
            assert!(
                deadlines_for(&outcome(&[other], &[]), at).is_empty(),
                "{other}"
            );
        }
        assert_eq!(
            deadlines_for(&outcome(&["within 24 hours"], &[]), at)[0].what,
            "Title"
        );
    }
}
