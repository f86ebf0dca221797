//! SQLite, the embedded default: one file, one writer connection, a pool
//! of readers.
//!
//! Commands run in one write transaction each, on a single writer
//! connection, so no two of our own writers ever contend for SQLite's lock.
//! Reads that need no transaction (export, checks) use the reader pool.

mod backup;
mod challenges;
mod checkins;
mod checkpoint;
pub(crate) mod copy;
mod directory;
mod export;
mod inbox;
mod ledger;
mod members;
mod read_only;
mod reports;
mod rollups;
mod schedule;
mod topics;
mod web;

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

pub use backup::BackupReport;
pub use read_only::SqliteReadOnly;

use super::{StorePort, TxPort, WriteTx, WriterPort, fmt_time};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
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

/// Statements on one connection `C`. The read-model traits are implemented
/// once for every `C`, so the same statement serves the writer's
/// transaction (`SqliteTx`) and a reader's (`SqliteReads`).
pub(crate) struct OnSqlite<C> {
    tx: C,
}

/// A connection statements can run on (a transaction derefs to its connection).
pub(crate) trait SqliteConn: DerefMut<Target = SqliteConnection> + Send + Sync {}

impl<C: DerefMut<Target = SqliteConnection> + Send + Sync> SqliteConn for C {}

/// One command's write transaction on the locked writer connection.
/// Dropping it without `commit` rolls back.
pub(crate) type SqliteTx<'c> = OnSqlite<Transaction<'c, Sqlite>>;

/// A read-only command's view (`StorePort::read_model`).
type SqliteReads = OnSqlite<ReadSnapshot>;

/// What a view reads on: a read transaction on a reader connection, so every
/// statement sees the same commits (WAL lets it run beside the writer); for
/// an in-memory database, the locked writer itself (nothing else writes while
/// it is held).
pub(crate) enum ReadSnapshot {
    Pool(Transaction<'static, Sqlite>),
    Writer(WriterGuard),
}

impl Deref for ReadSnapshot {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match self {
            ReadSnapshot::Pool(tx) => tx,
            ReadSnapshot::Writer(conn) => conn,
        }
    }
}

impl DerefMut for ReadSnapshot {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            ReadSnapshot::Pool(tx) => tx,
            ReadSnapshot::Writer(conn) => conn,
        }
    }
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

impl SqliteStore {
    /// Opens (creating if missing) and migrates the database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<SqliteStore> {
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
        Ok(SqliteStore { writer: Writer(Arc::new(Mutex::new(Some(writer)))), reader, checkpoints })
    }

    /// The writer connection itself, for tests of its settings.
    pub async fn writer_connection(&self) -> anyhow::Result<WriterGuard> {
        self.writer.lock().await
    }

    /// A connection for reads outside any write transaction.
    async fn read(&self) -> anyhow::Result<ReadConnection> {
        match &self.reader {
            Some(pool) => Ok(ReadConnection::Pool(pool.acquire().await.context("opening a read connection")?)),
            None => Ok(ReadConnection::Writer(self.writer.lock().await?)),
        }
    }
}

#[async_trait::async_trait]
impl StorePort for SqliteStore {
    async fn writer(&self) -> anyhow::Result<super::Writer> {
        Ok(Box::new(self.writer.lock().await?))
    }

    async fn read_model(&self) -> anyhow::Result<super::ReadView> {
        let snapshot = match &self.reader {
            Some(pool) => ReadSnapshot::Pool(pool.begin().await.context("beginning a read transaction")?),
            None => ReadSnapshot::Writer(self.writer.lock().await?),
        };
        Ok(Box::new(SqliteReads { tx: snapshot }))
    }

    async fn register_communities(&self, slugs: &[&str], now: DateTime<Utc>) -> anyhow::Result<HashMap<String, i64>> {
        let mut writer = self.writer.lock().await?;
        let mut tx = SqliteTx::begin(&mut writer).await?;
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
        tx.tx.commit().await.context("committing the communities")?;
        Ok(ids)
    }

    async fn close(&self) {
        if let Some(reader) = &self.reader {
            reader.close().await;
        }
        if let Some(writer) = self.writer.0.lock().await.take()
            && let Err(error) = writer.close().await
        {
            tracing::warn!(error = ?error, "closing the writer connection failed");
        }
    }

    async fn row_counts(&self) -> anyhow::Result<Vec<(&'static str, i64)>> {
        let mut conn = self.read().await?;
        let mut counts = Vec::with_capacity(super::TABLES.len());
        for &table in super::TABLES {
            // The name comes from our own list, never from input.
            let sql = format!("SELECT count(*) FROM \"{table}\"");
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await
                .with_context(|| format!("counting rows of {table}"))?;
            counts.push((table, n));
        }
        Ok(counts)
    }

    /// One process per SQLite file: it holds every role.
    async fn try_lead(&self, _role: &str) -> anyhow::Result<Option<super::Lead>> {
        Ok(Some(super::Lead::new(Box::new(AlwaysHeld))))
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&mut *self.read().await?).await.context("asking the database")?;
        Ok(())
    }

    async fn backup(&self, target: &Path) -> anyhow::Result<BackupReport> {
        self.backup_to(target).await
    }

    async fn finish_checkpoint_if_due(&self) -> anyhow::Result<()> {
        self.finish_checkpoint().await
    }
}

#[async_trait::async_trait]
impl WriterPort for WriterGuard {
    async fn begin(&mut self) -> anyhow::Result<WriteTx<'_>> {
        Ok(WriteTx::new(Box::new(SqliteTx::begin(&mut **self).await?)))
    }
}

impl<'c> SqliteTx<'c> {
    /// Begins a write transaction that holds SQLite's write lock from the start,
    /// so it can never fail half-way with "database is locked".
    async fn begin(writer: &'c mut SqliteConnection) -> anyhow::Result<SqliteTx<'c>> {
        let tx = writer.begin_with("BEGIN IMMEDIATE").await.context("beginning a write transaction")?;
        Ok(SqliteTx { tx })
    }
}

impl<C: SqliteConn> OnSqlite<C> {
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

#[async_trait::async_trait]
impl TxPort for SqliteTx<'_> {
    async fn commit(self: Box<Self>) -> anyhow::Result<()> {
        self.tx.commit().await.context("committing a write transaction")
    }

    async fn savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("SAVEPOINT command").await
    }

    async fn release_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("RELEASE command").await
    }

    async fn rollback_to_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("ROLLBACK TO command").await?;
        self.plain("RELEASE command").await
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
pub(crate) fn json_rows<T: serde::Serialize + ?Sized>(rows: &T) -> anyhow::Result<String> {
    serde_json::to_string(rows).context("encoding rows for a statement")
}

/// Rows a statement returned as one JSON array (`json_group_array`). sqlx
/// hands each result row from its SQLite thread to ours separately; for a
/// batch, one aggregated row is several times cheaper than a thousand.
pub(crate) fn from_json_rows<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<Vec<T>> {
    serde_json::from_str(text).context("reading aggregated rows")
}

/// Whether a statement ran (true) or a UNIQUE constraint refused it (false).
/// SQLite then undoes only that statement, triggers included; the
/// transaction goes on.
pub(crate) fn refused_as_duplicate<T>(outcome: Result<T, sqlx::Error>) -> Result<bool, sqlx::Error> {
    match outcome {
        Ok(_) => Ok(true),
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => Ok(false),
        Err(error) => Err(error),
    }
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

/// A role on SQLite: the file has one hearth process, which holds them all.
struct AlwaysHeld;

#[async_trait::async_trait]
impl super::LeadPort for AlwaysHeld {
    async fn still_held(&mut self) -> bool {
        true
    }
}
