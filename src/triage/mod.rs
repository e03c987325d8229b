//! `/triage`: a short guided dialogue that turns the partnership's incident flowchart (strategy
//! §13), "Responding to Concerns" (§14), "Referral and Strategy Discussion" (§17) and the newer
//! guidance's "Our Responsibilities" into questions with buttons, ending in what to do, how fast,
//! who to call and why.
//!
//! - [`tree`]: the decision tree as data (`knowledge/triage.toml`), validated on every load.
//! - [`engine`]: the pure walk (start, answer, back, restart, summary).
//! - [`store`]: sessions in SQLite, so a dialogue survives a restart and a double click cannot
//!   count twice.
//! - [`render`]: a session's state as a [`Reply`] or as scripted-run JSON.
//! - [`timeframe`]: reads an outcome's timeframe words into a rule (checked on load).
//! - [`deadline`]: an outcome's timeframes as deadlines from the decision time (London).
//! - [`out_of_hours`]: how to meet a same-day or 24-hour deadline that falls out of hours.
//! - [`review`]: "Check your answers" before the summary, with changes that keep what still applies.
//! - [`record`]: the decision record (JSON or Markdown) to file in the practitioner's own system.
//! - [`console`]: the dialogue in a terminal.
//! - [`map`]: the tree drawn as a flowchart (SVG, PNG), with the path a practitioner took.
//! - [`reminder`]: reminders of an outcome's deadlines (chat only), fired exactly once.
//!
//! The functions here ([`start`], [`act`], [`view`]) are what a chat adapter calls: it puts
//! `reply.buttons[i].action` into its button ids together with the session id and step, and
//! hands them back to [`act`] when pressed.

#![warn(missing_docs)]

pub mod backend;
pub mod console;
pub mod deadline;
pub mod engine;
pub mod map;
pub mod out_of_hours;
pub mod record;
pub mod reminder;
pub mod render;
pub mod review;
pub mod store;
pub mod timeframe;
pub mod tree;

pub use backend::{backend_of, redact_database_url};
pub use engine::{Action, Answer, Path, Walk};
pub use store::{AuditRecord, Store, DEFAULT_AUDIT_RETENTION, DEFAULT_SESSION_TTL};
pub use tree::{Choice, EvidenceRule, Node, Outcome, Question, Tree};

use crate::knowledge::Knowledge;
use crate::reply::Reply;

/// Why a triage action could not be carried out. Every message is written for the practitioner
/// (clear, no internals); [`TriageError::Store`] keeps the technical detail for the log only.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// No session has this id (never existed, malformed, or already purged).
    #[error("This triage could not be found: it may have expired or been cleared. Start a new one with /triage.")]
    UnknownSession,
    /// The session was idle longer than the store's session TTL and has been deleted.
    #[error("This triage has expired because it was not used for a while. Start a new one with /triage.")]
    Expired,
    /// The button pressed belongs to an earlier step (a double click, or a second window): the
    /// session is already at step `current` and nothing was changed.
    #[error("That answer was not recorded because this triage had already moved on (perhaps a double click, or another window). Carry on from the latest question.")]
    StaleStep {
        /// The step the session is really at.
        current: u32,
    },
    /// Someone other than the practitioner who started the session tried to answer it.
    #[error("Only the person who started this triage can answer it. Start your own with /triage.")]
    NotOwner,
    /// The action is not one the current question offers (or not an action at all).
    #[error("{0}")]
    InvalidAction(String),
    /// The session store failed; the detail (for the log) is inside, never shown.
    #[error("Triage is unavailable just now: its records could not be saved or loaded. Please try again in a moment. /whocall, /threshold, /offence and /search still answer.")]
    Store(String),
}

impl TriageError {
    /// The error as a reply a transport can show: the message and the emergency line.
    pub fn reply(&self) -> Reply {
        Reply::error("triage", "", self.to_string())
    }
}

/// What a transport needs after each step: which session, at which step (to put in the next
/// buttons), whether it has finished, and the reply to show.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// The session id (32 hex characters).
    pub session_id: String,
    /// The step to send back with the next action.
    pub step: u32,
    /// True once an outcome has been reached.
    pub finished: bool,
    /// The outcome id, once reached.
    pub outcome: Option<String>,
    /// The question or summary; `kind` is `TriageStep` or `TriageSummary`, `emergency` is set.
    pub reply: Reply,
    /// Once finished: "Check your answers" (`kind = TriageReview`), to show before `reply`
    /// until the practitioner confirms (`rv:confirm`); its Change buttons lead to
    /// [`change_prompt`] and [`change`].
    pub review: Option<Reply>,
    /// Answers the last [`change`] dropped because they no longer apply (also named in a note
    /// on `review` or `reply`); empty otherwise.
    pub dropped: Vec<Answer>,
}

/// True for a session id as [`start`] makes them: 32 lower-case hex characters.
pub fn is_session_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// True for an owner id we are willing to store: 1 to 64 visible ASCII characters (a Discord
/// user id, or `console`).
fn is_owner_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
}

/// What the dialogue needs from the knowledge being served: the records it cites and names,
/// and the tree it walks — never the search index. The served snapshot provides it.
pub trait Guidance {
    /// The validated knowledge: sections for citations, contacts for numbers, notes.
    fn knowledge(&self) -> &Knowledge;
    /// The validated decision tree.
    fn tree(&self) -> &Tree;
}

impl<G: Guidance + ?Sized> Guidance for std::sync::Arc<G> {
    fn knowledge(&self) -> &Knowledge {
        (**self).knowledge()
    }

    fn tree(&self) -> &Tree {
        (**self).tree()
    }
}

fn view_of(guidance: &impl Guidance, session_id: &str, step: u32, walk: &Walk<'_>) -> SessionView {
    let outcome = walk.outcome().map(|o| o.id.clone());
    let reply = render::reply(guidance, walk);
    SessionView {
        session_id: session_id.to_string(),
        step,
        finished: outcome.is_some(),
        outcome,
        review: walk
            .outcome()
            .map(|_| review::review_reply(guidance, walk, &[])),
        reply,
        dropped: Vec::new(),
    }
}

/// Starts a new dialogue for `owner` (the practitioner's chat user id) at the first question.
pub async fn start(
    store: &Store,
    guidance: &impl Guidance,
    owner: &str,
) -> Result<SessionView, TriageError> {
    if !is_owner_id(owner) {
        return Err(TriageError::InvalidAction(
            "A triage could not be started for this user.".into(),
        ));
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    store.insert(&id, owner, store.now_ms()).await?;
    Ok(view_of(guidance, &id, 0, &engine::start(guidance.tree())))
}

/// Applies one button press: `action` is an answer value, `back` or `restart`; `expected_step`
/// is the step the button was drawn at; `actor` is who pressed it. Only the owner may act, and
/// only at the current step: a second press of the same button gets
/// [`TriageError::StaleStep`] and changes nothing.
pub async fn act(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
    expected_step: u32,
    action: &str,
    actor: &str,
) -> Result<SessionView, TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let action = Action::parse(action).map_err(|e| TriageError::InvalidAction(e.0))?;
    let rec = store.get(session_id).await?;
    if rec.owner != actor {
        return Err(TriageError::NotOwner);
    }
    if rec.step != expected_step {
        return Err(TriageError::StaleStep { current: rec.step });
    }
    let tree = guidance.tree();
    let stored =
        Path::decode(&rec.path).map_err(|e| store::store_err("stored path is corrupt", e))?;
    let walk = engine::replay(tree, &stored);
    let path = engine::apply(&walk, &action).map_err(|e| TriageError::InvalidAction(e.0))?;
    let next = engine::replay(tree, &path);
    let restart = action == Action::Restart;
    let step = save(store, guidance, &rec, expected_step, &path, &next, restart).await?;
    Ok(view_of(guidance, session_id, step, &next))
}

/// Stores a new path at `expected_step` (the optimistic lock), keeping the audit row in step:
/// Back then a different answer updates the same row; Restart starts a fresh one.
async fn save(
    store: &Store,
    guidance: &impl Guidance,
    rec: &store::SessionRecord,
    expected_step: u32,
    path: &Path,
    next: &Walk<'_>,
    restart: bool,
) -> Result<u32, TriageError> {
    let audit_id = match (restart, next.outcome(), &rec.audit_id) {
        (true, _, _) => None,
        (_, Some(_), Some(existing)) => Some(existing.clone()),
        (_, Some(_), None) => Some(uuid::Uuid::new_v4().simple().to_string()),
        (_, None, existing) => existing.clone(),
    };
    let audit = match (next.outcome(), &audit_id) {
        (Some(o), Some(id)) => Some(store::AuditWrite {
            id: id.clone(),
            outcome: o.id.clone(),
            knowledge_hash: guidance.knowledge().hash.clone(),
            started_at: rec.created_at,
        }),
        _ => None,
    };
    store
        .advance(
            &rec.id,
            expected_step,
            &path.encode(),
            audit_id.as_deref(),
            audit.as_ref(),
            store.now_ms(),
        )
        .await
}

/// Checks a session id, loads the session and checks the actor owns it and `step` is current.
/// A stored session and the walk its answers make: the checks every read makes (a well-formed
/// id, a session that exists and has not expired).
async fn stored<'g>(
    store: &Store,
    guidance: &'g impl Guidance,
    session_id: &str,
) -> Result<(store::SessionRecord, Walk<'g>), TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let rec = store.get(session_id).await?;
    let path =
        Path::decode(&rec.path).map_err(|e| store::store_err("stored path is corrupt", e))?;
    let walk = engine::replay(guidance.tree(), &path);
    Ok((rec, walk))
}

async fn owned_at(
    store: &Store,
    session_id: &str,
    expected_step: u32,
    actor: &str,
) -> Result<store::SessionRecord, TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let rec = store.get(session_id).await?;
    if rec.owner != actor {
        return Err(TriageError::NotOwner);
    }
    if rec.step != expected_step {
        return Err(TriageError::StaleStep { current: rec.step });
    }
    Ok(rec)
}

/// From the review: changes the answer at `position` (1-based, as the review numbers them) to
/// `value`, keeping the later answers that still lie on the new path (see [`review::change`]).
/// The same checks as [`act`] apply. The view's `dropped` lists what no longer applies, and a
/// note on its `review` (outcome reached) or `reply` (a question the new path needs) says so.
pub async fn change(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
    expected_step: u32,
    position: usize,
    value: &str,
    actor: &str,
) -> Result<SessionView, TriageError> {
    let rec = owned_at(store, session_id, expected_step, actor).await?;
    let tree = guidance.tree();
    let stored =
        Path::decode(&rec.path).map_err(|e| store::store_err("stored path is corrupt", e))?;
    let walk = engine::replay(tree, &stored);
    let changed = review::change(tree, &walk.path, position, value)
        .map_err(|e| TriageError::InvalidAction(e.0))?;
    let next = engine::replay(tree, &changed.path);
    let step = save(
        store,
        guidance,
        &rec,
        expected_step,
        &changed.path,
        &next,
        false,
    )
    .await?;
    let mut v = view_of(guidance, session_id, step, &next);
    if let Some(note) = review::dropped_note(tree, &changed.dropped) {
        match &mut v.review {
            Some(r) => *r = review::review_reply(guidance, &next, &changed.dropped),
            None => v.reply.notes.insert(0, note),
        }
    }
    v.dropped = changed.dropped;
    Ok(v)
}

/// From the review: the question answered at `position`, to change it (no change is stored;
/// its buttons carry `rv:set:N:value` for [`change`] and `rv:show` back to the review).
pub async fn change_prompt(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
    position: usize,
) -> Result<SessionView, TriageError> {
    let (rec, walk) = stored(store, guidance, session_id).await?;
    let mut v = view_of(guidance, session_id, rec.step, &walk);
    v.reply = review::change_reply(guidance, &walk, position)
        .map_err(|e| TriageError::InvalidAction(e.0))?;
    Ok(v)
}

/// Shows where a session stands without changing it (e.g. to redraw after a restart of the
/// bot, or after a [`TriageError::StaleStep`]).
pub async fn view(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
) -> Result<SessionView, TriageError> {
    let (rec, walk) = stored(store, guidance, session_id).await?;
    Ok(view_of(guidance, session_id, rec.step, &walk))
}

/// The answers of a session, for its owner only: what the map highlights when a practitioner
/// asks to see the path their answers took. Checks as [`act`] does (id, expiry, owner).
pub async fn path_of(store: &Store, session_id: &str, actor: &str) -> Result<Path, TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let rec = store.get(session_id).await?;
    if rec.owner != actor {
        return Err(TriageError::NotOwner);
    }
    Path::decode(&rec.path).map_err(|e| store::store_err("stored path is corrupt", e))
}

/// The decision record of a finished session ("Save record"), made at `decided` (usually
/// [`record::now`] of the adapter's clock): attach `rec.to_markdown()` as `rec.filename()`.
/// Only the session's owner may have it; a session without an outcome yet is refused.
pub async fn decision_record(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
    actor: &str,
    decided: jiff::Timestamp,
) -> Result<record::DecisionRecord, TriageError> {
    let stored = path_of(store, session_id, actor).await?;
    let walk = engine::replay(guidance.tree(), &stored);
    record::build(guidance, &walk, decided).map_err(|e| TriageError::InvalidAction(e.to_string()))
}
