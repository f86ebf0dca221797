//! `hearth migrate-db` on PostgreSQL: reading a database for a copy, and
//! taking one into an empty database.

use std::str::FromStr;

use anyhow::Context;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgConnection, Postgres, Row};

use super::{PgStore, PgWriterGuard};
use crate::store::copy::{Cell, Column, ColumnKind, CopySource, CopyTarget, TableRows, column_list, key_order, quoted};
use crate::store::{StorePort, TABLES, UnusableDatabase};

/// The source database, opened read-only with its schema checked, and the
/// connection whose snapshot the copy reads.
pub(crate) struct PgSource {
    store: PgStore,
    conn: PoolConnection<Postgres>,
}

pub(crate) async fn source(url: &str) -> anyhow::Result<PgSource> {
    let store = PgStore::open_existing(url).await?;
    let conn = store.read().await?;
    Ok(PgSource { store, conn })
}

/// The first hearth table holding a row in the database at `url`. The
/// database must exist (PostgreSQL databases are created by their operator).
pub(crate) async fn table_with_rows(url: &str) -> anyhow::Result<Option<&'static str>> {
    let options = PgConnectOptions::from_str(url)
        .context("parsing the PostgreSQL URL")?
        .options([("default_transaction_read_only", "on")]);
    let database = options.get_database().unwrap_or("(the user's default)").to_string();
    let pool = match PgPoolOptions::new().max_connections(1).connect_with(options).await {
        Ok(pool) => pool,
        Err(error) if error.as_database_error().and_then(|e| e.code()).as_deref() == Some("3D000") => {
            return Err(anyhow::Error::new(UnusableDatabase(format!(
                "PostgreSQL database {database:?} does not exist; create it empty first (createdb)"
            ))));
        }
        Err(error) => return Err(anyhow::Error::new(error).context("connecting to PostgreSQL")),
    };
    let mut holding = None;
    for &table in TABLES {
        let (present,): (bool,) = sqlx::query_as("SELECT to_regclass($1) IS NOT NULL")
            .bind(quoted(table))
            .fetch_one(&pool)
            .await
            .context("reading the target's tables")?;
        if !present {
            continue;
        }
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", quoted(table));
        let (any,): (bool,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&pool)
            .await
            .with_context(|| format!("looking for rows in {table}"))?;
        if any {
            holding = Some(table);
            break;
        }
    }
    pool.close().await;
    Ok(holding)
}

async fn columns_of(conn: &mut PgConnection, table: &'static str) -> anyhow::Result<Vec<Column>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.column_name::text, c.data_type::text, \
                COALESCE((SELECT k.ord FROM pg_index i \
                          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) \
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                          WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary \
                            AND a.attname = c.column_name), 0)::bigint \
         FROM information_schema.columns c \
         WHERE c.table_schema = current_schema() AND c.table_name = $1 \
         ORDER BY c.ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .with_context(|| format!("reading the columns of {table}"))?;
    if rows.is_empty() {
        anyhow::bail!("the database has no table {table}");
    }
    rows.into_iter()
        .map(|(name, declared, key)| {
            let kind = match declared.as_str() {
                "bigint" | "integer" | "smallint" => ColumnKind::Int,
                "text" => ColumnKind::Text,
                "boolean" => ColumnKind::Bool,
                other => anyhow::bail!("table {table}, column {name}: type {other:?} is not one hearth copies"),
            };
            Ok(Column { name, kind, key: u32::try_from(key).unwrap_or(0) })
        })
        .collect()
}

fn cells(row: &PgRow, columns: &[Column]) -> anyhow::Result<Vec<Cell>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            Ok(match column.kind {
                ColumnKind::Int => row.try_get::<Option<i64>, _>(i).map(|v| v.map(Cell::Int)),
                ColumnKind::Text => row.try_get::<Option<String>, _>(i).map(|v| v.map(Cell::Text)),
                ColumnKind::Bool => row.try_get::<Option<bool>, _>(i).map(|v| v.map(Cell::Bool)),
            }
            .with_context(|| format!("reading column {}", column.name))?
            .unwrap_or(Cell::Null))
        })
        .collect()
}

/// A column's cells as a value list for `UNNEST`.
fn ints(rows: &TableRows, i: usize) -> Vec<Option<i64>> {
    rows.rows.iter().map(|row| if let Cell::Int(n) = row[i] { Some(n) } else { None }).collect()
}

fn texts(rows: &TableRows, i: usize) -> Vec<Option<String>> {
    rows.rows.iter().map(|row| if let Cell::Text(s) = &row[i] { Some(s.clone()) } else { None }).collect()
}

fn bools(rows: &TableRows, i: usize) -> Vec<Option<bool>> {
    rows.rows.iter().map(|row| if let Cell::Bool(b) = row[i] { Some(b) } else { None }).collect()
}

#[async_trait::async_trait]
impl CopySource for PgSource {
    async fn begin(&mut self) -> anyhow::Result<()> {
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *self.conn)
            .await
            .context("beginning the read")?;
        Ok(())
    }

    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>> {
        columns_of(&mut self.conn, table).await
    }

    async fn count(&mut self, table: &'static str) -> anyhow::Result<i64> {
        let sql = format!("SELECT count(*) FROM {}", quoted(table));
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *self.conn)
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
            "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
            column_list(columns),
            quoted(table),
            key_order(columns)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(i64::try_from(limit)?)
            .bind(i64::try_from(offset)?)
            .fetch_all(&mut *self.conn)
            .await
            .with_context(|| format!("reading rows of {table}"))?;
        Ok(TableRows {
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            rows: rows.iter().map(|row| cells(row, columns)).collect::<anyhow::Result<_>>()?,
        })
    }

    async fn end(mut self: Box<Self>) -> anyhow::Result<()> {
        sqlx::query("COMMIT").execute(&mut *self.conn).await.context("ending the read")?;
        drop(self.conn);
        self.store.close().await;
        Ok(())
    }
}

/// An empty database `PgStore::connect` migrated, taking the copy on its
/// writer in one transaction that holds the write lock, so no hearth
/// process writes while it runs.
pub(crate) struct PgTarget {
    store: PgStore,
    writer: Option<PgWriterGuard>,
}

pub(crate) async fn target(url: &str) -> anyhow::Result<PgTarget> {
    let store = PgStore::connect(url).await?;
    let writer = store.lock_writer().await?;
    Ok(PgTarget { store, writer: Some(writer) })
}

impl PgTarget {
    fn conn(&mut self) -> anyhow::Result<&mut PgConnection> {
        let guard = self.writer.as_mut().context("the copy has been committed")?;
        Ok(&mut ***guard)
    }

    async fn plain(&mut self, statement: &'static str) -> anyhow::Result<()> {
        sqlx::query(statement).execute(self.conn()?).await.with_context(|| format!("running {statement}"))?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl CopyTarget for PgTarget {
    async fn begin(&mut self) -> anyhow::Result<()> {
        self.plain("BEGIN").await?;
        // No hearth process writes while the copy fills the tables (readers may read).
        let tables: Vec<String> = TABLES.iter().map(|table| quoted(table)).collect();
        let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", tables.join(", "));
        sqlx::query(sqlx::AssertSqlSafe(lock))
            .execute(self.conn()?)
            .await
            .context("locking the tables to copy into")?;
        // No user triggers and no foreign key checks until COMMIT: the board
        // tables are copied as rows, and counting the copied totals and
        // boards again would double them. Needs a superuser (or, from
        // PostgreSQL 15, the parameter granted to the copying role).
        self.plain("SET LOCAL session_replication_role = replica").await
    }

    async fn columns(&mut self, table: &'static str) -> anyhow::Result<Vec<Column>> {
        columns_of(self.conn()?, table).await
    }

    async fn insert(&mut self, table: &'static str, columns: &[Column], rows: &TableRows) -> anyhow::Result<()> {
        let arrays: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let kind = match column.kind {
                    ColumnKind::Int => "bigint",
                    ColumnKind::Text => "text",
                    ColumnKind::Bool => "boolean",
                };
                format!("${}::{kind}[]", i + 1)
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) SELECT * FROM UNNEST({})",
            quoted(table),
            column_list(columns),
            arrays.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (i, column) in columns.iter().enumerate() {
            query = match column.kind {
                ColumnKind::Int => query.bind(ints(rows, i)),
                ColumnKind::Text => query.bind(texts(rows, i)),
                ColumnKind::Bool => query.bind(bools(rows, i)),
            };
        }
        query.execute(self.conn()?).await.with_context(|| format!("copying rows into {table}"))?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> anyhow::Result<Box<dyn StorePort>> {
        // The name search's grams are derived, not copied, and their
        // triggers are off for the copy: written here from the names.
        self.plain(
            "INSERT INTO member_name_grams (community_id, gram, member_id) \
             SELECT m.community_id, g.gram, m.id FROM members m, member_name_grams_of(m.name) AS g (gram)",
        )
        .await?;
        // Each identity past the copied ids, so the next insert does not collide.
        for &table in TABLES {
            let has_id = columns_of(self.conn()?, table).await?.iter().any(|c| c.name == "id");
            if !has_id {
                continue;
            }
            let (sequence,): (Option<String>,) = sqlx::query_as("SELECT pg_get_serial_sequence($1, 'id')")
                .bind(quoted(table))
                .fetch_one(self.conn()?)
                .await
                .with_context(|| format!("finding the identity of {table}"))?;
            let Some(sequence) = sequence else { continue };
            let sql = format!("SELECT setval($1::regclass, COALESCE(MAX(id), 0) + 1, false) FROM {}", quoted(table));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(sequence)
                .execute(self.conn()?)
                .await
                .with_context(|| format!("moving the identity of {table} past the copied ids"))?;
        }
        self.plain("COMMIT").await?;
        let PgTarget { store, writer } = *self;
        drop(writer);
        Ok(Box::new(store))
    }
}
