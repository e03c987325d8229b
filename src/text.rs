//! Small text helpers shared by the core and the adapters.

use std::borrow::Cow;

/// What a shortened text ends with.
pub const ELLIPSIS: char = '…';

/// Cuts `s` to at most `max_chars` characters, the last of them an ellipsis when anything was
/// cut; `s` itself (borrowed) when it fits. Never splits a character.
pub fn shorten(s: &str, max_chars: usize) -> Cow<'_, str> {
    shorten_by(s, max_chars, |_| 1)
}

/// [`shorten`] by another measure: each character counts `width(c)` (e.g. `char::len_utf16`,
/// which is how Discord counts, or `char::len_utf8` for bytes), the ellipsis included. The kept
/// part is the longest prefix that leaves room for the ellipsis.
pub fn shorten_by(s: &str, max: usize, width: impl Fn(char) -> usize) -> Cow<'_, str> {
    let room = max.saturating_sub(width(ELLIPSIS));
    let mut used = 0;
    let mut kept = 0;
    for (i, c) in s.char_indices() {
        used += width(c);
        if used <= room {
            kept = i + c.len_utf8();
        }
        if used > max {
            let mut out = String::with_capacity(kept + ELLIPSIS.len_utf8());
            out.push_str(&s[..kept]);
            out.push(ELLIPSIS);
            return Cow::Owned(out);
        }
    }
    Cow::Borrowed(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_returned_as_is() {
        assert!(matches!(shorten("abc", 3), Cow::Borrowed("abc")));
        assert_eq!(shorten("", 0), "");
    }

    #[test]
    fn a_cut_ends_with_an_ellipsis_within_the_limit() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcdef", 1), "…");
        assert_eq!(
            shorten("abcd", 0),
            "…",
            "the ellipsis is kept even past a zero limit"
        );
    }

    #[test]
    fn multibyte_characters_are_never_split() {
        assert_eq!(shorten("ééééé", 3), "éé…");
        assert_eq!(shorten("日本語のテキスト", 5), "日本語の…");
        assert_eq!(shorten("🚨🚨🚨", 3), "🚨🚨🚨");
        let long = "é".repeat(300);
        assert_eq!(shorten(&long, 100).chars().count(), 100);
    }

    #[test]
    fn other_measures_count_each_character_by_its_width() {
        // An emoji is two UTF-16 units; the ellipsis one.
        let sirens = "🚨".repeat(10);
        let s = shorten_by(&sirens, 5, char::len_utf16);
        assert_eq!(s, "🚨🚨…");
        assert_eq!(s.encode_utf16().count(), 5);
        // In bytes the ellipsis takes three.
        assert_eq!(shorten_by("éééé", 7, char::len_utf8), "éé…");
        assert_eq!(shorten_by("éééé", 8, char::len_utf8), "éééé");
    }
}
