//! What adapters tell the engine outside of commands: users seen with a
//! handle, the bot joining or leaving a chat.

use super::{ChatRef, Engine, Platform, error};
use crate::config::Locale;
use crate::i18n::Catalog;
use crate::reply::Reply;
use crate::store::{HandleOwner, SeenHandle};

impl Engine {
    /// Records that `handle` (an @username, without '@') belongs to this user,
    /// so `/give @handle` can name them. Adapters call it when a handle is new
    /// or changed, not on every message.
    pub async fn observe_handle(&self, platform: Platform, handle: &str, owner: &HandleOwner) -> anyhow::Result<()> {
        let handle = handle.trim_start_matches('@').to_lowercase();
        if !crate::command::is_handle(&handle) {
            return Ok(());
        }
        let seen = SeenHandle { platform: platform.as_str(), handle: &handle, owner, now: self.now() };
        self.inner.store.remember_handle(seen).await
    }

    /// The bot was added to `chat`: marks it active and says hello. A chat that
    /// belongs to no community is told the exact config line that links it.
    pub async fn welcome(&self, chat: &ChatRef) -> anyhow::Result<Reply> {
        if let Some((platform, id)) = chat_key(chat) {
            self.inner.store.set_chat_active(platform.as_str(), &id, true, self.now()).await?;
        }
        let served = self.served();
        let Some(community) = served.community_for(chat) else {
            let catalog = Catalog::new(Locale::En);
            let hint = error::unlinked_chat_reply(&catalog, chat);
            let mut reply = Reply::public().text(catalog.text("welcome"));
            reply.lines.extend(hint.lines);
            return Ok(reply);
        };
        let catalog = Catalog::new(community.locale);
        Ok(Reply::public()
            .text(catalog.text("welcome"))
            .text(catalog.fmt("welcome-linked", &[("community", community.name.as_str().into())])))
    }

    /// Like [`Engine::welcome`], but `None` when the directory already lists
    /// the bot in `chat`: Discord repeats GUILD_CREATE on every connection,
    /// and a guild is welcomed once per join.
    pub async fn welcome_if_new(&self, chat: &ChatRef) -> anyhow::Result<Option<Reply>> {
        if let Some((platform, id)) = chat_key(chat)
            && self.inner.store.chat_membership(platform.as_str(), &id).await? == Some(true)
        {
            return Ok(None);
        }
        self.welcome(chat).await.map(Some)
    }

    /// The bot is in `chat` (seen without a join event, e.g. a guild it was
    /// in before this database existed): records it without a welcome. Every
    /// connection reports every guild, so the writer is used only on a change.
    pub async fn chat_present(&self, chat: &ChatRef) -> anyhow::Result<()> {
        let Some((platform, id)) = chat_key(chat) else {
            return Ok(());
        };
        let store = &self.inner.store;
        if store.chat_membership(platform.as_str(), &id).await? == Some(true) {
            return Ok(());
        }
        store.set_chat_active(platform.as_str(), &id, true, self.now()).await
    }

    /// The bot was removed from `chat`: its posts stop until it is added back.
    pub async fn chat_removed(&self, chat: &ChatRef) -> anyhow::Result<()> {
        let Some((platform, id)) = chat_key(chat) else {
            return Ok(());
        };
        tracing::warn!(platform = platform.as_str(), chat = %id, "the bot was removed from a chat");
        self.inner.store.set_chat_active(platform.as_str(), &id, false, self.now()).await
    }

    /// Whether the bot was removed from `chat` and not added back.
    pub async fn chat_inactive(&self, chat: &ChatRef) -> anyhow::Result<bool> {
        match chat_key(chat) {
            Some((platform, id)) => Ok(self.inner.store.chat_membership(platform.as_str(), &id).await? == Some(false)),
            None => Ok(false),
        }
    }
}

/// How a chat is keyed in the directory: Discord by guild, Telegram by chat.
fn chat_key(chat: &ChatRef) -> Option<(Platform, String)> {
    match chat {
        ChatRef::Console { .. } => None,
        ChatRef::Discord { guild_id, .. } => Some((Platform::Discord, guild_id.clone())),
        ChatRef::Telegram { chat_id } => Some((Platform::Telegram, chat_id.to_string())),
    }
}

impl Engine {
    /// A value an adapter stored about itself, e.g. its last command registration.
    pub async fn bot_state(&self, key: &str) -> anyhow::Result<Option<String>> {
        self.inner.store.bot_state(key).await
    }

    pub async fn set_bot_state(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.inner.store.set_bot_state(key, value, self.now()).await
    }
}
