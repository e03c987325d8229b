//! Highlighted extracts ("snippets") from precomputed tokens. Each passage is tokenised and
//! stemmed once, when the index is built; at query time a snippet is a window over those tokens,
//! so answering never re-stems text (tantivy's own snippet generator re-tokenises the passage on
//! every call, which was a third of the query time).

use std::borrow::Cow;
use std::collections::HashSet;

use crate::text::{shorten_by, ELLIPSIS};

/// One token of a passage: its byte range in the passage and its stemmed form.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset just past the last character.
    pub end: u32,
    /// Index of the stemmed form in the index's stem table.
    pub stem: u32,
}

/// Builds a snippet of at most about `max_chars` characters of `text` around the tokens whose
/// stem is in `wanted`, with each match wrapped in `**`. Falls back to the start of the text
/// when nothing matches.
pub fn snippet(text: &str, tokens: &[Token], wanted: &HashSet<u32>, max_chars: usize) -> String {
    let hits: Vec<&Token> = tokens.iter().filter(|t| wanted.contains(&t.stem)).collect();
    if hits.is_empty() {
        return clip(text, max_chars);
    }
    // The window of at most `max_chars` bytes that holds the most distinct matches.
    let (mut best_i, mut best_j, mut best_n) = (0usize, 0usize, 0usize);
    let mut j = 0;
    for i in 0..hits.len() {
        if j < i {
            j = i;
        }
        while j + 1 < hits.len() && (hits[j + 1].end - hits[i].start) as usize <= max_chars {
            j += 1;
        }
        let distinct: HashSet<u32> = hits[i..=j].iter().map(|t| t.stem).collect();
        if distinct.len() > best_n {
            (best_i, best_j, best_n) = (i, j, distinct.len());
        }
    }
    let first = hits[best_i].start as usize;
    let last = hits[best_j].end as usize;
    // Centre the matches in the window, on character boundaries.
    let spare = max_chars.saturating_sub(last - first);
    let mut start = first.saturating_sub(spare / 2);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    if let Some(space) = text[..first]
        .rfind(char::is_whitespace)
        .filter(|&s| s >= start)
    {
        start = space + 1;
    }
    let mut end = (last + spare - (first - start).min(spare)).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end < text.len() {
        if let Some(space) = text[last..end].rfind(char::is_whitespace) {
            end = last + space;
        }
    }
    let mut out = String::with_capacity(end - start + 16);
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for t in &hits[best_i..=best_j] {
        let (s, e) = (t.start as usize, t.end as usize);
        if s < pos || e > end {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str("**");
        out.push_str(&text[s..e]);
        out.push_str("**");
        pos = e;
    }
    out.push_str(&text[pos..end]);
    if end < text.len() {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The start of `text` in whole words: at most `max_bytes` bytes, then an ellipsis when cut.
fn clip(text: &str, max_bytes: usize) -> String {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match shorten_by(text, max_bytes + ELLIPSIS.len_utf8(), char::len_utf8) {
        Cow::Borrowed(whole) => collapse(whole),
        Cow::Owned(cut) => {
            let kept = cut.strip_suffix(ELLIPSIS).unwrap_or(&cut);
            let words = kept.rfind(char::is_whitespace).map_or(kept, |i| &kept[..i]);
            let mut s = collapse(words);
            s.push(ELLIPSIS);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let w = &text[s..i];
                    let stem = match w.to_lowercase().as_str() {
                        "grooming" | "groom" => 1,
                        "signs" => 2,
                        _ => 0,
                    };
                    out.push(Token {
                        start: s as u32,
                        end: i as u32,
                        stem,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn highlights_the_densest_window() {
        let text = format!(
            "{} Signs of Grooming are listed here. {}",
            "x ".repeat(200),
            "y ".repeat(200)
        );
        let t = toks(&text);
        let s = snippet(&text, &t, &HashSet::from([1, 2]), 80);
        assert!(s.contains("**Signs** of **Grooming**"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() <= 100, "{s}");
    }

    #[test]
    fn the_start_is_cut_between_words() {
        assert_eq!(clip("one two three", 9), "one two…");
        assert_eq!(clip("one  two\nthree", 20), "one two three");
    }

    #[test]
    fn no_match_gives_the_start_and_multibyte_text_is_safe() {
        let text = "é".repeat(300);
        let s = snippet(&text, &toks(&text), &HashSet::from([9]), 51);
        assert!(s.ends_with('…'));
        assert!(s.chars().count() <= 30);
    }
}
