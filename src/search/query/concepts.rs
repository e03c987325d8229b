//! What the question asks about: each thing asked about becomes a [`Concept`], the words as
//! typed plus, for words in a synonym group, the group's other terms at a lower weight.

use crate::search::analyzer::is_filler;
use crate::search::index::SearchIndex;

use super::analysis::Reading;

/// Most distinct terms used from one query (bounds the cost of very long questions).
pub const MAX_TERMS: usize = 24;
/// Most synonyms searched for one concept (the first listed in synonyms.toml win), to bound
/// query cost.
const MAX_ALTERNATIVES: usize = 4;
/// Weight of synonym expansions relative to typed words.
const EXPANSION_BOOST: f32 = 0.5;
/// Weight of an expansion that is another form of the typed word ("porn" → "pornography").
const VARIANT_BOOST: f32 = 0.9;
/// Weight of the word a question turns on ("should I **look** at …"), relative to other words.
pub(super) const FOCUS_BOOST: f32 = 1.5;
/// Weight of asides: the words in which the asker describes themselves ("I'm a youth worker,
/// …") and the child's age ("15 year old").
const ASIDE_BOOST: f32 = 0.3;

/// One thing the user asked about: the words as typed and, when they belong to a synonym group,
/// the group's other terms at a lower weight. A document scores for its best alternative only
/// (plus a small tie-breaker), so a record that lists many synonyms does not pile up score.
#[derive(Debug, Clone)]
pub(super) struct Concept {
    /// (stemmed token sequence, weight); the first is what the user typed.
    pub(super) alternatives: Vec<(Vec<String>, f32)>,
    /// An aside — the asker's description of themselves, or the child's age: searched at a
    /// low weight, unwidened, not counted for coverage.
    pub(super) aside: bool,
    /// What the question turns on (see [`Reading::focus`]): searched and counted at a higher
    /// weight.
    pub(super) focus: bool,
}

impl Concept {
    /// The stems as typed.
    pub(super) fn typed(&self) -> &[String] {
        &self.alternatives[0].0
    }

    /// What was searched for (`term^weight | synonym^weight`), for explaining a ranking.
    pub(super) fn describe(&self) -> String {
        self.alternatives
            .iter()
            .map(|(seq, w)| format!("{}^{w}", seq.join(" ")))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// The concepts of a question: first the synonym groups its words belong to, then each other
/// word that carries meaning; at most [`MAX_TERMS`].
pub(super) fn concepts(index: &SearchIndex, r: &Reading) -> Vec<Concept> {
    let mut covered = vec![false; r.stemmed.len()];
    let mut concepts = group_concepts(index, r, &mut covered);
    for (i, t) in r.stemmed.iter().enumerate() {
        if covered[i] || !r.content[i] {
            continue;
        }
        if !concepts
            .iter()
            .any(|c| c.typed().len() == 1 && &c.typed()[0] == t)
        {
            let is_aside = r.aside[i];
            let w = if is_aside {
                ASIDE_BOOST
            } else {
                focus_boost(r, i..i + 1)
            };
            concepts.push(Concept {
                alternatives: vec![(vec![t.clone()], w)],
                aside: is_aside,
                focus: w > 1.0,
            });
        }
    }
    concepts.truncate(MAX_TERMS);
    concepts
}

/// [`FOCUS_BOOST`] for words spanning the question's focus, else 1.
fn focus_boost(r: &Reading, span: std::ops::Range<usize>) -> f32 {
    if r.focus.is_some_and(|f| span.contains(&f)) {
        FOCUS_BOOST
    } else {
        1.0
    }
}

/// A concept for each synonym group the question's words match, widened with the group's
/// other terms; marks the positions they cover in `covered`.
fn group_concepts(index: &SearchIndex, r: &Reading, covered: &mut [bool]) -> Vec<Concept> {
    let mut concepts: Vec<Concept> = Vec::new();
    for m in index.thesaurus().matches(&r.stemmed) {
        let span = m.start..m.start + m.len;
        // A group matched only through filler words ("in", "on") is ignored, and so is one
        // in the asker's description of themselves (added later, unwidened).
        if !r.content[span.clone()].iter().any(|&c| c) || r.aside[span.clone()].iter().any(|&a| a) {
            continue;
        }
        let boost = focus_boost(r, span.clone());
        covered[span].iter_mut().for_each(|c| *c = true);
        let mut others: Vec<(Vec<String>, f32)> = m
            .others
            .into_iter()
            // A synonym with a word the knowledge never uses cannot match: skip it.
            .filter(|seq| seq.iter().all(|t| index.stems().contains(t)))
            .map(|seq| {
                let w = if is_variant(&m.typed, &seq) {
                    VARIANT_BOOST
                } else {
                    EXPANSION_BOOST
                };
                (seq, w)
            })
            .collect();
        // Other forms of the typed word first, then the group's order.
        others.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut alternatives = vec![(m.typed.clone(), 1.0)];
        alternatives.extend(others.into_iter().take(MAX_ALTERNATIVES));
        alternatives.iter_mut().for_each(|(_, w)| *w *= boost);
        if !concepts.iter().any(|c| c.typed() == m.typed) {
            concepts.push(Concept {
                alternatives,
                aside: false,
                focus: boost > 1.0,
            });
        }
    }
    concepts
}

/// True when `alt` is another form of what was typed: of a single word, a longer or shorter
/// form of it ("porn" / "pornography", "image" / "imagery": one stem starts with the other, the
/// shorter has at least 4 letters); of a phrase, the same words in another order or with other
/// small words ("staff member" / "member of staff").
fn is_variant(typed: &[String], alt: &[String]) -> bool {
    match (typed, alt) {
        ([a], [b]) => {
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            short.chars().count() >= 4 && long.starts_with(short.as_str())
        }
        ([_, ..], [_, ..]) if typed.len() > 1 || alt.len() > 1 => {
            fn words(seq: &[String]) -> Vec<&str> {
                let mut w: Vec<&str> = seq
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !is_filler(t, t))
                    .collect();
                w.sort_unstable();
                w
            }
            let (a, b) = (words(typed), words(alt));
            !a.is_empty() && a == b
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn variants_are_other_forms_of_the_typed_words() {
        assert!(is_variant(&words("porn"), &words("pornographi")));
        assert!(is_variant(&words("imageri"), &words("imag")));
        assert!(!is_variant(&words("groom"), &words("exploit")));
        assert!(
            !is_variant(&words("ta"), &words("tas")),
            "too short to tell"
        );
        assert!(is_variant(
            &words("staff member"),
            &words("member of staff")
        ));
        assert!(!is_variant(&words("staff member"), &words("staff")));
        assert!(!is_variant(&words("teacher"), &words("posit of trust")));
    }
}
