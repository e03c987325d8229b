//! `/triage` on Discord: waiting for the triage engine (issue 3) to be merged.

use poise::serenity_prelude as serenity;

use super::{components, Context, Data, Error};

/// Starts a triage dialogue.
pub async fn start(ctx: Context<'_>) -> Result<(), Error> {
    ctx.send(
        poise::CreateReply::default()
            .content("The /triage dialogue is not available in this build yet. Use /threshold and /whocall meanwhile.")
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// Handles a triage button.
pub async fn click(
    ctx: &serenity::Context,
    _data: &Data,
    c: &serenity::ComponentInteraction,
    _session: &str,
    _step: u32,
    _action: &str,
) -> Result<(), Error> {
    components::private_note(
        ctx,
        c,
        "The /triage dialogue is not available in this build yet.",
    )
    .await
}
