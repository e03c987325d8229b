//! The tantivy index over every section and record, built in RAM from a [`Knowledge`] in a few
//! milliseconds at start-up and on every reload, and the tables queries need beside it. Those
//! tables are this module's own: queries read them through the methods below.

mod docs;
mod words;

use std::collections::HashSet;

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::{
    IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING,
};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

use super::analyzer::{self, terms, STEMMED};
use super::audience::audiences;
use super::snippet::Token;
use super::spelling::Vocabulary;
use super::vocabulary::Thesaurus;
use crate::knowledge::Knowledge;
use words::{RecordTerms, Words, WordsBuilder};

pub use docs::{passages, IndexedDoc};
pub(super) use words::pair_key;

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
    /// An offence's behaviours in practitioners' words, stemmed (empty for other kinds).
    pub behaviours: tantivy::schema::Field,
    /// The questions a passage or record answers (`questions.toml`), stemmed.
    pub questions: tantivy::schema::Field,
}

impl Fields {
    /// The text fields searched, in the order their boosts are given.
    pub fn text(&self) -> [tantivy::schema::Field; 5] {
        [
            self.title,
            self.keywords,
            self.body,
            self.behaviours,
            self.questions,
        ]
    }
}

/// The built index plus everything queries need alongside it.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    /// segment → doc id → position in `docs`.
    ords: Vec<Vec<u32>>,
    docs: Vec<IndexedDoc>,
    /// Stemmed term → id, and each doc's passage tokens (offsets and stem ids), for snippets.
    words: Words,
    /// Per record: its terms and pairs, how many records use each term (coverage re-ranking).
    records: RecordTerms,
    vocabulary: Vocabulary,
    thesaurus: Thesaurus,
    /// Whom each doc's title says it is for (see `audience::audiences`; 0 = not said).
    audiences: Vec<u8>,
    /// The terms each text field holds (title, keywords, body, behaviours, questions), read
    /// from tantivy's own term dictionaries: a query asks a field only for terms it has, so no
    /// weight is built for a term that cannot match.
    field_terms: [HashSet<String>; 5],
}

/// An index could not be built (tantivy failure; never caused by the knowledge's content).
#[derive(Debug, thiserror::Error)]
#[error("could not build the search index: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

impl SearchIndex {
    /// Builds the index from a validated copy of the knowledge.
    pub fn build(k: &Knowledge) -> Result<SearchIndex, IndexError> {
        let (index, fields) = create_index();
        let docs = docs::collect(k);
        let writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        let mut words = WordsBuilder::new(docs.len());
        for (i, d) in docs.iter().enumerate() {
            words.add(d);
            writer.add_document(doc!(
                fields.ord => i as u64,
                fields.kind => d.kind.as_str(),
                fields.title => d.title.as_str(),
                fields.body => d.passage.as_str(),
                fields.keywords => d.keywords.as_str(),
                fields.behaviours => d.behaviours.as_str(),
                fields.questions => d.questions.as_str(),
            ))?;
        }
        // Synonym terms count as known words too, so they are never "corrected" away.
        words.count_synonyms(&k.synonyms);
        let (words, word_freq, records) = words.finish(&docs);
        let mut plain = analyzer::plain();
        let audiences = docs
            .iter()
            .map(|d| audiences(&terms(&mut plain, &d.title)))
            .collect();
        let vocabulary = Vocabulary::from_counts(word_freq);
        let thesaurus = Thesaurus::build(
            &k.synonyms,
            &mut plain,
            &mut analyzer::stemmed(),
            &records.stems,
        );
        let reader = commit(writer, &index)?;
        let ords = doc_ords(&reader.searcher())?;
        let field_terms = field_terms(&reader.searcher(), &fields)?;
        Ok(SearchIndex {
            reader,
            fields,
            ords,
            docs,
            words,
            records,
            vocabulary,
            thesaurus,
            audiences,
            field_terms,
        })
    }

    /// True when the text field `which` (0 title, 1 keywords, 2 body, 3 behaviours,
    /// 4 questions: the order of [`Fields::text`]) holds the stemmed term `term`.
    pub(crate) fn field_has(&self, which: usize, term: &str) -> bool {
        self.field_terms[which].contains(term)
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

    /// The schema's fields, to query the index directly (`benches/search.rs` compares
    /// [`SearchIndex::search`] with a bare BM25 query this way).
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// A searcher over the tantivy index, to query it directly (see [`SearchIndex::fields`]).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The `limit` best matches of `query`, best first: (position in [`SearchIndex::docs`],
    /// BM25 score).
    pub(super) fn top(
        &self,
        query: &dyn Query,
        limit: usize,
    ) -> tantivy::Result<Vec<(usize, f32)>> {
        let top = self
            .reader
            .searcher()
            .search(query, &TopDocs::with_limit(limit).order_by_score())?;
        Ok(top
            .into_iter()
            .filter_map(|(score, addr)| {
                let ord = self
                    .ords
                    .get(addr.segment_ord as usize)?
                    .get(addr.doc_id as usize)?;
                Some((*ord as usize, score))
            })
            .collect())
    }

    /// The synonym groups and shorthand of the knowledge.
    pub(super) fn thesaurus(&self) -> &Thesaurus {
        &self.thesaurus
    }

    /// Every stemmed term in the index: a word whose stem is here is never "corrected".
    pub(super) fn stems(&self) -> &HashSet<String> {
        &self.records.stems
    }

    /// The stemmed terms of the whole record or section that doc `ord` belongs to (all its
    /// passages, title and keywords) and its adjacent pairs ([`pair_key`]): coverage is judged
    /// on the whole record, relevance on its best passage.
    pub(super) fn record_terms(&self, ord: usize) -> &HashSet<String> {
        &self.records.terms[ord]
    }

    /// In how many records and sections the stemmed term occurs (`None` if in none).
    pub(super) fn record_freq(&self, stem: &str) -> Option<u32> {
        self.records.freq.get(stem).copied()
    }

    /// How many records and sections there are (distinct ids).
    pub(super) fn n_records(&self) -> u32 {
        self.records.count
    }

    /// Whom doc `ord`'s title says it is for (see `audience::audiences`; 0 = not said).
    pub(super) fn audience(&self, ord: usize) -> u8 {
        self.audiences[ord]
    }

    /// The id of a stemmed term in the passage tokens, if any passage holds it.
    pub(super) fn stem_id(&self, stem: &str) -> Option<u32> {
        self.words.stem_ids.get(stem).copied()
    }

    /// Doc `ord`'s passage tokens (offsets and stem ids), for snippets.
    pub(super) fn passage_tokens(&self, ord: usize) -> &[Token] {
        &self.words.doc_tokens[ord]
    }
}

/// An empty index in RAM with the schema and the stemming tokenizer.
fn create_index() -> (Index, Fields) {
    let mut sb = Schema::builder();
    let fields = Fields {
        ord: sb.add_u64_field("ord", NumericOptions::default().set_fast()),
        kind: sb.add_text_field("kind", STRING),
        title: text_field(&mut sb, "title", STEMMED),
        body: text_field(&mut sb, "body", STEMMED),
        keywords: text_field(&mut sb, "keywords", STEMMED),
        behaviours: text_field(&mut sb, "behaviours", STEMMED),
        questions: text_field(&mut sb, "questions", STEMMED),
    };
    let index = Index::create_in_ram(sb.build());
    index.tokenizers().register(STEMMED, analyzer::stemmed());
    (index, fields)
}

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

/// Commits the documents and opens a reader on them.
fn commit(
    mut writer: IndexWriter<TantivyDocument>,
    index: &Index,
) -> Result<IndexReader, IndexError> {
    writer.commit()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    reader.reload()?;
    Ok(reader)
}

/// Every term of each text field, in [`Fields::text`] order, over all segments.
fn field_terms(searcher: &Searcher, fields: &Fields) -> Result<[HashSet<String>; 5], IndexError> {
    let mut out: [HashSet<String>; 5] = Default::default();
    for seg in searcher.segment_readers() {
        for (set, field) in out.iter_mut().zip(fields.text()) {
            let inverted = seg.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    set.insert(t.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// Maps every (segment, doc) back to its position in `docs` once, so a query never opens a
/// fast-field column.
fn doc_ords(searcher: &Searcher) -> Result<Vec<Vec<u32>>, IndexError> {
    let mut ords = Vec::with_capacity(searcher.segment_readers().len());
    for seg in searcher.segment_readers() {
        let col = seg.fast_fields().u64("ord")?;
        ords.push(
            (0..seg.max_doc())
                .map(|doc| col.first(doc).unwrap_or(0) as u32)
                .collect::<Vec<u32>>(),
        );
    }
    Ok(ords)
}
