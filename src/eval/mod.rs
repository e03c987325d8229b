//! Grades retrieval against a query file (the format of `shared/eval/queries.toml`): a case
//! passes at rank k when one of the first k results' title and body contains one of its
//! expected phrases, compared case-insensitively with all whitespace removed.

pub mod situations;

use serde::Deserialize;

use crate::commands::{self, Command};
use crate::snapshot::Snapshot;

/// One query case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Command name without the slash.
    pub command: String,
    /// The text option.
    pub query: String,
    /// Phrases any one of which counts as a hit.
    pub expect_any: Vec<String>,
}

/// A case file of either kind: `[[case]]` tables, nothing else.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile<T> {
    case: Vec<T>,
}

/// Reads the `[[case]]` tables of a case file (queries or situations).
pub(crate) fn parse_case_file<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<Vec<T>, String> {
    toml::from_str::<CaseFile<T>>(text)
        .map(|f| f.case)
        .map_err(|e| e.to_string())
}

/// Parses a query file.
pub fn parse_cases(text: &str) -> Result<Vec<Case>, String> {
    parse_case_file(text)
}

/// The grade of one case.
#[derive(Debug, Clone)]
pub struct Graded {
    /// The case.
    pub case: Case,
    /// 1-based rank of the first matching result, if any within the results shown.
    pub rank: Option<usize>,
    /// Titles of the first three results, for reporting misses.
    pub top: Vec<String>,
}

/// The grade of a whole file.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every case.
    pub cases: Vec<Graded>,
}

impl Report {
    /// Share of cases whose first match is within the first `k` results.
    pub fn hit_rate(&self, k: usize) -> f64 {
        if self.cases.is_empty() {
            return 0.0;
        }
        let hits = self
            .cases
            .iter()
            .filter(|c| c.rank.is_some_and(|r| r <= k))
            .count();
        hits as f64 / self.cases.len() as f64
    }

    /// Cases that missed at rank `k`.
    pub fn misses(&self, k: usize) -> Vec<&Graded> {
        self.cases
            .iter()
            .filter(|c| c.rank.is_none_or(|r| r > k))
            .collect()
    }

    /// A text summary with the misses.
    pub fn render(&self) -> String {
        let mut s = format!(
            "cases: {}\ntop-1: {:.1}%\ntop-3: {:.1}%\n",
            self.cases.len(),
            self.hit_rate(1) * 100.0,
            self.hit_rate(3) * 100.0
        );
        for g in self.misses(1) {
            s.push_str(&format!(
                "miss{}: /{} {:?} expected {:?}; got {:?}\n",
                match g.rank {
                    Some(r) => format!(" (rank {r})"),
                    None => " (not in top results)".to_string(),
                },
                g.case.command,
                g.case.query,
                g.case.expect_any,
                g.top
            ));
        }
        s
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Grades every case against a snapshot.
pub fn grade(snapshot: &Snapshot, cases: &[Case]) -> Report {
    let graded = cases
        .iter()
        .map(|case| {
            let command = Command::parse(&case.command).unwrap_or(Command::Search);
            let reply = commands::run(snapshot, command, &case.query);
            let expected: Vec<String> = case.expect_any.iter().map(|e| squash(e)).collect();
            let rank = reply.results.iter().position(|h| {
                let text = squash(&format!("{}{}", h.title, h.body));
                expected.iter().any(|e| text.contains(e))
            });
            Graded {
                case: case.clone(),
                rank: rank.map(|r| r + 1),
                top: reply.results.iter().take(3).map(|h| h.id.clone()).collect(),
            }
        })
        .collect();
    Report { cases: graded }
}
