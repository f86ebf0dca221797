//! The rollups' statements on SQLite (written once in `rollup_sql`), and
//! the batch's read and write, each one statement on the writer's thread.

use std::collections::BTreeSet;

use anyhow::Context as _;
use chrono::NaiveDate;

use super::{OnSqlite, SqliteConn, SqliteTx, from_json_rows, json_rows};
use crate::store::fmt_day;
use crate::store::rollup_sql::{NearDays, RollupWrites};

crate::store::rollup_sql::rollup_statements!(OnSqlite, SqliteConn, SqliteTx);

impl SqliteTx<'_> {
    /// `members`' rollup rows, their check-in days in `checkins` (when
    /// asked) and their active days in `activity`, as one aggregated row.
    pub(crate) async fn near_days(
        &mut self,
        members: &[i64],
        checkins: Option<(NaiveDate, NaiveDate)>,
        activity: (NaiveDate, NaiveDate),
    ) -> anyhow::Result<NearDays> {
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(k, member_id, d1, d2)) FROM ( \
               SELECT 0 AS k, member_id, local_day AS d1, NULL AS d2 FROM checkins \
                WHERE ?2 IS NOT NULL AND member_id IN (SELECT value FROM json_each(?1)) \
                  AND local_day >= ?2 AND local_day <= ?3 \
               UNION ALL SELECT 1, member_id, local_day, NULL FROM activity_days \
                WHERE member_id IN (SELECT value FROM json_each(?1)) AND local_day >= ?4 AND local_day <= ?5 \
               UNION ALL SELECT 2, member_id, joined_day, last_active_day FROM member_rollups \
                WHERE member_id IN (SELECT value FROM json_each(?1)))",
        )
        .bind(json_rows(members)?)
        .bind(checkins.map(|(first, _)| fmt_day(first)))
        .bind(checkins.map(|(_, last)| fmt_day(last)))
        .bind(fmt_day(activity.0))
        .bind(fmt_day(activity.1))
        .fetch_one(&mut *self.tx)
        .await
        .context("reading members' days near new ones")?;
        NearDays::from_rows(from_json_rows::<(i64, i64, String, Option<String>)>(&rows)?)
    }

    /// The marks that are new active days. The writer is the only one, so
    /// what `near` read is still true: no statement is needed, and the rows
    /// are inserted with the batch's other writes.
    pub(crate) async fn claim_active_days(
        &mut self,
        _community_id: i64,
        marks: &[(i64, NaiveDate)],
        near: &NearDays,
        writes: &mut RollupWrites,
    ) -> anyhow::Result<BTreeSet<(i64, NaiveDate)>> {
        let new: BTreeSet<(i64, NaiveDate)> = marks
            .iter()
            .filter(|(member, day)| !near.activity.get(member).is_some_and(|days| days.contains(day)))
            .copied()
            .collect();
        writes.active_days.extend(new.iter().copied());
        Ok(new)
    }

    /// Everything in `writes`, as one query of six statements (each a
    /// no-op for an empty array). Every statement names only `?1` and `?2`:
    /// sqlx binds a statement's unnamed slots (the numbers it skips) from
    /// the next arguments in turn, which would run past the end and leave
    /// later numbers unbound.
    pub(crate) async fn write_rollups(&mut self, community_id: i64, writes: &RollupWrites) -> anyhow::Result<()> {
        if writes.is_empty() {
            return Ok(());
        }
        let active: Vec<(i64, String)> = writes.active_days.iter().map(|(m, d)| (*m, fmt_day(*d))).collect();
        let days: Vec<_> = writes
            .days
            .iter()
            .filter(|(_, m)| !m.is_zero())
            .map(|(d, m)| {
                (
                    fmt_day(*d),
                    m.checkins,
                    m.active,
                    m.joined,
                    m.active_7,
                    m.active_30,
                    m.active_90,
                    m.settled_14,
                    m.core,
                )
            })
            .collect();
        let hours: Vec<(String, u32, i64)> = writes.hours.iter().map(|(d, h, n)| (fmt_day(*d), *h, *n)).collect();
        let cohorts: Vec<(String, String, i64)> =
            writes.cohorts.iter().map(|((c, w), n)| (fmt_day(*c), fmt_day(*w), *n)).collect();
        let members: Vec<(i64, String, String, i64)> =
            writes.members.iter().map(|(m, j, l, r)| (*m, fmt_day(*j), fmt_day(*l), *r)).collect();
        let ledger: Vec<(String, &str, i64, i64)> =
            writes.ledger_days.iter().map(|(d, k, n, p)| (fmt_day(*d), k.as_str(), *n, *p)).collect();
        sqlx::query(
            "INSERT INTO activity_days (member_id, local_day, community_id) \
             SELECT value ->> 0, value ->> 1, ?1 FROM json_each(?2, '$.active') WHERE true \
             ON CONFLICT (member_id, local_day) DO NOTHING; \
             INSERT INTO community_days (community_id, local_day, checkins, active_1, joined, \
                    active_7, active_30, active_90, settled_14, core) \
             SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, \
                    value ->> 6, value ->> 7, value ->> 8 FROM json_each(?2, '$.days') WHERE true \
             ON CONFLICT (community_id, local_day) DO UPDATE SET \
             checkins = community_days.checkins + excluded.checkins, \
             active_1 = community_days.active_1 + excluded.active_1, \
             joined = community_days.joined + excluded.joined, \
             active_7 = community_days.active_7 + excluded.active_7, \
             active_30 = community_days.active_30 + excluded.active_30, \
             active_90 = community_days.active_90 + excluded.active_90, \
             settled_14 = community_days.settled_14 + excluded.settled_14, \
             core = community_days.core + excluded.core; \
             INSERT INTO checkin_hours (community_id, local_day, hour, checkins) \
             SELECT ?1, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2, '$.hours') WHERE true \
             ON CONFLICT (community_id, local_day, hour) \
             DO UPDATE SET checkins = checkin_hours.checkins + excluded.checkins; \
             INSERT INTO cohort_weeks (community_id, cohort_week, active_week, members) \
             SELECT ?1, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2, '$.cohorts') WHERE true \
             ON CONFLICT (community_id, cohort_week, active_week) \
             DO UPDATE SET members = cohort_weeks.members + excluded.members; \
             INSERT INTO member_rollups (member_id, community_id, joined_day, last_active_day, active_days_30) \
             SELECT value ->> 0, ?1, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2, '$.members') WHERE true \
             ON CONFLICT (member_id) DO UPDATE SET \
             last_active_day = excluded.last_active_day, active_days_30 = excluded.active_days_30; \
             INSERT INTO ledger_days (community_id, local_day, kind, entries, points) \
             SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?2, '$.ledger') WHERE true \
             ON CONFLICT (community_id, local_day, kind) DO UPDATE SET \
             entries = ledger_days.entries + excluded.entries, points = ledger_days.points + excluded.points",
        )
        .bind(community_id)
        .bind(json_rows(&serde_json::json!({
            "active": active, "days": days, "hours": hours, "cohorts": cohorts, "members": members, "ledger": ledger,
        }))?)
        .execute(&mut *self.tx)
        .await
        .context("writing the batch's rollups")?;
        Ok(())
    }
}
