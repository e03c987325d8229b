//! What the index keeps of the documents' words beside tantivy's postings: the passage tokens
//! that snippets are cut from, the word counts that spelling correction learns from, and each
//! record's terms and word pairs that coverage re-ranking looks up.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::tokenizer::TextAnalyzer;

use super::docs::IndexedDoc;
use crate::knowledge::Synonyms;
use crate::search::analyzer::{self, terms};
use crate::search::snippet::Token;

/// The key under which the adjacent stems `a b` are kept in a record's terms (a space never
/// occurs inside a stem, so it cannot be taken for one).
pub(crate) fn pair_key(a: &str, b: &str) -> String {
    format!("{a} {b}")
}

/// Stem ids and passage tokens, for snippets.
pub(super) struct Words {
    /// Stemmed term → id.
    pub(super) stem_ids: HashMap<String, u32>,
    /// Each doc's passage tokens (offsets and stem ids).
    pub(super) doc_tokens: Vec<Vec<Token>>,
}

/// Each record's stemmed terms, and how common each term is across records.
pub(super) struct RecordTerms {
    /// Stemmed terms of each doc's whole record or section (all its passages, title and
    /// keywords), and its adjacent pairs ([`pair_key`]).
    pub(super) terms: Vec<Arc<HashSet<String>>>,
    /// Every stemmed term in the index.
    pub(super) stems: HashSet<String>,
    /// In how many records/sections each stemmed term occurs.
    pub(super) freq: HashMap<String, u32>,
    /// How many records and sections there are (distinct ids).
    pub(super) count: u32,
}

/// Gathers [`Words`], word counts and [`RecordTerms`] while the documents are indexed.
pub(super) struct WordsBuilder<'a> {
    plain: TextAnalyzer,
    stemmer: TextAnalyzer,
    /// Each distinct word is stemmed once; most words recur across passages.
    stem_of: HashMap<String, Option<String>>,
    word_freq: HashMap<String, u32>,
    by_id: HashMap<&'a str, HashSet<String>>,
    /// Adjacent stem pairs ("not report"), so that a phrase counts as covered only where its
    /// words stand together, not merely somewhere in the record.
    pairs_by_id: HashMap<&'a str, HashSet<String>>,
    words: Words,
}

impl<'a> WordsBuilder<'a> {
    pub(super) fn new(docs: usize) -> Self {
        WordsBuilder {
            plain: analyzer::plain(),
            stemmer: analyzer::stemmed(),
            stem_of: HashMap::new(),
            word_freq: HashMap::new(),
            by_id: HashMap::new(),
            pairs_by_id: HashMap::new(),
            words: Words {
                stem_ids: HashMap::new(),
                doc_tokens: Vec::with_capacity(docs),
            },
        }
    }

    /// Takes in the words of the next document (title, passage, keywords, behaviours).
    pub(super) fn add(&mut self, d: &'a IndexedDoc) {
        let set = self.by_id.entry(d.id.as_str()).or_default();
        let pairs = self.pairs_by_id.entry(d.id.as_str()).or_default();
        let mut passage_tokens = Vec::new();
        for (which, text) in [
            d.title.as_str(),
            d.passage.as_str(),
            d.keywords.as_str(),
            d.behaviours.as_str(),
            d.questions.as_str(),
        ]
        .into_iter()
        .enumerate()
        {
            let mut stream = self.plain.token_stream(text);
            let mut prev: Option<String> = None;
            while let Some(token) = stream.next() {
                let word = &token.text;
                match self.word_freq.get_mut(word) {
                    Some(n) => *n += 1,
                    None => {
                        self.word_freq.insert(word.clone(), 1);
                    }
                }
                let stemmer = &mut self.stemmer;
                let stem = self
                    .stem_of
                    .entry(word.clone())
                    .or_insert_with(|| terms(stemmer, word).into_iter().next());
                let Some(stem) = stem else { continue };
                if which == 1 {
                    let next = self.words.stem_ids.len() as u32;
                    let id = *self.words.stem_ids.entry(stem.clone()).or_insert(next);
                    passage_tokens.push(Token {
                        start: token.offset_from as u32,
                        end: token.offset_to as u32,
                        stem: id,
                    });
                }
                if !set.contains(stem) {
                    set.insert(stem.clone());
                }
                if let Some(p) = prev.take() {
                    pairs.insert(pair_key(&p, stem));
                }
                prev = Some(stem.clone());
            }
        }
        self.words.doc_tokens.push(passage_tokens);
    }

    /// Counts the synonym groups' words as known words too, so they are never "corrected"
    /// away.
    pub(super) fn count_synonyms(&mut self, synonyms: &Synonyms) {
        for g in &synonyms.groups {
            for t in &g.terms {
                for w in terms(&mut self.plain, t) {
                    *self.word_freq.entry(w).or_default() += 1;
                }
            }
        }
    }

    /// The snippet tables, the word counts (for spelling) and each record's terms, per doc of
    /// `docs` (the documents added, in order).
    pub(super) fn finish(self, docs: &[IndexedDoc]) -> (Words, HashMap<String, u32>, RecordTerms) {
        let WordsBuilder {
            word_freq,
            by_id,
            mut pairs_by_id,
            words,
            ..
        } = self;
        let mut freq: HashMap<String, u32> = HashMap::new();
        for set in by_id.values() {
            for t in set {
                *freq.entry(t.clone()).or_default() += 1;
            }
        }
        let stems: HashSet<String> = freq.keys().cloned().collect();
        let count = by_id.len() as u32;
        let by_id: HashMap<&str, Arc<HashSet<String>>> = by_id
            .into_iter()
            .map(|(k, mut v)| {
                v.extend(pairs_by_id.remove(k).unwrap_or_default());
                (k, Arc::new(v))
            })
            .collect();
        let terms = docs.iter().map(|d| by_id[d.id.as_str()].clone()).collect();
        let records = RecordTerms {
            terms,
            stems,
            freq,
            count,
        };
        (words, word_freq, records)
    }
}
