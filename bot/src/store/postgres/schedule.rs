use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{PgStore, PgTx};
use crate::store::{
    CursorKey, CursorsOf, OutboxPost, ScheduleCursor, ScheduleCursors, ScheduleStore, ScheduleTx, fmt_time, parse_time,
};

/// Which of several writes of one cursor in a batch counts.
#[derive(Clone, Copy)]
enum Repeated {
    First,
    Last,
}

/// `schedules` as three arrays for `UNNEST`, each cursor once. PostgreSQL
/// refuses an upsert that meets the same row twice; SQLite applies the
/// rows one by one, so starting keeps a repeated cursor's first timing and
/// restarting its last.
fn cursor_columns(schedules: &[CursorKey<'_>], keep: Repeated) -> (Vec<i64>, Vec<String>, Vec<String>) {
    let mut seen = HashSet::with_capacity(schedules.len());
    let mut kept: Vec<&CursorKey<'_>> = match keep {
        Repeated::First => schedules.iter().filter(|key| seen.insert((key.0, key.1))).collect(),
        Repeated::Last => schedules.iter().rev().filter(|key| seen.insert((key.0, key.1))).collect(),
    };
    if let Repeated::Last = keep {
        kept.reverse();
    }
    let communities = kept.iter().map(|key| key.0).collect();
    let schedule_ids = kept.iter().map(|key| key.1.to_string()).collect();
    let timings = kept.iter().map(|key| key.2.clone()).collect();
    (communities, schedule_ids, timings)
}

impl PgTx<'_> {
    /// `sql` takes the instant, then the schedules as arrays of community
    /// ids, schedule ids and timings.
    async fn write_schedule_cursors(
        &mut self,
        sql: &'static str,
        schedules: &[CursorKey<'_>],
        keep: Repeated,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if schedules.is_empty() {
            return Ok(());
        }
        let (communities, schedule_ids, timings) = cursor_columns(schedules, keep);
        sqlx::query(sql)
            .bind(fmt_time(at))
            .bind(communities)
            .bind(schedule_ids)
            .bind(timings)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ScheduleTx for PgTx<'_> {
    async fn schedule_cursors_of(&mut self, schedules: &[(i64, &str)]) -> anyhow::Result<CursorsOf> {
        if schedules.is_empty() {
            return Ok(CursorsOf::new());
        }
        let communities: Vec<i64> = schedules.iter().map(|key| key.0).collect();
        let schedule_ids: Vec<&str> = schedules.iter().map(|key| key.1).collect();
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT c.community_id, c.schedule_id, c.checked_until \
             FROM UNNEST($1::bigint[], $2::text[]) AS k(community_id, schedule_id) JOIN schedule_cursors c \
             ON c.community_id = k.community_id AND c.schedule_id = k.schedule_id",
        )
        .bind(communities)
        .bind(schedule_ids)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading schedule cursors")?;
        rows.into_iter()
            .map(|(community_id, schedule_id, until)| Ok(((community_id, schedule_id), parse_time(&until)?)))
            .collect()
    }

    async fn start_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        self.write_schedule_cursors(
            "INSERT INTO schedule_cursors (community_id, schedule_id, checked_until, timing) \
             SELECT s.community_id, s.schedule_id, $1, s.timing \
             FROM UNNEST($2::bigint[], $3::text[], $4::text[]) AS s(community_id, schedule_id, timing) \
             ON CONFLICT (community_id, schedule_id) DO UPDATE SET timing = excluded.timing \
             WHERE schedule_cursors.timing IS NULL",
            schedules,
            Repeated::First,
            at,
        )
        .await
        .context("starting schedule cursors")
    }

    async fn restart_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        self.write_schedule_cursors(
            "INSERT INTO schedule_cursors (community_id, schedule_id, checked_until, timing) \
             SELECT s.community_id, s.schedule_id, $1, s.timing \
             FROM UNNEST($2::bigint[], $3::text[], $4::text[]) AS s(community_id, schedule_id, timing) \
             ON CONFLICT (community_id, schedule_id) DO UPDATE SET checked_until = excluded.checked_until, \
             timing = excluded.timing",
            schedules,
            Repeated::Last,
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
        // A slot claimed before is no error: DO NOTHING keeps the transaction alive.
        let done = sqlx::query(
            "INSERT INTO schedule_claims (community_id, schedule_id, slot, due_at, claimed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
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
        // The count names the next manual slot: two /posts at once in two
        // processes must not both name the same one.
        self.advisory(super::locks::manual_posts_key(community_id), false).await?;
        let (count,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM schedule_claims \
             WHERE community_id = $1 AND schedule_id = $2 AND slot LIKE 'manual:%'",
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
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(community_id)
        .bind(schedule_id)
        .bind(slot)
        .bind(target)
        .bind(body)
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("queueing a post")?;
        Ok(())
    }

    async fn checkins_on(&mut self, community_id: i64, day: &str) -> anyhow::Result<(i64, i64)> {
        let (checked_in, members): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM checkins c JOIN members m ON m.id = c.member_id \
                     WHERE m.community_id = $1 AND c.local_day = $2), \
                    (SELECT COUNT(*) FROM members WHERE community_id = $1 AND NOT is_bot)",
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
impl ScheduleStore for PgStore {
    async fn schedule_cursors(&self) -> anyhow::Result<ScheduleCursors> {
        let rows: Vec<(i64, String, String, Option<String>)> =
            sqlx::query_as("SELECT community_id, schedule_id, checked_until, timing FROM schedule_cursors")
                .fetch_all(&mut *self.read().await?)
                .await
                .context("reading schedule cursors")?;
        rows.into_iter()
            .map(|(community_id, schedule_id, until, timing)| {
                Ok(((community_id, schedule_id), ScheduleCursor { checked_until: parse_time(&until)?, timing }))
            })
            .collect()
    }

    async fn claimed_slots(&self, community: &str) -> anyhow::Result<Vec<(String, String)>> {
        sqlx::query_as(
            "SELECT k.schedule_id, k.slot FROM schedule_claims k JOIN communities c ON c.id = k.community_id \
             WHERE c.slug = $1 ORDER BY k.claimed_at, k.due_at, k.schedule_id, k.slot",
        )
        .bind(community)
        .fetch_all(&mut *self.read().await?)
        .await
        .context("reading claimed slots")
    }

    /// Takes up to `limit` due posts and leases them to `holder` until
    /// `lease_until`, in one statement. `FOR UPDATE SKIP LOCKED` passes over
    /// posts another process is taking at this moment; one it has just taken
    /// and committed is locked again here and, re-read, no longer due, so no
    /// two takers ever get the same post.
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
            "UPDATE outbox o SET lease_until = $4, leased_by = $5 FROM \
             (SELECT p.id FROM outbox p JOIN communities c ON c.id = p.community_id \
              WHERE p.target = $1 AND c.slug = $2 AND p.status = 'pending' AND p.next_attempt_at <= $3 \
              AND (p.lease_until IS NULL OR p.lease_until <= $3) \
              ORDER BY p.id LIMIT $6 FOR UPDATE OF p SKIP LOCKED) AS due \
             WHERE o.id = due.id \
             RETURNING o.id, o.schedule_id, o.body, o.attempts",
        )
        .bind(target)
        .bind(community)
        .bind(fmt_time(now))
        .bind(fmt_time(lease_until))
        .bind(holder)
        .bind(limit)
        .fetch_all(&mut **self.lock_writer().await?)
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

    async fn outbox_counts(&self) -> anyhow::Result<Vec<(String, String, i64)>> {
        sqlx::query_as("SELECT target, status, count(*) FROM outbox GROUP BY target, status ORDER BY target, status")
            .fetch_all(&mut *self.read().await?)
            .await
            .context("counting outbox posts")
    }

    async fn mark_sent(&self, id: i64, message_id: Option<&str>, now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', platform_message_id = $1, sent_at = $2, attempts = attempts + 1, \
             lease_until = NULL, leased_by = NULL WHERE id = $3",
        )
        .bind(message_id)
        .bind(fmt_time(now))
        .bind(id)
        .execute(&mut **self.lock_writer().await?)
        .await
        .context("marking a post sent")?;
        Ok(())
    }

    async fn mark_attempt_failed(&self, id: i64, reason: &str, retry_at: Option<DateTime<Utc>>) -> anyhow::Result<()> {
        let (status, next) = match retry_at {
            Some(at) => ("pending", Some(fmt_time(at))),
            None => ("failed", None),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, last_error = $2, attempts = attempts + 1, \
             next_attempt_at = COALESCE($3, next_attempt_at), lease_until = NULL, leased_by = NULL WHERE id = $4",
        )
        .bind(status)
        .bind(reason)
        .bind(next)
        .bind(id)
        .execute(&mut **self.lock_writer().await?)
        .await
        .context("recording a failed delivery")?;
        Ok(())
    }
}
