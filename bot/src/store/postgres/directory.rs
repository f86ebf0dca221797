use super::{OnPostgres, PgConn};
use anyhow::Context;
use chrono::{DateTime, Utc};

use super::PgStore;
use crate::store::{DirectoryRead, DirectoryStore, HandleOwner, SeenHandle, fmt_time};

#[async_trait::async_trait]
impl<C: PgConn> DirectoryRead for OnPostgres<C> {
    async fn handle_owner(&mut self, platform: &str, handle: &str) -> anyhow::Result<Option<HandleOwner>> {
        let row: Option<(String, String, bool)> =
            sqlx::query_as("SELECT user_id, display_name, is_bot FROM handles WHERE platform = $1 AND handle = $2")
                .bind(platform)
                .bind(handle.to_lowercase())
                .fetch_optional(&mut *self.tx)
                .await
                .context("looking up a handle")?;
        Ok(row.map(|(user_id, display_name, is_bot)| HandleOwner { user_id, display_name, is_bot }))
    }
}

#[async_trait::async_trait]
impl DirectoryStore for PgStore {
    async fn remember_handle(&self, seen: SeenHandle<'_>) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO handles (platform, handle, user_id, display_name, is_bot, seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (platform, handle) DO UPDATE SET user_id = excluded.user_id, \
             display_name = excluded.display_name, is_bot = excluded.is_bot, seen_at = excluded.seen_at",
        )
        .bind(seen.platform)
        .bind(seen.handle)
        .bind(&seen.owner.user_id)
        .bind(&seen.owner.display_name)
        .bind(seen.owner.is_bot)
        .bind(fmt_time(seen.now))
        .execute(&mut **self.lock_writer().await?)
        .await
        .context("remembering a handle")?;
        Ok(())
    }

    async fn set_chat_active(
        &self,
        platform: &str,
        chat_id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO chats (platform, chat_id, active, changed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, chat_id) DO UPDATE SET active = excluded.active, changed_at = excluded.changed_at",
        )
        .bind(platform)
        .bind(chat_id)
        .bind(active)
        .bind(fmt_time(now))
        .execute(&mut **self.lock_writer().await?)
        .await
        .context("recording a chat's membership")?;
        Ok(())
    }

    async fn chat_membership(&self, platform: &str, chat_id: &str) -> anyhow::Result<Option<bool>> {
        let row: Option<(bool,)> = sqlx::query_as("SELECT active FROM chats WHERE platform = $1 AND chat_id = $2")
            .bind(platform)
            .bind(chat_id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .context("reading a chat's membership")?;
        Ok(row.map(|(active,)| active))
    }

    async fn bot_state(&self, key: &str) -> anyhow::Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM bot_state WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *self.read().await?)
            .await
            .context("reading bot state")?;
        Ok(row.map(|(value,)| value))
    }

    async fn set_bot_state(&self, key: &str, value: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO bot_state (key, value, changed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at",
        )
        .bind(key)
        .bind(value)
        .bind(fmt_time(now))
        .execute(&mut **self.lock_writer().await?)
        .await
        .context("writing bot state")?;
        Ok(())
    }
}
