//! The rollups' statements on PostgreSQL (written once in `rollup_sql`).

use super::{OnPostgres, PgConn, PgTx};

crate::store::rollup_sql::rollup_statements!(OnPostgres, PgConn, PgTx);
