//! The slash commands: their registration (names, options, who may see them) and their
//! handlers. Each handler is thin: check the rate limit, take the live snapshot, run the
//! transport-neutral command from [`crate::commands`], render the [`Reply`], answer through the
//! [`Responder`] — the same in gateway and HTTP mode. Answers come from memory in well under a
//! millisecond, so they are sent directly (no deferral) well inside Discord's 3-second window;
//! only `/reload` (which may fetch over the network) and `/triage` (several REST calls) defer.

use std::time::{Duration, Instant};

use ::serenity::all as serenity;

use super::custom_id;
use super::instrument::{set_outcome, Outcome};
use super::render::{self, ButtonOut, MessageOut};
use super::respond::Responder;
use super::{checks, Data, Error};
use crate::commands::{self, Command};
use crate::reload::peers::Peers;
use crate::reload::ReloadResult;
use crate::reply::{ButtonStyle, Field, Reply, ReplyKind, EMERGENCY_LINE};

/// Longest query a text option accepts: room to describe a situation ("I'm a youth worker, one of
/// my lads says a man online is threatening to…"). Discord allows up to 6000; the search reads
/// the first [`crate::search::analyzer::MAX_QUERY_CHARS`]. The query is not carried in any
/// button's custom_id (see [`super::components`]), so its length is not bound by the id's 100.
pub const QUERY_MAX: u16 = 300;
/// Longest name of an autocomplete choice Discord accepts.
const CHOICE_NAME_MAX: usize = 100;

/// The text option each query command takes: (command, option name, description, required).
const QUERY_OPTIONS: [(Command, &str, &str, bool); 4] = [
    (
        Command::WhoCall,
        "situation",
        "The situation, e.g. child in immediate danger (empty: emergency routes)",
        false,
    ),
    (
        Command::Threshold,
        "topic",
        "The concern, e.g. nudes shared between pupils",
        true,
    ),
    (
        Command::Offence,
        "query",
        "What happened, e.g. adult sending sexual messages to a child",
        true,
    ),
    (
        Command::Search,
        "query",
        "What to look for, e.g. signs of online grooming",
        true,
    ),
];

/// Every command as registered with Discord, with descriptions taken from
/// [`Command::description`] (one wording for the console, `/help` and Discord). `/triage` and
/// `/reload` are offered in servers only; `/reload` is hidden from members without Manage Server
/// (which a server admin can change, so the handler checks again).
pub fn definitions() -> Vec<serenity::CreateCommand> {
    let new = |c: Command| serenity::CreateCommand::new(c.name()).description(c.description());
    let mut out: Vec<serenity::CreateCommand> = QUERY_OPTIONS
        .iter()
        .map(|&(command, option, description, required)| {
            new(command).add_option(
                serenity::CreateCommandOption::new(
                    serenity::CommandOptionType::String,
                    option,
                    description,
                )
                .required(required)
                .set_autocomplete(true)
                .max_length(QUERY_MAX),
            )
        })
        .collect();
    let in_servers = || vec![serenity::InteractionContext::Guild];
    out.push(
        new(Command::Triage).contexts(in_servers()).add_option(
            serenity::CreateCommandOption::new(
                serenity::CommandOptionType::Boolean,
                "map",
                "Show the whole decision tree as a flowchart instead of starting a triage",
            )
            .required(false),
        ),
    );
    out.push(
        new(Command::Reload)
            .contexts(in_servers())
            .default_member_permissions(serenity::Permissions::MANAGE_GUILD),
    );
    out.push(new(Command::Help));
    out
}

/// Runs the slash command `i` names. An unknown name (a command registered by an older
/// version) and a server-only command run in a DM get a clear private answer.
pub async fn run(
    r: &Responder,
    data: &Data,
    i: &serenity::CommandInteraction,
) -> Result<(), Error> {
    let Some(command) = Command::parse(&i.data.name) else {
        set_outcome(Outcome::UnknownCommand);
        tracing::warn!(interaction_id = %i.id, "unknown command");
        return note(
            r,
            &format!("This bot does not know that command (it may be out of date in your Discord). Try /help. {EMERGENCY_LINE}"),
        )
        .await;
    };
    if matches!(command, Command::Triage | Command::Reload) && i.guild_id.is_none() {
        set_outcome(Outcome::Refused);
        return note(r, "You cannot run this command in DMs.").await;
    }
    match command {
        Command::Help => {
            let started = Instant::now();
            let reply = commands::run(&data.live.current(), Command::Help, "");
            send(r, data, &reply, Some(Command::Help)).await?;
            log_done(i, Command::Help, started);
            Ok(())
        }
        Command::Triage => triage(r, data, i).await,
        Command::Reload => reload(r, data, i).await,
        query => answer(r, data, i, query, text_option(i).unwrap_or("")).await,
    }
}

/// A private one-line answer (or follow-up, if the interaction was already answered).
async fn note(r: &Responder, text: &str) -> Result<(), Error> {
    r.respond(render::private_note(text))
        .await
        .map_err(Into::into)
}

/// The value of the command's text option, if given.
fn text_option(i: &serenity::CommandInteraction) -> Option<&str> {
    i.data.options.iter().find_map(|o| match &o.value {
        serenity::CommandDataOptionValue::String(s) => Some(s.as_str()),
        _ => None,
    })
}

/// `/triage`, or with `map:True` the whole decision tree drawn.
async fn triage(r: &Responder, data: &Data, i: &serenity::CommandInteraction) -> Result<(), Error> {
    let started = Instant::now();
    if let Err(wait) = data.limiter.check(i.user.id.get()) {
        return limited(r, data, Command::Triage, i, wait).await;
    }
    let map = i.data.options.iter().any(|o| {
        o.name == "map" && matches!(o.value, serenity::CommandDataOptionValue::Boolean(true))
    });
    if map {
        super::map::whole(r, data, i).await?;
    } else {
        super::triage::start(r, data, i).await?;
    }
    log_done(i, Command::Triage, started);
    Ok(())
}

/// `/reload` (admins only; the bot checks, not only Discord's permission setting).
async fn reload(r: &Responder, data: &Data, i: &serenity::CommandInteraction) -> Result<(), Error> {
    let started = Instant::now();
    let user = i.user.id.get().to_string();
    let outcome = if checks::is_admin(i.member.as_deref(), &data.settings.discord.admin_role_ids) {
        r.defer(true).await?;
        data.reloader.reload(&user).await
    } else {
        data.reloader.refuse(&user)
    };
    let mut reply = crate::reload::render(&outcome);
    if let (Some(peers), true) = (&data.peers, outcome.result() != ReloadResult::Refused) {
        reply.fields.push(Field::new(
            "Other processes",
            tell_peers(peers, data, &outcome, &user).await,
        ));
    }
    for m in render::render(&reply) {
        r.send(&m, true).await?;
    }
    set_outcome(Outcome::Reload(outcome.result()));
    tracing::info!(
        command = "reload",
        user_id = %i.user.id,
        result = outcome.result().as_str(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "command answered"
    );
    Ok(())
}

/// Tells the processes sharing the store of a reload done here, and what each answered.
async fn tell_peers(
    peers: &Peers,
    data: &Data,
    outcome: &crate::reload::ReloadOutcome,
    user: &str,
) -> String {
    let request = uuid::Uuid::new_v4().simple().to_string();
    let hash = data.live.current().knowledge.hash.clone();
    let told = async {
        peers.ack(&request, outcome, &data.live).await?;
        peers.announce(&request, &hash, user).await
    };
    if let Err(e) = told.await {
        tracing::error!(error = %e, "cannot tell the other processes of the reload");
        return "Could not reach the shared store to tell the other processes: reload each of them, or restart them.".into();
    }
    let answers = peers.gather(&request, PEERS_WAIT).await;
    crate::reload::peers::describe(&answers, &hash)
}

/// How long `/reload` waits for the other processes' answers (inside the 15 minutes a deferred
/// interaction may take; the admin waits for this).
const PEERS_WAIT: Duration = Duration::from_secs(5);

/// The autocomplete choices for the option being typed: at most 25, each short enough to be
/// accepted as the option's value. Commands without a text option get none.
pub fn autocomplete(
    data: &Data,
    i: &serenity::CommandInteraction,
) -> serenity::CreateAutocompleteResponse {
    let mut response = serenity::CreateAutocompleteResponse::new();
    let (Some(command), Some(focused)) = (Command::parse(&i.data.name), i.data.autocomplete())
    else {
        return response;
    };
    if !QUERY_OPTIONS.iter().any(|(c, _, _, _)| *c == command) {
        return response;
    }
    let snapshot = data.live.current();
    for choice in commands::autocomplete(&snapshot, command, focused.value)
        .into_iter()
        .map(|c| render::truncate(&c, CHOICE_NAME_MAX.min(QUERY_MAX as usize)))
        .take(25)
    {
        response = response.add_string_choice(choice.clone(), choice);
    }
    response
}

/// Runs a query command and sends its answer.
async fn answer(
    r: &Responder,
    data: &Data,
    i: &serenity::CommandInteraction,
    command: Command,
    query: &str,
) -> Result<(), Error> {
    let started = Instant::now();
    if let Err(wait) = data.limiter.check(i.user.id.get()) {
        return limited(r, data, command, i, wait).await;
    }
    let reply = commands::run(&data.live.current(), command, query);
    send(r, data, &reply, Some(command)).await?;
    log_done(i, command, started);
    Ok(())
}

/// Sends a reply (several messages if long). When answers are private, each message gets a
/// "Post to channel" button that posts that message publicly.
pub async fn send(
    r: &Responder,
    data: &Data,
    reply: &Reply,
    post: Option<Command>,
) -> Result<(), Error> {
    let ephemeral = data.settings.discord.ephemeral;
    let mut messages = render::render(reply);
    if ephemeral && reply.kind != ReplyKind::Error {
        if let Some(command) = post {
            add_post_buttons(&mut messages, command);
        }
    }
    add_situation_button(&mut messages, reply);
    for m in &messages {
        r.send(m, ephemeral).await?;
    }
    Ok(())
}

/// Under an answer that read a situation: "Check it in /triage", which opens a dialogue with the
/// answers read already given (ids in the button, never the description).
fn add_situation_button(messages: &mut [MessageOut], reply: &Reply) {
    let Some(view) = &reply.situation else {
        return;
    };
    let id = custom_id::situation_id(&view.choices);
    if let (Some(first), Some(b)) = (
        messages.first_mut(),
        ButtonOut::new(id, "Check it in /triage", ButtonStyle::Primary),
    ) {
        first.buttons.insert(0, b);
    }
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

async fn limited(
    r: &Responder,
    data: &Data,
    command: Command,
    i: &serenity::CommandInteraction,
    wait: Duration,
) -> Result<(), Error> {
    set_outcome(Outcome::RateLimited);
    tracing::info!(user_id = %i.user.id, "rate limited");
    let mut reply = Reply::new(
        command.name(),
        "",
        ReplyKind::Error,
        "Too many requests: please wait a moment",
    );
    reply.body = format!(
        "You can run {} of these commands a minute; try again in {} s.",
        data.settings.discord.rate_limit_per_minute,
        wait.as_secs().max(1)
    );
    reply.emergency = Some(EMERGENCY_LINE.to_string());
    for m in render::render(&reply) {
        r.send(&m, true).await?;
    }
    Ok(())
}

/// A per-command detail line (the `interaction` span's closing event is the one to watch).
fn log_done(i: &serenity::CommandInteraction, command: Command, started: Instant) {
    tracing::debug!(
        command = command.name(),
        user_id = %i.user.id,
        guild_id = ?i.guild_id.map(|g| g.get()),
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
