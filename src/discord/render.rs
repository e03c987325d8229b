//! [`Reply`] → Discord messages, always within Discord's limits.
//!
//! Discord rejects a whole message if any limit is exceeded (title 256, description 4096,
//! 25 fields of name 256 / value 1024, footer 2048, 6000 characters across a message's embeds,
//! 10 embeds, content 2000, custom_id 100, 5 rows of 5 buttons). A rejected answer is the worst
//! outcome for a safeguarding bot, so nothing is ever cut silently and nothing is ever too long:
//! long text is split at line or word boundaries into continuation fields and embeds, and embeds
//! are packed into as many messages as needed (the first answers the interaction, the rest are
//! follow-ups). Every answer carries its citations and, where risk is involved, the emergency
//! line first.
//!
//! Rendering produces plain [`MessageOut`] values (easy to check in tests) that convert to
//! serenity builders at the edge.

use ::serenity::all as serenity;

use super::custom_id::CUSTOM_ID_MAX;
use crate::reply::{ButtonStyle, Reply, ReplyKind};

/// Embed title limit.
pub const TITLE_MAX: usize = 256;
/// Embed description limit.
pub const DESCRIPTION_MAX: usize = 4096;
/// Fields per embed.
pub const FIELDS_MAX: usize = 25;
/// Field name limit.
pub const FIELD_NAME_MAX: usize = 256;
/// Field value limit.
pub const FIELD_VALUE_MAX: usize = 1024;
/// Footer text limit.
pub const FOOTER_MAX: usize = 2048;
/// Characters across all embeds of one message.
pub const MESSAGE_EMBED_TOTAL_MAX: usize = 6000;
/// Embeds per message.
pub const EMBEDS_MAX: usize = 10;
/// Message content limit.
pub const CONTENT_MAX: usize = 2000;
/// Button label limit.
pub const LABEL_MAX: usize = 80;
/// Buttons per action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows per message.
pub const ROWS_MAX: usize = 5;

/// Length as Discord may count it. UTF-16 code units: never less than the number of characters,
/// so staying under a limit by this measure stays under it by any.
pub fn width(s: &str) -> usize {
    s.encode_utf16().count()
}

/// One embed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldOut {
    /// Name (≤ 256).
    pub name: String,
    /// Value (≤ 1024, never empty).
    pub value: String,
    /// Shown side by side with neighbours.
    pub inline: bool,
}

/// One embed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbedOut {
    /// Title (≤ 256).
    pub title: Option<String>,
    /// Description (≤ 4096).
    pub description: Option<String>,
    /// Fields (≤ 25).
    pub fields: Vec<FieldOut>,
    /// Footer (≤ 2048).
    pub footer: Option<String>,
    /// Side colour.
    pub colour: u32,
}

impl EmbedOut {
    /// Characters this embed counts towards the 6000 per message.
    pub fn total(&self) -> usize {
        self.title.as_deref().map_or(0, width)
            + self.description.as_deref().map_or(0, width)
            + self
                .fields
                .iter()
                .map(|f| width(&f.name) + width(&f.value))
                .sum::<usize>()
            + self.footer.as_deref().map_or(0, width)
    }

    fn to_serenity(&self) -> serenity::CreateEmbed {
        let mut e = serenity::CreateEmbed::new().colour(self.colour);
        if let Some(t) = &self.title {
            e = e.title(t);
        }
        if let Some(d) = &self.description {
            e = e.description(d);
        }
        for f in &self.fields {
            e = e.field(&f.name, &f.value, f.inline);
        }
        if let Some(f) = &self.footer {
            e = e.footer(serenity::CreateEmbedFooter::new(f));
        }
        e
    }
}

/// A button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonOut {
    /// Routed back by the click router; format in [`super::custom_id`] (≤ 100).
    pub custom_id: String,
    /// What the user sees (≤ 80).
    pub label: String,
    /// Look.
    pub style: ButtonStyle,
}

impl ButtonOut {
    /// A button; the label is shortened to fit. Returns `None` (and logs) if the custom id is too
    /// long, because Discord would reject the whole message.
    pub fn new(custom_id: String, label: &str, style: ButtonStyle) -> Option<ButtonOut> {
        if custom_id.is_empty() || custom_id.chars().count() > CUSTOM_ID_MAX {
            tracing::warn!(
                len = custom_id.len(),
                "button dropped: custom_id longer than 100"
            );
            return None;
        }
        let label = if label.trim().is_empty() {
            "…".to_string()
        } else {
            truncate(label, LABEL_MAX)
        };
        Some(ButtonOut {
            custom_id,
            label,
            style,
        })
    }
}

/// One message: content, embeds and buttons, each within its limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageOut {
    /// Plain text above the embeds (≤ 2000).
    pub content: Option<String>,
    /// Embeds (≤ 10, ≤ 6000 characters together).
    pub embeds: Vec<EmbedOut>,
    /// Buttons, laid out 5 per row, at most 5 rows.
    pub buttons: Vec<ButtonOut>,
}

impl MessageOut {
    /// Sets the content, shortened to fit.
    pub fn with_content(mut self, content: &str) -> Self {
        self.content = Some(truncate(content, CONTENT_MAX));
        self
    }

    /// Characters across the embeds.
    pub fn embed_total(&self) -> usize {
        self.embeds.iter().map(EmbedOut::total).sum()
    }

    /// The embeds as serenity builders.
    pub fn serenity_embeds(&self) -> Vec<serenity::CreateEmbed> {
        self.embeds.iter().map(EmbedOut::to_serenity).collect()
    }

    /// The buttons as action rows (5 per row, at most 5 rows; extra buttons are dropped).
    pub fn action_rows(&self) -> Vec<serenity::CreateActionRow> {
        self.buttons
            .chunks(BUTTONS_PER_ROW)
            .take(ROWS_MAX)
            .map(|row| {
                serenity::CreateActionRow::Buttons(
                    row.iter()
                        .map(|b| {
                            serenity::CreateButton::new(&b.custom_id)
                                .label(&b.label)
                                .style(match b.style {
                                    ButtonStyle::Primary => serenity::ButtonStyle::Primary,
                                    ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
                                    ButtonStyle::Danger => serenity::ButtonStyle::Danger,
                                })
                        })
                        .collect(),
                )
            })
            .collect()
    }

    /// As an interaction response message (the first answer to a command or a click).
    pub fn to_interaction(&self, ephemeral: bool) -> serenity::CreateInteractionResponseMessage {
        let mut m = serenity::CreateInteractionResponseMessage::new()
            .embeds(self.serenity_embeds())
            .components(self.action_rows())
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .ephemeral(ephemeral);
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        m
    }

    /// As an interaction follow-up.
    pub fn to_followup(&self, ephemeral: bool) -> serenity::CreateInteractionResponseFollowup {
        let mut m = serenity::CreateInteractionResponseFollowup::new()
            .embeds(self.serenity_embeds())
            .components(self.action_rows())
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .ephemeral(ephemeral);
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        m
    }

    /// As a plain channel message (posted into a triage thread).
    pub fn to_channel_message(&self) -> serenity::CreateMessage {
        let mut m = serenity::CreateMessage::new()
            .embeds(self.serenity_embeds())
            .components(self.action_rows())
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        if let Some(c) = &self.content {
            m = m.content(c);
        }
        m
    }
}

/// The side colour for a kind of reply.
pub fn colour(kind: ReplyKind) -> u32 {
    match kind {
        ReplyKind::Answer => 0x2b6cb0,
        ReplyKind::NoMatch => 0xdd6b20,
        ReplyKind::Info => 0x4a5568,
        ReplyKind::TriageStep => 0x6b46c1,
        ReplyKind::TriageReview => 0x6b46c1,
        ReplyKind::TriageSummary => 0x2f855a,
        ReplyKind::Error => 0xc53030,
    }
}

/// Renders a reply as one or more messages without buttons (the caller adds them, usually to the
/// last message).
pub fn render(reply: &Reply) -> Vec<MessageOut> {
    let mut b = Builder::new(colour(reply.kind));
    let mut description = String::new();
    if let Some(e) = &reply.emergency {
        description.push_str(&format!("🚨 **{e}**"));
    }
    // A situation's lead is the title (the embed's first line); the body repeats it first for
    // the console and `ask --json`, so here it is left out when the title holds it whole.
    let body = match reply.body.split_once('\n') {
        Some((first, rest))
            if reply.situation.is_some() && first == reply.title && width(first) <= TITLE_MAX =>
        {
            rest
        }
        _ => reply.body.as_str(),
    };
    if !body.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(body);
    }
    b.embed(Some(&reply.title), &description);
    for f in &reply.fields {
        b.field(&f.name, &f.value, false);
    }
    for (i, h) in reply.results.iter().enumerate() {
        let snippet = h.shown_snippet().unwrap_or_default();
        b.embed(Some(&format!("{}. {}", i + 1, h.title)), snippet);
        for f in &h.fields {
            let inline = width(&f.value) <= 40 && !f.value.contains('\n');
            b.field(&f.name, &f.value, inline);
        }
        for n in &h.notes {
            b.field("Currency note", n, false);
        }
        b.field("Source", &h.citation.render(), false);
    }
    if !reply.citations.is_empty() {
        let sources = reply
            .citations
            .iter()
            .map(|c| format!("• {}", c.render()))
            .collect::<Vec<_>>()
            .join("\n");
        b.field("Sources", &sources, false);
    }
    for n in &reply.notes {
        b.field("Note", n, false);
    }
    if !reply.suggestions.is_empty() {
        b.footer(&format!("Next: {}", reply.suggestions.join(" · ")));
    }
    pack(b.finish())
}

/// Messages carrying embeds received from Discord again (a private answer shared publicly),
/// re-checked against every limit on the way. Empty when there are no embeds.
pub fn rebuild(embeds: &[serenity::Embed]) -> Vec<MessageOut> {
    let Some(first) = embeds.first() else {
        return Vec::new();
    };
    let mut b = Builder::new(first.colour.map_or(colour(ReplyKind::Answer), |c| c.0));
    for e in embeds {
        b.embed(e.title.as_deref(), e.description.as_deref().unwrap_or(""));
        for f in &e.fields {
            b.field(&f.name, &f.value, f.inline);
        }
        if let Some(f) = &e.footer {
            b.footer(&f.text);
        }
    }
    pack(b.finish())
}

/// Packs embeds into messages of at most 10 embeds and 6000 characters.
pub fn pack(embeds: Vec<EmbedOut>) -> Vec<MessageOut> {
    let mut out: Vec<MessageOut> = Vec::new();
    let mut cur = MessageOut::default();
    for e in embeds {
        if !cur.embeds.is_empty()
            && (cur.embeds.len() >= EMBEDS_MAX
                || cur.embed_total() + e.total() > MESSAGE_EMBED_TOTAL_MAX)
        {
            out.push(std::mem::take(&mut cur));
        }
        cur.embeds.push(e);
    }
    if !cur.embeds.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Builds embeds, opening a continuation embed whenever the next piece would not fit.
struct Builder {
    embeds: Vec<EmbedOut>,
    colour: u32,
}

impl Builder {
    fn new(colour: u32) -> Self {
        Self {
            embeds: Vec::new(),
            colour,
        }
    }

    fn current(&mut self) -> &mut EmbedOut {
        if self.embeds.is_empty() {
            self.push(EmbedOut::default());
        }
        self.embeds.last_mut().expect("just pushed")
    }

    fn push(&mut self, mut e: EmbedOut) {
        e.colour = self.colour;
        self.embeds.push(e);
    }

    /// Starts a new embed with a title and description (split over continuation embeds if long).
    fn embed(&mut self, title: Option<&str>, description: &str) {
        let title = title
            .filter(|t| !t.trim().is_empty())
            .map(|t| truncate(t, TITLE_MAX));
        let mut chunks = split_text(description, DESCRIPTION_MAX).into_iter();
        let first = chunks.next();
        self.push(EmbedOut {
            title,
            description: first,
            ..EmbedOut::default()
        });
        for c in chunks {
            self.push(EmbedOut {
                description: Some(c),
                ..EmbedOut::default()
            });
        }
    }

    /// Adds a field to the current embed (split into continuation fields if long).
    fn field(&mut self, name: &str, value: &str, inline: bool) {
        let name = if name.trim().is_empty() {
            "\u{200b}".to_string()
        } else {
            truncate(name, FIELD_NAME_MAX - 10)
        };
        for (i, chunk) in split_text(value, FIELD_VALUE_MAX).into_iter().enumerate() {
            let name = if i == 0 {
                name.clone()
            } else {
                format!("{name} (cont.)")
            };
            let f = FieldOut {
                name,
                value: chunk,
                inline,
            };
            let needed = width(&f.name) + width(&f.value);
            let cur = self.current();
            if cur.fields.len() >= FIELDS_MAX || cur.total() + needed > MESSAGE_EMBED_TOTAL_MAX {
                self.push(EmbedOut::default());
            }
            self.current().fields.push(f);
        }
    }

    /// Sets the footer of the last embed.
    fn footer(&mut self, text: &str) {
        let text = truncate(text, FOOTER_MAX);
        let needed = width(&text);
        if self.current().total() + needed > MESSAGE_EMBED_TOTAL_MAX {
            self.push(EmbedOut::default());
        }
        self.current().footer = Some(text);
    }

    fn finish(self) -> Vec<EmbedOut> {
        self.embeds
            .into_iter()
            .map(|mut e| {
                // An embed needs at least one of title, description, fields.
                if e.title.is_none() && e.description.is_none() && e.fields.is_empty() {
                    e.description = Some("\u{200b}".into());
                }
                e
            })
            .collect()
    }
}

/// Shortens `s` to at most `max` (by [`width`]), ending with an ellipsis when cut.
pub fn truncate(s: &str, max: usize) -> String {
    crate::text::shorten_by(s, max, char::len_utf16).into_owned()
}

/// Splits `s` into pieces of at most `max` (by [`width`]), preferring line breaks, then spaces.
/// Empty or blank text gives no pieces.
pub fn split_text(s: &str, max: usize) -> Vec<String> {
    let s = s.trim_end();
    if s.trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = s;
    while width(rest) > max {
        // The longest prefix within `max`.
        let mut end = 0;
        let mut w = 0;
        for (i, c) in rest.char_indices() {
            if w + c.len_utf16() > max {
                break;
            }
            w += c.len_utf16();
            end = i + c.len_utf8();
        }
        let head = &rest[..end];
        let cut = head
            .rfind('\n')
            .filter(|&i| i > end / 2)
            .or_else(|| head.rfind(' ').filter(|&i| i > end / 2))
            .map(|i| i + 1)
            .unwrap_or(end);
        let piece = rest[..cut].trim_end();
        if !piece.is_empty() {
            out.push(piece.to_string());
        }
        rest = rest[cut..].trim_start_matches('\n');
    }
    if !rest.trim().is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// A message only the clicker sees: why a button did nothing, or that there was nothing to
/// post (a handler sends it as its answer). Every private note is made here,
/// so each is cut to Discord's limit the same way.
pub fn private_note(text: &str) -> serenity::CreateInteractionResponse {
    serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(truncate(text, CONTENT_MAX))
            .ephemeral(true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Citation, RecordKind};
    use crate::reply::{Field, Hit};

    fn citation(i: usize) -> Citation {
        Citation {
            document_id: "doc".into(),
            document: "Test Guidance".into(),
            section_id: format!("doc.s{i}"),
            section: format!("Section {i}"),
        }
    }

    fn check_limits(messages: &[MessageOut]) {
        assert!(!messages.is_empty());
        for m in messages {
            assert!(m.embeds.len() <= EMBEDS_MAX, "{} embeds", m.embeds.len());
            assert!(
                m.embed_total() <= MESSAGE_EMBED_TOTAL_MAX,
                "{}",
                m.embed_total()
            );
            if let Some(c) = &m.content {
                assert!(width(c) <= CONTENT_MAX);
            }
            for e in &m.embeds {
                assert!(e.title.as_deref().map_or(0, width) <= TITLE_MAX);
                assert!(e.description.as_deref().map_or(0, width) <= DESCRIPTION_MAX);
                assert!(e.footer.as_deref().map_or(0, width) <= FOOTER_MAX);
                assert!(e.fields.len() <= FIELDS_MAX);
                assert!(e.title.is_some() || e.description.is_some() || !e.fields.is_empty());
                for f in &e.fields {
                    assert!(!f.name.is_empty() && width(&f.name) <= FIELD_NAME_MAX);
                    assert!(!f.value.is_empty() && width(&f.value) <= FIELD_VALUE_MAX);
                }
            }
            assert!(m.buttons.len() <= BUTTONS_PER_ROW * ROWS_MAX);
        }
    }

    fn text_of(messages: &[MessageOut]) -> String {
        let mut s = String::new();
        for m in messages {
            for e in &m.embeds {
                for t in [&e.title, &e.description, &e.footer].into_iter().flatten() {
                    s.push_str(t);
                    s.push('\n');
                }
                for f in &e.fields {
                    s.push_str(&f.name);
                    s.push('\n');
                    s.push_str(&f.value);
                    s.push('\n');
                }
            }
        }
        s
    }

    fn huge_reply(unit: &str, n: usize) -> Reply {
        let mut r = Reply::new("search", "q", ReplyKind::Answer, unit.repeat(400)).with_emergency();
        r.body = unit.repeat(n * 10);
        r.fields = (0..40)
            .map(|i| Field::new(format!("F{i}{}", unit.repeat(300)), unit.repeat(n)))
            .collect();
        r.results = (0..12)
            .map(|i| Hit {
                id: format!("h{i}"),
                kind: RecordKind::Section,
                title: unit.repeat(300),
                body: String::new(),
                snippet: unit.repeat(n * 5),
                fields: vec![
                    Field::new("Phone", "999"),
                    Field::new("Long", unit.repeat(n)),
                ],
                citation: citation(i),
                notes: vec![unit.repeat(n)],
                score: 1.0,
            })
            .collect();
        r.citations = (0..30).map(citation).collect();
        r.notes = vec![unit.repeat(n * 3); 4];
        r.suggestions = vec![unit.repeat(1000); 4];
        r
    }

    #[test]
    fn huge_replies_stay_within_every_limit() {
        for unit in ["word ", "x", "🚨 ", "line\n"] {
            let r = huge_reply(unit, 1500);
            let messages = render(&r);
            check_limits(&messages);
            assert!(messages.len() > 1);
            let all = text_of(&messages);
            // Nothing that matters is lost: emergency, every citation, every hit.
            assert!(all.contains("call 999"));
            for i in 0..12 {
                assert!(all.contains(&format!("[doc.s{i}]")), "citation {i} missing");
            }
        }
    }

    #[test]
    fn small_reply_is_one_message_with_citation() {
        let mut r = Reply::new("whocall", "q", ReplyKind::Answer, "Contacts").with_emergency();
        r.body = "**Police: 999**".into();
        r.results.push(Hit {
            id: "police-999".into(),
            kind: RecordKind::Contact,
            title: "Police".into(),
            body: String::new(),
            snippet: String::new(),
            fields: vec![Field::new("Phone", "999")],
            citation: citation(1),
            notes: vec![],
            score: 1.0,
        });
        let m = render(&r);
        check_limits(&m);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].embeds.len(), 2);
        assert_eq!(m[0].embeds[1].fields[0].value, "999");
        assert!(text_of(&m).contains("Source\nTest Guidance, Section 1 [doc.s1]"));
    }

    #[test]
    fn splitting_prefers_boundaries_and_keeps_everything() {
        let text = "alpha beta gamma\ndelta epsilon\nzeta";
        let parts = split_text(text, 14);
        assert!(parts.iter().all(|p| width(p) <= 14), "{parts:?}");
        assert_eq!(
            parts.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(split_text("  \n ", 10).is_empty());
        assert_eq!(split_text(&"y".repeat(25), 10).len(), 3);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(width(&truncate(&"🚨".repeat(10), 5)), 5);
    }

    #[test]
    fn buttons_respect_custom_id_and_label_limits() {
        assert!(ButtonOut::new("x".repeat(101), "a", ButtonStyle::Primary).is_none());
        let b = ButtonOut::new("x".repeat(100), &"l".repeat(200), ButtonStyle::Primary).unwrap();
        assert_eq!(width(&b.label), LABEL_MAX);
        let m = MessageOut {
            buttons: (0..30)
                .map(|i| ButtonOut::new(format!("b{i}"), "b", ButtonStyle::Primary).unwrap())
                .collect(),
            ..MessageOut::default()
        };
        assert_eq!(m.action_rows().len(), ROWS_MAX);
    }
}
