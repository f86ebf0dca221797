//! The neutral reply model: rich text in spans, optional buttons, and whether
//! only the asker should see it. Adapters render it for their platform.

use serde::{Deserialize, Serialize};

/// One piece of styled text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
    Code(String),
    /// A member named in text. Renderers show the name; they never ping from it.
    Mention {
        member_id: i64,
        name: String,
    },
    Link {
        text: String,
        url: String,
    },
}

impl Span {
    pub fn text(&self) -> &str {
        match self {
            Span::Plain(t) | Span::Bold(t) | Span::Italic(t) | Span::Code(t) => t,
            Span::Mention { name, .. } => name,
            Span::Link { text, .. } => text,
        }
    }
}

/// One line of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Line(pub Vec<Span>);

impl Line {
    pub fn plain(text: impl Into<String>) -> Self {
        Line(vec![Span::Plain(text.into())])
    }

    pub fn bold(text: impl Into<String>) -> Self {
        Line(vec![Span::Bold(text.into())])
    }
}

/// A button that runs a command as if the member had typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    /// The command line a tap stands for, e.g. `/checkin` or `/vote 2`.
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reply {
    pub lines: Vec<Line>,
    pub buttons: Vec<Button>,
    /// Only the member who asked should see it.
    pub ephemeral: bool,
    /// Open a discussion thread with this name on the posted message, where
    /// the platform has threads (Discord).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// A chart shown with the message (the digest's week): an image on
    /// Discord and Telegram, an `[image: …]` line in the console.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<crate::chart::Chart>,
}

impl Reply {
    pub fn public() -> Self {
        Self::default()
    }

    pub fn ephemeral() -> Self {
        Self { ephemeral: true, ..Self::default() }
    }

    /// Nothing to show: no line and no button (an update handled elsewhere).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.buttons.is_empty()
    }

    pub fn line(mut self, line: Line) -> Self {
        self.lines.push(line);
        self
    }

    pub fn text(self, text: impl Into<String>) -> Self {
        self.line(Line::plain(text))
    }

    pub fn push(&mut self, line: Line) {
        self.lines.push(line);
    }

    /// Plain text, one line per `Line`; styling dropped. The console's renderer.
    pub fn to_plain_text(&self) -> String {
        let mut lines: Vec<String> =
            self.lines.iter().map(|line| line.0.iter().map(Span::text).collect::<String>()).collect();
        if !self.buttons.is_empty() {
            let labels: Vec<String> = self.buttons.iter().map(|b| format!("[{}]", b.label)).collect();
            lines.push(labels.join(" "));
        }
        lines.join("\n")
    }
}
