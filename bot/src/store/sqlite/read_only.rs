//! The database as operator tools see it (`hearth export`, `hearth backup`):
//! opened read-only, never created, never migrated. A mistyped `--db` or a
//! database of another hearth version is refused with `UnusableDatabase`
//! instead of being created empty or changed.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::MIGRATOR;
use crate::store::read_only::{Schema, UnusableDatabase, schema_differs};

/// One read-only connection to an existing database whose schema matches
/// this binary's migrations exactly.
pub struct SqliteReadOnly {
    conn: SqliteConnection,
}

impl SqliteReadOnly {
    pub async fn open(url: &str) -> anyhow::Result<SqliteReadOnly> {
        let unusable = |message: String| anyhow::Error::new(UnusableDatabase(message));
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(unusable(format!("{url}: an in-memory database holds nothing to read; give --db a file")));
        }
        let url = without_durability(url);
        let options = SqliteConnectOptions::from_str(&url).with_context(|| format!("parsing database URL {url:?}"))?;
        let path = options.get_filename().to_path_buf();
        if !path.is_file() {
            return Err(unusable(format!("{}: no such database file (check --db)", path.display())));
        }
        let mut conn = options
            .read_only(true)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(10))
            .connect()
            .await
            .with_context(|| format!("opening database {} read-only", path.display()))?;
        if let Err(problem) = schema_matches(&mut conn).await {
            let _ = conn.close().await;
            return Err(match problem {
                Schema::Differs(why) => unusable(format!("{}: {why}", path.display())),
                Schema::Unreadable(error) => error,
            });
        }
        Ok(SqliteReadOnly { conn })
    }

    pub(super) fn connection(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.conn.close().await.context("closing the database")
    }
}

/// The URL without a `synchronous=…` parameter: hearth's durability choice
/// for writers, which sqlx does not know and a reader does not need.
fn without_durability(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let rest: Vec<&str> =
        query.split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("synchronous=")).collect();
    if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) }
}

/// The migrations the database records against the ones compiled in.
async fn schema_matches(conn: &mut SqliteConnection) -> Result<(), Schema> {
    let (has_table,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'")
            .fetch_one(&mut *conn)
            .await
            .context("reading the database's tables")?;
    if has_table == 0 {
        return Err(Schema::Differs("not a hearth database (it records no migrations)".into()));
    }
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .context("reading the database's migrations")?;
    match schema_differs(&applied, &MIGRATOR) {
        Some(why) => Err(Schema::Differs(why)),
        None => Ok(()),
    }
}
