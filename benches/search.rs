//! Search benchmarks: knowledge load + index build, and query latency (snippets included) over
//! the project's query set (tests/queries.toml) and, where it exists, ../shared/eval/queries.toml.
//!
//! Run: `cargo bench --bench search`
//!
//! Besides criterion's timings it prints the p50/p99 latency of a single query across all the
//! query cases (each run 200 times), which is what the README reports.

use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use safeguarding_bot::commands::{self, Command};
use safeguarding_bot::eval::{parse_cases, Case};
use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::snapshot::Snapshot;

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

criterion_group!(benches, load_and_index, queries);

fn main() {
    benches();
    percentiles();
    Criterion::default().configure_from_args().final_summary();
}
