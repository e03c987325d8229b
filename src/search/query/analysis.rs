//! Reading the question: the words as typed, shorthand rewritten and spelling corrected, each
//! stemmed and marked with what it is to the question — a word that carries meaning, filler, a
//! word restating the command, an aside (who is asking, the child's age), or the word the
//! question turns on.

use std::borrow::Cow;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::knowledge::RecordKind;
use crate::search::analyzer::{self, is_filler, is_stopword, terms};
use crate::search::index::SearchIndex;

/// The question as read, word by word. Stopwords are kept in place, so that multi-word
/// synonyms ("out of hours") are still found; `content` says which words carry meaning.
#[derive(Debug, Default)]
pub(super) struct Reading {
    /// The words as typed (capital abbreviations expanded), unstemmed.
    pub(super) typed: Vec<String>,
    /// Each word's stem.
    pub(super) stemmed: Vec<String>,
    /// Whether each word carries meaning: not filler, not a restatement of the command.
    pub(super) content: Vec<bool>,
    /// Whether each word is an aside: the asker's description of themselves or the child's age.
    pub(super) aside: Vec<bool>,
    /// The position of the word the question turns on ([`question_focus`]).
    pub(super) focus: Option<usize>,
}

impl Reading {
    /// The stems that carry meaning outside the asides, in order.
    pub(super) fn content_stems(&self) -> Vec<&String> {
        self.stemmed
            .iter()
            .zip(&self.content)
            .zip(&self.aside)
            .filter(|((_, &c), &a)| c && !a)
            .map(|((t, _), _)| t)
            .collect()
    }
}

/// Reads `cleaned` (a query after [`analyzer::clean_query`]) for a command whose records are of
/// kind `primary`, noting each spelling correction made in `corrections`.
pub(super) fn read(
    index: &SearchIndex,
    cleaned: &str,
    primary: Option<RecordKind>,
    corrections: &mut Vec<(String, String)>,
) -> Reading {
    let mut plain = analyzer::plain();
    let mut stemmer = analyzer::stemmed();
    let expanded = expand_capital_acronyms(cleaned);
    let mut r = Reading {
        typed: terms(&mut plain, &expanded),
        ..Reading::default()
    };
    let words = words(index, &expanded, &mut plain, &mut stemmer, corrections);
    let intent = primary.map_or(&[][..], intent_words);
    let mut plain_words: Vec<&str> = Vec::with_capacity(words.len());
    for (w, is_aside) in &words {
        if let Some(s) = terms(&mut stemmer, w).into_iter().next() {
            r.content
                .push(!is_filler(w, &s) && !intent.contains(&w.as_str()));
            r.stemmed.push(s);
            r.aside.push(*is_aside);
            plain_words.push(w);
        }
    }
    r.focus = question_focus(&plain_words, &r.content);
    mark_ages(&r.stemmed, &mut r.aside);
    if !r.content.iter().any(|&c| c) {
        r.content.iter_mut().for_each(|c| *c = true);
    }
    r
}

/// Marks an age ("15 year old", "yr 8") as an aside: it describes the child, and must not pull
/// in every statistic that mentions a number of years.
fn mark_ages(stemmed: &[String], aside: &mut [bool]) {
    for i in 0..stemmed.len().saturating_sub(1) {
        if stemmed[i] == "year" && stemmed[i + 1] == "old" {
            let lo = i.saturating_sub(1);
            let hi = (i + 3).min(stemmed.len());
            for j in lo..hi {
                if j == i || j == i + 1 || stemmed[j].chars().all(|c| c.is_ascii_digit()) {
                    aside[j] = true;
                }
            }
        }
    }
}

/// Words that only restate what a command looks for ("which law" to /offence, "what number" to
/// /whocall): every record of the command's kind answers them, so they cannot tell those records
/// apart, yet a record that happens to use the word ("lawful", "Phone number:") would win on it.
fn intent_words(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Offence => &[
            "law",
            "laws",
            "legal",
            "legally",
            "illegal",
            "offence",
            "offences",
            "offense",
            "offenses",
            "crime",
            "crimes",
            "criminal",
            "legislation",
            "legislative",
        ],
        RecordKind::Contact => &[
            "number",
            "numbers",
            "contact",
            "contacts",
            "telephone",
            "tel",
            "ring",
            "call",
        ],
        RecordKind::Threshold => &[
            "fast",
            "quickly",
            "quick",
            "soon",
            "act",
            "threshold",
            "thresholds",
        ],
        _ => &[],
    }
}

/// The query's words after shorthand is rewritten, plurals of abbreviations are undone and
/// spelling is corrected, each with whether it is an aside: part of the asker's
/// description of themselves ("I'm a youth worker, …"). Those words say who the
/// practitioner is, not what happened, so they are neither rewritten nor widened, and they
/// must not pull in the records about that role (the LADO for "youth worker") the way a
/// role in the situation should.
fn words(
    index: &SearchIndex,
    text: &str,
    plain: &mut TextAnalyzer,
    stemmer: &mut TextAnalyzer,
    corrections: &mut Vec<(String, String)>,
) -> Vec<(String, bool)> {
    let tokens = tokens_with_offsets(plain, text);
    let typed: Vec<String> = tokens.iter().map(|t| t.0.clone()).collect();
    let asker = asker_role(text);
    let in_asker = |t: &&(String, usize, usize)| asker.is_some_and(|(a, b)| t.1 >= a && t.2 <= b);
    let first_asker = tokens.iter().position(|t| in_asker(&t)).unwrap_or(0);
    let asker_len = tokens.iter().filter(in_asker).count();
    let (before, rest) = typed.split_at(first_asker);
    let (asker_words, after) = rest.split_at(asker_len);
    let mut rewritten: Vec<(String, bool)> = Vec::with_capacity(typed.len());
    for (part, aside) in [(before, false), (asker_words, true), (after, false)] {
        let part = if aside {
            part.to_vec()
        } else {
            index.thesaurus().rewrite(part, stemmer, index.stems())
        };
        rewritten.extend(part.into_iter().map(|w| (w, aside)));
    }
    let mut stem_of = |w: &str| terms(stemmer, w).into_iter().next();
    let mut words: Vec<(String, bool)> = Vec::with_capacity(rewritten.len());
    for (w, aside) in rewritten {
        let known_stem = stem_of(&w).is_some_and(|s| index.stems().contains(&s));
        // "TAs", "DSLs": the plural of an abbreviation the vocabulary knows.
        if !known_stem && !index.vocabulary().contains(&w) && w.len() >= 3 && w.ends_with('s') {
            let base = &w[..w.len() - 1];
            if stem_of(base).is_some_and(|s| index.thesaurus().is_single_term(&s)) {
                words.push((base.to_string(), aside));
                continue;
            }
        }
        match index.vocabulary().correct(&w) {
            Some(c) if !is_stopword(&w) && !known_stem => {
                corrections.push((w.clone(), c.to_string()));
                words.push((c.to_string(), aside));
            }
            _ => words.push((w, aside)),
        }
    }
    words
}

/// The position of the word a question turns on — the first content word after "should I",
/// "can we", "do I", … ("should I **look** at the photo", "can I **screenshot** the messages"):
/// what the practitioner wants to know whether to do.
fn question_focus(words: &[&str], content: &[bool]) -> Option<usize> {
    const ASK: &[&str] = &[
        "should", "can", "could", "do", "must", "may", "shall", "ought",
    ];
    const WHO: &[&str] = &["i", "we"];
    let start = words
        .windows(2)
        .position(|w| ASK.contains(&w[0]) && WHO.contains(&w[1]))?
        + 2;
    (start..(start + 2).min(words.len())).find(|&i| content[i])
}

/// Expands the few abbreviations that are also everyday words, which only their capitals tell
/// apart ("a SEND pupil" is not "send a pupil"). Not applied to a query typed in capitals.
/// These live here rather than in synonyms.toml because that file is lower case by rule.
fn expand_capital_acronyms(text: &str) -> Cow<'_, str> {
    const ACRONYMS: &[(&str, &str)] = &[
        ("SEND", "special educational needs or disability"),
        ("SEN", "special educational needs"),
    ];
    let lower = text.chars().filter(|c| c.is_lowercase()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if lower <= upper || !ACRONYMS.iter().any(|(a, _)| text.contains(a)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match ACRONYMS.iter().find(|(a, _)| *a == word.as_str()) {
            Some((_, expansion)) => out.push_str(expansion),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

/// Plain tokens with their byte offsets.
fn tokens_with_offsets(plain: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut stream = plain.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

/// The byte range of the words in which a query opens by saying who is asking — "I'm a youth
/// worker, …", "As a DSL what …", "social worker here - …" — up to the first break
/// (punctuation, or a word such as "and", "what", "my"), at most six words; `None` when it does
/// not, or when the words describe a feeling rather than a role ("I'm a bit worried …").
fn asker_role(text: &str) -> Option<(usize, usize)> {
    const OPENINGS: &[&str] = &[
        "i'm a ",
        "i'm an ",
        "i’m a ",
        "i’m an ",
        "im a ",
        "im an ",
        "i am a ",
        "i am an ",
        "i work as a ",
        "i work as an ",
        "as a ",
        "as an ",
        "i'm the ",
        "i am the ",
    ];
    const BREAKS: &[&str] = &[
        "and", "but", "with", "so", "what", "who", "how", "when", "where", "why", "should", "can",
        "could", "do", "does", "is", "i", "we", "my", "one", "our", "&", "-", "–",
    ];
    const NOT_ROLES: &[&str] = &[
        "bit",
        "little",
        "worried",
        "concerned",
        "unsure",
        "about",
        "lot",
    ];
    let lower = text.to_ascii_lowercase();
    let is_break_char = |c: char| ",.;:!?()–".contains(c);
    if let Some(open) = OPENINGS.iter().find(|o| lower.starts_with(*o)) {
        let start = open.len();
        let tail = &lower[start..];
        let mut end = tail.find(is_break_char).unwrap_or(tail.len());
        let mut pos = 0;
        for word in tail[..end].split(' ') {
            if BREAKS.contains(&word) {
                end = pos;
                break;
            }
            pos += word.len() + 1;
        }
        let role = tail[..end].trim_end();
        let words: Vec<&str> = role.split_whitespace().collect();
        let is_role =
            (1..=6).contains(&words.len()) && !words.iter().any(|w| NOT_ROLES.contains(w));
        return is_role.then_some((start, start + role.len()));
    }
    // "<role> here - …"
    let here = lower.find(" here")?;
    let after = lower[here + 5..].chars().next();
    let n = lower[..here].split_whitespace().count();
    let ends_clause = after.is_none_or(|c| is_break_char(c) || c == ' ' || c == '-');
    ((1..=4).contains(&n) && ends_clause && !lower[..here].contains(is_break_char))
        .then_some((0, here))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_askers_description_of_themselves_is_found() {
        let role = |q: &str| asker_role(q).map(|(a, b)| q[a..b].to_string());
        assert_eq!(
            role("I'm a youth worker, one of my lads says").as_deref(),
            Some("youth worker")
        );
        assert_eq!(
            role("im a dinner supervisor and I've seen a TA").as_deref(),
            Some("dinner supervisor")
        );
        assert_eq!(role("As a DSL what do I do").as_deref(), Some("DSL"));
        assert_eq!(
            role("social worker here - a 13 yr old").as_deref(),
            Some("social worker")
        );
        assert_eq!(role("teacher sent msgs to pupil"), None);
        assert_eq!(
            role("where do I go from here"),
            None,
            "too long to be a role"
        );
        assert_eq!(
            role("I'm a bit worried about a pupil"),
            None,
            "a feeling, not a role"
        );
        assert_eq!(
            role("I'm a teaching assistant at a primary school and a boy told me").as_deref(),
            Some("teaching assistant at a primary school")
        );
    }

    #[test]
    fn capitals_tell_an_abbreviation_from_a_word() {
        assert_eq!(
            expand_capital_acronyms("SEND pupil shared a video"),
            "special educational needs or disability pupil shared a video"
        );
        assert_eq!(
            expand_capital_acronyms("send a pupil home"),
            "send a pupil home"
        );
        assert_eq!(
            expand_capital_acronyms("HE WILL SEND THE PICS"),
            "HE WILL SEND THE PICS",
            "a query in capitals is not read as abbreviations"
        );
        assert_eq!(expand_capital_acronyms("SENDING"), "SENDING");
    }

    #[test]
    fn the_question_turns_on_the_word_after_should_i() {
        let w = ["should", "i", "look", "at", "the", "photo"];
        let content = [false, false, true, false, false, true];
        assert_eq!(question_focus(&w, &content), Some(2));
        let w = ["do", "i", "go", "to", "the", "police"];
        let content = [false, false, false, false, false, true];
        assert_eq!(
            question_focus(&w, &content),
            None,
            "only the words right after"
        );
        let w = ["the", "photo", "should", "be", "deleted"];
        assert_eq!(question_focus(&w, &[false, true, false, false, true]), None);
    }
}
