//! hearth-console: a local chat on stdin/stdout, with a simulated clock.
//! It follows the Contract's console protocol; it holds no rules of its own:
//! each chat line becomes one `Engine` call and its reply is printed.

mod images;
mod line;
mod render;

use std::cell::Cell;
use std::io::Write;

use anyhow::Context;
use chrono::Duration;
use hearth_bot::command::Command;
use hearth_bot::{Actor, ChatRef, Clock, Engine, Platform, Request, SimulatedClock};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

pub use images::ChartImages;
pub use line::{ConsoleLine, parse_line};
pub use render::render;

/// One console session: a community, its admins, and a clock.
pub struct ConsoleSession {
    engine: Engine,
    /// The community every line speaks in.
    community: String,
    /// Member names that are admins (`console.admins`).
    admins: Vec<String>,
    /// The simulated clock, when the session has one (`--clock`).
    clock: Option<SimulatedClock>,
    /// The outbox id of the latest post printed: what `@name > text` replies to.
    latest_post: Cell<Option<i64>>,
    /// Draws the charts posts carry (the digest's); without it a chart is
    /// left out.
    images: Option<ChartImages>,
}

impl ConsoleSession {
    pub fn new(engine: Engine, community: String, admins: Vec<String>, clock: Option<SimulatedClock>) -> Self {
        Self { engine, community, admins, clock, latest_post: Cell::new(None), images: None }
    }

    /// Shows the charts of posts as `[image: …]` lines (and files, with a directory).
    pub fn with_images(mut self, images: ChartImages) -> Self {
        self.images = Some(images);
        self
    }

    /// A reply as the console prints it: its lines, then its image's line.
    fn print_form(&self, reply: &hearth_bot::Reply, asker: &str) -> String {
        let mut text = render(reply, asker);
        if let Some(line) = self.images.as_ref().and_then(|images| images.line_for(reply)) {
            text.push('\n');
            text.push_str(&line);
        }
        text
    }

    /// Reads lines until end of input, printing every bot output to `out`.
    /// Notices about the console itself go to stderr, so `out` holds only the chat.
    pub async fn run<R, W>(&self, input: R, out: &mut W) -> anyhow::Result<()>
    where
        R: AsyncBufRead + Unpin,
        W: Write,
    {
        // Slots missed while nothing ran: the misfire policy decides, before any input.
        self.fire_due(out).await?;
        let mut lines = input.lines();
        let mut speaker: Option<String> = None;
        loop {
            let Some(raw) = self.next_line_or_fire(&mut lines, out).await? else {
                break;
            };
            let printed = match parse_line(&raw) {
                ConsoleLine::Empty => None,
                ConsoleLine::Advance(by) => {
                    self.advance(by, out).await?;
                    None
                }
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
                    if reply { self.reply_to_latest_post(&name).await } else { self.say(&name, &text).await }
                }
            };
            if let Some(text) = printed {
                writeln!(out, "{text}").context("writing console output")?;
            }
            // A command may have queued posts (`/post`).
            self.print_posts(out).await?;
            out.flush().context("flushing console output")?;
        }
        Ok(())
    }

    async fn say(&self, name: &str, text: &str) -> Option<String> {
        let reply = self.engine.handle_text(self.actor(name), self.chat(), text).await?;
        Some(self.print_form(&reply, name))
    }

    /// `@name > text`: a reply to the latest post; it may earn topic points.
    async fn reply_to_latest_post(&self, name: &str) -> Option<String> {
        let message_id = self.latest_post.get()?.to_string();
        let request = Request {
            actor: self.actor(name),
            chat: self.chat(),
            command: Command::ReplyToPost { message_id },
            event_id: None,
        };
        let reply = self.engine.handle(request).await;
        (!reply.lines.is_empty()).then(|| self.print_form(&reply, name))
    }

    fn actor(&self, name: &str) -> Actor {
        Actor {
            platform: Platform::Console,
            user_id: name.to_string(),
            display_name: name.to_string(),
            is_bot: false,
            is_platform_admin: self.admins.iter().any(|a| a == name),
        }
    }

    fn chat(&self) -> ChatRef {
        ChatRef::Console { community: self.community.clone() }
    }

    /// The next input line. On the real clock, scheduled slots fire while
    /// waiting for it, each at its time (the simulated clock moves only by `:advance`).
    async fn next_line_or_fire<R, W>(
        &self,
        lines: &mut tokio::io::Lines<R>,
        out: &mut W,
    ) -> anyhow::Result<Option<String>>
    where
        R: AsyncBufRead + Unpin,
        W: Write,
    {
        loop {
            let wake = match self.clock {
                Some(_) => None,
                None => self.engine.next_due_in(&self.community, self.engine.now()),
            };
            let Some(wake) = wake else {
                return lines.next_line().await.context("reading console input");
            };
            let wait = (wake - self.engine.now()).to_std().unwrap_or_default();
            tokio::select! {
                // `next_line` is cancel-safe: a line is never lost to the timer.
                line = lines.next_line() => return line.context("reading console input"),
                () = tokio::time::sleep(wait) => {
                    self.fire_due(out).await?;
                    out.flush().context("flushing console output")?;
                }
                // A reload may have changed the schedules: look again.
                () = self.engine.reloaded() => {}
            }
        }
    }

    /// Moves the simulated clock by `by`, stopping at every slot on the way
    /// so each fires at its own time, in order.
    async fn advance<W: Write>(&self, by: Duration, out: &mut W) -> anyhow::Result<()> {
        let Some(clock) = &self.clock else {
            eprintln!("console: the clock is real time; start with --clock to simulate");
            return Ok(());
        };
        let target = clock.now() + by;
        while let Some(due) = self.engine.next_due_in(&self.community, clock.now()).filter(|due| *due <= target) {
            clock.set(due);
            self.fire_due(out).await?;
        }
        clock.set(target);
        Ok(())
    }

    /// Fires this community's due slots only: on a shared database the
    /// others' belong to the bot that serves them.
    async fn fire_due<W: Write>(&self, out: &mut W) -> anyhow::Result<()> {
        self.engine.fire_due_in(&self.community).await?;
        self.print_posts(out).await
    }

    /// Prints (delivers) the console's pending posts, oldest first. A post is
    /// marked delivered before it is printed: a crash in between loses that
    /// copy rather than printing it twice (stdout has no idempotency key).
    /// Prints every pending post: batch after batch, since delivery takes
    /// a few at a time and an instant can make more.
    async fn print_posts<W: Write>(&self, out: &mut W) -> anyhow::Result<()> {
        loop {
            let posts = self.engine.pending_posts(Platform::Console, &self.community).await?;
            if posts.is_empty() {
                return Ok(());
            }
            for post in posts {
                // The console's message id for a post is its outbox id.
                self.engine.mark_delivered(post.id, Some(&post.id.to_string())).await?;
                writeln!(out, "{}", self.print_form(&post.reply, "")).context("writing a post")?;
                self.latest_post.set(Some(post.id));
            }
        }
    }

    fn now_line(&self) -> String {
        let now = self.engine.now();
        let local = self
            .engine
            .served()
            .config
            .community(&self.community)
            .map(|c| format!(" = {} {}", now.with_timezone(&c.timezone).format("%Y-%m-%d %H:%M"), c.timezone))
            .unwrap_or_default();
        format!("[clock] {}{local}", now.format("%Y-%m-%dT%H:%M:%SZ"))
    }
}
