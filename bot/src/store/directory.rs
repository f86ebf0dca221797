//! Handles and chats the adapters have seen (see migration 0005).

use chrono::{DateTime, Utc};

/// A user a handle belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandleOwner {
    pub user_id: String,
    pub display_name: String,
    pub is_bot: bool,
}

/// One sighting of a user with a handle.
pub struct SeenHandle<'a> {
    pub platform: &'a str,
    /// Lowercase, without '@'.
    pub handle: &'a str,
    pub owner: &'a HandleOwner,
    pub now: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait DirectoryRead: Send + Sync {
    async fn handle_owner(&mut self, platform: &str, handle: &str) -> anyhow::Result<Option<HandleOwner>>;
}

#[async_trait::async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn remember_handle(&self, seen: SeenHandle<'_>) -> anyhow::Result<()>;

    async fn set_chat_active(
        &self,
        platform: &str,
        chat_id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Whether the bot is in a chat (`Some(true)`), was removed from it
    /// (`Some(false)`), or has never been seen there (`None`).
    async fn chat_membership(&self, platform: &str, chat_id: &str) -> anyhow::Result<Option<bool>>;

    /// A value the bot stored about itself (`bot_state`).
    async fn bot_state(&self, key: &str) -> anyhow::Result<Option<String>>;

    async fn set_bot_state(&self, key: &str, value: &str, now: DateTime<Utc>) -> anyhow::Result<()>;
}
