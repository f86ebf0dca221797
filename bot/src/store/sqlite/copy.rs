//! `hearth migrate-db` on SQLite: reading a database for a copy, and
//! taking one into a new file.

use std::str::FromStr;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{ConnectOptions, Connection, Row};

use super::{SqliteReadOnly, SqliteStore, WriterGuard, durability, json_rows};
use crate::store::copy::{Cell, Column, ColumnKind, CopySource, CopyTarget, TableRows, column_list, key_order, quoted};
use crate::store::{StorePort, TABLES, UnusableDatabase};

/// The source database, opened read-only with its schema checked.
pub(crate) struct SqliteSource(SqliteReadOnly);

pub(crate) async fn source(url: &str) -> anyhow::Result<SqliteSource> {
    Ok(SqliteSource(SqliteReadOnly::open(url).await?))
}

/// The first hearth table holding a row in the database at `url`, if it
/// exists; opened read-only, so a refused target is left as it was.
pub(crate) async fn table_with_rows(url: &str) -> anyhow::Result<Option<&'static str>> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(anyhow::Error::new(UnusableDatabase(format!(
            "{url}: an in-memory database is gone when migrate-db exits; give --to a file"
        ))));
    }
    let (url, _) = durability(url)?;
    let options = SqliteConnectOptions::from_str(&url).with_context(|| format!("parsing database URL {url:?}"))?;
    let path = options.get_filename().to_path_buf();
    if std::fs::metadata(&path).map_or(true, |m| m.len() == 0) {
        return Ok(None);
    }
    let mut conn = options
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .with_context(|| format!("opening {} to see whether it is empty", path.display()))?;
    let present: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut conn)
        .await
        .context("reading the target's tables")?;
    let mut holding = None;
    for &table in TABLES {
        if !present.iter().any(|(name,)| name == table) {
            continue;
        }
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quoted(table));
        let (any,): (bool,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .with_context(|| format!("looking for rows in {table}"))?;
        if any {
            holding = Some(table);
            break;
        }
    }
    conn.close().await.context("closing the target")?;
    Ok(holding)
}

async fn columns_of(conn: &mut sqlx::SqliteConnection, table: &'static str) -> anyhow::Result<Vec<Column>> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("reading the columns of {table}"))?;
    if rows.is_empty() {
        anyhow::bail!("the database has no table {table}");
    }
    rows.into_iter()
        .map(|(name, declared, pk)| {
            let kind = match declared.to_ascii_uppercase().as_str() {
                "INTEGER" => ColumnKind::Int,
                "TEXT" => ColumnKind::Text,
                other => anyhow::bail!("table {table}, column {name}: type {other:?} is not one hearth copies"),
            };
            Ok(Column { name, kind, key: u32::try_from(pk).unwrap_or(0) })
        })
        .collect()
}

fn cells(row: &SqliteRow, columns: &[Column]) -> anyhow::Result<Vec<Cell>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            Ok(match column.kind {
                ColumnKind::Int | ColumnKind::Bool => row.try_get::<Option<i64>, _>(i).map(|v| v.map(Cell::Int)),
                ColumnKind::Text => row.try_get::<Option<String>, _>(i).map(|v| v.map(Cell::Text)),
            }
            .with_context(|| format!("reading column {}", column.name))?
            .unwrap_or(Cell::Null))
        })
        .collect()
}

#[async_trait::async_trait]
impl CopySource for SqliteSource {
    async fn begin(&mut self) -> anyhow::Result<()> {
        // Deferred: the snapshot is taken by the first read and kept to COMMIT.
        sqlx::query("BEGIN").execute(self.0.connection()).await.context("beginning the read")?;
        Ok(())
    }

    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>> {
        columns_of(self.0.connection(), table).await
    }

    async fn count(&mut self, table: &'static str) -> anyhow::Result<i64> {
        let sql = format!("SELECT count(*) FROM {}", quoted(table));
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.0.connection())
            .await
            .with_context(|| format!("counting rows of {table}"))?;
        Ok(n)
    }

    async fn read(
        &mut self,
        table: &'static str,
        columns: &[Column],
        offset: usize,
        limit: usize,
    ) -> anyhow::Result<TableRows> {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT ? OFFSET ?",
            column_list(columns),
            quoted(table),
            key_order(columns)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::try_from(limit)?)
            .bind(i64::try_from(offset)?)
            .fetch_all(self.0.connection())
            .await
            .with_context(|| format!("reading rows of {table}"))?;
        Ok(TableRows {
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            rows: rows.iter().map(|row| cells(row, columns)).collect::<anyhow::Result<_>>()?,
        })
    }

    async fn end(mut self: Box<Self>) -> anyhow::Result<()> {
        sqlx::query("COMMIT").execute(self.0.connection()).await.context("ending the read")?;
        self.0.close().await
    }
}

/// A database `SqliteStore::connect` created (or migrated) and found
/// empty, taking the copy on its writer in one transaction.
pub(crate) struct SqliteTarget {
    store: SqliteStore,
    writer: Option<WriterGuard>,
    /// Whether `board_counts` has been emptied of what the triggers wrote.
    board_counts_cleared: bool,
}

pub(crate) async fn target(url: &str) -> anyhow::Result<SqliteTarget> {
    let store = SqliteStore::connect(url).await?;
    let writer = store.writer.lock().await?;
    Ok(SqliteTarget { store, writer: Some(writer), board_counts_cleared: false })
}

impl SqliteTarget {
    fn conn(&mut self) -> anyhow::Result<&mut sqlx::SqliteConnection> {
        self.writer.as_deref_mut().context("the copy has been committed")
    }

    async fn plain(&mut self, statement: &'static str) -> anyhow::Result<()> {
        sqlx::query(statement).execute(self.conn()?).await.with_context(|| format!("running {statement}"))?;
        Ok(())
    }

    /// The triggers on `totals` and `board_points` (migration 0007/0008)
    /// counted the copied rows into `board_counts`; the source's own rows
    /// replace that count (they may hold members at 0 the triggers would
    /// not write). `board_counts` has no triggers of its own.
    async fn clear_board_counts(&mut self) -> anyhow::Result<()> {
        if !self.board_counts_cleared {
            self.plain("DELETE FROM board_counts").await?;
            self.board_counts_cleared = true;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl CopyTarget for SqliteTarget {
    async fn begin(&mut self) -> anyhow::Result<()> {
        self.plain("BEGIN IMMEDIATE").await?;
        // Checked at COMMIT: the copy is whole by then.
        self.plain("PRAGMA defer_foreign_keys = ON").await
    }

    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>> {
        columns_of(self.conn()?, table).await
    }

    async fn insert(&mut self, table: &'static str, columns: &[Column], rows: &TableRows) -> anyhow::Result<()> {
        if table == "board_counts" {
            self.clear_board_counts().await?;
        }
        let values: Vec<Vec<serde_json::Value>> = rows
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Null => serde_json::Value::Null,
                        Cell::Int(n) => serde_json::Value::from(*n),
                        Cell::Text(s) => serde_json::Value::from(s.as_str()),
                        Cell::Bool(b) => serde_json::Value::from(i64::from(*b)),
                    })
                    .collect()
            })
            .collect();
        let picks: Vec<String> = (0..columns.len()).map(|i| format!("value ->> {i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) SELECT {} FROM json_each(?)",
            quoted(table),
            column_list(columns),
            picks.join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(json_rows(&values)?)
            .execute(self.conn()?)
            .await
            .with_context(|| format!("copying rows into {table}"))?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> anyhow::Result<Box<dyn StorePort>> {
        self.clear_board_counts().await?;
        self.plain("COMMIT").await?;
        let SqliteTarget { store, writer, .. } = *self;
        drop(writer);
        Ok(Box::new(store))
    }
}
