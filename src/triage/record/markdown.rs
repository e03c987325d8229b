//! The decision record as Markdown: the file a practitioner saves or attaches to their own
//! system. Every word in it comes from the knowledge or from the fixed headings below; the
//! "Notes" section is left blank for the practitioner.

use std::fmt::Write;

use super::DecisionRecord;
use crate::reply::EMERGENCY_LINE;
use crate::triage::deadline;
use crate::triage::out_of_hours::{self, ADVICE_HEADING};
use crate::triage::render::contact_line;

/// The headings, in order: tests and the Discord attachment rely on them.
pub const SECTIONS: [&str; 10] = [
    "## Decision",
    "## Deadlines",
    "## What to do, in order",
    "## Who to contact",
    "## Evidence",
    "## Questions and answers",
    "## In the guidance's words",
    "## Citations",
    "## Knowledge",
    "## Notes",
];

/// A table cell: one line, no unescaped `|`.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Renders the record.
pub(super) fn render(r: &DecisionRecord) -> String {
    let mut s = String::new();
    let z = &r.decided_at;
    let _ = writeln!(s, "# Triage decision record\n");
    let _ = writeln!(s, "> **{EMERGENCY_LINE}**\n");
    let _ = writeln!(
        s,
        "This record was made with safeguarding-bot from the Kingston and Richmond Safeguarding Children Partnership's online-safeguarding guidance. It holds no names, nothing about the child and no free text: add those only in your own case-recording system, under Notes.\n"
    );
    let _ = writeln!(s, "{}\n", SECTIONS[0]);
    let _ = writeln!(s, "**{}** (`{}`)\n", r.title, r.outcome);
    let _ = writeln!(s, "{}\n", r.summary);
    let _ = writeln!(
        s,
        "- Decided: {} London time ({})\n- In UTC: {}\n",
        z.strftime("%A %-d %B %Y, %H:%M:%S"),
        z.strftime("%Z, UTC%:z"),
        z.timestamp()
    );
    deadlines(&mut s, r);
    let _ = writeln!(s, "{}\n", SECTIONS[2]);
    for d in &r.done_first {
        let _ = writeln!(s, "**Done first:** {d}\n");
    }
    for (i, a) in r.actions.iter().enumerate() {
        if let Some((title, _)) = r.conditions.iter().find(|(_, first)| *first == i) {
            let _ = writeln!(s, "\n**{title}:**\n");
        }
        let _ = writeln!(s, "{}. {a}", i + 1);
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[3]);
    let (act, advice) = out_of_hours::split_advice(&r.contacts);
    for c in act {
        let _ = writeln!(s, "- **{}** When: {}", contact_line(c), c.when);
    }
    if !advice.is_empty() {
        let _ = writeln!(s, "\n{ADVICE_HEADING}:\n");
        for c in advice {
            let _ = writeln!(s, "- {} When: {}", contact_line(c), c.when);
        }
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[4]);
    for e in &r.evidence {
        let _ = writeln!(s, "- {e}");
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[5]);
    let _ = writeln!(s, "| # | Question | Answer |\n|---|---|---|");
    for (i, a) in r.answers.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | {} (`{}`) | {} (`{}`) |",
            i + 1,
            cell(&a.question),
            a.question_id,
            cell(&a.answer),
            a.value
        );
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[6]);
    let _ = writeln!(s, "> \"{}\"", r.quote.0);
    if let Some(section) = &r.quote.1 {
        let _ = writeln!(s, ">\n> — {section}");
    }
    for (q, section) in &r.condition_quotes {
        let _ = writeln!(s, "\n> \"{q}\"");
        if let Some(section) = section {
            let _ = writeln!(s, ">\n> — {section}");
        }
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[7]);
    for c in &r.citations {
        let _ = writeln!(s, "- {}, {} (`{}`)", c.document, c.section, c.section_id);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(s, "\n### Currency notes\n");
        for n in &r.notes {
            let _ = writeln!(s, "- {n}");
        }
    }
    let _ = writeln!(s, "\n{}\n", SECTIONS[8]);
    let _ = writeln!(
        s,
        "- Knowledge version `{}`, hash `{}`\n- Bank holidays: England and Wales, last checked {} against {} (one-off changes checked for {} to {})",
        r.knowledge.0, r.knowledge.1, r.holidays.last_checked, r.holidays.source, r.holidays.checked.0, r.holidays.checked.1
    );
    let _ = writeln!(s, "\n{}\n", SECTIONS[9]);
    let _ = writeln!(
        s,
        "_To be completed by the practitioner in their own case-recording system._"
    );
    s
}

fn deadlines(s: &mut String, r: &DecisionRecord) {
    let _ = writeln!(s, "{}\n", SECTIONS[1]);
    let _ = writeln!(
        s,
        "From the decision time, in London time. \"Same day\" ends at 23:59:59 that day; hours are clock hours; working days skip weekends and England and Wales bank holidays, and the day of the decision does not count. A same-day or 24-hour deadline that falls out of hours says how to meet it.\n"
    );
    let _ = writeln!(
        s,
        "| What | Timeframe rule (as the outcome states it) | Due |\n|---|---|---|"
    );
    for d in &r.deadlines {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            cell(&d.what),
            cell(&d.rule),
            cell(&deadline::due_text(d))
        );
    }
    out_of_hours_notes(s, r);
    let cautions: Vec<&String> = r
        .deadlines
        .iter()
        .filter_map(|d| d.caution.as_ref())
        .collect();
    if !cautions.is_empty() {
        let _ = writeln!(s);
        for c in cautions {
            let _ = writeln!(s, "**Check:** {c}");
        }
    }
    let _ = writeln!(s);
}

/// Under the deadlines table: how to meet each deadline that falls out of hours, then once what
/// "office hours" means here.
fn out_of_hours_notes(s: &mut String, r: &DecisionRecord) {
    let mut any = false;
    for d in &r.deadlines {
        if let Some(ooh) = &d.out_of_hours {
            if !any {
                let _ = writeln!(s);
            }
            any = true;
            let _ = writeln!(
                s,
                "**Out of hours ({}):** {}\n",
                d.rule,
                out_of_hours::how_to_meet(ooh, &r.routes)
            );
        }
    }
    if any {
        let _ = writeln!(s, "_{}_", out_of_hours::READING);
    }
}
