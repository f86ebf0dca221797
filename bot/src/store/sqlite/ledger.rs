use super::{OnSqlite, SqliteConn};
use super::{SqliteTx, from_json_rows, json_rows, refused_as_duplicate};
use crate::store::ledger::LedgerMoves;
use crate::store::{LedgerKind, LedgerRead, LedgerTx, NewLedgerEntry, fmt_day, fmt_time};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

impl SqliteTx<'_> {
    /// Appends every entry, or none if one of their keys is used (false).
    async fn try_append(&mut self, entries: &[&NewLedgerEntry<'_>]) -> anyhow::Result<bool> {
        let rows: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e.community_id,
                    e.member_id,
                    e.delta,
                    e.kind.as_str(),
                    e.reason,
                    fmt_time(e.at),
                    e.idempotency_key,
                    e.actor_member_id,
                    fmt_day(e.local_day),
                )
            })
            .collect();
        let outcome = sqlx::query(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id, \
             local_day) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
             value ->> 6, value ->> 7, value ->> 8 FROM json_each(?)",
        )
        .bind(json_rows(&rows)?)
        .execute(&mut *self.tx)
        .await;
        refused_as_duplicate(outcome).context("appending to the ledger")
    }
}

#[async_trait::async_trait]
impl<C: SqliteConn> LedgerRead for OnSqlite<C> {
    async fn balances(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        self.per_member(
            "SELECT json_group_array(json_array(member_id, balance)) FROM totals \
             WHERE member_id IN (SELECT value FROM json_each(?))",
            members,
            None,
        )
        .await
    }
}

#[async_trait::async_trait]
impl LedgerTx for SqliteTx<'_> {
    /// Appends ledger rows and moves the cached totals and the week and
    /// month boards with them, a fixed number of statements for any number
    /// of rows. A row whose idempotency key was used before (or earlier in
    /// `entries`) is skipped. Returns the new balance of every member whose
    /// total moved.
    async fn append_ledger_rows(&mut self, entries: &[NewLedgerEntry<'_>]) -> anyhow::Result<HashMap<i64, i64>> {
        let mut unique = HashSet::new();
        let mut fresh: Vec<&NewLedgerEntry> = entries.iter().filter(|e| unique.insert(e.idempotency_key)).collect();
        // Most keys are new (a check-in's key is unique because its check-in
        // row was), so one INSERT usually takes them all. A used key aborts
        // only this statement; then we ask which keys exist (one row crosses,
        // see `from_json_rows`) and append the rest.
        if !fresh.is_empty() && !self.try_append(&fresh).await? {
            let keys: Vec<&str> = fresh.iter().map(|e| e.idempotency_key).collect();
            let (used,): (String,) = sqlx::query_as(
                "SELECT json_group_array(idempotency_key) FROM ledger \
                 WHERE idempotency_key IN (SELECT value FROM json_each(?))",
            )
            .bind(json_rows(&keys)?)
            .fetch_one(&mut *self.tx)
            .await
            .context("looking up ledger keys")?;
            let used: HashSet<String> = from_json_rows(&used)?.into_iter().collect();
            fresh.retain(|e| !used.contains(e.idempotency_key));
            if !fresh.is_empty() {
                anyhow::ensure!(self.try_append(&fresh).await?, "a ledger key appeared between reading and writing");
            }
        }
        if fresh.is_empty() {
            return Ok(HashMap::new());
        }
        crate::store::rollups::roll_up_ledger(self, &fresh).await?;

        // One total per member and one row per member and board, summed
        // here: an upsert may touch each row once. board_counts follows
        // both by its triggers (0008). The three statements go to SQLite's
        // worker thread as one query: one hop for any batch.
        let moves = LedgerMoves::of(&fresh);
        let (balances,): (String,) = sqlx::query_as(
            "INSERT INTO totals (member_id, community_id, balance) \
             SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) WHERE true \
             ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance; \
             INSERT INTO board_points (member_id, community_id, board, points) \
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2) WHERE true \
             ON CONFLICT (member_id, board) DO UPDATE SET points = points + excluded.points; \
             SELECT json_group_array(json_array(member_id, balance)) FROM totals \
             WHERE member_id IN (SELECT value ->> 0 FROM json_each(?1))",
        )
        .bind(json_rows(&moves.totals)?)
        .bind(json_rows(&moves.boards)?)
        .fetch_one(&mut *self.tx)
        .await
        .context("moving totals and the week and month boards")?;
        Ok(from_json_rows::<(i64, i64)>(&balances)?.into_iter().collect())
    }

    async fn ledger_counts(&mut self, members: &[i64], kind: LedgerKind) -> anyhow::Result<HashMap<i64, i64>> {
        self.per_member(
            "SELECT json_group_array(json_array(member_id, n)) FROM (SELECT member_id, COUNT(*) AS n FROM ledger \
             WHERE member_id IN (SELECT value FROM json_each(?)) AND kind = ? GROUP BY member_id)",
            members,
            Some(kind.as_str()),
        )
        .await
    }

    async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM ledger WHERE actor_member_id = ? AND kind = 'peer_award' AND at >= ?")
                .bind(giver)
                .bind(fmt_time(since))
                .fetch_one(&mut *self.tx)
                .await
                .context("counting peer awards")?;
        Ok(n)
    }
}
