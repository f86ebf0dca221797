//! The rollups' statements on PostgreSQL (written once in `rollup_sql`),
//! and the batch's read, its active-day claim and its write, one
//! statement each.

use std::collections::BTreeSet;

use anyhow::Context as _;
use chrono::NaiveDate;

use super::{OnPostgres, PgConn, PgTx};
use crate::store::rollup_sql::{NearDays, RollupWrites};
use crate::store::{fmt_day, parse_day};

crate::store::rollup_sql::rollup_statements!(OnPostgres, PgConn, PgTx);

impl PgTx<'_> {
    /// `members`' rollup rows, their check-in days in `checkins` (when
    /// asked) and their active days in `activity`.
    pub(crate) async fn near_days(
        &mut self,
        members: &[i64],
        checkins: Option<(NaiveDate, NaiveDate)>,
        activity: (NaiveDate, NaiveDate),
    ) -> anyhow::Result<NearDays> {
        let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT CAST(0 AS BIGINT), member_id, local_day, CAST(NULL AS TEXT) FROM checkins \
              WHERE $2::text IS NOT NULL AND member_id = ANY($1) AND local_day >= $2 AND local_day <= $3 \
             UNION ALL SELECT 1, member_id, local_day, NULL FROM activity_days \
              WHERE member_id = ANY($1) AND local_day >= $4 AND local_day <= $5 \
             UNION ALL SELECT 2, member_id, joined_day, last_active_day FROM member_rollups \
              WHERE member_id = ANY($1)",
        )
        .bind(members)
        .bind(checkins.map(|(first, _)| fmt_day(first)))
        .bind(checkins.map(|(_, last)| fmt_day(last)))
        .bind(fmt_day(activity.0))
        .bind(fmt_day(activity.1))
        .fetch_all(&mut *self.tx)
        .await
        .context("reading members' days near new ones")?;
        NearDays::from_rows(rows)
    }

    /// Inserts the marks' active days; returns those that were new. Another
    /// process may be recording the same day: the unique key decides, so
    /// the insert comes before the moves are counted.
    pub(crate) async fn claim_active_days(
        &mut self,
        community_id: i64,
        marks: &[(i64, NaiveDate)],
        _near: &NearDays,
        _writes: &mut RollupWrites,
    ) -> anyhow::Result<BTreeSet<(i64, NaiveDate)>> {
        if marks.is_empty() {
            return Ok(BTreeSet::new());
        }
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "INSERT INTO activity_days (member_id, local_day, community_id) \
             SELECT u.member_id, u.local_day, $3 FROM UNNEST($1::bigint[], $2::text[]) AS u(member_id, local_day) \
             ON CONFLICT (member_id, local_day) DO NOTHING RETURNING member_id, local_day",
        )
        .bind(marks.iter().map(|(m, _)| *m).collect::<Vec<_>>())
        .bind(marks.iter().map(|(_, d)| fmt_day(*d)).collect::<Vec<_>>())
        .bind(community_id)
        .fetch_all(&mut *self.tx)
        .await
        .context("recording active days")?;
        rows.into_iter().map(|(m, d)| Ok((m, parse_day(&d)?))).collect()
    }

    /// Everything in `writes` (active days were inserted by the claim), as
    /// one statement of data-modifying CTEs, each a no-op for empty arrays.
    pub(crate) async fn write_rollups(&mut self, community_id: i64, writes: &RollupWrites) -> anyhow::Result<()> {
        debug_assert!(writes.active_days.is_empty(), "PostgreSQL claims active days itself");
        if writes.is_empty() {
            return Ok(());
        }
        let days: Vec<_> = writes.days.iter().filter(|(_, m)| !m.is_zero()).collect();
        let day_column =
            |f: fn(&crate::domain::rollup::DayMove) -> i64| days.iter().map(|(_, m)| f(m)).collect::<Vec<_>>();
        sqlx::query(
            "WITH d AS (INSERT INTO community_days AS c (community_id, local_day, checkins, active_1, joined, \
                    active_7, active_30, active_90, settled_14, core) \
                 SELECT $1, * FROM UNNEST($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], \
                                          $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[]) \
                 ON CONFLICT (community_id, local_day) DO UPDATE SET \
                 checkins = c.checkins + excluded.checkins, active_1 = c.active_1 + excluded.active_1, \
                 joined = c.joined + excluded.joined, active_7 = c.active_7 + excluded.active_7, \
                 active_30 = c.active_30 + excluded.active_30, active_90 = c.active_90 + excluded.active_90, \
                 settled_14 = c.settled_14 + excluded.settled_14, core = c.core + excluded.core), \
             h AS (INSERT INTO checkin_hours AS h (community_id, local_day, hour, checkins) \
                 SELECT $1, * FROM UNNEST($11::text[], $12::bigint[], $13::bigint[]) \
                 ON CONFLICT (community_id, local_day, hour) DO UPDATE SET checkins = h.checkins + excluded.checkins), \
             w AS (INSERT INTO cohort_weeks AS w (community_id, cohort_week, active_week, members) \
                 SELECT $1, * FROM UNNEST($14::text[], $15::text[], $16::bigint[]) \
                 ON CONFLICT (community_id, cohort_week, active_week) DO UPDATE SET members = w.members + excluded.members), \
             m AS (INSERT INTO member_rollups AS r (member_id, community_id, joined_day, last_active_day, active_days_30) \
                 SELECT u.member_id, $1, u.joined_day, u.last_active_day, u.recent \
                 FROM UNNEST($17::bigint[], $18::text[], $19::text[], $20::bigint[]) \
                      AS u(member_id, joined_day, last_active_day, recent) \
                 ON CONFLICT (member_id) DO UPDATE SET \
                 last_active_day = excluded.last_active_day, active_days_30 = excluded.active_days_30) \
             INSERT INTO ledger_days AS l (community_id, local_day, kind, entries, points) \
             SELECT $1, * FROM UNNEST($21::text[], $22::text[], $23::bigint[], $24::bigint[]) \
             ON CONFLICT (community_id, local_day, kind) DO UPDATE SET \
             entries = l.entries + excluded.entries, points = l.points + excluded.points",
        )
        .bind(community_id)
        .bind(days.iter().map(|(d, _)| fmt_day(**d)).collect::<Vec<_>>())
        .bind(day_column(|m| m.checkins))
        .bind(day_column(|m| m.active))
        .bind(day_column(|m| m.joined))
        .bind(day_column(|m| m.active_7))
        .bind(day_column(|m| m.active_30))
        .bind(day_column(|m| m.active_90))
        .bind(day_column(|m| m.settled_14))
        .bind(day_column(|m| m.core))
        .bind(writes.hours.iter().map(|(d, _, _)| fmt_day(*d)).collect::<Vec<_>>())
        .bind(writes.hours.iter().map(|(_, h, _)| i64::from(*h)).collect::<Vec<_>>())
        .bind(writes.hours.iter().map(|(_, _, n)| *n).collect::<Vec<_>>())
        .bind(writes.cohorts.keys().map(|(c, _)| fmt_day(*c)).collect::<Vec<_>>())
        .bind(writes.cohorts.keys().map(|(_, w)| fmt_day(*w)).collect::<Vec<_>>())
        .bind(writes.cohorts.values().copied().collect::<Vec<_>>())
        .bind(writes.members.iter().map(|(m, _, _, _)| *m).collect::<Vec<_>>())
        .bind(writes.members.iter().map(|(_, j, _, _)| fmt_day(*j)).collect::<Vec<_>>())
        .bind(writes.members.iter().map(|(_, _, l, _)| fmt_day(*l)).collect::<Vec<_>>())
        .bind(writes.members.iter().map(|(_, _, _, r)| *r).collect::<Vec<_>>())
        .bind(writes.ledger_days.iter().map(|(d, _, _, _)| fmt_day(*d)).collect::<Vec<_>>())
        .bind(writes.ledger_days.iter().map(|(_, k, _, _)| k.as_str()).collect::<Vec<_>>())
        .bind(writes.ledger_days.iter().map(|(_, _, n, _)| *n).collect::<Vec<_>>())
        .bind(writes.ledger_days.iter().map(|(_, _, _, p)| *p).collect::<Vec<_>>())
        .execute(&mut *self.tx)
        .await
        .context("writing the batch's rollups")?;
        Ok(())
    }
}
