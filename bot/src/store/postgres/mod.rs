//! PostgreSQL, for operators who outgrow one machine: several hearth
//! processes may share one database.
//!
//! Each process group-commits on one writer connection, as on SQLite, and
//! the processes' transactions run side by side: each rule the engine
//! checks by reading then writing holds by a unique key or by the lock its
//! command takes (`locks.rs`; ARCHITECTURE.md, "What holds each rule on
//! PostgreSQL"). Reads outside a command use the reader pool.

mod challenges;
mod checkins;
pub(crate) mod copy;
mod directory;
mod export;
mod inbox;
mod inbox_open;
mod lead;
mod ledger;
mod locks;
mod members;
mod reports;
mod rollups;
mod schedule;
mod topics;
mod web;

use std::collections::HashMap;
use std::ops::DerefMut;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

use super::read_only::{UnusableDatabase, schema_differs};
use super::{BackupReport, StorePort, TxPort, WriteTx, WriterPort, fmt_time};

pub(crate) use locks::is_transaction_conflict;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug)]
pub struct PgStore {
    writer: Arc<Mutex<Option<PoolConnection<Postgres>>>>,
    pool: PgPool,
    /// For connections of their own, outside the pool (`try_lead`).
    options: PgConnectOptions,
    /// Benchmarks only: every write transaction first takes one lock for
    /// the whole database, as before issue 16 (`WHOLE_DATABASE_LOCK_VAR`).
    whole_database_lock: bool,
}

/// Set to 1, a process serialises its write transactions with every other
/// such process's on one advisory lock: the behaviour before issue 16, kept
/// so `hearth-bench scaleout` can measure before and after in one session.
pub const WHOLE_DATABASE_LOCK_VAR: &str = "HEARTH_BENCH_PG_WHOLE_DATABASE_LOCK";
const WHOLE_DATABASE_LOCK: i64 = 0x6865_6172_7468;

/// The writer connection with how its transactions begin.
struct PgWriter {
    guard: PgWriterGuard,
    whole_database_lock: bool,
}

fn whole_database_lock_from_env() -> bool {
    std::env::var(WHOLE_DATABASE_LOCK_VAR).is_ok_and(|v| v == "1")
}

/// The writer connection, locked: only its holder runs statements on it.
pub type PgWriterGuard = OwnedMappedMutexGuard<Option<PoolConnection<Postgres>>, PoolConnection<Postgres>>;

/// Statements on one connection `C`. The read-model traits are implemented
/// once for every `C`, so the same statement serves the writer's
/// transaction (`PgTx`) and a reader's (`PgReads`).
pub(crate) struct OnPostgres<C> {
    tx: C,
}

/// A connection statements can run on (a transaction derefs to its connection).
pub(crate) trait PgConn: DerefMut<Target = PgConnection> + Send + Sync {}

impl<C: DerefMut<Target = PgConnection> + Send + Sync> PgConn for C {}

/// One write transaction on the locked writer connection.
pub(crate) type PgTx<'c> = OnPostgres<Transaction<'c, Postgres>>;

/// A read-only command's view (`StorePort::read_model`): a read-only
/// REPEATABLE READ transaction on a pool connection other than the writer's,
/// so every statement sees the same commits and none waits for the write lock.
type PgReads = OnPostgres<Transaction<'static, Postgres>>;

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl PgStore {
    /// Connects to and migrates the database at `url`. The migrator holds an
    /// advisory lock while it runs, so processes started together on an
    /// empty database migrate it once.
    pub async fn connect(url: &str) -> anyhow::Result<PgStore> {
        let options = PgConnectOptions::from_str(url).context("parsing the PostgreSQL URL")?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .context("connecting to PostgreSQL")?;
        MIGRATOR.run(&pool).await.context("applying database migrations")?;
        let writer = pool.acquire().await.context("opening the writer connection")?;
        let whole_database_lock = whole_database_lock_from_env();
        Ok(PgStore { writer: Arc::new(Mutex::new(Some(writer))), pool, options, whole_database_lock })
    }

    /// Opens an existing hearth database for reading tools: never created,
    /// never migrated. A database that does not exist, is not hearth's or
    /// has another schema is refused with `UnusableDatabase`.
    pub async fn open_existing(url: &str) -> anyhow::Result<PgStore> {
        let unusable = |message: String| anyhow::Error::new(UnusableDatabase(message));
        // Every transaction of these connections is read-only, so a reading
        // tool cannot change the database even by mistake.
        let options = PgConnectOptions::from_str(url)
            .context("parsing the PostgreSQL URL")?
            .options([("default_transaction_read_only", "on")]);
        let database = options.get_database().unwrap_or("(the user's default)").to_string();
        let pool = match PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
        {
            Ok(pool) => pool,
            Err(error) if error.as_database_error().and_then(|e| e.code()).as_deref() == Some("3D000") => {
                return Err(unusable(format!("PostgreSQL database {database:?} does not exist (check --db)")));
            }
            Err(error) => return Err(anyhow::Error::new(error).context("connecting to PostgreSQL")),
        };
        let has_table: (bool,) = sqlx::query_as("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&pool)
            .await
            .context("reading the database's tables")?;
        if !has_table.0 {
            pool.close().await;
            return Err(unusable(format!("{database}: not a hearth database (it records no migrations)")));
        }
        let applied: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&pool)
                .await
                .context("reading the database's migrations")?;
        if let Some(why) = schema_differs(&applied, &MIGRATOR) {
            pool.close().await;
            return Err(unusable(format!("{database}: {why}")));
        }
        let writer = pool.acquire().await.context("opening a connection")?;
        Ok(PgStore { writer: Arc::new(Mutex::new(Some(writer))), pool, options, whole_database_lock: false })
    }

    async fn lock_writer(&self) -> anyhow::Result<PgWriterGuard> {
        OwnedMutexGuard::try_map(self.writer.clone().lock_owned().await, Option::as_mut)
            .map_err(|_| anyhow::anyhow!("the store is closed"))
    }

    /// A connection for reads outside any write transaction.
    async fn read(&self) -> anyhow::Result<PoolConnection<Postgres>> {
        self.pool.acquire().await.context("opening a read connection")
    }
}

#[async_trait::async_trait]
impl StorePort for PgStore {
    async fn writer(&self) -> anyhow::Result<super::Writer> {
        Ok(Box::new(PgWriter { guard: self.lock_writer().await?, whole_database_lock: self.whole_database_lock }))
    }

    async fn read_model(&self) -> anyhow::Result<super::ReadView> {
        let tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .context("beginning a read transaction")?;
        Ok(Box::new(PgReads { tx }))
    }

    async fn register_communities(&self, slugs: &[&str], now: DateTime<Utc>) -> anyhow::Result<HashMap<String, i64>> {
        let mut writer = self.lock_writer().await?;
        let mut tx = PgTx::begin(&mut writer).await?;
        let slugs: Vec<String> = slugs.iter().map(|s| (*s).to_string()).collect();
        sqlx::query(
            "INSERT INTO communities (slug, created_at) SELECT slug, $2 FROM UNNEST($1::text[]) AS s(slug) \
             ON CONFLICT (slug) DO NOTHING",
        )
        .bind(&slugs)
        .bind(fmt_time(now))
        .execute(&mut *tx.tx)
        .await
        .context("creating communities")?;
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT slug, id FROM communities WHERE slug = ANY($1)")
            .bind(&slugs)
            .fetch_all(&mut *tx.tx)
            .await
            .context("reading community ids")?;
        tx.tx.commit().await.context("committing the communities")?;
        Ok(rows.into_iter().collect())
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

    async fn try_lead(&self, role: &str) -> anyhow::Result<Option<super::Lead>> {
        lead::try_lead(&self.options, role).await
    }

    async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.context("asking the database")?;
        Ok(())
    }

    async fn backup(&self, _target: &Path) -> anyhow::Result<BackupReport> {
        anyhow::bail!("hearth backup copies SQLite databases; back up PostgreSQL with pg_dump")
    }

    async fn finish_checkpoint_if_due(&self) -> anyhow::Result<()> {
        Ok(())
    }

    async fn close(&self) {
        if let Some(writer) = self.writer.lock().await.take() {
            drop(writer);
        }
        self.pool.close().await;
    }
}

#[async_trait::async_trait]
impl WriterPort for PgWriter {
    async fn begin(&mut self) -> anyhow::Result<WriteTx<'_>> {
        let mut tx = PgTx::begin(&mut self.guard).await?;
        if self.whole_database_lock {
            tx.advisory(WHOLE_DATABASE_LOCK, false).await?;
        }
        Ok(WriteTx::new(Box::new(tx)))
    }
}

impl<'c> PgTx<'c> {
    async fn begin(writer: &'c mut PgConnection) -> anyhow::Result<PgTx<'c>> {
        let tx = writer.begin().await.context("beginning a write transaction")?;
        Ok(PgTx { tx })
    }

    async fn plain(&mut self, statement: &'static str) -> anyhow::Result<()> {
        sqlx::query(statement).execute(&mut *self.tx).await.with_context(|| format!("running {statement}"))?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl TxPort for PgTx<'_> {
    async fn commit(self: Box<Self>) -> anyhow::Result<()> {
        self.tx.commit().await.context("committing a write transaction")
    }

    async fn savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("SAVEPOINT command").await
    }

    async fn release_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("RELEASE SAVEPOINT command").await
    }

    async fn rollback_to_savepoint(&mut self) -> anyhow::Result<()> {
        self.plain("ROLLBACK TO SAVEPOINT command").await?;
        self.plain("RELEASE SAVEPOINT command").await
    }

    async fn lock(&mut self, lock: crate::store::Lock<'_>) -> anyhow::Result<()> {
        self.take_lock(lock).await
    }
}
