//! "Save record" on a triage summary: the decision record ([`crate::triage::record`]) as a
//! Markdown file, `triage-record-YYYY-MM-DD.md`, for the practitioner to file in their own
//! case-recording system. It is made at the moment of the press, by the bot's clock (the one the
//! session store keeps time by), from the session's answers and the snapshot being served: the
//! deadlines count from then, in London time.
//!
//! The record holds the answers and what they lead to, never a name or anything typed, but it
//! still tells what a practitioner answered about an incident: it goes to its owner alone, as a
//! private follow-up, and anyone else pressing the button is refused privately. Each press
//! counts against the per-user rate limit, like "Show the path".

use ::serenity::all as serenity;

use super::attachment::{refuse_if_limited, send_file};
use super::custom_id::triage_record_id;
use super::instrument::{set_outcome, Outcome};
use super::render::{private_note, ButtonOut};
use super::respond::Responder;
use super::{Data, Error};
use crate::reply::ButtonStyle;
use crate::triage::{self, TriageError};

/// The label of the button on a triage summary.
pub const RECORD_BUTTON_LABEL: &str = "Save record";

/// What the private reply carrying the file says.
const RECORD_CONTENT: &str = "Your decision record, to file in your own case-recording system: what your answers lead to, the deadlines counted from now (London time), who to contact and the guidance it rests on. It holds no names and nothing you typed; complete its Notes section in your own system. If a child is in immediate danger, call 999 now.";

/// The "Save record" button for a finished session.
pub fn record_button(session_id: &str) -> Option<ButtonOut> {
    ButtonOut::new(
        triage_record_id(session_id),
        RECORD_BUTTON_LABEL,
        ButtonStyle::Secondary,
    )
}

/// "Save record": the session's decision record, made now, attached for its owner only.
pub async fn save(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
    session: &str,
) -> Result<(), Error> {
    if refuse_if_limited(ctx, data, c).await? {
        return Ok(());
    }
    let actor = c.user.id.get().to_string();
    let decided = triage::record::now(&*data.store.clock());
    let snapshot = data.live.current();
    let rec = match triage::decision_record(&data.store, &snapshot, session, &actor, decided).await
    {
        Ok(r) => r,
        Err(e) => {
            set_outcome(match e {
                TriageError::Store(_) => Outcome::Error,
                _ => Outcome::Refused,
            });
            tracing::info!(user_id = %c.user.id, session, "triage record refused");
            let text = match e {
                TriageError::NotOwner => {
                    "Only the person who ran this triage can save its record.".to_string()
                }
                e => e.to_string(),
            };
            return ctx.respond(private_note(&text)).await.map_err(Into::into);
        }
    };
    ctx.defer(true).await?;
    let body = rec.to_markdown().into_bytes();
    tracing::info!(
        user_id = %c.user.id,
        session,
        outcome = %rec.outcome,
        bytes = body.len(),
        "triage record sent"
    );
    send_file(
        &ctx.http,
        &c.token,
        RECORD_CONTENT,
        &rec.filename(),
        None,
        body,
    )
    .await
}
