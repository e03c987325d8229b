//! `/triage` on Discord: the guided referral decision, held in a thread.
//!
//! By default the dialogue runs in a new **private** thread with the practitioner (details of an
//! incident stay out of the channel); `discord.triage_thread` can choose a public thread, or the
//! current thread when the command is run inside one. Each question is one message whose buttons
//! carry `tr:{session}:{step}:{action}`; a click is applied with [`crate::triage::act`] and the
//! message is updated in place to the next question, or to "Check your answers" and from there
//! (`review.rs`, beside this file) to the summary. All state is in the SQLite store, so a
//! dialogue continues after the bot restarts; only the practitioner who started it may answer,
//! and a double click cannot count twice (the step in the id is checked).
//! A summary whose outcome has a deadline also offers "Remind me" ([`super::reminders`]).

use ::serenity::all as serenity;

use super::custom_id::triage_id;
use super::instrument::{set_outcome, Outcome};
use super::render::{self, ButtonOut, MessageOut};
use super::respond::Responder;
use super::{Data, Error};
use crate::reply::Reply;
use crate::settings::TriageThread;
use crate::triage::{self, SessionView, TriageError};

/// Starts a dialogue: opens (or reuses) the thread, creates the session, posts the first
/// question there, and tells the user where to find it.
pub async fn start(
    ctx: &Responder,
    data: &Data,
    i: &serenity::CommandInteraction,
) -> Result<(), Error> {
    let place = Place::of(i.user.id, i.channel_id, i.channel.as_ref());
    open(ctx, data, place, &[]).await
}

/// "Check it in /triage" under a free-text answer that read a situation: a dialogue in its own
/// thread with the answers read already given, opening at "Check your answers" when they reach
/// an outcome (or at the first question they leave open). `choices` is the button's
/// [`crate::reply::SituationView::choices`]: answer positions only, never text.
pub async fn start_prefilled(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    choices: &str,
) -> Result<(), Error> {
    let snapshot = data.live.current();
    let Some(path) = crate::situation::lead::path_of_choices(&snapshot.triage, choices) else {
        set_outcome(Outcome::UnknownButton);
        return ctx
            .respond(render::private_note(
                "This button no longer matches the guidance (it may have been updated). Run the command again, or start a new /triage.",
            ))
            .await
            .map_err(Into::into);
    };
    let place = Place::of(c.user.id, c.channel_id, c.channel.as_ref());
    let values: Vec<String> = path.0.into_iter().map(|a| a.value).collect();
    open(ctx, data, place, &values).await
}

/// Where a dialogue is asked for: who, and in which channel.
struct Place {
    user: serenity::UserId,
    channel: serenity::ChannelId,
    kind: Option<serenity::ChannelType>,
    parent: Option<serenity::ChannelId>,
}

impl Place {
    /// Where an interaction (a command or a click) came from.
    fn of(
        user: serenity::UserId,
        channel: serenity::ChannelId,
        partial: Option<&serenity::PartialChannel>,
    ) -> Place {
        Place {
            user,
            channel,
            kind: partial.map(|c| c.kind),
            parent: partial.and_then(|c| c.parent_id),
        }
    }
}

/// Opens the thread, creates the session, gives `answers` in order, and posts where it stands.
async fn open(ctx: &Responder, data: &Data, place: Place, answers: &[String]) -> Result<(), Error> {
    // Thread creation and the first post are several REST calls: acknowledge at once.
    ctx.defer(true).await?;
    let Place {
        user,
        channel,
        kind: channel_kind,
        parent,
    } = place;
    let in_thread = matches!(
        channel_kind,
        Some(serenity::ChannelType::PublicThread | serenity::ChannelType::PrivateThread)
    );

    let snapshot = data.live.current();
    let owner = user.get().to_string();
    let mut view = match triage::start(&data.store, &snapshot, &owner).await {
        Ok(v) => v,
        Err(e) => {
            set_outcome(Outcome::Error);
            return tell(ctx, &e.reply()).await;
        }
    };
    for value in answers {
        match triage::act(
            &data.store,
            &snapshot,
            &view.session_id,
            view.step,
            value,
            &owner,
        )
        .await
        {
            Ok(v) => view = v,
            Err(e) => {
                set_outcome(Outcome::Error);
                return tell(ctx, &e.reply()).await;
            }
        }
    }

    let mode = data.settings.discord.triage_thread;
    let thread = if mode == TriageThread::Current && in_thread {
        channel
    } else {
        // A thread cannot hold a thread: from inside one, open it beside it in the parent.
        let host = if in_thread {
            parent.unwrap_or(channel)
        } else {
            channel
        };
        let kind = match mode {
            TriageThread::Public => serenity::ChannelType::PublicThread,
            TriageThread::Private | TriageThread::Current => serenity::ChannelType::PrivateThread,
        };
        let mut builder = serenity::CreateThread::new(thread_name(&view.session_id))
            .kind(kind)
            .auto_archive_duration(archive_after(
                data.settings.discord.thread_auto_archive_minutes,
            ));
        if kind == serenity::ChannelType::PrivateThread {
            builder = builder.invitable(false);
        }
        let created = host.create_thread(&ctx.http, builder).await?;
        created.id.add_thread_member(&ctx.http, user).await?;
        created.id
    };

    for m in current(&view) {
        thread
            .send_message(&ctx.http, m.to_channel_message())
            .await?;
    }
    tracing::info!(
        user_id = %user,
        session = %view.session_id,
        thread_id = %thread,
        prefilled = answers.len(),
        "triage started"
    );
    let where_ = if thread == channel {
        "below in this thread".to_string()
    } else {
        format!("in <#{thread}>")
    };
    let privacy = match mode {
        TriageThread::Public => "",
        _ if thread == channel => "",
        _ => " Only you (and server moderators) can see that thread.",
    };
    let what = if answers.is_empty() {
        "answer the questions with the buttons."
    } else if view.finished {
        "the answers read from your description are filled in: check them, change any that are wrong, then Confirm."
    } else {
        "the answers read from your description are filled in; answer the rest with the buttons."
    };
    let told = MessageOut::default().with_content(&format!(
        "Your triage is {where_}: {what}{privacy} If a child is in immediate danger, call 999 now."
    ));
    ctx.send(&told, true).await?;
    Ok(())
}

/// Applies a button click to its session and updates the message in place: to the next
/// question or, once the answers reach an outcome, to "Check your answers" (whose own buttons,
/// review actions `rv:…`, the router hands to `review.rs`).
pub async fn click(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    session: &str,
    step: u32,
    action: &str,
) -> Result<(), Error> {
    let snapshot = data.live.current();
    let actor = c.user.id.get().to_string();
    let result = triage::act(&data.store, &snapshot, session, step, action, &actor).await;
    let view = match result {
        Ok(v) => v,
        Err(TriageError::StaleStep { .. }) => match stale(data, session).await {
            Ok(v) => v,
            Err(e) => return refuse(ctx, c, &e).await,
        },
        Err(e) => return refuse(ctx, c, &e).await,
    };
    tracing::info!(
        user_id = %c.user.id,
        session = %view.session_id,
        step = view.step,
        finished = view.finished,
        outcome = view.outcome.as_deref().unwrap_or(""),
        "triage step"
    );
    update(ctx, c, &current(&view)).await
}

/// A double click or an old copy of the message: where the session really is, with a note
/// (on the question, or on the review once finished) saying the click changed nothing.
pub(super) async fn stale(data: &Data, session: &str) -> Result<SessionView, TriageError> {
    set_outcome(Outcome::Stale);
    let mut v = triage::view(&data.store, &data.live.current(), session).await?;
    let note = TriageError::StaleStep { current: v.step }.to_string();
    v.reply.notes.insert(0, note.clone());
    if let Some(r) = v.review.as_mut() {
        r.notes.insert(0, note);
    }
    Ok(v)
}

/// Updates the clicked message in place with the first of `all`; the rest follow as messages.
pub(super) async fn update(
    ctx: &Responder,
    c: &serenity::ComponentInteraction,
    all: &[MessageOut],
) -> Result<(), Error> {
    // The buttons go on the message the click updates: a practitioner finds them where they
    // pressed, and a long summary's follow-ups carry only text.
    let mut all = all.to_vec();
    if all.len() > 1 {
        let buttons = all.last_mut().map(|m| std::mem::take(&mut m.buttons));
        all[0].buttons = buttons.unwrap_or_default();
    }
    let mut it = all.iter();
    if let Some(first) = it.next() {
        // `components` is always sent (empty when the step has none) so old buttons are cleared.
        let update = serenity::CreateInteractionResponseMessage::new()
            .embeds(first.serenity_embeds())
            .components(first.action_rows())
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        ctx.respond(serenity::CreateInteractionResponse::UpdateMessage(update))
            .await?;
    }
    for m in it {
        c.create_followup(&ctx.http, m.to_followup(false)).await?;
    }
    Ok(())
}

/// Tells the clicker, privately, why the click did nothing.
pub(super) async fn refuse(
    ctx: &Responder,
    c: &serenity::ComponentInteraction,
    e: &TriageError,
) -> Result<(), Error> {
    let reason = match e {
        TriageError::UnknownSession => "unknown_session",
        TriageError::Expired => "expired",
        TriageError::StaleStep { .. } => "stale_step",
        TriageError::NotOwner => "not_owner",
        TriageError::InvalidAction(_) => "invalid_action",
        TriageError::Store(_) => "store",
    };
    set_outcome(match e {
        TriageError::Store(_) => Outcome::Error,
        _ => Outcome::Refused,
    });
    tracing::info!(user_id = %c.user.id, reason, "triage click refused");
    ctx.respond(render::private_note(&e.to_string()))
        .await
        .map_err(Into::into)
}

async fn tell(ctx: &Responder, reply: &Reply) -> Result<(), Error> {
    for m in render::render(reply) {
        ctx.send(&m, true).await?;
    }
    Ok(())
}

/// The messages for a step: the reply rendered within limits, with its buttons (answers, Back,
/// Restart) on the last message; on the summary also "Show the path" and "Save record".
pub fn messages(view: &SessionView) -> Vec<MessageOut> {
    let mut out = drawn(&view.session_id, view.step, &view.reply);
    if let Some(last) = out.last_mut() {
        if view.finished {
            last.buttons
                .extend(super::map::path_button(&view.session_id));
            last.buttons
                .extend(super::record::record_button(&view.session_id));
        }
    }
    out
}

/// The summary of a finished session, as Confirm shows it: [`messages`] with its deadlines
/// counted from now in London time (saying how to meet one that falls out of hours), "Show the
/// path", "Save record" and, for each clock deadline of the outcome, "Remind me".
pub async fn summary(data: &Data, view: &SessionView) -> Vec<MessageOut> {
    let snapshot = data.live.current();
    let outcome = view
        .outcome
        .as_deref()
        .and_then(|o| snapshot.triage.outcome(o));
    let mut shown = view.clone();
    if let Some(o) = outcome {
        let now = triage::record::now(&*data.store.clock());
        if let Err(e) = triage::record::add_deadlines(&mut shown.reply, &snapshot, o, now) {
            tracing::warn!(session = %view.session_id, error = %e, "deadlines could not be worked out");
            shown
                .reply
                .notes
                .insert(0, format!("The deadlines could not be worked out: {e}"));
        }
    }
    let mut all = messages(&shown);
    if view.finished {
        let deadlines = super::reminders::deadlines(data, &view.session_id).await;
        if let Some(last) = all.last_mut() {
            last.buttons.extend(super::reminders::offer_buttons(
                &view.session_id,
                view.step,
                &deadlines,
            ));
        }
    }
    all
}

/// What a session's message shows when no button asks for more: "Check your answers" once the
/// answers reach an outcome (the summary comes only with Confirm), otherwise the question.
pub fn current(view: &SessionView) -> Vec<MessageOut> {
    match (&view.review, view.finished) {
        (Some(review), true) => drawn(&view.session_id, view.step, review),
        _ => messages(view),
    }
}

/// `reply` rendered within limits, its buttons (each action in a `tr:{session}:{step}:…` id)
/// on the last message.
pub(super) fn drawn(session_id: &str, step: u32, reply: &Reply) -> Vec<MessageOut> {
    let mut out = render::render(reply);
    if let Some(last) = out.last_mut() {
        last.buttons = reply
            .buttons
            .iter()
            .filter_map(|b| {
                ButtonOut::new(triage_id(session_id, step, &b.action), &b.label, b.style)
            })
            .collect();
    }
    out
}

/// A thread name without personal details (thread names show in channel lists).
fn thread_name(session_id: &str) -> String {
    format!("Triage {}", &session_id[..session_id.len().min(8)])
}

fn archive_after(minutes: u16) -> serenity::AutoArchiveDuration {
    match minutes {
        60 => serenity::AutoArchiveDuration::OneHour,
        4320 => serenity::AutoArchiveDuration::ThreeDays,
        10080 => serenity::AutoArchiveDuration::OneWeek,
        _ => serenity::AutoArchiveDuration::OneDay,
    }
}
