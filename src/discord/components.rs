//! Button clicks, routed by a stable custom_id pattern. Everything a button needs is in its id or
//! in the session store, never in an in-memory collector, so buttons keep working after the bot
//! restarts (the most common complaint about Discord bots):
//!
//! - `post:{command}:{query}` — "Post to channel": re-run the command publicly.
//! - `tr:{session_id}:{step}:{action}` — answer step `step` of a triage session.
//!
//! Anything else gets a clear private message instead of Discord's "interaction failed".

use poise::serenity_prelude as serenity;

use super::render::{self};
use super::{Data, Error};
use crate::commands::{self, Command};

/// What a custom_id asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route<'a> {
    /// Post a command's answer to the channel.
    Post {
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

/// The custom_id of a "Post to channel" button.
pub fn post_id(command: Command, query: &str) -> String {
    format!("post:{}:{}", command.name(), query)
}

/// The custom_id of a triage button.
pub fn triage_id(session: &str, step: u32, action: &str) -> String {
    format!("tr:{session}:{step}:{action}")
}

/// Parses a custom_id.
pub fn parse(custom_id: &str) -> Route<'_> {
    if let Some(rest) = custom_id.strip_prefix("post:") {
        if let Some((name, query)) = rest.split_once(':') {
            if let Some(command) = Command::parse(name).filter(|c| c.name() == name) {
                if !matches!(command, Command::Triage | Command::Reload) {
                    return Route::Post { command, query };
                }
            }
        }
        return Route::Unknown;
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

/// Handles one button click.
pub async fn handle(
    ctx: &serenity::Context,
    data: &Data,
    c: &serenity::ComponentInteraction,
) -> Result<(), Error> {
    match parse(&c.data.custom_id) {
        Route::Post { command, query } => post(ctx, data, c, command, query).await,
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

/// Re-runs the command against the live knowledge and posts the answer publicly.
async fn post(
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
        c.create_response(
            &ctx.http,
            serenity::CreateInteractionResponse::Message(first.to_interaction(false)),
        )
        .await?;
    }
    for m in it {
        c.create_followup(&ctx.http, m.to_followup(false)).await?;
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
        let id = post_id(Command::WhoCall, "child: in danger");
        assert_eq!(
            parse(&id),
            Route::Post {
                command: Command::WhoCall,
                query: "child: in danger"
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
        assert_eq!(parse("post:reload:"), Route::Unknown);
        assert_eq!(parse("post:who:x"), Route::Unknown);
        assert_eq!(parse("something-else"), Route::Unknown);
        // The longest query a text option accepts still fits in a custom_id.
        let longest = post_id(Command::Threshold, &"é".repeat(80));
        assert!(longest.chars().count() <= render::CUSTOM_ID_MAX);
    }
}
