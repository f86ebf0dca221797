use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{PgStore, PgTx};
use crate::store::{InboxEntry, InboxKey, InboxStore, InboxTx, NewInboxEntry, fmt_time};

/// How long a finished update is remembered, so a redelivery of it is
/// recognised (as on SQLite: Telegram keeps an unacknowledged update 24 hours).
const KEEP_DONE: chrono::Duration = chrono::Duration::hours(48);

#[async_trait::async_trait]
impl InboxTx for PgTx<'_> {
    async fn inbox_accept(&mut self, entries: &[NewInboxEntry], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        // In order, so of one id twice in a batch the first is kept.
        let inserted: Vec<(String, i64)> = sqlx::query_as(
            "INSERT INTO inbox (platform, update_id, chat_id, body, received_at) \
             SELECT platform, update_id, chat_id, body, $5 \
             FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY \
                 AS t(platform, update_id, chat_id, body, n) \
             ORDER BY n ON CONFLICT (platform, update_id) DO NOTHING RETURNING platform, update_id",
        )
        .bind(entries.iter().map(|e| e.key.platform).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.key.update_id).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.chat_id).collect::<Vec<_>>())
        .bind(entries.iter().map(|e| e.body.as_str()).collect::<Vec<_>>())
        .bind(fmt_time(now))
        .fetch_all(&mut *self.tx)
        .await
        .context("recording accepted updates")?;
        let mut new: HashSet<(String, i64)> = inserted.into_iter().collect();
        // As many finished rows past their keeping time go as came in (and a
        // few more). Ties on done_at go in key order, as SQLite's index
        // (done_at, then the key of a WITHOUT ROWID table) hands them out.
        sqlx::query(
            "DELETE FROM inbox WHERE (platform, update_id) IN \
             (SELECT platform, update_id FROM inbox WHERE done_at IS NOT NULL AND done_at < $1 \
              ORDER BY done_at, platform, update_id LIMIT $2)",
        )
        .bind(fmt_time(now - KEEP_DONE))
        .bind(i64::try_from(entries.len()).unwrap_or(i64::MAX).saturating_add(64))
        .execute(&mut *self.tx)
        .await
        .context("forgetting old finished updates")?;
        Ok(entries.iter().map(|e| new.remove(&(e.key.platform.to_string(), e.key.update_id))).collect())
    }

    async fn inbox_done(&mut self, keys: &[InboxKey], now: DateTime<Utc>) -> anyhow::Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE inbox SET done_at = $1 WHERE done_at IS NULL AND (platform, update_id) IN \
             (SELECT * FROM UNNEST($2::text[], $3::bigint[]))",
        )
        .bind(fmt_time(now))
        .bind(keys.iter().map(|k| k.platform).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.update_id).collect::<Vec<_>>())
        .execute(&mut *self.tx)
        .await
        .context("marking updates done")?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl InboxStore for PgStore {
    async fn inbox_unfinished(&self, platform: &str) -> anyhow::Result<Vec<InboxEntry>> {
        let rows: Vec<(i64, Option<i64>, String)> = sqlx::query_as(
            "SELECT update_id, chat_id, body FROM inbox WHERE platform = $1 AND done_at IS NULL ORDER BY update_id",
        )
        .bind(platform)
        .fetch_all(&mut *self.read().await?)
        .await
        .context("reading unfinished updates")?;
        Ok(rows.into_iter().map(|(update_id, chat_id, body)| InboxEntry { update_id, chat_id, body }).collect())
    }
}
