//! What the search commands share: run a scoped search and turn the hits into a [`Reply`] with
//! fields, citations, currency notes and the emergency route.

use super::Command;
use crate::knowledge::{Knowledge, RecordKind};
use crate::reply::{Field, Hit, Reply, ReplyKind};
use crate::search::{Scope, SearchIndex};
use crate::snapshot::Snapshot;
use crate::text::shorten;

/// How many results a reply shows.
pub const RESULT_LIMIT: usize = 5;

/// Runs `query` for `command` within `scope` and builds the reply. `what` names the kind of
/// answer for headlines ("contacts", "thresholds").
pub fn answer(
    snapshot: &Snapshot,
    command: Command,
    query: &str,
    scope: Scope,
    what: &str,
) -> Reply {
    let outcome = snapshot.index.search(query, scope, RESULT_LIMIT);
    let cleaned = outcome.cleaned.clone();
    let analysis = outcome.concepts.clone();
    if cleaned.is_empty() {
        let mut r = Reply::error(
            command.name(),
            "",
            format!(
                "Type what you are looking for after the command, e.g. `/{} {}`.",
                command.name(),
                example(command)
            ),
        );
        r.suggestions = vec!["/help".into(), "/triage".into()];
        return r;
    }
    if outcome.hits.is_empty() {
        let mut r = Reply::new(
            command.name(),
            &cleaned,
            ReplyKind::NoMatch,
            format!(
                "Nothing in the guidance matched \"{}\"",
                shorten(&cleaned, 80)
            ),
        )
        .with_emergency();
        r.body = "Try other words (for example the type of incident: nudes, grooming, bullying, extremism, self-harm), or run /triage for a step-by-step referral decision. If a child may be at risk, do not wait for a search result: use the emergency route below.".into();
        r.suggestions = vec!["/triage".into(), "/whocall significant harm".into()];
        r.analysis = analysis;
        read_situation(snapshot, command, query, &mut r);
        return r;
    }
    let mut r = Reply::new(
        command.name(),
        &cleaned,
        ReplyKind::Answer,
        format!("{} for \"{}\"", capitalise(what), shorten(&cleaned, 80)),
    )
    .with_emergency();
    if scope.primary.is_some() && !outcome.primary_matched {
        r.notes.push(format!(
            "No {} matched; these are the closest parts of the guidance.",
            what
        ));
    }
    if !outcome.corrections.is_empty() {
        r.notes.push(format!(
            "Searched for {}.",
            outcome
                .corrections
                .iter()
                .map(|(a, b)| format!("\"{b}\" (you typed \"{a}\")"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let k = &snapshot.knowledge;
    r.results = outcome
        .hits
        .iter()
        .map(|f| to_hit(k, &snapshot.index, f.ord, f.score, &f.snippet))
        .collect();
    if command == Command::WhoCall && (outcome.urgent || reads_as_immediate_danger(snapshot, query))
    {
        put_emergency_first(snapshot, &mut r);
    }
    put_replacements_first(snapshot, &mut r);
    r.body = lead(&r.results[0]);
    // A passage of the guidance that wins is quoted first, so the answer is on screen and not
    // paragraphs down the section.
    let best = outcome
        .hits
        .first()
        .filter(|f| !f.extract.is_empty() && snapshot.index.docs()[f.ord].id == r.results[0].id);
    if let Some(f) = best {
        r.body = format!("**{}**\n\n{}", r.results[0].title, quoted(&f.extract));
        // The quote is the first hit's text: not repeated under it.
        r.results[0].snippet.clear();
    }
    r.suggestions = follow_ups(command, &r.results);
    super::whole_rule::put_first(k, &mut r);
    r.analysis = analysis;
    read_situation(snapshot, command, query, &mut r);
    if command == Command::WhoCall {
        put_lead_contacts_first(snapshot, &mut r);
    }
    r
}

/// Under a situation lead, `/whocall` lists the contacts the lead's outcome names (in the
/// search's order) before the ones it does not, so the list beneath says the same as the lead:
/// "a TA messaging pupils" shows the LADO before the reporting services the words also match.
fn put_lead_contacts_first(snapshot: &Snapshot, r: &mut Reply) {
    let Some(outcome) = r
        .situation
        .as_ref()
        .and_then(|s| snapshot.triage.outcome(&s.leads_with))
    else {
        return;
    };
    let named = |id: &str| outcome.contacts.iter().any(|c| c == id);
    let (mut first, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut r.results)
        .into_iter()
        .partition(|h| named(&h.id));
    first.extend(rest);
    r.results = first;
}

/// For `/whocall`, `/threshold` and `/search`: when the query describes a situation, what the
/// triage tree decides for it goes first ([`crate::situation`]); the search results stay below.
fn read_situation(snapshot: &Snapshot, command: Command, query: &str, r: &mut Reply) {
    let voice = match command {
        Command::WhoCall => crate::situation::Voice::WhoCall,
        Command::Threshold | Command::Search => crate::situation::Voice::Action,
        _ => return,
    };
    let read = crate::situation::put_first(
        &snapshot.knowledge,
        &snapshot.triage,
        &snapshot.situations,
        voice,
        query,
        r,
    );
    if read && r.kind == ReplyKind::NoMatch {
        r.kind = ReplyKind::Answer;
    }
}

/// Whether the situation reader ([`crate::situation`]) leads this text with `call_999`: the
/// contacts beneath a 999 lead then start with 999 too, so the lead and the list agree.
fn reads_as_immediate_danger(snapshot: &Snapshot, query: &str) -> bool {
    crate::situation::understand(&snapshot.triage, &snapshot.situations, query)
        .is_some_and(|s| s.decision.lead().outcome.id == "call_999")
}

/// For a situation happening now, the 999 route goes first whatever else matched.
fn put_emergency_first(snapshot: &Snapshot, r: &mut Reply) {
    let k = &snapshot.knowledge;
    let Some(c) = k
        .contacts
        .iter()
        .find(|c| c.emergency && c.phone.as_deref() == Some("999"))
    else {
        return;
    };
    let hit = match r.results.iter().position(|h| h.id == c.id) {
        Some(i) => r.results.remove(i),
        None => {
            let Some(ord) = snapshot.index.docs().iter().position(|d| d.id == c.id) else {
                return;
            };
            let d = &snapshot.index.docs()[ord];
            to_hit(k, &snapshot.index, ord, 0.0, &d.passage)
        }
    };
    r.results.insert(0, hit);
    r.results.truncate(RESULT_LIMIT);
    r.notes.insert(
        0,
        "This sounds like it is happening now: if a child is in immediate danger, call 999 first."
            .to_string(),
    );
}

/// In any reply that lists offences (`/offence`, and `/search`, which finds every kind), a
/// repealed-and-replaced or never-existed-as-stated offence is listed after the offences that
/// are the law now (`replaced_by`, `see_instead`): each found is moved up to just before it. An
/// `/offence` reply also adds one the search did not find (an answer about the law names the law
/// now); `/search` keeps to what it found, each offence hit showing its status, which names the
/// law now. Nothing is listed twice.
pub fn put_replacements_first(snapshot: &Snapshot, r: &mut Reply) {
    let add_missing = r.command == Command::Offence.name();
    let k = &snapshot.knowledge;
    let mut i = 0;
    while i < r.results.len() {
        let hit = &r.results[i];
        let successors: Vec<String> = match (hit.kind, k.offence(&hit.id)) {
            (RecordKind::Offence, Some(o)) if o.status.points_elsewhere() => {
                o.successors().cloned().collect()
            }
            _ => Vec::new(),
        };
        for id in successors {
            match r.results.iter().position(|h| h.id == id) {
                Some(j) if j < i => {}
                Some(j) => {
                    let h = r.results.remove(j);
                    r.results.insert(i, h);
                    i += 1;
                }
                None if !add_missing => {}
                None => {
                    let docs = snapshot.index.docs();
                    let Some(ord) = docs
                        .iter()
                        .position(|d| d.kind == RecordKind::Offence && d.id == id)
                    else {
                        continue;
                    };
                    let h = to_hit(k, &snapshot.index, ord, 0.0, &docs[ord].passage);
                    r.results.insert(i, h);
                    i += 1;
                }
            }
        }
        i += 1;
    }
    r.results.truncate(RESULT_LIMIT);
}

/// Builds the hit for one indexed document, with its kind's fields.
pub fn to_hit(k: &Knowledge, index: &SearchIndex, ord: usize, score: f32, snippet: &str) -> Hit {
    let d = &index.docs()[ord];
    let mut fields = Vec::new();
    match d.kind {
        RecordKind::Contact => {
            if let Some(c) = k.contact(&d.id) {
                if c.resource {
                    fields.push(Field::new(
                        "Resource",
                        "information and support the guidance lists; not a route for reporting a concern about a child (for that: SPA, or 999 in an emergency)",
                    ));
                }
                if let Some(a) = &c.audience {
                    fields.push(Field::new("For", a));
                }
                if let Some(p) = &c.phone {
                    fields.push(Field::new("Phone", p));
                }
                if let Some(w) = &c.web {
                    fields.push(Field::new("Web", w));
                }
                if let Some(h) = &c.hours {
                    fields.push(Field::new("Hours", h));
                }
                fields.push(Field::new("When to use", &c.when));
            }
        }
        RecordKind::Threshold => {
            if let Some(t) = k.threshold(&d.id) {
                fields.push(Field::new("How fast", &t.timeframe));
                fields.push(Field::new("What to do", &t.response));
                let contacts: Vec<String> = t
                    .contacts
                    .iter()
                    .filter_map(|id| k.contact(id))
                    .map(|c| c.label())
                    .collect();
                if !contacts.is_empty() {
                    fields.push(Field::new("Contacts", contacts.join("\n")));
                }
            }
        }
        RecordKind::Offence => {
            if let Some(o) = k.offence(&d.id) {
                // The status first, in plain words naming the law now.
                fields.push(Field::new("Status", o.status_line(|id| k.offence(id))));
                fields.push(Field::new("Act", &o.act));
                if let Some(s) = &o.section {
                    fields.push(Field::new("Section", s));
                }
                if let Some(p) = &o.penalty {
                    fields.push(Field::new("Penalty", p));
                }
            }
        }
        RecordKind::Section | RecordKind::Note => {}
    }
    // Only the notes attached to this very record or section: a record citing a long section
    // (e.g. the appendix of web links) must not carry every note about that section.
    let notes: Vec<String> = k.notes_for(&d.id).iter().map(|n| n.render()).collect();
    Hit {
        id: d.id.clone(),
        kind: d.kind,
        title: d.title.clone(),
        body: d.body.clone(),
        snippet: snippet.to_string(),
        fields,
        citation: d.citation.clone(),
        notes,
        score,
    }
}

/// The first line of the reply: the single most useful fact of the best hit.
fn lead(best: &Hit) -> String {
    let field = |n: &str| {
        best.fields
            .iter()
            .find(|f| f.name == n)
            .map(|f| f.value.clone())
    };
    match best.kind {
        RecordKind::Contact => match (field("Phone"), field("Web")) {
            (Some(p), _) => format!("**{}: {}**", best.title, p),
            (None, Some(w)) => format!("**{}: {}**", best.title, w),
            _ => format!("**{}**", best.title),
        },
        RecordKind::Threshold => format!(
            "**{}** — how fast: {}",
            best.title,
            field("How fast").unwrap_or_default()
        ),
        RecordKind::Offence => match field("Status") {
            Some(status) if status != "Current" => format!("**{status}** — {}", best.title),
            _ => format!("**{}**", best.title),
        },
        RecordKind::Section | RecordKind::Note => format!("**{}** — {}", best.title, best.snippet),
    }
}

/// `text` as a Markdown quote: each line opened with `> `.
fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn follow_ups(command: Command, hits: &[Hit]) -> Vec<String> {
    let mut s = Vec::new();
    if command != Command::WhoCall {
        s.push("/whocall".to_string());
    }
    if command != Command::Threshold && hits.iter().any(|h| h.kind == RecordKind::Threshold) {
        s.push("/threshold".to_string());
    }
    s.push("/triage".to_string());
    s
}

fn example(command: Command) -> &'static str {
    match command {
        Command::WhoCall => "child in immediate danger",
        Command::Threshold => "nudes shared between 15 year olds",
        Command::Offence => "adult sending sexual messages to a child",
        _ => "signs of online grooming",
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Autocomplete choices: titles of the best-matching records of the command's kind, then of
/// anything else; for an empty input, the command's records in knowledge order.
pub fn autocomplete(snapshot: &Snapshot, command: Command, partial: &str) -> Vec<String> {
    const MAX: usize = 25;
    let kind = primary_kind(command);
    let docs = snapshot.index.docs();
    let mut out: Vec<String> = Vec::new();
    let push = |s: &str, out: &mut Vec<String>| {
        let s = shorten(s, 100).into_owned();
        if !s.is_empty() && !out.contains(&s) && out.len() < MAX {
            out.push(s);
        }
    };
    let partial = crate::search::analyzer::clean_query(partial);
    if partial.is_empty() {
        for d in docs.iter().filter(|d| Some(d.kind) == kind) {
            push(&d.title, &mut out);
        }
        return out;
    }
    let lower = partial.to_lowercase();
    for d in docs
        .iter()
        .filter(|d| Some(d.kind) == kind || kind.is_none())
    {
        if d.title.to_lowercase().contains(&lower) {
            push(&d.title, &mut out);
        }
    }
    let scope = match kind {
        Some(k) => Scope::prefer(k),
        None => Scope::ALL,
    };
    for f in snapshot.index.search(&partial, scope, MAX).hits {
        push(&docs[f.ord].title, &mut out);
    }
    out
}

fn primary_kind(command: Command) -> Option<RecordKind> {
    match command {
        Command::WhoCall => Some(RecordKind::Contact),
        Command::Threshold => Some(RecordKind::Threshold),
        Command::Offence => Some(RecordKind::Offence),
        _ => None,
    }
}
