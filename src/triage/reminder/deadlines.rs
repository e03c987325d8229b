//! The deadlines a reminder can be set for: exactly the deadlines the decision record shows
//! ([`crate::triage::deadline::deadlines`], read from the outcome's own timeframe words, in
//! Europe/London with the bank holidays of the knowledge), keeping those with a clock time still
//! worth reminding of. "Immediately" is the decision time itself and rules with no clock time
//! ("On arrest", "Treat with urgency") give nothing to count down to, so neither is offered;
//! nor is a "same day" deadline with no office hours left, which reads "now, through the
//! out-of-hours line". Nothing here invents a deadline the guidance does not set.
//!
//! [`out_of_hours_note`] says how to meet a reminded deadline that falls out of hours, judged
//! when the reminder is shown.

use super::Deadline;
use crate::knowledge::{BankHolidays, Knowledge};
use crate::triage::deadline::{self, Rule};
use crate::triage::out_of_hours::{self, Routes};
use crate::triage::timeframe;
use crate::triage::Outcome;

/// The deadlines of `outcome` for a decision made at `decided` that a reminder can count
/// down to, in the record's order. A condition ("if the images include children known to
/// them") stays with the rule, so the reminder says when it applies.
pub fn deadlines_for(
    outcome: &Outcome,
    holidays: &BankHolidays,
    decided: jiff::Timestamp,
) -> Vec<Deadline> {
    // The knowledge was validated on load, so every timeframe reads; should one not, no
    // reminder is offered rather than a guessed one.
    let Ok(all) = deadline::deadlines(outcome, holidays, decided) else {
        return Vec::new();
    };
    all.into_iter()
        .filter(|d| !matches!(d.kind, Rule::Immediately) && !d.now_out_of_hours())
        .filter_map(|d| {
            let due = d.due.as_ref()?.timestamp();
            let rule = match &d.condition {
                Some(c) => format!("{}, {c}", d.rule),
                None => d.rule.clone(),
            };
            Some(Deadline {
                what: d.what,
                rule,
                due,
            })
        })
        .collect()
}

/// How to meet a reminded deadline under `rule` (the reminder's rule, in the guidance's words),
/// due at `deadline_ms`, when it falls out of hours as seen at `now_ms` (when the reminder is
/// offered or delivered), with what "office hours" means here; `None` when it does not (or the
/// rule is not a same-day or hours rule).
pub fn out_of_hours_note(
    rule: &str,
    now_ms: i64,
    deadline_ms: i64,
    k: &Knowledge,
) -> Option<String> {
    let rule = timeframe::parse(rule).ok()?.rule;
    let now = jiff::Timestamp::from_millisecond(now_ms).ok()?;
    let due = jiff::Timestamp::from_millisecond(deadline_ms)
        .ok()?
        .to_zoned(deadline::london().ok()?);
    let ooh = out_of_hours::assess(&rule, now, &due, &k.bank_holidays)?;
    Some(out_of_hours::note(&ooh, &Routes::of(k)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    #[test]
    fn reminder_deadlines_are_the_records_deadlines_with_a_clock_time() {
        let snap = Snapshot::embedded().expect("embedded knowledge");
        let holidays = &snap.knowledge.bank_holidays;
        // A Friday afternoon in British Summer Time: working days and the clock both matter.
        let at = jiff::Timestamp::from_second(1_781_272_800).unwrap();
        let mut offered = 0;
        for outcome in snap.triage.outcomes() {
            let record = deadline::deadlines(outcome, holidays, at).unwrap();
            let want: Vec<i64> = record
                .iter()
                .filter(|d| !matches!(d.kind, Rule::Immediately) && !d.now_out_of_hours())
                .filter_map(|d| d.due.as_ref().map(|z| z.timestamp().as_second()))
                .collect();
            let got = deadlines_for(outcome, holidays, at);
            let got_due: Vec<i64> = got.iter().map(|d| d.due.as_second()).collect();
            assert_eq!(got_due, want, "{}", outcome.id);
            for d in &got {
                assert!(
                    d.due > at,
                    "{}: a reminder counts down to a later time",
                    outcome.id
                );
                assert!(
                    outcome
                        .timeframes
                        .iter()
                        .any(|t| t.contains(d.rule.split(',').next().unwrap())),
                    "{}: rule `{}` is the guidance's words",
                    outcome.id,
                    d.rule
                );
            }
            offered += got.len();
        }
        assert!(offered > 0, "some outcome has a deadline to be reminded of");
        let within_24h = snap.triage.outcome("images_referral_24h").unwrap();
        let d = deadlines_for(within_24h, holidays, at);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].due.duration_since(at),
            jiff::SignedDuration::from_hours(24)
        );
    }
}
