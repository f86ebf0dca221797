//! `InboxOpenTx` on PostgreSQL.

use std::collections::HashSet;

use anyhow::Context;

use super::PgTx;
use crate::store::{InboxKey, InboxOpenTx};

#[async_trait::async_trait]
impl InboxOpenTx for PgTx<'_> {
    async fn inbox_open(&mut self, keys: &[InboxKey]) -> anyhow::Result<HashSet<InboxKey>> {
        if keys.is_empty() {
            return Ok(HashSet::new());
        }
        let platforms: Vec<String> = keys.iter().map(|k| k.platform.to_string()).collect();
        let ids: Vec<i64> = keys.iter().map(|k| k.update_id).collect();
        // Locked until this transaction marks them done: another process
        // holding the same update waits, then finds it done and skips it.
        let open: Vec<(String, i64)> = sqlx::query_as(
            "SELECT i.platform, i.update_id FROM inbox i \
             JOIN UNNEST($1::text[], $2::bigint[]) AS k(platform, update_id) \
             ON i.platform = k.platform AND i.update_id = k.update_id WHERE i.done_at IS NULL \
             ORDER BY i.platform, i.update_id FOR UPDATE OF i",
        )
        .bind(&platforms)
        .bind(&ids)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading which updates are still open")?;
        let open: HashSet<(String, i64)> = open.into_iter().collect();
        Ok(keys.iter().copied().filter(|k| open.contains(&(k.platform.to_string(), k.update_id))).collect())
    }
}
