//! The neutral `Reply` → Discord messages: markdown with user text escaped,
//! embeds for posts and long answers (within Discord's limits), buttons, and
//! `allowed_mentions` that never ping anyone from text.

use hearth_bot::reply::{Button, Line, Reply, Span};
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage,
    EditInteractionResponse, MessageId, Nonce,
};

/// A message's `content`.
pub const CONTENT_LIMIT: usize = 2000;
/// One embed's description.
pub const EMBED_DESCRIPTION_LIMIT: usize = 4096;
/// All embeds of one message together.
pub const EMBEDS_TOTAL_LIMIT: usize = 6000;
/// A button's label and custom id.
const LABEL_LIMIT: usize = 80;
const CUSTOM_ID_LIMIT: usize = 100;
/// Buttons per row, rows per message.
const ROW_WIDTH: usize = 5;
const MAX_ROWS: usize = 5;
/// An attachment's description (its alt text).
const ATTACHMENT_DESCRIPTION_LIMIT: usize = 1024;
/// hearth's embed colour (a warm orange).
const EMBED_COLOUR: u32 = 0x00E0_7A3F;

/// A reply laid out for Discord.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub content: Option<String>,
    /// Embed descriptions, each within its limit, all within the total.
    pub embeds: Vec<String>,
    pub buttons: Vec<Button>,
    pub ephemeral: bool,
}

/// Lays a reply out: plain content when it fits and is not a post, embeds otherwise.
pub fn render(reply: &Reply, as_post: bool) -> Rendered {
    let text = reply.lines.iter().map(render_line).collect::<Vec<_>>().join("\n");
    let buttons = reply
        .buttons
        .iter()
        .filter(|b| b.command.chars().count() <= CUSTOM_ID_LIMIT)
        .take(ROW_WIDTH * MAX_ROWS)
        .cloned()
        .collect();
    let (content, embeds) = if !as_post && text.chars().count() <= CONTENT_LIMIT {
        (Some(text), Vec::new())
    } else {
        (None, embed_descriptions(&text))
    };
    Rendered { content, embeds, buttons, ephemeral: reply.ephemeral }
}

/// The answer to an interaction, in its HTTP response or its callback.
pub fn interaction_response(reply: &Reply) -> CreateInteractionResponse {
    let rendered = render(reply, false);
    let mut message = CreateInteractionResponseMessage::new()
        .allowed_mentions(no_pings())
        .ephemeral(rendered.ephemeral)
        .components(rows(&rendered.buttons));
    if let Some(content) = rendered.content {
        message = message.content(content);
    }
    message = message.embeds(rendered.embeds.into_iter().map(embed).collect());
    CreateInteractionResponse::Message(message)
}

/// The answer that replaces a deferred response ("hearth is thinking…").
pub fn edited_response(reply: &Reply) -> EditInteractionResponse {
    let rendered = render(reply, false);
    EditInteractionResponse::new()
        .content(rendered.content.unwrap_or_default())
        .embeds(rendered.embeds.into_iter().map(embed).collect())
        .components(rows(&rendered.buttons))
        .allowed_mentions(no_pings())
}

/// A private answer after a public deferral: a deferral's visibility cannot
/// change, so the answer goes out as an ephemeral follow-up.
pub fn ephemeral_followup(reply: &Reply) -> CreateInteractionResponseFollowup {
    let rendered = render(reply, false);
    let mut followup = CreateInteractionResponseFollowup::new()
        .ephemeral(true)
        .embeds(rendered.embeds.into_iter().map(embed).collect())
        .components(rows(&rendered.buttons))
        .allowed_mentions(no_pings());
    if let Some(content) = rendered.content {
        followup = followup.content(content);
    }
    followup
}

/// A message outside any interaction (a welcome, an answer to a reply):
/// plain content when it fits, optionally as a reply that does not ping.
pub fn channel_message(reply: &Reply, reply_to: Option<(ChannelId, MessageId)>) -> CreateMessage {
    let rendered = render(reply, false);
    let mut message = CreateMessage::new()
        .embeds(rendered.embeds.into_iter().map(embed).collect())
        .components(rows(&rendered.buttons))
        .allowed_mentions(no_pings().replied_user(false));
    if let Some(content) = rendered.content {
        message = message.content(content);
    }
    if let Some(original) = reply_to {
        message = message.reference_message(original);
    }
    message
}

/// A chart drawn for a post: sent as the message's attachment and shown
/// in its last embed.
pub struct ChartImage {
    /// `digest-2026-03-16.png`: ASCII only, as `attachment://` needs.
    pub file_name: String,
    pub alt: String,
    pub png: Vec<u8>,
}

/// A scheduled post: embeds, buttons, and the outbox id as a nonce Discord
/// enforces, so a retry after an unclear failure never posts twice. A
/// chart goes along as an attachment (multipart: `payload_json` and
/// `files[0]`) that the last embed shows as its image.
pub fn post_message(reply: &Reply, outbox_id: i64, image: Option<ChartImage>) -> CreateMessage {
    let rendered = render(reply, true);
    let mut embeds: Vec<CreateEmbed> = rendered.embeds.into_iter().map(embed).collect();
    let mut message = CreateMessage::new();
    if let Some(image) = image {
        let shown = format!("attachment://{}", image.file_name);
        match embeds.pop() {
            Some(last) => embeds.push(last.image(shown)),
            None => embeds.push(CreateEmbed::new().image(shown).colour(EMBED_COLOUR)),
        }
        let alt: String = image.alt.chars().take(ATTACHMENT_DESCRIPTION_LIMIT).collect();
        message = message.add_file(CreateAttachment::bytes(image.png, image.file_name).description(alt));
    }
    message
        .embeds(embeds)
        .components(rows(&rendered.buttons))
        .allowed_mentions(no_pings())
        .nonce(Nonce::String(format!("hearth-{outbox_id}")))
        .enforce_nonce(true)
}

/// Mentions never notify: not @everyone, not roles, not users.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().everyone(false).all_roles(false).all_users(false)
}

fn embed(description: String) -> CreateEmbed {
    CreateEmbed::new().description(description).colour(EMBED_COLOUR)
}

fn rows(buttons: &[Button]) -> Vec<CreateActionRow> {
    buttons
        .chunks(ROW_WIDTH)
        .map(|chunk| {
            CreateActionRow::Buttons(
                chunk
                    .iter()
                    .map(|b| {
                        let label: String = b.label.chars().take(LABEL_LIMIT).collect();
                        CreateButton::new(b.command.clone()).label(label).style(ButtonStyle::Primary)
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Splits text at line boundaries into embed descriptions; what passes the
/// total limit is cut with an ellipsis.
fn embed_descriptions(text: &str) -> Vec<String> {
    let mut embeds: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut total = 0;
    for line in text.split('\n') {
        let line: String = if line.chars().count() > EMBED_DESCRIPTION_LIMIT {
            line.chars().take(EMBED_DESCRIPTION_LIMIT - 1).chain(['…']).collect()
        } else {
            line.to_string()
        };
        let len = line.chars().count();
        let needed = if current.is_empty() { len } else { len + 1 };
        if total + needed > EMBEDS_TOTAL_LIMIT {
            let room = EMBEDS_TOTAL_LIMIT.saturating_sub(total + 1);
            if room > 1 && current.chars().count() + room < EMBED_DESCRIPTION_LIMIT {
                if !current.is_empty() {
                    current.push('\n');
                }
                current.extend(line.chars().take(room - 1).chain(['…']));
            }
            break;
        }
        if current.chars().count() + needed > EMBED_DESCRIPTION_LIMIT {
            embeds.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
        total += needed;
    }
    if !current.is_empty() {
        embeds.push(current);
    }
    embeds
}

fn render_line(line: &Line) -> String {
    line.0.iter().map(render_span).collect()
}

fn render_span(span: &Span) -> String {
    match span {
        Span::Plain(text) | Span::Mention { name: text, .. } => escape(text),
        Span::Bold(text) => format!("**{}**", escape(text)),
        Span::Italic(text) => format!("*{}*", escape(text)),
        // Inside a code span nothing is markdown; only a backtick could end it.
        Span::Code(text) => format!("`{}`", text.replace('`', "ˋ")),
        Span::Link { text, url } if url.starts_with("https://") || url.starts_with("http://") => {
            format!("[{}](<{}>)", escape(text), url.replace(['<', '>', ' '], ""))
        }
        Span::Link { text, .. } => escape(text),
    }
}

/// Backslash-escapes Discord markdown, and breaks `@everyone`/`@here` and
/// `<@…>` so they read as text even where mentions are allowed. `#`, `>` and
/// `-` only mean something at the start of a line, so only there are they
/// escaped (a span may start a line).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut at_start = true;
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '>' | '-' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
        at_start = at_start && c.is_whitespace();
    }
    out
}
