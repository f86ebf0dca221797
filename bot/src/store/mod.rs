//! The store port: every read and write the engine makes, as traits, with
//! one implementation per database below (`sqlite/`, `postgres/`). Every SQL
//! statement of hearth lives in those two modules.
//!
//! The engine holds a [`Store`] (a handle to one backend, chosen by the
//! database URL), writes through a [`WriteTx`] (one transaction on the
//! backend's writer) and answers read-only commands from a [`ReadView`]
//! (one read transaction on a reader connection, `read_model.rs`). Both are trait objects: the engine and the adapters are
//! written once, with no type parameter, and the compiler checks that each
//! backend implements every method (ARCHITECTURE.md, "Storage port").
//!
//! The per-area traits (`LedgerRead`, `LedgerTx`, `ScheduleStore`, …) sit
//! beside the rows they carry; [`ReadModel`], [`TxPort`] and [`StorePort`]
//! gather them.

mod challenges;
mod checkins;
pub mod copy;
mod directory;
mod export;
mod inbox;
mod ledger;
mod locks;
mod members;
pub mod postgres;
mod read_model;
mod read_only;
mod reports;
mod rollup_sql;
pub mod rollups;
mod schedule;
pub mod sqlite;
mod topics;
pub mod web;
mod web_sql;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

pub use challenges::{ChallengePhase, ChallengeRow, ChallengesRead, ChallengesTx, EntryRow, PastChallenge};
pub use checkins::{CheckinsTx, NewCheckin};
pub use directory::{DirectoryRead, DirectoryStore, HandleOwner, SeenHandle};
pub use export::{ExportIdentity, ExportLedgerRow, ExportMember, ExportRows, ExportStore};
pub use inbox::{InboxEntry, InboxKey, InboxOpenTx, InboxStore, InboxTx, NewInboxEntry};
pub use ledger::{LedgerKind, LedgerRead, LedgerTx, NewLedgerEntry};
pub use locks::{Lock, is_transaction_conflict};
pub use members::{Forget, IdentityKey, MemberRow, MembersRead, MembersStore, MembersTx, NewMember, SavedStreak};
pub use read_model::{ReadModel, ReadView};
pub use read_only::{ReadOnlyStore, UnusableDatabase};
pub use reports::{Board, MemberActivity, ReportsRead, ReportsStore, Standing, TotalsMismatch};
pub use rollups::{RollupRead, RollupTx};
pub use schedule::{CursorKey, CursorsOf, OutboxPost, ScheduleCursor, ScheduleCursors, ScheduleStore, ScheduleTx};
pub use sqlite::{BackupReport, connect_options};
pub use topics::{CurrentTopic, TopicAdded, TopicRow, TopicsRead, TopicsStore, TopicsTx};
pub use web::{WebRead, WebStore, WebTx};

/// Everything one write transaction can do: every read of the read model
/// (on what this transaction wrote so far) and the writes. Dropping it
/// without `commit` rolls back.
#[async_trait::async_trait]
pub trait TxPort:
    ReadModel
    + ChallengesTx
    + CheckinsTx
    + InboxTx
    + InboxOpenTx
    + LedgerTx
    + MembersTx
    + RollupTx
    + ScheduleTx
    + TopicsTx
    + WebTx
    + Send
{
    async fn commit(self: Box<Self>) -> anyhow::Result<()>;

    /// Marks where one command of a group commit begins, so its changes can
    /// be undone alone (`rollback_to_savepoint`) or kept (`release_savepoint`).
    async fn savepoint(&mut self) -> anyhow::Result<()>;
    async fn release_savepoint(&mut self) -> anyhow::Result<()>;
    async fn rollback_to_savepoint(&mut self) -> anyhow::Result<()>;

    /// Holds `lock` until the transaction ends, against other processes'
    /// transactions. One writer per database (SQLite) needs none.
    async fn lock(&mut self, _lock: Lock<'_>) -> anyhow::Result<()> {
        Ok(())
    }
}

/// The connection (or lock) a process writes through; one transaction at a time.
#[async_trait::async_trait]
pub trait WriterPort: Send {
    async fn begin(&mut self) -> anyhow::Result<WriteTx<'_>>;
}

/// Everything outside a command's transaction: set-up, reads on reader
/// connections, delivery bookkeeping, maintenance.
#[async_trait::async_trait]
pub trait StorePort:
    DirectoryStore
    + ExportStore
    + InboxStore
    + MembersStore
    + ReportsStore
    + ScheduleStore
    + TopicsStore
    + WebStore
    + Send
    + Sync
{
    /// The writer, once the transaction before has finished with it.
    async fn writer(&self) -> anyhow::Result<Writer>;

    /// A view of committed data on a reader connection, beside the writer
    /// (SQLite in WAL: the reader pool; PostgreSQL: a pool connection other
    /// than the writer's). An in-memory SQLite database has no second
    /// connection: its view reads through the writer, waiting for it.
    async fn read_model(&self) -> anyhow::Result<ReadView>;

    /// Creates a row for each community slug that has none; returns every slug's id.
    async fn register_communities(&self, slugs: &[&str], now: DateTime<Utc>) -> anyhow::Result<HashMap<String, i64>>;

    /// A consistent copy of the whole database at `target`.
    async fn backup(&self, target: &Path) -> anyhow::Result<BackupReport>;

    /// Housekeeping between group commits (SQLite: finishing a WAL checkpoint).
    async fn finish_checkpoint_if_due(&self) -> anyhow::Result<()>;

    /// How many rows each of hearth's tables holds (`TABLES` order): what a
    /// copy between databases verifies, and what tests count.
    async fn row_counts(&self) -> anyhow::Result<Vec<(&'static str, i64)>>;

    /// Becomes the one process that does `role` (Telegram's long polling)
    /// among all processes on this database, if none is: `None` when
    /// another holds it. The role is held until the `Lead` is dropped or
    /// its connection breaks (`Lead::lost`), e.g. when the process dies.
    async fn try_lead(&self, role: &str) -> anyhow::Result<Option<Lead>>;

    /// Whether the database answers a trivial query (`/healthz`).
    async fn ping(&self) -> anyhow::Result<()>;

    /// Closes the connections; commands after this fail.
    async fn close(&self);
}

/// Every table of hearth's schema, parents before the tables that refer to
/// them: the order a copy inserts in.
pub const TABLES: &[&str] = &[
    "communities",
    "members",
    "identities",
    "handles",
    "chats",
    "bot_state",
    "ledger",
    "totals",
    "board_points",
    "board_counts",
    "checkins",
    "badges_awarded",
    "schedule_cursors",
    "schedule_claims",
    "outbox",
    "topics",
    "topic_posts",
    "challenges",
    "challenge_entries",
    "challenge_votes",
    "challenge_themes",
    "inbox",
];

/// A role held by this process alone (`StorePort::try_lead`).
pub struct Lead(Box<dyn LeadPort>);

impl Lead {
    pub fn new(held: Box<dyn LeadPort>) -> Lead {
        Lead(held)
    }

    /// Returns once the role is no longer certainly held (its connection
    /// broke); checks every few seconds.
    pub async fn lost(&mut self) {
        while self.0.still_held().await {
            tokio::time::sleep(LEAD_CHECK_EVERY).await;
        }
    }
}

/// How often a held role checks that it is still held.
const LEAD_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

#[async_trait::async_trait]
pub trait LeadPort: Send {
    async fn still_held(&mut self) -> bool;
}

/// The writer of one backend, held by whoever runs a transaction on it.
pub type Writer = Box<dyn WriterPort>;

/// One transaction on the locked writer. Dropping it without `commit` rolls back.
pub struct WriteTx<'c>(Box<dyn TxPort + 'c>);

impl<'c> WriteTx<'c> {
    pub fn new(tx: Box<dyn TxPort + 'c>) -> WriteTx<'c> {
        WriteTx(tx)
    }

    pub async fn begin(writer: &'c mut Writer) -> anyhow::Result<WriteTx<'c>> {
        writer.begin().await
    }

    pub async fn commit(self) -> anyhow::Result<()> {
        self.0.commit().await
    }

    /// The read model inside this transaction: the reads a read-only
    /// command makes, seeing what this transaction wrote so far.
    pub fn reads(&mut self) -> &mut (dyn ReadModel + 'c) {
        &mut *self.0
    }
}

impl<'c> Deref for WriteTx<'c> {
    type Target = dyn TxPort + 'c;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.0
    }
}

/// A handle to the database hearth runs on; clones share it.
#[derive(Clone)]
pub struct Store(Arc<dyn StorePort>);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        if postgres::is_postgres_url(url) {
            Ok(Store(Arc::new(postgres::PgStore::connect(url).await?)))
        } else {
            Ok(Store(Arc::new(sqlite::SqliteStore::connect(url).await?)))
        }
    }
}

impl Deref for Store {
    type Target = dyn StorePort;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// UTC instant as stored: text whose order is time order.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(s).with_context(|| format!("stored time {s:?}"))?.with_timezone(&Utc))
}

pub fn fmt_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("stored day {s:?}"))
}

/// The streak state from its stored columns.
pub(crate) fn streak_state(
    streak: i64,
    freezes: i64,
    last_day: Option<&str>,
) -> anyhow::Result<crate::domain::streak::StreakState> {
    Ok(crate::domain::streak::StreakState {
        streak: u32::try_from(streak).unwrap_or(0),
        freezes: u32::try_from(freezes).unwrap_or(0),
        last_day: last_day.map(parse_day).transpose()?,
    })
}
