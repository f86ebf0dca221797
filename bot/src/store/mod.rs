//! The store: every SQL statement of hearth lives below this module.
//!
//! Commands run in one write transaction each (`Store::begin`), on a single
//! writer connection, so no two of our own writers ever contend for SQLite's
//! lock. Reads that need no transaction (export, checks) use the reader pool.

mod backup;
mod challenges;
mod checkins;
mod checkpoint;
mod directory;
mod export;
mod inbox;
mod ledger;
mod members;
mod read_only;
mod reports;
mod schedule;
mod topics;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

pub use backup::BackupReport;
pub use challenges::{ChallengePhase, ChallengeRow, EntryRow, PastChallenge};
pub use checkins::NewCheckin;
pub use directory::{HandleOwner, SeenHandle};
pub use export::{ExportIdentity, ExportLedgerRow, ExportMember, ExportRows};
pub use inbox::{InboxEntry, InboxKey, NewInboxEntry};
pub use ledger::{LedgerKind, NewLedgerEntry};
pub use members::{Forget, IdentityKey, MemberRow, NewMember, SavedStreak};
pub use read_only::{ReadOnlyStore, UnusableDatabase};
pub use reports::{Board, MemberActivity, Standing};
pub use schedule::{CursorKey, OutboxPost, ScheduleCursor, ScheduleCursors};
pub use topics::{CurrentTopic, TopicAdded, TopicRow};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, Clone)]
pub struct Store {
    writer: Writer,
    /// None for an in-memory database: it lives in the writer's one connection.
    reader: Option<SqlitePool>,
    checkpoints: Arc<checkpoint::Checkpoints>,
}

/// The one connection that writes, held for the store's whole life.
///
/// Why not a pool of one: sqlx gives a pool connection back by a task on the
/// runtime that first pings SQLite's thread, and the next transaction waits
/// for both. Under load the runtime's threads are busy answering askers, and
/// each group commit waited 0.5–2 ms to begin. A mutex hands the connection on
/// at once. `None` once the store is closed.
#[derive(Debug, Clone)]
struct Writer(Arc<Mutex<Option<SqliteConnection>>>);

/// The writer connection, locked: only its holder runs statements on it.
pub type WriterGuard = OwnedMappedMutexGuard<Option<SqliteConnection>, SqliteConnection>;

impl Writer {
    async fn lock(&self) -> anyhow::Result<WriterGuard> {
        OwnedMutexGuard::try_map(self.0.clone().lock_owned().await, Option::as_mut)
            .map_err(|_| anyhow::anyhow!("the store is closed"))
    }
}

/// One command's write transaction on the locked writer connection.
/// Dropping it without `commit` rolls back.
pub struct WriteTx<'c> {
    tx: Transaction<'c, Sqlite>,
}

/// A connection to read from: the reader pool's, or, for an in-memory
/// database, the writer's.
pub(crate) enum ReadConnection {
    Pool(PoolConnection<Sqlite>),
    Writer(WriterGuard),
}

impl Deref for ReadConnection {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match self {
            ReadConnection::Pool(conn) => conn,
            ReadConnection::Writer(conn) => conn,
        }
    }
}

impl DerefMut for ReadConnection {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            ReadConnection::Pool(conn) => conn,
            ReadConnection::Writer(conn) => conn,
        }
    }
}

impl Store {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let options = connect_options(url)?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            // Names, user ids and notes: only the owner may read them. SQLite
            // gives the -wal and -shm files the database file's mode.
            create_private_file(options.get_filename())
                .with_context(|| format!("creating database {}", options.get_filename().display()))?;
        }
        // The writer never checkpoints on commit: see `checkpoint`.
        let writer_options =
            if in_memory { options.clone() } else { options.clone().pragma("wal_autocheckpoint", "0") };
        let mut writer = writer_options.connect().await.with_context(|| format!("opening database {url:?}"))?;
        MIGRATOR.run(&mut writer).await.context("applying database migrations")?;
        let reader = if in_memory {
            None
        } else {
            Some(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await
                    .with_context(|| format!("opening database {url:?} for reading"))?,
            )
        };
        let checkpoints = Arc::new(checkpoint::Checkpoints::new(&mut writer).await?);
        if let Some(reader) = &reader {
            tokio::spawn(checkpoint::in_background(reader.clone(), checkpoints.clone()));
        }
        Ok(Store { writer: Writer(Arc::new(Mutex::new(Some(writer)))), reader, checkpoints })
    }

    /// The writer connection, once the transaction or statement before has
    /// finished with it. Hold it for `begin`.
    pub async fn writer(&self) -> anyhow::Result<WriterGuard> {
        self.writer.lock().await
    }

    /// A connection for reads outside any write transaction.
    async fn read(&self) -> anyhow::Result<ReadConnection> {
        match &self.reader {
            Some(pool) => Ok(ReadConnection::Pool(pool.acquire().await.context("opening a read connection")?)),
            None => Ok(ReadConnection::Writer(self.writer().await?)),
        }
    }

    /// Creates a row for each community slug that has none; returns every slug's id.
    pub async fn register_communities(
        &self,
        slugs: &[&str],
        now: DateTime<Utc>,
    ) -> anyhow::Result<HashMap<String, i64>> {
        let mut writer = self.writer().await?;
        let mut tx = WriteTx::begin(&mut writer).await?;
        let mut ids = HashMap::with_capacity(slugs.len());
        for slug in slugs {
            sqlx::query("INSERT INTO communities (slug, created_at) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING")
                .bind(*slug)
                .bind(fmt_time(now))
                .execute(&mut *tx.tx)
                .await
                .context("creating community")?;
            let (id,): (i64,) = sqlx::query_as("SELECT id FROM communities WHERE slug = ?")
                .bind(*slug)
                .fetch_one(&mut *tx.tx)
                .await
                .context("reading community id")?;
            ids.insert((*slug).to_string(), id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Closes the connections; commands after this fail.
    pub async fn close(&self) {
        if let Some(reader) = &self.reader {
            reader.close().await;
        }
        if let Some(writer) = self.writer.0.lock().await.take()
            && let Err(error) = writer.close().await
        {
            tracing::warn!(error = ?error, "closing the writer connection failed");
        }
    }
}

impl<'c> WriteTx<'c> {
    /// Begins a write transaction that holds SQLite's write lock from the start,
    /// so it can never fail half-way with "database is locked".
    pub async fn begin(writer: &'c mut WriterGuard) -> anyhow::Result<WriteTx<'c>> {
        let tx = writer.begin_with("BEGIN IMMEDIATE").await.context("beginning a write transaction")?;
        Ok(WriteTx { tx })
    }

    pub async fn commit(self) -> anyhow::Result<()> {
        self.tx.commit().await.context("committing a write transaction")
    }

    /// Marks where one command of a group commit begins, so its changes can
    /// be undone alone (`rollback_to_savepoint`) or kept (`release_savepoint`).
    pub async fn savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("SAVEPOINT command").await
    }

    pub async fn release_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("RELEASE command").await
    }

    pub async fn rollback_to_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("ROLLBACK TO command").await?;
        self.plain("RELEASE command").await
    }

    /// A per-member figure as a map: `sql` selects
    /// `json_group_array(json_array(member_id, value))`, its first parameter
    /// is the JSON list of members, its second (if any) `also`.
    async fn per_member(
        &mut self,
        sql: &'static str,
        members: &[i64],
        also: Option<&str>,
    ) -> anyhow::Result<HashMap<i64, i64>> {
        let mut query = sqlx::query_as(sql).bind(json_rows(members)?);
        if let Some(also) = also {
            query = query.bind(also);
        }
        let (rows,): (String,) = query.fetch_one(&mut *self.tx).await.with_context(|| format!("running {sql}"))?;
        Ok(from_json_rows::<(i64, i64)>(&rows)?.into_iter().collect())
    }

    async fn plain(&mut self, statement: &'static str) -> anyhow::Result<()> {
        sqlx::query(statement).execute(&mut *self.tx).await.with_context(|| format!("running {statement}"))?;
        Ok(())
    }
}

/// Rows sqlx's SQLite thread may hand over before the reader takes them. A
/// group commit reads one row per command back (RETURNING); at sqlx's default
/// of 50 the two threads would take turns every 50 rows.
const ROW_BUFFER: usize = 2_048;

/// The page size of a database hearth creates (SQLite's default is 4 KiB).
/// A commit writes every page it touched to the WAL whole, and a check-in
/// touches about 20 (rows and index entries of several tables): at 4 KiB a
/// lone check-in wrote ~85 KiB, and the checkpoints copying that back
/// stalled the writer past the p99 target (BENCHMARKS.md, "p99"). A database
/// created before keeps its page size; nothing depends on it.
const PAGE_SIZE: u32 = 1_024;

/// How every connection to the database is opened: WAL, a busy timeout,
/// foreign keys, and `synchronous=FULL` unless the URL says
/// `synchronous=normal`. Public so benchmarks measure baselines with the very
/// settings hearth ships.
///
/// Why FULL: an answer promises the change is on disk. In WAL mode NORMAL
/// appends the commit to the WAL without an fsync, so an OS crash or power
/// loss could undo commands that were already answered; FULL fsyncs the WAL
/// at every commit, and group commit shares that one fsync among every
/// command of the batch. NORMAL stays available for operators who accept
/// losing the last moments before a power cut in exchange for speed.
pub fn connect_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    let (url, synchronous) = durability(url)?;
    Ok(SqliteConnectOptions::from_str(&url)
        .with_context(|| format!("parsing database URL {url:?}"))?
        .create_if_missing(true)
        .page_size(PAGE_SIZE)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .row_buffer_size(ROW_BUFFER))
}

/// Takes hearth's own `synchronous=full|normal` parameter out of a database
/// URL (sqlx does not know it) and returns the rest with the chosen level.
fn durability(url: &str) -> anyhow::Result<(String, SqliteSynchronous)> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), SqliteSynchronous::Full));
    };
    let mut synchronous = SqliteSynchronous::Full;
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "full" => SqliteSynchronous::Full,
                    "normal" => SqliteSynchronous::Normal,
                    other => anyhow::bail!(
                        "database URL: synchronous={other:?} is not a durability level; expected full (the default) or normal"
                    ),
                }
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) };
    Ok((url, synchronous))
}

/// Rows bound as one JSON text parameter and read in SQL with `json_each(?)`:
/// one prepared statement serves a batch of any size.
fn json_rows<T: serde::Serialize + ?Sized>(rows: &T) -> anyhow::Result<String> {
    serde_json::to_string(rows).context("encoding rows for a statement")
}

/// Rows a statement returned as one JSON array (`json_group_array`). sqlx
/// hands each result row from its SQLite thread to ours separately; for a
/// batch, one aggregated row is several times cheaper than a thousand.
fn from_json_rows<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<Vec<T>> {
    serde_json::from_str(text).context("reading aggregated rows")
}

/// Whether a statement ran (true) or a UNIQUE constraint refused it (false).
/// SQLite then undoes only that statement, triggers included; the
/// transaction goes on.
fn refused_as_duplicate<T>(outcome: Result<T, sqlx::Error>) -> Result<bool, sqlx::Error> {
    match outcome {
        Ok(_) => Ok(true),
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => Ok(false),
        Err(error) => Err(error),
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

/// The streak state from its stored columns.
fn streak_state(
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

pub fn parse_day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("stored day {s:?}"))
}

/// Creates `path` empty with mode 0600 (owner only) unless it exists; true
/// when it created it. SQLite takes an empty file as an empty database, and
/// the process umask stays as it is.
pub(crate) fn create_private_file(path: &std::path::Path) -> anyhow::Result<bool> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(anyhow::Error::new(error).context(format!("creating {}", path.display()))),
    }
}
