//! Candidate retrieval: the concepts as one tantivy query — each concept's alternatives as a
//! disjunction (best alternative plus a small tie-breaker), BM25 over title, keywords, body,
//! behaviours and the questions a passage answers — plus a bonus for typed words standing close
//! together, and its best matches.

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::knowledge::RecordKind;
use crate::search::index::SearchIndex;

use super::analysis::Reading;
use super::concepts::{Concept, MAX_TERMS};

/// How many best BM25 matches are re-ranked by coverage (enough for every kind to be present
/// in practice; the index holds a few hundred passages).
const CANDIDATES: usize = 40;
/// Weight of words the user typed, by field.
const TITLE_BOOST: f32 = 1.5;
const KEYWORDS_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
/// An offence's behaviours, in practitioners' words, weigh more than the Act's title words: a
/// description of what happened must find the offence for it, not the Act whose name looks
/// most alike.
const BEHAVIOURS_BOOST: f32 = 3.0;
/// The questions a passage answers weigh like its title: they say what the passage is for in
/// the words a practitioner asks with.
const QUESTIONS_BOOST: f32 = 2.0;
/// Weight of the proximity bonus for two typed words standing close together.
const PROXIMITY_BOOST: f32 = 0.5;
/// How far apart (in positions) two words may stand to earn the proximity bonus.
const PROXIMITY_SLOP: u32 = 2;
/// How much a document's second-best synonym adds to its best one.
const SYNONYM_TIE_BREAKER: f32 = 0.1;

/// The query for `concepts`, with proximity bonuses for the content words of `reading`.
pub(super) fn query(index: &SearchIndex, concepts: &[Concept], reading: &Reading) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = concepts
        .iter()
        .map(|c| (Occur::Should, concept_clause(index, c)))
        .collect();
    // Proximity: words typed next to each other that also stand close together in a
    // document ("own children", "working days") earn a bonus.
    let body = index.fields().body;
    for pair in reading.content_stems().windows(2).take(MAX_TERMS) {
        if pair[0] == pair[1] || !(index.field_has(2, pair[0]) && index.field_has(2, pair[1])) {
            continue;
        }
        clauses.push((Occur::Should, proximity_clause(body, pair[0], pair[1])));
    }
    BooleanQuery::new(clauses)
}

/// The best [`CANDIDATES`] matches of `query` (position in the docs, BM25 score), best first,
/// currency notes left out unless `include_notes`; `None` (logged) if tantivy fails.
pub(super) fn candidates(
    index: &SearchIndex,
    query: &dyn Query,
    include_notes: bool,
) -> Option<Vec<(usize, f32)>> {
    let mut found = match index.top(query, CANDIDATES) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "search failed");
            return None;
        }
    };
    found.retain(|&(ord, _)| include_notes || index.docs()[ord].kind != RecordKind::Note);
    Some(found)
}

/// A concept's alternatives: the best one counts, the others add a little.
fn concept_clause(index: &SearchIndex, c: &Concept) -> Box<dyn Query> {
    let mut alts: Vec<Box<dyn Query>> = c
        .alternatives
        .iter()
        .map(|(seq, w)| seq_clause(index, seq, *w))
        .collect();
    if alts.len() == 1 {
        alts.pop().expect("one alternative")
    } else {
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            alts,
            SYNONYM_TIE_BREAKER,
        ))
    }
}

/// Two words standing close together in the body (only: titles are short, and each phrase
/// clause costs query time).
fn proximity_clause(body: Field, a: &str, b: &str) -> Box<dyn Query> {
    let phrase = PhraseQuery::new_with_offset_and_slop(
        vec![
            (0, Term::from_field_text(body, a)),
            (1, Term::from_field_text(body, b)),
        ],
        PROXIMITY_SLOP,
    );
    Box::new(BoostQuery::new(
        Box::new(phrase),
        BODY_BOOST * PROXIMITY_BOOST,
    ))
}

/// A term, or a phrase of several, over the text fields that hold every one of its terms, with
/// their boosts.
fn seq_clause(index: &SearchIndex, seq: &[String], weight: f32) -> Box<dyn Query> {
    let fields = index.fields().text();
    let boosts = [
        TITLE_BOOST,
        KEYWORDS_BOOST,
        BODY_BOOST,
        BEHAVIOURS_BOOST,
        QUESTIONS_BOOST,
    ];
    let sub: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .zip(boosts)
        .enumerate()
        .filter(|(which, _)| seq.iter().all(|t| index.field_has(*which, t)))
        .map(|(_, (&field, b))| {
            let q: Box<dyn Query> = if seq.len() == 1 {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &seq[0]),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(
                    seq.iter()
                        .map(|t| Term::from_field_text(field, t))
                        .collect(),
                ))
            };
            (
                Occur::Should,
                Box::new(BoostQuery::new(q, b * weight)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(sub))
}
