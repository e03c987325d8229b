//! The kind of answer a question expects. "How many …", "how long …", "how often …" and "who is
//! it for" ask for a particular kind of fact; among passages that match the words, the one that
//! holds that kind of fact (a percentage, a number of days, a frequency, an audience) is the
//! answer. Read from the typed words, applied as a bonus to the candidates' scores.

use crate::search::index::SearchIndex;

/// Share added to the score of a passage that holds the kind of fact asked for.
const SHAPE_BONUS: f32 = 0.3;

/// The kind of fact a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// How many, what percentage, what share.
    Count,
    /// How long, how fast, within how many days.
    Duration,
    /// How often.
    Frequency,
    /// Who it is for, who it applies to.
    Audience,
}

/// Word sequences that ask for each shape, checked in this order ("how many days" asks for a
/// duration before "how many" asks for a count).
const ASKS: [(Shape, &[&[&str]]); 4] = [
    (
        Shape::Duration,
        &[
            &["how", "long"],
            &["how", "many", "days"],
            &["how", "many", "hours"],
            &["how", "many", "working"],
            &["how", "quickly"],
            &["how", "fast"],
            &["how", "soon"],
            &["how", "urgent"],
            &["how", "urgently"],
            &["by", "when"],
            &["when", "must"],
            &["when", "do", "i", "have", "to"],
            &["what", "timescale"],
            &["what", "timeframe"],
            &["deadline"],
            &["timescales"],
        ],
    ),
    (
        Shape::Frequency,
        &[
            &["how", "often"],
            &["how", "frequently"],
            &["how", "regularly"],
            &["frequency"],
        ],
    ),
    (
        Shape::Count,
        &[
            &["how", "many"],
            &["what", "percentage"],
            &["what", "proportion"],
            &["what", "share"],
            &["percentage"],
            &["percent"],
            &["proportion"],
            &["statistics"],
            &["stats"],
        ],
    ),
    (
        Shape::Audience,
        &[
            &["who", "is", "it", "for"],
            &["who", "is", "this", "for"],
            &["who", "is", "the", "strategy", "for"],
            &["who", "does", "it", "apply"],
            &["who", "does", "this", "apply"],
            &["who", "does", "the", "strategy", "apply"],
            &["aimed", "at"],
            &["intended", "for"],
        ],
    ),
];

/// The shape `typed` (the question's words, lower case) asks for, if any. "Who … for?" and
/// "who does … apply to" ask for an audience.
pub(super) fn asked(typed: &[String]) -> Option<Shape> {
    let who = typed.first().is_some_and(|w| w == "who");
    if who && (typed.last().is_some_and(|w| w == "for") || typed.iter().any(|w| w == "apply")) {
        return Some(Shape::Audience);
    }
    ASKS.iter().find_map(|(shape, seqs)| {
        seqs.iter()
            .any(|seq| {
                typed
                    .windows(seq.len())
                    .any(|w| w.iter().zip(*seq).all(|(a, b)| a == b))
            })
            .then_some(*shape)
    })
}

/// True when `passage` holds a fact of `shape`.
pub(super) fn holds(shape: Shape, passage: &str) -> bool {
    let p = passage.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
    let number_before = |units: &[&str]| {
        units.iter().any(|u| {
            p.match_indices(u).any(|(i, _)| {
                p[..i]
                    .trim_end()
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()) || is_number_word(w))
            })
        })
    };
    match shape {
        Shape::Count => has(&[
            "%",
            " per cent",
            "half of",
            "one in ",
            "a third",
            "a quarter",
            "majority of",
        ]),
        Shape::Duration => {
            number_before(&[
                " day",
                " hour",
                " week",
                " month",
                " working day",
                " minute",
            ]) || has(&["same day", "immediately", "without delay"])
        }
        Shape::Frequency => has(&[
            "annually",
            "quarterly",
            "monthly",
            "weekly",
            "termly",
            "every year",
            "each year",
            "times a year",
            "a year",
            "per year",
            "bi-monthly",
            "every two",
            "every three",
            "every six",
            "once a",
            "regularly",
            "meets",
        ]),
        Shape::Audience => has(&[
            "aimed at",
            "intended for",
            "applies to",
            "is for ",
            "designed for",
            "relevant to",
            "all practitioners",
            "professionals working with",
        ]),
    }
}

fn is_number_word(w: &str) -> bool {
    matches!(
        w,
        "one"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "ten"
            | "twelve"
            | "24"
            | "48"
    )
}

/// Adds [`SHAPE_BONUS`] of its score to each candidate whose passage holds the kind of fact
/// `typed` asks for, and re-sorts; a question without a shape is left as it was.
pub(super) fn steer(index: &SearchIndex, typed: &[String], found: &mut [(usize, f32)]) {
    let Some(shape) = asked(typed) else { return };
    let docs = index.docs();
    for (ord, score) in found.iter_mut() {
        let d = &docs[*ord];
        // An audience is often the heading's subject ("Audience", "Who this is for").
        let titled = shape == Shape::Audience && d.title.to_lowercase().contains("audience");
        if titled || holds(shape, &d.passage) {
            *score *= 1.0 + SHAPE_BONUS;
        }
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn questions_are_read_for_the_kind_of_answer_they_expect() {
        assert_eq!(
            asked(&words("how many ten year olds own a phone")),
            Some(Shape::Count)
        );
        assert_eq!(
            asked(&words("how many days for the lado meeting")),
            Some(Shape::Duration)
        );
        assert_eq!(
            asked(&words("how long do i have to refer")),
            Some(Shape::Duration)
        );
        assert_eq!(
            asked(&words("how often does the subgroup meet")),
            Some(Shape::Frequency)
        );
        assert_eq!(
            asked(&words("who is this strategy for")),
            Some(Shape::Audience)
        );
        assert_eq!(asked(&words("who do i call")), None);
        assert_eq!(asked(&words("who is it for")), Some(Shape::Audience));
        assert_eq!(asked(&words("nudes 15 yr old")), None);
    }

    #[test]
    fn passages_are_read_for_the_kind_of_fact_they_hold() {
        assert!(holds(
            Shape::Count,
            "44% of children aged 5–15 said they owned a smartphone."
        ));
        assert!(holds(
            Shape::Count,
            "Half of ten-year-olds now own their own smartphone"
        ));
        assert!(holds(
            Shape::Duration,
            "a strategy meeting within 5 working days"
        ));
        assert!(holds(Shape::Duration, "refer within 24 hours"));
        assert!(!holds(Shape::Duration, "the child's day-to-day life"));
        assert!(holds(Shape::Frequency, "The subgroup meets quarterly."));
        assert!(!holds(Shape::Count, "Children use the internet at home."));
    }
}
