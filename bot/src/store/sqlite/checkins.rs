use super::{SqliteTx, from_json_rows, json_rows, refused_as_duplicate};
use crate::store::{CheckinsTx, NewCheckin, fmt_day, fmt_time};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

impl SqliteTx<'_> {
    /// Inserts every row, or none if one of them exists already (false).
    async fn try_insert_checkins(&mut self, rows: &[(i64, Option<&str>)], day: &str, at: &str) -> anyhow::Result<bool> {
        let outcome = sqlx::query(
            "INSERT INTO checkins (member_id, local_day, at, note) \
             SELECT value ->> 0, ?, ?, value ->> 1 FROM json_each(?)",
        )
        .bind(day)
        .bind(at)
        .bind(json_rows(rows)?)
        .execute(&mut *self.tx)
        .await;
        refused_as_duplicate(outcome).context("recording check-ins")
    }
}

#[async_trait::async_trait]
impl CheckinsTx for SqliteTx<'_> {
    async fn insert_checkins(
        &mut self,
        checkins: &[NewCheckin<'_>],
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashSet<i64>> {
        let (day, at) = (fmt_day(day), fmt_time(at));
        let mut unique = HashSet::new();
        let mut rows: Vec<(i64, Option<&str>)> =
            checkins.iter().filter(|c| unique.insert(c.member_id)).map(|c| (c.member_id, c.note)).collect();
        // The callers' streak state already says these are new, so one INSERT
        // nearly always takes them all; asking first would cost a statement
        // per batch for nothing. A row that exists after all aborts only this
        // statement, and then we ask.
        if !rows.is_empty() && !self.try_insert_checkins(&rows, &day, &at).await? {
            let (existing,): (String,) = sqlx::query_as(
                "SELECT json_group_array(member_id) FROM checkins \
                 WHERE local_day = ? AND member_id IN (SELECT value ->> 0 FROM json_each(?))",
            )
            .bind(&day)
            .bind(json_rows(&rows)?)
            .fetch_one(&mut *self.tx)
            .await
            .context("looking up today's check-ins")?;
            let existing: HashSet<i64> = from_json_rows(&existing)?.into_iter().collect();
            rows.retain(|(member, _)| !existing.contains(member));
            if !rows.is_empty() {
                anyhow::ensure!(
                    self.try_insert_checkins(&rows, &day, &at).await?,
                    "a check-in appeared between reading and writing in one transaction"
                );
            }
        }
        Ok(rows.into_iter().map(|(member, _)| member).collect())
    }

    async fn checkin_counts(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        self.per_member(
            "SELECT json_group_array(json_array(member_id, n)) FROM (SELECT member_id, COUNT(*) AS n \
             FROM checkins WHERE member_id IN (SELECT value FROM json_each(?)) GROUP BY member_id)",
            members,
            None,
        )
        .await
    }
}
