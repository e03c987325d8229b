//! The custom_id of every button the bot sends, and how a click's id is read back. It is its
//! own module, with nothing of serenity in it, because three places need the format — the
//! renderer that makes buttons, the router that answers clicks and the log span that names the
//! route — and none of them should depend on another to get it.
//!
//! Everything a button needs is in its id or in the session store, never in an in-memory
//! collector, so buttons keep working after the bot restarts:
//!
//! - `post:{command}` — "Post to channel": post the embeds of the (private) message the button is
//!   attached to, which Discord sends with every click. The query is never in the id: it may be
//!   300 characters long (a custom_id holds 100) and a practitioner's description of a situation
//!   should not travel in ids, which are logged. A long answer split over several messages has
//!   the button on each, `post:{command}:part:{k}:{n}`, so every part can be shared.
//! - `post:{command}:{query}` — the form before queries left the id (an answer still open in
//!   someone's client): re-runs that query publicly, as it always did.
//! - `tr:{session_id}:{step}:{action}` — answer step `step` of a triage session.
//! - `trmap:{session_id}` — "Show the path": the triage map with the path the session's answers
//!   took (its owner only).
//! - `trrec:{session_id}` — "Save record": the session's decision record as a Markdown file (its
//!   owner only).
//! - `rm:offer:{session_id}:{step}:{deadline}` — "Remind me" on a triage summary (at `step`)
//!   for the outcome's deadline number `deadline`: shows the reminder times.
//! - `rm:at:{session_id}:{step}:{deadline}:{minutes}` — set that reminder `minutes` before the
//!   deadline.
//! - `rm:{reminder_id}:{done|again|stop}` — the practitioner's answer to a reminder.
//! - `sit:{choices}` — "Check it in /triage" under a free-text answer that read a situation:
//!   a triage with those answers given (`choices`: answer positions such as `1.1.0`, never text).
//!
//! "Check your answers" needs no route of its own: its buttons are triage buttons whose action
//! is a review action (`tr:{session_id}:{step}:rv:confirm`, `…:rv:change:N`, `…:rv:set:N:value`,
//! `…:rv:show`; see [`crate::triage::review::ReviewAction`]), at most 89 characters.
//!
//! Anything else is [`Route::Unknown`].

use crate::commands::Command;
use crate::triage::reminder::ReminderAction;

/// The longest custom_id Discord accepts.
pub const CUSTOM_ID_MAX: usize = 100;

/// What a custom_id asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route<'a> {
    /// Post the message the button is attached to (part `part` of `parts`) to the channel.
    Post {
        /// The command that answered.
        command: Command,
        /// Which message of the answer (1-based).
        part: u32,
        /// How many messages the answer has.
        parts: u32,
    },
    /// A "Post to channel" button from before queries left the id: re-run the query publicly.
    LegacyPost {
        /// The command to re-run.
        command: Command,
        /// Its query.
        query: &'a str,
    },
    /// A triage answer.
    Triage {
        /// Session id.
        session: &'a str,
        /// The step the button was shown at.
        step: u32,
        /// The answer value, `back` or `restart`.
        action: &'a str,
    },
    /// "Show the path" on a triage summary.
    TriageMap {
        /// Session id.
        session: &'a str,
    },
    /// "Save record" on a triage summary.
    TriageRecord {
        /// Session id.
        session: &'a str,
    },
    /// "Remind me" on a triage summary: show the reminder times for one deadline.
    RemindOffer {
        /// Session id.
        session: &'a str,
        /// The step the summary was shown at.
        step: u32,
        /// Which of the outcome's deadlines (0-based).
        deadline: u32,
    },
    /// Set a reminder `before_minutes` before one deadline of a triage outcome.
    RemindAt {
        /// Session id.
        session: &'a str,
        /// The step the summary was shown at.
        step: u32,
        /// Which of the outcome's deadlines (0-based).
        deadline: u32,
        /// Minutes before the deadline.
        before_minutes: u32,
    },
    /// An answer to a reminder.
    Reminder {
        /// Reminder id.
        reminder: &'a str,
        /// Done, Not yet or Stop.
        action: ReminderAction,
    },
    /// "Check it in /triage": open a dialogue with these answers given.
    Situation {
        /// Answer positions from the first question (`1.1.0`).
        choices: &'a str,
    },
    /// Not ours, or from an incompatible version.
    Unknown,
}

/// The custom_id of the "Post to channel" button on message `part` of an answer of `parts`
/// messages. It names the command only: what is posted is the message the button sits on.
pub fn post_id(command: Command, part: u32, parts: u32) -> String {
    if parts <= 1 {
        format!("post:{}", command.name())
    } else {
        format!("post:{}:part:{part}:{parts}", command.name())
    }
}

/// The custom_id of the "Check it in /triage" button under a situation read from free text.
pub fn situation_id(choices: &str) -> String {
    format!("sit:{choices}")
}

/// The custom_id of a triage button.
pub fn triage_id(session: &str, step: u32, action: &str) -> String {
    format!("tr:{session}:{step}:{action}")
}

/// The custom_id of the "Show the path" button on a triage summary.
pub fn triage_map_id(session: &str) -> String {
    format!("trmap:{session}")
}

/// The custom_id of the "Save record" button on a triage summary.
pub fn triage_record_id(session: &str) -> String {
    format!("trrec:{session}")
}

/// The custom_id of the "Remind me" button for deadline `deadline` of a summary at `step`.
pub fn remind_offer_id(session: &str, step: u32, deadline: u32) -> String {
    format!("rm:offer:{session}:{step}:{deadline}")
}

/// The custom_id of a reminder-time button.
pub fn remind_at_id(session: &str, step: u32, deadline: u32, before_minutes: u32) -> String {
    format!("rm:at:{session}:{step}:{deadline}:{before_minutes}")
}

/// The custom_id of an answer button on a reminder.
pub fn reminder_id(reminder: &str, action: ReminderAction) -> String {
    format!("rm:{reminder}:{}", action.as_str())
}

/// `rm:…`, or `None` when malformed.
fn parse_reminder(rest: &str) -> Option<Route<'_>> {
    let parts: Vec<&str> = rest.split(':').collect();
    let num = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        ["offer", session, step, deadline] if !session.is_empty() => Some(Route::RemindOffer {
            session,
            step: num(step)?,
            deadline: num(deadline)?,
        }),
        ["at", session, step, deadline, minutes] if !session.is_empty() => Some(Route::RemindAt {
            session,
            step: num(step)?,
            deadline: num(deadline)?,
            before_minutes: num(minutes)?,
        }),
        [reminder, action] if !reminder.is_empty() => Some(Route::Reminder {
            reminder,
            action: ReminderAction::parse(action)?,
        }),
        _ => None,
    }
}

/// Parses a custom_id.
pub fn parse(custom_id: &str) -> Route<'_> {
    if let Some(session) = custom_id.strip_prefix("trrec:") {
        if !session.is_empty() && !session.contains(':') {
            return Route::TriageRecord { session };
        }
        return Route::Unknown;
    }
    if let Some(session) = custom_id.strip_prefix("trmap:") {
        if !session.is_empty() && !session.contains(':') {
            return Route::TriageMap { session };
        }
        return Route::Unknown;
    }
    if let Some(choices) = custom_id.strip_prefix("sit:") {
        if choices.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Route::Situation { choices };
        }
        return Route::Unknown;
    }
    if let Some(rest) = custom_id.strip_prefix("rm:") {
        return parse_reminder(rest).unwrap_or(Route::Unknown);
    }
    if let Some(rest) = custom_id.strip_prefix("post:") {
        let (name, tail) = match rest.split_once(':') {
            Some((name, tail)) => (name, Some(tail)),
            None => (rest, None),
        };
        let Some(command) = Command::parse(name)
            .filter(|c| c.name() == name)
            .filter(|c| !matches!(c, Command::Triage | Command::Reload))
        else {
            return Route::Unknown;
        };
        return match tail {
            None => Route::Post {
                command,
                part: 1,
                parts: 1,
            },
            Some(tail) => match parse_part(tail) {
                Some((part, parts)) => Route::Post {
                    command,
                    part,
                    parts,
                },
                None => Route::LegacyPost {
                    command,
                    query: tail,
                },
            },
        };
    }
    if let Some(rest) = custom_id.strip_prefix("tr:") {
        let mut parts = rest.splitn(3, ':');
        if let (Some(session), Some(step), Some(action)) =
            (parts.next(), parts.next(), parts.next())
        {
            if let Ok(step) = step.parse::<u32>() {
                if !session.is_empty() && !action.is_empty() {
                    return Route::Triage {
                        session,
                        step,
                        action,
                    };
                }
            }
        }
    }
    Route::Unknown
}

/// `part:{k}:{n}` with 1 ≤ k ≤ n.
fn parse_part(tail: &str) -> Option<(u32, u32)> {
    let (k, n) = tail.strip_prefix("part:")?.split_once(':')?;
    let (k, n) = (k.parse::<u32>().ok()?, n.parse::<u32>().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        assert_eq!(post_id(Command::WhoCall, 1, 1), "post:whocall");
        assert_eq!(
            parse(&post_id(Command::WhoCall, 1, 1)),
            Route::Post {
                command: Command::WhoCall,
                part: 1,
                parts: 1
            }
        );
        assert_eq!(
            parse(&post_id(Command::Search, 2, 3)),
            Route::Post {
                command: Command::Search,
                part: 2,
                parts: 3
            }
        );
        let id = triage_id("0b5c9a1e-2f4d-4c1a-9e8b-7d6f5a4b3c2d", 3, "sexual_images");
        assert!(id.len() <= CUSTOM_ID_MAX);
        assert_eq!(
            parse(&id),
            Route::Triage {
                session: "0b5c9a1e-2f4d-4c1a-9e8b-7d6f5a4b3c2d",
                step: 3,
                action: "sexual_images"
            }
        );
        assert_eq!(parse("tr:abc:x:yes"), Route::Unknown);
        assert_eq!(parse("post:reload"), Route::Unknown);
        assert_eq!(parse("post:reload:"), Route::Unknown);
        assert_eq!(parse("post:who:x"), Route::Unknown);
        assert_eq!(parse("post:"), Route::Unknown);
        assert_eq!(parse("something-else"), Route::Unknown);
    }

    #[test]
    fn reminder_ids_round_trip_and_fit() {
        let session = "0123456789abcdef0123456789abcdef";
        let id = remind_at_id(session, u32::MAX, 9, 120);
        assert!(id.len() <= CUSTOM_ID_MAX, "{id}");
        assert_eq!(
            parse(&id),
            Route::RemindAt {
                session,
                step: u32::MAX,
                deadline: 9,
                before_minutes: 120
            }
        );
        assert_eq!(
            parse(&remind_offer_id(session, 7, 0)),
            Route::RemindOffer {
                session,
                step: 7,
                deadline: 0
            }
        );
        for action in [
            ReminderAction::Done,
            ReminderAction::NotYet,
            ReminderAction::Stop,
        ] {
            let id = reminder_id(session, action);
            assert!(id.len() <= CUSTOM_ID_MAX);
            assert_eq!(
                parse(&id),
                Route::Reminder {
                    reminder: session,
                    action
                }
            );
        }
        for bad in [
            "rm:",
            "rm:x:snooze",
            "rm::done",
            "rm:offer:s:x:0",
            "rm:at:s:1:0",
            "rm:a:b:c",
        ] {
            assert_eq!(parse(bad), Route::Unknown, "{bad}");
        }
    }

    #[test]
    fn ids_never_carry_the_query_and_always_fit() {
        for command in [
            Command::WhoCall,
            Command::Threshold,
            Command::Offence,
            Command::Search,
            Command::Help,
        ] {
            for parts in 1..=12 {
                for part in 1..=parts {
                    let id = post_id(command, part, parts);
                    assert!(id.chars().count() <= CUSTOM_ID_MAX, "{id}");
                    assert_eq!(
                        parse(&id),
                        Route::Post {
                            command,
                            part,
                            parts
                        }
                    );
                }
            }
        }
    }

    #[test]
    fn ids_from_before_queries_left_the_id_still_route() {
        // `post:{command}:{query}`, as sent by earlier versions (the query may hold colons).
        assert_eq!(
            parse("post:whocall:child: in danger"),
            Route::LegacyPost {
                command: Command::WhoCall,
                query: "child: in danger"
            }
        );
        assert_eq!(
            parse("post:help:"),
            Route::LegacyPost {
                command: Command::Help,
                query: ""
            }
        );
        // A query that looks like a part marker but is not a valid one stays a query.
        assert_eq!(
            parse("post:search:part:3:2"),
            Route::LegacyPost {
                command: Command::Search,
                query: "part:3:2"
            }
        );
    }

    #[test]
    fn show_the_path_ids_route_to_their_session() {
        let session = "0123456789abcdef0123456789abcdef";
        let id = triage_map_id(session);
        assert!(id.len() <= CUSTOM_ID_MAX);
        assert_eq!(parse(&id), Route::TriageMap { session });
        // Not a triage answer, and nothing else is read as one.
        assert_eq!(parse("trmap:"), Route::Unknown);
        assert_eq!(parse("trmap:a:b"), Route::Unknown);
        assert!(matches!(
            parse(&triage_id(session, 3, "yes")),
            Route::Triage { .. }
        ));
    }

    #[test]
    fn save_record_ids_route_to_their_session() {
        let session = "0123456789abcdef0123456789abcdef";
        let id = triage_record_id(session);
        assert!(id.len() <= CUSTOM_ID_MAX);
        assert_eq!(parse(&id), Route::TriageRecord { session });
        assert_eq!(parse("trrec:"), Route::Unknown);
        assert_eq!(parse("trrec:a:b"), Route::Unknown);
        assert_ne!(
            parse(&triage_map_id(session)),
            Route::TriageRecord { session }
        );
    }

    #[test]
    fn review_actions_travel_in_triage_ids() {
        let session = "0123456789abcdef0123456789abcdef";
        let id = triage_id(session, u32::MAX, "rv:set:12:sexual_images");
        assert!(id.len() <= CUSTOM_ID_MAX);
        assert_eq!(
            parse(&id),
            Route::Triage {
                session,
                step: u32::MAX,
                action: "rv:set:12:sexual_images"
            }
        );
    }
}
