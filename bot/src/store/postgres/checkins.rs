use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::PgTx;
use crate::store::{CheckinsTx, NewCheckin, fmt_day, fmt_time};

#[async_trait::async_trait]
impl CheckinsTx for PgTx<'_> {
    async fn insert_checkins(
        &mut self,
        checkins: &[NewCheckin<'_>],
        day: NaiveDate,
        at: DateTime<Utc>,
    ) -> anyhow::Result<HashSet<i64>> {
        let mut unique = HashSet::new();
        let rows: Vec<&NewCheckin> = checkins.iter().filter(|c| unique.insert(c.member_id)).collect();
        if rows.is_empty() {
            return Ok(HashSet::new());
        }
        // A member who has today's check-in already is skipped without
        // aborting the transaction; rows go in in order, as on SQLite.
        let inserted: Vec<(i64,)> = sqlx::query_as(
            "INSERT INTO checkins (member_id, local_day, at, note) \
             SELECT member_id, $1, $2, note FROM UNNEST($3::bigint[], $4::text[]) WITH ORDINALITY AS t(member_id, note, n) \
             ORDER BY n ON CONFLICT (member_id, local_day) DO NOTHING RETURNING member_id",
        )
        .bind(fmt_day(day))
        .bind(fmt_time(at))
        .bind(rows.iter().map(|c| c.member_id).collect::<Vec<_>>())
        .bind(rows.iter().map(|c| c.note).collect::<Vec<_>>())
        .fetch_all(&mut *self.tx)
        .await
        .context("recording check-ins")?;
        Ok(inserted.into_iter().map(|(member,)| member).collect())
    }

    async fn checkin_counts(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT member_id, COUNT(*) FROM checkins WHERE member_id = ANY($1) GROUP BY member_id")
                .bind(members)
                .fetch_all(&mut *self.tx)
                .await
                .context("counting check-ins")?;
        Ok(rows.into_iter().collect())
    }
}
