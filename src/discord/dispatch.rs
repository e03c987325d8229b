//! One way in for every interaction, whichever transport brought it: the gateway (`gateway.rs`)
//! and the HTTP endpoint (`http.rs`) both hand each interaction here
//! with a [`Responder`] for its answer. Commands, autocomplete and buttons are routed to their
//! handlers inside the interaction's log span; a handler that fails is logged (ids only) and the
//! user is told, with the emergency line, rather than left with "the application did not
//! respond".

use ::serenity::all as serenity;

use super::instrument::{instrumented, set_outcome, Outcome};
use super::render::private_note;
use super::respond::Responder;
use super::{commands, components, Data, Error};
use crate::reply::EMERGENCY_LINE;

/// Handles one interaction to the end (the answer and any follow-ups sent).
pub async fn interaction(r: &Responder, data: &Data, interaction: &serenity::Interaction) {
    instrumented(interaction, async {
        let result: Result<(), Error> = match interaction {
            serenity::Interaction::Command(i) => commands::run(r, data, i).await,
            serenity::Interaction::Autocomplete(i) => r
                .respond(serenity::CreateInteractionResponse::Autocomplete(
                    commands::autocomplete(data, i),
                ))
                .await
                .map_err(Into::into),
            serenity::Interaction::Component(c) => components::handle(r, data, c).await,
            serenity::Interaction::Ping(_) => r
                .respond(serenity::CreateInteractionResponse::Pong)
                .await
                .map_err(Into::into),
            // The bot opens no modals; anything newer than this version is acknowledged.
            _ => Ok(()),
        };
        if let Err(error) = result {
            failed(r, interaction, &*error).await;
        }
    })
    .await
}

/// What a user is told when their interaction failed: try again, and the emergency line (a
/// failed answer must never leave someone without a route).
pub fn sorry() -> serenity::CreateInteractionResponse {
    private_note(&format!(
        "Sorry, that did not work. Please try again. {EMERGENCY_LINE}"
    ))
}

/// A handler failed: log it with ids only, and tell the user (privately) to try again, with the
/// emergency line. Autocomplete failures are only logged (there is no one to tell).
async fn failed(
    r: &Responder,
    interaction: &serenity::Interaction,
    error: &(dyn std::error::Error + Send + Sync),
) {
    set_outcome(Outcome::Error);
    tracing::error!(interaction_id = %interaction.id(), error = %error, "interaction failed");
    if matches!(interaction, serenity::Interaction::Autocomplete(_)) {
        return;
    }
    if let Err(e) = r.respond(sorry()).await {
        tracing::error!(interaction_id = %interaction.id(), error = %e, "could not report a failure");
    }
}
