//! Reading a situation: what `/whocall`, `/threshold` and `/search` add to a reply when they
//! read the query as a situation (words → answers → the tree walked both ways at each open
//! question → the lead). The goal is under 100 µs per command at p99.
//!
//! Run: `cargo bench --bench situation`
//!
//! Besides criterion's timing of the whole corpus it prints the p50/p99 of reading and deciding
//! one description (`understand`), each of the corpus's cases (tests/situations.toml and
//! tests/situations-blind.toml) timed 200 times, which is the figure the README reports.

use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use safeguarding_bot::eval::situations as grade;
use safeguarding_bot::situation;
use safeguarding_bot::snapshot::Snapshot;

fn queries() -> Vec<String> {
    let mut out = Vec::new();
    for text in [
        include_str!("../tests/situations.toml"),
        include_str!("../tests/situations-blind.toml"),
    ] {
        out.extend(
            grade::parse_cases(text)
                .expect("situation cases parse")
                .into_iter()
                .map(|c| c.query),
        );
    }
    out
}

fn reading(c: &mut Criterion) {
    let snap = Snapshot::embedded().expect("valid");
    let qs = queries();
    c.bench_function("understand_all_situations_once", |b| {
        b.iter(|| {
            for q in &qs {
                std::hint::black_box(situation::understand(&snap.triage, &snap.situations, q));
            }
        })
    });
    let mut times: Vec<Duration> = Vec::new();
    for q in &qs {
        for _ in 0..200 {
            let t = Instant::now();
            std::hint::black_box(situation::understand(&snap.triage, &snap.situations, q));
            times.push(t.elapsed());
        }
    }
    times.sort();
    let p = |f: f64| times[((times.len() as f64 - 1.0) * f) as usize];
    println!(
        "reading a situation, one description: p50 {:?}, p99 {:?} ({} timings)",
        p(0.50),
        p(0.99),
        times.len()
    );
}

criterion_group!(benches, reading);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
