//! "The whole rule first": when an answer shows a record that is one branch of a [`Rule`], the
//! rule goes above the records with every branch and its conditions, so that ranking can never
//! show "same day" and hide the 24-hour route the guidance gives for the case (or the reverse).

use crate::knowledge::{Knowledge, Rule};
use crate::reply::{Hit, Reply};

/// How far down the results a rule's record may be and still bring the rule in: deeper hits
/// are too loosely related to the question to put a rule above everything else.
pub const TOUCH_DEPTH: usize = 3;

/// Below the first result, a rule's record brings the rule in only when it scores at least
/// this share of the first result's score: a near tie, not a record that shares one word
/// ("referral") with the question.
pub const NEAR_TIE: f32 = 0.8;

/// At most this many rules head one answer.
pub const MAX_RULES: usize = 2;

/// The line that offers the guided decision for the case at hand.
pub const TRIAGE_OFFER: &str =
    "For the case in front of you, run /triage: it asks these conditions one at a time.";

/// The rules whose records are the first result, or among the first [`TOUCH_DEPTH`] with a
/// score within [`NEAR_TIE`] of the best of them; best-ranked first. (The best score, not the
/// first result's: an emergency contact put first by the urgency rule carries no score.)
pub fn touched<'k>(k: &'k Knowledge, results: &[Hit]) -> Vec<&'k Rule> {
    let mut out: Vec<&Rule> = Vec::new();
    let top = &results[..results.len().min(TOUCH_DEPTH)];
    let best = top.iter().map(|h| h.score).fold(f32::MIN, f32::max);
    let close = top
        .iter()
        .enumerate()
        .filter(|(i, h)| *i == 0 || h.score >= best * NEAR_TIE)
        .map(|(_, h)| h);
    for h in close {
        for r in k.rules_for(&h.id) {
            if out.len() < MAX_RULES && !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
    }
    out
}

/// Puts the touched rules at the head of the reply: their text first in the body, their
/// citations, the triage offer, and `/triage` as the first suggestion.
/// `/whocall` answers with a contact: there a rule is brought in only by the first result, not by
/// a record scoring close behind the contact asked for ("lado" is answered with the LADO).
pub fn put_first(k: &Knowledge, r: &mut Reply) {
    let depth = if r.command == "whocall" {
        1
    } else {
        TOUCH_DEPTH
    };
    let rules = touched(k, &r.results[..r.results.len().min(depth)]);
    if rules.is_empty() {
        return;
    }
    let mut text: Vec<String> = rules.iter().map(|rule| rule.render()).collect();
    text.push(TRIAGE_OFFER.to_string());
    if !r.body.is_empty() {
        text.push(std::mem::take(&mut r.body));
    }
    r.body = text.join("\n\n");
    for rule in &rules {
        for s in rule.sources() {
            if let Some(c) = k.citation(s) {
                if !r.citations.iter().any(|o| o.section_id == c.section_id) {
                    r.citations.push(c);
                }
            }
        }
    }
    r.suggestions.retain(|s| s != "/triage");
    r.suggestions.insert(0, "/triage".to_string());
    r.rules = rules.into_iter().cloned().collect();
}
