//! Button clicks, routed by a stable custom_id pattern. Everything a button needs is in its id or
//! in the session store, never in an in-memory collector, so buttons keep working after the bot
//! restarts (the most common complaint about Discord bots):
//!
//! - `post:{command}` — "Post to channel": post the embeds of the (private) message the button is
//!   attached to, which Discord sends with every click. The query is never in the id: it may be
//!   300 characters long (a custom_id holds 100) and a practitioner's description of a situation
//!   should not travel in ids, which are logged. A long answer split over several messages has
//!   the button on each, `post:{command}:part:{k}:{n}`, so every part can be shared.
//! - `post:{command}:{query}` — the form before queries left the id (an answer still open in
//!   someone's client): re-runs that query publicly, as it always did.
//! - `tr:{session_id}:{step}:{action}` — answer step `step` of a triage session.
//!
//! Anything else gets a clear private message instead of Discord's "interaction failed".

use poise::serenity_prelude as serenity;

use super::render::{self, MessageOut};
use super::{Data, Error};
use crate::commands::{self, Command};
use crate::reply::EMERGENCY_LINE;

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

/// The custom_id of a triage button.
pub fn triage_id(session: &str, step: u32, action: &str) -> String {
    format!("tr:{session}:{step}:{action}")
}

/// Parses a custom_id.
pub fn parse(custom_id: &str) -> Route<'_> {
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

/// Handles one button click.
pub async fn handle(
    ctx: &serenity::Context,
    data: &Data,
    c: &serenity::ComponentInteraction,
) -> Result<(), Error> {
    match parse(&c.data.custom_id) {
        Route::Post {
            command,
            part,
            parts,
        } => post_message(ctx, c, command, part, parts).await,
        Route::LegacyPost { command, query } => rerun(ctx, data, c, command, query).await,
        Route::Triage {
            session,
            step,
            action,
        } => super::triage::click(ctx, data, c, session, step, action).await,
        Route::Unknown => {
            super::instrument::set_outcome("unknown_button");
            tracing::info!(user_id = %c.user.id, "unknown button");
            private_note(
                ctx,
                c,
                "This button is not recognised (it may come from an older version of the bot). Run the command again, or start a new /triage.",
            )
            .await
        }
    }
}

/// Posts the embeds of the message the button is attached to, publicly, with who shared it.
async fn post_message(
    ctx: &serenity::Context,
    c: &serenity::ComponentInteraction,
    command: Command,
    part: u32,
    parts: u32,
) -> Result<(), Error> {
    let messages = shared_messages(&c.message.embeds, c.user.id.get(), command, part, parts);
    let mut it = messages.iter();
    let Some(first) = it.next() else {
        super::instrument::set_outcome("stale");
        tracing::info!(command = command.name(), user_id = %c.user.id, "nothing to post");
        return private_note(
            ctx,
            c,
            &format!(
                "There is nothing to post from this message. Run /{} again and press its button.",
                command.name()
            ),
        )
        .await;
    };
    send_public(ctx, c, first, it).await?;
    tracing::info!(
        command = command.name(),
        user_id = %c.user.id,
        part,
        parts,
        "answer posted to channel"
    );
    Ok(())
}

/// Answers the click publicly with `first`, then posts `rest` as follow-ups.
async fn send_public<'m>(
    ctx: &serenity::Context,
    c: &serenity::ComponentInteraction,
    first: &MessageOut,
    rest: impl Iterator<Item = &'m MessageOut>,
) -> Result<(), Error> {
    c.create_response(
        &ctx.http,
        serenity::CreateInteractionResponse::Message(first.to_interaction(false)),
    )
    .await?;
    for m in rest {
        c.create_followup(&ctx.http, m.to_followup(false)).await?;
    }
    Ok(())
}

/// The public copy of one private answer message: its embeds (re-checked against Discord's
/// limits, without buttons) and a first line saying who shared it. A later part of a long answer
/// repeats the emergency line that the first part carries. Empty when the message has no embeds.
pub fn shared_messages(
    embeds: &[serenity::Embed],
    user_id: u64,
    command: Command,
    part: u32,
    parts: u32,
) -> Vec<MessageOut> {
    let mut messages = render::rebuild(embeds);
    if let Some(first) = messages.first_mut() {
        let mut content = format!("Shared by <@{user_id}> from /{}", command.name());
        if parts > 1 {
            content.push_str(&format!(" (part {part} of {parts})"));
            if part > 1 {
                content.push_str(&format!("\n🚨 **{EMERGENCY_LINE}**"));
            }
        }
        first.content = Some(render::truncate(&content, render::CONTENT_MAX));
    }
    messages
}

/// Re-runs the command against the live knowledge and posts the answer publicly (buttons from
/// before queries left the id).
async fn rerun(
    ctx: &serenity::Context,
    data: &Data,
    c: &serenity::ComponentInteraction,
    command: Command,
    query: &str,
) -> Result<(), Error> {
    let reply = commands::run(&data.live.current(), command, query);
    let mut messages = render::render(&reply);
    if let Some(first) = messages.first_mut() {
        first.content = Some(render::truncate(
            &format!("Shared by <@{}> from /{}", c.user.id, command.name()),
            render::CONTENT_MAX,
        ));
    }
    let mut it = messages.iter();
    if let Some(first) = it.next() {
        send_public(ctx, c, first, it).await?;
    }
    tracing::info!(command = command.name(), user_id = %c.user.id, "answer posted to channel");
    Ok(())
}

/// Answers a click with a message only the clicker sees.
pub async fn private_note(
    ctx: &serenity::Context,
    c: &serenity::ComponentInteraction,
    text: &str,
) -> Result<(), Error> {
    c.create_response(
        &ctx.http,
        serenity::CreateInteractionResponse::Message(
            serenity::CreateInteractionResponseMessage::new()
                .content(render::truncate(text, render::CONTENT_MAX))
                .ephemeral(true),
        ),
    )
    .await?;
    Ok(())
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
        assert!(id.len() <= render::CUSTOM_ID_MAX);
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
                    assert!(id.chars().count() <= render::CUSTOM_ID_MAX, "{id}");
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

    fn embed(title: &str, description: &str) -> serenity::Embed {
        serde_json::from_value(serde_json::json!({
            "type": "rich",
            "title": title,
            "description": description,
            "color": 0x2b6cb0,
            "fields": [{"name": "Phone", "value": "999", "inline": true}],
            "footer": {"text": "Next: /triage"}
        }))
        .expect("embed deserialises")
    }

    #[test]
    fn the_shared_copy_is_the_message_as_seen_with_attribution() {
        let seen = [
            embed("Contacts for \"x\"", "🚨 call 999"),
            embed("1. Police", ""),
        ];
        let out = shared_messages(&seen, 42, Command::WhoCall, 1, 1);
        assert_eq!(out.len(), 1);
        let m = &out[0];
        assert_eq!(m.content.as_deref(), Some("Shared by <@42> from /whocall"));
        assert!(m.buttons.is_empty(), "no button on the public copy");
        assert_eq!(m.embeds.len(), 2);
        assert_eq!(m.embeds[0].title.as_deref(), Some("Contacts for \"x\""));
        assert_eq!(m.embeds[0].description.as_deref(), Some("🚨 call 999"));
        assert_eq!(m.embeds[0].fields[0].value, "999");
        assert!(m.embeds[0].fields[0].inline);
        assert_eq!(m.embeds[1].footer.as_deref(), Some("Next: /triage"));
        assert_eq!(m.embeds[1].colour, 0x2b6cb0);

        let later = shared_messages(&seen, 42, Command::Search, 2, 3);
        let content = later[0].content.as_deref().unwrap();
        assert!(content.starts_with("Shared by <@42> from /search (part 2 of 3)"));
        assert!(content.contains(EMERGENCY_LINE), "{content}");
        let first = shared_messages(&seen, 42, Command::Search, 1, 3);
        assert!(!first[0]
            .content
            .as_deref()
            .unwrap()
            .contains(EMERGENCY_LINE));

        assert!(shared_messages(&[], 42, Command::Search, 1, 1).is_empty());
    }

    #[test]
    fn an_oversized_received_message_is_brought_within_limits() {
        let big = embed(&"t".repeat(400), &"d".repeat(9000));
        let out = shared_messages(&[big.clone(), big], 1, Command::Search, 1, 1);
        assert!(out.len() >= 2, "split over messages");
        for m in &out {
            assert!(m.embed_total() <= render::MESSAGE_EMBED_TOTAL_MAX);
            assert!(m.embeds.len() <= render::EMBEDS_MAX);
            for e in &m.embeds {
                assert!(e.title.as_deref().map_or(0, render::width) <= render::TITLE_MAX);
                assert!(
                    e.description.as_deref().map_or(0, render::width) <= render::DESCRIPTION_MAX
                );
            }
        }
        let text: usize = out
            .iter()
            .flat_map(|m| &m.embeds)
            .map(|e| {
                e.description
                    .as_deref()
                    .map_or(0, |d| d.matches('d').count())
            })
            .sum();
        assert_eq!(text, 18_000, "nothing is lost");
    }
}
