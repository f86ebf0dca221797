//! Gateway mode: serenity's client brings interactions, guild joins and
//! messages; each event is translated, handed to the engine, and answered
//! over REST. Nothing here starts a schedule: `ready` fires again on every
//! reconnect.

use std::future::Future;
use std::time::Duration;

use anyhow::Context as _;
use hearth_bot::reply::Reply;
use serenity::all::{
    Builder, ChannelId, ClientBuilder, Context, CreateInteractionResponse, CreateInteractionResponseMessage, Event,
    EventHandler, GatewayIntents, Guild, GuildChannel, GuildId, Http, Interaction, InteractionId, Message, MessageId,
    RawEventHandler, Ready, UnavailableGuild, UserId,
};

use crate::translate::{GuildSeen, guild_seen, topic_reply};
use crate::{Discord, Inbound, ShardRange, parse_interaction, render, translate};

/// Waits between attempts to connect after serenity gives up.
const FIRST_RETRY: Duration = Duration::from_secs(5);
const LAST_RETRY: Duration = Duration::from_secs(300);

/// Guild lifecycle and interactions; messages only for their reply and
/// thread ids (MESSAGE_CONTENT is not needed).
fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES
}

impl Discord {
    /// Connects to the gateway (the URL comes from `GET /gateway/bot` on the
    /// REST base) and serves it until the process ends. serenity reconnects
    /// and resumes by itself; when it gives up (a bad token, no network at
    /// start) this waits and starts over.
    pub async fn run_gateway(self) {
        let mut wait = FIRST_RETRY;
        loop {
            match self.serve_gateway().await {
                Ok(()) => tracing::warn!("the Discord gateway connection ended"),
                Err(error) => tracing::error!(error = ?error, "the Discord gateway failed"),
            }
            tracing::info!(seconds = wait.as_secs(), "connecting to the Discord gateway again");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LAST_RETRY);
        }
    }

    async fn serve_gateway(&self) -> anyhow::Result<()> {
        let rest = self.shared.rest.as_ref().context("the gateway needs DISCORD_TOKEN")?;
        let http = rest.client();
        // Asked here rather than left to serenity, which falls back to
        // discord.com's gateway when the REST base does not answer.
        let gateway = http.get_bot_gateway().await.context("asking for the gateway URL (GET /gateway/bot)")?;
        if gateway.session_start_limit.remaining < 10 {
            tracing::warn!(left = gateway.session_start_limit.remaining, "few Discord gateway sessions left today");
        }
        let shards = self.shared.shards.unwrap_or_else(|| ShardRange::all(gateway.shards));
        if shards.total() < gateway.shards {
            tracing::warn!(
                shards = %shards,
                advised = gateway.shards,
                "HEARTH_DISCORD_SHARDS has fewer shards than Discord advises; it closes a shard with too many guilds (4011)"
            );
        }
        let mut client = ClientBuilder::new_with_http(http, intents())
            .event_handler(Handler { discord: self.clone() })
            .raw_event_handler(Handler { discord: self.clone() })
            .await
            .context("building the Discord client")?;
        *client.ws_url.lock().await = gateway.url;
        // serenity starts the range's shards one per 5 s; processes started
        // together take turns (`ShardRange::identify_delay`).
        let wait = shards.identify_delay();
        tracing::info!(
            shards = %shards,
            max_concurrency = gateway.session_start_limit.max_concurrency,
            wait_seconds = wait.as_secs(),
            "starting the Discord gateway shards"
        );
        tokio::time::sleep(wait).await;
        client.start_shard_range(shards.serenity_range(), shards.total()).await.context("serving the Discord gateway")
    }

    async fn answer_interaction(&self, id: InteractionId, token: &str, reply: impl Future<Output = Reply>) {
        let Some(http) = self.rest() else {
            return;
        };
        tokio::pin!(reply);
        let sent = match tokio::time::timeout(self.shared.defer_after, &mut reply).await {
            Ok(reply) => render::interaction_response(&reply).execute(http, (id, token)).await,
            Err(_) => {
                let thinking = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
                if let Err(error) = thinking.execute(http, (id, token)).await {
                    tracing::warn!(error = %error, "deferring an interaction failed");
                }
                let reply = reply.await;
                self.finish_deferred(http, token, &reply).await
            }
        };
        if let Err(error) = sent {
            tracing::warn!(interaction = id.get(), error = %error, "answering an interaction failed");
        }
    }

    async fn interaction_event(&self, interaction: &Interaction) {
        let (id, token) = match interaction {
            Interaction::Command(command) => (command.id, command.token.as_str()),
            Interaction::Component(component) => (component.id, component.token.as_str()),
            _ => return,
        };
        if let Inbound::Command { actor, chat, parsed, event_id } = translate(interaction)
            && self.first_sighting(id)
        {
            self.answer_interaction(id, token, self.run(actor, chat, parsed, event_id)).await;
        }
    }

    /// Fills in a deferral: a public answer edits it, a private one replaces it.
    pub(crate) async fn finish_deferred(&self, http: &Http, token: &str, reply: &Reply) -> serenity::Result<()> {
        if !reply.ephemeral {
            return render::edited_response(reply).execute(http, token).await.map(drop);
        }
        // The deferral was public; a private answer replaces it.
        http.delete_original_interaction_response(token).await?;
        render::ephemeral_followup(reply).execute(http, (None, token)).await.map(drop)
    }

    async fn guild_available(&self, ctx: &Context, guild: &Guild) {
        let bot = ctx.cache.current_user().id;
        let engine = &self.shared.engine;
        let (chat, channel) = match guild_seen(guild, bot, engine.now().timestamp()) {
            GuildSeen::Present { chat } => {
                if let Err(error) = engine.chat_present(&chat).await {
                    tracing::error!(guild = guild.id.get(), error = ?error, "recording a guild failed");
                }
                return;
            }
            GuildSeen::Joined { chat, channel } => (chat, channel),
        };
        let welcome = match engine.welcome_if_new(&chat).await {
            Ok(Some(welcome)) => welcome,
            Ok(None) => {
                tracing::debug!(guild = guild.id.get(), "a guild seen again; no welcome");
                return;
            }
            Err(error) => {
                tracing::error!(guild = guild.id.get(), error = ?error, "recording a guild join failed");
                return;
            }
        };
        tracing::info!(guild = guild.id.get(), "joined a guild");
        match channel {
            Some(channel) => self.say(channel, &welcome, None).await,
            None => tracing::warn!(guild = guild.id.get(), "no channel to welcome the guild in"),
        }
    }

    async fn guild_left(&self, guild: &UnavailableGuild) {
        // `unavailable` is an outage, not a removal.
        if guild.unavailable {
            return;
        }
        let chat = hearth_bot::ChatRef::Discord { guild_id: guild.id.get().to_string(), channel_id: "0".into() };
        match self.shared.engine.chat_removed(&chat).await {
            Ok(()) => tracing::info!(guild = guild.id.get(), "recorded a guild removal; its posts stop"),
            Err(error) => tracing::error!(guild = guild.id.get(), error = ?error, "recording a guild removal failed"),
        }
    }

    async fn message(&self, ctx: &Context, message: &Message) {
        let bot = ctx.cache.current_user().id;
        let in_bot_thread = message.guild_id.is_some_and(|guild| opened_by(ctx, guild, message.channel_id, bot));
        let Some(Inbound::Command { actor, chat, parsed, event_id }) = topic_reply(message, bot, in_bot_thread) else {
            return;
        };
        // In a guild no community owns, a reply to the welcome is just chat.
        if self.shared.engine.served().community_for(&chat).is_none() {
            return;
        }
        let reply = self.run(actor, chat, parsed, event_id).await;
        if !reply.lines.is_empty() {
            self.say(message.channel_id, &reply, Some(message.id)).await;
        }
    }

    /// Posts `reply` in `channel`, as a reply to `to` when given; failures are logged.
    async fn say(&self, channel: ChannelId, reply: &Reply, to: Option<MessageId>) {
        let Some(http) = self.rest() else {
            return;
        };
        let message = render::channel_message(reply, to.map(|to| (channel, to)));
        if let Err(error) = channel.send_message(http, message).await {
            tracing::warn!(channel = channel.get(), error = %error, "sending a message failed");
        }
    }
}

/// Whether `channel` is a thread the bot opened (on a topic post).
fn opened_by(ctx: &Context, guild: GuildId, channel: ChannelId, bot: UserId) -> bool {
    ctx.cache
        .guild(guild)
        .is_some_and(|g| g.threads.iter().any(|t: &GuildChannel| t.id == channel && t.owner_id == Some(bot)))
}

struct Handler {
    discord: Discord,
}

/// serenity 0.12.5 turns an INTERACTION_CREATE it cannot parse (Discord
/// leaves out `attachment_size_limit`, or a subcommand's empty `options`)
/// into an unknown event, which only raw handlers see. Parsed again with
/// those fields filled in, it is handled like any other.
#[serenity::async_trait]
impl RawEventHandler for Handler {
    async fn raw_event(&self, _ctx: Context, event: Event) {
        let Event::Unknown(unknown) = event else {
            return;
        };
        if unknown.kind != "INTERACTION_CREATE" {
            return;
        }
        match parse_interaction(unknown.value.to_string().as_bytes()) {
            Ok(interaction) => self.discord.interaction_event(&interaction).await,
            Err(error) => tracing::warn!(error = %error, "an INTERACTION_CREATE does not parse"),
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to the Discord gateway");
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        self.discord.interaction_event(&interaction).await;
    }

    async fn guild_create(&self, ctx: Context, guild: Guild, _is_new: Option<bool>) {
        self.discord.guild_available(&ctx, &guild).await;
    }

    async fn guild_delete(&self, _ctx: Context, incomplete: UnavailableGuild, _full: Option<Guild>) {
        self.discord.guild_left(&incomplete).await;
    }

    async fn message(&self, ctx: Context, message: Message) {
        self.discord.message(&ctx, &message).await;
        tracing::debug!(message = message.id.get(), "a message event handled");
    }
}
