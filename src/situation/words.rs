//! The practitioner's text as words, and the small phrase language the signals in
//! `knowledge/situations.toml` are written in. Kept deliberately simpler than regular
//! expressions so a safeguarding lead can add local slang without learning a pattern syntax, and
//! so no pattern from a knowledge file can make matching slow.
//!
//! A phrase is words separated by spaces. Within one word:
//! - `a|b` matches either word;
//! - a trailing `*` matches any word that starts with what comes before it (`groom*`);
//! - a trailing `?` makes the word optional (`gone off? to meet`);
//! - the word `...` on its own skips up to [`GAP`] words (`meet ... tonight`).
//!
//! Text and phrases are normalised the same way: lower case, apostrophes dropped (`can't` →
//! `cant`), every other non-letter, non-digit character a word break, and letters split from
//! digits (`yr8` → `yr 8`, `15yo` → `15 yo`).

use std::collections::HashSet;
use std::ops::Range;

/// How many words `...` may skip.
pub const GAP: usize = 8;

/// Most `...` in one phrase: each multiplies the work of a match, so a phrase from a knowledge
/// file can never make reading slow.
pub const MAX_GAPS: usize = 2;

/// Most words in one phrase.
pub const MAX_TOKENS: usize = 12;

/// One word of the text, with where it came from in the original, so what was read can be
/// quoted in the practitioner's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The normalised word.
    pub text: String,
    /// Its byte range in the original text.
    pub span: Range<usize>,
}

/// Splits `text` into normalised [`Word`]s.
pub fn words(text: &str) -> Vec<Word> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Letter,
        Digit,
    }
    let mut out: Vec<Word> = Vec::new();
    let mut current: Option<(Class, String, usize, usize)> = None;
    let flush = |cur: &mut Option<(Class, String, usize, usize)>, out: &mut Vec<Word>| {
        if let Some((_, t, s, e)) = cur.take() {
            out.push(Word {
                text: t,
                span: s..e,
            });
        }
    };
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if matches!(c, '\'' | '’' | '‘' | '`') {
            // Dropped inside a word (`can't`), a break elsewhere.
            if let Some(cur) = current.as_mut() {
                cur.3 = end;
            }
            continue;
        }
        let class = if c.is_alphabetic() {
            Some(Class::Letter)
        } else if c.is_ascii_digit() {
            Some(Class::Digit)
        } else {
            None
        };
        match class {
            None => flush(&mut current, &mut out),
            Some(k) => {
                if current.as_ref().is_some_and(|cur| cur.0 != k) {
                    flush(&mut current, &mut out);
                }
                let cur = current.get_or_insert_with(|| (k, String::new(), i, end));
                cur.1.extend(c.to_lowercase());
                cur.3 = end;
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// One word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Any of these words; a trailing `*` on one makes it a prefix.
    Word {
        alternatives: Vec<(String, bool)>,
        optional: bool,
    },
    /// Skip up to [`GAP`] words.
    Gap,
}

/// A compiled phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    source: String,
    tokens: Vec<Token>,
}

impl Phrase {
    /// Compiles a phrase, or says what is wrong with it.
    pub fn parse(source: &str) -> Result<Phrase, String> {
        let mut tokens = Vec::new();
        for raw in source.split_whitespace() {
            if raw == "..." {
                if tokens.is_empty() {
                    return Err("a phrase cannot start with `...`".into());
                }
                tokens.push(Token::Gap);
                continue;
            }
            let (body, optional) = match raw.strip_suffix('?') {
                Some(b) => (b, true),
                None => (raw, false),
            };
            let mut alternatives = Vec::new();
            for alt in body.split('|') {
                let (stem, prefix) = match alt.strip_suffix('*') {
                    Some(s) => (s, true),
                    None => (alt, false),
                };
                let normal: Vec<Word> = words(stem);
                if normal.len() != 1 || normal[0].text.len() != stem.replace(['\'', '’'], "").len()
                {
                    return Err(format!(
                        "`{alt}` in `{source}` is not one word of letters or digits (write `a b` for two words, `a|b` for either)"
                    ));
                }
                if prefix && normal[0].text.chars().count() < 3 {
                    return Err(format!(
                        "`{alt}` in `{source}`: a prefix needs at least 3 letters before `*`"
                    ));
                }
                alternatives.push((normal[0].text.clone(), prefix));
            }
            tokens.push(Token::Word {
                alternatives,
                optional,
            });
        }
        let gaps = tokens.iter().filter(|t| matches!(t, Token::Gap)).count();
        if gaps > MAX_GAPS || tokens.len() > MAX_TOKENS {
            return Err(format!(
                "`{source}` is too long: at most {MAX_TOKENS} words and {MAX_GAPS} `...` (matching must stay fast)"
            ));
        }
        if matches!(tokens.last(), Some(Token::Gap)) {
            return Err(format!("`{source}` cannot end with `...`"));
        }
        if !tokens.iter().any(|t| {
            matches!(
                t,
                Token::Word {
                    optional: false,
                    ..
                }
            )
        }) {
            return Err(format!(
                "`{source}` needs at least one word that is not optional"
            ));
        }
        Ok(Phrase {
            source: source.to_string(),
            tokens,
        })
    }

    /// The phrase as written in the knowledge file.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// False when the phrase cannot match a text whose words are `present`: one of its
    /// required words has no alternative there. A cheap check before [`Phrase::find_all`],
    /// which tries every position.
    pub fn may_match(&self, present: &HashSet<&str>) -> bool {
        self.tokens.iter().all(|t| match t {
            Token::Gap | Token::Word { optional: true, .. } => true,
            Token::Word { alternatives, .. } => alternatives.iter().any(|(a, prefix)| {
                if *prefix {
                    present.iter().any(|w| w.starts_with(a.as_str()))
                } else {
                    present.contains(a.as_str())
                }
            }),
        })
    }

    /// Every place the phrase matches in `text`: the range of word indices it covers.
    pub fn find_all(&self, text: &[Word]) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < text.len() {
            match self.match_at(text, start, 0) {
                Some(end) if end > start => {
                    out.push(start..end);
                    start = end;
                }
                _ => start += 1,
            }
        }
        out
    }

    /// The end (exclusive word index) of a match of tokens `t..` starting at word `i`.
    fn match_at(&self, text: &[Word], i: usize, t: usize) -> Option<usize> {
        let Some(token) = self.tokens.get(t) else {
            return Some(i);
        };
        match token {
            Token::Gap => (0..=GAP)
                .filter(|skip| i + skip <= text.len())
                .find_map(|skip| self.match_at(text, i + skip, t + 1)),
            Token::Word {
                alternatives,
                optional,
            } => {
                let here = text.get(i).is_some_and(|w| {
                    alternatives.iter().any(|(a, prefix)| {
                        if *prefix {
                            w.text.starts_with(a.as_str())
                        } else {
                            w.text == *a
                        }
                    })
                });
                let taken = if here {
                    self.match_at(text, i + 1, t + 1)
                } else {
                    None
                };
                match (taken, optional) {
                    (Some(end), _) => Some(end),
                    (None, true) => self.match_at(text, i, t + 1),
                    (None, false) => None,
                }
            }
        }
    }
}

/// The original text of words `range`, for quoting back.
pub fn quote(original: &str, text: &[Word], range: &Range<usize>) -> String {
    if range.is_empty() || range.end > text.len() {
        return String::new();
    }
    let s = text[range.start].span.start;
    let e = text[range.end - 1].span.end;
    original.get(s..e).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        words(s).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn normalises_case_apostrophes_and_digits() {
        assert_eq!(texts("Can't reach HIM!"), ["cant", "reach", "him"]);
        assert_eq!(
            texts("yr8 15yo 10-year-old"),
            ["yr", "8", "15", "yo", "10", "year", "old"]
        );
        assert_eq!(texts("boy’s  phone"), ["boys", "phone"]);
    }

    #[test]
    fn phrases_match_words_prefixes_options_and_gaps() {
        let t = words("He has gone to meet a man he met on Roblox and Discord last week tonight");
        let p = Phrase::parse("gone|went off? to meet").unwrap();
        assert_eq!(p.find_all(&t), vec![2..5]);
        let p = Phrase::parse("meet ... tonight").unwrap();
        assert!(p.find_all(&t).is_empty(), "gap is limited to {GAP} words");
        let p = Phrase::parse("met ... roblox").unwrap();
        assert_eq!(p.find_all(&t), vec![8..11]);
        let p = Phrase::parse("rob*").unwrap();
        assert_eq!(p.find_all(&t), vec![10..11]);
        let quoted = quote("He has gone to meet a man", &t, &(2..5));
        assert_eq!(quoted, "gone to meet");
    }

    #[test]
    fn bad_phrases_are_refused() {
        for bad in ["", "...", "a ...", "... a", "x?", "a|b c-d", "ab*"] {
            assert!(Phrase::parse(bad).is_err(), "{bad:?}");
        }
    }
}
