#![allow(unused_variables)] // filled in area by area; every stub says so when called

use chrono::{DateTime, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{DirectoryStore, DirectoryTx, HandleOwner, SeenHandle};

#[async_trait::async_trait]
impl DirectoryTx for PgTx<'_> {
    async fn handle_owner(&mut self, platform: &str, handle: &str) -> anyhow::Result<Option<HandleOwner>> {
        Err(not_yet("handle_owner"))
    }
}

#[async_trait::async_trait]
impl DirectoryStore for PgStore {
    async fn remember_handle(&self, seen: SeenHandle<'_>) -> anyhow::Result<()> {
        Err(not_yet("remember_handle"))
    }

    async fn set_chat_active(
        &self,
        platform: &str,
        chat_id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        Err(not_yet("set_chat_active"))
    }

    async fn chat_membership(&self, platform: &str, chat_id: &str) -> anyhow::Result<Option<bool>> {
        Err(not_yet("chat_membership"))
    }

    async fn bot_state(&self, key: &str) -> anyhow::Result<Option<String>> {
        Err(not_yet("bot_state"))
    }

    async fn set_bot_state(&self, key: &str, value: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("set_bot_state"))
    }
}
