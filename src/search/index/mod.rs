//! The tantivy index over every section and record, built in RAM from a [`Knowledge`] in a few
//! milliseconds at start-up and on every reload.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::schema::{
    IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::analyzer::{self, terms, STEMMED};
use super::snippet::Token;
use super::spelling::Vocabulary;
use super::vocabulary::Thesaurus;
use crate::knowledge::{Citation, Knowledge, RecordKind};

/// One searchable document: a section or a record, as shown to users.
#[derive(Debug, Clone)]
pub struct IndexedDoc {
    /// Section or record id.
    pub id: String,
    /// Kind of record.
    pub kind: RecordKind,
    /// Display title.
    pub title: String,
    /// Display body (full text).
    pub body: String,
    /// The text indexed as body: the whole body for records, one passage for sections (long
    /// sections are indexed passage by passage so one focused paragraph is not drowned by the
    /// length of the section around it; hits are merged back per section).
    pub passage: String,
    /// Extra searchable words not shown (situations, heading path, act names).
    pub keywords: String,
    /// Main citation.
    pub citation: Citation,
}

/// Field handles of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the doc in [`SearchIndex::docs`] (fast field).
    pub ord: tantivy::schema::Field,
    /// Record kind (raw string).
    pub kind: tantivy::schema::Field,
    /// Title, stemmed.
    pub title: tantivy::schema::Field,
    /// Body, stemmed.
    pub body: tantivy::schema::Field,
    /// Keywords, stemmed.
    pub keywords: tantivy::schema::Field,
}

/// The built index plus everything queries need alongside it.
pub struct SearchIndex {
    pub(crate) reader: IndexReader,
    /// Stemmed term → id, for snippets.
    pub(crate) stem_ids: HashMap<String, u32>,
    /// Each doc's passage tokens (offsets and stem ids), for snippets.
    pub(crate) doc_tokens: Vec<Vec<Token>>,
    /// segment → doc id → position in `docs`.
    pub(crate) ords: Vec<Vec<u32>>,
    pub(crate) fields: Fields,
    pub(crate) docs: Vec<IndexedDoc>,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) thesaurus: Thesaurus,
    /// Stemmed terms of each doc's whole record or section (all its passages, title and
    /// keywords), and its adjacent pairs ([`pair_key`]), for coverage re-ranking: coverage is
    /// judged on the whole record, relevance on its best passage.
    pub(crate) doc_terms: Vec<Arc<HashSet<String>>>,
    /// Every stemmed term in the index: a word whose stem is here is never "corrected".
    pub(crate) stems: HashSet<String>,
    /// In how many records/sections each stemmed term occurs (for weighting coverage).
    pub(crate) record_freq: HashMap<String, u32>,
    /// How many records and sections there are (distinct ids).
    pub(crate) n_records: u32,
    /// Whom each doc's title says it is for (see `audience::audiences`; 0 = not said).
    pub(crate) audiences: Vec<u8>,
}

/// The key under which the adjacent stems `a b` are kept in [`SearchIndex::doc_terms`] (a space
/// never occurs inside a stem, so it cannot be taken for one).
pub(crate) fn pair_key(a: &str, b: &str) -> String {
    format!("{a} {b}")
}

/// An index could not be built (tantivy failure; never caused by the knowledge's content).
#[derive(Debug, thiserror::Error)]
#[error("could not build the search index: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

fn text_field(
    schema: &mut tantivy::schema::SchemaBuilder,
    name: &str,
    tokenizer: &str,
) -> tantivy::schema::Field {
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    schema.add_text_field(name, opts)
}

impl SearchIndex {
    /// Builds the index from a validated copy of the knowledge.
    pub fn build(k: &Knowledge) -> Result<SearchIndex, IndexError> {
        let mut sb = Schema::builder();
        let fields = Fields {
            ord: sb.add_u64_field("ord", NumericOptions::default().set_fast()),
            kind: sb.add_text_field("kind", STRING),
            title: text_field(&mut sb, "title", STEMMED),
            body: text_field(&mut sb, "body", STEMMED),
            keywords: text_field(&mut sb, "keywords", STEMMED),
        };
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(STEMMED, analyzer::stemmed());

        let docs = collect_docs(k);
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        let mut plain_an = analyzer::plain();
        let mut stem_an = analyzer::stemmed();
        // Each distinct word is stemmed once; most words recur across passages.
        let mut stem_of: HashMap<String, Option<String>> = HashMap::new();
        let mut word_freq: HashMap<String, u32> = HashMap::new();
        let mut by_id: HashMap<&str, HashSet<String>> = HashMap::new();
        // Adjacent stem pairs ("not report"), so that a phrase counts as covered only where
        // its words stand together, not merely somewhere in the record.
        let mut pairs_by_id: HashMap<&str, HashSet<String>> = HashMap::new();
        let mut stem_ids: HashMap<String, u32> = HashMap::new();
        let mut doc_tokens: Vec<Vec<Token>> = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let set = by_id.entry(d.id.as_str()).or_default();
            let pairs = pairs_by_id.entry(d.id.as_str()).or_default();
            let mut passage_tokens = Vec::new();
            for (which, text) in [d.title.as_str(), d.passage.as_str(), d.keywords.as_str()]
                .into_iter()
                .enumerate()
            {
                let mut stream = plain_an.token_stream(text);
                let mut prev: Option<String> = None;
                while let Some(token) = stream.next() {
                    let word = &token.text;
                    match word_freq.get_mut(word) {
                        Some(n) => *n += 1,
                        None => {
                            word_freq.insert(word.clone(), 1);
                        }
                    }
                    let stem = stem_of
                        .entry(word.clone())
                        .or_insert_with(|| terms(&mut stem_an, word).into_iter().next());
                    if let Some(stem) = stem {
                        if which == 1 {
                            let next = stem_ids.len() as u32;
                            let id = *stem_ids.entry(stem.clone()).or_insert(next);
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
            }
            doc_tokens.push(passage_tokens);
            writer.add_document(doc!(
                fields.ord => i as u64,
                fields.kind => d.kind.as_str(),
                fields.title => d.title.as_str(),
                fields.body => d.passage.as_str(),
                fields.keywords => d.keywords.as_str(),
            ))?;
        }
        // Synonym terms count as known words too, so they are never "corrected" away.
        for g in &k.synonyms.groups {
            for t in &g.terms {
                for w in terms(&mut plain_an, t) {
                    *word_freq.entry(w).or_default() += 1;
                }
            }
        }
        let mut record_freq: HashMap<String, u32> = HashMap::new();
        for set in by_id.values() {
            for t in set {
                *record_freq.entry(t.clone()).or_default() += 1;
            }
        }
        let stems: HashSet<String> = record_freq.keys().cloned().collect();
        let n_records = by_id.len() as u32;
        let by_id: HashMap<&str, Arc<HashSet<String>>> = by_id
            .into_iter()
            .map(|(k, mut v)| {
                v.extend(pairs_by_id.remove(k).unwrap_or_default());
                (k, Arc::new(v))
            })
            .collect();
        let doc_terms = docs.iter().map(|d| by_id[d.id.as_str()].clone()).collect();
        let audiences = docs
            .iter()
            .map(|d| super::audience::audiences(&terms(&mut plain_an, &d.title)))
            .collect();
        let vocabulary = Vocabulary::from_counts(word_freq);
        let thesaurus =
            Thesaurus::build(&k.synonyms, &mut plain_an, &mut analyzer::stemmed(), &stems);
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        reader.reload()?;
        // Map every (segment, doc) back to its position in `docs` once, so a query never opens
        // a fast-field column.
        let searcher = reader.searcher();
        let mut ords = Vec::with_capacity(searcher.segment_readers().len());
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64("ord")?;
            ords.push(
                (0..seg.max_doc())
                    .map(|doc| col.first(doc).unwrap_or(0) as u32)
                    .collect::<Vec<u32>>(),
            );
        }
        Ok(SearchIndex {
            stem_ids,
            doc_tokens,
            reader,
            ords,
            fields,
            docs,
            vocabulary,
            thesaurus,
            doc_terms,
            stems,
            record_freq,
            n_records,
            audiences,
        })
    }

    /// Every indexed document, in index order.
    pub fn docs(&self) -> &[IndexedDoc] {
        &self.docs
    }

    /// One document per record or section — its first passage — in index order, with its
    /// position in [`SearchIndex::docs`]. A long record or section is indexed as several
    /// passages that share its id, so anything that lists records (rather than ranking hits,
    /// which are merged per id) must iterate this, or it lists a record once per passage.
    pub fn records(&self) -> impl Iterator<Item = (usize, &IndexedDoc)> + '_ {
        let mut seen: HashSet<&str> = HashSet::new();
        self.docs
            .iter()
            .enumerate()
            .filter(move |(_, d)| seen.insert(d.id.as_str()))
    }

    /// The knowledge's vocabulary (for spelling correction and autocomplete).
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }
}

fn opt_line(label: &str, v: &Option<String>) -> String {
    v.as_ref()
        .map(|v| format!("{label}: {v}\n"))
        .unwrap_or_default()
}

/// Turns the knowledge into searchable documents (records first, then sections).
fn collect_docs(k: &Knowledge) -> Vec<IndexedDoc> {
    let cite = |sources: &[String]| {
        sources
            .first()
            .and_then(|s| k.citation(s))
            .expect("validated knowledge: every record cites an existing section")
    };
    let mut docs = Vec::new();
    for c in &k.contacts {
        let body = format!(
            "{}{}{}When to use: {}\n\"{}\"",
            opt_line("Phone", &c.phone),
            opt_line("Web", &c.web),
            opt_line("Hours", &c.hours),
            c.when,
            c.quote
        );
        docs.push(IndexedDoc {
            id: c.id.clone(),
            kind: RecordKind::Contact,
            title: c.name.clone(),
            passage: body.clone(),
            body,
            keywords: format!("{} {}", c.situations.join(". "), c.id.replace('-', " ")),
            citation: cite(&c.sources),
        });
    }
    for t in &k.thresholds {
        let contacts: Vec<String> = t
            .contacts
            .iter()
            .filter_map(|id| k.contact(id))
            .map(|c| c.label())
            .collect();
        let body = format!(
            "When: {}\nWhat to do: {}\nHow fast: {}\n{}\"{}\"",
            t.trigger,
            t.response,
            t.timeframe,
            if contacts.is_empty() {
                String::new()
            } else {
                format!("Contacts: {}\n", contacts.join("; "))
            },
            t.quote
        );
        docs.push(IndexedDoc {
            id: t.id.clone(),
            kind: RecordKind::Threshold,
            title: t.title.clone(),
            passage: body.clone(),
            body,
            keywords: t.trigger.clone(),
            citation: cite(&t.sources),
        });
    }
    for o in &k.offences {
        let title = match &o.section {
            Some(s) => format!("{} {} — {}", o.act, s, o.title),
            None => format!("{} — {}", o.act, o.title),
        };
        let body = format!(
            "{}\n{}Status: {}\n\"{}\"",
            o.covers,
            opt_line("Penalty", &o.penalty),
            o.status.describe(),
            o.quote
        );
        docs.push(IndexedDoc {
            id: o.id.clone(),
            kind: RecordKind::Offence,
            title,
            passage: body.clone(),
            body,
            keywords: format!("{} {}", o.act, o.title),
            citation: cite(&o.sources),
        });
    }
    for n in &k.notes {
        let Some(citation) = n
            .applies_to
            .iter()
            .find_map(|a| k.citation(a))
            .or_else(|| k.sections.first().and_then(|s| k.citation(&s.id)))
        else {
            continue;
        };
        docs.push(IndexedDoc {
            id: n.id.clone(),
            kind: RecordKind::Note,
            title: format!("Currency note: {}", n.title),
            body: n.render(),
            passage: n.render(),
            keywords: n.guidance_says.clone(),
            citation,
        });
    }
    for s in &k.sections {
        if s.body.trim().is_empty() {
            continue;
        }
        let citation = k.citation(&s.id).expect("section exists");
        for passage in passages(&s.body) {
            docs.push(IndexedDoc {
                id: s.id.clone(),
                kind: RecordKind::Section,
                title: s.heading.clone(),
                body: s.body.clone(),
                passage,
                keywords: s.path[..s.path.len().saturating_sub(1)].join(" "),
                citation: citation.clone(),
            });
        }
    }
    split_records(docs)
}

/// Splits each record's body into passages of a few lines (sections are already split), so a
/// long quoted list does not dilute the one line that answers a question.
fn split_records(docs: Vec<IndexedDoc>) -> Vec<IndexedDoc> {
    let mut out = Vec::with_capacity(docs.len() * 2);
    for d in docs {
        if d.kind == RecordKind::Section || d.body.len() < 2 * MIN_PASSAGE {
            out.push(d);
            continue;
        }
        let mut chunk = String::new();
        let mut chunks = Vec::new();
        for line in d.body.lines().filter(|l| !l.trim().is_empty()) {
            if !chunk.is_empty() {
                chunk.push('\n');
            }
            chunk.push_str(line);
            if chunk.len() >= MIN_PASSAGE {
                chunks.push(std::mem::take(&mut chunk));
            }
        }
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
        for passage in chunks {
            out.push(IndexedDoc {
                passage,
                ..d.clone()
            });
        }
    }
    out
}

/// Shortest passage worth indexing on its own, in characters.
const MIN_PASSAGE: usize = 280;

/// Splits a section body into passages at blank lines, keeping a list or table with the
/// paragraph that introduces it and joining short paragraphs to their neighbours.
pub fn passages(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let continues = block.starts_with("- ")
            || block.starts_with('|')
            || block.starts_with("* ")
            || block.chars().next().is_some_and(|c| c.is_ascii_digit())
                && block.contains(". ")
                && current.trim_end().ends_with(':');
        if current.is_empty() || current.len() < MIN_PASSAGE || continues {
            if !current.is_empty() {
                current.push_str("\n\n");
            }
            current.push_str(block);
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(block);
        }
    }
    if !current.is_empty() {
        // A short tail joins the passage before it.
        match out.last_mut() {
            Some(last) if current.len() < MIN_PASSAGE / 2 => {
                last.push_str("\n\n");
                last.push_str(&current);
            }
            _ => out.push(current),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::passages;

    #[test]
    fn lists_stay_with_their_introduction() {
        let intro = "x".repeat(300);
        let body = format!(
            "{intro}\n\nSigns include:\n\n- one\n- two\n\n{}\n\ntail",
            "y".repeat(300)
        );
        let p = passages(&body);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[1].starts_with("Signs include:") && p[1].contains("- two"));
        assert!(
            p[1].ends_with("\n\ntail"),
            "a short tail joins the passage before it: {p:?}"
        );
    }
}
