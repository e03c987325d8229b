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
//! Time zones come from the tz database bundled into the binary (jiff), so this works on a
//! machine with no `/usr/share/zoneinfo`.

use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use super::tree::{Outcome, TRIAGE_FILE};
use crate::knowledge::BankHolidays;

/// The time zone every deadline is computed and shown in.
pub const ZONE: &str = "Europe/London";

/// How a timeframe becomes (or does not become) a clock deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// "Immediately", "At once": due at the decision time.
    Immediately,
    /// "Same day": the end of the decision's day in London.
    SameDay,
    /// "Within N hours": N clock hours after the decision.
    WithinHours(u32),
    /// "Within N working days": the end of the Nth working day after the decision's day.
    WithinWorkingDays(u32),
    /// "On <event>" (e.g. "On arrest"): when the event happens; no clock deadline.
    OnEvent(String),
    /// "First": before anything else; the guidance sets no clock time.
    First,
    /// "Treat with urgency": urgent, but the guidance sets no clock time.
    WithUrgency,
    /// "The guidance sets no timeframe": none.
    NoneSet,
}

impl Rule {
    /// A short machine-readable name (the JSON `kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Immediately => "immediately",
            Rule::SameDay => "same_day",
            Rule::WithinHours(_) => "within_hours",
            Rule::WithinWorkingDays(_) => "within_working_days",
            Rule::OnEvent(_) => "on_event",
            Rule::First => "first",
            Rule::WithUrgency => "with_urgency",
            Rule::NoneSet => "none_set",
        }
    }

    /// True when the rule gives a clock time.
    pub fn is_clock(&self) -> bool {
        matches!(
            self,
            Rule::Immediately | Rule::SameDay | Rule::WithinHours(_) | Rule::WithinWorkingDays(_)
        )
    }
}

/// One timeframe read from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeframe {
    /// The whole timeframe, as written in `triage.toml`.
    pub text: String,
    /// The words that set the rule, as the guidance words them ("Same day, as a matter of
    /// urgency").
    pub words: String,
    /// What is due (the text after the rule), when the timeframe says.
    pub what: Option<String>,
    /// "if …": the deadline applies only if this holds.
    pub condition: Option<String>,
    /// The rule.
    pub rule: Rule,
}

/// The qualifiers that may follow a rule after a comma without changing it.
const EMPHASIS: [&str; 1] = ["as a matter of urgency"];

/// Reads one timeframe. The error says what the parser accepts, for `check` to print at the
/// timeframe's line.
pub fn parse(text: &str) -> Result<Timeframe, String> {
    let t = text.trim();
    let cut = t.find([':', '.']).unwrap_or(t.len());
    let words = t[..cut].trim().to_string();
    let rest = t.get(cut + 1..).unwrap_or("").trim();
    let what = (!rest.is_empty()).then(|| rest.to_string());
    let lower = words.to_lowercase();
    let mut timeframe = Timeframe {
        text: t.to_string(),
        words: words.clone(),
        what,
        condition: None,
        rule: Rule::NoneSet,
    };
    if lower.starts_with("the guidance sets no timeframe") {
        return Ok(timeframe);
    }
    let core = lower.strip_prefix("then, ").unwrap_or(&lower);
    let (head, qualifier) = match core.split_once(", ") {
        Some((h, q)) => (h, Some(q)),
        None => (core, None),
    };
    timeframe.rule = head_rule(head, &words).ok_or_else(|| {
        format!(
            "timeframe \"{}\" does not open with a rule the deadline parser knows: Immediately, At once, Same day, Within N hours, Within N working days, On <event>, First, Treat with urgency, or The guidance sets no timeframe (then `:` or `.`). Use the guidance's own words, or extend src/triage/deadline.rs",
            short(t)
        )
    })?;
    if let Some(q) = qualifier {
        if q.starts_with("if ") {
            if !timeframe.rule.is_clock() {
                return Err(format!("timeframe \"{}\": only a clock rule can carry a condition (\"if …\")", short(t)));
            }
            timeframe.condition = Some(tail(&words, q));
        } else if !EMPHASIS.contains(&q) {
            return Err(format!(
                "timeframe \"{}\": after the rule, only \"as a matter of urgency\" or a condition \"if …\" may follow the comma, not \"{q}\"",
                short(t)
            ));
        }
    }
    Ok(timeframe)
}

fn head_rule(head: &str, original: &str) -> Option<Rule> {
    match head {
        "immediately" | "at once" => return Some(Rule::Immediately),
        "same day" => return Some(Rule::SameDay),
        "first" => return Some(Rule::First),
        "treat with urgency" => return Some(Rule::WithUrgency),
        _ => {}
    }
    if let Some(event) = head.strip_prefix("on ") {
        let event = event.trim();
        return (!event.is_empty()).then(|| Rule::OnEvent(tail(original, event)));
    }
    let n_and_unit = head.strip_prefix("within ")?;
    let (n, unit) = n_and_unit.split_once(' ')?;
    let n: u32 = n.parse().ok().filter(|n| (1..=365).contains(n))?;
    match unit {
        "hour" | "hours" => Some(Rule::WithinHours(n)),
        "working day" | "working days" => Some(Rule::WithinWorkingDays(n)),
        _ => None,
    }
}

/// The end of `original` that `lower` (its lower-cased end) came from, in the original case.
fn tail(original: &str, lower: &str) -> String {
    original
        .len()
        .checked_sub(lower.len())
        .and_then(|start| original.get(start..))
        .filter(|t| t.to_lowercase() == lower)
        .unwrap_or(lower)
        .to_string()
}

fn short(s: &str) -> String {
    let c: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        format!("{c}…")
    } else {
        c
    }
}

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
}

/// Europe/London from the bundled tz database.
pub fn london() -> Result<TimeZone, DeadlineError> {
    static TZ: OnceLock<Option<TimeZone>> = OnceLock::new();
    TZ.get_or_init(|| TimeZone::get(ZONE).ok())
        .clone()
        .ok_or_else(|| DeadlineError::Calendar(format!("time zone {ZONE} is not in the bundled tz database")))
}

fn cal(e: jiff::Error) -> DeadlineError {
    DeadlineError::Calendar(e.to_string())
}

/// When `rule` is due for a decision at `decided`, in London time; `None` for a rule that sets
/// no clock time.
pub fn due(rule: &Rule, decided: Timestamp, holidays: &BankHolidays) -> Result<Option<Zoned>, DeadlineError> {
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
                .ok_or_else(|| DeadlineError::Calendar("a working day fell off the calendar".into()))?;
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
            line: outcome.timeframe_lines.get(i).copied().unwrap_or(outcome.line),
            message,
        })?;
        let due = due(&tf.rule, decided, holidays)?;
        let caution = match (&tf.rule, &due) {
            (Rule::WithinWorkingDays(_), Some(d)) => unchecked_years(holidays, decided, d),
            _ => None,
        };
        out.push(Deadline {
            what: tf.what.clone().unwrap_or_else(|| outcome.title.clone()),
            rule: tf.words,
            text: tf.text,
            kind: tf.rule,
            due,
            condition: tf.condition,
            caution,
        });
    }
    Ok(out)
}

fn unchecked_years(h: &BankHolidays, decided: Timestamp, due: &Zoned) -> Option<String> {
    let first = decided.to_zoned(due.time_zone().clone()).year();
    let last = due.year();
    let unchecked: Vec<String> = (first..=last).filter(|y| !h.checked(*y)).map(|y| y.to_string()).collect();
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
        (Some(z), Rule::Immediately) => {
            format!("Now: the decision time, {}", z.strftime("%A %-d %B %Y, %H:%M (%Z)"))
        }
        (Some(z), Rule::SameDay | Rule::WithinWorkingDays(_)) => {
            format!("By the end of {}", z.strftime("%A %-d %B %Y (23:59:59 %Z)"))
        }
        (Some(z), _) => format!("By {}", z.strftime("%A %-d %B %Y, %H:%M (%Z)")),
        (None, Rule::OnEvent(e)) => format!("When it happens ({e}): no clock deadline"),
        (None, Rule::First) => "First, before anything else: the guidance sets no clock time".into(),
        (None, Rule::WithUrgency) => "With urgency: the guidance sets no clock time".into(),
        (None, _) => "The guidance sets no timeframe".into(),
    };
    match &d.condition {
        Some(c) => format!("{when}; applies {c} (if that only comes to light later, count from then)"),
        None => when,
    }
}

/// A due time as RFC 3339 with its London offset, e.g. `2026-11-23T23:59:59+00:00`.
pub fn rfc3339(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

/// The deadlines as one line each, for a summary field ("Deadlines, London time").
pub fn lines(deadlines: &[Deadline]) -> String {
    deadlines
        .iter()
        .map(|d| format!("- {}: {} — {}", d.rule, due_text(d), d.what))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_timeframe_form_in_the_tree_is_read() {
        let cases = [
            ("Immediately: call 999.", Rule::Immediately, None),
            ("Then, immediately: refer to SPA.", Rule::Immediately, None),
            ("Same day, as a matter of urgency.", Rule::SameDay, None),
            ("Within 24 hours.", Rule::WithinHours(24), None),
            ("Within 5 working days: a strategy meeting.", Rule::WithinWorkingDays(5), None),
            ("On arrest: a strategy discussion.", Rule::OnEvent("arrest".into()), None),
            ("First: contact the LADO.", Rule::First, None),
            ("Treat with urgency: every instance.", Rule::WithUrgency, None),
            ("The guidance sets no timeframe for low-level concerns. If anything changes, reassess.", Rule::NoneSet, None),
            (
                "Same day, if the images include children known to the adult: an urgent discussion.",
                Rule::SameDay,
                Some("if the images include children known to the adult"),
            ),
            ("At once, if it comes to light: refer.", Rule::Immediately, Some("if it comes to light")),
        ];
        for (text, rule, cond) in cases {
            let t = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(t.rule, rule, "{text}");
            assert_eq!(t.condition.as_deref(), cond, "{text}");
        }
        assert_eq!(parse("Within 5 working days: a meeting.").unwrap().what.as_deref(), Some("a meeting."));
        assert_eq!(parse("Within 24 hours.").unwrap().what, None);
    }

    #[test]
    fn unknown_timeframes_are_refused_not_skipped() {
        for bad in [
            "Soon: call someone.",
            "Within a week.",
            "Within 3 days.",
            "Within 0 hours.",
            "Same day, unless busy.",
            "On arrest, if charged: meeting.",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
