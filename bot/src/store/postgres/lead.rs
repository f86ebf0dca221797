//! Roles one process holds among all on the database: a session-level
//! advisory lock on a connection of the role's own. PostgreSQL drops the
//! lock when that connection ends, so a process that dies (even by kill -9,
//! which closes its sockets) frees the role at once for the next to try.

use anyhow::Context;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::store::{Lead, LeadPort};

/// Advisory lock keys of roles live in their own number range, apart from
/// the write lock's.
const ROLE_KEYS: i64 = 0x6865_0000_0000;

pub(super) async fn try_lead(options: &PgConnectOptions, role: &str) -> anyhow::Result<Option<Lead>> {
    let mut conn = options.connect().await.context("opening a connection for a role")?;
    let (held,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
        .bind(role_key(role))
        .fetch_one(&mut conn)
        .await
        .context("asking for a role")?;
    if held {
        Ok(Some(Lead::new(Box::new(Held(conn)))))
    } else {
        let _ = conn.close().await;
        Ok(None)
    }
}

/// A stable key per role name (FNV-1a, so it is the same in every build).
fn role_key(role: &str) -> i64 {
    let hash = role
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3));
    ROLE_KEYS | i64::try_from(hash & 0xffff_ffff).unwrap_or(0)
}

struct Held(PgConnection);

#[async_trait::async_trait]
impl LeadPort for Held {
    async fn still_held(&mut self) -> bool {
        self.0.ping().await.is_ok()
    }
}
