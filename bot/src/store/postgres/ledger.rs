#![allow(unused_variables)] // filled in area by area; every stub says so when called

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{PgTx, not_yet};
use crate::store::{LedgerKind, LedgerTx, NewLedgerEntry};

#[async_trait::async_trait]
impl LedgerTx for PgTx<'_> {
    async fn append_ledger_rows(&mut self, entries: &[NewLedgerEntry<'_>]) -> anyhow::Result<HashMap<i64, i64>> {
        Err(not_yet("append_ledger_rows"))
    }

    async fn balances(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        Err(not_yet("balances"))
    }

    async fn ledger_counts(&mut self, members: &[i64], kind: LedgerKind) -> anyhow::Result<HashMap<i64, i64>> {
        Err(not_yet("ledger_counts"))
    }

    async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64> {
        Err(not_yet("gives_since"))
    }
}
