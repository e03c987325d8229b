//! The shapes a map is made of, in CSS pixels with y growing downwards: boxes, lines of text,
//! arrows. The layout produces them and the SVG writer only draws them, so the tests can check
//! the drawing's promises (no overlaps, every label inside its box) on the numbers themselves.

use super::text::{self, Weight};
use super::urgency::Urgency;

/// A point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Across.
    pub x: f32,
    /// Down.
    pub y: f32,
}

/// An axis-aligned rectangle: top-left corner, width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// Centre across.
    pub fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }

    /// True when the two share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// True when `inner` lies wholly inside this rectangle.
    pub fn contains(&self, inner: &Rect) -> bool {
        inner.x >= self.x
            && inner.y >= self.y
            && inner.right() <= self.right()
            && inner.bottom() <= self.bottom()
    }

    /// True when the point lies inside (or on the edge of) this rectangle.
    pub fn holds(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }

    pub(crate) fn shift(&mut self, dx: f32, dy: f32) {
        self.x += dx;
        self.y += dy;
    }
}

/// One line of text, centred on `x`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The words.
    pub text: String,
    /// Centre across.
    pub x: f32,
    /// Baseline.
    pub baseline: f32,
    /// Font size in pixels.
    pub size: f32,
    /// Regular or bold.
    pub weight: Weight,
}

impl TextLine {
    /// The space the drawn line takes: its measured width, from the font's ascent above the
    /// baseline to its descent below.
    pub fn rect(&self) -> Rect {
        let w = text::width(&self.text, self.size, self.weight);
        let top = self.baseline - text::ascent(self.size);
        Rect {
            x: self.x - w / 2.0,
            y: top,
            w,
            h: text::ascent(self.size) + text::descent(self.size),
        }
    }

    pub(crate) fn shift(&mut self, dx: f32, dy: f32) {
        self.x += dx;
        self.baseline += dy;
    }
}

/// What a box on the map stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// A question.
    Question,
    /// An outcome, with how urgent it is.
    Outcome(Urgency),
}

/// A question or outcome, drawn as a box.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// The question or outcome id (`id="node-{id}"` in the SVG).
    pub id: String,
    /// Question or outcome.
    pub kind: BoxKind,
    /// The box.
    pub rect: Rect,
    /// The text inside it.
    pub lines: Vec<TextLine>,
    /// The full wording, shown as a tooltip (the question as asked; the outcome's title and
    /// headline timeframe).
    pub tooltip: String,
}

/// One answer, drawn as an arrow from its question to where it leads, with its label on it.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// The question answered.
    pub question: String,
    /// The answer's value (`id="edge-{question}-{value}"` in the SVG).
    pub value: String,
    /// The question or outcome it leads to.
    pub target: String,
    /// The label's box, on the arrow.
    pub label: Rect,
    /// The label's text (the answer's button text).
    pub label_lines: Vec<TextLine>,
    /// The arrow's course: it starts on the question's bottom edge and ends on the target's top
    /// edge. Consecutive points with the same x are straight vertical runs; between the others
    /// the arrow curves, keeping between the two points' heights.
    pub points: Vec<Point>,
}

/// One entry of the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// The swatch's urgency; `None` for the question swatch.
    pub urgency: Option<Urgency>,
    /// The swatch.
    pub swatch: Rect,
    /// Its words.
    pub line: TextLine,
}

/// A whole map: the heading, the emergency banner, the legend and the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Title and caption lines.
    pub heading: Vec<TextLine>,
    /// The emergency route, always shown in full colour.
    pub banner: Rect,
    /// The banner's text.
    pub banner_lines: Vec<TextLine>,
    /// The legend.
    pub legend: Vec<LegendEntry>,
    /// Where the diagram sits on the page.
    pub diagram: Rect,
    /// Every question and outcome.
    pub nodes: Vec<NodeBox>,
    /// Every answer.
    pub edges: Vec<EdgePath>,
    /// The footer lines.
    pub footer: Vec<TextLine>,
    /// How many pairs of arrows cross (the layout keeps this as low as it can; 0 for today's
    /// tree).
    pub crossings: usize,
}

impl Layout {
    /// The box of the question or outcome `id`.
    pub fn node(&self, id: &str) -> Option<&NodeBox> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Every box on the page that must not overlap another: heading lines, banner, legend
    /// entries, question and outcome boxes, answer labels, footer lines; each with a name for
    /// messages.
    pub fn boxes(&self) -> Vec<(String, Rect)> {
        let mut out: Vec<(String, Rect)> = Vec::new();
        for (i, l) in self.heading.iter().enumerate() {
            out.push((format!("heading line {}", i + 1), l.rect()));
        }
        out.push(("emergency banner".into(), self.banner));
        for e in &self.legend {
            let key = e.urgency.map_or("question", |u| u.slug());
            out.push((format!("legend swatch {key}"), e.swatch));
            out.push((format!("legend text {key}"), e.line.rect()));
        }
        for n in &self.nodes {
            out.push((format!("node-{}", n.id), n.rect));
        }
        for e in &self.edges {
            out.push((format!("edge-{}-{} label", e.question, e.value), e.label));
        }
        for (i, l) in self.footer.iter().enumerate() {
            out.push((format!("footer line {}", i + 1), l.rect()));
        }
        out
    }
}
