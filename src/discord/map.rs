//! The triage map on Discord: `/triage map:True` attaches the whole flowchart, and the "Show the
//! path" button on a triage summary attaches it with the path the practitioner's answers took.
//! Both are drawn at the moment they are asked for from the snapshot being served, so after a
//! `/reload` the map is the new tree's; nothing is cached. The drawing itself
//! ([`crate::triage::map`]) knows nothing of Discord; this module only attaches the PNG.
//!
//! Both replies are private (ephemeral): the whole map so as not to fill the channel, the path
//! because it tells what the practitioner answered about an incident. Only the practitioner who
//! ran the triage may see its path. Rendering takes a moment of CPU, so it runs on the blocking
//! pool after the interaction has been acknowledged, and each click counts against the
//! per-user rate limit like a command.

use ::serenity::all as serenity;

use super::attachment::{refuse_if_limited, send_file};
use super::custom_id::triage_map_id;
use super::instrument::{set_outcome, Outcome};
use super::render::{private_note, ButtonOut};
use super::respond::Responder;
use super::{Data, Error};
use crate::reply::ButtonStyle;
use crate::snapshot::Snapshot;
use crate::triage::map::{Format, Map};
use crate::triage::{self, Path, TriageError};

/// The label of the button on a triage summary.
pub const PATH_BUTTON_LABEL: &str = "Show the path";

/// The attachment's file name for the whole map.
pub const MAP_FILE: &str = "triage-map.png";

/// The attachment's file name for a map with a path.
pub const PATH_FILE: &str = "triage-path.png";

/// The "Show the path" button for a finished session.
pub fn path_button(session_id: &str) -> Option<ButtonOut> {
    ButtonOut::new(
        triage_map_id(session_id),
        PATH_BUTTON_LABEL,
        ButtonStyle::Secondary,
    )
}

/// Draws the map of the served tree (with `path`, if given) as PNG, off the async runtime.
async fn png(snapshot: std::sync::Arc<Snapshot>, path: Option<Path>) -> Result<Vec<u8>, Error> {
    let bytes = tokio::task::spawn_blocking(move || {
        Map::new(&snapshot.triage, &snapshot.knowledge.manifest.version)
            .render(path.as_ref(), Format::Png)
    })
    .await??;
    Ok(bytes)
}

/// The alt text of an attachment: what the picture shows, for screen readers.
fn alt_text(snapshot: &Snapshot, with_path: bool) -> String {
    let t = &snapshot.triage;
    let what = format!(
        "Flowchart of the /triage decision tree (knowledge {}): {} questions as boxes, their answers as labelled arrows, {} outcomes coloured by urgency",
        snapshot.knowledge.manifest.version,
        t.questions().len(),
        t.outcomes().len()
    );
    if with_path {
        format!("{what}; the path taken is drawn heavy in purple, the rest faded.")
    } else {
        format!("{what}.")
    }
}

/// `/triage map:True`: the whole flowchart, privately.
pub async fn whole(
    ctx: &Responder,
    data: &Data,
    i: &serenity::CommandInteraction,
) -> Result<(), Error> {
    ctx.defer(true).await?;
    let snapshot = data.live.current();
    let alt = alt_text(&snapshot, false);
    let bytes = png(snapshot, None).await?;
    tracing::info!(user_id = %i.user.id, bytes = bytes.len(), "triage map sent");
    send_file(
        &ctx.http,
        ctx.token(),
        "The /triage decision tree as a flowchart: questions, answers and outcomes (coloured by urgency). Run /triage to be taken through it. If a child is in immediate danger, call 999 now.",
        MAP_FILE,
        Some(&alt),
        bytes,
    )
    .await
}

/// "Show the path": the map with the path the session's answers took, for its owner only.
pub async fn show_path(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    session: &str,
) -> Result<(), Error> {
    // Each click draws a picture: it counts against the same per-user limit as the commands.
    if refuse_if_limited(ctx, data, c).await? {
        return Ok(());
    }
    let actor = c.user.id.get().to_string();
    let path = match triage::path_of(&data.store, session, &actor).await {
        Ok(p) => p,
        Err(e) => {
            set_outcome(match e {
                TriageError::Store(_) => Outcome::Error,
                _ => Outcome::Refused,
            });
            let text = match e {
                TriageError::NotOwner => {
                    "Only the person who ran this triage can see the path their answers took."
                        .to_string()
                }
                e => e.to_string(),
            };
            return ctx.respond(private_note(&text)).await.map_err(Into::into);
        }
    };
    ctx.defer(true).await?;
    let snapshot = data.live.current();
    let alt = alt_text(&snapshot, true);
    let bytes = png(snapshot, Some(path)).await?;
    tracing::info!(user_id = %c.user.id, session, bytes = bytes.len(), "triage path map sent");
    send_file(
        &ctx.http,
        &c.token,
        "The path your answers took through the /triage decision tree, in purple. If a child is in immediate danger, call 999 now.",
        PATH_FILE,
        Some(&alt),
        bytes,
    )
    .await
}
