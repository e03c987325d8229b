//! Writes a laid-out map as SVG: text as text (searchable, selectable, read by screen readers),
//! a `<title>` and a `<desc>` that tells the whole tree in words, a tooltip on every box, and
//! colours given as plain attributes so every viewer (and the PNG renderer) draws it alike.
//!
//! The contract the tests rely on: each question or outcome is a group `id="node-{id}"`, each
//! answer a group `id="edge-{question}-{value}"`; with a path, those on it carry the class
//! `taken` and the rest the class `dimmed` (drawn faded).

use std::fmt::Write;

use super::geometry::{BoxKind, EdgePath, Layout, NodeBox, Point, TextLine};
use super::text::{Weight, FONT_FAMILY};
use super::urgency::Urgency;
use super::Marks;

/// Colour of the highlighted path (boxes' borders and arrows).
pub const PATH_COLOUR: &str = "#4a148c";
/// Opacity of everything off the highlighted path.
pub const DIMMED_OPACITY: &str = "0.25";
const QUESTION_COLOURS: (&str, &str, &str) = ("#ffffff", "#37474f", "#1a1a1a");
const ARROW_COLOUR: &str = "#455a64";

/// The SVG document for `layout`, with `marks` highlighting a path when given. `title` and
/// `desc` become the document's `<title>` and `<desc>`.
pub fn write(layout: &Layout, marks: Option<&Marks>, title: &str, desc: &str) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let (w, h) = (num(layout.width), num(layout.height));
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="map-title map-desc" font-family="{FONT_FAMILY}">"#
    );
    let _ = writeln!(s, r#"<title id="map-title">{}</title>"#, esc(title));
    let _ = writeln!(s, r#"<desc id="map-desc">{}</desc>"#, esc(desc));
    let _ = writeln!(
        s,
        r##"<rect id="background" x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##
    );
    s.push_str("<g id=\"heading\">\n");
    for l in &layout.heading {
        text(&mut s, l, "#1a1a1a");
    }
    s.push_str("</g>\n<g id=\"emergency\" class=\"emergency\">\n");
    rect(&mut s, &layout.banner, 6.0, ("#b71c1c", "#7f0000"), 2.0);
    for l in &layout.banner_lines {
        text(&mut s, l, "#ffffff");
    }
    s.push_str("</g>\n<g id=\"legend\">\n");
    for e in &layout.legend {
        let (fill, stroke, _) = e.urgency.map_or(QUESTION_COLOURS, Urgency::colours);
        rect(&mut s, &e.swatch, 4.0, (fill, stroke), 2.0);
        text(&mut s, &e.line, "#1a1a1a");
    }
    s.push_str("</g>\n<g id=\"edges\">\n");
    // Arrows on the path last, so nothing faded is drawn over them.
    let taken_edge = |e: &EdgePath| marks.is_some_and(|m| m.edge(&e.question, &e.value));
    for e in layout.edges.iter().filter(|e| !taken_edge(e)) {
        edge(&mut s, e, marks.map(|_| false));
    }
    for e in layout.edges.iter().filter(|e| taken_edge(e)) {
        edge(&mut s, e, Some(true));
    }
    s.push_str("</g>\n<g id=\"nodes\">\n");
    for n in &layout.nodes {
        node(&mut s, n, marks.map(|m| m.node(&n.id)));
    }
    s.push_str("</g>\n<g id=\"footer\">\n");
    for l in &layout.footer {
        text(&mut s, l, "#37474f");
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// ` taken` or ` dimmed` for a class list, and the group's opacity attribute.
fn mark(taken: Option<bool>) -> (&'static str, String) {
    match taken {
        Some(true) => (" taken", String::new()),
        Some(false) => (" dimmed", format!(r#" opacity="{DIMMED_OPACITY}""#)),
        None => ("", String::new()),
    }
}

fn node(s: &mut String, n: &NodeBox, taken: Option<bool>) {
    let (class, opacity) = mark(taken);
    let (kind, (fill, stroke, ink)) = match n.kind {
        BoxKind::Question => ("question".to_string(), QUESTION_COLOURS),
        BoxKind::Outcome(u) => (format!("outcome urgency-{}", u.slug()), u.colours()),
    };
    let _ = writeln!(
        s,
        r#"<g id="node-{}" class="node {kind}{class}"{opacity}>"#,
        esc(&n.id)
    );
    let _ = writeln!(s, "<title>{}</title>", esc(&n.tooltip));
    if taken == Some(true) {
        rect(s, &n.rect, 8.0, (fill, PATH_COLOUR), 5.0);
    } else {
        rect(s, &n.rect, 8.0, (fill, stroke), 2.0);
    }
    for l in &n.lines {
        text(s, l, ink);
    }
    s.push_str("</g>\n");
}

fn edge(s: &mut String, e: &EdgePath, taken: Option<bool>) {
    let (class, opacity) = mark(taken);
    let (colour, width) = if taken == Some(true) {
        (PATH_COLOUR, 4.5)
    } else {
        (ARROW_COLOUR, 1.6)
    };
    let _ = writeln!(
        s,
        r#"<g id="edge-{}-{}" class="edge{class}"{opacity}>"#,
        esc(&e.question),
        esc(&e.value)
    );
    let label: Vec<&str> = e.label_lines.iter().map(|l| l.text.as_str()).collect();
    let _ = writeln!(s, "<title>{}</title>", esc(&label.join(" ")));
    let head = 9.0 + width;
    let _ = writeln!(
        s,
        r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="{}" stroke-linejoin="round"/>"#,
        course(&e.points, head - 1.0),
        num(width)
    );
    if let Some(tip) = e.points.last() {
        let half = 4.0 + width;
        let _ = writeln!(
            s,
            r#"<path d="M{} {} L{} {} L{} {} Z" fill="{colour}"/>"#,
            num(tip.x - half),
            num(tip.y - head),
            num(tip.x + half),
            num(tip.y - head),
            num(tip.x),
            num(tip.y)
        );
    }
    let frame = if taken == Some(true) {
        ("#ffffff", PATH_COLOUR)
    } else {
        ("#ffffff", "#78909c")
    };
    rect(
        s,
        &e.label,
        4.0,
        frame,
        if taken == Some(true) { 2.5 } else { 1.0 },
    );
    for l in &e.label_lines {
        text(s, l, "#1a1a1a");
    }
    s.push_str("</g>\n");
}

/// The arrow's path data: straight where x stays the same, a curve with vertical ends where
/// it changes; the last `short` pixels are left for the arrowhead.
fn course(points: &[Point], short: f32) -> String {
    let mut d = String::new();
    let n = points.len();
    for (i, p) in points.iter().enumerate() {
        let p = if i + 1 == n && n > 1 {
            Point {
                x: p.x,
                y: p.y - short,
            }
        } else {
            *p
        };
        if i == 0 {
            let _ = write!(d, "M{} {}", num(p.x), num(p.y));
            continue;
        }
        let prev = points[i - 1];
        if (prev.x - p.x).abs() < 0.05 {
            let _ = write!(d, " L{} {}", num(p.x), num(p.y));
        } else {
            let mid = (prev.y + p.y) / 2.0;
            let _ = write!(
                d,
                " C{} {} {} {} {} {}",
                num(prev.x),
                num(mid),
                num(p.x),
                num(mid),
                num(p.x),
                num(p.y)
            );
        }
    }
    d
}

fn rect(s: &mut String, r: &super::geometry::Rect, rx: f32, (fill, stroke): (&str, &str), sw: f32) {
    let _ = writeln!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{stroke}" stroke-width="{}"/>"#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        num(rx),
        num(sw)
    );
}

fn text(s: &mut String, l: &TextLine, fill: &str) {
    let weight = match l.weight {
        Weight::Bold => r#" font-weight="bold""#,
        Weight::Regular => "",
    };
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" font-size="{}"{weight} text-anchor="middle" fill="{fill}">{}</text>"#,
        num(l.x),
        num(l.baseline),
        num(l.size),
        esc(&l.text)
    );
}

/// A coordinate with one decimal, never `-0.0` (so the output is the same on every machine).
fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_stable() {
        assert_eq!(
            esc(r#"a < b & "c" 'd' >"#),
            "a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt;"
        );
        assert_eq!(esc("bell\u{7}"), "bell");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(-3.25), "-3.3");
    }

    #[test]
    fn arrows_curve_between_ranks_and_run_straight_within_them() {
        let pts = [
            Point { x: 10.0, y: 0.0 },
            Point { x: 10.0, y: 20.0 },
            Point { x: 50.0, y: 60.0 },
        ];
        assert_eq!(course(&pts, 5.0), "M10 0 L10 20 C10 37.5 50 37.5 50 55");
    }
}
