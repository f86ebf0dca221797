#![allow(unused_variables)] // filled in area by area; every stub says so when called

use chrono::{DateTime, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{InboxEntry, InboxKey, InboxStore, InboxTx, NewInboxEntry};

#[async_trait::async_trait]
impl InboxTx for PgTx<'_> {
    async fn inbox_accept(&mut self, entries: &[NewInboxEntry], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
        Err(not_yet("inbox_accept"))
    }

    async fn inbox_done(&mut self, keys: &[InboxKey], now: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("inbox_done"))
    }
}

#[async_trait::async_trait]
impl InboxStore for PgStore {
    async fn inbox_unfinished(&self, platform: &str) -> anyhow::Result<Vec<InboxEntry>> {
        Err(not_yet("inbox_unfinished"))
    }
}
