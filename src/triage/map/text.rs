//! The map's font and how wide its text is. The font (DejaVu Sans, regular and bold; licence in
//! `assets/fonts/LICENSE-DejaVu.txt`) is built into the binary, so the layout measures text with
//! the very glyphs the PNG is drawn with, on any machine, with or without fonts installed.

use std::sync::OnceLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// DejaVu Sans, the map's only typeface (regular weight).
pub const FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// DejaVu Sans Bold, for question text, outcome titles and the map's title.
pub const FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name the SVG asks for. A browser without DejaVu Sans falls back to Verdana (the
/// same design lineage, similar widths) or Arial (narrower); the layout measures with DejaVu Sans
/// and keeps padding inside every box, but only the PNG is guaranteed to use the measured font.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// The family name the embedded font file declares (what the PNG renderer resolves).
pub const FONT_NAME: &str = "DejaVu Sans";

/// A weight of the built-in font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Ordinary text.
    Regular,
    /// Headings.
    Bold,
}

/// Advance widths of the characters we meet, in font units per em, for one weight.
struct Advances {
    units_per_em: f32,
    ascent: f32,
    descent: f32,
    ascii: [f32; 128],
    font: FontRef<'static>,
}

impl Advances {
    fn load(bytes: &'static [u8]) -> Advances {
        // The font file is part of the binary and is tested; a broken one is a build error.
        let font = FontRef::new(bytes).expect("the built-in map font is a valid font file");
        let metrics = font.metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(metrics.units_per_em);
        let mut ascii = [0.0; 128];
        for (c, slot) in ascii.iter_mut().enumerate() {
            *slot = advance(&font, char::from(c as u8), units_per_em);
        }
        Advances {
            units_per_em,
            ascent: metrics.ascent / units_per_em,
            descent: -metrics.descent / units_per_em,
            ascii,
            font,
        }
    }

    fn of(&self, c: char) -> f32 {
        match self.ascii.get(c as usize) {
            Some(w) if c.is_ascii() => *w,
            _ => advance(&self.font, c, self.units_per_em),
        }
    }
}

/// A character's advance, in ems (a character the font lacks counts as a wide one).
fn advance(font: &FontRef<'_>, c: char, units_per_em: f32) -> f32 {
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    font.charmap()
        .map(c)
        .and_then(|g| metrics.advance_width(g))
        .map_or(1.0, |w| w / units_per_em)
}

fn advances(weight: Weight) -> &'static Advances {
    static REGULAR: OnceLock<Advances> = OnceLock::new();
    static BOLD: OnceLock<Advances> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR.get_or_init(|| Advances::load(FONT_REGULAR)),
        Weight::Bold => BOLD.get_or_init(|| Advances::load(FONT_BOLD)),
    }
}

/// How wide `text` is at `size` pixels in the built-in font. Kerning is ignored, which can only
/// make the measure a little wider than the drawn text, never narrower.
pub fn width(text: &str, size: f32, weight: Weight) -> f32 {
    let a = advances(weight);
    text.chars().map(|c| a.of(c)).sum::<f32>() * size
}

/// How far the font's glyphs reach above the baseline at `size` pixels.
pub fn ascent(size: f32) -> f32 {
    advances(Weight::Regular).ascent * size
}

/// How far the font's glyphs reach below the baseline at `size` pixels.
pub fn descent(size: f32) -> f32 {
    advances(Weight::Regular).descent * size
}

/// Breaks `text` into lines no wider than `max` pixels, at spaces (and after hyphens inside a
/// word). A single word wider than `max` stays whole on its own line: the caller sizes its box
/// from the widest line, so nothing is ever cut.
pub fn wrap(text: &str, size: f32, weight: Weight, max: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in pieces(text) {
        let candidate = if line.is_empty() {
            word.trim_start().to_string()
        } else {
            format!("{line}{word}")
        };
        if line.is_empty() || width(candidate.trim_end(), size, weight) <= max {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_string());
            line = word.trim_start().to_string();
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Splits text into wrap-able pieces, each carrying the space before it; a hyphenated word is
/// split after its hyphens (`eating-` `disorder`).
fn pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, word) in text.split_whitespace().enumerate() {
        let mut first = true;
        let parts: Vec<&str> = word.split_inclusive('-').collect();
        for part in parts {
            let lead = if first && i > 0 { " " } else { "" };
            out.push(format!("{lead}{part}"));
            first = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size_and_bold_is_wider() {
        let w = width("Child in immediate danger", 14.0, Weight::Regular);
        assert!(w > 100.0 && w < 300.0, "{w}");
        assert!(width("Child in immediate danger!", 14.0, Weight::Regular) > w);
        assert!((width("Child in immediate danger", 28.0, Weight::Regular) - 2.0 * w).abs() < 0.01);
        assert!(width("Child in immediate danger", 14.0, Weight::Bold) > w);
        assert!(width("i", 14.0, Weight::Regular) < width("W", 14.0, Weight::Regular));
        assert_eq!(width("", 14.0, Weight::Regular), 0.0);
    }

    #[test]
    fn the_font_reaches_above_and_below_the_baseline() {
        assert!(
            ascent(10.0) > 7.0 && ascent(10.0) < 11.0,
            "{}",
            ascent(10.0)
        );
        assert!(
            descent(10.0) > 1.0 && descent(10.0) < 4.0,
            "{}",
            descent(10.0)
        );
    }

    #[test]
    fn wrapping_keeps_every_word_in_order_within_the_width() {
        let text = "Self-harm, suicide or eating-disorder content or behaviour";
        let lines = wrap(text, 13.0, Weight::Regular, 110.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            let w = width(l, 13.0, Weight::Regular);
            // A line may only be wider than the limit when it is one unbreakable piece.
            assert!(w <= 110.0 || !l.contains(' '), "{l:?} is {w}px");
        }
        let joined = lines.join(" ").replace("- ", "-");
        assert_eq!(joined, text);
        assert_eq!(wrap("Yes", 13.0, Weight::Regular, 110.0), vec!["Yes"]);
        assert!(wrap("   ", 13.0, Weight::Regular, 110.0).is_empty());
    }

    #[test]
    fn a_word_wider_than_the_limit_is_kept_whole() {
        let lines = wrap("a Supercalifragilistic b", 13.0, Weight::Regular, 20.0);
        assert_eq!(lines, vec!["a", "Supercalifragilistic", "b"]);
    }
}
