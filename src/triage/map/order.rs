//! The left-to-right order of each rank of the layered graph, chosen to keep arrows from
//! crossing: barycentre sweeps (each item moved towards the average place of its neighbours in
//! the rank above, then below), then swaps of neighbours and "sifting" (each item tried in every
//! place of its rank), keeping the best order found from each starting order. Ties keep the
//! earlier order, so answers stay in the order the question lists them wherever that costs
//! nothing.

use super::graph::Graph;

/// Counts crossings between adjacent ranks.
pub struct Crossings {
    /// Pieces of edge from rank `r` to rank `r + 1`, by `r`.
    by_rank: Vec<Vec<(usize, usize)>>,
    items: usize,
    /// Each item's place in the preferred order (the graph's first starting order), for ties.
    preferred: Vec<usize>,
}

impl Crossings {
    /// The counter for `g`'s pieces of edge.
    pub fn new(g: &Graph) -> Crossings {
        let mut by_rank = vec![Vec::new(); g.ranks()];
        for (a, b) in g.links() {
            by_rank[g.rank[a]].push((a, b));
        }
        Crossings {
            by_rank,
            items: g.kinds.len(),
            preferred: positions(g.starts.first().unwrap_or(&g.order), g.kinds.len()),
        }
    }

    /// What an order costs: its crossings first, then how far it strays from the preferred
    /// order (pairs of items the other way round), so that among orders with equally few
    /// crossings the one closest to the question's own order of answers wins.
    fn cost(&self, order: &[Vec<usize>]) -> (usize, usize) {
        let strays = order.iter().map(|r| self.strays(r)).sum();
        (self.total(order), strays)
    }

    /// Pairs of items of one rank in the other order than the preferred one.
    fn strays(&self, rank: &[usize]) -> usize {
        let mut n = 0;
        for (i, &a) in rank.iter().enumerate() {
            n += rank[i + 1..]
                .iter()
                .filter(|&&b| self.preferred[a] > self.preferred[b])
                .count();
        }
        n
    }

    /// Crossings over the whole drawing.
    pub fn total(&self, order: &[Vec<usize>]) -> usize {
        let pos = positions(order, self.items);
        (0..self.by_rank.len()).map(|r| self.between(&pos, r)).sum()
    }

    /// Crossings touching rank `r` (with the ranks above and below), then its strays.
    fn around(&self, order: &[Vec<usize>], r: usize) -> (usize, usize) {
        let pos = positions(order, self.items);
        let above = if r > 0 { self.between(&pos, r - 1) } else { 0 };
        (above + self.between(&pos, r), self.strays(&order[r]))
    }

    /// Crossings between rank `r` and rank `r + 1`: pairs of pieces whose ends swap sides.
    fn between(&self, pos: &[usize], r: usize) -> usize {
        let Some(links) = self.by_rank.get(r) else {
            return 0;
        };
        let mut count = 0;
        for (i, a) in links.iter().enumerate() {
            for b in &links[i + 1..] {
                let (a0, a1, b0, b1) = (pos[a.0], pos[a.1], pos[b.0], pos[b.1]);
                if a0 != b0 && a1 != b1 && ((a0 < b0) != (a1 < b1)) {
                    count += 1;
                }
            }
        }
        count
    }
}

/// The items of each rank, left to right.
type Order = Vec<Vec<usize>>;

/// Crossings, then strays from the preferred order (see `Crossings::cost`).
type Cost = (usize, usize);

/// How many shuffled starting orders are tried after the given ones when arrows still cross.
const RESTARTS: u64 = 24;

/// Orders the ranks of `g`: the best order found from any of its starting orders, then (while
/// arrows still cross) from perturbations of the first. The perturbations come from fixed
/// seeds, so the map is the same every time.
pub fn reduce(g: &mut Graph) {
    g.order = best(g, &g.starts);
}

fn best(g: &Graph, starts: &[Vec<Vec<usize>>]) -> Vec<Vec<usize>> {
    let counter = Crossings::new(g);
    let mut best: Option<(Cost, Order)> = None;
    let shuffled = (1..=RESTARTS).map(|seed| shuffle(&starts[0], seed));
    for start in starts.iter().cloned().chain(shuffled) {
        if best.as_ref().is_some_and(|(c, _)| *c == (0, 0)) {
            break;
        }
        let found = from(g, &counter, start);
        let count = counter.cost(&found);
        if best.as_ref().is_none_or(|(c, _)| count < *c) {
            best = Some((count, found));
        }
    }
    best.map(|(_, o)| o).unwrap_or_default()
}

/// `order` perturbed by a small linear congruential generator seeded with `seed`: odd seeds
/// move one item in some ranks (a small step from the preferred order), even seeds shuffle
/// every rank (a fresh start).
fn shuffle(order: &[Vec<usize>], seed: u64) -> Vec<Vec<usize>> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % bound.max(1) as u64) as usize
    };
    order
        .iter()
        .map(|rank| {
            let mut r = rank.clone();
            if r.len() < 2 {
                return r;
            }
            if seed % 2 == 1 {
                if next(3) == 0 {
                    let item = r.remove(next(r.len()));
                    r.insert(next(r.len() + 1), item);
                }
            } else {
                for i in (1..r.len()).rev() {
                    r.swap(i, next(i + 1));
                }
            }
            r
        })
        .collect()
}

fn from(g: &Graph, counter: &Crossings, start: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let n = g.kinds.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, b) in g.links() {
        down[a].push(b);
        up[b].push(a);
    }
    let mut best_count = counter.cost(&start);
    let mut best = start.clone();
    let mut order = start;
    for sweep in 0..12 {
        if best_count == (0, 0) {
            break;
        }
        let downward = sweep % 2 == 0;
        let ranks: Vec<usize> = if downward {
            (1..order.len()).collect()
        } else {
            (0..order.len().saturating_sub(1)).rev().collect()
        };
        for r in ranks {
            barycentre(&mut order, r, if downward { &up } else { &down });
        }
        improve(&mut order, counter);
        let count = counter.cost(&order);
        if count < best_count {
            best_count = count;
            best = order.clone();
        }
    }
    best
}

/// Sorts rank `r` by the average place of each item's `neighbours` (stable, so ties keep their
/// order; an item with none keeps its own place as its key).
fn barycentre(order: &mut [Vec<usize>], r: usize, neighbours: &[Vec<usize>]) {
    let pos = positions(order, neighbours.len());
    let mut keyed: Vec<(f32, usize, usize)> = order[r]
        .iter()
        .enumerate()
        .map(|(i, &item)| {
            let ns = &neighbours[item];
            let key = if ns.is_empty() {
                i as f32
            } else {
                ns.iter().map(|&m| pos[m] as f32).sum::<f32>() / ns.len() as f32
            };
            (key, i, item)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order[r] = keyed.into_iter().map(|k| k.2).collect();
}

/// Swaps of neighbours and sifting, rank by rank, while either lowers the crossings (bounded).
fn improve(order: &mut [Vec<usize>], counter: &Crossings) {
    for _ in 0..6 {
        let mut improved = false;
        for r in 0..order.len() {
            for i in 0..order[r].len() {
                improved |= sift(order, counter, r, i);
            }
        }
        if !improved {
            break;
        }
    }
}

/// Tries the item at place `i` of rank `r` in every place of its rank and leaves it where the
/// crossings around the rank are fewest (where it was, on a tie). True if it moved.
fn sift(order: &mut [Vec<usize>], counter: &Crossings, r: usize, i: usize) -> bool {
    let here = counter.around(order, r);
    let item = order[r].remove(i);
    let mut best = (here, i);
    for j in 0..=order[r].len() {
        if j == i {
            continue;
        }
        order[r].insert(j, item);
        let c = counter.around(order, r);
        order[r].remove(j);
        if c < best.0 {
            best = (c, j);
        }
    }
    order[r].insert(best.1, item);
    best.1 != i
}

/// Each item's index within its rank.
fn positions(order: &[Vec<usize>], n: usize) -> Vec<usize> {
    let mut pos = vec![0; n];
    for rank in order {
        for (i, &item) in rank.iter().enumerate() {
            pos[item] = i;
        }
    }
    pos
}
