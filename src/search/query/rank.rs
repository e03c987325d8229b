//! The final order and the hits shown: records addressed to another audience ranked down,
//! resources ranked below services in `/whocall`, one hit per record, the command's own kind
//! first, each with a snippet.

use std::collections::HashSet;

use crate::knowledge::RecordKind;
use crate::search::audience::audiences;
use crate::search::index::SearchIndex;
use crate::search::snippet::snippet;

use super::concepts::Concept;

/// Share of its score kept by a record whose title addresses another audience than the question.
const AUDIENCE_MISMATCH: f32 = 0.5;
/// Share of its score kept by a resource (a contact marked `resource`) when the command asks for
/// contacts first: `/whocall` is "who do I call", and a guide or a curriculum the guidance lists
/// should not lead over a service that takes the call unless it matches clearly better.
const RESOURCE_IN_WHOCALL: f32 = 0.35;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 220;
/// Length of the best passage's extract, shown first when a passage of the guidance wins.
const EXTRACT_CHARS: usize = 700;

/// One matching document.
#[derive(Debug, Clone)]
pub struct Found {
    /// Position in [`SearchIndex::docs`].
    pub ord: usize,
    /// BM25 score.
    pub score: f32,
    /// Extract of the body around the matched words, matches wrapped in `**`.
    pub snippet: String,
    /// For the best hit when it is a passage of the guidance (a section or a currency note): a
    /// longer extract of that passage around the matched words, so the answer itself is on
    /// screen first; empty otherwise.
    pub extract: String,
}

/// A record whose title says it is for one audience ("Professionals Online Safety Helpline") is
/// not the answer to a question that names only another ("a helpline parents can call"): its
/// score is cut, and `found` re-sorted. `typed` are the question's words.
pub(super) fn rank_down_other_audiences(
    index: &SearchIndex,
    typed: &[String],
    found: &mut [(usize, f32)],
) {
    let asked_for = audiences(typed);
    if asked_for == 0 {
        return;
    }
    for (ord, score) in found.iter_mut() {
        let for_whom = index.audience(*ord);
        if for_whom != 0 && for_whom & asked_for == 0 {
            *score *= AUDIENCE_MISMATCH;
        }
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
}

/// Keeps the best passage of each record, puts records of kind `primary` first (each part still
/// best first) and keeps `limit`. Returns whether any record of kind `primary` matched.
pub(super) fn order(
    index: &SearchIndex,
    primary: Option<RecordKind>,
    found: &mut Vec<(usize, f32)>,
    limit: usize,
) -> bool {
    let docs = index.docs();
    if primary == Some(RecordKind::Contact) {
        for (ord, score) in found.iter_mut() {
            if docs[*ord].resource {
                *score *= RESOURCE_IN_WHOCALL;
            }
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    let mut seen = HashSet::new();
    found.retain(|&(ord, _)| seen.insert(docs[ord].id.as_str()));
    let mut primary_matched = false;
    if let Some(primary) = primary {
        primary_matched = found.iter().any(|&(o, _)| docs[o].kind == primary);
        // Stable partition.
        found.sort_by_key(|&(o, _)| docs[o].kind != primary);
    }
    found.truncate(limit);
    primary_matched
}

/// The hits, each with a snippet highlighting the words of `concepts` (typed or synonyms).
pub(super) fn hits(
    index: &SearchIndex,
    concepts: &[Concept],
    found: Vec<(usize, f32)>,
) -> Vec<Found> {
    let wanted: HashSet<u32> = concepts
        .iter()
        .flat_map(|c| c.alternatives.iter().flat_map(|(seq, _)| seq.iter()))
        .filter_map(|t| index.stem_id(t))
        .collect();
    let docs = index.docs();
    found
        .into_iter()
        .enumerate()
        .map(|(i, (ord, score))| {
            let text = |chars| {
                snippet(
                    &docs[ord].passage,
                    index.passage_tokens(ord),
                    &wanted,
                    chars,
                )
            };
            let passage = matches!(docs[ord].kind, RecordKind::Section | RecordKind::Note);
            Found {
                ord,
                score,
                snippet: text(SNIPPET_CHARS),
                extract: if i == 0 && passage {
                    text(EXTRACT_CHARS)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}
