//! Button clicks: each click's custom_id (format in [`custom_id`](super::custom_id)) is routed
//! to what it asks for — post an answer to the channel, answer a triage step, check the answers,
//! show the path, save the record, set or answer a reminder — and anything else gets a clear
//! private message instead of Discord's "interaction failed".

use ::serenity::all as serenity;

use super::custom_id::{parse, Route};
use super::instrument::{set_outcome, Outcome};
use super::render::{self, private_note, MessageOut};
use super::respond::Responder;
use super::{Data, Error};
use crate::commands::{self, Command};
use crate::reply::EMERGENCY_LINE;

/// Handles one button click.
pub async fn handle(
    ctx: &Responder,
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
        } if action.starts_with(crate::triage::review::PREFIX) => {
            super::review::click(ctx, data, c, session, step, action).await
        }
        Route::Triage {
            session,
            step,
            action,
        } => super::triage::click(ctx, data, c, session, step, action).await,
        Route::TriageMap { session } => super::map::show_path(ctx, data, c, session).await,
        Route::TriageRecord { session } => super::record::save(ctx, data, c, session).await,
        Route::RemindOffer {
            session,
            step,
            deadline,
        } => super::reminders::offer(ctx, data, c, session, step, deadline).await,
        Route::RemindAt {
            session,
            step,
            deadline,
            before_minutes,
        } => super::reminders::set(ctx, data, c, (session, step, deadline), before_minutes).await,
        Route::Reminder { reminder, action } => {
            super::reminders::answer(ctx, data, c, reminder, action).await
        }
        Route::Situation { choices } => super::triage::start_prefilled(ctx, data, c, choices).await,
        Route::Unknown => {
            set_outcome(Outcome::UnknownButton);
            tracing::info!(user_id = %c.user.id, "unknown button");
            ctx.respond(private_note("This button is not recognised (it may come from an older version of the bot). Run the command again, or start a new /triage.",
            ))
            .await
            .map_err(Into::into)
        }
    }
}

/// Posts the embeds of the message the button is attached to, publicly, with who shared it.
async fn post_message(
    ctx: &Responder,
    c: &serenity::ComponentInteraction,
    command: Command,
    part: u32,
    parts: u32,
) -> Result<(), Error> {
    let messages = shared_messages(&c.message.embeds, c.user.id.get(), command, part, parts);
    let mut it = messages.iter();
    let Some(first) = it.next() else {
        set_outcome(Outcome::Stale);
        tracing::info!(command = command.name(), user_id = %c.user.id, "nothing to post");
        return ctx
            .respond(private_note(&format!(
                "There is nothing to post from this message. Run /{} again and press its button.",
                command.name()
            )))
            .await
            .map_err(Into::into);
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
    ctx: &Responder,
    c: &serenity::ComponentInteraction,
    first: &MessageOut,
    rest: impl Iterator<Item = &'m MessageOut>,
) -> Result<(), Error> {
    ctx.respond(serenity::CreateInteractionResponse::Message(
        first.to_interaction(false),
    ))
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
    ctx: &Responder,
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

#[cfg(test)]
mod tests {
    use super::*;

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
