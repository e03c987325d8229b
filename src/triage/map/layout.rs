//! Lays a tree out as a page: sizes every box from its measured text, places the layered graph
//! ([`super::graph`], [`super::place`]), routes the arrows through their ports and bends, and
//! puts the heading, the emergency banner, the legend and the footer around the diagram.

use super::geometry::{BoxKind, EdgePath, Layout, LegendEntry, NodeBox, Point, Rect, TextLine};
use super::graph::{Graph, ItemKind};
use super::order;
use super::place::{self, Sizes};
use super::text::{self, Weight};
use super::urgency::Urgency;
use crate::reply::EMERGENCY_LINE;
use crate::triage::tree::{Node, Tree};

/// Space around the page's content.
pub const MARGIN: f32 = 28.0;
/// The page is never narrower than this (so a small tree still gets a readable heading).
pub const MIN_PAGE_WIDTH: f32 = 900.0;
/// Widest line of text in a question or outcome box.
const BOX_TEXT: f32 = 164.0;
/// Widest line of text in an answer label.
const LABEL_TEXT: f32 = 100.0;
/// Padding inside boxes (across, down) and labels.
const BOX_PAD: (f32, f32) = (12.0, 9.0);
const LABEL_PAD: (f32, f32) = (6.0, 4.0);
/// A bend is a lane this wide.
const BEND_WIDTH: f32 = 4.0;
/// Font sizes.
const QUESTION_SIZE: f32 = 14.0;
const TAG_SIZE: f32 = 11.0;
const OUTCOME_SIZE: f32 = 13.5;
const LABEL_SIZE: f32 = 12.5;
const TITLE_SIZE: f32 = 24.0;
const CAPTION_SIZE: f32 = 14.0;
const BANNER_SIZE: f32 = 15.0;
const LEGEND_SIZE: f32 = 13.0;
const FOOTER_SIZE: f32 = 12.0;

/// The words above the diagram: a title and caption lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captions {
    /// The title.
    pub title: String,
    /// Lines under it (the knowledge version; the path drawn, if any).
    pub lines: Vec<String>,
    /// Lines under the diagram.
    pub footer: Vec<String>,
}

/// Text stacked in a box, relative to the box's top-left corner.
struct Content {
    w: f32,
    h: f32,
    lines: Vec<TextLine>,
}

/// The height a line of text at `size` takes in a stack.
fn line_height(size: f32) -> f32 {
    (size * 1.28).round()
}

/// Stacks `parts` (text, size, weight, wrap width) centred in a box with `pad`.
fn stack(parts: &[(&str, f32, Weight, f32)], pad: (f32, f32), min_w: f32) -> Content {
    let mut lines = Vec::new();
    let mut y = pad.1;
    let mut widest: f32 = 0.0;
    for (i, &(words, size, weight, max)) in parts.iter().enumerate() {
        if i > 0 {
            y += 2.0;
        }
        for l in text::wrap(words, size, weight, max) {
            let lh = line_height(size);
            let glyphs = text::ascent(size) + text::descent(size);
            widest = widest.max(text::width(&l, size, weight));
            lines.push(TextLine {
                text: l,
                x: 0.0,
                baseline: (y + (lh - glyphs) / 2.0 + text::ascent(size)).round(),
                size,
                weight,
            });
            y += lh;
        }
    }
    let w = (widest + 2.0 * pad.0).max(min_w).ceil();
    for l in &mut lines {
        l.x = w / 2.0;
    }
    Content {
        w,
        h: (y + pad.1).ceil(),
        lines,
    }
}

fn node_content(tree: &Tree, id: &str) -> (BoxKind, Content, String) {
    match tree.node(id) {
        Some(Node::Question(q)) => (
            BoxKind::Question,
            stack(
                &[(&q.short, QUESTION_SIZE, Weight::Bold, BOX_TEXT)],
                BOX_PAD,
                120.0,
            ),
            q.text.clone(),
        ),
        Some(Node::Outcome(o)) => {
            let u = Urgency::of(o);
            let headline = o.timeframes.first().cloned().unwrap_or_default();
            (
                BoxKind::Outcome(u),
                stack(
                    &[
                        (u.tag(o), TAG_SIZE, Weight::Bold, BOX_TEXT),
                        (&o.title, OUTCOME_SIZE, Weight::Bold, BOX_TEXT),
                    ],
                    BOX_PAD,
                    120.0,
                ),
                format!("{} — {headline}", o.title),
            )
        }
        None => (
            BoxKind::Question,
            stack(
                &[(id, QUESTION_SIZE, Weight::Bold, BOX_TEXT)],
                BOX_PAD,
                120.0,
            ),
            id.to_string(),
        ),
    }
}

/// The diagram alone, at the origin: the costly part of a layout, the same whatever path is
/// highlighted, so it is worked out once per tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    nodes: Vec<NodeBox>,
    edges: Vec<EdgePath>,
    size: Rect,
    crossings: usize,
}

/// Lays out `tree` as a page with `captions`.
pub fn layout(tree: &Tree, captions: &Captions) -> Layout {
    page(&diagram(tree), captions)
}

/// Puts `diagram` on a page with `captions`.
pub fn page(diagram: &Diagram, captions: &Captions) -> Layout {
    let mut page = Layout {
        width: 0.0,
        height: 0.0,
        heading: Vec::new(),
        banner: Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
        },
        banner_lines: Vec::new(),
        legend: Vec::new(),
        diagram: diagram.size,
        nodes: diagram.nodes.clone(),
        edges: diagram.edges.clone(),
        footer: Vec::new(),
        crossings: diagram.crossings,
    };
    frame(&mut page, captions);
    page
}

/// Lays out the diagram of `tree`: boxes, labels and arrows, with the top-left at the origin.
pub fn diagram(tree: &Tree) -> Diagram {
    let mut g = Graph::build(tree);
    order::reduce(&mut g);
    let contents: Vec<Option<(BoxKind, Content, String)>> = g
        .kinds
        .iter()
        .map(|k| match k {
            ItemKind::Node(id) => Some(node_content(tree, id)),
            ItemKind::Label(e) => Some((
                BoxKind::Question,
                stack(
                    &[(&g.edges[*e].label, LABEL_SIZE, Weight::Regular, LABEL_TEXT)],
                    LABEL_PAD,
                    28.0,
                ),
                String::new(),
            )),
            ItemKind::Bend(_) => None,
        })
        .collect();
    let size = |i: usize| {
        contents[i]
            .as_ref()
            .map_or((BEND_WIDTH, 0.0), |c| (c.1.w, c.1.h))
    };
    let sizes = Sizes {
        width: (0..g.kinds.len()).map(|i| size(i).0).collect(),
    };
    let cx = place::centres(&g, &sizes);
    let tops = rank_tops(&g, &cx, &sizes, &|i| size(i).1);
    let rect = |i: usize| Rect {
        x: cx[i] - size(i).0 / 2.0,
        y: tops[g.rank[i]],
        w: size(i).0,
        h: size(i).1,
    };

    let mut nodes = Vec::new();
    for (i, k) in g.kinds.iter().enumerate() {
        if let (ItemKind::Node(id), Some((kind, c, tooltip))) = (k, &contents[i]) {
            let r = rect(i);
            nodes.push(NodeBox {
                id: id.clone(),
                kind: *kind,
                rect: r,
                lines: placed(&c.lines, r),
                tooltip: tooltip.clone(),
            });
        }
    }
    let ports = super::route::ports(&g, &cx, &sizes);
    let edges: Vec<EdgePath> = g
        .edges
        .iter()
        .enumerate()
        .map(|(e, ge)| {
            let label_item = ge.chain[1];
            let lr = rect(label_item);
            let lines = contents[label_item]
                .as_ref()
                .map_or_else(Vec::new, |c| placed(&c.1.lines, lr));
            EdgePath {
                question: ge.question.clone(),
                value: ge.value.clone(),
                target: ge.target.clone(),
                label: lr,
                label_lines: lines,
                points: super::route::points(&g, e, &ports, &rect, &tops, &|i| size(i).1),
            }
        })
        .collect();
    let diagram = Rect {
        x: 0.0,
        y: 0.0,
        w: (0..g.kinds.len())
            .map(|i| cx[i] + size(i).0 / 2.0)
            .fold(0.0, f32::max)
            .ceil(),
        h: tops.last().copied().unwrap_or(0.0).ceil(),
    };
    Diagram {
        nodes,
        edges,
        size: diagram,
        crossings: order::Crossings::new(&g).total(&g.order),
    }
}

/// `lines` laid in the box `r` (they were stacked relative to a box at the origin).
fn placed(lines: &[TextLine], r: Rect) -> Vec<TextLine> {
    lines
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l.shift(r.x, r.y);
            l
        })
        .collect()
}

/// The top of each rank, and (as the last entry) the bottom of the last. The gap after a rank
/// grows with how far its arrows travel sideways, so no curve is squashed flat.
fn rank_tops(g: &Graph, cx: &[f32], sizes: &Sizes, height: &dyn Fn(usize) -> f32) -> Vec<f32> {
    let ranks = g.ranks();
    let mut travel = vec![0.0f32; ranks];
    for (a, b) in g.links() {
        let dx = (cx[a] - cx[b]).abs() - (sizes.width[a] / 2.0).min(60.0);
        travel[g.rank[a]] = travel[g.rank[a]].max(dx);
    }
    let mut tops = Vec::with_capacity(ranks + 1);
    let mut y = 0.0f32;
    for (r, items) in g.order.iter().enumerate() {
        tops.push(y);
        let h = items.iter().map(|&i| height(i)).fold(0.0, f32::max);
        y += h;
        if r + 1 < ranks {
            y += (travel[r] * 0.22).clamp(26.0, 70.0).round();
        }
    }
    tops.push(y);
    tops
}

/// Puts the heading, banner and legend above the diagram and the footer below it, and sizes
/// the page.
fn frame(page: &mut Layout, captions: &Captions) {
    let width = (page.diagram.w + 2.0 * MARGIN).max(MIN_PAGE_WIDTH).ceil();
    let inner = width - 2.0 * MARGIN;
    let centre = width / 2.0;
    let mut y = MARGIN;
    let mut heading = Vec::new();
    let put = |lines: &mut Vec<TextLine>, y: &mut f32, words: &str, size: f32, weight| {
        for l in text::wrap(words, size, weight, inner) {
            *y += line_height(size);
            lines.push(TextLine {
                text: l,
                x: centre,
                baseline: (*y - text::descent(size) - 2.0).round(),
                size,
                weight,
            });
        }
    };
    put(
        &mut heading,
        &mut y,
        &captions.title,
        TITLE_SIZE,
        Weight::Bold,
    );
    y += 4.0;
    for c in &captions.lines {
        put(&mut heading, &mut y, c, CAPTION_SIZE, Weight::Regular);
    }
    y += 12.0;
    let banner_top = y;
    let mut banner_lines = Vec::new();
    y += 8.0;
    put(
        &mut banner_lines,
        &mut y,
        EMERGENCY_LINE,
        BANNER_SIZE,
        Weight::Bold,
    );
    y += 10.0;
    page.banner = Rect {
        x: MARGIN,
        y: banner_top,
        w: inner,
        h: y - banner_top,
    };
    y += 14.0;
    page.legend = legend(centre, inner, &mut y);
    y += 22.0;
    let dx = ((width - page.diagram.w) / 2.0).round();
    shift_diagram(page, dx, y.round());
    y = page.diagram.bottom() + 22.0;
    let mut footer = Vec::new();
    for f in &captions.footer {
        put(&mut footer, &mut y, f, FOOTER_SIZE, Weight::Regular);
    }
    page.heading = heading;
    page.banner_lines = banner_lines;
    page.footer = footer;
    page.width = width;
    page.height = (y + MARGIN).ceil();
}

/// The legend's entries, in rows centred on `centre` and no wider than `inner`; `y` is moved
/// below them.
fn legend(centre: f32, inner: f32, y: &mut f32) -> Vec<LegendEntry> {
    let swatch = (30.0, 18.0);
    let mut items: Vec<(Option<Urgency>, &str)> = vec![(None, "Question (arrows: its answers)")];
    items.extend(Urgency::ALL.iter().map(|u| (Some(*u), u.legend())));
    let widths: Vec<f32> = items
        .iter()
        .map(|(_, t)| swatch.0 + 8.0 + text::width(t, LEGEND_SIZE, Weight::Regular))
        .collect();
    let spacing = 26.0;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut row_w = 0.0;
    for (i, w) in widths.iter().enumerate() {
        let add = if rows.last().is_some_and(|r| r.is_empty()) {
            *w
        } else {
            spacing + w
        };
        if row_w + add > inner && !rows.last().is_some_and(|r| r.is_empty()) {
            rows.push(vec![i]);
            row_w = *w;
        } else {
            if let Some(r) = rows.last_mut() {
                r.push(i);
            }
            row_w += add;
        }
    }
    let mut out = Vec::new();
    for row in rows {
        let total: f32 =
            row.iter().map(|&i| widths[i]).sum::<f32>() + spacing * (row.len() as f32 - 1.0);
        let mut x = (centre - total / 2.0).round();
        for i in row {
            let (u, words) = items[i];
            let line_w = text::width(words, LEGEND_SIZE, Weight::Regular);
            out.push(LegendEntry {
                urgency: u,
                swatch: Rect {
                    x,
                    y: *y,
                    w: swatch.0,
                    h: swatch.1,
                },
                line: TextLine {
                    text: words.to_string(),
                    x: x + swatch.0 + 8.0 + line_w / 2.0,
                    baseline: (*y + swatch.1 / 2.0 + text::ascent(LEGEND_SIZE) * 0.36).round(),
                    size: LEGEND_SIZE,
                    weight: Weight::Regular,
                },
            });
            x += widths[i] + spacing;
        }
        *y += swatch.1 + 10.0;
    }
    out
}

fn shift_diagram(page: &mut Layout, dx: f32, dy: f32) {
    page.diagram.shift(dx, dy);
    for n in &mut page.nodes {
        n.rect.shift(dx, dy);
        for l in &mut n.lines {
            l.shift(dx, dy);
        }
    }
    for e in &mut page.edges {
        e.label.shift(dx, dy);
        for l in &mut e.label_lines {
            l.shift(dx, dy);
        }
        for p in &mut e.points {
            *p = Point {
                x: p.x + dx,
                y: p.y + dy,
            };
        }
    }
}
