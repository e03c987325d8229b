//! The triage dialogue in a terminal (`safeguarding-bot console`, then `/triage`): the same
//! engine, store and replies as the chat, with numbered answers instead of buttons. When the
//! answers reach an outcome it shows "Check your answers" first (type a number to change one,
//! `confirm` for the summary), and the summary lists each deadline from now in London time.
//! Generic over the input and output so tests can drive it with a script.

use std::io::{self, BufRead, Write};

use super::Guidance;
use super::{act, change, change_prompt, record, start, SessionView, Store, TriageError};
use crate::clock::{Clock, SystemClock};

/// The owner id console sessions are stored under.
const CONSOLE_OWNER: &str = "console";

const HINT_QUESTION: &str =
    "Type the number of your answer, `back`, `restart`, or `quit` to leave the triage.";
const HINT_REVIEW: &str = "Type `confirm` to see what to do, the number of an answer to change it, `back`, `restart`, or `quit`.";
const HINT_CHANGE: &str =
    "Type the number of the new answer, or `keep` to leave it as it is and return to your answers.";
const HINT_SUMMARY: &str = "Type `review` to see your answers again, `back` to change your last answer, `restart`, or `quit` to leave the triage.";
const HINT_SUMMARY_GO_ON: &str = "Type `go on` to go on from the next question (the referral the rest of the triage gives), `review` to see your answers again, `back`, `restart`, or `quit` to leave the triage.";

/// The summary's "Go on from the next question" (an outcome with `go_on`, such as `call_999`):
/// the position and value its button changes.
fn go_on(view: &SessionView) -> Option<(usize, String)> {
    view.reply
        .buttons
        .iter()
        .find_map(|b| match super::review::ReviewAction::parse(&b.action) {
            Ok(super::review::ReviewAction::Set { position, value }) => Some((position, value)),
            _ => None,
        })
}

/// Runs one dialogue to the end of the input or until `quit`, with a private in-memory store.
/// Returns the last outcome reached, if any. Must not be called from inside a Tokio runtime (it
/// starts its own); async callers use [`dialogue`].
pub fn run_dialogue<R: BufRead, W: Write>(
    guidance: &impl Guidance,
    input: &mut R,
    out: &mut W,
) -> io::Result<Option<String>> {
    run_prefilled_dialogue(guidance, "", input, out)
}

/// [`run_dialogue`] with `answers` (`question=value,…`, as a situation read from free text
/// offers them) given first: it opens at "Check your answers" when they reach an outcome, or
/// at the first question they leave open. Answers that do not fit the tree are reported and
/// the dialogue starts from where they stop fitting.
pub fn run_prefilled_dialogue<R: BufRead, W: Write>(
    guidance: &impl Guidance,
    answers: &str,
    input: &mut R,
    out: &mut W,
) -> io::Result<Option<String>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::open("sqlite::memory:")
            .await
            .map_err(|e| io::Error::other(format!("{e:?}")))?;
        let result = match super::engine::Path::decode(answers) {
            Ok(prefill) => {
                dialogue_from(&store, guidance, &prefill, input, out, &SystemClock).await
            }
            Err(e) => {
                writeln!(
                    out,
                    "Those answers could not be read ({e}): starting from the first question."
                )?;
                dialogue(&store, guidance, input, out).await
            }
        };
        store.close().await;
        result
    })
}

/// What the console is showing, so a typed line means the right thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    /// A question: numbers are answers.
    Question,
    /// "Check your answers": numbers are answers to change.
    Review,
    /// The question answered at this position, being changed: numbers are new answers.
    Changing(usize),
    /// The summary.
    Summary,
}

/// The answer values (or new-answer values) a screen numbers, in order.
fn numbered(view: &SessionView, screen: Screen) -> Vec<String> {
    let actions = view.reply.buttons.iter().map(|b| b.action.as_str());
    match screen {
        Screen::Question => actions
            .filter(|a| *a != "back" && *a != "restart")
            .map(String::from)
            .collect(),
        Screen::Changing(_) => actions
            .filter_map(|a| match super::review::ReviewAction::parse(a) {
                Ok(super::review::ReviewAction::Set { value, .. }) => Some(value),
                _ => None,
            })
            .collect(),
        Screen::Review | Screen::Summary => Vec::new(),
    }
}

fn show<W: Write>(
    out: &mut W,
    guidance: &impl Guidance,
    view: &SessionView,
    screen: Screen,
    clock: &dyn Clock,
) -> io::Result<()> {
    let (mut reply, hint) = match (screen, &view.review) {
        (Screen::Review, Some(review)) => (review.clone(), HINT_REVIEW),
        (Screen::Changing(_), _) => (view.reply.clone(), HINT_CHANGE),
        (Screen::Summary, _) if go_on(view).is_some() => (view.reply.clone(), HINT_SUMMARY_GO_ON),
        (Screen::Summary, _) => (view.reply.clone(), HINT_SUMMARY),
        _ => (view.reply.clone(), HINT_QUESTION),
    };
    let outcome = view
        .outcome
        .as_deref()
        .and_then(|o| guidance.tree().outcome(o));
    if let (Screen::Summary, Some(o)) = (screen, outcome) {
        if let Err(e) = record::add_deadlines(&mut reply, guidance, o, record::now(clock)) {
            reply
                .notes
                .insert(0, format!("The deadlines could not be worked out: {e}"));
        }
    }
    // Number only the answers; everything else is typed as a word.
    let keep = numbered(view, screen);
    reply.buttons.retain(|b| keep.contains(&b.action));
    writeln!(out, "{}", crate::console::render_text(&reply))?;
    writeln!(out, "{hint}")?;
    prompt(out)
}

fn prompt<W: Write>(out: &mut W) -> io::Result<()> {
    write!(out, "triage> ")?;
    out.flush()
}

/// Runs one dialogue against `store`, reading answers from `input` and writing to `out`, with
/// deadlines counted from the system clock. Returns the last outcome reached, if any.
pub async fn dialogue<R: BufRead, W: Write>(
    store: &Store,
    guidance: &impl Guidance,
    input: &mut R,
    out: &mut W,
) -> io::Result<Option<String>> {
    dialogue_with_clock(store, guidance, input, out, &SystemClock).await
}

/// What one typed line asks for.
enum Step {
    /// Show the current screen again.
    Redraw,
    /// Leave the triage.
    Quit,
    /// Move to another screen without changing the session.
    Go(Screen),
    /// Answer, `back` or `restart` (through [`act`]).
    Act(String),
    /// Change the answer at a position to a value (through [`change`]).
    Change(usize, String),
    /// Not understood here: say what to type.
    Hint(String),
}

fn read_step(typed: &str, view: &SessionView, screen: Screen) -> Step {
    let options = numbered(view, screen);
    let pick = |t: &str| -> Option<String> {
        match t.parse::<usize>() {
            Ok(n) if (1..=options.len()).contains(&n) => Some(options[n - 1].clone()),
            _ => options.iter().find(|o| o.as_str() == t).cloned(),
        }
    };
    match (typed, screen) {
        ("", _) => Step::Redraw,
        ("quit" | "exit" | "/quit" | "/exit" | "q", _) => Step::Quit,
        ("restart" | "/triage", _) => Step::Act("restart".into()),
        ("back" | "b" | "keep" | "k", Screen::Changing(_)) => Step::Go(Screen::Review),
        ("back" | "b", _) => Step::Act("back".into()),
        ("confirm" | "c" | "ok" | "yes" | "y", Screen::Review) => Step::Go(Screen::Summary),
        ("review" | "r", Screen::Summary) => Step::Go(Screen::Review),
        (t, Screen::Review) => match t.parse::<usize>() {
            Ok(n) if (1..=view.review.as_ref().map_or(0, answers_in)).contains(&n) => {
                Step::Go(Screen::Changing(n))
            }
            _ => Step::Hint(HINT_REVIEW.into()),
        },
        (t, Screen::Changing(n)) => match pick(t) {
            Some(v) => Step::Change(n, v),
            None => Step::Hint(format!(
                "Please type a number from 1 to {}, or `keep`.",
                options.len()
            )),
        },
        (t, Screen::Question) => match pick(t) {
            Some(v) => Step::Act(v),
            None => Step::Hint(format!(
                "Please type a number from 1 to {}, `back`, `restart` or `quit`.",
                options.len()
            )),
        },
        ("go on" | "go" | "continue", Screen::Summary) => match go_on(view) {
            Some((n, v)) => Step::Change(n, v),
            None => Step::Hint(HINT_SUMMARY.into()),
        },
        (_, Screen::Summary) if go_on(view).is_some() => Step::Hint(HINT_SUMMARY_GO_ON.into()),
        (_, Screen::Summary) => Step::Hint(HINT_SUMMARY.into()),
    }
}

/// How many answers a review lists (one Change button each).
fn answers_in(review: &crate::reply::Reply) -> usize {
    review
        .buttons
        .iter()
        .filter(|b| {
            matches!(
                super::review::ReviewAction::parse(&b.action),
                Ok(super::review::ReviewAction::Change(_))
            )
        })
        .count()
}

/// The screen a view opens on: the review once an outcome is reached, else the question.
fn screen_of(view: &SessionView) -> Screen {
    if view.finished {
        Screen::Review
    } else {
        Screen::Question
    }
}

/// [`dialogue`] with deadlines counted from `clock`.
pub async fn dialogue_with_clock<R: BufRead, W: Write>(
    store: &Store,
    guidance: &impl Guidance,
    input: &mut R,
    out: &mut W,
    clock: &dyn Clock,
) -> io::Result<Option<String>> {
    dialogue_from(
        store,
        guidance,
        &super::engine::Path::new(),
        input,
        out,
        clock,
    )
    .await
}

/// Gives `prefill`'s answers to a new session, in order, through [`act`]: only those that fit
/// the tree from its first question (each answers the question the walk has reached); the rest
/// are named and the dialogue asks from there.
async fn give<W: Write>(
    store: &Store,
    guidance: &impl Guidance,
    mut view: SessionView,
    prefill: &super::engine::Path,
    out: &mut W,
) -> io::Result<SessionView> {
    let fitting = super::engine::replay(guidance.tree(), prefill);
    if fitting.dropped > 0 {
        writeln!(
            out,
            "{} of the answers given do not fit the questions in order, so the triage asks from there.",
            fitting.dropped
        )?;
    }
    for a in &fitting.path.0 {
        let at = view.step;
        match act(
            store,
            guidance,
            &view.session_id,
            at,
            &a.value,
            CONSOLE_OWNER,
        )
        .await
        {
            Ok(v) if v.step > at => view = v,
            Ok(v) => {
                view = v;
                break;
            }
            Err(e) => {
                writeln!(out, "`{}={}` was not used: {e}", a.question, a.value)?;
                break;
            }
        }
    }
    Ok(view)
}

/// [`dialogue_with_clock`] with `prefill`'s answers given first, each through [`act`] as if
/// typed, so they are checked like any answer.
pub async fn dialogue_from<R: BufRead, W: Write>(
    store: &Store,
    guidance: &impl Guidance,
    prefill: &super::engine::Path,
    input: &mut R,
    out: &mut W,
    clock: &dyn Clock,
) -> io::Result<Option<String>> {
    let view = match start(store, guidance, CONSOLE_OWNER).await {
        Ok(v) => v,
        Err(e) => {
            writeln!(out, "{e}")?;
            return Ok(None);
        }
    };
    let mut view = give(store, guidance, view, prefill, out).await?;
    let mut screen = screen_of(&view);
    show(out, guidance, &view, screen, clock)?;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            break;
        }
        let typed = line.trim().to_ascii_lowercase();
        let step = read_step(&typed, &view, screen);
        let result = match &step {
            Step::Redraw => {
                show(out, guidance, &view, screen, clock)?;
                continue;
            }
            Step::Quit => break,
            Step::Hint(h) => {
                writeln!(out, "{h}")?;
                prompt(out)?;
                continue;
            }
            Step::Go(Screen::Changing(n)) => {
                change_prompt(store, guidance, &view.session_id, *n).await
            }
            // Leaving a change unchanged: redraw from the store (the view holds the question).
            Step::Go(_) if matches!(screen, Screen::Changing(_)) => {
                super::view(store, guidance, &view.session_id).await
            }
            Step::Go(next) => {
                screen = *next;
                show(out, guidance, &view, screen, clock)?;
                continue;
            }
            Step::Act(action) => {
                act(
                    store,
                    guidance,
                    &view.session_id,
                    view.step,
                    action,
                    CONSOLE_OWNER,
                )
                .await
            }
            Step::Change(n, value) => {
                change(
                    store,
                    guidance,
                    &view.session_id,
                    view.step,
                    *n,
                    value,
                    CONSOLE_OWNER,
                )
                .await
            }
        };
        match result {
            Ok(v) => {
                screen = match step {
                    Step::Go(s) => s,
                    _ => screen_of(&v),
                };
                view = v;
                show(out, guidance, &view, screen, clock)?;
            }
            Err(e @ TriageError::InvalidAction(_)) => {
                writeln!(out, "{e}")?;
                prompt(out)?;
            }
            Err(e) => {
                writeln!(out, "{e}")?;
                return Ok(view.outcome);
            }
        }
    }
    writeln!(out, "Left the triage.")?;
    Ok(view.outcome)
}
