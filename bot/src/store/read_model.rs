//! The read model: the reads that need no write (leaderboards, profiles,
//! streaks, stats, the current topic and challenge, the digest's figures).
//! They return rows; the engine words them with the catalog.
//!
//! Each backend implements the read traits once, over any connection, so the
//! same statement serves both places a read runs: the writer's transaction
//! (a scheduled post reads inside its claim's transaction, and a command
//! that had to write first reads what it wrote) and a reader connection
//! (`StorePort::read_model`), where read-only commands are answered beside
//! the writer, never waiting for its batch.

use super::{ChallengesRead, DirectoryRead, LedgerRead, MembersRead, ReportsRead, RollupRead, TopicsRead, WebRead};

/// Every read the engine makes without writing.
pub trait ReadModel:
    ChallengesRead + DirectoryRead + LedgerRead + MembersRead + ReportsRead + RollupRead + TopicsRead + WebRead + Send
{
}

impl<T> ReadModel for T where
    T: ChallengesRead
        + DirectoryRead
        + LedgerRead
        + MembersRead
        + ReportsRead
        + RollupRead
        + TopicsRead
        + WebRead
        + Send
        + ?Sized
{
}

/// One consistent view of committed data on a reader connection (a read
/// transaction: every statement sees the same commits). It holds no write
/// lock and never waits for the writer; dropping it ends the view.
pub type ReadView = Box<dyn ReadModel>;
