use super::{SqliteStore, SqliteTx, from_json_rows, json_rows};
use crate::store::{InboxEntry, InboxKey, InboxOpenTx, InboxStore, InboxTx, NewInboxEntry, fmt_time};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// How long a finished update is remembered, so a redelivery of it is
/// recognised. Telegram keeps an unacknowledged update for 24 hours.
const KEEP_DONE: chrono::Duration = chrono::Duration::hours(48);

#[async_trait::async_trait]
impl InboxTx for SqliteTx<'_> {
    async fn inbox_accept(&mut self, entries: &[NewInboxEntry], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(&str, i64, Option<i64>, &str)> =
            entries.iter().map(|e| (e.key.platform, e.key.update_id, e.chat_id, e.body.as_str())).collect();
        // `WHERE true` lets SQLite tell the upsert clause from a join.
        let inserted: Vec<(String, i64)> = sqlx::query_as(
            "INSERT INTO inbox (platform, update_id, chat_id, body, received_at) \
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, ? FROM json_each(?) WHERE true \
             ON CONFLICT (platform, update_id) DO NOTHING RETURNING platform, update_id",
        )
        .bind(fmt_time(now))
        .bind(json_rows(&rows)?)
        .fetch_all(&mut *self.tx)
        .await
        .context("recording accepted updates")?;
        let mut new: HashSet<(String, i64)> = inserted.into_iter().collect();
        // As many finished rows past their keeping time go as came in (and
        // a few more), so the table stays as large as two days of updates.
        sqlx::query(
            "DELETE FROM inbox WHERE (platform, update_id) IN \
             (SELECT platform, update_id FROM inbox WHERE done_at IS NOT NULL AND done_at < ? ORDER BY done_at LIMIT ?)",
        )
        .bind(fmt_time(now - KEEP_DONE))
        .bind(i64::try_from(entries.len()).unwrap_or(i64::MAX).saturating_add(64))
        .execute(&mut *self.tx)
        .await
        .context("forgetting old finished updates")?;
        // Within one batch the same id may come twice: only its first is new.
        Ok(entries.iter().map(|e| new.remove(&(e.key.platform.to_string(), e.key.update_id))).collect())
    }

    async fn inbox_done(&mut self, keys: &[InboxKey], now: DateTime<Utc>) -> anyhow::Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let rows: Vec<(&str, i64)> = keys.iter().map(|k| (k.platform, k.update_id)).collect();
        sqlx::query(
            "UPDATE inbox SET done_at = ? WHERE done_at IS NULL AND (platform, update_id) IN \
             (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
        )
        .bind(fmt_time(now))
        .bind(json_rows(&rows)?)
        .execute(&mut *self.tx)
        .await
        .context("marking updates done")?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl InboxStore for SqliteStore {
    async fn inbox_unfinished(&self, platform: &str) -> anyhow::Result<Vec<InboxEntry>> {
        let mut reader = self.read().await?;
        let (rows,): (String,) = sqlx::query_as(
            "SELECT coalesce(json_group_array(json_array(update_id, chat_id, body)), '[]') FROM \
             (SELECT update_id, chat_id, body FROM inbox WHERE platform = ? AND done_at IS NULL ORDER BY update_id)",
        )
        .bind(platform)
        .fetch_one(&mut *reader)
        .await
        .context("reading unfinished updates")?;
        Ok(from_json_rows::<(i64, Option<i64>, String)>(&rows)?
            .into_iter()
            .map(|(update_id, chat_id, body)| InboxEntry { update_id, chat_id, body })
            .collect())
    }
}

#[async_trait::async_trait]
impl InboxOpenTx for SqliteTx<'_> {
    async fn inbox_open(&mut self, keys: &[InboxKey]) -> anyhow::Result<HashSet<InboxKey>> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        let rows: Vec<(&str, i64)> = keys.iter().map(|k| (k.platform, k.update_id)).collect();
        let (open,): (String,) = sqlx::query_as(
            "SELECT coalesce(json_group_array(json_array(platform, update_id)), '[]') FROM inbox \
             WHERE done_at IS NULL AND (platform, update_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
        )
        .bind(json_rows(&rows)?)
        .fetch_one(&mut *self.tx)
        .await
        .context("reading which updates are still open")?;
        let open: HashSet<(String, i64)> = from_json_rows::<(String, i64)>(&open)?.into_iter().collect();
        Ok(keys.iter().copied().filter(|k| open.contains(&(k.platform.to_string(), k.update_id))).collect())
    }
}
