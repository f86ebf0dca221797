//! Locks a write transaction holds against other processes' transactions on
//! the same database, until it ends. SQLite has one writer per file, so
//! there they hold by themselves and cost nothing; PostgreSQL, where
//! several hearth processes may write at once, takes them
//! (ARCHITECTURE.md, "What holds each rule on PostgreSQL").

/// What a command is about to read and then write on.
#[derive(Debug, Clone, Copy)]
pub enum Lock<'a> {
    /// Members whose rule state (a giver's allowance, an award's sequence,
    /// the badges they hold) the command reads before it writes. Taken in
    /// member id order.
    Members(&'a [i64]),
    /// A community's running challenge. Submissions and votes share it;
    /// opening, moving to voting and closing (paying the winners) take it
    /// alone, so a vote never lands after the count and two closes pay once.
    Challenge { community_id: i64, exclusive: bool },
    /// A community's topic bag: a draw reads the round and the topics left,
    /// then records the draw.
    TopicBag { community_id: i64 },
}

/// Whether `error` is a conflict between concurrent transactions that the
/// database resolved by failing this one (a deadlock, a serialization
/// failure): running the whole transaction again is the answer.
///
/// On SQLite that is a database still busy after the busy timeout: another
/// process on the same file held its write lock that long (seen with three
/// engines on one file under load), or a snapshot went stale.
pub fn is_transaction_conflict(error: &anyhow::Error) -> bool {
    super::postgres::is_transaction_conflict(error) || sqlite_busy(error)
}

/// SQLite's result codes for "busy" (5) and its extended forms: recovery,
/// snapshot, timeout.
const SQLITE_BUSY: [&str; 4] = ["5", "261", "517", "773"];

fn sqlite_busy(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(sqlx::Error::as_database_error)
            .filter(|e| e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some())
            .and_then(|e| e.code())
            .is_some_and(|code| SQLITE_BUSY.contains(&code.as_ref()))
    })
}
