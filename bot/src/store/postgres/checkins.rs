#![allow(unused_variables)] // filled in area by area; every stub says so when called

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::{PgTx, not_yet};
use crate::store::{CheckinsTx, NewCheckin};

#[async_trait::async_trait]
impl CheckinsTx for PgTx<'_> {
    async fn insert_checkins(
        &mut self,
        checkins: &[NewCheckin<'_>],
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashSet<i64>> {
        Err(not_yet("insert_checkins"))
    }

    async fn checkin_counts(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        Err(not_yet("checkin_counts"))
    }
}
