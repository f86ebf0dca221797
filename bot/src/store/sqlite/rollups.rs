//! The rollups' statements on SQLite (written once in `rollup_sql`).

use super::{OnSqlite, SqliteConn, SqliteTx};

crate::store::rollup_sql::rollup_statements!(OnSqlite, SqliteConn, SqliteTx);
