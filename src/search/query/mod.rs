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

use super::analyzer::{self, clean_query, is_filler, is_stopword, terms};
use super::audience::audiences;
use super::index::{pair_key, SearchIndex};
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
/// Weight of an expansion that is another form of the typed word ("porn" → "pornography").
const VARIANT_BOOST: f32 = 0.9;
/// Share of its score kept by a record whose title addresses another audience than the question.
const AUDIENCE_MISMATCH: f32 = 0.5;
/// Weight of the word a question turns on ("should I **look** at …"), relative to other words.
const FOCUS_BOOST: f32 = 1.5;
/// Weight of asides: the words in which the asker describes themselves ("I'm a youth worker,
/// …") and the child's age ("15 year old").
const ASIDE_BOOST: f32 = 0.3;
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

        let expanded = expand_capital_acronyms(&cleaned);
        let typed = terms(&mut plain, &expanded);
        out.urgent = self.thesaurus.is_urgent(&typed);
        let words = self.words(&expanded, &mut plain, &mut stemmer, &mut out.corrections);
        let stem = |w: &str, stemmer: &mut tantivy::tokenizer::TextAnalyzer| {
            terms(stemmer, w).into_iter().next()
        };
        // Stem every word, keeping stopwords in place so multi-word synonyms ("out of hours")
        // are still found, but remembering which positions carry meaning.
        let mut stemmed: Vec<String> = Vec::with_capacity(words.len());
        let mut content: Vec<bool> = Vec::with_capacity(words.len());
        let mut aside: Vec<bool> = Vec::with_capacity(words.len());
        let mut plain_words: Vec<&str> = Vec::with_capacity(words.len());
        let intent = scope.primary.map_or(&[][..], intent_words);
        for (w, is_aside) in &words {
            if let Some(s) = stem(w, &mut stemmer) {
                content.push(!is_filler(w, &s) && !intent.contains(&w.as_str()));
                stemmed.push(s);
                aside.push(*is_aside);
                plain_words.push(w);
            }
        }
        let focus = question_focus(&plain_words, &content);
        // An age ("15 year old", "yr 8") describes the child: an aside, so that it cannot pull
        // in every statistic that mentions a number of years.
        for i in 0..stemmed.len().saturating_sub(1) {
            if stemmed[i] == "year" && stemmed[i + 1] == "old" {
                let lo = i.saturating_sub(1);
                let hi = (i + 3).min(stemmed.len());
                for j in lo..hi {
                    if j == i || j == i + 1 || stemmed[j].chars().all(|c| c.is_ascii_digit()) {
                        aside[j] = true;
                    }
                }
            }
        }
        if !content.iter().any(|&c| c) {
            content.iter_mut().for_each(|c| *c = true);
        }
        let concepts = self.concepts(&stemmed, &content, &aside, focus);
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
            .zip(&aside)
            .filter(|((_, &c), &a)| c && !a)
            .map(|((t, _), _)| t)
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
            // Covered as typed counts fully; only through a synonym, at the synonym's weight. What
            // to look up is worked out once: a word as such, a phrase as its adjacent pairs.
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
                let have = covered(&self.doc_terms[*ord]);
                *score *= COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * have / total;
            }
            found.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        // A record whose title says it is for one audience ("Professionals Online Safety
        // Helpline") is not the answer to a question that names only another ("a helpline
        // parents can call").
        let asked_for = audiences(&typed);
        if asked_for != 0 {
            for (ord, score) in found.iter_mut() {
                let for_whom = self.audiences[*ord];
                if for_whom != 0 && for_whom & asked_for == 0 {
                    *score *= AUDIENCE_MISMATCH;
                }
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

/// Words that only restate what a command looks for ("which law" to /offence, "what number" to
/// /whocall): every record of the command's kind answers them, so they cannot tell those records
/// apart, yet a record that happens to use the word ("lawful", "Phone number:") would win on it.
fn intent_words(kind: RecordKind) -> &'static [&'static str] {
    match kind {
        RecordKind::Offence => &[
            "law",
            "laws",
            "legal",
            "legally",
            "illegal",
            "offence",
            "offences",
            "offense",
            "offenses",
            "crime",
            "crimes",
            "criminal",
            "legislation",
            "legislative",
        ],
        RecordKind::Contact => &[
            "number",
            "numbers",
            "contact",
            "contacts",
            "telephone",
            "tel",
            "ring",
            "call",
        ],
        RecordKind::Threshold => &[
            "fast",
            "quickly",
            "quick",
            "soon",
            "act",
            "threshold",
            "thresholds",
        ],
        _ => &[],
    }
}

/// One thing the user asked about: the words as typed and, when they belong to a synonym group,
/// the group's other terms at a lower weight. A document scores for its best alternative only
/// (plus a small tie-breaker), so a record that lists many synonyms does not pile up score.
#[derive(Debug, Clone)]
struct Concept {
    /// (stemmed token sequence, weight); the first is what the user typed.
    alternatives: Vec<(Vec<String>, f32)>,
    /// An aside — the asker's description of themselves, or the child's age: searched at a
    /// low weight, unwidened, not counted for coverage.
    aside: bool,
    /// What the question turns on ([`question_focus`]): searched and counted at a higher weight.
    focus: bool,
}

impl SearchIndex {
    /// The query's words after shorthand is rewritten, plurals of abbreviations are undone and
    /// spelling is corrected, each with whether it is an aside: part of the asker's
    /// description of themselves ("I'm a youth worker, …"). Those words say who the
    /// practitioner is, not what happened, so they are neither rewritten nor widened, and they
    /// must not pull in the records about that role (the LADO for "youth worker") the way a
    /// role in the situation should.
    fn words(
        &self,
        text: &str,
        plain: &mut tantivy::tokenizer::TextAnalyzer,
        stemmer: &mut tantivy::tokenizer::TextAnalyzer,
        corrections: &mut Vec<(String, String)>,
    ) -> Vec<(String, bool)> {
        let tokens = tokens_with_offsets(plain, text);
        let typed: Vec<String> = tokens.iter().map(|t| t.0.clone()).collect();
        let asker = asker_role(text);
        let in_asker =
            |t: &&(String, usize, usize)| asker.is_some_and(|(a, b)| t.1 >= a && t.2 <= b);
        let first_asker = tokens.iter().position(|t| in_asker(&t)).unwrap_or(0);
        let asker_len = tokens.iter().filter(in_asker).count();
        let (before, rest) = typed.split_at(first_asker);
        let (asker_words, after) = rest.split_at(asker_len);
        let mut rewritten: Vec<(String, bool)> = Vec::with_capacity(typed.len());
        for (part, aside) in [(before, false), (asker_words, true), (after, false)] {
            let part = if aside {
                part.to_vec()
            } else {
                self.thesaurus.rewrite(part, stemmer, &self.stems)
            };
            rewritten.extend(part.into_iter().map(|w| (w, aside)));
        }
        let mut stem_of = |w: &str| terms(stemmer, w).into_iter().next();
        let mut words: Vec<(String, bool)> = Vec::with_capacity(rewritten.len());
        for (w, aside) in rewritten {
            let known_stem = stem_of(&w).is_some_and(|s| self.stems.contains(&s));
            // "TAs", "DSLs": the plural of an abbreviation the vocabulary knows.
            if !known_stem && !self.vocabulary.contains(&w) && w.len() >= 3 && w.ends_with('s') {
                let base = &w[..w.len() - 1];
                if stem_of(base).is_some_and(|s| self.thesaurus.is_single_term(&s)) {
                    words.push((base.to_string(), aside));
                    continue;
                }
            }
            match self.vocabulary.correct(&w) {
                Some(c) if !is_stopword(&w) && !known_stem => {
                    corrections.push((w.clone(), c.to_string()));
                    words.push((c.to_string(), aside));
                }
                _ => words.push((w, aside)),
            }
        }
        words
    }

    /// How much covering the concept counts when re-ranking: the square root of its inverse
    /// record frequency (ln(1 + records / records using it), through its best-known form; the
    /// root keeps common words from counting for nothing), so that a document
    /// holding the one rare thing asked about ("unreported", "hoax") beats one holding the
    /// common words around it ("online", "young people"). 0 for a concept the knowledge never
    /// uses ("fortnite": it cannot tell records apart) and for the asker's own role.
    fn concept_weight(&self, c: &Concept) -> f32 {
        if c.aside {
            return 0.0;
        }
        let df = |seq: &[String]| -> Option<u32> {
            seq.iter()
                .map(|t| self.record_freq.get(t).copied().filter(|&d| d > 0))
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
                let idf = (1.0 + self.n_records as f32 / d as f32).ln().sqrt();
                if c.focus {
                    idf * FOCUS_BOOST
                } else {
                    idf
                }
            }
            None => 0.0,
        }
    }

    fn concepts(
        &self,
        stemmed: &[String],
        content: &[bool],
        aside: &[bool],
        focus: Option<usize>,
    ) -> Vec<Concept> {
        let focus_boost = |span: std::ops::Range<usize>| {
            if focus.is_some_and(|f| span.contains(&f)) {
                FOCUS_BOOST
            } else {
                1.0
            }
        };
        let mut concepts: Vec<Concept> = Vec::new();
        let mut covered = vec![false; stemmed.len()];
        for m in self.thesaurus.matches(stemmed) {
            let span = m.start..m.start + m.len;
            // A group matched only through filler words ("in", "on") is ignored, and so is one
            // in the asker's description of themselves (added below, unwidened).
            if !content[span.clone()].iter().any(|&c| c) || aside[span.clone()].iter().any(|&a| a) {
                continue;
            }
            let boost = focus_boost(span.clone());
            covered[span].iter_mut().for_each(|c| *c = true);
            let mut others: Vec<(Vec<String>, f32)> = m
                .others
                .into_iter()
                // A synonym with a word the knowledge never uses cannot match: skip it.
                .filter(|seq| seq.iter().all(|t| self.stems.contains(t)))
                .map(|seq| {
                    let w = if is_variant(&m.typed, &seq) {
                        VARIANT_BOOST
                    } else {
                        EXPANSION_BOOST
                    };
                    (seq, w)
                })
                .collect();
            // Other forms of the typed word first, then the group's order.
            others.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut alternatives = vec![(m.typed.clone(), 1.0)];
            alternatives.extend(others.into_iter().take(MAX_ALTERNATIVES));
            alternatives.iter_mut().for_each(|(_, w)| *w *= boost);
            if !concepts.iter().any(|c| c.alternatives[0].0 == m.typed) {
                concepts.push(Concept {
                    alternatives,
                    aside: false,
                    focus: boost > 1.0,
                });
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
                let is_aside = aside[i];
                let w = if is_aside {
                    ASIDE_BOOST
                } else {
                    focus_boost(i..i + 1)
                };
                concepts.push(Concept {
                    alternatives: vec![(vec![t.clone()], w)],
                    aside: is_aside,
                    focus: w > 1.0,
                });
            }
        }
        concepts.truncate(MAX_TERMS);
        concepts
    }
}

/// The keys to look up for one alternative, and its weight.
type Lookup = (Vec<String>, f32);

/// What to look up in a record's terms ([`SearchIndex::doc_terms`]) for a stemmed sequence: a
/// word as such, a phrase as its adjacent pairs.
fn lookup_keys(seq: &[String]) -> Vec<String> {
    match seq {
        [t] => vec![t.clone()],
        _ => seq.windows(2).map(|w| pair_key(&w[0], &w[1])).collect(),
    }
}

/// The position of the word a question turns on — the first content word after "should I",
/// "can we", "do I", … ("should I **look** at the photo", "can I **screenshot** the messages"):
/// what the practitioner wants to know whether to do.
fn question_focus(words: &[&str], content: &[bool]) -> Option<usize> {
    const ASK: &[&str] = &[
        "should", "can", "could", "do", "must", "may", "shall", "ought",
    ];
    const WHO: &[&str] = &["i", "we"];
    let start = words
        .windows(2)
        .position(|w| ASK.contains(&w[0]) && WHO.contains(&w[1]))?
        + 2;
    (start..(start + 2).min(words.len())).find(|&i| content[i])
}

/// True when `alt` is another form of what was typed: of a single word, a longer or shorter
/// form of it ("porn" / "pornography", "image" / "imagery": one stem starts with the other, the
/// shorter has at least 4 letters); of a phrase, the same words in another order or with other
/// small words ("staff member" / "member of staff").
fn is_variant(typed: &[String], alt: &[String]) -> bool {
    match (typed, alt) {
        ([a], [b]) => {
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            short.chars().count() >= 4 && long.starts_with(short.as_str())
        }
        ([_, ..], [_, ..]) if typed.len() > 1 || alt.len() > 1 => {
            fn words(seq: &[String]) -> Vec<&str> {
                let mut w: Vec<&str> = seq
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !is_filler(t, t))
                    .collect();
                w.sort_unstable();
                w
            }
            let (a, b) = (words(typed), words(alt));
            !a.is_empty() && a == b
        }
        _ => false,
    }
}

/// Expands the few abbreviations that are also everyday words, which only their capitals tell
/// apart ("a SEND pupil" is not "send a pupil"). Not applied to a query typed in capitals.
/// These live here rather than in synonyms.toml because that file is lower case by rule.
fn expand_capital_acronyms(text: &str) -> std::borrow::Cow<'_, str> {
    const ACRONYMS: &[(&str, &str)] = &[
        ("SEND", "special educational needs or disability"),
        ("SEN", "special educational needs"),
    ];
    let lower = text.chars().filter(|c| c.is_lowercase()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if lower <= upper || !ACRONYMS.iter().any(|(a, _)| text.contains(a)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match ACRONYMS.iter().find(|(a, _)| *a == word.as_str()) {
            Some((_, expansion)) => out.push_str(expansion),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

/// Plain tokens with their byte offsets.
fn tokens_with_offsets(
    plain: &mut tantivy::tokenizer::TextAnalyzer,
    text: &str,
) -> Vec<(String, usize, usize)> {
    use tantivy::tokenizer::TokenStream;
    let mut out = Vec::new();
    let mut stream = plain.token_stream(text);
    while let Some(t) = stream.next() {
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

/// The byte range of the words in which a query opens by saying who is asking — "I'm a youth
/// worker, …", "As a DSL what …", "social worker here - …" — up to the first break
/// (punctuation, or a word such as "and", "what", "my"), at most six words; `None` when it does
/// not, or when the words describe a feeling rather than a role ("I'm a bit worried …").
fn asker_role(text: &str) -> Option<(usize, usize)> {
    const OPENINGS: &[&str] = &[
        "i'm a ",
        "i'm an ",
        "i’m a ",
        "i’m an ",
        "im a ",
        "im an ",
        "i am a ",
        "i am an ",
        "i work as a ",
        "i work as an ",
        "as a ",
        "as an ",
        "i'm the ",
        "i am the ",
    ];
    const BREAKS: &[&str] = &[
        "and", "but", "with", "so", "what", "who", "how", "when", "where", "why", "should", "can",
        "could", "do", "does", "is", "i", "we", "my", "one", "our", "&", "-", "–",
    ];
    const NOT_ROLES: &[&str] = &[
        "bit",
        "little",
        "worried",
        "concerned",
        "unsure",
        "about",
        "lot",
    ];
    let lower = text.to_ascii_lowercase();
    let is_break_char = |c: char| ",.;:!?()–".contains(c);
    if let Some(open) = OPENINGS.iter().find(|o| lower.starts_with(*o)) {
        let start = open.len();
        let tail = &lower[start..];
        let mut end = tail.find(is_break_char).unwrap_or(tail.len());
        let mut pos = 0;
        for word in tail[..end].split(' ') {
            if BREAKS.contains(&word) {
                end = pos;
                break;
            }
            pos += word.len() + 1;
        }
        let role = tail[..end].trim_end();
        let words: Vec<&str> = role.split_whitespace().collect();
        let is_role =
            (1..=6).contains(&words.len()) && !words.iter().any(|w| NOT_ROLES.contains(w));
        return is_role.then_some((start, start + role.len()));
    }
    // "<role> here - …"
    let here = lower.find(" here")?;
    let after = lower[here + 5..].chars().next();
    let n = lower[..here].split_whitespace().count();
    let ends_clause = after.is_none_or(|c| is_break_char(c) || c == ' ' || c == '-');
    ((1..=4).contains(&n) && ends_clause && !lower[..here].contains(is_break_char))
        .then_some((0, here))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn the_askers_description_of_themselves_is_found() {
        let role = |q: &str| asker_role(q).map(|(a, b)| q[a..b].to_string());
        assert_eq!(
            role("I'm a youth worker, one of my lads says").as_deref(),
            Some("youth worker")
        );
        assert_eq!(
            role("im a dinner supervisor and I've seen a TA").as_deref(),
            Some("dinner supervisor")
        );
        assert_eq!(role("As a DSL what do I do").as_deref(), Some("DSL"));
        assert_eq!(
            role("social worker here - a 13 yr old").as_deref(),
            Some("social worker")
        );
        assert_eq!(role("teacher sent msgs to pupil"), None);
        assert_eq!(
            role("where do I go from here"),
            None,
            "too long to be a role"
        );
        assert_eq!(
            role("I'm a bit worried about a pupil"),
            None,
            "a feeling, not a role"
        );
        assert_eq!(
            role("I'm a teaching assistant at a primary school and a boy told me").as_deref(),
            Some("teaching assistant at a primary school")
        );
    }

    #[test]
    fn capitals_tell_an_abbreviation_from_a_word() {
        assert_eq!(
            expand_capital_acronyms("SEND pupil shared a video"),
            "special educational needs or disability pupil shared a video"
        );
        assert_eq!(
            expand_capital_acronyms("send a pupil home"),
            "send a pupil home"
        );
        assert_eq!(
            expand_capital_acronyms("HE WILL SEND THE PICS"),
            "HE WILL SEND THE PICS",
            "a query in capitals is not read as abbreviations"
        );
        assert_eq!(expand_capital_acronyms("SENDING"), "SENDING");
    }

    #[test]
    fn variants_are_other_forms_of_the_typed_words() {
        assert!(is_variant(&words("porn"), &words("pornographi")));
        assert!(is_variant(&words("imageri"), &words("imag")));
        assert!(!is_variant(&words("groom"), &words("exploit")));
        assert!(
            !is_variant(&words("ta"), &words("tas")),
            "too short to tell"
        );
        assert!(is_variant(
            &words("staff member"),
            &words("member of staff")
        ));
        assert!(!is_variant(&words("staff member"), &words("staff")));
        assert!(!is_variant(&words("teacher"), &words("posit of trust")));
    }

    #[test]
    fn the_question_turns_on_the_word_after_should_i() {
        let w = ["should", "i", "look", "at", "the", "photo"];
        let content = [false, false, true, false, false, true];
        assert_eq!(question_focus(&w, &content), Some(2));
        let w = ["do", "i", "go", "to", "the", "police"];
        let content = [false, false, false, false, false, true];
        assert_eq!(
            question_focus(&w, &content),
            None,
            "only the words right after"
        );
        let w = ["the", "photo", "should", "be", "deleted"];
        assert_eq!(question_focus(&w, &[false, true, false, false, true]), None);
    }
}
