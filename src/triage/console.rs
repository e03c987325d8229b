//! The triage dialogue in a terminal (`safeguarding-bot console`, then `/triage`): the same
//! engine, store and replies as the chat, with numbered answers instead of buttons. Generic over
//! the input and output so tests can drive it with a script.

use std::io::{self, BufRead, Write};

use super::Guidance;
use super::{act, start, SessionView, Store, TriageError};
use crate::reply::ReplyKind;

/// The owner id console sessions are stored under.
const CONSOLE_OWNER: &str = "console";

const HINT_QUESTION: &str =
    "Type the number of your answer, `back`, `restart`, or `quit` to leave the triage.";
const HINT_SUMMARY: &str =
    "Type `back` to change your last answer, `restart`, or `quit` to leave the triage.";

/// Runs one dialogue to the end of the input or until `quit`, with a private in-memory store.
/// Returns the last outcome reached, if any. Must not be called from inside a Tokio runtime (it
/// starts its own); async callers use [`dialogue`].
pub fn run_dialogue<R: BufRead, W: Write>(
    guidance: &impl Guidance,
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
        let result = dialogue(&store, guidance, input, out).await;
        store.close().await;
        result
    })
}

fn show<W: Write>(out: &mut W, view: &SessionView) -> io::Result<()> {
    // Number only the answers; Back and Restart are typed as words.
    let mut reply = view.reply.clone();
    reply
        .buttons
        .retain(|b| b.action != "back" && b.action != "restart");
    writeln!(out, "{}", crate::console::render_text(&reply))?;
    let hint = if view.reply.kind == ReplyKind::TriageSummary {
        HINT_SUMMARY
    } else {
        HINT_QUESTION
    };
    writeln!(out, "{hint}")?;
    write!(out, "triage> ")?;
    out.flush()
}

/// Runs one dialogue against `store`, reading answers from `input` and writing to `out`.
/// Returns the last outcome reached, if any.
pub async fn dialogue<R: BufRead, W: Write>(
    store: &Store,
    guidance: &impl Guidance,
    input: &mut R,
    out: &mut W,
) -> io::Result<Option<String>> {
    let mut view = match start(store, guidance, CONSOLE_OWNER).await {
        Ok(v) => v,
        Err(e) => {
            writeln!(out, "{e}")?;
            return Ok(None);
        }
    };
    show(out, &view)?;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            writeln!(out)?;
            break;
        }
        let typed = line.trim().to_ascii_lowercase();
        let action = match typed.as_str() {
            "" => {
                show(out, &view)?;
                continue;
            }
            "quit" | "exit" | "/quit" | "/exit" | "q" => break,
            "back" | "b" => "back".to_string(),
            "restart" | "/triage" => "restart".to_string(),
            t => {
                let answers: Vec<&str> = view
                    .reply
                    .buttons
                    .iter()
                    .filter(|b| b.action != "back" && b.action != "restart")
                    .map(|b| b.action.as_str())
                    .collect();
                match t.parse::<usize>() {
                    Ok(n) if (1..=answers.len()).contains(&n) => answers[n - 1].to_string(),
                    _ if answers.contains(&t) => t.to_string(),
                    _ => {
                        if answers.is_empty() {
                            writeln!(out, "{HINT_SUMMARY}")?;
                        } else {
                            writeln!(
                                out,
                                "Please type a number from 1 to {}, `back`, `restart` or `quit`.",
                                answers.len()
                            )?;
                        }
                        write!(out, "triage> ")?;
                        out.flush()?;
                        continue;
                    }
                }
            }
        };
        match act(
            store,
            guidance,
            &view.session_id,
            view.step,
            &action,
            CONSOLE_OWNER,
        )
        .await
        {
            Ok(v) => {
                view = v;
                show(out, &view)?;
            }
            Err(e @ TriageError::InvalidAction(_)) => {
                writeln!(out, "{e}")?;
                write!(out, "triage> ")?;
                out.flush()?;
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
