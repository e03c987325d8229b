//! The tree as a layered graph, the first half of the map's layout (a Sugiyama-style layered
//! drawing). Each question and outcome goes on the level of its longest path from the start, so
//! every arrow points down. Between two levels lies a rank of answer labels: each answer's label
//! is an item of the graph in its own right, so the placement keeps labels apart from boxes and
//! from each other by construction. An arrow that skips levels passes through one thin "bend"
//! item per rank it crosses, so it is routed around the boxes in its way. The items of each rank
//! are then ordered (module `order`) to keep arrows from crossing.

use std::collections::HashMap;

use crate::triage::tree::{Node, Tree};

/// What a layout item stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A question or outcome box (its id).
    Node(String),
    /// The label of edge number `usize` (an index into [`Graph::edges`]).
    Label(usize),
    /// Where edge number `usize` passes through a rank it does not stop in.
    Bend(usize),
}

/// One answer: from a question, with a value, to a question or outcome.
#[derive(Debug, Clone)]
pub struct GraphEdge {
    /// The question answered.
    pub question: String,
    /// The answer's value.
    pub value: String,
    /// The answer's label (button text).
    pub label: String,
    /// Where it leads.
    pub target: String,
    /// The items it passes through, top to bottom: source box, label, bends…, target box.
    pub chain: Vec<usize>,
}

/// The layered graph: items in ranks, in left-to-right order.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Every item.
    pub kinds: Vec<ItemKind>,
    /// The rank of each item (boxes on even ranks, labels on odd ranks).
    pub rank: Vec<usize>,
    /// Items of each rank, left to right.
    pub order: Vec<Vec<usize>>,
    /// Every answer of every question, in file order.
    pub edges: Vec<GraphEdge>,
    /// Orders to start the search for fewer crossings from (module `order`); the first is the
    /// preferred one (answers in the question's own order).
    pub starts: Vec<Vec<Vec<usize>>>,
}

impl Graph {
    /// Builds the layered graph of `tree`, its ranks in the preferred first order.
    pub fn build(tree: &Tree) -> Graph {
        // Items are numbered in file order (questions, then outcomes), never in a hash map's
        // order, so the same tree always gives the same drawing.
        let in_order = levels(tree);
        let levels: HashMap<String, usize> = in_order.iter().cloned().collect();
        let mut g = Graph {
            kinds: Vec::new(),
            rank: Vec::new(),
            order: Vec::new(),
            edges: Vec::new(),
            starts: Vec::new(),
        };
        let mut item_of: HashMap<String, usize> = HashMap::new();
        for (id, level) in &in_order {
            let i = g.push(ItemKind::Node(id.clone()), 2 * level);
            item_of.insert(id.clone(), i);
        }
        for q in tree.questions() {
            for c in &q.choices {
                let (Some(&from), Some(&to)) = (levels.get(&q.id), levels.get(&c.next)) else {
                    continue; // unreachable: validation refuses such a tree
                };
                let e = g.edges.len();
                let mut chain = vec![item_of[&q.id], g.push(ItemKind::Label(e), 2 * from + 1)];
                for r in 2 * from + 2..2 * to {
                    chain.push(g.push(ItemKind::Bend(e), r));
                }
                chain.push(item_of[&c.next]);
                g.edges.push(GraphEdge {
                    question: q.id.clone(),
                    value: c.value.clone(),
                    label: c.label.clone(),
                    target: c.next.clone(),
                    chain,
                });
            }
        }
        g.starts = vec![
            g.first_order(tree, &item_of, false),
            g.first_order(tree, &item_of, true),
        ];
        g.order = g.starts[0].clone();
        g
    }

    fn push(&mut self, kind: ItemKind, rank: usize) -> usize {
        self.kinds.push(kind);
        self.rank.push(rank);
        self.kinds.len() - 1
    }

    /// Number of ranks.
    pub fn ranks(&self) -> usize {
        self.rank.iter().max().map_or(0, |r| r + 1)
    }

    /// Pairs (upper, lower) of items joined by a piece of an edge between adjacent ranks.
    pub fn links(&self) -> Vec<(usize, usize)> {
        self.edges
            .iter()
            .flat_map(|e| e.chain.windows(2).map(|w| (w[0], w[1])))
            .collect()
    }

    /// A first order: items in the order a depth-first walk from the start meets them, answers
    /// in the order the question lists them (or the reverse). For a tree this order has no
    /// crossings at all.
    fn first_order(
        &self,
        tree: &Tree,
        item_of: &HashMap<String, usize>,
        reverse: bool,
    ) -> Vec<Vec<usize>> {
        let mut order = vec![Vec::new(); self.ranks()];
        let mut seen = vec![false; self.kinds.len()];
        let mut stack = vec![tree.start().id.clone()];
        while let Some(id) = stack.pop() {
            let item = item_of[&id];
            if std::mem::replace(&mut seen[item], true) {
                continue;
            }
            order[self.rank[item]].push(item);
            let mut out: Vec<&GraphEdge> = self.edges.iter().filter(|e| e.question == id).collect();
            if reverse {
                out.reverse();
            }
            for e in &out {
                for &i in &e.chain[1..e.chain.len() - 1] {
                    order[self.rank[i]].push(i);
                }
            }
            for e in out.iter().rev() {
                stack.push(e.target.clone());
            }
        }
        // Questions or outcomes the walk did not meet (validation rules them out) go last.
        for (i, s) in seen.iter().enumerate() {
            if !s && matches!(self.kinds[i], ItemKind::Node(_)) {
                order[self.rank[i]].push(i);
            }
        }
        order
    }
}

/// Each question's and outcome's level: the length of the longest path to it from the start
/// (validation guarantees there are no cycles, so this is well defined).
pub fn levels(tree: &Tree) -> Vec<(String, usize)> {
    let mut level: HashMap<String, usize> = HashMap::new();
    let ids: Vec<String> = tree
        .questions()
        .iter()
        .map(|q| q.id.clone())
        .chain(tree.outcomes().iter().map(|o| o.id.clone()))
        .collect();
    level.insert(tree.start().id.clone(), 0);
    // Longest-path relaxation: at most one pass per node in a DAG.
    for _ in 0..ids.len() {
        let mut changed = false;
        for q in tree.questions() {
            let Some(&l) = level.get(&q.id) else { continue };
            for c in &q.choices {
                if let Some(Node::Question(_) | Node::Outcome(_)) = tree.node(&c.next) {
                    let e = level.entry(c.next.clone()).or_insert(0);
                    if *e < l + 1 {
                        *e = l + 1;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    ids.into_iter()
        .filter_map(|id| level.get(&id).map(|&l| (id.clone(), l)))
        .collect()
}
