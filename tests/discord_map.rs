//! The triage map on Discord, end to end against the fake Discord (tests/support): the summary's
//! "Show the path" button attaches the PNG of the path taken (its owner only), `/triage
//! map:True` attaches the whole map, drawn from the live tree (so after `/reload`, the new one);
//! both as multipart bodies (`payload_json` + `files[0]`) that conform to Discord's OpenAPI
//! description (checked by `Bot::finish`).
//!
//! Run: `cargo test --test discord_map`.

mod support;

use safeguarding_bot::triage::map::{Format, Map};
use safeguarding_bot::triage::Path;
use serde_json::{json, Value};
use support::{custom_ids, flags, payloads, text_of, Bot, Knowledge, Recorded, Who, ADMIN_ROLE};

const EPHEMERAL: u64 = 64;

fn alice() -> Who {
    Who::member(910_000_000_000_000_001)
}

fn bob() -> Who {
    Who::member(910_000_000_000_000_002)
}

/// Clicks the button `custom_id` on the message `body` in `thread`; returns what was sent.
async fn click(bot: &Bot, who: &Who, thread: u64, body: &Value, custom_id: &str) -> support::Sent {
    let message = payloads::message(
        bot.fake.next_id(),
        thread,
        &body.get("data").unwrap_or(body).clone(),
    );
    bot.click(who, custom_id, message).await
}

/// Answers `action` on the question `body`; returns the updated message.
async fn answer(bot: &Bot, who: &Who, thread: u64, body: &Value, action: &str) -> Value {
    let id = custom_ids(body)
        .into_iter()
        .find(|id| id.starts_with("tr:") && id.ends_with(&format!(":{action}")))
        .unwrap_or_else(|| panic!("no {action} button in {:?}", custom_ids(body)));
    let sent = click(bot, who, thread, body, &id).await;
    bot.callback(&sent).await.body.unwrap()
}

/// The one attached file of a multipart request: (file name, content type, bytes).
fn attachment(r: &Recorded) -> (String, String, Vec<u8>) {
    let parts = r
        .multipart
        .clone()
        .unwrap_or_else(|| panic!("{} {} is not multipart", r.method, r.path))
        .expect("a well-formed multipart body");
    let files: Vec<_> = parts
        .iter()
        .filter(|p| p.name.starts_with("files["))
        .collect();
    assert_eq!(files.len(), 1, "one file attached");
    assert_eq!(files[0].name, "files[0]");
    let f = files[0];
    (
        f.filename.clone().unwrap_or_default(),
        f.content_type.clone().unwrap_or_default(),
        f.data.clone(),
    )
}

fn png_width(bytes: &[u8]) -> u32 {
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    reader.info().width
}

/// What the live tree of `bot` draws, as PNG.
fn expected_png(bot: &Bot, path: Option<&Path>) -> Vec<u8> {
    let live = bot.handle.as_ref().unwrap().live().current();
    Map::new(&live.triage, &live.knowledge.manifest.version)
        .render(path, Format::Png)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_the_path_attaches_the_map_of_the_answers_given_to_their_owner_only() {
    let bot = Bot::start(Knowledge::Dir, |_| {}).await;
    let (thread, first) = bot.open_triage(&alice()).await;
    // No "Show the path" before there is an outcome.
    assert!(!custom_ids(&first).iter().any(|id| id.starts_with("trmap:")));
    let mut body = first;
    let answers = [
        ("immediate_danger", "no"),
        ("adult_in_position_of_trust", "no"),
        ("incident_type", "bullying"),
        ("bullying_severe", "yes"),
    ];
    for (_, value) in answers {
        body = answer(&bot, &alice(), thread, &body, value).await;
    }
    // "Check your answers" first: no map there; Confirm shows the summary.
    assert!(!custom_ids(&body).iter().any(|id| id.starts_with("trmap:")));
    body = answer(&bot, &alice(), thread, &body, "rv:confirm").await;
    assert!(
        text_of(&body).contains("Severe online bullying"),
        "{}",
        text_of(&body)
    );
    let map_button = custom_ids(&body)
        .into_iter()
        .find(|id| id.starts_with("trmap:"))
        .expect("a Show the path button on the summary");
    assert!(map_button.len() <= 100);
    assert!(body.to_string().contains("Show the path"));

    // Someone else is refused, privately, and gets no picture.
    let sent = click(&bot, &bob(), thread, &body, &map_button).await;
    let refused = bot.callback(&sent).await.body.unwrap();
    assert_eq!(refused["type"], 4);
    assert_eq!(flags(&refused) & EPHEMERAL, EPHEMERAL);
    assert!(
        text_of(&refused).contains("Only the person who ran this triage"),
        "{}",
        text_of(&refused)
    );

    // The owner gets the map with her path, privately.
    let sent = click(&bot, &alice(), thread, &body, &map_button).await;
    let ack = bot.callback(&sent).await.body.unwrap();
    assert_eq!(ack["type"], 5, "deferred while the picture is drawn");
    assert_eq!(flags(&ack) & EPHEMERAL, EPHEMERAL);
    let reply = bot.followup(&sent, 0).await;
    let payload = reply.body.clone().expect("payload_json");
    assert_eq!(flags(&payload) & EPHEMERAL, EPHEMERAL);
    assert!(text_of(&payload).contains("999"), "{}", text_of(&payload));
    assert_eq!(payload["attachments"][0]["filename"], "triage-path.png");
    assert!(payload["attachments"][0]["description"]
        .as_str()
        .is_some_and(|d| d.contains("path")));
    let (name, kind, bytes) = attachment(&reply);
    assert_eq!(name, "triage-path.png");
    assert!(kind.starts_with("image/png"), "{kind}");
    assert!(png_width(&bytes) >= 800);
    let path = Path::decode(
        &answers
            .iter()
            .map(|(q, v)| format!("{q}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
    .unwrap();
    assert!(
        bytes == expected_png(&bot, Some(&path)),
        "the picture is the map of these answers"
    );
    assert!(
        bytes != expected_png(&bot, None),
        "and not the map without a path"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_map_attaches_the_whole_map_drawn_from_the_live_tree_even_after_reload() {
    let bot = Bot::start(Knowledge::Dir, |_| {}).await;
    let map_option = || vec![json!({"name": "map", "type": 5, "value": true})];
    let sent = bot.command_with(&alice(), "triage", map_option()).await;
    let ack = bot.callback(&sent).await.body.unwrap();
    assert_eq!(ack["type"], 5);
    assert_eq!(flags(&ack) & EPHEMERAL, EPHEMERAL);
    let reply = bot.followup(&sent, 0).await;
    let (name, _, before) = attachment(&reply);
    assert_eq!(name, "triage-map.png");
    assert!(
        before == expected_png(&bot, None),
        "the map of the served tree"
    );
    assert!(
        !bot.since(&sent)
            .iter()
            .any(|r| r.path.ends_with("/threads")),
        "the map starts no triage"
    );

    // Reword a question and reload: the next map is drawn from the new tree.
    let file = bot.knowledge_dir().join("triage.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let old = "short = \"Child in immediate danger\"";
    assert!(text.contains(old));
    std::fs::write(
        &file,
        text.replace(old, "short = \"Is a child in danger right now\""),
    )
    .unwrap();
    let admin = Who::with_role(910_000_000_000_000_009, ADMIN_ROLE);
    let sent = bot.command(&admin, "reload", &[]).await;
    let done = text_of(bot.followup(&sent, 0).await.body.as_ref().unwrap());
    assert!(!done.contains("Reload failed"), "{done}");
    let live = bot.handle.as_ref().unwrap().live().current();
    assert_eq!(live.triage.start().short, "Is a child in danger right now");

    let sent = bot.command_with(&alice(), "triage", map_option()).await;
    let (_, _, after) = attachment(&bot.followup(&sent, 0).await);
    assert!(after != before, "the map changed with the tree");
    assert!(
        after == expected_png(&bot, None),
        "the map of the reloaded tree"
    );
    bot.finish().await;
}

#[test]
fn the_multipart_check_rejects_what_discord_would() {
    use support::multipart::{boundary, parse, Part};
    let Some(spec) = support::openapi::spec() else {
        println!("skipped: Discord OpenAPI check (spec not found)");
        return;
    };
    let path = format!("/api/v10/webhooks/{}/tok", support::APP_ID);
    let file = |name: &str| Part {
        name: name.into(),
        filename: Some("map.png".into()),
        content_type: Some("image/png".into()),
        data: b"\x89PNG".to_vec(),
    };
    let payload = |v: Value| Part {
        name: "payload_json".into(),
        filename: None,
        content_type: Some("application/json".into()),
        data: v.to_string().into_bytes(),
    };
    let good = json!({"content": "x", "attachments": [{"id": "0", "filename": "map.png"}]});
    assert_eq!(
        spec.validate_multipart("POST", &path, &[payload(good.clone()), file("files[0]")]),
        Ok(())
    );
    // The attachment id as a number: Discord describes it as a snowflake string.
    let numeric = json!({"attachments": [{"id": 0, "filename": "map.png"}]});
    assert!(spec
        .validate_multipart("POST", &path, &[payload(numeric), file("files[0]")])
        .is_err());
    // An attachment naming no file part; no payload_json; content too long; a stray part.
    assert!(spec
        .validate_multipart("POST", &path, &[payload(good.clone()), file("files[1]")])
        .is_err());
    assert!(spec
        .validate_multipart("POST", &path, &[file("files[0]")])
        .is_err());
    let long = json!({"content": "x".repeat(2001)});
    assert!(spec
        .validate_multipart("POST", &path, &[payload(long)])
        .is_err());
    assert!(spec
        .validate_multipart("POST", &path, &[payload(good), file("picture")])
        .is_err());

    // And the reader of multipart bodies itself.
    let b = boundary("multipart/form-data; boundary=\"xyz\"").unwrap();
    assert_eq!(b, "xyz");
    let body = b"--xyz\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n{}\r\n--xyz\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nAB\r\nC\r\n--xyz--\r\n";
    let parts = parse(body, &b).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1].data, b"AB\r\nC");
    assert_eq!(parts[1].filename.as_deref(), Some("a.png"));
    assert!(parse(b"--xyz\r\nno end", &b).is_err());
    assert!(boundary("application/json").is_none());
}
