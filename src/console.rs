//! The local console: the same commands on the same knowledge, with no Discord token. `ask` runs
//! one command; `console` is an interactive prompt; both render [`Reply`] as plain text or JSON.

use serde_json::{json, Value};

use crate::commands::{self, Command};
use crate::reply::Reply;
use crate::snapshot::Snapshot;

/// Renders a reply as text for a terminal.
pub fn render_text(r: &Reply) -> String {
    let mut out = String::new();
    out.push_str(&format!("== {} ==\n", r.title));
    if let Some(e) = &r.emergency {
        out.push_str(&format!("!! {e}\n"));
    }
    if !r.body.is_empty() {
        out.push_str(&format!("{}\n", r.body));
    }
    for f in &r.fields {
        out.push_str(&format!("\n{}:\n{}\n", f.name, indent(&f.value)));
    }
    for (i, h) in r.results.iter().enumerate() {
        out.push_str(&format!("\n{}. [{}] {}\n", i + 1, h.kind.as_str(), h.title));
        for f in &h.fields {
            out.push_str(&format!("   {}: {}\n", f.name, f.value.replace('\n', "; ")));
        }
        if let Some(snippet) = h.shown_snippet() {
            out.push_str(&format!("   {snippet}\n"));
        }
        for n in &h.notes {
            out.push_str(&format!("   NOTE: {n}\n"));
        }
        out.push_str(&format!("   Source: {}\n", h.citation.render()));
    }
    for c in &r.citations {
        out.push_str(&format!("Source: {}\n", c.render()));
    }
    for n in &r.notes {
        out.push_str(&format!("Note: {n}\n"));
    }
    for (i, b) in r.buttons.iter().enumerate() {
        out.push_str(&format!("  [{}] {}\n", i + 1, b.label));
    }
    if !r.suggestions.is_empty() {
        out.push_str(&format!("Next: {}\n", r.suggestions.join("  ")));
    }
    out
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The JSON shape of `ask --json`:
/// `{"command","query","rules":[…],"results":[{"id","kind","title","body","source":{"document","section"}}],"notes":[…]}`.
pub fn render_json(r: &Reply) -> Value {
    let results: Vec<Value> = r
        .results
        .iter()
        .map(|h| {
            json!({
                "id": h.id,
                "kind": h.kind.as_str(),
                "title": h.title,
                "body": h.body,
                "snippet": h.snippet,
                "fields": h.fields,
                "notes": h.notes,
                "score": h.score,
                "source": {
                    "document": h.citation.document,
                    "document_id": h.citation.document_id,
                    "section": h.citation.section,
                    "section_id": h.citation.section_id,
                },
            })
        })
        .collect();
    json!({
        "command": r.command,
        "query": r.query,
        "kind": r.kind,
        "title": r.title,
        "body": r.body,
        "rules": r.rules,
        "results": results,
        "notes": r.notes,
        "emergency": r.emergency,
        "analysis": r.analysis,
        "situation": r.situation,
        "outcome": r.situation.as_ref().and_then(|s| s.outcome.clone()),
    })
}

/// Runs one console line against a snapshot.
pub fn run_line(snapshot: &Snapshot, line: &str) -> Reply {
    match commands::parse_line(line) {
        Ok(inv) => commands::run(snapshot, inv.command, &inv.query),
        // The query echoed back is cleaned like any other (no control characters, bounded).
        Err(msg) => Reply::error("", &crate::search::analyzer::clean_query(line), msg),
    }
}

/// The command name for a line, for JSON output even when the line does not parse.
pub fn command_of(line: &str) -> Option<Command> {
    commands::parse_line(line).ok().map(|i| i.command)
}
