//! From words to answers: which of the tree's answers the practitioner's text gives, each with
//! the words it was read from, so a wrong reading can be seen at once.

use std::collections::HashSet;
use std::ops::Range;

use super::reading::{push, Basis, Reading};
use super::signals::{Answered, Signals};
use super::words::{quote, words, Phrase, Word};

/// The longest text read (a Discord option holds 300 characters; the console and `ask` are cut
/// here so a pasted document cannot make reading slow).
pub const MAX_TEXT: usize = 2000;

/// Reads `text` with `signals`.
pub fn read(signals: &Signals, text: &str) -> Reading {
    let text = cut(text);
    let ws = words(text);
    let mut reading = Reading {
        about_someone: about_someone(signals, &ws),
        ..Reading::default()
    };
    let present: HashSet<&str> = ws.iter().map(|w| w.text.as_str()).collect();
    for s in &signals.signals {
        for p in s.phrases.iter().filter(|p| p.may_match(&present)) {
            for m in p.find_all(&ws) {
                if cancelled(&ws, &m, &s.unless_before, &s.unless_after) {
                    continue;
                }
                let value = if negated(signals, &ws, &m) {
                    match &s.negated {
                        Some(v) => v.clone(),
                        None => continue,
                    }
                } else {
                    s.gives.value.clone()
                };
                push(
                    &mut reading,
                    Answered {
                        question: s.gives.question.clone(),
                        value,
                    },
                    Basis::Words(quote(text, &ws, &m)),
                );
            }
        }
    }
    super::ages::read_ages(signals, text, &ws, &mut reading);
    read_family(signals, text, &ws, &mut reading);
    reading
}

/// True when a subject word occurs outside every `not_subjects` term.
fn about_someone(signals: &Signals, ws: &[Word]) -> bool {
    let terms: Vec<Range<usize>> = signals
        .not_subjects
        .iter()
        .flat_map(|p| p.find_all(ws))
        .collect();
    signals.subjects.iter().any(|p| {
        p.find_all(ws)
            .iter()
            .any(|m| !terms.iter().any(|t| t.start <= m.start && m.end <= t.end))
    })
}

/// At most [`MAX_TEXT`] bytes, cut at a character boundary.
fn cut(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// True when one of `phrases` matches within the `n` words before word `at`, ending at or
/// before it.
pub(super) fn before(ws: &[Word], at: usize, n: usize, phrases: &[Phrase]) -> bool {
    let from = at.saturating_sub(n);
    let window = &ws[from..at];
    phrases.iter().any(|p| !p.find_all(window).is_empty())
}

fn cancelled(ws: &[Word], m: &Range<usize>, before_: &[Phrase], after: &[Phrase]) -> bool {
    if before(ws, m.start, 2, before_) {
        return true;
    }
    let next = m.start + 1;
    next < ws.len()
        && after
            .iter()
            .any(|p| !p.find_all(&ws[next..next + 1]).is_empty())
}

fn negated(signals: &Signals, ws: &[Word], m: &Range<usize>) -> bool {
    before(ws, m.start, signals.negation_window, &signals.negators)
}

/// A family member followed, within `within` words, by a word of concern.
fn read_family(signals: &Signals, text: &str, ws: &[Word], reading: &mut Reading) {
    let f = &signals.family;
    let told: Vec<Phrase> = ["told|tell|tells|asked|rang|called|informed|phoned|contacted"]
        .iter()
        .filter_map(|p| Phrase::parse(p).ok())
        .collect();
    for p in &f.members {
        for m in p.find_all(ws) {
            if before(ws, m.start, 2, &told) {
                continue;
            }
            let end = m.end.saturating_add(f.within).min(ws.len());
            let after = &ws[m.end..end];
            if f.concerns.iter().any(|c| !c.find_all(after).is_empty()) {
                reading.family = Some(quote(text, ws, &m));
                for a in &f.implies {
                    push(reading, a.clone(), Basis::Implied);
                }
                return;
            }
        }
    }
}
