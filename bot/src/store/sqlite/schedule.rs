use super::{SqliteStore, SqliteTx, from_json_rows, json_rows};
use crate::store::{
    CursorKey, CursorsOf, OutboxPost, ScheduleCursor, ScheduleCursors, ScheduleStore, ScheduleTx, fmt_time, parse_time,
};
use anyhow::Context;
use chrono::{DateTime, Utc};

impl SqliteTx<'_> {
    /// `sql` takes the instant, then the schedules as a JSON list of triples.
    async fn write_schedule_cursors(
        &mut self,
        sql: &'static str,
        schedules: &[CursorKey<'_>],
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if schedules.is_empty() {
            return Ok(());
        }
        sqlx::query(sql).bind(fmt_time(at)).bind(json_rows(schedules)?).execute(&mut *self.tx).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ScheduleTx for SqliteTx<'_> {
    async fn schedule_cursors_of(&mut self, schedules: &[(i64, &str)]) -> anyhow::Result<CursorsOf> {
        if schedules.is_empty() {
            return Ok(CursorsOf::new());
        }
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(c.community_id, c.schedule_id, c.checked_until)) \
             FROM json_each(?) AS k JOIN schedule_cursors c \
             ON c.community_id = k.value ->> 0 AND c.schedule_id = k.value ->> 1",
        )
        .bind(json_rows(schedules)?)
        .fetch_one(&mut *self.tx)
        .await
        .context("reading schedule cursors")?;
        from_json_rows::<(i64, String, String)>(&rows)?
            .into_iter()
            .map(|(community_id, schedule_id, until)| Ok(((community_id, schedule_id), parse_time(&until)?)))
            .collect()
    }

    async fn start_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        // `WHERE true` keeps SQLite from reading ON CONFLICT as a join clause.
        self.write_schedule_cursors(
            "INSERT INTO schedule_cursors (community_id, schedule_id, checked_until, timing) \
             SELECT value ->> 0, value ->> 1, ?, value ->> 2 FROM json_each(?) WHERE true \
             ON CONFLICT (community_id, schedule_id) DO UPDATE SET timing = excluded.timing \
             WHERE schedule_cursors.timing IS NULL",
            schedules,
            at,
        )
        .await
        .context("starting schedule cursors")
    }

    async fn restart_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        self.write_schedule_cursors(
            "INSERT INTO schedule_cursors (community_id, schedule_id, checked_until, timing) \
             SELECT value ->> 0, value ->> 1, ?, value ->> 2 FROM json_each(?) WHERE true \
             ON CONFLICT (community_id, schedule_id) DO UPDATE SET checked_until = excluded.checked_until, \
             timing = excluded.timing",
            schedules,
            at,
        )
        .await
        .context("restarting schedule cursors")
    }

    async fn claim_slot(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO schedule_claims (community_id, schedule_id, slot, due_at, claimed_at) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(community_id)
        .bind(schedule_id)
        .bind(slot)
        .bind(fmt_time(due_at))
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("claiming a schedule slot")?;
        Ok(done.rows_affected() == 1)
    }

    async fn manual_claims(&mut self, community_id: i64, schedule_id: &str) -> anyhow::Result<i64> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM schedule_claims WHERE community_id = ? AND schedule_id = ? AND slot LIKE 'manual:%'",
        )
        .bind(community_id)
        .bind(schedule_id)
        .fetch_one(&mut *self.tx)
        .await
        .context("counting manual slots")?;
        Ok(count)
    }

    async fn enqueue_post(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        target: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO outbox (community_id, schedule_id, slot, target, body, next_attempt_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(community_id)
        .bind(schedule_id)
        .bind(slot)
        .bind(target)
        .bind(body)
        .bind(fmt_time(now))
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("queueing a post")?;
        Ok(())
    }

    async fn checkins_on(&mut self, community_id: i64, day: &str) -> anyhow::Result<(i64, i64)> {
        let (checked_in, members): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM checkins c JOIN members m ON m.id = c.member_id \
                     WHERE m.community_id = ?1 AND c.local_day = ?2), \
                    (SELECT COUNT(*) FROM members WHERE community_id = ?1 AND is_bot = 0)",
        )
        .bind(community_id)
        .bind(day)
        .fetch_one(&mut *self.tx)
        .await
        .context("counting today's check-ins")?;
        Ok((checked_in, members))
    }
}

#[async_trait::async_trait]
impl ScheduleStore for SqliteStore {
    async fn schedule_cursors(&self) -> anyhow::Result<ScheduleCursors> {
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(community_id, schedule_id, checked_until, timing)) \
             FROM schedule_cursors",
        )
        .fetch_one(&mut *self.read().await?)
        .await
        .context("reading schedule cursors")?;
        from_json_rows::<(i64, String, String, Option<String>)>(&rows)?
            .into_iter()
            .map(|(community_id, schedule_id, until, timing)| {
                Ok(((community_id, schedule_id), ScheduleCursor { checked_until: parse_time(&until)?, timing }))
            })
            .collect()
    }

    /// The claimed slots of `community` (its id in the config) as
    /// (schedule id, slot), in claim order: what has fired there. Claims
    /// made at the same instant come by due time, then schedule and slot (a
    /// total order PostgreSQL, which has no rowid, gives alike).
    async fn claimed_slots(&self, community: &str) -> anyhow::Result<Vec<(String, String)>> {
        let (rows,): (String,) = sqlx::query_as(
            "SELECT COALESCE(json_group_array(json_array(schedule_id, slot)), '[]') FROM \
             (SELECT k.schedule_id, k.slot FROM schedule_claims k JOIN communities c ON c.id = k.community_id \
              WHERE c.slug = ? ORDER BY k.claimed_at, k.due_at, k.schedule_id, k.slot)",
        )
        .bind(community)
        .fetch_one(&mut *self.read().await?)
        .await
        .context("reading claimed slots")?;
        from_json_rows(&rows)
    }

    /// Takes up to `limit` due posts and leases them to `holder` until
    /// `lease_until`: one statement on the one writer, so two takers (two
    /// processes on one file, serialised by SQLite's lock) never share a post.
    async fn lease_pending_posts(
        &self,
        target: &str,
        community: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        holder: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<OutboxPost>> {
        let mut rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "UPDATE outbox SET lease_until = ?4, leased_by = ?5 WHERE id IN \
             (SELECT o.id FROM outbox o JOIN communities c ON c.id = o.community_id \
              WHERE o.target = ?1 AND c.slug = ?2 AND o.status = 'pending' AND o.next_attempt_at <= ?3 \
              AND (o.lease_until IS NULL OR o.lease_until <= ?3) ORDER BY o.id LIMIT ?6) \
             RETURNING id, schedule_id, body, attempts",
        )
        .bind(target)
        .bind(community)
        .bind(fmt_time(now))
        .bind(fmt_time(lease_until))
        .bind(holder)
        .bind(limit)
        .fetch_all(&mut *self.writer.lock().await?)
        .await
        .context("leasing pending posts")?;
        // RETURNING gives rows in no particular order.
        rows.sort_unstable_by_key(|row| row.0);
        Ok(rows
            .into_iter()
            .map(|(id, schedule_id, body, attempts)| OutboxPost {
                id,
                community: community.to_string(),
                schedule_id,
                body,
                attempts,
            })
            .collect())
    }

    /// Outbox rows by target and status: `(target, status, count)`, in that order.
    async fn outbox_counts(&self) -> anyhow::Result<Vec<(String, String, i64)>> {
        sqlx::query_as("SELECT target, status, count(*) FROM outbox GROUP BY target, status ORDER BY target, status")
            .fetch_all(&mut *self.read().await?)
            .await
            .context("counting outbox posts")
    }

    /// Records a delivered post with the platform's message id.
    async fn mark_sent(&self, id: i64, message_id: Option<&str>, now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, attempts = attempts + 1, \
             lease_until = NULL, leased_by = NULL WHERE id = ?",
        )
        .bind(message_id)
        .bind(fmt_time(now))
        .bind(id)
        .execute(&mut *self.writer.lock().await?)
        .await
        .context("marking a post sent")?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_attempt_failed(&self, id: i64, reason: &str, retry_at: Option<DateTime<Utc>>) -> anyhow::Result<()> {
        let (status, next) = match retry_at {
            Some(at) => ("pending", Some(fmt_time(at))),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE outbox SET status = ?, last_error = ?, attempts = attempts + 1, \
             next_attempt_at = COALESCE(?, next_attempt_at), lease_until = NULL, leased_by = NULL WHERE id = ?",
        )
        .bind(status)
        .bind(reason)
        .bind(next)
        .bind(id)
        .execute(&mut *self.writer.lock().await?)
        .await
        .context("recording a failed delivery")?;
        Ok(())
    }
}
