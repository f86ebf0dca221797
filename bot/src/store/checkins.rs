use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::{WriteTx, fmt_day, fmt_time, from_json_rows, json_rows};

/// A check-in to record.
pub struct NewCheckin<'a> {
    pub member_id: i64,
    pub note: Option<&'a str>,
}

impl WriteTx {
    /// Records check-ins on local `day`; returns the members whose check-in
    /// is new (a member who already has one that day, or appears twice, is
    /// recorded once).
    pub async fn insert_checkins(
        &mut self,
        checkins: &[NewCheckin<'_>],
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashSet<i64>> {
        let day = fmt_day(day);
        let members: Vec<i64> = checkins.iter().map(|c| c.member_id).collect();
        // Asked first rather than read back from RETURNING: one row crosses (see `from_json_rows`).
        let (existing,): (String,) = sqlx::query_as(
            "SELECT json_group_array(member_id) FROM checkins \
             WHERE local_day = ? AND member_id IN (SELECT value FROM json_each(?))",
        )
        .bind(&day)
        .bind(json_rows(&members)?)
        .fetch_one(&mut *self.tx)
        .await
        .context("looking up today's check-ins")?;
        let mut taken: HashSet<i64> = from_json_rows(&existing)?.into_iter().collect();
        let rows: Vec<(i64, Option<&str>)> =
            checkins.iter().filter(|c| taken.insert(c.member_id)).map(|c| (c.member_id, c.note)).collect();
        if rows.is_empty() {
            return Ok(HashSet::new());
        }
        sqlx::query(
            "INSERT INTO checkins (member_id, local_day, at, note) \
             SELECT value ->> 0, ?, ?, value ->> 1 FROM json_each(?)",
        )
        .bind(&day)
        .bind(fmt_time(at))
        .bind(json_rows(&rows)?)
        .execute(&mut *self.tx)
        .await
        .context("recording check-ins")?;
        Ok(rows.into_iter().map(|(member, _)| member).collect())
    }

    /// How many check-ins each of `members` has; members with none are absent.
    pub async fn checkin_counts(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        self.per_member(
            "SELECT json_group_array(json_array(member_id, n)) FROM (SELECT member_id, COUNT(*) AS n \
             FROM checkins WHERE member_id IN (SELECT value FROM json_each(?)) GROUP BY member_id)",
            members,
            None,
        )
        .await
    }
}
