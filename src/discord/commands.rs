//! The slash commands. Each is a thin wrapper: check the rate limit, take the live snapshot, run
//! the transport-neutral command from [`crate::commands`], render the [`Reply`]. Answers come
//! from memory in well under a millisecond, so they are sent directly (no deferral) well inside
//! Discord's 3-second window; only `/reload`, which may fetch over the network, defers.

use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;

use super::custom_id;
use super::instrument::{set_outcome, Outcome};
use super::render::{self, ButtonOut, MessageOut};
use super::{checks, Context, Data, Error};
use crate::commands::{self, Command};
use crate::reply::{ButtonStyle, Reply, ReplyKind, EMERGENCY_LINE};

/// Longest query a text option accepts: room to describe a situation ("I'm a youth worker, one of
/// my lads says a man online is threatening to…"). Discord allows up to 6000; the search reads
/// the first [`crate::search::analyzer::MAX_QUERY_CHARS`]. The query is not carried in any
/// button's custom_id (see [`components`]), so its length is not bound by the id's 100.
pub const QUERY_MAX: u16 = 300;
/// Longest name of an autocomplete choice Discord accepts.
const CHOICE_NAME_MAX: usize = 100;

/// Every command, with descriptions taken from [`Command::description`] (one wording for the
/// console, `/help` and Discord).
pub fn all() -> Vec<poise::Command<Data, Error>> {
    let mut cmds = vec![
        whocall(),
        threshold(),
        offence(),
        search(),
        triage(),
        reload(),
        help(),
    ];
    for c in &mut cmds {
        if let Some(cmd) = Command::parse(&c.name) {
            c.description = Some(cmd.description().into());
        }
    }
    cmds
}

/// Who to call for this situation.
#[poise::command(slash_command)]
async fn whocall(
    ctx: Context<'_>,
    #[description = "The situation, e.g. child in immediate danger (empty: emergency routes)"]
    #[autocomplete = "ac_whocall"]
    #[max_length = 300]
    situation: Option<String>,
) -> Result<(), Error> {
    answer(ctx, Command::WhoCall, situation.as_deref().unwrap_or("")).await
}

/// What response a concern calls for, and how fast.
#[poise::command(slash_command)]
async fn threshold(
    ctx: Context<'_>,
    #[description = "The concern, e.g. nudes shared between pupils"]
    #[autocomplete = "ac_threshold"]
    #[max_length = 300]
    topic: String,
) -> Result<(), Error> {
    answer(ctx, Command::Threshold, &topic).await
}

/// Which laws apply.
#[poise::command(slash_command)]
async fn offence(
    ctx: Context<'_>,
    #[description = "What happened, e.g. adult sending sexual messages to a child"]
    #[autocomplete = "ac_offence"]
    #[max_length = 300]
    query: String,
) -> Result<(), Error> {
    answer(ctx, Command::Offence, &query).await
}

/// Search all of the guidance.
#[poise::command(slash_command)]
async fn search(
    ctx: Context<'_>,
    #[description = "What to look for, e.g. signs of online grooming"]
    #[autocomplete = "ac_search"]
    #[max_length = 300]
    query: String,
) -> Result<(), Error> {
    answer(ctx, Command::Search, &query).await
}

/// What the bot does and which guidance it serves.
#[poise::command(slash_command)]
async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let started = Instant::now();
    let reply = commands::run(&ctx.data().live.current(), Command::Help, "");
    send(ctx, &reply, Some(Command::Help)).await?;
    log_done(ctx, Command::Help, started);
    Ok(())
}

/// The guided referral decision.
#[poise::command(slash_command, guild_only)]
async fn triage(ctx: Context<'_>) -> Result<(), Error> {
    let started = Instant::now();
    if let Err(wait) = ctx.data().limiter.check(ctx.author().id.get()) {
        return limited(ctx, wait).await;
    }
    super::triage::start(ctx).await?;
    log_done(ctx, Command::Triage, started);
    Ok(())
}

/// Reload the guidance (admins only; the bot checks, not only Discord's permission setting).
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn reload(ctx: Context<'_>) -> Result<(), Error> {
    let started = Instant::now();
    let data = ctx.data();
    let user = ctx.author().id.get().to_string();
    let member = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    let outcome = if checks::is_admin(member, &data.settings.discord.admin_role_ids) {
        ctx.defer_ephemeral().await?;
        data.reloader.reload(&user).await
    } else {
        data.reloader.refuse(&user)
    };
    let reply = crate::reload::render(&outcome);
    for m in render::render(&reply) {
        ctx.send(m.to_poise(true)).await?;
    }
    set_outcome(Outcome::Reload(outcome.result()));
    tracing::info!(
        command = "reload",
        user_id = %ctx.author().id,
        result = outcome.result().as_str(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "command answered"
    );
    Ok(())
}

async fn ac_whocall(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    autocomplete(ctx, Command::WhoCall, partial)
}

async fn ac_threshold(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    autocomplete(ctx, Command::Threshold, partial)
}

async fn ac_offence(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    autocomplete(ctx, Command::Offence, partial)
}

async fn ac_search(ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    autocomplete(ctx, Command::Search, partial)
}

/// At most 25 choices, each short enough to be accepted as the option's value.
fn autocomplete(
    ctx: Context<'_>,
    command: Command,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let snapshot = ctx.data().live.current();
    let mut response = serenity::CreateAutocompleteResponse::new();
    for choice in commands::autocomplete(&snapshot, command, partial)
        .into_iter()
        .map(|c| render::truncate(&c, CHOICE_NAME_MAX.min(QUERY_MAX as usize)))
        .take(25)
    {
        response = response.add_string_choice(choice.clone(), choice);
    }
    response
}

/// Runs a query command and sends its answer.
async fn answer(ctx: Context<'_>, command: Command, query: &str) -> Result<(), Error> {
    let started = Instant::now();
    if let Err(wait) = ctx.data().limiter.check(ctx.author().id.get()) {
        return limited(ctx, wait).await;
    }
    let snapshot = ctx.data().live.current();
    let reply = commands::run(&snapshot, command, query);
    send(ctx, &reply, Some(command)).await?;
    log_done(ctx, command, started);
    Ok(())
}

/// Sends a reply (several messages if long). When answers are private, each message gets a
/// "Post to channel" button that posts that message publicly.
pub async fn send(ctx: Context<'_>, reply: &Reply, post: Option<Command>) -> Result<(), Error> {
    let ephemeral = ctx.data().settings.discord.ephemeral;
    let mut messages = render::render(reply);
    if ephemeral && reply.kind != ReplyKind::Error {
        if let Some(command) = post {
            add_post_buttons(&mut messages, command);
        }
    }
    for m in &messages {
        ctx.send(m.to_poise(ephemeral)).await?;
    }
    Ok(())
}

/// Adds a "Post to channel" button to every message of an answer: a click posts the message it
/// is on (Discord sends that message with the click), so nothing typed is carried in the id.
pub fn add_post_buttons(messages: &mut [MessageOut], command: Command) {
    let parts = messages.len() as u32;
    for (i, m) in messages.iter_mut().enumerate() {
        let part = i as u32 + 1;
        let label = if parts > 1 {
            format!("Post part {part} of {parts} to channel")
        } else {
            "Post to channel".to_string()
        };
        let id = custom_id::post_id(command, part, parts);
        if let Some(b) = ButtonOut::new(id, &label, ButtonStyle::Secondary) {
            m.buttons.push(b);
        }
    }
}

async fn limited(ctx: Context<'_>, wait: Duration) -> Result<(), Error> {
    set_outcome(Outcome::RateLimited);
    tracing::info!(user_id = %ctx.author().id, "rate limited");
    let mut r = Reply::new(
        &ctx.command().name,
        "",
        ReplyKind::Error,
        "Too many requests: please wait a moment",
    );
    r.body = format!(
        "You can run {} of these commands a minute; try again in {} s.",
        ctx.data().settings.discord.rate_limit_per_minute,
        wait.as_secs().max(1)
    );
    r.emergency = Some(EMERGENCY_LINE.to_string());
    for m in render::render(&r) {
        ctx.send(m.to_poise(true)).await?;
    }
    Ok(())
}

/// A per-command detail line (the `interaction` span's closing event is the one to watch).
fn log_done(ctx: Context<'_>, command: Command, started: Instant) {
    tracing::debug!(
        command = command.name(),
        user_id = %ctx.author().id,
        guild_id = ?ctx.guild_id().map(|g| g.get()),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "command answered"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::custom_id::{parse, Route};

    #[test]
    fn every_part_of_a_long_answer_gets_its_own_post_button() {
        let mut one = vec![MessageOut::default()];
        add_post_buttons(&mut one, Command::WhoCall);
        assert_eq!(one[0].buttons.len(), 1);
        assert_eq!(one[0].buttons[0].custom_id, "post:whocall");
        assert_eq!(one[0].buttons[0].label, "Post to channel");

        let mut three = vec![MessageOut::default(); 3];
        add_post_buttons(&mut three, Command::Search);
        for (i, m) in three.iter().enumerate() {
            let part = i as u32 + 1;
            assert_eq!(m.buttons.len(), 1);
            assert_eq!(
                m.buttons[0].label,
                format!("Post part {part} of 3 to channel")
            );
            assert_eq!(
                parse(&m.buttons[0].custom_id),
                Route::Post {
                    command: Command::Search,
                    part,
                    parts: 3
                }
            );
        }
    }
}
