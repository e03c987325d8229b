//! Turns a practitioner's messy question into a tantivy query and runs it: clean, rewrite
//! shorthand, correct spelling against the knowledge's own vocabulary, drop filler words, stem,
//! widen with synonyms (at a lower weight), then BM25 over title, keywords and body.
//!
//! No query syntax is interpreted, so nothing a user types can make the query fail.

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::Term;

use super::analyzer::{self, clean_query, is_stopword, terms};
use super::index::SearchIndex;
use crate::knowledge::RecordKind;

/// Most distinct terms used from one query (bounds the cost of very long questions).
pub const MAX_TERMS: usize = 24;
/// Weight of words the user typed, by field.
const TITLE_BOOST: f32 = 2.0;
const KEYWORDS_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
/// Weight of synonym expansions relative to typed words.
const EXPANSION_BOOST: f32 = 0.5;
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
    /// Results, best first (primary kind first when the scope has one).
    pub hits: Vec<Found>,
    /// Whether any result of the scope's primary kind matched.
    pub primary_matched: bool,
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
        let rewritten = self.thesaurus.rewrite(&typed);
        let mut words: Vec<String> = Vec::with_capacity(rewritten.len());
        for w in rewritten {
            match self.vocabulary.correct(&w) {
                Some(c) if !is_stopword(&w) => {
                    out.corrections.push((w.clone(), c.to_string()));
                    words.push(c.to_string());
                }
                _ => words.push(w),
            }
        }
        let stem = |w: &str, stemmer: &mut tantivy::tokenizer::TextAnalyzer| {
            terms(stemmer, w).into_iter().next()
        };
        let all_stemmed: Vec<String> = words.iter().filter_map(|w| stem(w, &mut stemmer)).collect();
        let content: Vec<&String> = words.iter().filter(|w| !is_stopword(w)).collect();
        let chosen: Vec<&String> = if content.is_empty() {
            words.iter().collect()
        } else {
            content
        };
        let mut main_terms: Vec<String> = Vec::new();
        for w in chosen {
            if let Some(s) = stem(w, &mut stemmer) {
                if !main_terms.contains(&s) && main_terms.len() < MAX_TERMS {
                    main_terms.push(s);
                }
            }
        }
        if main_terms.is_empty() {
            return out;
        }
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in &main_terms {
            clauses.push((
                Occur::Should,
                term_clause(&[f.title, f.keywords, f.body], t, 1.0),
            ));
        }
        for seq in self
            .thesaurus
            .expansions(&all_stemmed)
            .into_iter()
            .take(MAX_TERMS)
        {
            if seq.len() == 1 {
                clauses.push((
                    Occur::Should,
                    term_clause(&[f.title, f.keywords, f.body], &seq[0], EXPANSION_BOOST),
                ));
            } else {
                for (field, boost) in [
                    (f.title, TITLE_BOOST),
                    (f.keywords, KEYWORDS_BOOST),
                    (f.body, BODY_BOOST),
                ] {
                    let phrase = PhraseQuery::new(
                        seq.iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect(),
                    );
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(phrase), boost * EXPANSION_BOOST)),
                    ));
                }
            }
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = match searcher.search(
            &query,
            &TopDocs::with_limit(self.docs.len().max(1)).order_by_score(),
        ) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "search failed");
                return out;
            }
        };
        let mut found: Vec<(usize, f32)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let Ok(col) = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("ord")
            else {
                continue;
            };
            if let Some(ord) = col.first(addr.doc_id) {
                let kind = self.docs[ord as usize].kind;
                if kind == RecordKind::Note && !scope.include_notes {
                    continue;
                }
                found.push((ord as usize, score));
            }
        }
        if let Some(primary) = scope.primary {
            out.primary_matched = found.iter().any(|&(o, _)| self.docs[o].kind == primary);
            // Stable partition: primary kind first, each part still best first.
            found.sort_by_key(|&(o, _)| self.docs[o].kind != primary);
        }
        found.truncate(limit);

        let mut snippet_terms: BTreeMap<String, f32> = BTreeMap::new();
        for t in main_terms
            .iter()
            .chain(self.thesaurus.expansions(&all_stemmed).iter().flatten())
        {
            snippet_terms.entry(t.clone()).or_insert(1.0);
        }
        let generator =
            SnippetGenerator::new(snippet_terms, analyzer::stemmed(), f.body, SNIPPET_CHARS);
        out.hits = found
            .into_iter()
            .map(|(ord, score)| Found {
                ord,
                score,
                snippet: snippet(&generator, &self.docs[ord].body),
            })
            .collect();
        out.terms = main_terms;
        out
    }
}

fn term_clause(fields: &[Field; 3], term: &str, weight: f32) -> Box<dyn Query> {
    let boosts = [TITLE_BOOST, KEYWORDS_BOOST, BODY_BOOST];
    let sub: Vec<(Occur, Box<dyn Query>)> = fields
        .iter()
        .zip(boosts)
        .map(|(&field, b)| {
            let q = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), b * weight)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(sub))
}

/// A highlighted extract, or the start of the text when no term occurs in it.
fn snippet(generator: &SnippetGenerator, body: &str) -> String {
    let s = generator.snippet(body);
    let fragment = s.fragment();
    if fragment.trim().is_empty() {
        return body.chars().take(SNIPPET_CHARS).collect::<String>();
    }
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut pos = 0;
    for r in s.highlighted() {
        if r.start < pos || r.end > fragment.len() {
            continue;
        }
        out.push_str(&fragment[pos..r.start]);
        out.push_str("**");
        out.push_str(&fragment[r.start..r.end]);
        out.push_str("**");
        pos = r.end;
    }
    out.push_str(&fragment[pos..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
