//! The head of a free-text reply when a situation is read: the lead line (what to do and how
//! fast, for this case), what was read in the practitioner's own words, what would change the
//! answer, the guidance's own words for the outcome, and the offer to confirm it in `/triage`
//! with the answers filled in. The search results that were the answer before stay below, as
//! reading.

use super::decide::{decide, Branch, Decision};
use super::reading::{Basis, Read, Reading};
use super::signals::Signals;
use super::understand::{understand, Situation};
use crate::knowledge::Knowledge;
use crate::reply::{Reply, SituationView};
use crate::triage::tree::Tree;

/// Which lead an outcome gives: `/whocall` leads with the contact, the others with the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// `/whocall`: the number first.
    WhoCall,
    /// `/threshold` and `/search`: what to do and how fast.
    Action,
}

/// Reads `query` as a situation and, when it is one, puts what the tree decides at the head of
/// `reply`. Returns true when it did.
pub fn put_first(
    knowledge: &Knowledge,
    tree: &Tree,
    signals: &Signals,
    voice: Voice,
    query: &str,
    reply: &mut Reply,
) -> bool {
    let Some(s) = understand(tree, signals, query) else {
        return false;
    };
    let lead = lead_line(signals, tree, &s, voice);
    let mut lines = vec![lead.clone()];
    let top = s.decision.lead();
    // After a 999 lead, what the rest of the tree decides (immediate danger answered no).
    let rest = if top.outcome.id == "call_999" {
        after_999(tree, signals, &s)
    } else {
        None
    };
    // Only what bears on the walk: a reading about a question no path asks is left out.
    // (After a 999 lead with the rest left to /triage, everything read is shown.)
    let asked: Vec<&str> = if top.outcome.id == "call_999" && rest.is_none() {
        tree.questions().iter().map(|q| q.id.as_str()).collect()
    } else {
        s.decision
            .branches
            .iter()
            .chain(rest.iter().flat_map(|r| r.decision.branches.iter()))
            .flat_map(|b| b.path.0.iter().map(|a| a.question.as_str()))
            .collect()
    };
    let read = read_lines(signals, tree, &s.reading, &asked);
    lines.push(format!("I read: {}.", read.join("; ")));
    let next = s.decision.branches.get(1);
    if let Some(n) = next {
        let qs: Vec<String> = n
            .open
            .iter()
            .filter_map(|a| tree.question(&a.question))
            .map(|q| q.text.clone())
            .collect();
        lines.push(format!("What decides it: {}", qs.join(" ")));
    }
    match &rest {
        Some(r) => lines.push(format!(
            "After the 999 call: {}",
            lead_line(signals, tree, r, voice)
        )),
        None if top.outcome.id == "call_999" => lines.push(
            "After the 999 call: the referral the rest of the triage gives still applies; check it in /triage."
                .to_string(),
        ),
        None => {}
    }
    lines.push(format!(
        "The guidance: \u{201c}{}\u{201d}",
        top.outcome.quote
    ));
    let view = SituationView {
        outcome: s.decision.decided().then(|| top.outcome.id.clone()),
        leads_with: top.outcome.id.clone(),
        reachable: s
            .decision
            .branches
            .iter()
            .map(|b| b.outcome.id.clone())
            .collect(),
        open: next
            .map(|n| n.open.iter().map(|a| a.question.clone()).collect())
            .unwrap_or_default(),
        read,
        answers: s.decision.fixed.encode(),
        lead_path: top.path.encode(),
        choices: choices_of(tree, &s.decision.fixed),
        family: s.reading.family.is_some(),
    };
    lines.push(format!(
        "Check this reading step by step: {} (the answers above filled in; change any of them).",
        view.triage_command()
    ));
    let before = std::mem::take(&mut reply.body);
    if !before.is_empty() {
        lines.push(String::new());
        lines.push("From the guidance, for reading:".to_string());
        lines.push(before);
    }
    reply.body = lines.join("\n");
    reply.title = lead;
    for sid in &top.outcome.sources {
        if let Some(c) = knowledge.citation(sid) {
            if !reply.citations.iter().any(|o| o.section_id == c.section_id) {
                reply.citations.insert(0, c);
            }
            break;
        }
    }
    reply.suggestions.retain(|x| x != "/triage");
    reply.suggestions.insert(0, view.triage_command());
    reply.emergency = Some(crate::reply::EMERGENCY_LINE.to_string());
    reply.situation = Some(view);
    true
}

/// The lead line.
fn lead_line(signals: &Signals, tree: &Tree, s: &Situation<'_>, voice: Voice) -> String {
    let top = s.decision.lead();
    let family = s.reading.family.is_some();
    if top.outcome.id != "call_999" && family {
        return match voice {
            Voice::WhoCall => signals.family.whocall.clone(),
            Voice::Action => signals.family.lead.clone(),
        };
    }
    let base = outcome_lead(signals, &top.outcome.id, voice);
    match s.decision.branches.get(1) {
        None => base,
        Some(next) => with_unless(signals, tree, &base, next),
    }
}

fn outcome_lead(signals: &Signals, id: &str, voice: Voice) -> String {
    match (signals.outcome(id), voice) {
        (Some(o), Voice::WhoCall) => o.whocall.clone(),
        (Some(o), Voice::Action) => o.lead.clone(),
        (None, _) => id.to_string(),
    }
}

/// "<lead> — unless <the open answers that lead to the next outcome>: then <next>."
fn with_unless(signals: &Signals, _tree: &Tree, base: &str, next: &Branch<'_>) -> String {
    let conds: Vec<&str> = next
        .open
        .iter()
        .map(|a| signals.label(&a.question, &a.value))
        .collect();
    let then = signals
        .outcome(&next.outcome.id)
        .map_or(next.outcome.id.as_str(), |o| o.then.as_str());
    format!(
        "{} — unless {}: then {}.",
        base.trim_end_matches('.'),
        join_and(&conds),
        then
    )
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

/// What the rest of the tree gives once the 999 call is made: the same reading with
/// `immediate_danger` answered no.
fn after_999<'t>(tree: &'t Tree, signals: &Signals, s: &Situation<'t>) -> Option<Situation<'t>> {
    let mut reading = s.reading.clone();
    reading
        .reads
        .retain(|r| r.answer.question != tree.start().id);
    reading.reads.push(Read {
        answer: super::signals::Answered {
            question: tree.start().id.clone(),
            value: "no".into(),
        },
        basis: Basis::Assumed,
    });
    let decision: Decision<'t> = decide(tree, signals, &reading);
    if decision.branches.is_empty() || decision.lead().outcome.id == "call_999" {
        return None;
    }
    // Where the words do not say what kind of concern it is, the rest is left to /triage
    // rather than led with the most urgent of every outcome.
    let walk = crate::triage::engine::replay(tree, &decision.fixed);
    if let crate::triage::tree::Node::Question(q) = walk.position {
        if q.choices.len() > 2 && reading.values(&q.id).is_empty() && reading.family.is_none() {
            return None;
        }
    }
    Some(Situation { reading, decision })
}

/// "an adult is involved ('30 year old')", in the tree's question order.
fn read_lines(signals: &Signals, tree: &Tree, reading: &Reading, asked: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for q in tree
        .questions()
        .iter()
        .filter(|q| asked.contains(&q.id.as_str()))
    {
        let values = reading.values(&q.id);
        if values.len() > 1 {
            let labels: Vec<&str> = values.iter().map(|v| signals.label(&q.id, v)).collect();
            out.push(format!(
                "the words point both ways on \"{}\" ({}): the most urgent is shown",
                q.short,
                labels.join(" / ")
            ));
            continue;
        }
        let Some(v) = values.first() else { continue };
        let quotes: Vec<String> = reading
            .reads
            .iter()
            .filter(|r| r.answer.question == q.id && r.answer.value == *v)
            .filter_map(|r| match &r.basis {
                Basis::Words(w) => Some(format!("'{}'", clean(w))),
                _ => None,
            })
            .take(2)
            .collect();
        let label = signals.label(&q.id, v);
        if quotes.is_empty() {
            out.push(label.to_string());
        } else {
            out.push(format!("{label} ({})", quotes.join(", ")));
        }
    }
    if let Some(f) = &reading.family {
        out.push(format!("{} ('{}')", signals.family.label, clean(f)));
    }
    let assumed: Vec<&str> = signals
        .assume
        .iter()
        .filter(|a| reading.values(&a.question).is_empty())
        .map(|a| signals.label(&a.question, &a.value))
        .collect();
    if !assumed.is_empty() {
        out.push(format!(
            "assumed, as nothing says otherwise: {}",
            assumed.join(", ")
        ));
    }
    out
}

/// The practitioner's words, safe to echo: no control characters, markdown or mentions, short.
fn clean(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '`' | '*' | '_' | '~' | '|' | '@' | '<' | '>'))
        .collect();
    crate::text::shorten(&t, 40).into_owned()
}

/// The most answers a `choices` string may give (the tree is far shallower).
const MAX_CHOICES: usize = 24;

/// `path` as choice positions from the start of the tree (`1.1.0`).
pub fn choices_of(tree: &Tree, path: &crate::triage::engine::Path) -> String {
    path.0
        .iter()
        .filter_map(|a| {
            let q = tree.question(&a.question)?;
            q.choices.iter().position(|c| c.value == a.value)
        })
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Reads a `choices` string back into a path through `tree`, or `None` when it is malformed or
/// no longer fits the tree (a reload changed it): each position must name a choice of the
/// question the walk has reached.
pub fn path_of_choices(tree: &Tree, choices: &str) -> Option<crate::triage::engine::Path> {
    use crate::triage::engine::{apply, replay, start, Action};
    let mut walk = start(tree);
    if choices.is_empty() {
        return Some(walk.path);
    }
    let items: Vec<&str> = choices.split('.').collect();
    if items.len() > MAX_CHOICES {
        return None;
    }
    for item in items {
        if item.is_empty() || item.len() > 2 || !item.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let i: usize = item.parse().ok()?;
        let crate::triage::tree::Node::Question(q) = walk.position else {
            return None;
        };
        let value = q.choices.get(i)?.value.clone();
        let path = apply(&walk, &Action::Answer(value)).ok()?;
        walk = replay(tree, &path);
    }
    Some(walk.path)
}
