//! `hearth migrate-db`: every row of one hearth database copied into an
//! empty one, of the same or the other backend, then verified.
//!
//! The rows travel in a backend-neutral form ([`Cell`], [`TableRows`]). Each
//! backend reads a table's columns from its own catalog, reads rows in
//! primary-key order in chunks inside one snapshot ([`CopySource`]), and
//! inserts them with their ids in one transaction ([`CopyTarget`]), with the
//! target's triggers kept from counting the copied ledger, totals and boards
//! a second time. The copy is verified by row counts and by the export of
//! every community, read back from both databases opened read-only.

use std::time::{Duration, Instant};

use anyhow::Context;

use super::postgres::is_postgres_url;
use super::{ReadOnlyStore, StorePort, TABLES, UnusableDatabase};

/// One value of one row, as both backends can hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

/// What a column holds, from the schema catalog. SQLite keeps hearth's
/// three flags as 0/1 integers, PostgreSQL as BOOLEAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Text,
    Bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    /// Position in the primary key (1-based), 0 if not part of it.
    pub key: u32,
}

/// Rows of one table, each with one cell per column, in `columns` order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Rows read and written per statement.
pub const CHUNK: usize = 2_000;

/// A database being read for a copy: every read between `begin` and `end`
/// sees the same instant.
#[async_trait::async_trait]
pub trait CopySource: Send {
    async fn begin(&mut self) -> anyhow::Result<()>;
    /// The table's columns in the source's order.
    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>>;
    async fn count(&mut self, table: &'static str) -> anyhow::Result<i64>;
    /// Up to `limit` rows after the first `offset`, in primary-key order.
    async fn read(
        &mut self,
        table: &'static str,
        columns: &[Column],
        offset: usize,
        limit: usize,
    ) -> anyhow::Result<TableRows>;
    async fn end(self: Box<Self>) -> anyhow::Result<()>;
}

/// A freshly migrated, empty database taking a copy in one transaction.
#[async_trait::async_trait]
pub trait CopyTarget: Send {
    async fn begin(&mut self) -> anyhow::Result<()>;
    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>>;
    /// Inserts rows as they are, ids included; cells already in the
    /// target's kinds (`fit`).
    async fn insert(&mut self, table: &'static str, columns: &[Column], rows: &TableRows) -> anyhow::Result<()>;
    /// Makes the copied rows the target's: commits, and leaves the target
    /// ready for new commands (PostgreSQL: identities past the copied ids).
    /// Returns the store, open, for verification.
    async fn commit(self: Box<Self>) -> anyhow::Result<Box<dyn StorePort>>;
}

/// What a finished copy found.
#[derive(Debug, Default)]
pub struct Migrated {
    /// Rows per table, `TABLES` order, as copied.
    pub rows: Vec<(&'static str, i64)>,
    pub communities: Vec<String>,
    pub copy_time: Duration,
    /// Empty when the target holds exactly the source's rows and exports.
    pub differences: Vec<String>,
}

/// Copies the hearth database at `from` into the empty one at `to` and
/// verifies it. A source that is missing or of another schema, and a
/// target that already holds hearth rows, are refused with
/// `UnusableDatabase` before anything is written.
pub async fn migrate(from: &str, to: &str) -> anyhow::Result<Migrated> {
    let unusable = |message: String| anyhow::Error::new(UnusableDatabase(message));
    if from == to {
        return Err(unusable("--from and --to name the same database".into()));
    }
    let mut source: Box<dyn CopySource> = if is_postgres_url(from) {
        Box::new(super::postgres::copy::source(from).await?)
    } else {
        Box::new(super::sqlite::copy::source(from).await?)
    };
    let holding = if is_postgres_url(to) {
        super::postgres::copy::table_with_rows(to).await?
    } else {
        super::sqlite::copy::table_with_rows(to).await?
    };
    if let Some(table) = holding {
        return Err(unusable(format!(
            "the target already holds hearth data (table {table} has rows); migrate-db copies into an empty database only"
        )));
    }
    let mut target: Box<dyn CopyTarget> = if is_postgres_url(to) {
        Box::new(super::postgres::copy::target(to).await?)
    } else {
        Box::new(super::sqlite::copy::target(to).await?)
    };

    let started = Instant::now();
    source.begin().await?;
    target.begin().await?;
    let mut migrated = Migrated::default();
    let mut source_counts = Vec::with_capacity(TABLES.len());
    for &table in TABLES {
        let columns = source.columns(table).await?;
        let target_columns = target.columns(table).await?;
        let names = |cols: &[Column]| cols.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        if names(&columns) != names(&target_columns) {
            anyhow::bail!(
                "table {table}: the source has columns {:?}, the target {:?}",
                names(&columns),
                names(&target_columns)
            );
        }
        source_counts.push((table, source.count(table).await?));
        let mut copied = 0usize;
        loop {
            let mut chunk = source.read(table, &columns, copied, CHUNK).await?;
            if chunk.rows.is_empty() {
                break;
            }
            if table == "communities" {
                let slug = columns.iter().position(|c| c.name == "slug").context("communities has no slug")?;
                for row in &chunk.rows {
                    if let Cell::Text(s) = &row[slug] {
                        migrated.communities.push(s.clone());
                    }
                }
            }
            fit(table, &target_columns, &mut chunk)?;
            target.insert(table, &target_columns, &chunk).await?;
            copied += chunk.rows.len();
            if chunk.rows.len() < CHUNK {
                break;
            }
        }
        migrated.rows.push((table, i64::try_from(copied).unwrap_or(i64::MAX)));
    }
    let store = target.commit().await?;
    source.end().await?;
    migrated.copy_time = started.elapsed();

    // Verification: counts, then every community's export from both sides.
    let target_counts = store.row_counts().await;
    store.close().await;
    let target_counts = target_counts?;
    for (((table, in_source), (_, copied)), (_, in_target)) in
        source_counts.iter().zip(&migrated.rows).zip(&target_counts)
    {
        if in_source != copied || copied != in_target {
            migrated.differences.push(format!(
                "table {table}: {in_source} rows in the source, {copied} copied, {in_target} in the target"
            ));
        }
    }
    let mut from_store = ReadOnlyStore::open(from).await?;
    let mut to_store = ReadOnlyStore::open(to).await?;
    for slug in &migrated.communities {
        let before = from_store.export(slug).await?;
        let after = to_store.export(slug).await?;
        if before != after {
            migrated.differences.push(format!("community {slug}: the exports differ"));
        }
    }
    from_store.close().await?;
    to_store.close().await?;
    Ok(migrated)
}

/// Brings each cell to the target column's kind: the flags are 0/1 in
/// SQLite and booleans in PostgreSQL. Anything else must already match.
fn fit(table: &str, columns: &[Column], rows: &mut TableRows) -> anyhow::Result<()> {
    for row in &mut rows.rows {
        for (cell, column) in row.iter_mut().zip(columns) {
            let fitted = match (&*cell, column.kind) {
                (Cell::Null, _) => continue,
                (Cell::Int(_), ColumnKind::Int)
                | (Cell::Text(_), ColumnKind::Text)
                | (Cell::Bool(_), ColumnKind::Bool) => {
                    continue;
                }
                (Cell::Int(n), ColumnKind::Bool) => Cell::Bool(*n != 0),
                (Cell::Bool(b), ColumnKind::Int) => Cell::Int(i64::from(*b)),
                (other, kind) => {
                    anyhow::bail!("table {table}, column {}: a {kind:?} column cannot hold {other:?}", column.name)
                }
            };
            *cell = fitted;
        }
    }
    Ok(())
}

/// `ORDER BY` of a table's primary key (every column when it has none).
/// Names come from the schema catalog, quoted.
pub(crate) fn key_order(columns: &[Column]) -> String {
    let mut key: Vec<&Column> = columns.iter().filter(|c| c.key > 0).collect();
    key.sort_by_key(|c| c.key);
    if key.is_empty() {
        key = columns.iter().collect();
    }
    key.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ")
}

/// A column list, quoted.
pub(crate) fn column_list(columns: &[Column]) -> String {
    columns.iter().map(|c| quoted(&c.name)).collect::<Vec<_>>().join(", ")
}

/// An identifier as SQL quotes it (both backends).
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
