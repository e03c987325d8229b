//! Search benchmarks: knowledge load + index build, and query latency (snippets included) over
//! the project's query set (tests/queries.toml) and, where it exists, ../shared/eval/queries.toml.
//!
//! Run: `cargo bench --bench search`
//!
//! Besides criterion's timings it prints the p50/p99 latency of a single query across all the
//! query cases (each run 200 times), which is what the README reports, and the cost of the
//! search's extras as a ratio: a full `/search` (cleaning, shorthand, spelling, asides and
//! focus, synonyms, proximity, coverage re-ranking, snippets and the reply) against a bare
//! tantivy BM25 query — tantivy's `QueryParser` over the same index's title, keywords and body,
//! top 5, nothing else — over the same queries, timed in alternating rounds in the same run.
//! For that figure alone, briefly:
//!
//! `cargo bench --bench search -- bm25 --warm-up-time 1 --measurement-time 3`

use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use safeguarding_bot::commands::lookup::RESULT_LIMIT;
use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::eval::{parse_cases, Case};
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::snapshot::Snapshot;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::Searcher;

fn cases() -> Vec<Case> {
    let mut cases = parse_cases(include_str!("../tests/queries.toml")).expect("own cases parse");
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/queries.toml");
    if let Ok(text) = std::fs::read_to_string(shared) {
        cases.extend(parse_cases(&text).expect("shared cases parse"));
    }
    cases
}

fn load_and_index(c: &mut Criterion) {
    let files = KnowledgeFiles::embedded();
    c.bench_function("load_validate_index", |b| {
        b.iter(|| Snapshot::build(&files).expect("valid"))
    });
}

fn queries(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("valid");
    let cases = cases();
    c.bench_function("query_all_cases_once", |b| {
        b.iter(|| {
            for case in &cases {
                let cmd = Command::parse(&case.command).unwrap_or(Command::Search);
                std::hint::black_box(commands::run(&snap, cmd, &case.query));
            }
        })
    });
}

/// A bare BM25 query over the index behind `/search`: the text parsed by tantivy's
/// `QueryParser` (leniently, so no input fails) over title, keywords and body, top
/// [`RESULT_LIMIT`].
struct Bare {
    searcher: Searcher,
    parser: QueryParser,
}

impl Bare {
    fn new(snap: &Snapshot) -> Bare {
        let searcher = snap.index.searcher();
        let f = snap.index.fields();
        let parser = QueryParser::for_index(searcher.index(), vec![f.title, f.keywords, f.body]);
        Bare { searcher, parser }
    }

    fn run(&self, text: &str) -> usize {
        let (query, _) = self.parser.parse_query_lenient(text);
        self.searcher
            .search(&query, &TopDocs::with_limit(RESULT_LIMIT).order_by_score())
            .map_or(0, |top| top.len())
    }
}

fn full_search(snap: &Snapshot, text: &str) {
    std::hint::black_box(commands::run(snap, Command::Search, text));
}

fn bm25(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("valid");
    let bare = Bare::new(&snap);
    let cases = cases();
    c.bench_function("bm25_bare_all_cases_once", |b| {
        b.iter(|| {
            for case in &cases {
                std::hint::black_box(bare.run(&case.query));
            }
        })
    });
    c.bench_function("bm25_full_search_all_cases_once", |b| {
        b.iter(|| {
            for case in &cases {
                full_search(&snap, &case.query);
            }
        })
    });
}

/// Full `/search` against bare BM25 over all the cases, in alternating rounds (so that load
/// from elsewhere on the machine falls on both alike); prints the medians and their ratio.
fn extras_ratio() {
    let snap = Snapshot::embedded().expect("valid");
    let bare = Bare::new(&snap);
    let cases = cases();
    let (mut full_t, mut bare_t) = (Vec::new(), Vec::new());
    for _ in 0..200 {
        let t = Instant::now();
        for case in &cases {
            full_search(&snap, &case.query);
        }
        full_t.push(t.elapsed());
        let t = Instant::now();
        for case in &cases {
            std::hint::black_box(bare.run(&case.query));
        }
        bare_t.push(t.elapsed());
    }
    full_t.sort();
    bare_t.sort();
    let (full, bare) = (full_t[full_t.len() / 2], bare_t[bare_t.len() / 2]);
    let n = cases.len() as u32;
    println!(
        "full /search vs bare tantivy BM25 over {} cases (medians of 200 rounds): {:?} vs {:?} per query, ratio {:.1}x",
        cases.len(),
        full / n,
        bare / n,
        full.as_secs_f64() / bare.as_secs_f64()
    );
}

fn percentiles() {
    let snap = Snapshot::embedded().expect("valid");
    let cases = cases();
    let mut samples: Vec<Duration> = Vec::new();
    for _ in 0..200 {
        for case in &cases {
            let cmd = Command::parse(&case.command).unwrap_or(Command::Search);
            let t = Instant::now();
            std::hint::black_box(commands::run(&snap, cmd, &case.query));
            samples.push(t.elapsed());
        }
    }
    samples.sort();
    let p = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    let files = KnowledgeFiles::embedded();
    let mut builds: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(Snapshot::build(&files).expect("valid"));
            t.elapsed()
        })
        .collect();
    builds.sort();
    println!(
        "query latency over {} cases x 200: p50 {:?}, p99 {:?}, max {:?}",
        cases.len(),
        p(0.50),
        p(0.99),
        samples.last().unwrap()
    );
    println!(
        "load + validate + index: p50 {:?}, max {:?} (30 runs)",
        builds[builds.len() / 2],
        builds.last().unwrap()
    );
}

criterion_group!(benches, load_and_index, queries, bm25);

fn main() {
    benches();
    percentiles();
    extras_ratio();
    Criterion::default().configure_from_args().final_summary();
}
