//! The knowledge as searchable documents: one per record, one per passage of a section, and
//! long records split into passages too.

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
    /// What an offence covers in practitioners' words (its `behaviours`), indexed as a field
    /// of its own and weighted above the title, so a behaviour finds the offence for it rather
    /// than the Act whose name looks most alike; empty for every other kind.
    pub behaviours: String,
    /// The questions this passage or record answers (`questions.toml`), indexed as a field of
    /// their own: how a question worded unlike the guidance finds the passage with the answer.
    pub questions: String,
    /// Main citation.
    pub citation: Citation,
    /// A contact marked `resource` (information and support the guidance lists, not a route
    /// for reporting a concern): `/whocall` ranks it below the services it would otherwise tie
    /// with.
    pub resource: bool,
}

/// Shortest passage worth indexing on its own, in characters.
const MIN_PASSAGE: usize = 280;

/// Turns the knowledge into searchable documents (records first, then sections).
pub(super) fn collect(k: &Knowledge) -> Vec<IndexedDoc> {
    let mut docs = Vec::new();
    contacts(k, &mut docs);
    thresholds(k, &mut docs);
    offences(k, &mut docs);
    notes(k, &mut docs);
    sections(k, &mut docs);
    let mut docs = split_records(docs);
    describe(k, &mut docs);
    docs
}

/// Gives each document the questions `questions.toml` says it answers: a description with a
/// `passage` goes to the passage that holds those words (or, where the split cut through them,
/// the record's first passage), one without to every passage of its record.
fn describe(k: &Knowledge, docs: &mut [IndexedDoc]) {
    for d in &k.descriptions {
        let mut hits: Vec<usize> = (0..docs.len())
            .filter(|&i| d.describes(&docs[i].id, &docs[i].passage))
            .collect();
        if hits.is_empty() {
            hits.extend(docs.iter().position(|doc| doc.id == d.id));
        }
        for i in hits {
            let q = &mut docs[i].questions;
            for question in &d.questions {
                if !q.is_empty() {
                    q.push('\n');
                }
                q.push_str(question.trim());
            }
        }
    }
}

/// The main citation of a record: its first source (validated to exist).
fn cite(k: &Knowledge, sources: &[String]) -> Citation {
    sources
        .first()
        .and_then(|s| k.citation(s))
        .expect("validated knowledge: every record cites an existing section")
}

fn opt_line(label: &str, v: &Option<String>) -> String {
    v.as_ref()
        .map(|v| format!("{label}: {v}\n"))
        .unwrap_or_default()
}

fn contacts(k: &Knowledge, docs: &mut Vec<IndexedDoc>) {
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
            behaviours: String::new(),
            questions: String::new(),
            citation: cite(k, &c.sources),
            resource: c.resource,
        });
    }
}

fn thresholds(k: &Knowledge, docs: &mut Vec<IndexedDoc>) {
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
            behaviours: String::new(),
            questions: String::new(),
            citation: cite(k, &t.sources),
            resource: false,
        });
    }
}

fn offences(k: &Knowledge, docs: &mut Vec<IndexedDoc>) {
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
            behaviours: o.behaviours.join(". "),
            questions: String::new(),
            citation: cite(k, &o.sources),
            resource: false,
        });
    }
}

fn notes(k: &Knowledge, docs: &mut Vec<IndexedDoc>) {
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
            behaviours: String::new(),
            questions: String::new(),
            citation,
            resource: false,
        });
    }
}

fn sections(k: &Knowledge, docs: &mut Vec<IndexedDoc>) {
    for s in &k.sections {
        if s.body.trim().is_empty() {
            continue;
        }
        let citation = k.citation(&s.id).expect("section exists");
        for passage in passages(&s.body) {
            docs.push(IndexedDoc {
                id: s.id.clone(),
                kind: RecordKind::Section,
                title: s.title(),
                body: s.body.clone(),
                passage,
                keywords: s.path[..s.path.len().saturating_sub(1)].join(" "),
                behaviours: String::new(),
                questions: String::new(),
                citation: citation.clone(),
                resource: false,
            });
        }
    }
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
