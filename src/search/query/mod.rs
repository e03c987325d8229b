//! Turns a practitioner's messy question into a tantivy query and runs it: clean, rewrite
//! shorthand, correct spelling against the knowledge's own vocabulary, drop filler words, stem,
//! widen with synonyms (at a lower weight), then BM25 over title, keywords and body.
//!
//! No query syntax is interpreted, so nothing a user types can make the query fail.
//!
//! [`SearchIndex::search`] reads the question ([`analysis`]), turns it into concepts
//! ([`concepts`]), retrieves candidates ([`retrieval`]), re-ranks them by how much of the
//! question each covers ([`coverage`]), steers towards passages holding the kind of fact the
//! question asks for ([`shape`]) and orders the hits ([`rank`]).

mod analysis;
mod concepts;
mod coverage;
mod rank;
mod retrieval;
mod shape;

use crate::knowledge::RecordKind;
use crate::search::analyzer::clean_query;
use crate::search::index::SearchIndex;

pub use concepts::MAX_TERMS;
pub use rank::Found;

/// Which records a command searches, and which come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Records of this kind are ranked before all others (e.g. contacts for `/whocall`).
    pub primary: Option<RecordKind>,
    /// Whether currency notes may appear as results.
    pub include_notes: bool,
}

impl Scope {
    /// Everything, best first.
    pub const ALL: Scope = Scope {
        primary: None,
        include_notes: true,
    };

    /// Records of `kind` first, then everything else.
    pub fn prefer(kind: RecordKind) -> Scope {
        Scope {
            primary: Some(kind),
            include_notes: false,
        }
    }
}

/// What a search did and found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The query after cleaning.
    pub cleaned: String,
    /// Words corrected: (typed, used).
    pub corrections: Vec<(String, String)>,
    /// Stemmed terms searched.
    pub terms: Vec<String>,
    /// What was searched for, one line per concept (`term^weight | synonym^weight`), for
    /// explaining a ranking (`ask --json` shows it under `analysis`).
    pub concepts: Vec<String>,
    /// Results, best first (primary kind first when the scope has one).
    pub hits: Vec<Found>,
    /// Whether any result of the scope's primary kind matched.
    pub primary_matched: bool,
    /// Whether the query says the situation is happening now (see `urgent` in synonyms.toml).
    pub urgent: bool,
}

impl SearchIndex {
    /// Searches for `raw` within `scope`, returning at most `limit` hits.
    pub fn search(&self, raw: &str, scope: Scope, limit: usize) -> Outcome {
        let cleaned = clean_query(raw);
        let mut out = Outcome {
            cleaned: cleaned.clone(),
            ..Outcome::default()
        };
        let reading = analysis::read(self, &cleaned, scope.primary, &mut out.corrections);
        out.urgent = self.thesaurus().is_urgent(&reading.typed);
        let concepts = concepts::concepts(self, &reading);
        if concepts.is_empty() {
            return out;
        }
        out.concepts = concepts.iter().map(|c| c.describe()).collect();
        let query = retrieval::query(self, &concepts, &reading);
        let Some(mut found) = retrieval::candidates(self, &query, scope.include_notes) else {
            return out;
        };
        coverage::rerank(self, &concepts, &mut found);
        shape::steer(self, &reading.typed, &mut found);
        rank::rank_down_other_audiences(self, &reading.typed, &mut found);
        out.primary_matched = rank::order(self, scope.primary, &mut found, limit);
        out.hits = rank::hits(self, &concepts, found);
        out.terms = concepts.iter().flat_map(|c| c.typed().to_vec()).collect();
        out
    }
}
