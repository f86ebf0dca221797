//! hearth-discord: the Discord adapter. It translates interactions into
//! engine requests and renders replies as Discord messages; it holds no
//! rules and no SQL.
//!
//! Interactions arrive over the gateway (`DISCORD_TOKEN`) or at the HTTP
//! interactions endpoint (`DISCORD_PUBLIC_KEY`), or both. The gateway also
//! brings guild joins and replies to topic posts. Slash commands are
//! registered and scheduled posts delivered over REST, which goes to
//! `DISCORD_API_URL` when it is set.

mod delivery;
mod gateway;
pub mod render;
pub mod replay;
pub mod shards;
pub mod slash;
pub mod translate;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use hearth_bot::command::{Command, ParseError};
use hearth_bot::reply::Reply;
use hearth_bot::{Actor, ChatRef, Engine, Request};
use hearth_charts::Renderer;
use serenity::all::{ApplicationId, Http, HttpBuilder, Interaction, InteractionId};
use serenity::interactions_endpoint::Verifier;

pub use shards::{BadShardRange, ShardRange};
pub use translate::{Inbound, parse_interaction, translate};

/// Where the HTTP listener routes Discord's interaction POSTs.
pub const INTERACTIONS_PATH: &str = "/discord/interactions";
/// The wait before a failed edit of a deferred answer is tried again.
const FOLLOW_UP_RETRY: Duration = Duration::from_millis(500);
/// `bot_state` key of the slash commands last registered.
const REGISTERED_KEY: &str = "discord.registered_commands";
/// Discord drops an interaction not answered within 3 s; past this much
/// engine time the answer is deferred ("thinking…") and edited in later.
pub const DEFAULT_DEFER_AFTER: Duration = Duration::from_secs(2);
/// The answer to an interaction id seen before: a private "thinking…" that
/// runs nothing and posts nothing.
const ALREADY_SEEN: &str = r#"{"type":5,"data":{"flags":64}}"#;
/// A public deferral: the answer is edited in over the interaction webhook.
const DEFERRED: &str = r#"{"type":5}"#;

/// What the adapter needs from the environment.
pub struct DiscordSettings {
    /// `DISCORD_TOKEN`: REST (posts, command registration). Never logged.
    pub token: Option<String>,
    /// `DISCORD_PUBLIC_KEY`: hex Ed25519 key that signs interaction POSTs.
    pub public_key: Option<String>,
    /// `DISCORD_API_URL`: where REST goes instead of https://discord.com.
    pub api_url: Option<String>,
    /// `DISCORD_APPLICATION_ID`, else asked from Discord.
    pub application_id: Option<u64>,
    /// `DISCORD_DEFER_AFTER_MS`: engine time before an answer is deferred
    /// ([`DEFAULT_DEFER_AFTER`] unless set).
    pub defer_after: Duration,
    /// `HEARTH_DISCORD_SHARDS`: the gateway shards this process runs; all
    /// of them (as many as `GET /gateway/bot` advises) when unset.
    pub shards: Option<ShardRange>,
}

impl std::fmt::Debug for DiscordSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordSettings")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("public_key", &self.public_key)
            .field("api_url", &self.api_url)
            .field("application_id", &self.application_id)
            .field("defer_after", &self.defer_after)
            .field("shards", &self.shards)
            .finish()
    }
}

/// A ready Discord adapter. Cheap to clone.
#[derive(Clone)]
pub struct Discord {
    shared: Arc<Shared>,
}

struct Shared {
    engine: Engine,
    /// How to build a REST client, when a token is set (the gateway client
    /// needs one of its own).
    rest: Option<Rest>,
    /// REST client, when a token is set.
    http: Option<Arc<Http>>,
    /// Checks interaction signatures, when a public key is set.
    verifier: Option<Verifier>,
    /// How long an answer may take before it is deferred.
    defer_after: Duration,
    /// The gateway shards this process runs (`None`: all).
    shards: Option<ShardRange>,
    /// Interaction ids seen lately: a repeated one runs nothing.
    recent: Mutex<replay::RecentIds>,
    /// Draws the charts posts carry (the digest's), made once at start.
    renderer: Arc<Renderer>,
}

/// The HTTP answer to one interaction POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    /// JSON.
    pub body: String,
}

impl Discord {
    pub fn new(engine: Engine, settings: DiscordSettings, renderer: Arc<Renderer>) -> anyhow::Result<Discord> {
        let verifier = settings
            .public_key
            .as_deref()
            .map(|key| {
                let bytes = parse_hex_key(key).context("DISCORD_PUBLIC_KEY must be 64 hex digits")?;
                Verifier::try_new(bytes).map_err(|_| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a valid Ed25519 key"))
            })
            .transpose()?;
        let rest = settings.token.map(|token| Rest {
            token,
            api_url: settings.api_url,
            application_id: settings.application_id,
        });
        let http = rest.as_ref().map(|rest| Arc::new(rest.client()));
        let recent = Mutex::new(replay::RecentIds::default());
        let (defer_after, shards) = (settings.defer_after, settings.shards);
        Ok(Discord { shared: Arc::new(Shared { engine, rest, http, verifier, defer_after, shards, recent, renderer }) })
    }

    /// Whether scheduled posts can be delivered (a token is set).
    pub fn can_post(&self) -> bool {
        self.shared.http.is_some()
    }

    /// Registers the slash commands globally with one bulk overwrite, only
    /// when they differ from the last registration (Discord limits creates).
    pub async fn register_commands(&self) -> anyhow::Result<()> {
        let Some(http) = &self.shared.http else {
            return Ok(());
        };
        let definitions = slash::definitions();
        let wanted = serde_json::to_string(&definitions).context("serializing slash commands")?;
        let engine = &self.shared.engine;
        if engine.bot_state(REGISTERED_KEY).await?.as_deref() == Some(wanted.as_str()) {
            tracing::info!("slash commands unchanged; not registering");
            return Ok(());
        }
        if http.application_id().is_none() {
            let info = http.get_current_application_info().await.context("asking Discord for the application id")?;
            http.set_application_id(info.id);
        }
        serenity::all::Command::set_global_commands(http, definitions)
            .await
            .context("registering slash commands (bulk overwrite)")?;
        engine.set_bot_state(REGISTERED_KEY, &wanted).await?;
        tracing::info!("slash commands registered");
        Ok(())
    }

    /// One POST to `/discord/interactions`: the signature is checked first,
    /// then its timestamp (401 when bad, missing, or outside the window in
    /// [`replay`]), then PING gets PONG and a command or a button gets its
    /// answer in the response, or a deferral when the engine takes longer
    /// than `defer_after` (the answer is then edited in over REST). An
    /// interaction id seen before gets a private deferral and runs nothing.
    pub async fn interaction(&self, signature: Option<&str>, timestamp: Option<&str>, body: &[u8]) -> HttpAnswer {
        let verified = match (&self.shared.verifier, signature, timestamp) {
            (Some(verifier), Some(signature), Some(timestamp)) => verifier.verify(signature, timestamp, body).is_ok(),
            _ => false,
        };
        if !verified {
            return HttpAnswer { status: 401, body: r#"{"error":"invalid request signature"}"#.into() };
        }
        if !timestamp.is_some_and(|timestamp| replay::timestamp_is_fresh(timestamp, replay::unix_now())) {
            tracing::warn!(timestamp = ?timestamp, "a signed interaction with a stale or malformed timestamp");
            return HttpAnswer { status: 401, body: r#"{"error":"stale or malformed request timestamp"}"#.into() };
        }
        let interaction = match parse_interaction(body) {
            Ok(interaction) => interaction,
            Err(error) => {
                tracing::warn!(error = %error, "an interaction does not parse");
                return HttpAnswer { status: 400, body: r#"{"error":"not an interaction"}"#.into() };
            }
        };
        let (id, token) = match &interaction {
            Interaction::Command(command) => (command.id, command.token.clone()),
            Interaction::Component(component) => (component.id, component.token.clone()),
            _ => (InteractionId::new(1), String::new()),
        };
        let (actor, chat, parsed, event_id) = match translate(&interaction) {
            // Exactly Discord's documented PONG (serenity's adds `"data": null`).
            Inbound::Ping => return HttpAnswer { status: 200, body: r#"{"type":1}"#.into() },
            Inbound::Command { actor, chat, parsed, event_id } => (actor, chat, parsed, event_id),
            Inbound::Ignore => {
                return HttpAnswer { status: 400, body: r#"{"error":"unsupported interaction"}"#.into() };
            }
        };
        if !self.first_sighting(id) {
            return HttpAnswer { status: 200, body: ALREADY_SEEN.into() };
        }
        // Its own task: the command runs to the end even when the POST is
        // answered with a deferral or its connection drops.
        let discord = self.clone();
        let mut running = tokio::spawn(async move { discord.run(actor, chat, parsed, event_id).await });
        let reply = match tokio::time::timeout(self.shared.defer_after, &mut running).await {
            Ok(reply) => reply,
            // Without a token there is no REST to edit an answer in: wait.
            Err(_) if self.rest().is_none() => running.await,
            Err(_) => {
                self.follow_up_later(id, token, interaction_application(&interaction), running);
                return HttpAnswer { status: 200, body: DEFERRED.into() };
            }
        };
        let Ok(reply) = reply else {
            tracing::error!(interaction = id.get(), "a command stopped before it answered");
            return HttpAnswer { status: 500, body: "{}".into() };
        };
        match serde_json::to_string(&render::interaction_response(&reply)) {
            Ok(body) => HttpAnswer { status: 200, body },
            Err(error) => {
                tracing::error!(error = %error, "serializing an interaction response failed");
                HttpAnswer { status: 500, body: "{}".into() }
            }
        }
    }

    /// Fills in an answer deferred in the HTTP response, once the engine has
    /// it. The edit can reach Discord before the deferral does; it is tried
    /// once more after a moment.
    fn follow_up_later(
        &self,
        id: InteractionId,
        token: String,
        application: Option<ApplicationId>,
        running: tokio::task::JoinHandle<Reply>,
    ) {
        let discord = self.clone();
        tokio::spawn(async move {
            let Ok(reply) = running.await else {
                tracing::error!(interaction = id.get(), "a deferred command stopped before it answered");
                return;
            };
            let Some(http) = discord.rest() else {
                return;
            };
            if http.application_id().is_none()
                && let Some(application) = application
            {
                http.set_application_id(application);
            }
            if discord.finish_deferred(http, &token, &reply).await.is_ok() {
                return;
            }
            tokio::time::sleep(FOLLOW_UP_RETRY).await;
            if let Err(error) = discord.finish_deferred(http, &token, &reply).await {
                tracing::warn!(interaction = id.get(), error = %error, "filling in a deferred answer failed");
            }
        });
    }

    /// True the first time an interaction id arrives (over HTTP or the
    /// gateway); a repeat is logged and runs nothing.
    fn first_sighting(&self, id: InteractionId) -> bool {
        let mut recent = self.shared.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let first = recent.first_sighting(id.get(), Instant::now());
        if !first {
            tracing::info!(interaction = id.get(), "an interaction seen before; not run again");
        }
        first
    }

    /// REST for everything the adapter sends: the same client (and, against
    /// Discord, the same ratelimiter) for answers and delivery.
    fn rest(&self) -> Option<&Http> {
        self.shared.http.as_deref()
    }

    async fn run(&self, actor: Actor, chat: ChatRef, parsed: Result<Command, ParseError>, event_id: String) -> Reply {
        let engine = &self.shared.engine;
        match parsed {
            Ok(command) => engine.handle(Request { actor, chat, command, event_id: Some(event_id) }).await,
            Err(error) => engine.refuse_unparsed(&chat, &error),
        }
    }
}

/// The application an interaction belongs to (its webhook's first part).
fn interaction_application(interaction: &Interaction) -> Option<ApplicationId> {
    match interaction {
        Interaction::Command(command) => Some(command.application_id),
        Interaction::Component(component) => Some(component.application_id),
        _ => None,
    }
}

/// What a REST client is built from. The token is never logged.
struct Rest {
    token: String,
    api_url: Option<String>,
    application_id: Option<u64>,
}

impl Rest {
    fn client(&self) -> Http {
        let mut builder = HttpBuilder::new(&self.token);
        // serenity's ratelimiter builds its requests without the proxy
        // (0.12.5, http/ratelimiting.rs), so with DISCORD_API_URL set the
        // ratelimiter is off and limits are the proxy's business, as
        // serenity's docs advise; against Discord itself it stays on.
        if let Some(url) = &self.api_url {
            builder = builder.proxy(url.trim_end_matches('/').to_string()).ratelimiter_disabled(true);
        }
        if let Some(id) = self.application_id {
            builder = builder.application_id(ApplicationId::new(id));
        }
        builder.build()
    }
}

fn parse_hex_key(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(bytes)
}
