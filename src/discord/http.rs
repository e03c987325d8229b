//! HTTP interactions mode: Discord POSTs every interaction, signed, to the "Interactions
//! Endpoint URL" (this process's `POST /interactions` behind a TLS proxy), so any number of
//! identical processes behind a load balancer can answer. Nothing is read before it is verified:
//!
//! 1. the Ed25519 signature (`X-Signature-Ed25519`) over `X-Signature-Timestamp` + the raw body,
//!    against `discord.public_key`; missing, malformed or wrong → `401` and nothing else;
//! 2. the timestamp is at most [`MAX_AGE_SECS`] from now, and the interaction id has not been
//!    seen within that window, by this process or (PostgreSQL) any process sharing the store
//!    ([`super::replay`]) → otherwise `401` (a replayed request);
//! 3. a PING gets `{"type":1}` (Discord sends one to check the URL when it is saved);
//! 4. anything else goes to [`super::dispatch::interaction`], the same handlers and rendering as
//!    the gateway, with a [`Responder`] whose first answer becomes the HTTP response body. A
//!    handler that has not answered within [`ANSWER_WITHIN`] is deferred for (Discord allows
//!    3 s); it carries on and its answer goes over REST. A follow-up is sent only once the
//!    response it follows is on its way (the body says when it is taken to be written), so it
//!    cannot overtake it.
//!
//! `GET /health` is served on the same address.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::serenity::all as serenity;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::replay::ReplayGuard;
use super::respond::Responder;
use super::{dispatch, Data};

/// How far a request's timestamp may be from this process's clock, in seconds, before it is
/// refused as a replay (or a badly wrong clock).
pub const MAX_AGE_SECS: u64 = 300;

/// How long the endpoint waits for a handler's answer before deferring for it: inside Discord's
/// 3 seconds with room for the network.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(2500);

/// What the endpoint needs: the verifier, the bot's state and the REST client.
#[derive(Clone)]
pub struct Endpoint {
    verifier: serenity::Verifier,
    data: Arc<Data>,
    http: Arc<serenity::Http>,
    replays: Arc<ReplayGuard>,
}

impl Endpoint {
    /// An endpoint checking signatures against `public_key` (its 32 bytes).
    pub fn new(
        public_key: [u8; 32],
        data: Arc<Data>,
        http: Arc<serenity::Http>,
    ) -> anyhow::Result<Self> {
        let verifier = serenity::Verifier::try_new(public_key).map_err(|e| {
            anyhow::anyhow!("discord.public_key is not a usable Ed25519 public key: {e}")
        })?;
        Ok(Self {
            verifier,
            replays: Arc::new(ReplayGuard::new(
                &data.store,
                Duration::from_secs(2 * MAX_AGE_SECS),
            )),
            data,
            http,
        })
    }

    /// The routes: `POST /interactions`.
    pub fn router(self) -> Router {
        Router::new()
            .route("/interactions", post(interactions))
            .with_state(self)
    }
}

/// Binds the endpoint's address before anything else starts, so a taken port stops `serve` at
/// once with a message naming the key.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on discord.listen = \"{addr}\": {e}"))
}

fn refuse(why: &'static str) -> Response {
    tracing::info!(reason = why, "interaction request refused");
    (StatusCode::UNAUTHORIZED, why).into_response()
}

/// Checks the signature and the timestamp; `Err` is the reason for a 401.
fn verify(ep: &Endpoint, headers: &HeaderMap, body: &[u8]) -> Result<(), &'static str> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
    ) else {
        return Err("missing signature");
    };
    ep.verifier
        .verify(signature, timestamp, body)
        .map_err(|()| "invalid request signature")?;
    let sent: u64 = timestamp.parse().map_err(|_| "invalid timestamp")?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if now.abs_diff(sent) > MAX_AGE_SECS {
        return Err("timestamp too old or in the future");
    }
    Ok(())
}

async fn interactions(State(ep): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(why) = verify(&ep, &headers, &body) {
        return refuse(why);
    }
    let interaction: serenity::Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "a signed request that is not an interaction");
            return (StatusCode::BAD_REQUEST, "not an interaction").into_response();
        }
    };
    if let serenity::Interaction::Ping(_) = interaction {
        tracing::info!("PING answered");
        return Json(serde_json::json!({"type": 1})).into_response();
    }
    if !ep.replays.first_sight(interaction.id().get()).await {
        return refuse("interaction already received");
    }
    if ep.http.application_id().is_none() {
        if let Some(app) = application_id(&interaction) {
            ep.http.set_application_id(app);
        }
    }
    answer(ep, interaction).await
}

/// The application id an interaction carries (for follow-ups when it was not known at start).
fn application_id(i: &serenity::Interaction) -> Option<serenity::ApplicationId> {
    match i {
        serenity::Interaction::Command(c) | serenity::Interaction::Autocomplete(c) => {
            Some(c.application_id)
        }
        serenity::Interaction::Component(c) => Some(c.application_id),
        serenity::Interaction::Modal(m) => Some(m.application_id),
        _ => None,
    }
}

/// Runs the handler on its own task and answers with its first answer, or defers for it.
async fn answer(ep: Endpoint, interaction: serenity::Interaction) -> Response {
    let (r, mut rx, sent) = Responder::body(ep.http.clone(), interaction.id(), interaction.token());
    let r = Arc::new(r);
    let component = matches!(interaction, serenity::Interaction::Component(_));
    let handler = {
        let r = r.clone();
        let data = ep.data.clone();
        tokio::spawn(async move { dispatch::interaction(&r, &data, &interaction).await })
    };
    let first = match tokio::time::timeout(ANSWER_WITHIN, &mut rx).await {
        Ok(Ok(first)) => Some(first),
        Ok(Err(_)) => None,
        Err(_) => match r.defer_for_slow_handler(component) {
            Some(deferral) => {
                tracing::info!("handler slow to answer: deferred");
                Some(deferral)
            }
            None => rx.await.ok(),
        },
    };
    match first {
        Some(first) => {
            let json = serde_json::to_vec(&first).unwrap_or_default();
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                axum::body::Body::new(SignalWhenSent {
                    json: Some(Bytes::from(json)),
                    sent: Some(sent),
                }),
            )
                .into_response()
        }
        None => {
            // The handler ended without answering (it panicked): say so, with the way out.
            let _ = handler.await;
            Json(dispatch::sorry()).into_response()
        }
    }
}

/// A response body that fires `sent` when the server takes its bytes to write them: the
/// handler's follow-ups wait for it (see [`Responder`]).
struct SignalWhenSent {
    json: Option<Bytes>,
    sent: Option<tokio::sync::oneshot::Sender<()>>,
}

impl http_body::Body for SignalWhenSent {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Some(sent) = self.sent.take() {
            let _ = sent.send(());
        }
        std::task::Poll::Ready(self.json.take().map(|b| Ok(http_body::Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.json.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.json.as_ref().map_or(0, |b| b.len() as u64))
    }
}
