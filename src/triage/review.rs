//! "Check your answers": before the summary, every question and the answer given, each of which
//! can be changed. Changing the answer at one position keeps the later answers that still lie
//! on the new path and drops (and names) the ones that no longer apply, so a practitioner who
//! corrects an early answer is not asked everything again, and never left with an answer that
//! no longer fits.
//!
//! Transport-neutral and pure: [`review_reply`] and [`change_reply`] build [`Reply`]s, [`change`]
//! works out the new path; [`super::change`] stores it. Buttons carry [`ReviewAction`]s
//! (`rv:confirm`, `rv:change:N`, `rv:set:N:value`, `rv:show`), which never collide with an
//! answer value (those cannot contain `:`), and fit in a Discord button id with the session id
//! and step.

use super::engine::{clip, replay, Answer, Path, Refused, Walk};
use super::render::answers_lines;
use super::tree::{is_triage_id, Node, Tree};
use super::Guidance;
use crate::reply::{Button, ButtonStyle, Field, Reply, ReplyKind};

/// The prefix of every review action.
pub const PREFIX: &str = "rv:";

/// A button press on the review (or on a question being changed from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewAction {
    /// The answers are right: show the summary.
    Confirm,
    /// Show the review again (leave a change without changing anything).
    Show,
    /// Go to the question answered at this position (1-based, as the review numbers them).
    Change(usize),
    /// Answer the question at this position with this value.
    Set {
        /// 1-based position in the answers.
        position: usize,
        /// The new answer value.
        value: String,
    },
}

impl ReviewAction {
    /// Reads an action strictly; anything else is refused without being interpreted.
    pub fn parse(s: &str) -> Result<ReviewAction, Refused> {
        let refused = || {
            Refused(
                "That button is not one this review offers. Use the buttons on the latest message."
                    .into(),
            )
        };
        let rest = s.strip_prefix(PREFIX).ok_or_else(refused)?;
        let position = |n: &str| -> Result<usize, Refused> {
            match n.parse::<usize>() {
                Ok(p) if (1..=99).contains(&p) && !n.starts_with('0') => Ok(p),
                _ => Err(refused()),
            }
        };
        match rest {
            "confirm" => Ok(ReviewAction::Confirm),
            "show" => Ok(ReviewAction::Show),
            _ => {
                if let Some(n) = rest.strip_prefix("change:") {
                    return Ok(ReviewAction::Change(position(n)?));
                }
                let (n, value) = rest
                    .strip_prefix("set:")
                    .and_then(|r| r.split_once(':'))
                    .ok_or_else(refused)?;
                if !is_triage_id(value) {
                    return Err(refused());
                }
                Ok(ReviewAction::Set {
                    position: position(n)?,
                    value: value.to_string(),
                })
            }
        }
    }

    /// The string a button carries.
    pub fn as_action(&self) -> String {
        match self {
            ReviewAction::Confirm => format!("{PREFIX}confirm"),
            ReviewAction::Show => format!("{PREFIX}show"),
            ReviewAction::Change(n) => format!("{PREFIX}change:{n}"),
            ReviewAction::Set { position, value } => format!("{PREFIX}set:{position}:{value}"),
        }
    }
}

/// The result of changing one answer: the new path, and the later answers dropped because
/// they no longer lie on it (in the order they were given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    /// The new answers.
    pub path: Path,
    /// Answers that no longer apply.
    pub dropped: Vec<Answer>,
}

/// Changes the answer at `position` (1-based) of `path` to `value`. The answers before it
/// stand; after it, the new path is followed and each question on it that was answered before
/// keeps its answer, until an outcome or a question not answered before. Every earlier answer
/// not used is returned as dropped.
pub fn change(tree: &Tree, path: &Path, position: usize, value: &str) -> Result<Changed, Refused> {
    let Some(old) = position.checked_sub(1).and_then(|i| path.0.get(i)) else {
        return Err(Refused(format!(
            "There is no answer {position} to change: choose one from 1 to {}.",
            path.len()
        )));
    };
    let Some(q) = tree.question(&old.question) else {
        return Err(Refused(
            "That question is no longer in the triage. Use Restart.".into(),
        ));
    };
    if q.choice(value).is_none() {
        return Err(Refused(format!(
            "`{}` is not an answer to \"{}\".",
            clip(value),
            q.short
        )));
    }
    let mut new = Path(path.0[..position - 1].to_vec());
    new.0.push(Answer::new(&q.id, value));
    let mut later: Vec<Answer> = path.0[position..].to_vec();
    let mut walk = replay(tree, &new);
    while let Node::Question(next) = walk.position {
        let Some(i) = later.iter().position(|a| a.question == next.id) else {
            break;
        };
        if next.choice(&later[i].value).is_none() {
            break;
        }
        new.0.push(later.remove(i));
        walk = replay(tree, &new);
    }
    Ok(Changed {
        path: new,
        dropped: later,
    })
}

/// "No longer needed: …": the dropped answers in words, for a note on the next reply.
pub fn dropped_note(tree: &Tree, dropped: &[Answer]) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let items: Vec<String> = dropped
        .iter()
        .map(|a| match tree.question(&a.question) {
            Some(q) => format!(
                "{}: {}",
                q.short,
                q.choice(&a.value)
                    .map_or(a.value.as_str(), |c| c.label.as_str())
            ),
            None => format!("{}={}", a.question, a.value),
        })
        .collect();
    Some(format!(
        "After that change {} later answer(s) no longer apply and were dropped: {}.",
        dropped.len(),
        items.join("; ")
    ))
}

fn button(label: impl Into<String>, action: ReviewAction, style: ButtonStyle) -> Button {
    Button {
        label: label.into(),
        action: action.as_action(),
        style,
    }
}

/// The review of a walk that has reached an outcome: the emergency line, where the answers
/// lead, every question with its answer (numbered), what a change dropped, and buttons:
/// Confirm, Change N for each answer, Back, Restart.
pub fn review_reply(guidance: &impl Guidance, walk: &Walk<'_>, dropped: &[Answer]) -> Reply {
    let tree = guidance.tree();
    let mut r =
        Reply::new("triage", "", ReplyKind::TriageReview, "Check your answers").with_emergency();
    r.body = match walk.outcome() {
        Some(o) => format!(
            "These answers lead to: {}. Check each one and change any that is wrong; confirm to see what to do, how fast and who to contact.",
            o.title
        ),
        None => "Check each answer and change any that is wrong.".into(),
    };
    let answered = walk.answered(tree);
    let lines: Vec<String> = answers_lines(tree, walk)
        .into_iter()
        .enumerate()
        .map(|(i, l)| format!("{}. {l}", i + 1))
        .collect();
    r.fields.push(Field::new("Your answers", lines.join("\n")));
    if let Some(note) = dropped_note(tree, dropped) {
        r.fields.push(Field::new("No longer needed", note));
    }
    r.buttons.push(button(
        "Confirm: show what to do",
        ReviewAction::Confirm,
        ButtonStyle::Primary,
    ));
    for (i, (q, _)) in answered.iter().enumerate() {
        r.buttons.push(button(
            clip_label(&format!("Change {}: {}", i + 1, q.short)),
            ReviewAction::Change(i + 1),
            ButtonStyle::Secondary,
        ));
    }
    r.buttons.extend(super::render::nav_buttons());
    r
}

/// Button labels stay within Discord's 80 characters.
fn clip_label(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_string()
    } else {
        let c: String = s.chars().take(79).collect();
        format!("{c}…")
    }
}

/// The question answered at `position`, to change its answer: its text and help, the answer
/// given, a button per answer (`rv:set:N:value`) and "Keep my answer" (`rv:show`).
pub fn change_reply(
    guidance: &impl Guidance,
    walk: &Walk<'_>,
    position: usize,
) -> Result<Reply, Refused> {
    let tree = guidance.tree();
    let answered = walk.answered(tree);
    let Some((q, given)) = position.checked_sub(1).and_then(|i| answered.get(i)) else {
        return Err(Refused(format!(
            "There is no answer {position} to change: choose one from 1 to {}.",
            answered.len()
        )));
    };
    let mut r = Reply::new("triage", "", ReplyKind::TriageStep, q.text.clone()).with_emergency();
    r.body = q.help.clone().unwrap_or_default();
    r.fields.push(Field::new(
        "Your answer now",
        format!("{} (answers after this one that no longer apply will be dropped, and you will be told which)", given.label),
    ));
    r.citations = super::render::citations(guidance.knowledge(), &q.sources);
    for c in &q.choices {
        r.buttons.push(button(
            c.label.clone(),
            ReviewAction::Set {
                position,
                value: c.value.clone(),
            },
            c.style,
        ));
    }
    r.buttons.push(button(
        "Keep my answer",
        ReviewAction::Show,
        ButtonStyle::Secondary,
    ));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_actions_round_trip_and_refuse_anything_else() {
        for a in [
            ReviewAction::Confirm,
            ReviewAction::Show,
            ReviewAction::Change(3),
            ReviewAction::Set {
                position: 12,
                value: "sexual_images".into(),
            },
        ] {
            assert_eq!(ReviewAction::parse(&a.as_action()).unwrap(), a);
        }
        for bad in [
            "confirm",
            "rv:",
            "rv:change:0",
            "rv:change:01",
            "rv:change:100",
            "rv:set:1",
            "rv:set:1:Yes",
            "rv:set:x:yes",
            "rv:confirm ",
        ] {
            assert!(ReviewAction::parse(bad).is_err(), "{bad}");
        }
        // Session id (32) + step (10) + separators: the longest action still fits Discord's 100.
        let longest = ReviewAction::Set {
            position: 99,
            value: "a".repeat(32),
        }
        .as_action();
        assert!(3 + 32 + 1 + 10 + 1 + longest.len() <= 100);
    }
}
