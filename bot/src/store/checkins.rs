use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::{WriteTx, fmt_day, fmt_time};

impl WriteTx {
    /// Records a check-in; false if the member already has one on `day`.
    pub async fn insert_checkin(
        &mut self,
        member_id: i64,
        day: NaiveDate,
        at: DateTime<Utc>,
        note: Option<&str>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO checkins (member_id, local_day, at, note) VALUES (?, ?, ?, ?) \
             ON CONFLICT (member_id, local_day) DO NOTHING",
        )
        .bind(member_id)
        .bind(fmt_day(day))
        .bind(fmt_time(at))
        .bind(note)
        .execute(&mut *self.tx)
        .await
        .context("recording check-in")?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn checkin_count(&mut self, member_id: i64) -> anyhow::Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM checkins WHERE member_id = ?")
            .bind(member_id)
            .fetch_one(&mut *self.tx)
            .await
            .context("counting check-ins")?;
        Ok(n)
    }
}
