//! What the search's extras cost, like with like: a full `/search` (cleaning, shorthand,
//! spelling, asides and focus, synonyms, proximity, coverage re-ranking, question shapes, the
//! situation reading, snippets and the reply) against a bare tantivy BM25 top-5 query — tantivy's
//! `QueryParser` over every text field of the same index (title, keywords, body, behaviours,
//! questions), nothing else — over the same queries, in the same process. Each query is timed
//! both ways back to back, 200 rounds, so load from elsewhere on the machine falls on both alike;
//! it prints p50 and p99 of each and their ratios (the goal: at most 2.5x at both).
//!
//! Run: `cargo bench --bench search_ratio` (about a minute after the build).
//!
//! The queries: tests/queries.toml, tests/queries-words.toml and, where it exists,
//! ../shared/eval/queries.toml.

use std::time::{Duration, Instant};

use safeguarding_bot::commands::lookup::RESULT_LIMIT;
use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::eval::parse_cases;
use safeguarding_bot::snapshot::Snapshot;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;

const ROUNDS: usize = 200;

fn queries() -> Vec<String> {
    let mut cases = parse_cases(include_str!("../tests/queries.toml")).expect("own cases parse");
    cases.extend(parse_cases(include_str!("../tests/queries-words.toml")).expect("cases parse"));
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/eval/queries.toml");
    if let Ok(text) = std::fs::read_to_string(shared) {
        cases.extend(parse_cases(&text).expect("shared cases parse"));
    }
    cases.into_iter().map(|c| c.query).collect()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q) as usize]
}

fn main() {
    let snap = Snapshot::embedded().expect("valid knowledge");
    let searcher = snap.index.searcher();
    let f = snap.index.fields();
    let parser = QueryParser::for_index(
        searcher.index(),
        vec![f.title, f.keywords, f.body, f.behaviours, f.questions],
    );
    let bare = |text: &str| {
        let (query, _) = parser.parse_query_lenient(text);
        searcher
            .search(&query, &TopDocs::with_limit(RESULT_LIMIT).order_by_score())
            .map_or(0, |top| top.len())
    };
    let queries = queries();
    // Warm both paths up.
    for q in &queries {
        std::hint::black_box(commands::run(&snap, Command::Search, q));
        std::hint::black_box(bare(q));
    }
    let (mut full_t, mut bare_t) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for q in &queries {
            let t = Instant::now();
            std::hint::black_box(commands::run(&snap, Command::Search, q));
            full_t.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(bare(q));
            bare_t.push(t.elapsed());
        }
    }
    full_t.sort();
    bare_t.sort();
    for (name, q) in [("p50", 0.50), ("p99", 0.99)] {
        let (full, bare) = (percentile(&full_t, q), percentile(&bare_t, q));
        println!(
            "{name}: full /search {full:?}, bare BM25 top-5 {bare:?}, ratio {:.2}x",
            full.as_secs_f64() / bare.as_secs_f64()
        );
    }
    println!(
        "({} queries x {ROUNDS} rounds, each timed both ways back to back)",
        queries.len()
    );
    // Where the time goes: the search alone, and the situation reading alone (p50).
    let part = |run: &dyn Fn(&str)| {
        let mut t: Vec<Duration> = Vec::new();
        for _ in 0..ROUNDS / 4 {
            for q in &queries {
                let s = Instant::now();
                run(q);
                t.push(s.elapsed());
            }
        }
        t.sort();
        percentile(&t, 0.5)
    };
    let search = part(&|q| {
        std::hint::black_box(snap.index.search(
            q,
            safeguarding_bot::search::Scope::ALL,
            RESULT_LIMIT,
        ));
    });
    let reading = part(&|q| {
        std::hint::black_box(safeguarding_bot::situation::understand(
            &snap.triage,
            &snap.situations,
            q,
        ));
    });
    println!("of which (p50): the search {search:?}, the situation reading {reading:?}");
}
