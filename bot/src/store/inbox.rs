//! The inbox (migration 0011): updates a platform will not send again once
//! they were acknowledged, kept from acceptance until their effect commits.

use chrono::{DateTime, Utc};

/// One accepted update, identified by its platform and the platform's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InboxKey {
    pub platform: &'static str,
    pub update_id: i64,
}

/// An update to record before it is acknowledged.
#[derive(Debug, Clone)]
pub struct NewInboxEntry {
    pub key: InboxKey,
    pub chat_id: Option<i64>,
    /// The update as the platform sent it.
    pub body: String,
}

/// An accepted update whose effect has not committed yet.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    pub body: String,
}

#[async_trait::async_trait]
pub trait InboxTx: Send + Sync {
    /// Records every entry not recorded before; for each, in order, whether
    /// it is new (false: a redelivery, already accepted).
    async fn inbox_accept(&mut self, entries: &[NewInboxEntry], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>>;

    /// Marks updates finished (their effect is in this transaction).
    async fn inbox_done(&mut self, keys: &[InboxKey], now: DateTime<Utc>) -> anyhow::Result<()>;
}

#[async_trait::async_trait]
pub trait InboxStore: Send + Sync {
    /// The platform's unfinished updates in the order they came.
    async fn inbox_unfinished(&self, platform: &str) -> anyhow::Result<Vec<InboxEntry>>;
}

/// Which accepted updates are still to be handled. Several processes may
/// hold the same update (a redelivery to another process, or one that
/// takes over the inbox at its start): the command's transaction asks
/// first, and only the first to commit applies it.
#[async_trait::async_trait]
pub trait InboxOpenTx: Send + Sync {
    /// The keys among `keys` that are recorded and not yet done.
    async fn inbox_open(&mut self, keys: &[InboxKey]) -> anyhow::Result<std::collections::HashSet<InboxKey>>;
}
