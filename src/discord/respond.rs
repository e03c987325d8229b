//! How the answer to an interaction leaves the bot. Discord wants exactly one first answer to
//! each interaction: on the gateway it is a REST call (`POST /interactions/{id}/{token}/callback`);
//! on the HTTP interactions endpoint it is the body of the HTTP response to Discord's POST. Every
//! handler answers through a [`Responder`], so one handler serves both modes, and what comes
//! after the first answer (follow-ups, edits of the original) goes over REST in both.
//!
//! A responder remembers whether the first answer has gone, so a handler can simply "send": the
//! first message is the answer, later ones are follow-ups (as poise's `send` did). In HTTP mode
//! the endpoint may answer first itself, with a deferral, when a handler is slow to answer
//! within Discord's 3 seconds ([`Responder::defer_for_slow_handler`]); the handler's later
//! answer then becomes a follow-up or an edit, and nothing it says is lost.

use std::sync::{Arc, Mutex};

use ::serenity::all as serenity;
use tokio::sync::oneshot;

use super::render::MessageOut;

/// Where the first answer goes.
enum First {
    /// Not answered yet; over REST (gateway mode).
    Rest,
    /// Not answered yet; into the HTTP response (HTTP mode).
    Body(oneshot::Sender<serenity::CreateInteractionResponse>),
    /// Already answered.
    Done,
}

/// Answers one interaction, in either mode. Cheap to share (`Arc`) between the handler and the
/// HTTP endpoint waiting for its answer.
pub struct Responder {
    /// The REST client, for everything after the first answer (and for the handlers' own REST
    /// calls: threads, channel messages, files).
    pub http: Arc<serenity::Http>,
    id: serenity::InteractionId,
    token: String,
    first: Mutex<First>,
    /// HTTP mode: fires when the HTTP response carrying the first answer is being sent. A
    /// follow-up must not reach Discord before the answer it follows, so the first REST call
    /// after a body answer waits for it.
    sent: tokio::sync::Mutex<Option<oneshot::Receiver<()>>>,
}

impl Responder {
    /// A responder whose first answer is a REST call (gateway mode).
    pub fn rest(http: Arc<serenity::Http>, id: serenity::InteractionId, token: &str) -> Self {
        Self {
            http,
            id,
            token: token.to_string(),
            first: Mutex::new(First::Rest),
            sent: tokio::sync::Mutex::new(None),
        }
    }

    /// A responder whose first answer is handed to the returned receiver, to be the body of the
    /// HTTP response (HTTP mode); the returned sender is fired by that body when it is sent.
    pub fn body(
        http: Arc<serenity::Http>,
        id: serenity::InteractionId,
        token: &str,
    ) -> (
        Self,
        oneshot::Receiver<serenity::CreateInteractionResponse>,
        oneshot::Sender<()>,
    ) {
        let (tx, rx) = oneshot::channel();
        let (sent_tx, sent_rx) = oneshot::channel();
        let r = Self {
            http,
            id,
            token: token.to_string(),
            first: Mutex::new(First::Body(tx)),
            sent: tokio::sync::Mutex::new(Some(sent_rx)),
        };
        (r, rx, sent_tx)
    }

    /// Waits (at most 2 s) until the HTTP response with the first answer is on its way; at once
    /// in gateway mode, and after the first time.
    async fn after_body_sent(&self) {
        if let Some(sent) = self.sent.lock().await.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), sent).await;
        }
    }

    /// The interaction token (for follow-ups with files).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// True once the first answer has gone.
    pub fn answered(&self) -> bool {
        matches!(*self.first.lock().expect("responder lock"), First::Done)
    }

    /// Takes the first-answer slot: what was there before.
    fn take_first(&self) -> First {
        std::mem::replace(
            &mut *self.first.lock().expect("responder lock"),
            First::Done,
        )
    }

    /// Answers. The first call is the interaction's answer; after it, a message becomes a
    /// follow-up, an update of the clicked message becomes an edit of it, and a deferral is
    /// nothing (the interaction is already acknowledged).
    pub async fn respond(
        &self,
        response: serenity::CreateInteractionResponse,
    ) -> Result<(), serenity::Error> {
        match self.take_first() {
            First::Rest => {
                self.http
                    .create_interaction_response(self.id, &self.token, &response, Vec::new())
                    .await
            }
            First::Body(tx) => {
                // The endpoint stopped waiting only if the request was dropped: nothing to do.
                let _ = tx.send(response);
                Ok(())
            }
            First::Done => self.after_first(response).await,
        }
    }

    /// A later answer, over REST.
    async fn after_first(
        &self,
        response: serenity::CreateInteractionResponse,
    ) -> Result<(), serenity::Error> {
        use serenity::CreateInteractionResponse as R;
        self.after_body_sent().await;
        match response {
            R::Message(m) => {
                self.http
                    .create_followup_message(&self.token, &m, Vec::new())
                    .await?;
            }
            R::UpdateMessage(m) => {
                self.http
                    .edit_original_interaction_response(&self.token, &m, Vec::new())
                    .await?;
            }
            R::Defer(_) | R::Acknowledge => {}
            _ => tracing::warn!(
                interaction_id = %self.id,
                "a second first-answer was dropped (the interaction was already answered)"
            ),
        }
        Ok(())
    }

    /// Acknowledges now and answers later (thread creation, files, a reload): the user sees
    /// "thinking…", privately when `ephemeral`.
    pub async fn defer(&self, ephemeral: bool) -> Result<(), serenity::Error> {
        self.respond(serenity::CreateInteractionResponse::Defer(
            serenity::CreateInteractionResponseMessage::new().ephemeral(ephemeral),
        ))
        .await
    }

    /// Sends one message: the answer if none has gone yet, else a follow-up.
    pub async fn send(&self, m: &MessageOut, ephemeral: bool) -> Result<(), serenity::Error> {
        if self.answered() {
            self.after_body_sent().await;
            self.http
                .create_followup_message(&self.token, &m.to_followup(ephemeral), Vec::new())
                .await
                .map(drop)
        } else {
            self.respond(serenity::CreateInteractionResponse::Message(
                m.to_interaction(ephemeral),
            ))
            .await
        }
    }

    /// HTTP mode, when the handler has not answered in time: answers for it with a deferral
    /// (`update`: of the clicked message, without the "thinking…" state) and returns that
    /// answer for the HTTP body; `None` when the handler answered after all, or in gateway mode.
    pub fn defer_for_slow_handler(
        &self,
        update: bool,
    ) -> Option<serenity::CreateInteractionResponse> {
        let mut first = self.first.lock().expect("responder lock");
        if !matches!(*first, First::Body(_)) {
            return None;
        }
        *first = First::Done;
        Some(if update {
            serenity::CreateInteractionResponse::Acknowledge
        } else {
            serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            )
        })
    }
}
