//! The engine: the one service every adapter calls. Adapters parse a platform
//! event into a `Request`, call `Engine::handle`, and render the `Reply`.

mod agenda;
mod badges;
mod challenges;
mod checkin;
mod context;
mod digest;
mod directory;
mod error;
mod export;
mod help;
mod inbox;
mod members;
mod points;
mod posts;
mod profile;
mod read_only;
mod scheduler;
mod stats;
mod topics;
pub mod web;
mod writer;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc, oneshot, watch};

use crate::clock::Clock;
use crate::command::{self, Command, ParseError};
use crate::config::{CommunityConfig, Config};
use crate::i18n::Catalog;
use crate::reply::Reply;
use crate::store::{Store, WriteTx};

pub use context::{Ctx, Scope};
pub use error::CommandError;
pub use export::{Export, ExportIdentity, ExportLedgerRow, ExportMember};
pub use inbox::Accepted;
pub use scheduler::PendingPost;

/// Chat platforms an identity or chat can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Discord,
    Telegram,
    Console,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Telegram => "telegram",
            Platform::Console => "console",
        }
    }
}

/// Who sent a command, as the platform says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub platform: Platform,
    /// The platform's user id (the console uses the name).
    pub user_id: String,
    pub display_name: String,
    pub is_bot: bool,
    /// The platform says this user administers the chat (Discord MANAGE_GUILD,
    /// Telegram creator/administrator, a console name in `console.admins`).
    pub is_platform_admin: bool,
}

/// Where a command was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatRef {
    /// The console speaks in one community, named by its id.
    Console {
        community: String,
    },
    Discord {
        guild_id: String,
        channel_id: String,
    },
    Telegram {
        chat_id: i64,
    },
}

/// One command to run.
#[derive(Debug, Clone)]
pub struct Request {
    pub actor: Actor,
    pub chat: ChatRef,
    pub command: Command,
    /// The platform's id of this event (interaction id, update id), if it has
    /// one: a redelivered event then changes nothing twice.
    pub event_id: Option<String>,
}

/// The core service. Cheap to clone; clones share the store, config and clock.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    /// Where scheduled posts go: one outbox row per post and target.
    targets: Vec<Platform>,
    /// The config in force; a reload swaps it whole.
    served: RwLock<Arc<Served>>,
    /// Woken on every reload, so a sleeping scheduler recomputes its next slot.
    reloaded: Notify,
    /// Bumped whenever posts are queued, so delivery workers wake at once.
    posts_queued: watch::Sender<u64>,
    /// Commands for the writer task (group commit, see `writer`).
    jobs: mpsc::Sender<writer::Job>,
    /// Each schedule's next due instant, planned at the first wake-up.
    agenda: tokio::sync::Mutex<Option<agenda::Agenda>>,
    /// Read-only commands join the writer's batch too (`read_only` is
    /// skipped): the baseline `hearth-bench` compares the read model with.
    reads_on_writer: AtomicBool,
    /// The base of links hearth prints (`HEARTH_PUBLIC_URL`), once the HTTP
    /// listener serves the web pages.
    public_url: RwLock<Option<String>>,
}

/// A config in force, with the database id of each of its communities.
pub struct Served {
    pub config: Config,
    community_ids: HashMap<String, i64>,
}

impl Served {
    /// Gives every community its database row and syncs its config topics.
    async fn prepare(store: &Store, config: Config, now: DateTime<Utc>) -> anyhow::Result<Served> {
        let slugs: Vec<&str> = config.communities.iter().map(|c| c.id.as_str()).collect();
        let community_ids = store.register_communities(&slugs, now).await?;
        for community in &config.communities {
            let topics: Vec<String> =
                community.topics.pool.iter().chain(&community.topics.file_topics).cloned().collect();
            let id = community_ids.get(&community.id).copied().unwrap_or_default();
            store.sync_config_topics(id, &topics, now).await?;
            web::rebuild_rollups_if_missing(store, id, community).await?;
        }
        Ok(Served { config, community_ids })
    }

    /// The community a chat belongs to, if it is linked in the config.
    pub fn community_for(&self, chat: &ChatRef) -> Option<&CommunityConfig> {
        let communities = &self.config.communities;
        match chat {
            ChatRef::Console { community } => communities.iter().find(|c| &c.id == community),
            ChatRef::Discord { guild_id, .. } => {
                communities.iter().find(|c| c.discord.as_ref().is_some_and(|d| &d.guild_id == guild_id))
            }
            ChatRef::Telegram { chat_id } => {
                communities.iter().find(|c| c.telegram.as_ref().is_some_and(|t| t.chat_id == *chat_id))
            }
        }
    }

    /// The database id of a configured community.
    fn community_id(&self, community: &CommunityConfig) -> anyhow::Result<i64> {
        self.community_ids
            .get(&community.id)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("community {:?} has no database row", community.id))
    }
}

impl Engine {
    /// Makes sure every configured community has its row, then serves them.
    /// Scheduled posts are queued for each of `targets` (the running adapters).
    pub async fn open(
        store: Store,
        config: Config,
        clock: Arc<dyn Clock>,
        targets: Vec<Platform>,
    ) -> anyhow::Result<Self> {
        let served = Served::prepare(&store, config, clock.now()).await?;
        let (jobs, queue) = mpsc::channel(writer::QUEUE_CAPACITY);
        let inner = Arc::new(Inner {
            store,
            clock,
            targets,
            served: RwLock::new(Arc::new(served)),
            reloaded: Notify::new(),
            posts_queued: watch::Sender::new(0),
            jobs,
            agenda: tokio::sync::Mutex::new(None),
            reads_on_writer: AtomicBool::new(false),
            public_url: RwLock::new(None),
        });
        // The writer holds the engine weakly: it stops when the last clone is
        // dropped. It gets a thread of its own rather than a task: as a task
        // it waited in the run queue behind the very askers it had just
        // answered, once per statement (BENCHMARKS.md, "Check-ins").
        let weak = Arc::downgrade(&inner);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || runtime.block_on(writer::run(weak, queue)));
        Ok(Self { inner })
    }

    /// Puts a new, already validated config in force: added communities get
    /// their rows; schedules seen for the first time or with changed times
    /// start at the scheduler's next wake-up, which this triggers; removed
    /// ones stop. Commands already running finish under the old config.
    pub async fn reload(&self, config: Config) -> anyhow::Result<()> {
        let served = Served::prepare(&self.inner.store, config, self.now()).await?;
        *self.inner.served.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(served);
        self.inner.reloaded.notify_waiters();
        Ok(())
    }

    /// Resolves on the next reload (for loops that sleep until a slot).
    pub async fn reloaded(&self) {
        self.inner.reloaded.notified().await;
    }

    /// The config in force now.
    pub fn served(&self) -> Arc<Served> {
        self.inner.served.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Sends read-only commands through the writer like every other command
    /// (`true`) instead of answering them from the read model: only for
    /// measuring the one against the other.
    pub fn answer_reads_on_writer(&self, on_writer: bool) {
        self.inner.reads_on_writer.store(on_writer, Ordering::Relaxed);
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    /// Parses a typed line and runs it. `None` when the line is ordinary chat.
    pub async fn handle_text(&self, actor: Actor, chat: ChatRef, text: &str) -> Option<Reply> {
        match command::parse(text) {
            Ok(command) => Some(self.handle(Request { actor, chat, command, event_id: None }).await),
            Err(ParseError::NotACommand) => None,
            Err(error) => Some(self.refuse_unparsed(&chat, &error)),
        }
    }

    /// The answer to a command line that did not parse: what was expected, or
    /// in a chat no community owns, how to link it (like every command there).
    pub fn refuse_unparsed(&self, chat: &ChatRef, error: &ParseError) -> Reply {
        match self.served().community_for(chat) {
            Some(community) => error::parse_error_reply(&Catalog::new(community.locale), community, error),
            None => error::unlinked_chat_reply(&Catalog::new(crate::config::Locale::En), chat),
        }
    }

    /// Whether the config's `admins` list makes this account an admin in
    /// `chat` (adapters skip asking the platform then).
    pub fn listed_admin(&self, chat: &ChatRef, actor: &Actor) -> bool {
        self.served().community_for(chat).is_some_and(|community| context::listed_admin(community, actor))
    }

    /// Runs one command and says how it went. A read-only command is
    /// answered from the read model (`read_only`) when it needs no write;
    /// every other joins the writer's next transaction, and the answer
    /// comes after that commits.
    pub async fn handle(&self, request: Request) -> Reply {
        self.submit(request, None).await
    }

    /// `handle`, for a command that came from the inbox: its inbox row is
    /// marked done in the transaction that holds the command's effect.
    async fn submit(&self, request: Request, inbox: Option<crate::store::InboxKey>) -> Reply {
        let leaderboard = matches!(request.command, Command::Leaderboard { .. });
        let chat = request.chat.clone();
        let mut reply = self.submit_command(request, inbox).await;
        if leaderboard && !reply.is_empty() {
            self.link_public_board(&chat, &mut reply);
        }
        reply
    }

    /// A `/leaderboard` reply points to the public board when there is one.
    fn link_public_board(&self, chat: &ChatRef, reply: &mut Reply) {
        let served = self.served();
        let (Some(community), Some(base)) = (served.community_for(chat), self.public_url()) else { return };
        if !community.web.public {
            return;
        }
        let url = format!("{base}/c/{}", community.id);
        let catalog = Catalog::new(community.locale);
        reply.push(crate::reply::Line(vec![
            crate::reply::Span::Plain(format!("{} ", catalog.text("leaderboard-web"))),
            crate::reply::Span::Link { text: url.clone(), url },
        ]));
    }

    async fn submit_command(&self, request: Request, inbox: Option<crate::store::InboxKey>) -> Reply {
        let command = crate::metrics::command_name(&request.command);
        let _timer = crate::metrics::CommandTimer::start(command);
        let served = self.served();
        let Some(community) = served.community_for(&request.chat) else {
            if let Some(key) = inbox {
                self.update_done(key).await;
            }
            crate::metrics::commands(command, crate::metrics::Outcome::Refused, 1);
            return error::unlinked_chat_reply(&Catalog::new(crate::config::Locale::En), &request.chat);
        };
        let catalog = Catalog::new(community.locale);
        if read_only::is_read_only(&request.command)
            && !self.inner.reads_on_writer.load(Ordering::Relaxed)
            && let Some((reply, outcome)) = self.answer_read_only(&served, community, &catalog, &request, inbox).await
        {
            crate::metrics::commands(command, outcome, 1);
            return reply;
        }
        let (answer, answered) = oneshot::channel();
        let job = writer::Job::Command(Box::new(writer::CommandJob { request, served: served.clone(), inbox, answer }));
        if self.inner.jobs.send(job).await.is_err() {
            tracing::error!("the writer task is gone; a command went unanswered");
            return Reply::ephemeral().text(catalog.text("error-internal"));
        }
        match answered.await {
            Ok(writer::Answer::Reply(reply)) => reply,
            Ok(writer::Answer::Checkin { answer, at }) => match served.community_id(community) {
                Ok(community_id) => answer.render(&Scope::new(community, community_id, &catalog, at)),
                Err(error) => {
                    tracing::error!(error = ?error, "a checked-in community has no row");
                    Reply::ephemeral().text(catalog.text("error-internal"))
                }
            },
            Err(_) => {
                tracing::error!("the writer task is gone; a command went unanswered");
                Reply::ephemeral().text(catalog.text("error-internal"))
            }
        }
    }

    /// Runs one command (not a check-in: those run set-based, see `writer`)
    /// in the writer's open transaction.
    async fn run(
        &self,
        tx: &mut WriteTx<'_>,
        served: &Served,
        community: &CommunityConfig,
        catalog: &Catalog,
        request: &Request,
        now: DateTime<Utc>,
    ) -> Result<Reply, CommandError> {
        // The one admin gate, from the command table: no handler checks it.
        if request.command.is_admin_only() && !context::is_admin(community, &request.actor) {
            return Err(CommandError::NotAdmin);
        }
        let community_id = served.community_id(community)?;
        let mut ctx = Ctx::open(tx, Scope::new(community, community_id, catalog, now), request).await?;
        let reply = match &request.command {
            Command::Checkin { note } => {
                let checkin = checkin::CheckinRequest { actor: &request.actor, note: note.as_deref() };
                let mut answers = checkin::checkin_all(&ctx, tx, &[checkin]).await?;
                answers.pop().map(|answer| answer.render(&ctx)).unwrap_or_default()
            }
            Command::Streak => profile::streak(&ctx),
            Command::Profile { member } => {
                let member = match member {
                    Some(target) => members::resolve(&ctx, tx, target).await?,
                    None => ctx.member.clone(),
                };
                profile::profile(&ctx, tx.reads(), member).await?
            }
            Command::Leaderboard { window } => profile::leaderboard(&ctx, tx.reads(), *window).await?,
            Command::Give { member, amount, reason } => {
                points::give(&mut ctx, tx, member, *amount, reason.as_deref()).await?
            }
            Command::Award { member, amount, reason } => points::award(&mut ctx, tx, member, *amount, reason).await?,
            Command::Help => help::help(&ctx),
            Command::ForgetMe { confirm } => members::forget_me(&mut ctx, tx, *confirm).await?,
            Command::Stats => stats::stats(&ctx, tx.reads()).await?,
            Command::Post { schedule } => self.post_now(&ctx, tx, schedule).await?,
            Command::Topic => topics::show(&ctx, tx.reads()).await?,
            Command::TopicSuggest { text } => topics::add(&ctx, tx, text, false).await?,
            Command::TopicAdd { text } => topics::add(&ctx, tx, text, true).await?,
            Command::TopicApprove { id } => topics::approve(&ctx, tx, *id).await?,
            Command::Challenge => challenges::show(&ctx, tx.reads()).await?,
            Command::ChallengeHistory => challenges::history(&ctx, tx.reads()).await?,
            Command::ChallengeStart { theme } => challenges::start(&ctx, tx, theme).await?,
            Command::ChallengeVoting => challenges::voting(&ctx, tx).await?,
            Command::ChallengeClose => challenges::close(&ctx, tx).await?,
            Command::Submit { entry } => challenges::submit(&ctx, tx, entry).await?,
            Command::Vote { entry } => challenges::vote(&ctx, tx, *entry).await?,
            Command::Dashboard => web::dashboard_link(&ctx, tx, self.public_url().as_deref()).await?,
            Command::ReplyToPost { message_id } => topics::reply(&ctx, tx, message_id).await?.unwrap_or_default(),
        };
        Ok(reply)
    }
}
