use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// A check-in to record.
pub struct NewCheckin<'a> {
    pub member_id: i64,
    pub note: Option<&'a str>,
}

#[async_trait::async_trait]
pub trait CheckinsTx: Send + Sync {
    /// Records check-ins on local `day`; returns the members whose check-in
    /// is new (a member who already has one that day, or appears twice, is
    /// recorded once).
    async fn insert_checkins(
        &mut self,
        checkins: &[NewCheckin<'_>],
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashSet<i64>>;

    /// How many check-ins each of `members` has; members with none are absent.
    async fn checkin_counts(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>>;
}
