//! Ages and school years in a description: "a 30-year-old", "15yo", "aged 14", "yr 8", "year 11
//! and a year 7", "16 and 17". An age from `ages.adult_from` up reads as an adult involved; two
//! or more children's ages read as a similar age or not, by `ages.similar_within`. A school year
//! never reads as an adult (year 13 may be 17).

use std::ops::Range;

use super::reading::{push, Basis, Reading};
use super::signals::Signals;
use super::words::{quote, Word};

/// One age mention.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mention {
    /// Age in years (a school year converted).
    age: u32,
    /// How many people it stands for ("two year 10s": 2).
    people: u32,
    /// True for a school year.
    school_year: bool,
    /// Words it was read from.
    range: Range<usize>,
}

fn number(w: &Word) -> Option<u32> {
    if w.text.len() > 2 || !w.text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    w.text.parse().ok()
}

/// The length of the first of `phrases` that matches at word `i`, if any.
fn match_len(ws: &[Word], i: usize, phrases: &[super::words::Phrase]) -> Option<usize> {
    phrases.iter().find_map(|p| {
        p.find_all(&ws[i..(i + 4).min(ws.len())])
            .into_iter()
            .find(|r| r.start == 0)
            .map(|r| r.end)
    })
}

fn mentions(signals: &Signals, ws: &[Word]) -> Vec<Mention> {
    let rules = &signals.ages;
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let Some(n) = number(&ws[i]) else {
            i += 1;
            continue;
        };
        // "year 8", "yr 8", "Y8" (and "year 10s": two people).
        let school = i > 0
            && !rules.school_year.find_all(&ws[i - 1..i]).is_empty()
            // "15 year old": the number comes first, so "year" before it is another phrase.
            && (1..=13).contains(&n);
        if school {
            let plural = ws.get(i + 1).is_some_and(|w| w.text == "s")
                || (i >= 2 && matches!(ws[i - 2].text.as_str(), "two" | "both"));
            let end = if ws.get(i + 1).is_some_and(|w| w.text == "s") {
                i + 2
            } else {
                i + 1
            };
            out.push(Mention {
                age: n.saturating_add(rules.school_year_offset),
                people: if plural { 2 } else { 1 },
                school_year: true,
                range: i - 1..end,
            });
            i = end;
            continue;
        }
        // "15 and 30 year olds", "16 and 17".
        if ws
            .get(i + 1)
            .is_some_and(|w| w.text == "and" || w.text == "or")
        {
            if let Some(m) = ws.get(i + 2).and_then(number) {
                let unit = match_len(ws, i + 3, &rules.age_after);
                let bare_children = |a: u32| (10..=17).contains(&a);
                if unit.is_some() || (bare_children(n) && bare_children(m)) {
                    let end = i + 3 + unit.unwrap_or(0);
                    for a in [n, m] {
                        out.push(Mention {
                            age: a,
                            people: 1,
                            school_year: false,
                            range: i..end,
                        });
                    }
                    i = end;
                    continue;
                }
            }
        }
        let after = match_len(ws, i + 1, &rules.age_after);
        let before = i > 0 && match_len(ws, i - 1, &rules.age_before) == Some(1);
        if (1..=99).contains(&n) && (after.is_some() || before) {
            let start = if before { i - 1 } else { i };
            let end = i + 1 + after.unwrap_or(0);
            out.push(Mention {
                age: n,
                people: 1,
                school_year: false,
                range: start..end,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// Adds what the ages in `ws` say to `reading`.
pub fn read_ages(signals: &Signals, text: &str, ws: &[Word], reading: &mut Reading) {
    let rules = &signals.ages;
    let found = mentions(signals, ws);
    if found.is_empty() {
        return;
    }
    reading.about_someone = true;
    for m in found
        .iter()
        .filter(|m| !m.school_year && m.age >= rules.adult_from)
    {
        push(
            reading,
            rules.adult_gives.clone(),
            Basis::Words(quote(text, ws, &m.range)),
        );
    }
    let children: Vec<&Mention> = found
        .iter()
        .filter(|m| m.school_year || m.age < rules.adult_from)
        .collect();
    let people: u32 = children.iter().map(|m| m.people).sum();
    if people < 2 {
        return;
    }
    let lo = children.iter().map(|m| m.age).min().unwrap_or(0);
    let hi = children.iter().map(|m| m.age).max().unwrap_or(0);
    let gives = if hi.saturating_sub(lo) <= rules.similar_within {
        &rules.similar_gives
    } else {
        &rules.apart_gives
    };
    let start = children.iter().map(|m| m.range.start).min().unwrap_or(0);
    let end = children.iter().map(|m| m.range.end).max().unwrap_or(0);
    push(
        reading,
        gives.clone(),
        Basis::Words(quote(text, ws, &(start..end))),
    );
}
