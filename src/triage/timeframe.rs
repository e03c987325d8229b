//! Reads an outcome's timeframe, as the guidance words it in `triage.toml`, into a [`Rule`]:
//! the words that open it ("Same day", "Within 24 hours", "Within 5 working days",
//! "Immediately", "On arrest", "Treat with urgency", "The guidance sets no timeframe"), an
//! optional qualifier ("as a matter of urgency", or a condition "if …") and what is due. Kept
//! apart from the deadline module (which computes dates) so the tree's validator can use it:
//! a timeframe this parser cannot read is a `check` error at its line.

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
                return Err(format!(
                    "timeframe \"{}\": only a clock rule can carry a condition (\"if …\")",
                    short(t)
                ));
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
        assert_eq!(
            parse("Within 5 working days: a meeting.")
                .unwrap()
                .what
                .as_deref(),
            Some("a meeting.")
        );
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
