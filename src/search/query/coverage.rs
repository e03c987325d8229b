//! Re-ranking by coverage: a document that contains more of the distinct things asked about
//! (a synonym counts) beats one that matches a single word many times. Each thing counts by
//! how rare it is in the knowledge; words the knowledge never uses are left out of the count.

use std::collections::HashSet;

use crate::search::index::pair_key;
use crate::search::index::SearchIndex;

use super::concepts::{Concept, FOCUS_BOOST};

/// Scales each score in `found` (position in the docs, score) by the share of the question its
/// record covers, and sorts them best first. Nothing changes for a single concept, or when none
/// of the concepts is used by the knowledge.
pub(super) fn rerank(index: &SearchIndex, concepts: &[Concept], found: &mut [(usize, f32)]) {
    let weights: Vec<f32> = concepts.iter().map(|c| concept_weight(index, c)).collect();
    let total: f32 = weights.iter().sum();
    if concepts.len() <= 1 || total <= 0.0 {
        return;
    }
    // Covered as typed counts fully; only through a synonym, at the synonym's weight. What to
    // look up is worked out once: a word as such, a phrase as its adjacent pairs.
    let lookups: Vec<(f32, Vec<Lookup>)> = concepts
        .iter()
        .zip(&weights)
        .map(|(c, w)| {
            let alts = c
                .alternatives
                .iter()
                .map(|(seq, aw)| (lookup_keys(seq), aw.min(1.0)))
                .collect();
            (*w, alts)
        })
        .collect();
    let covered = |terms: &HashSet<String>| -> f32 {
        lookups
            .iter()
            .map(|(w, alts)| {
                alts.iter()
                    .filter(|(keys, _)| keys.iter().all(|k| terms.contains(k)))
                    .map(|(_, aw)| *aw)
                    .fold(0.0f32, f32::max)
                    * w
            })
            .sum()
    };
    for (ord, score) in found.iter_mut() {
        *score *= covered(index.record_terms(*ord)) / total;
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// How much covering the concept counts when re-ranking: the square root of its inverse
/// record frequency (ln(1 + records / records using it), through its best-known form; the
/// root keeps common words from counting for nothing), so that a document
/// holding the one rare thing asked about ("unreported", "hoax") beats one holding the
/// common words around it ("online", "young people"). 0 for a concept the knowledge never
/// uses ("fortnite": it cannot tell records apart) and for the asker's own role.
fn concept_weight(index: &SearchIndex, c: &Concept) -> f32 {
    if c.aside {
        return 0.0;
    }
    let df = |seq: &[String]| -> Option<u32> {
        seq.iter()
            .map(|t| index.record_freq(t).filter(|&d| d > 0))
            .collect::<Option<Vec<u32>>>()
            .and_then(|v| v.into_iter().min())
    };
    let best = df(&c.alternatives[0].0).or_else(|| {
        c.alternatives[1..]
            .iter()
            .filter_map(|(seq, _)| df(seq))
            .min()
    });
    match best {
        Some(d) => {
            let idf = (1.0 + index.n_records() as f32 / d as f32).ln().sqrt();
            if c.focus {
                idf * FOCUS_BOOST
            } else {
                idf
            }
        }
        None => 0.0,
    }
}

/// The keys to look up for one alternative, and its weight.
type Lookup = (Vec<String>, f32);

/// What to look up in a record's terms ([`SearchIndex::record_terms`]) for a stemmed sequence: a
/// word as such, a phrase as its adjacent pairs.
fn lookup_keys(seq: &[String]) -> Vec<String> {
    match seq {
        [t] => vec![t.clone()],
        _ => seq.windows(2).map(|w| pair_key(&w[0], &w[1])).collect(),
    }
}
