//! The neutral `Reply` → Telegram HTML messages and an inline keyboard.
//!
//! Every piece of text is escaped: user text can never open a tag, and a
//! mention is shown as a name, never as a link that pings.

use hearth_bot::reply::{Button, Line, Reply, Span};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// Telegram's limit for one message's text.
pub const MESSAGE_LIMIT: usize = 4096;
/// Telegram's limit for a photo's caption, in characters after entity
/// parsing (tags gone, `&amp;` one character), counted as UTF-16 units.
pub const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit for a callback answer (a toast).
pub const TOAST_LIMIT: usize = 200;
/// Telegram's limit for a button's callback data, in bytes.
const CALLBACK_DATA_LIMIT: usize = 64;
/// Buttons per keyboard row.
const ROW_WIDTH: usize = 3;

/// A reply ready to send: one or more HTML messages; buttons go under the last.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub messages: Vec<String>,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

pub fn render(reply: &Reply) -> Rendered {
    let lines: Vec<String> = reply.lines.iter().map(render_line).collect();
    Rendered { messages: split_messages(&lines, MESSAGE_LIMIT), keyboard: keyboard(&reply.buttons) }
}

/// A reply sent under a photo: as many whole lines as fit the caption,
/// the rest as messages after it; buttons under the last of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Captioned {
    pub caption: String,
    pub messages: Vec<String>,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

pub fn render_captioned(reply: &Reply) -> Captioned {
    let lines: Vec<String> = reply.lines.iter().map(render_line).collect();
    let mut fitting = 0;
    let mut length = 0;
    for line in &lines {
        let joined = if fitting == 0 { 0 } else { length + 1 } + visible_length(line);
        if joined > CAPTION_LIMIT {
            break;
        }
        length = joined;
        fitting += 1;
    }
    let (caption, rest) = lines.split_at(fitting);
    let messages = if rest.is_empty() { Vec::new() } else { split_messages(rest, MESSAGE_LIMIT) };
    Captioned { caption: caption.join("\n"), messages, keyboard: keyboard(&reply.buttons) }
}

/// The length Telegram counts for rendered HTML: the text without tags,
/// each entity one character, in UTF-16 units (an emoji counts two).
pub fn visible_length(html: &str) -> usize {
    let mut length = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let token_len = match c {
            '<' => rest.find('>').map_or(1, |i| i + 1),
            '&' => rest.find(';').filter(|i| *i <= 6).map_or(1, |i| i + 1),
            c => c.len_utf8(),
        };
        let (token, after) = rest.split_at(token_len);
        rest = after;
        length += match c {
            '<' if token.len() > 1 => 0,
            '&' => 1,
            c => c.len_utf16(),
        };
    }
    length
}

/// A reply as a toast: plain text, cut to Telegram's 200 characters.
pub fn toast(reply: &Reply) -> String {
    let text: Vec<String> = reply.lines.iter().map(|line| line.0.iter().map(Span::text).collect()).collect();
    let text = text.join("\n");
    if text.chars().count() <= TOAST_LIMIT {
        return text;
    }
    let mut cut: String = text.chars().take(TOAST_LIMIT - 1).collect();
    cut.push('…');
    cut
}

fn render_line(line: &Line) -> String {
    line.0.iter().map(render_span).collect()
}

fn render_span(span: &Span) -> String {
    match span {
        Span::Plain(text) | Span::Mention { name: text, .. } => escape(text),
        Span::Bold(text) => format!("<b>{}</b>", escape(text)),
        Span::Italic(text) => format!("<i>{}</i>", escape(text)),
        Span::Code(text) => format!("<code>{}</code>", escape(text)),
        Span::Link { text, url } if url.starts_with("https://") || url.starts_with("http://") => {
            format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
        }
        Span::Link { text, .. } => escape(text),
    }
}

/// HTML escaping as Telegram's HTML parse mode requires it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Packs lines into messages of at most `limit` characters, breaking only
/// between lines; a single line longer than `limit` is cut between
/// characters outside any tag or entity.
fn split_messages(lines: &[String], limit: usize) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in lines {
        for piece in cut_line(line, limit) {
            let len = piece.chars().count();
            let joined = if current.is_empty() { len } else { current_len + 1 + len };
            if joined > limit {
                messages.push(std::mem::take(&mut current));
                current_len = 0;
            }
            if !current.is_empty() {
                current.push('\n');
                current_len += 1;
            }
            current.push_str(&piece);
            current_len += len;
        }
    }
    if !current.is_empty() || messages.is_empty() {
        messages.push(current);
    }
    messages.retain(|m| !m.trim().is_empty());
    messages
}

/// Cuts an over-long rendered line. Tags are dropped in the cut pieces (a
/// tag cannot span two messages); entities like `&amp;` stay whole.
fn cut_line(line: &str, limit: usize) -> Vec<String> {
    if line.chars().count() <= limit {
        return vec![line.to_string()];
    }
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut piece_len = 0;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let token_len = match c {
            '<' => rest.find('>').map_or(c.len_utf8(), |i| i + 1),
            '&' => rest.find(';').filter(|i| *i <= 6).map_or(c.len_utf8(), |i| i + 1),
            c => c.len_utf8(),
        };
        let (token, after) = rest.split_at(token_len);
        rest = after;
        if token.starts_with('<') && token.len() > 1 {
            continue;
        }
        let len = token.chars().count();
        if piece_len + len > limit {
            pieces.push(std::mem::take(&mut piece));
            piece_len = 0;
        }
        piece.push_str(token);
        piece_len += len;
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

fn keyboard(buttons: &[Button]) -> Option<InlineKeyboardMarkup> {
    let buttons: Vec<InlineKeyboardButton> = buttons
        .iter()
        .filter(|b| b.command.len() <= CALLBACK_DATA_LIMIT)
        .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.command.clone()))
        .collect();
    if buttons.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(buttons.chunks(ROW_WIDTH).map(<[InlineKeyboardButton]>::to_vec)))
}
