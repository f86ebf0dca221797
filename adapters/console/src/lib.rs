//! hearth-console: a local chat on stdin/stdout, with a simulated clock.
//! It follows the Contract's console protocol; it holds no rules of its own:
//! each chat line becomes one `Engine` call and its reply is printed.

mod line;
mod render;

use std::io::Write;

use anyhow::Context;
use chrono::Duration;
use hearth_bot::{Actor, ChatRef, Engine, Platform, SimulatedClock};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

pub use line::{ConsoleLine, parse_line};
pub use render::render;

/// How one console session is set up.
pub struct ConsoleSession {
    pub engine: Engine,
    /// The community every line speaks in.
    pub community: String,
    /// Member names that are admins (`console.admins`).
    pub admins: Vec<String>,
    /// The simulated clock, when the session has one (`--clock`).
    pub clock: Option<SimulatedClock>,
}

impl ConsoleSession {
    /// Reads lines until end of input, printing every bot output to `out`.
    /// Notices about the console itself go to stderr, so `out` holds only the chat.
    pub async fn run<R, W>(&self, input: R, out: &mut W) -> anyhow::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: Write,
    {
        let mut lines = input.lines();
        let mut speaker: Option<String> = None;
        while let Some(raw) = lines.next_line().await.context("reading console input")? {
            let printed = match parse_line(&raw) {
                ConsoleLine::Empty => None,
                ConsoleLine::Advance(by) => self.advance(by),
                ConsoleLine::Now => Some(self.now_line()),
                ConsoleLine::Echo(text) => Some(text),
                ConsoleLine::BadDirective(text) => {
                    eprintln!("console: {text}");
                    None
                }
                ConsoleLine::Say { name, text, reply } => {
                    let name = match name {
                        Some(name) => {
                            speaker = Some(name.clone());
                            name
                        }
                        None => match &speaker {
                            Some(name) => name.clone(),
                            None => {
                                eprintln!("console: say who speaks first, like `@alice /checkin`");
                                continue;
                            }
                        },
                    };
                    if reply {
                        // Replies to bot posts become topic replies with the scheduler;
                        // until then they are ordinary chat.
                        None
                    } else {
                        self.say(&name, &text).await
                    }
                }
            };
            if let Some(text) = printed {
                writeln!(out, "{text}").context("writing console output")?;
                out.flush().context("flushing console output")?;
            }
        }
        Ok(())
    }

    async fn say(&self, name: &str, text: &str) -> Option<String> {
        let actor = Actor {
            platform: Platform::Console,
            user_id: name.to_string(),
            display_name: name.to_string(),
            is_bot: false,
            is_platform_admin: self.admins.iter().any(|a| a == name),
        };
        let chat = ChatRef::Console { community: self.community.clone() };
        let reply = self.engine.handle_text(actor, chat, text).await?;
        Some(render(&reply, name))
    }

    fn advance(&self, by: Duration) -> Option<String> {
        match &self.clock {
            Some(clock) => {
                clock.advance(by);
                None
            }
            None => {
                eprintln!("console: the clock is real time; start with --clock to simulate");
                None
            }
        }
    }

    fn now_line(&self) -> String {
        let now = self.engine.now();
        let local = self
            .engine
            .config()
            .community(&self.community)
            .map(|c| format!(" = {} {}", now.with_timezone(&c.timezone).format("%Y-%m-%d %H:%M"), c.timezone))
            .unwrap_or_default();
        format!("[clock] {}{local}", now.format("%Y-%m-%dT%H:%M:%SZ"))
    }
}
