use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

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
    /// The community's local day at `at`: the week and month boards it counts on.
    pub local_day: NaiveDate,
    /// Unique per award: a retry with the same key changes nothing.
    pub idempotency_key: &'a str,
    pub actor_member_id: Option<i64>,
}

#[async_trait::async_trait]
pub trait LedgerTx: Send + Sync {
    /// Appends a ledger row and moves the member's cached total with it.
    /// Returns false (and changes nothing) if the idempotency key was used before.
    async fn append_ledger(&mut self, entry: NewLedgerEntry<'_>) -> anyhow::Result<bool> {
        Ok(!self.append_ledger_rows(&[entry]).await?.is_empty())
    }

    /// Appends ledger rows and moves the cached totals with them, a fixed
    /// number of statements for any number of rows. A row whose idempotency
    /// key was used before (or earlier in `entries`) is skipped. Returns the
    /// new balance of every member whose total moved.
    async fn append_ledger_rows(&mut self, entries: &[NewLedgerEntry<'_>]) -> anyhow::Result<HashMap<i64, i64>>;

    async fn balance(&mut self, member_id: i64) -> anyhow::Result<i64> {
        Ok(self.balances(&[member_id]).await?.get(&member_id).copied().unwrap_or(0))
    }

    /// The balance of each of `members`; members who never had points are absent.
    async fn balances(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>>;

    /// How many ledger rows of `kind` the member has.
    async fn ledger_count(&mut self, member_id: i64, kind: LedgerKind) -> anyhow::Result<i64> {
        Ok(self.ledger_counts(&[member_id], kind).await?.get(&member_id).copied().unwrap_or(0))
    }

    /// How many ledger rows of `kind` each of `members` has (badge counters);
    /// members with none are absent.
    async fn ledger_counts(&mut self, members: &[i64], kind: LedgerKind) -> anyhow::Result<HashMap<i64, i64>>;

    /// Peer awards `giver` has made since `since`.
    async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64>;
}
