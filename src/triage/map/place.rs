//! Where each item of the layered graph goes across the page, the second half of the layout.
//! Each item is pulled towards the average position of the items it is joined to (the bends of
//! a long arrow pulled hardest, so it runs straight), while the items of a rank keep their order
//! and their minimum distances. For one rank that is a least-squares problem with order
//! constraints, solved exactly by pool-adjacent-violators; sweeping over the ranks repeatedly
//! settles the whole drawing. Nothing here can make two items of a rank overlap.

use super::graph::{Graph, ItemKind};

/// How many sweeps over all ranks. The drawing settles well before this for trees of this size.
const SWEEPS: usize = 80;

/// The items' widths and the space each kind wants beside it.
pub struct Sizes {
    /// Width of each item.
    pub width: Vec<f32>,
}

/// Space kept beside an item of this kind (the larger of two neighbours' wins).
fn gap(kind: &ItemKind) -> f32 {
    match kind {
        ItemKind::Node(_) => 22.0,
        ItemKind::Label(_) => 12.0,
        ItemKind::Bend(_) => 10.0,
    }
}

/// How hard the piece of edge between two items pulls them into line.
fn pull(a: &ItemKind, b: &ItemKind) -> f32 {
    match (a, b) {
        (ItemKind::Bend(_), ItemKind::Bend(_)) => 200.0,
        (ItemKind::Bend(_), _) | (_, ItemKind::Bend(_)) => 6.0,
        _ => 1.0,
    }
}

/// The centre x of every item, with the leftmost item's left edge at 0.
pub fn centres(g: &Graph, sizes: &Sizes) -> Vec<f32> {
    let n = g.kinds.len();
    let mut nbrs: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    for (a, b) in g.links() {
        let w = pull(&g.kinds[a], &g.kinds[b]);
        nbrs[a].push((b, w));
        nbrs[b].push((a, w));
    }
    let mut x = vec![0.0f32; n];
    for rank in &g.order {
        let mut at = 0.0;
        for (i, &item) in rank.iter().enumerate() {
            if i > 0 {
                at += min_distance(g, sizes, rank[i - 1], item);
            }
            x[item] = at;
        }
    }
    for sweep in 0..SWEEPS {
        let ranks: Vec<usize> = if sweep % 2 == 0 {
            (0..g.order.len()).collect()
        } else {
            (0..g.order.len()).rev().collect()
        };
        for r in ranks {
            settle_rank(g, sizes, &nbrs, &mut x, r);
        }
    }
    let left = (0..n)
        .map(|i| x[i] - sizes.width[i] / 2.0)
        .fold(f32::INFINITY, f32::min);
    if left.is_finite() {
        for v in &mut x {
            *v -= left;
        }
    }
    x
}

/// The least distance between the centres of two neighbours in a rank.
fn min_distance(g: &Graph, sizes: &Sizes, a: usize, b: usize) -> f32 {
    (sizes.width[a] + sizes.width[b]) / 2.0 + gap(&g.kinds[a]).max(gap(&g.kinds[b]))
}

/// Moves the items of rank `r` as close as their order and spacing allow to where their
/// neighbours pull them.
fn settle_rank(g: &Graph, sizes: &Sizes, nbrs: &[Vec<(usize, f32)>], x: &mut [f32], r: usize) {
    let rank = &g.order[r];
    if rank.is_empty() {
        return;
    }
    // Offsets: the least position of each item relative to the first, packed tight.
    let mut offset = vec![0.0f32; rank.len()];
    for i in 1..rank.len() {
        offset[i] = offset[i - 1] + min_distance(g, sizes, rank[i - 1], rank[i]);
    }
    let mut wanted = Vec::with_capacity(rank.len());
    let mut weight = Vec::with_capacity(rank.len());
    for (i, &item) in rank.iter().enumerate() {
        let total: f32 = nbrs[item].iter().map(|(_, w)| w).sum();
        let (want, w) = if total > 0.0 {
            let mean = nbrs[item].iter().map(|(m, w)| x[*m] * w).sum::<f32>() / total;
            (mean, total)
        } else {
            (x[item], 0.01)
        };
        wanted.push(want - offset[i]);
        weight.push(w);
    }
    let y = isotonic(&wanted, &weight);
    for (i, &item) in rank.iter().enumerate() {
        x[item] = y[i] + offset[i];
    }
}

/// Weighted isotonic regression (pool adjacent violators): the non-decreasing sequence closest
/// to `v` in weighted least squares.
pub fn isotonic(v: &[f32], w: &[f32]) -> Vec<f32> {
    // Blocks of (mean, weight, count).
    let mut blocks: Vec<(f32, f32, usize)> = Vec::with_capacity(v.len());
    for (&value, &weight) in v.iter().zip(w) {
        blocks.push((value, weight, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2);
        }
    }
    blocks
        .into_iter()
        .flat_map(|(m, _, c)| std::iter::repeat_n(m, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_regression_pools_violators_and_keeps_order() {
        assert_eq!(isotonic(&[1.0, 2.0, 3.0], &[1.0; 3]), vec![1.0, 2.0, 3.0]);
        assert_eq!(isotonic(&[3.0, 1.0], &[1.0; 2]), vec![2.0, 2.0]);
        assert_eq!(isotonic(&[3.0, 1.0], &[3.0, 1.0]), vec![2.5, 2.5]);
        let y = isotonic(&[5.0, 1.0, 4.0, 0.0, 9.0], &[1.0; 5]);
        assert!(y.windows(2).all(|p| p[0] <= p[1]), "{y:?}");
        assert_eq!(y[4], 9.0);
        assert!(isotonic(&[], &[]).is_empty());
    }
}
