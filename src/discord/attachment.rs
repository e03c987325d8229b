//! What the buttons that answer with a file have in common ("Show the path" attaches a PNG,
//! "Save record" a Markdown file): each press counts against the per-user rate limit, and the
//! file goes to the presser alone as a private follow-up, sent as `multipart/form-data` the way
//! Discord's API describes it. One place, so the two cannot drift apart.

use ::serenity::all as serenity;

use super::instrument::{set_outcome, Outcome};
use super::render::private_note;
use super::respond::Responder;
use super::{Data, Error};

/// Counts a press against the presser's rate limit. Over the limit, tells them privately how
/// long to wait (with the emergency line) and returns `true`: the caller stops there.
pub async fn refuse_if_limited(
    ctx: &Responder,
    data: &Data,
    c: &serenity::ComponentInteraction,
) -> Result<bool, Error> {
    let Err(wait) = data.limiter.check(c.user.id.get()) else {
        return Ok(false);
    };
    set_outcome(Outcome::RateLimited);
    let text = format!(
        "Too many requests: please try again in {} s. If a child is in immediate danger, call 999 now.",
        wait.as_secs().max(1)
    );
    ctx.respond(private_note(&text)).await?;
    Ok(true)
}

/// Sends `bytes` as file `file` in a private follow-up to the interaction with `token`: a
/// multipart body whose `payload_json` lists the attachment (id `"0"`, as the snowflake string
/// Discord's API describes; serenity's builder would write the number 0) with its alt text when
/// given, and `files[0]` (its content type guessed from the file name).
pub async fn send_file(
    http: &serenity::Http,
    token: &str,
    content: &str,
    file: &str,
    alt: Option<&str>,
    bytes: Vec<u8>,
) -> Result<(), Error> {
    let mut attachment = serde_json::json!({"id": "0", "filename": file});
    if let Some(alt) = alt {
        attachment["description"] = alt.into();
    }
    let payload = serde_json::json!({
        "content": content,
        "flags": 64,
        "allowed_mentions": {"parse": []},
        "attachments": [attachment],
    });
    http.create_followup_message(
        token,
        &payload,
        vec![serenity::CreateAttachment::bytes(bytes, file)],
    )
    .await?;
    Ok(())
}
