//! hearth-telegram: the Telegram adapter. It translates updates into engine
//! requests and renders replies as Telegram HTML; it holds no rules and no SQL.
//!
//! One `Telegram` value is shared by the update source (long polling or the
//! webhook), the outbox delivery worker and the HTTP listener.

mod admins;
mod delivery;
mod lanes;
mod menu;
mod polling;
mod process;
pub mod render;
mod send;
pub mod translate;
mod webhook;

use std::sync::Arc;

use anyhow::Context;
use hearth_bot::Engine;
use hearth_charts::Renderer;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;

pub use translate::{BotIdentity, Inbound, translate};
pub use webhook::{MOST_WAITING_PER_CHAT, SECRET_HEADER, WEBHOOK_PATH, WebhookAnswer};

/// The Bot API client every call goes through: throttled to Telegram's
/// limits (about 20 messages a minute per group, 30 a second overall).
pub type TelegramBot = Throttle<Bot>;

/// What the adapter needs from the environment.
pub struct TelegramSettings {
    /// `TELEGRAM_TOKEN`. Never logged.
    pub token: String,
    /// `TELEGRAM_API_URL`: the Bot API base URL (default Telegram's).
    pub api_url: Option<url::Url>,
    /// `HEARTH_TELEGRAM_THROTTLE=off`: no rate limits, for a local stand-in only.
    pub unthrottled: bool,
}

impl std::fmt::Debug for TelegramSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramSettings")
            .field("token", &"<redacted>")
            .field("api_url", &self.api_url)
            .field("unthrottled", &self.unthrottled)
            .finish()
    }
}

/// A connected Telegram adapter. Cheap to clone.
#[derive(Clone)]
pub struct Telegram {
    shared: Arc<Shared>,
}

struct Shared {
    engine: Engine,
    bot: TelegramBot,
    me: BotIdentity,
    admins: admins::AdminCache,
    handles: process::SeenHandles,
    /// The webhook's secret and queues; `None` in polling mode.
    webhook: std::sync::OnceLock<Arc<webhook::Inflow>>,
    /// What every webhook POST must carry: the same in every process of
    /// one bot (`webhook::secret_for`), since each registers the webhook.
    webhook_secret: String,
    /// When each unlinked chat was last told how to link it.
    hints: process::LinkHints,
    /// Held while a post is sent and recorded, so a stop waits for it.
    sending: tokio::sync::Mutex<()>,
    /// Set when hearth stops: lanes start no further update (the inbox keeps them).
    stopped: std::sync::atomic::AtomicBool,
    /// Draws the charts posts carry (the digest's), made once at start.
    renderer: Arc<Renderer>,
}

impl Telegram {
    /// Asks Telegram who the bot is (which also checks the token) and
    /// publishes the command menus.
    pub async fn connect(
        engine: Engine,
        settings: TelegramSettings,
        renderer: Arc<Renderer>,
    ) -> anyhow::Result<Telegram> {
        let webhook_secret = webhook::secret_for(&settings.token);
        let mut bot = Bot::new(settings.token);
        if let Some(url) = settings.api_url {
            bot = bot.set_api_url(url);
        }
        let limits = if settings.unthrottled {
            Limits {
                messages_per_sec_chat: 10_000,
                messages_per_sec_overall: 10_000,
                messages_per_min_chat: 100_000,
                messages_per_min_channel_or_supergroup: 100_000,
            }
        } else {
            Limits::default()
        };
        let bot = Throttle::new_spawn(bot, limits);
        let me = who_am_i(&bot).await.context("asking Telegram who the bot is (getMe); is TELEGRAM_TOKEN right?")?;
        tracing::info!(bot = %me.username, "connected to Telegram");
        // In the background: a slow or missing setMyCommands must not delay updates.
        let menu_bot = bot.clone();
        tokio::spawn(async move { menu::publish(&menu_bot).await });
        Ok(Telegram {
            shared: Arc::new(Shared {
                engine,
                bot,
                me,
                admins: admins::AdminCache::default(),
                handles: process::SeenHandles::default(),
                webhook: std::sync::OnceLock::new(),
                webhook_secret,
                hints: process::LinkHints::default(),
                sending: tokio::sync::Mutex::new(()),
                stopped: std::sync::atomic::AtomicBool::new(false),
                renderer,
            }),
        })
    }
}

impl Telegram {
    /// From now on no lane starts another update; those left stay in the
    /// inbox and are handled at the next start. Called before the store closes.
    pub fn stop_handling(&self) {
        self.shared.stopped.store(true, std::sync::atomic::Ordering::Release);
    }

    pub(crate) fn handling_stopped(&self) -> bool {
        self.shared.stopped.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// `getMe`. A server that leaves out fields teloxide's `Me` requires (test
/// stand-ins do) still tells the id and username, which is all hearth needs.
async fn who_am_i(bot: &TelegramBot) -> Result<BotIdentity, teloxide::RequestError> {
    match bot.get_me().await {
        Ok(me) => Ok(BotIdentity { id: me.id, username: me.username.clone().unwrap_or_default() }),
        Err(teloxide::RequestError::InvalidJson { source, raw }) => {
            let value: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
            let result = &value["result"];
            match (result["id"].as_u64(), result["username"].as_str()) {
                (Some(id), Some(username)) => {
                    tracing::warn!("getMe answered without some of Telegram's fields; using its id and username");
                    Ok(BotIdentity { id: teloxide::types::UserId(id), username: username.to_string() })
                }
                _ => Err(teloxide::RequestError::InvalidJson { source, raw }),
            }
        }
        Err(error) => Err(error),
    }
}
