//! Turns a practitioner's messy question into a tantivy query and runs it: clean, rewrite
//! shorthand, correct spelling against the knowledge's own vocabulary, drop filler words, stem,
//! widen with synonyms (at a lower weight), then BM25 over title, keywords and body.
//!
//! No query syntax is interpreted, so nothing a user types can make the query fail.

use std::collections::HashSet;

use super::snippet::snippet;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::analyzer::{self, clean_query, is_stopword, terms};
use super::index::SearchIndex;
use crate::knowledge::RecordKind;

/// Most distinct terms used from one query (bounds the cost of very long questions).
pub const MAX_TERMS: usize = 24;
/// How many best BM25 matches are re-ranked by coverage (enough for every kind to be present
/// in practice; the index holds a few hundred passages).
const CANDIDATES: usize = 40;
/// Most synonyms searched for one concept (the first listed in synonyms.toml win), to bound
/// query cost.
const MAX_ALTERNATIVES: usize = 4;
/// Weight of words the user typed, by field.
const TITLE_BOOST: f32 = 1.5;
const KEYWORDS_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
/// Weight of synonym expansions relative to typed words.
const EXPANSION_BOOST: f32 = 0.5;
/// Weight of the proximity bonus for two typed words standing close together.
const PROXIMITY_BOOST: f32 = 0.5;
/// How far apart (in positions) two words may stand to earn the proximity bonus.
const PROXIMITY_SLOP: u32 = 2;
/// How much a document's second-best synonym adds to its best one.
const SYNONYM_TIE_BREAKER: f32 = 0.1;
/// Share of a score kept by a document that contains none of the query's words in full (it
/// matched through synonyms only); the rest scales with the share of words it contains.
const COVERAGE_FLOOR: f32 = 0.0;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 220;

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

/// One matching document.
#[derive(Debug, Clone)]
pub struct Found {
    /// Position in [`SearchIndex::docs`].
    pub ord: usize,
    /// BM25 score.
    pub score: f32,
    /// Extract of the body around the matched words, matches wrapped in `**`.
    pub snippet: String,
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
        let mut plain = analyzer::plain();
        let mut stemmer = analyzer::stemmed();

        let typed = terms(&mut plain, &cleaned);
        out.urgent = self.thesaurus.is_urgent(&typed);
        let rewritten = self.thesaurus.rewrite(&typed, &mut stemmer, &self.stems);
        let mut words: Vec<String> = Vec::with_capacity(rewritten.len());
        for w in rewritten {
            let known_stem = terms(&mut stemmer, &w)
                .first()
                .is_some_and(|s| self.stems.contains(s));
            match self.vocabulary.correct(&w) {
                Some(c) if !is_stopword(&w) && !known_stem => {
                    out.corrections.push((w.clone(), c.to_string()));
                    words.push(c.to_string());
                }
                _ => words.push(w),
            }
        }
        let stem = |w: &str, stemmer: &mut tantivy::tokenizer::TextAnalyzer| {
            terms(stemmer, w).into_iter().next()
        };
        // Stem every word, keeping stopwords in place so multi-word synonyms ("out of hours")
        // are still found, but remembering which positions carry meaning.
        let mut stemmed: Vec<String> = Vec::with_capacity(words.len());
        let mut content: Vec<bool> = Vec::with_capacity(words.len());
        for w in &words {
            if let Some(s) = stem(w, &mut stemmer) {
                stemmed.push(s);
                content.push(!is_stopword(w));
            }
        }
        if !content.iter().any(|&c| c) {
            content.iter_mut().for_each(|c| *c = true);
        }
        let concepts = self.concepts(&stemmed, &content);
        if concepts.is_empty() {
            return out;
        }
        out.concepts = concepts
            .iter()
            .map(|c| {
                c.alternatives
                    .iter()
                    .map(|(seq, w)| format!("{}^{w}", seq.join(" ")))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        let main_terms: Vec<String> = concepts
            .iter()
            .flat_map(|c| c.alternatives[0].0.iter().cloned())
            .collect();
        let f = self.fields;
        let fields = [f.title, f.keywords, f.body];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &concepts {
            let mut alts: Vec<Box<dyn Query>> = c
                .alternatives
                .iter()
                .map(|(seq, w)| seq_clause(&fields, seq, *w))
                .collect();
            let q: Box<dyn Query> = if alts.len() == 1 {
                alts.pop().expect("one alternative")
            } else {
                Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    alts,
                    SYNONYM_TIE_BREAKER,
                ))
            };
            clauses.push((Occur::Should, q));
        }
        // Proximity: words typed next to each other that also stand close together in a
        // document ("own children", "working days") earn a bonus.
        let content_seq: Vec<&String> = stemmed
            .iter()
            .zip(&content)
            .filter(|(_, &c)| c)
            .map(|(t, _)| t)
            .collect();
        for pair in content_seq.windows(2).take(MAX_TERMS) {
            if pair[0] == pair[1] {
                continue;
            }
            // In the body only: titles are short, and each phrase clause costs query time.
            let phrase = PhraseQuery::new_with_offset_and_slop(
                vec![
                    (0, Term::from_field_text(f.body, pair[0])),
                    (1, Term::from_field_text(f.body, pair[1])),
                ],
                PROXIMITY_SLOP,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(phrase),
                    BODY_BOOST * PROXIMITY_BOOST,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = match searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score()) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "search failed");
                return out;
            }
        };
        let mut found: Vec<(usize, f32)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            if let Some(&ord) = self
                .ords
                .get(addr.segment_ord as usize)
                .and_then(|seg| seg.get(addr.doc_id as usize))
            {
                let kind = self.docs[ord as usize].kind;
                if kind == RecordKind::Note && !scope.include_notes {
                    continue;
                }
                found.push((ord as usize, score));
            }
        }
        // Re-rank by coverage: a document that contains more of the distinct words asked about
        // beats one that matches a single rare word many times.
        // Re-rank by coverage: a document that contains more of the distinct things asked about
        // (a synonym counts) beats one that matches a single word many times. Words the
        // knowledge never uses are left out of the count.
        let weights: Vec<f32> = concepts.iter().map(|c| self.concept_weight(c)).collect();
        let total: f32 = weights.iter().sum();
        if concepts.len() > 1 && total > 0.0 {
            for (ord, score) in found.iter_mut() {
                let terms = &self.doc_terms[*ord];
                // Covered as typed counts fully; only through a synonym, at the synonym's weight.
                let have: f32 = concepts
                    .iter()
                    .zip(&weights)
                    .map(|(c, w)| {
                        c.alternatives
                            .iter()
                            .filter(|(seq, _)| seq.iter().all(|t| terms.contains(t)))
                            .map(|(_, aw)| *aw)
                            .fold(0.0f32, f32::max)
                            * w
                    })
                    .sum();
                *score *= COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * have / total;
            }
            found.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        // Several passages of one section may match: keep the best.
        let mut seen = std::collections::HashSet::new();
        found.retain(|&(ord, _)| seen.insert(self.docs[ord].id.as_str()));
        if let Some(primary) = scope.primary {
            out.primary_matched = found.iter().any(|&(o, _)| self.docs[o].kind == primary);
            // Stable partition: primary kind first, each part still best first.
            found.sort_by_key(|&(o, _)| self.docs[o].kind != primary);
        }
        found.truncate(limit);

        let wanted: HashSet<u32> = concepts
            .iter()
            .flat_map(|c| c.alternatives.iter().flat_map(|(seq, _)| seq.iter()))
            .filter_map(|t| self.stem_ids.get(t).copied())
            .collect();
        out.hits = found
            .into_iter()
            .map(|(ord, score)| Found {
                ord,
                score,
                snippet: snippet(
                    &self.docs[ord].passage,
                    &self.doc_tokens[ord],
                    &wanted,
                    SNIPPET_CHARS,
                ),
            })
            .collect();
        out.terms = main_terms;
        out
    }
}

/// One thing the user asked about: the words as typed and, when they belong to a synonym group,
/// the group's other terms at a lower weight. A document scores for its best alternative only
/// (plus a small tie-breaker), so a record that lists many synonyms does not pile up score.
#[derive(Debug, Clone)]
struct Concept {
    /// (stemmed token sequence, weight); the first is what the user typed.
    alternatives: Vec<(Vec<String>, f32)>,
}

impl SearchIndex {
    /// 1 when the knowledge uses the concept at all (some alternative occurs in a record), else
    /// 0: a word no record contains ("fortnite") cannot tell records apart.
    fn concept_weight(&self, c: &Concept) -> f32 {
        let known = c.alternatives.iter().any(|(seq, _)| {
            seq.iter()
                .all(|t| self.record_freq.get(t).is_some_and(|&df| df > 0))
        });
        if known {
            1.0
        } else {
            0.0
        }
    }

    fn concepts(&self, stemmed: &[String], content: &[bool]) -> Vec<Concept> {
        let mut concepts: Vec<Concept> = Vec::new();
        let mut covered = vec![false; stemmed.len()];
        for m in self.thesaurus.matches(stemmed) {
            // A group matched only through filler words ("in", "on") is ignored.
            if !content[m.start..m.start + m.len].iter().any(|&c| c) {
                continue;
            }
            covered[m.start..m.start + m.len]
                .iter_mut()
                .for_each(|c| *c = true);
            let mut alternatives = vec![(m.typed.clone(), 1.0)];
            alternatives.extend(
                m.others
                    .into_iter()
                    // A synonym with a word the knowledge never uses cannot match: skip it.
                    .filter(|seq| seq.iter().all(|t| self.stems.contains(t)))
                    .take(MAX_ALTERNATIVES)
                    .map(|s| (s, EXPANSION_BOOST)),
            );
            if !concepts.iter().any(|c| c.alternatives[0].0 == m.typed) {
                concepts.push(Concept { alternatives });
            }
        }
        for (i, t) in stemmed.iter().enumerate() {
            if covered[i] || !content[i] {
                continue;
            }
            if !concepts
                .iter()
                .any(|c| c.alternatives[0].0.len() == 1 && &c.alternatives[0].0[0] == t)
            {
                concepts.push(Concept {
                    alternatives: vec![(vec![t.clone()], 1.0)],
                });
            }
        }
        concepts.truncate(MAX_TERMS);
        concepts
    }
}

/// A term, or a phrase of several, over the three text fields with their boosts.
fn seq_clause(fields: &[Field; 3], seq: &[String], weight: f32) -> Box<dyn Query> {
    let boosts = [TITLE_BOOST, KEYWORDS_BOOST, BODY_BOOST];
    let sub: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .zip(boosts)
        .map(|(&field, b)| {
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
