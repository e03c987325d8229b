//! Turns an outcome's timeframes, as the guidance words them in `triage.toml`, into deadlines
//! computed from the moment of decision in Europe/London. The mapping is read from the text
//! itself, never invented: each timeframe must open with a rule this parser knows ("Same day",
//! "Within 24 hours", "Within 5 working days", "Immediately", …) or with words that say no clock
//! time is set ("On arrest", "Treat with urgency", "The guidance sets no timeframe"). A timeframe
//! it cannot read is a `check` error at its line, so no deadline is ever silently left out.
//!
//! - "Immediately" / "At once": due at the decision time.
//! - "Same day": the end of the decision's day in London (23:59:59 local).
//! - "Within N hours": N clock hours after the decision (across a clock change too).
//! - "Within N working days": the end of the Nth working day after the decision's day, skipping
//!   weekends and England and Wales bank holidays ([`BankHolidays`]); the decision day never
//!   counts.
//!
//! A same-day or 24-hour deadline that falls out of hours carries [`OutOfHours`]: how to meet
//! it then is said with it (see [`super::out_of_hours`], where office hours are this tool's
//! reading), and "same day" with no office hours left reads "now, through the out-of-hours line".
//!
//! Time zones come from the tz database bundled into the binary (jiff), so this works on a
//! machine with no `/usr/share/zoneinfo`.

use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use super::out_of_hours::{self, OutOfHours, Routes};
use super::timeframe::parse;
pub use super::timeframe::{Rule, Timeframe};
use super::tree::{Outcome, TRIAGE_FILE};
use crate::knowledge::BankHolidays;

/// The time zone every deadline is computed and shown in.
pub const ZONE: &str = "Europe/London";

/// Why deadlines could not be worked out. After `check` has passed neither can happen; they
/// are errors rather than silent omissions all the same.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// A timeframe the parser cannot read (at `file:line`).
    #[error("{file}:{line}: {message}")]
    Unreadable {
        /// Always `triage.toml`.
        file: String,
        /// The timeframe's line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The bundled time zone database has no Europe/London, or a date fell off the calendar.
    #[error("the deadline could not be computed: {0}")]
    Calendar(String),
}

/// One deadline of a decision: what, the rule in the guidance's words, and when it is due.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    /// What is due (the timeframe's own words after the rule, else the outcome's title).
    pub what: String,
    /// The rule as the guidance words it ("Within 5 working days").
    pub rule: String,
    /// The whole timeframe as written.
    pub text: String,
    /// How it was read.
    pub kind: Rule,
    /// When it is due, in London time; `None` for a rule that sets no clock time.
    pub due: Option<Zoned>,
    /// "if …": the deadline applies only if this holds (then from when it does).
    pub condition: Option<String>,
    /// A caution to show with the date: a working-day count through a year whose bank
    /// holidays have not been checked.
    pub caution: Option<String>,
    /// Set when a same-day or 24-hour deadline falls out of hours: what office hours are left
    /// before it ([`out_of_hours::how_to_meet`] says how to meet it).
    pub out_of_hours: Option<OutOfHours>,
}

impl Deadline {
    /// True for "same day" with no office hours left: it reads "now, through the out-of-hours
    /// line", not a clock time that may be minutes away.
    pub fn now_out_of_hours(&self) -> bool {
        matches!(self.kind, Rule::SameDay)
            && self
                .out_of_hours
                .as_ref()
                .is_some_and(OutOfHours::none_left)
    }
}

/// What a deadline is for: the timeframe's own words after its rule when it has them;
/// otherwise the outcome's action that names the same rule ("Refer to the police and
/// Children's Social Care (through SPA, 020 8547 5008) within 24 hours"), up to its colon,
/// which says more than the outcome's title; else the title. Always the knowledge's words.
fn what_is_due(outcome: &Outcome, tf: &Timeframe) -> String {
    if let Some(what) = &tf.what {
        return what.clone();
    }
    let rule = tf.words.to_lowercase();
    outcome
        .actions
        .iter()
        .find(|a| a.to_lowercase().contains(&rule))
        .map(|a| a.split(':').next().unwrap_or(a).trim().to_string())
        .unwrap_or_else(|| outcome.title.clone())
}

/// Europe/London from the bundled tz database.
pub fn london() -> Result<TimeZone, DeadlineError> {
    static TZ: OnceLock<Option<TimeZone>> = OnceLock::new();
    TZ.get_or_init(|| TimeZone::get(ZONE).ok())
        .clone()
        .ok_or_else(|| {
            DeadlineError::Calendar(format!(
                "time zone {ZONE} is not in the bundled tz database"
            ))
        })
}

fn cal(e: jiff::Error) -> DeadlineError {
    DeadlineError::Calendar(e.to_string())
}

/// When `rule` is due for a decision at `decided`, in London time; `None` for a rule that sets
/// no clock time.
pub fn due(
    rule: &Rule,
    decided: Timestamp,
    holidays: &BankHolidays,
) -> Result<Option<Zoned>, DeadlineError> {
    let tz = london()?;
    let local = decided.to_zoned(tz.clone());
    let end_of = |date: jiff::civil::Date| -> Result<Zoned, DeadlineError> {
        date.at(23, 59, 59, 0).to_zoned(tz.clone()).map_err(cal)
    };
    Ok(Some(match rule {
        Rule::Immediately => local,
        Rule::SameDay => end_of(local.date())?,
        Rule::WithinHours(h) => decided
            .checked_add(SignedDuration::from_hours(i64::from(*h)))
            .map_err(cal)?
            .to_zoned(tz),
        Rule::WithinWorkingDays(n) => {
            let day = holidays
                .working_days_after(local.date(), *n)
                .ok_or_else(|| {
                    DeadlineError::Calendar("a working day fell off the calendar".into())
                })?;
            end_of(day)?
        }
        _ => return Ok(None),
    }))
}

/// Every deadline of `outcome` for a decision at `decided`, in the order of its timeframes.
pub fn deadlines(
    outcome: &Outcome,
    holidays: &BankHolidays,
    decided: Timestamp,
) -> Result<Vec<Deadline>, DeadlineError> {
    let mut out = Vec::new();
    for (i, text) in outcome.timeframes.iter().enumerate() {
        let tf = parse(text).map_err(|message| DeadlineError::Unreadable {
            file: TRIAGE_FILE.to_string(),
            line: outcome
                .timeframe_lines
                .get(i)
                .copied()
                .unwrap_or(outcome.line),
            message,
        })?;
        let due = due(&tf.rule, decided, holidays)?;
        let caution = match (&tf.rule, &due) {
            (Rule::WithinWorkingDays(_), Some(d)) => unchecked_years(holidays, decided, d),
            _ => None,
        };
        let out_of_hours = due
            .as_ref()
            .and_then(|d| out_of_hours::assess(&tf.rule, decided, d, holidays));
        out.push(Deadline {
            what: what_is_due(outcome, &tf),
            rule: tf.words,
            text: tf.text,
            kind: tf.rule,
            due,
            condition: tf.condition,
            caution,
            out_of_hours,
        });
    }
    Ok(out)
}

fn unchecked_years(h: &BankHolidays, decided: Timestamp, due: &Zoned) -> Option<String> {
    let first = decided.to_zoned(due.time_zone().clone()).year();
    let last = due.year();
    let unchecked: Vec<String> = (first..=last)
        .filter(|y| !h.checked(*y))
        .map(|y| y.to_string())
        .collect();
    (!unchecked.is_empty()).then(|| {
        format!(
            "The bank holidays for {} have not been checked against the published list (the table covers {} to {}, last checked {}): check this date.",
            unchecked.join(", "),
            h.checked_from,
            h.checked_through,
            h.last_checked
        )
    })
}

/// A deadline's due time for people: "Monday 23 November 2026, 23:59 (GMT)"; for a rule with
/// no clock time, what the guidance says instead.
pub fn due_text(d: &Deadline) -> String {
    let when = match (&d.due, &d.kind) {
        (Some(z), Rule::SameDay) if d.now_out_of_hours() => format!(
            "Now, through the out-of-hours line: no office hours are left on {} (office hours as this tool reads them)",
            z.strftime("%A %-d %B %Y")
        ),
        (Some(z), Rule::Immediately) => {
            format!(
                "Now: the decision time, {}",
                z.strftime("%A %-d %B %Y, %H:%M (%Z)")
            )
        }
        (Some(z), Rule::SameDay | Rule::WithinWorkingDays(_)) => {
            format!("By the end of {}", z.strftime("%A %-d %B %Y (%H:%M:%S %Z)"))
        }
        (Some(z), _) => format!("By {}", z.strftime("%A %-d %B %Y, %H:%M (%Z)")),
        (None, Rule::OnEvent(e)) => format!("When it happens ({e}): no clock deadline"),
        (None, Rule::First) => {
            "First, before anything else: the guidance sets no clock time".into()
        }
        (None, Rule::WithUrgency) => "With urgency: the guidance sets no clock time".into(),
        (None, _) => "The guidance sets no timeframe".into(),
    };
    match &d.condition {
        Some(c) => {
            format!("{when}; applies {c} (if that only comes to light later, count from then)")
        }
        None => when,
    }
}

/// A due time as RFC 3339 with its London offset, e.g. `2026-11-23T23:59:59+00:00`.
pub fn rfc3339(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

/// The deadlines as one line each, for a summary field ("Deadlines, London time"); under a
/// deadline that falls out of hours, how to meet it ("as above" when that is what the last one
/// said), and then once what "office hours" means here.
pub fn lines(deadlines: &[Deadline], routes: &Routes) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<String> = None;
    for d in deadlines {
        out.push(format!("- {}: {} — {}", d.rule, due_text(d), d.what));
        if let Some(ooh) = &d.out_of_hours {
            let how = out_of_hours::how_to_meet(ooh, routes);
            if last.as_ref() == Some(&how) {
                out.push("  Out of hours: as above.".to_string());
            } else {
                out.push(format!("  Out of hours: {how}"));
            }
            last = Some(how);
        }
    }
    if deadlines.iter().any(|d| d.out_of_hours.is_some()) {
        out.push(out_of_hours::READING.to_string());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_are_shown_in_london_with_their_offset() {
        let t: Timestamp = "2026-07-01T09:00:00Z".parse().unwrap();
        assert_eq!(
            rfc3339(&t.to_zoned(london().unwrap())),
            "2026-07-01T10:00:00+01:00"
        );
        let h = crate::knowledge::Knowledge::embedded()
            .unwrap()
            .bank_holidays;
        let z = due(&Rule::SameDay, t, &h).unwrap().unwrap();
        let d = Deadline {
            what: "refer".into(),
            rule: "Same day".into(),
            text: "Same day: refer.".into(),
            kind: Rule::SameDay,
            due: Some(z),
            condition: None,
            caution: None,
            out_of_hours: None,
        };
        assert_eq!(
            due_text(&d),
            "By the end of Wednesday 1 July 2026 (23:59:59 BST)"
        );
        assert_eq!(
            lines(&[d], &Routes::default()),
            "- Same day: By the end of Wednesday 1 July 2026 (23:59:59 BST) — refer"
        );
    }
}
