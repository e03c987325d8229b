//! How urgent an outcome is, for the map's colours. The tree has no separate urgency field: the
//! urgency is the rule of the outcome's headline timeframe (its first `timeframes` entry), read
//! by the same parser that turns timeframes into the record's deadlines
//! ([`crate::triage::timeframe`]), so the map and the record cannot read one timeframe two ways:
//! "Immediately: call 999" is the emergency, "Immediately" otherwise or "Same day" is same day,
//! "Within 24 hours" is 24 hours. Anything else (no timeframe set, "treat with urgency", "first:
//! the LADO") is [`Urgency::Other`], and the box says so in words as well as colour.

use crate::triage::timeframe::{self, Rule};
use crate::triage::tree::Outcome;

/// The four urgencies the map's legend distinguishes, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// Call 999 now.
    Emergency,
    /// Immediately, or the same day.
    SameDay,
    /// Within 24 hours.
    Within24Hours,
    /// Anything else: see the outcome.
    Other,
}

impl Urgency {
    /// Every urgency, in legend order.
    pub const ALL: [Urgency; 4] = [
        Urgency::Emergency,
        Urgency::SameDay,
        Urgency::Within24Hours,
        Urgency::Other,
    ];

    /// The urgency of `outcome`, from the rule of its headline timeframe.
    pub fn of(outcome: &Outcome) -> Urgency {
        match headline(outcome) {
            Some((Rule::Immediately, text)) if text.contains("999") => Urgency::Emergency,
            Some((Rule::Immediately | Rule::SameDay, _)) => Urgency::SameDay,
            Some((Rule::WithinHours(24), _)) => Urgency::Within24Hours,
            _ => Urgency::Other,
        }
    }

    /// The word on an outcome's box, so the urgency is not told by colour alone. "Immediately"
    /// and "same day" share a colour but keep their own words.
    pub fn tag(self, outcome: &Outcome) -> &'static str {
        match self {
            Urgency::Emergency => "CALL 999 NOW",
            Urgency::SameDay if matches!(headline(outcome), Some((Rule::Immediately, _))) => {
                "IMMEDIATELY"
            }
            Urgency::SameDay => "SAME DAY",
            Urgency::Within24Hours => "WITHIN 24 HOURS",
            Urgency::Other => "OTHER TIMEFRAME",
        }
    }

    /// The legend's words for this urgency.
    pub fn legend(self) -> &'static str {
        match self {
            Urgency::Emergency => "Call 999 now",
            Urgency::SameDay => "Immediately or the same day",
            Urgency::Within24Hours => "Within 24 hours",
            Urgency::Other => "Other: no set time, or as the outcome says",
        }
    }

    /// A short name for CSS classes and ids (`urgency-999`).
    pub fn slug(self) -> &'static str {
        match self {
            Urgency::Emergency => "999",
            Urgency::SameDay => "same-day",
            Urgency::Within24Hours => "24-hours",
            Urgency::Other => "other",
        }
    }

    /// Box colours: (fill, border, text). Dark text on light fills (and white on the 999 red),
    /// each pair above 4.5:1 contrast.
    pub fn colours(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Urgency::Emergency => ("#b71c1c", "#7f0000", "#ffffff"),
            Urgency::SameDay => ("#ffd8b0", "#d84315", "#1a1a1a"),
            Urgency::Within24Hours => ("#fff3a6", "#b58900", "#1a1a1a"),
            Urgency::Other => ("#dbe9f6", "#1f5f9e", "#1a1a1a"),
        }
    }
}

/// The rule of the outcome's headline timeframe and the first sentence of that timeframe (a
/// 999 mentioned later, "…; if the child is in danger, call 999", does not make it the
/// emergency outcome).
fn headline(outcome: &Outcome) -> Option<(Rule, String)> {
    let text = outcome.timeframes.first()?;
    let tf = timeframe::parse(text).ok()?;
    Some((tf.rule, first_sentence(text).to_string()))
}

/// Up to the first full stop followed by a space or the end.
fn first_sentence(s: &str) -> &str {
    let bytes = s.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let at_end = i + 1 == bytes.len() || bytes[i + 1] == b' ';
        if *b == b'.' && at_end {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(headline: &str) -> Outcome {
        Outcome {
            id: "x".into(),
            title: "X".into(),
            summary: String::new(),
            timeframes: vec![headline.into()],
            actions: Vec::new(),
            contacts: Vec::new(),
            sources: Vec::new(),
            quote: String::new(),
            notes: Vec::new(),
            when: Vec::new(),
            go_on: None,
            timeframe_lines: vec![1],
            line: 1,
        }
    }

    #[test]
    fn urgency_is_read_from_the_headline_timeframe() {
        let cases = [
            ("Immediately: call 999.", Urgency::Emergency),
            ("Immediately: refer to SPA on 020 8547 5008.", Urgency::SameDay),
            ("Same day, as a matter of urgency.", Urgency::SameDay),
            ("Within 24 hours.", Urgency::Within24Hours),
            (
                "The guidance sets no timeframe: raise it as soon as you can. If a child is in immediate danger, call 999.",
                Urgency::Other,
            ),
            ("Treat with urgency: every instance.", Urgency::Other),
            ("", Urgency::Other),
        ];
        for (headline, want) in cases {
            assert_eq!(Urgency::of(&outcome(headline)), want, "{headline}");
        }
    }

    #[test]
    fn a_999_mentioned_after_the_first_sentence_is_not_an_emergency_outcome() {
        let o = outcome("Immediately: refer to SPA. If the child is in danger, call 999.");
        assert_eq!(Urgency::of(&o), Urgency::SameDay);
        assert_eq!(Urgency::SameDay.tag(&o), "IMMEDIATELY");
        let o = outcome("Same day.");
        assert_eq!(Urgency::SameDay.tag(&o), "SAME DAY");
    }
}
