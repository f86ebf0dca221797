use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{WriteTx, fmt_time};

/// Why points changed. The text form is what the ledger and exports store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerKind {
    Checkin,
    StreakBonus,
    PeerAward,
    TopicReply,
    ChallengeEntry,
    ChallengeWin,
    AdminAward,
    AdminRevoke,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Checkin => "checkin",
            LedgerKind::StreakBonus => "streak_bonus",
            LedgerKind::PeerAward => "peer_award",
            LedgerKind::TopicReply => "topic_reply",
            LedgerKind::ChallengeEntry => "challenge_entry",
            LedgerKind::ChallengeWin => "challenge_win",
            LedgerKind::AdminAward => "admin_award",
            LedgerKind::AdminRevoke => "admin_revoke",
        }
    }
}

pub struct NewLedgerEntry<'a> {
    pub community_id: i64,
    pub member_id: i64,
    pub delta: i64,
    pub kind: LedgerKind,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
    /// Unique per award: a retry with the same key changes nothing.
    pub idempotency_key: &'a str,
    pub actor_member_id: Option<i64>,
}

impl WriteTx {
    /// Appends a ledger row and moves the member's cached total with it.
    /// Returns false (and changes nothing) if the idempotency key was used before.
    pub async fn append_ledger(&mut self, entry: NewLedgerEntry<'_>) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(entry.community_id)
        .bind(entry.member_id)
        .bind(entry.delta)
        .bind(entry.kind.as_str())
        .bind(entry.reason)
        .bind(fmt_time(entry.at))
        .bind(entry.idempotency_key)
        .bind(entry.actor_member_id)
        .execute(&mut *self.tx)
        .await
        .context("appending to the ledger")?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO totals (member_id, community_id, balance) VALUES (?, ?, ?) \
             ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance",
        )
        .bind(entry.member_id)
        .bind(entry.community_id)
        .bind(entry.delta)
        .execute(&mut *self.tx)
        .await
        .context("updating totals")?;
        Ok(true)
    }

    pub async fn balance(&mut self, member_id: i64) -> anyhow::Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT balance FROM totals WHERE member_id = ?")
            .bind(member_id)
            .fetch_optional(&mut *self.tx)
            .await
            .context("reading balance")?;
        Ok(row.map_or(0, |(b,)| b))
    }

    /// How many ledger rows of `kind` the member has (badge counters).
    pub async fn ledger_count(&mut self, member_id: i64, kind: LedgerKind) -> anyhow::Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ledger WHERE member_id = ? AND kind = ?")
            .bind(member_id)
            .bind(kind.as_str())
            .fetch_one(&mut *self.tx)
            .await
            .context("counting ledger rows")?;
        Ok(n)
    }

    /// Peer awards `giver` has made since `since`.
    pub async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64> {
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
