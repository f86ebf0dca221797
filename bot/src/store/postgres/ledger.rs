use super::{OnPostgres, PgConn};
use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::ledger::LedgerMoves;
use crate::store::{LedgerKind, LedgerRead, LedgerTx, NewLedgerEntry, fmt_day, fmt_time};

/// `(member_id, n)` rows as a map.
async fn per_member<C: PgConn>(
    tx: &mut OnPostgres<C>,
    sql: &'static str,
    members: &[i64],
    kind: Option<&str>,
) -> anyhow::Result<HashMap<i64, i64>> {
    let mut query = sqlx::query_as::<_, (i64, i64)>(sql).bind(members);
    if let Some(kind) = kind {
        query = query.bind(kind);
    }
    let rows = query.fetch_all(&mut *tx.tx).await.with_context(|| format!("running {sql}"))?;
    Ok(rows.into_iter().collect())
}

#[async_trait::async_trait]
impl<C: PgConn> LedgerRead for OnPostgres<C> {
    async fn balances(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        per_member(self, "SELECT member_id, balance FROM totals WHERE member_id = ANY($1)", members, None).await
    }
}

#[async_trait::async_trait]
impl LedgerTx for PgTx<'_> {
    async fn append_ledger_rows(&mut self, entries: &[NewLedgerEntry<'_>]) -> anyhow::Result<HashMap<i64, i64>> {
        let mut unique = HashSet::new();
        let fresh: Vec<&NewLedgerEntry> = entries.iter().filter(|e| unique.insert(e.idempotency_key)).collect();
        if fresh.is_empty() {
            return Ok(HashMap::new());
        }
        self.lock_boards(fresh.iter().map(|e| e.community_id).collect()).await?;
        // A used key skips its row without aborting the transaction; the
        // rows go in in `entries` order, so ids ascend as on SQLite.
        let inserted: Vec<(String,)> = sqlx::query_as(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id, \
             local_day) SELECT community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id, \
             local_day FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], \
             $7::text[], $8::bigint[], $9::text[]) WITH ORDINALITY AS t(community_id, member_id, delta, kind, reason, \
             at, idempotency_key, actor_member_id, local_day, n) ORDER BY n \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key",
        )
        .bind(fresh.iter().map(|e| e.community_id).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.member_id).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.delta).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.reason).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| fmt_time(e.at)).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.idempotency_key).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| e.actor_member_id).collect::<Vec<_>>())
        .bind(fresh.iter().map(|e| fmt_day(e.local_day)).collect::<Vec<_>>())
        .fetch_all(&mut *self.tx)
        .await
        .context("appending to the ledger")?;
        let inserted: HashSet<String> = inserted.into_iter().map(|(key,)| key).collect();
        let fresh: Vec<&NewLedgerEntry> = fresh.into_iter().filter(|e| inserted.contains(e.idempotency_key)).collect();
        if fresh.is_empty() {
            return Ok(HashMap::new());
        }
        crate::store::rollups::roll_up_ledger(self, &fresh).await?;

        // One total per member and one row per member and board, summed
        // here: an upsert may touch each row once. board_counts follows
        // both by its triggers. One statement: the new balances are what
        // the totals upsert returns.
        let moves = LedgerMoves::of(&fresh);
        let balances: Vec<(i64, i64)> = sqlx::query_as(
            "WITH boards AS (INSERT INTO board_points AS b (member_id, community_id, board, points) \
                 SELECT * FROM UNNEST($4::bigint[], $5::bigint[], $6::text[], $7::bigint[]) \
                 ON CONFLICT (member_id, board) DO UPDATE SET points = b.points + excluded.points) \
             INSERT INTO totals AS t (member_id, community_id, balance) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) \
             ON CONFLICT (member_id) DO UPDATE SET balance = t.balance + excluded.balance \
             RETURNING member_id, balance",
        )
        .bind(moves.totals.iter().map(|(member, _, _)| *member).collect::<Vec<_>>())
        .bind(moves.totals.iter().map(|(_, community, _)| *community).collect::<Vec<_>>())
        .bind(moves.totals.iter().map(|(_, _, delta)| *delta).collect::<Vec<_>>())
        .bind(moves.boards.iter().map(|(member, _, _, _)| *member).collect::<Vec<_>>())
        .bind(moves.boards.iter().map(|(_, community, _, _)| *community).collect::<Vec<_>>())
        .bind(moves.boards.iter().map(|(_, _, board, _)| board.as_str()).collect::<Vec<_>>())
        .bind(moves.boards.iter().map(|(_, _, _, delta)| *delta).collect::<Vec<_>>())
        .fetch_all(&mut *self.tx)
        .await
        .context("moving totals and the week and month boards")?;
        Ok(balances.into_iter().collect())
    }

    async fn ledger_counts(&mut self, members: &[i64], kind: LedgerKind) -> anyhow::Result<HashMap<i64, i64>> {
        per_member(
            self,
            "SELECT member_id, COUNT(*) FROM ledger WHERE member_id = ANY($1) AND kind = $2 GROUP BY member_id",
            members,
            Some(kind.as_str()),
        )
        .await
    }

    async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM ledger WHERE actor_member_id = $1 AND kind = 'peer_award' AND at >= $2",
        )
        .bind(giver)
        .bind(fmt_time(since))
        .fetch_one(&mut *self.tx)
        .await
        .context("counting peer awards")?;
        Ok(n)
    }
}
