//! The course of each arrow. An arrow leaves its question from a port on the box's bottom edge
//! and enters its target at a port on the top edge; where a box has several arrows, the ports
//! are spread along the edge in the order of the arrows' other ends, so arrowheads never sit on
//! top of each other and arrows leave a box without crossing. Inside a rank an arrow runs
//! straight down (through its label or bend); between ranks it curves.

use std::collections::HashMap;

use super::geometry::{Point, Rect};
use super::graph::{Graph, ItemKind};
use super::place::{isotonic, Sizes};

/// Ports stay this far inside a box's corners.
const INSET: f32 = 12.0;
/// Ports on one edge are at least this far apart when the box is wide enough.
const SPACING: f32 = 14.0;

/// For each piece of arrow (upper item, lower item): where it leaves the upper item and where
/// it enters the lower one, across.
pub type Ports = HashMap<(usize, usize), (f32, f32)>;

/// Works out every piece's ports.
pub fn ports(g: &Graph, cx: &[f32], sizes: &Sizes) -> Ports {
    let links = g.links();
    let mut out: Ports = links
        .iter()
        .map(|&(a, b)| ((a, b), (cx[a], cx[b])))
        .collect();
    for (item, kind) in g.kinds.iter().enumerate() {
        if !matches!(kind, ItemKind::Node(_)) {
            continue;
        }
        let left = cx[item] - sizes.width[item] / 2.0;
        let right = cx[item] + sizes.width[item] / 2.0;
        let mut below: Vec<(usize, usize)> =
            links.iter().copied().filter(|l| l.0 == item).collect();
        below.sort_by(|p, q| cx[p.1].total_cmp(&cx[q.1]));
        let xs = spread(
            &below.iter().map(|l| cx[l.1]).collect::<Vec<_>>(),
            left,
            right,
        );
        for (l, x) in below.iter().zip(xs) {
            out.entry(*l).or_insert((0.0, 0.0)).0 = x;
        }
        let mut above: Vec<(usize, usize)> =
            links.iter().copied().filter(|l| l.1 == item).collect();
        above.sort_by(|p, q| cx[p.0].total_cmp(&cx[q.0]));
        let xs = spread(
            &above.iter().map(|l| cx[l.0]).collect::<Vec<_>>(),
            left,
            right,
        );
        for (l, x) in above.iter().zip(xs) {
            out.entry(*l).or_insert((0.0, 0.0)).1 = x;
        }
    }
    out
}

/// Ports on an edge from `left` to `right` for arrows whose other ends are at `towards`
/// (sorted): each as near its other end as the edge allows, in order, at least the spacing
/// apart.
fn spread(towards: &[f32], left: f32, right: f32) -> Vec<f32> {
    let k = towards.len();
    if k == 0 {
        return Vec::new();
    }
    let (lo, hi) = (left + INSET, right - INSET);
    if k == 1 {
        return vec![towards[0].clamp(lo, hi.max(lo))];
    }
    let s = SPACING.min((hi - lo) / (k as f32 - 1.0)).max(0.0);
    let wanted: Vec<f32> = towards
        .iter()
        .enumerate()
        .map(|(i, t)| t.clamp(lo, hi) - s * i as f32)
        .collect();
    let y = isotonic(&wanted, &vec![1.0; k]);
    let last = s * (k as f32 - 1.0);
    (0..k)
        .map(|i| {
            let off = s * i as f32;
            (y[i] + off).clamp(lo + off, hi - (last - off))
        })
        .collect()
}

/// The course of edge `e`, from its question's bottom edge to its target's top edge.
pub fn points(
    g: &Graph,
    e: usize,
    ports: &Ports,
    rect: &dyn Fn(usize) -> Rect,
    tops: &[f32],
    height: &dyn Fn(usize) -> f32,
) -> Vec<Point> {
    let bottom = |r: usize| tops[r] + g.order[r].iter().map(|&i| height(i)).fold(0.0, f32::max);
    let chain = &g.edges[e].chain;
    let mut pts: Vec<Point> = Vec::new();
    let mut push = |p: Point| {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    };
    let first = chain[0];
    let start_x = ports[&(first, chain[1])].0;
    push(Point {
        x: start_x,
        y: rect(first).bottom(),
    });
    push(Point {
        x: start_x,
        y: bottom(g.rank[first]),
    });
    for w in chain.windows(2) {
        let (a, b) = (w[0], w[1]);
        let x = ports[&(a, b)].1;
        if matches!(g.kinds[b], ItemKind::Node(_)) {
            push(Point { x, y: rect(b).y });
        } else {
            push(Point {
                x,
                y: tops[g.rank[b]],
            });
            push(Point {
                x,
                y: bottom(g.rank[b]),
            });
        }
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_keep_order_spacing_and_the_box() {
        let xs = spread(&[0.0, 0.0, 0.0], 100.0, 300.0);
        assert_eq!(xs.len(), 3);
        assert!(
            xs.windows(2).all(|p| p[1] - p[0] >= SPACING - 0.01),
            "{xs:?}"
        );
        assert!(xs.iter().all(|x| (112.0..=288.0).contains(x)), "{xs:?}");
        // One arrow straight below its other end stays straight.
        assert_eq!(spread(&[150.0], 100.0, 300.0), vec![150.0]);
        // A narrow box still gets its ports inside, in order.
        let xs = spread(&[0.0, 500.0, 900.0, 1000.0], 100.0, 150.0);
        assert!(xs.windows(2).all(|p| p[0] <= p[1]), "{xs:?}");
        assert!(xs.iter().all(|x| (112.0..=138.0).contains(x)), "{xs:?}");
    }
}
