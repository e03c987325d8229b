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
//! - [`console`]: the dialogue in a terminal.
//! - [`reminder`]: reminders of an outcome's deadlines (chat only), fired exactly once.
//!
//! The functions here ([`start`], [`act`], [`view`]) are what a chat adapter calls: it puts
//! `reply.buttons[i].action` into its button ids together with the session id and step, and
//! hands them back to [`act`] when pressed.

#![warn(missing_docs)]

pub mod console;
pub mod engine;
pub mod reminder;
pub mod render;
pub mod store;
pub mod tree;

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
    #[error("The triage could not be saved or loaded just now. Please try again in a moment.")]
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
        reply,
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

    // The audit row follows the session: Back then a different answer updates the same row;
    // Restart starts a fresh one.
    let audit_id = match (&action, next.outcome(), &rec.audit_id) {
        (Action::Restart, _, _) => None,
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
    let step = store
        .advance(
            session_id,
            expected_step,
            &path.encode(),
            audit_id.as_deref(),
            audit.as_ref(),
            store.now_ms(),
        )
        .await?;
    Ok(view_of(guidance, session_id, step, &next))
}

/// Shows where a session stands without changing it (e.g. to redraw after a restart of the
/// bot, or after a [`TriageError::StaleStep`]).
pub async fn view(
    store: &Store,
    guidance: &impl Guidance,
    session_id: &str,
) -> Result<SessionView, TriageError> {
    if !is_session_id(session_id) {
        return Err(TriageError::UnknownSession);
    }
    let rec = store.get(session_id).await?;
    let stored =
        Path::decode(&rec.path).map_err(|e| store::store_err("stored path is corrupt", e))?;
    let walk = engine::replay(guidance.tree(), &stored);
    Ok(view_of(guidance, session_id, rec.step, &walk))
}
