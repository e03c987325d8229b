//! The JSON the fake Discord sends: READY, interactions, messages, threads. Shaped as Discord
//! sends them (API v10) with every field serenity 0.12 requires; a payload serenity cannot
//! deserialise is dropped silently, so `discord_e2e::fake_payloads_deserialise` checks each one.

#![allow(dead_code)]

use serde_json::{json, Value};

use super::fake_discord::{APP_ID, BOT_ID, CHANNEL_ID, GUILD_ID};

/// A timestamp in Discord's format.
pub const TIMESTAMP: &str = "2026-11-23T12:00:00.000000+00:00";

/// Who sends an interaction.
#[derive(Debug, Clone)]
pub struct Who {
    /// User id.
    pub user_id: u64,
    /// Username.
    pub name: &'static str,
    /// Role ids in the guild.
    pub roles: Vec<u64>,
    /// Computed permissions in the channel (Discord sends them with the member).
    pub permissions: u64,
}

/// Permission bits used by the tests.
pub const SEND_MESSAGES: u64 = 1 << 11;
/// Manage Server.
pub const MANAGE_GUILD: u64 = 1 << 5;

impl Who {
    /// An ordinary practitioner.
    pub fn member(user_id: u64) -> Who {
        Who {
            user_id,
            name: "practitioner",
            roles: vec![],
            permissions: SEND_MESSAGES,
        }
    }

    /// A member with Manage Server.
    pub fn manager(user_id: u64) -> Who {
        Who {
            user_id,
            name: "manager",
            roles: vec![],
            permissions: SEND_MESSAGES | MANAGE_GUILD,
        }
    }

    /// A member holding `role`, without Manage Server.
    pub fn with_role(user_id: u64, role: u64) -> Who {
        Who {
            user_id,
            name: "lead",
            roles: vec![role],
            permissions: SEND_MESSAGES,
        }
    }
}

/// A user object.
pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(), "username": name, "discriminator": "0", "global_name": name,
        "avatar": null, "bot": bot, "public_flags": 0
    })
}

/// A guild member object as sent with an interaction.
pub fn member(who: &Who) -> Value {
    json!({
        "user": user(who.user_id, who.name, false),
        "nick": null, "avatar": null,
        "roles": who.roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": TIMESTAMP, "premium_since": null,
        "deaf": false, "mute": false, "flags": 0, "pending": false,
        "permissions": who.permissions.to_string(),
        "communication_disabled_until": null
    })
}

/// The application object (`GET /oauth2/applications/@me`, READY's `application`).
pub fn application() -> Value {
    json!({
        "id": APP_ID.to_string(), "name": "safeguarding-bot (test)", "icon": null,
        "description": "", "bot_public": false, "bot_require_code_grant": false,
        "verify_key": "00", "flags": 0, "team": null, "owner": user(1, "owner", false)
    })
}

/// The READY dispatch's `d`.
pub fn ready(ws_url: &str, session_id: &str) -> Value {
    json!({
        "v": 10,
        "user": {
            "id": BOT_ID.to_string(), "username": "safeguarding-bot", "discriminator": "0",
            "global_name": null, "avatar": null, "bot": true, "verified": true,
            "mfa_enabled": false, "flags": 0
        },
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": ws_url,
        "shard": [0, 1],
        "application": {"id": APP_ID.to_string(), "flags": 0},
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "_trace": ["fake-discord"]
    })
}

/// The channel the interaction was sent in: a text channel, or a thread (`type` 12).
pub fn channel(id: u64, thread: bool) -> Value {
    if thread {
        json!({
            "id": id.to_string(), "type": 12, "name": "triage", "guild_id": GUILD_ID.to_string(),
            "parent_id": CHANNEL_ID.to_string(), "permissions": "2147483647",
            "thread_metadata": {
                "archived": false, "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP, "locked": false, "invitable": false
            }
        })
    } else {
        json!({
            "id": id.to_string(), "type": 0, "name": "general", "guild_id": GUILD_ID.to_string(),
            "permissions": "2147483647", "nsfw": false, "parent_id": null
        })
    }
}

fn interaction(
    id: u64,
    token: &str,
    kind: u8,
    data: Value,
    who: &Who,
    channel_value: Value,
) -> Value {
    json!({
        "id": id.to_string(),
        "application_id": APP_ID.to_string(),
        "type": kind,
        "data": data,
        "guild_id": GUILD_ID.to_string(),
        "channel_id": channel_value["id"].clone(),
        "channel": channel_value,
        "member": member(who),
        "token": token,
        "version": 1,
        "app_permissions": "2147483647",
        "locale": "en-GB",
        "guild_locale": "en-GB",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0,
        "attachment_size_limit": 10_485_760
    })
}

/// A slash command (`type` 2) with string options.
pub fn command(
    id: u64,
    token: &str,
    name: &str,
    options: &[(&str, &str)],
    who: &Who,
    channel_value: Value,
) -> Value {
    let opts: Vec<Value> = options
        .iter()
        .map(|(n, v)| json!({"name": n, "type": 3, "value": v}))
        .collect();
    command_with(id, token, name, opts, who, channel_value)
}

/// A slash command with options given as Discord sends them (`{"name","type","value"}`), for
/// options that are not strings (a boolean is type 5).
pub fn command_with(
    id: u64,
    token: &str,
    name: &str,
    opts: Vec<Value>,
    who: &Who,
    channel_value: Value,
) -> Value {
    let data = json!({
        "id": (id + 7).to_string(), "name": name, "type": 1, "options": opts,
        "guild_id": GUILD_ID.to_string()
    });
    interaction(id, token, 2, data, who, channel_value)
}

/// A slash command sent in a DM with the bot: no guild, no member, only the user (Discord
/// sends `user` instead of `member` outside servers).
pub fn dm_command(id: u64, token: &str, name: &str, user_id: u64) -> Value {
    let dm_channel = (id + 3).to_string();
    json!({
        "id": id.to_string(),
        "application_id": APP_ID.to_string(),
        "type": 2,
        "data": {"id": (id + 7).to_string(), "name": name, "type": 1, "options": []},
        "channel_id": dm_channel,
        "channel": {"id": dm_channel, "type": 1, "recipients": [user(user_id, "practitioner", false)]},
        "user": user(user_id, "practitioner", false),
        "token": token,
        "version": 1,
        "app_permissions": "2147483647",
        "locale": "en-GB",
        "entitlements": [],
        "authorizing_integration_owners": {"1": user_id.to_string()},
        "context": 1,
        "attachment_size_limit": 10_485_760
    })
}

/// An autocomplete request (`type` 4) for one focused string option.
pub fn autocomplete(
    id: u64,
    token: &str,
    name: &str,
    option: &str,
    partial: &str,
    who: &Who,
) -> Value {
    let data = json!({
        "id": (id + 7).to_string(), "name": name, "type": 1,
        "options": [{"name": option, "type": 3, "value": partial, "focused": true}],
        "guild_id": GUILD_ID.to_string()
    });
    interaction(id, token, 4, data, who, channel(CHANNEL_ID, false))
}

/// A button click (`type` 3) on `message`.
pub fn component(
    id: u64,
    token: &str,
    custom_id: &str,
    message_value: Value,
    who: &Who,
    channel_value: Value,
) -> Value {
    let mut v = interaction(
        id,
        token,
        3,
        json!({"custom_id": custom_id, "component_type": 2}),
        who,
        channel_value,
    );
    v["message"] = message_value;
    v
}

/// A full message object, echoing the content, embeds and components of a request body.
pub fn message(id: u64, channel_id: u64, body: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": user(BOT_ID, "safeguarding-bot", true),
        "content": body.get("content").and_then(Value::as_str).unwrap_or(""),
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])),
        "pinned": false,
        "type": 0,
        "flags": body.get("flags").cloned().unwrap_or(json!(0))
    })
}

/// The thread channel `POST /channels/{id}/threads` returns.
pub fn thread(id: u64, parent: u64, body: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "type": body.get("type").cloned().unwrap_or(json!(11)),
        "guild_id": GUILD_ID.to_string(),
        "parent_id": parent.to_string(),
        "owner_id": BOT_ID.to_string(),
        "name": body.get("name").cloned().unwrap_or(json!("thread")),
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": body.get("auto_archive_duration").cloned().unwrap_or(json!(1440)),
            "archive_timestamp": TIMESTAMP,
            "locked": false,
            "invitable": body.get("invitable").cloned().unwrap_or(json!(false))
        },
        "total_message_sent": 0,
        "flags": 0
    })
}

/// The DM channel `POST /users/@me/channels` returns.
pub fn dm_channel(id: u64, recipient: u64) -> Value {
    json!({
        "id": id.to_string(), "type": 1, "last_message_id": null, "flags": 0,
        "recipients": [user(recipient, "practitioner", false)]
    })
}
