//! Grades situation reading against a case file (the format of `shared/eval/situations.toml`
//! and `tests/situations.toml`): each case runs its command through the same path as a chat
//! user, and passes when the reply's first line (`body` up to its first newline) holds what the
//! case asks (`lead_any`: one of; `lead_all`: every one of; `lead_none`: none of; compared
//! case-insensitively) and, where the case names an `outcome`, the words decided the whole path
//! to that outcome. `safeguarding-bot eval FILE` prints the same report.

use serde::Deserialize;

use crate::commands::{self, Command};
use crate::snapshot::Snapshot;

/// One situation case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Command name without the slash.
    pub command: String,
    /// The text as typed.
    pub query: String,
    /// The outcome the words decide, where they decide the whole path.
    #[serde(default)]
    pub outcome: Option<String>,
    /// The first line holds at least one of these.
    #[serde(default)]
    pub lead_any: Vec<String>,
    /// The first line holds all of these.
    #[serde(default)]
    pub lead_all: Vec<String>,
    /// The first line holds none of these.
    #[serde(default)]
    pub lead_none: Vec<String>,
}

/// Parses a situation case file.
pub fn parse_cases(text: &str) -> Result<Vec<Case>, String> {
    super::parse_case_file(text)
}

/// One graded case.
#[derive(Debug, Clone)]
pub struct Graded {
    /// The case.
    pub case: Case,
    /// The reply's first line.
    pub lead: String,
    /// The outcome the words decided, if they decided one.
    pub outcome: Option<String>,
    /// Why it failed; empty when it passed.
    pub problems: Vec<String>,
}

/// A whole file's grade.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every case.
    pub cases: Vec<Graded>,
}

impl Report {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|g| g.problems.is_empty()).count()
    }

    /// The failing cases.
    pub fn failures(&self) -> Vec<&Graded> {
        self.cases
            .iter()
            .filter(|g| !g.problems.is_empty())
            .collect()
    }

    /// A plain-text report: the figure, then every failure with its first line.
    pub fn render(&self) -> String {
        let n = self.cases.len().max(1);
        let mut out = format!(
            "situations: {}/{} first lines right ({:.1}%)\n",
            self.passed(),
            self.cases.len(),
            100.0 * self.passed() as f64 / n as f64
        );
        for g in self.failures() {
            out.push_str(&format!(
                "  MISS /{} {}\n       lead: {}\n       outcome: {}\n       {}\n",
                g.case.command,
                g.case.query,
                g.lead,
                g.outcome.as_deref().unwrap_or("(not decided)"),
                g.problems.join("; ")
            ));
        }
        out
    }
}

/// Grades `cases` against one snapshot.
pub fn grade(snapshot: &Snapshot, cases: &[Case]) -> Report {
    let cases = cases
        .iter()
        .map(|c| {
            let Some(command) = Command::parse(&c.command) else {
                return Graded {
                    case: c.clone(),
                    lead: String::new(),
                    outcome: None,
                    problems: vec![format!("unknown command `{}`", c.command)],
                };
            };
            let reply = commands::run(snapshot, command, &c.query);
            let lead = reply.body.lines().next().unwrap_or_default().to_string();
            let outcome = reply.situation.as_ref().and_then(|s| s.outcome.clone());
            let problems = check(c, &lead, outcome.as_deref());
            Graded {
                case: c.clone(),
                lead,
                outcome,
                problems,
            }
        })
        .collect();
    Report { cases }
}

fn check(c: &Case, lead: &str, outcome: Option<&str>) -> Vec<String> {
    let low = lead.to_lowercase();
    let has = |s: &String| low.contains(&s.to_lowercase());
    let mut p = Vec::new();
    if !c.lead_any.is_empty() && !c.lead_any.iter().any(has) {
        p.push(format!("lead has none of {:?}", c.lead_any));
    }
    for s in c.lead_all.iter().filter(|s| !has(s)) {
        p.push(format!("lead lacks {s:?}"));
    }
    for s in c.lead_none.iter().filter(|s| has(s)) {
        p.push(format!("lead has {s:?}"));
    }
    if let Some(want) = &c.outcome {
        if outcome != Some(want.as_str()) {
            p.push(format!("outcome should be {want}"));
        }
    }
    p
}
