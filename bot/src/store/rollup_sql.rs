//! The rollups' statements, written once for both backends like `web_sql`
//! (`$N` placeholders; `ON CONFLICT … DO UPDATE` with `excluded`, which
//! SQLite and PostgreSQL both have). Multi-row statements are built with
//! as many placeholder groups as rows, in chunks under both databases'
//! parameter limits.

/// Rows per multi-row statement: 10 parameters each stays far below
/// SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const CHUNK: usize = 500;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::domain::rollup::DayMove;

/// `($1, $2, $3), ($4, $5, $6), …`: `rows` groups of `width` placeholders.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a batch's rollups read first, in one statement: its members'
/// rollup rows, and their check-in and active days near the new ones.
#[derive(Debug, Default)]
pub(crate) struct NearDays {
    /// `member → (joined day, last active day)`; bots have no row.
    pub known: BTreeMap<i64, (NaiveDate, Option<NaiveDate>)>,
    pub checkins: BTreeMap<i64, BTreeSet<NaiveDate>>,
    pub activity: BTreeMap<i64, BTreeSet<NaiveDate>>,
}

/// Everything one batch changes in the rollups, written by the backend in
/// one statement (`write_rollups`).
#[derive(Debug, Default)]
pub(crate) struct RollupWrites {
    /// New active days still to insert (SQLite; PostgreSQL inserts them
    /// first, to learn which were new).
    pub active_days: Vec<(i64, NaiveDate)>,
    pub days: BTreeMap<NaiveDate, DayMove>,
    /// `(day, hour, check-ins)`.
    pub hours: Vec<(NaiveDate, u32, i64)>,
    /// `(cohort week, active week) → members`.
    pub cohorts: BTreeMap<(NaiveDate, NaiveDate), i64>,
    /// `(member, joined, last active, active days in the 30 up to it)`.
    pub members: Vec<(i64, NaiveDate, NaiveDate, i64)>,
    /// `(day, kind, rows, points)`.
    pub ledger_days: Vec<(NaiveDate, String, i64, i64)>,
}

impl NearDays {
    /// From `near_days` rows `(kind, member, day, last active day)`: kind 0
    /// a check-in day, 1 an active day, 2 a rollup row (joined day, last
    /// active day).
    pub fn from_rows(rows: impl IntoIterator<Item = (i64, i64, String, Option<String>)>) -> anyhow::Result<NearDays> {
        let mut near = NearDays::default();
        for (kind, member, day, last) in rows {
            let day = super::parse_day(&day)?;
            match kind {
                0 => {
                    near.checkins.entry(member).or_default().insert(day);
                }
                1 => {
                    near.activity.entry(member).or_default().insert(day);
                }
                _ => {
                    near.known.insert(member, (day, last.as_deref().map(super::parse_day).transpose()?));
                }
            }
        }
        Ok(near)
    }
}

impl RollupWrites {
    pub fn is_empty(&self) -> bool {
        self.active_days.is_empty()
            && self.days.values().all(DayMove::is_zero)
            && self.hours.is_empty()
            && self.cohorts.is_empty()
            && self.members.is_empty()
            && self.ledger_days.is_empty()
    }
}

macro_rules! rollup_statements {
    ($on:ident, $conn:ident, $tx:ident) => {
        mod rollup_statements {
            use std::collections::{BTreeMap, BTreeSet};

            use anyhow::Context as _;
            use chrono::{Duration, NaiveDate};

            use super::{$conn, $on, $tx};
            use crate::domain::rollup::{self, CORE_REACH_DAYS, DayMove, NewActiveDay, REACH_DAYS};
            use crate::store::rollup_sql::{CHUNK, NearDays, RollupWrites, placeholders};
            use crate::store::rollups::{
                ActivityHistory, DayRollup, DriftingRow, ROLLUP_VERSION, Rebuilt, RollupRead, RollupTx,
            };
            use crate::store::{fmt_day, parse_day, parse_time, streak_state};

            #[async_trait::async_trait]
            impl<C: $conn> RollupRead for $on<C> {
                async fn rollup_version(&mut self, community_id: i64) -> anyhow::Result<Option<i64>> {
                    let row: Option<(i64,)> =
                        sqlx::query_as("SELECT version FROM rollup_state WHERE community_id = $1")
                            .bind(community_id)
                            .fetch_optional(&mut *self.tx)
                            .await
                            .context("reading the rollups' version")?;
                    Ok(row.map(|(v,)| v))
                }

                async fn rollup_days(&mut self, community_id: i64, last: NaiveDate) -> anyhow::Result<Vec<DayRollup>> {
                    type Row = (String, i64, i64, i64, i64, i64, i64, i64, i64);
                    let rows: Vec<Row> = sqlx::query_as(
                        "SELECT local_day, checkins, active_1, joined, active_7, active_30, active_90, settled_14, core \
                         FROM community_days WHERE community_id = $1 AND local_day <= $2 ORDER BY local_day",
                    )
                    .bind(community_id)
                    .bind(fmt_day(last))
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading the community's days")?;
                    rows.into_iter()
                        .map(|(day, checkins, active, joined, active_7, active_30, active_90, settled_14, core)| {
                            Ok(DayRollup {
                                day: parse_day(&day)?,
                                moves: DayMove {
                                    checkins,
                                    active,
                                    joined,
                                    active_7,
                                    active_30,
                                    active_90,
                                    settled_14,
                                    core,
                                },
                            })
                        })
                        .collect()
                }

                async fn checkin_hours(
                    &mut self,
                    community_id: i64,
                    first: NaiveDate,
                    last: NaiveDate,
                ) -> anyhow::Result<Vec<(NaiveDate, u32, i64)>> {
                    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                        "SELECT local_day, hour, checkins FROM checkin_hours \
                         WHERE community_id = $1 AND local_day >= $2 AND local_day <= $3",
                    )
                    .bind(community_id)
                    .bind(fmt_day(first))
                    .bind(fmt_day(last))
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading check-ins per hour")?;
                    rows.into_iter()
                        .map(|(day, hour, n)| Ok((parse_day(&day)?, u32::try_from(hour).unwrap_or(0), n)))
                        .collect()
                }

                async fn cohort_counts(
                    &mut self,
                    community_id: i64,
                    first_week: NaiveDate,
                ) -> anyhow::Result<Vec<(NaiveDate, NaiveDate, i64)>> {
                    let rows: Vec<(String, String, i64)> = sqlx::query_as(
                        "SELECT cohort_week, active_week, members FROM cohort_weeks \
                         WHERE community_id = $1 AND cohort_week >= $2",
                    )
                    .bind(community_id)
                    .bind(fmt_day(first_week))
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading the cohorts")?;
                    rows.into_iter().map(|(c, a, n)| Ok((parse_day(&c)?, parse_day(&a)?, n))).collect()
                }

                async fn recent_streaks(
                    &mut self,
                    community_id: i64,
                    since: NaiveDate,
                ) -> anyhow::Result<Vec<(crate::domain::streak::StreakState, i64)>> {
                    // Grouped: the same streak, freezes and day make one row.
                    let rows: Vec<(i64, i64, Option<String>, i64)> = sqlx::query_as(
                        "SELECT streak, freezes, last_checkin_day, COUNT(*) FROM members \
                         WHERE community_id = $1 AND last_checkin_day >= $2 AND NOT is_bot \
                         GROUP BY streak, freezes, last_checkin_day",
                    )
                    .bind(community_id)
                    .bind(fmt_day(since))
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading recent streaks")?;
                    rows.into_iter().map(|(s, f, d, n)| Ok((streak_state(s, f, d.as_deref())?, n))).collect()
                }

                async fn drifting(
                    &mut self,
                    community_id: i64,
                    first: NaiveDate,
                    quiet_from: NaiveDate,
                    min_days: i64,
                ) -> anyhow::Result<Vec<DriftingRow>> {
                    type Row = (i64, String, String, i64, i64, Option<String>, i64, i64);
                    let rows: Vec<Row> = sqlx::query_as(
                        "SELECT r.member_id, m.name, r.last_active_day, m.streak, m.freezes, m.last_checkin_day, \
                           (SELECT COUNT(*) FROM activity_days a WHERE a.member_id = r.member_id \
                              AND a.local_day >= $2 AND a.local_day < $3), \
                           (SELECT COUNT(*) FROM checkins c WHERE c.member_id = r.member_id \
                              AND c.local_day >= $2 AND c.local_day < $3) \
                         FROM member_rollups r JOIN members m ON m.id = r.member_id \
                         WHERE r.community_id = $1 AND r.last_active_day >= $2 AND r.last_active_day < $3 \
                           AND r.active_days_30 >= $4",
                    )
                    .bind(community_id)
                    .bind(fmt_day(first))
                    .bind(fmt_day(quiet_from))
                    .bind(min_days)
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading members drifting away")?;
                    rows.into_iter()
                        .map(|(member_id, name, last, streak, freezes, last_checkin, active_days, checkins)| {
                            Ok(DriftingRow {
                                member_id,
                                name,
                                last_active_day: parse_day(&last)?,
                                streak: streak_state(streak, freezes, last_checkin.as_deref())?,
                                active_days,
                                checkins,
                            })
                        })
                        .collect()
                }

                async fn activity_history(&mut self, community_id: i64) -> anyhow::Result<ActivityHistory> {
                    let members: Vec<(i64, String)> =
                        sqlx::query_as("SELECT id, joined_at FROM members WHERE community_id = $1 AND NOT is_bot")
                            .bind(community_id)
                            .fetch_all(&mut *self.tx)
                            .await
                            .context("reading members for the rollups")?;
                    let checkins: Vec<(i64, String, String)> = sqlx::query_as(
                        "SELECT c.member_id, c.local_day, c.at FROM checkins c JOIN members m ON m.id = c.member_id \
                         WHERE m.community_id = $1 AND NOT m.is_bot",
                    )
                    .bind(community_id)
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading check-ins for the rollups")?;
                    let ledger: Vec<(i64, Option<i64>, String, String, i64)> = sqlx::query_as(
                        "SELECT member_id, actor_member_id, local_day, kind, delta FROM ledger WHERE community_id = $1",
                    )
                    .bind(community_id)
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading the ledger for the rollups")?;
                    let acts: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT e.member_id, e.submitted_at FROM challenge_entries e \
                             JOIN challenges c ON c.id = e.challenge_id WHERE c.community_id = $1 \
                         UNION ALL SELECT v.voter_id, v.voted_at FROM challenge_votes v \
                             JOIN challenges c ON c.id = v.challenge_id WHERE c.community_id = $1",
                    )
                    .bind(community_id)
                    .fetch_all(&mut *self.tx)
                    .await
                    .context("reading challenge entries and votes for the rollups")?;
                    Ok(ActivityHistory {
                        members: members
                            .into_iter()
                            .map(|(id, at)| Ok((id, parse_time(&at)?)))
                            .collect::<anyhow::Result<_>>()?,
                        checkins: checkins
                            .into_iter()
                            .map(|(m, d, at)| Ok((m, parse_day(&d)?, parse_time(&at)?)))
                            .collect::<anyhow::Result<_>>()?,
                        ledger: ledger
                            .into_iter()
                            .map(|(m, a, d, k, delta)| Ok((m, a, parse_day(&d)?, k, delta)))
                            .collect::<anyhow::Result<_>>()?,
                        challenge_acts: acts
                            .into_iter()
                            .map(|(m, at)| Ok((m, parse_time(&at)?)))
                            .collect::<anyhow::Result<_>>()?,
                    })
                }
            }

            #[async_trait::async_trait]
            impl RollupTx for $tx<'_> {
                async fn mark_active(&mut self, community_id: i64, marks: &[(i64, NaiveDate)]) -> anyhow::Result<()> {
                    let mut writes = RollupWrites::default();
                    self.activity_moves(community_id, marks, None, &mut writes).await?;
                    self.write_rollups(community_id, &writes).await
                }

                async fn roll_up_checkins(
                    &mut self,
                    community_id: i64,
                    day: NaiveDate,
                    hour: u32,
                    members: &[i64],
                ) -> anyhow::Result<()> {
                    let members: BTreeSet<i64> = members.iter().copied().collect();
                    if members.is_empty() {
                        return Ok(());
                    }
                    let count = members.len() as i64;
                    let mut writes = RollupWrites::default();
                    writes.days.entry(day).or_default().checkins += count;
                    writes.hours.push((day, hour, count));
                    let listed: Vec<i64> = members.iter().copied().collect();
                    let checkin_reach = Duration::days(CORE_REACH_DAYS);
                    let reach = Duration::days(REACH_DAYS);
                    // One read for both rules: check-in days for the core
                    // counts, active days and rollup rows for the activity.
                    let mut near = self
                        .near_days(&listed, Some((day - checkin_reach, day + checkin_reach)), (day - reach, day + reach))
                        .await?;
                    for member in &members {
                        let others = near.checkins.entry(*member).or_default();
                        others.remove(&day);
                        for (d, m) in rollup::core_moves(day, others) {
                            writes.days.entry(d).or_default().add(&m);
                        }
                    }
                    let marks: Vec<(i64, NaiveDate)> = members.into_iter().map(|m| (m, day)).collect();
                    self.activity_moves(community_id, &marks, Some(near), &mut writes).await?;
                    self.write_rollups(community_id, &writes).await
                }

                async fn roll_up_ledger_rows(
                    &mut self,
                    community_id: i64,
                    counts: &[(NaiveDate, &str, i64, i64)],
                    marks: &[(i64, NaiveDate)],
                ) -> anyhow::Result<()> {
                    let mut writes = RollupWrites::default();
                    writes.ledger_days = counts.iter().map(|(day, kind, rows, points)| (*day, kind.to_string(), *rows, *points)).collect();
                    self.activity_moves(community_id, marks, None, &mut writes).await?;
                    self.write_rollups(community_id, &writes).await
                }

                async fn roll_up_join(&mut self, community_id: i64, member_id: i64, day: NaiveDate) -> anyhow::Result<()> {
                    let inserted = sqlx::query(
                        "INSERT INTO member_rollups (member_id, community_id, joined_day) VALUES ($1, $2, $3) \
                         ON CONFLICT (member_id) DO NOTHING",
                    )
                    .bind(member_id)
                    .bind(community_id)
                    .bind(fmt_day(day))
                    .execute(&mut *self.tx)
                    .await
                    .context("recording a member's join day")?
                    .rows_affected();
                    if inserted == 1 {
                        let mut writes = RollupWrites::default();
                        writes.days.insert(day, DayMove { joined: 1, ..DayMove::default() });
                        self.write_rollups(community_id, &writes).await?;
                    }
                    Ok(())
                }

                async fn roll_up_forget(&mut self, member_id: i64) -> anyhow::Result<()> {
                    sqlx::query(
                        "UPDATE community_days SET joined = joined - 1 WHERE (community_id, local_day) IN \
                         (SELECT community_id, joined_day FROM member_rollups WHERE member_id = $1)",
                    )
                    .bind(member_id)
                    .execute(&mut *self.tx)
                    .await
                    .context("taking a forgotten member out of the joined counts")?;
                    Ok(())
                }

                async fn replace_rollups(&mut self, community_id: i64, rebuilt: &Rebuilt) -> anyhow::Result<()> {
                    for table in
                        ["activity_days", "member_rollups", "community_days", "checkin_hours", "ledger_days", "cohort_weeks", "rollup_state"]
                    {
                        let sql = format!("DELETE FROM {table} WHERE community_id = $1");
                        sqlx::query(sqlx::AssertSqlSafe(sql))
                            .bind(community_id)
                            .execute(&mut *self.tx)
                            .await
                            .with_context(|| format!("clearing {table} for a rebuild"))?;
                    }
                    for chunk in rebuilt.activity_days.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO activity_days (member_id, local_day, community_id) VALUES {}",
                            placeholders(chunk.len(), 3)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (member, day) in chunk {
                            query = query.bind(*member).bind(fmt_day(*day)).bind(community_id);
                        }
                        query.execute(&mut *self.tx).await.context("rebuilding active days")?;
                    }
                    for chunk in rebuilt.members.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO member_rollups (member_id, community_id, joined_day, last_active_day, \
                             active_days_30) VALUES {}",
                            placeholders(chunk.len(), 5)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (member, joined, last, recent) in chunk {
                            query = query
                                .bind(*member)
                                .bind(community_id)
                                .bind(fmt_day(*joined))
                                .bind(last.map(fmt_day))
                                .bind(*recent);
                        }
                        query.execute(&mut *self.tx).await.context("rebuilding members' rollups")?;
                    }
                    let days = RollupWrites {
                        days: rebuilt.days.iter().map(|d| (d.day, d.moves)).collect(),
                        ..RollupWrites::default()
                    };
                    self.write_rollups(community_id, &days).await?;
                    for chunk in rebuilt.hours.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO checkin_hours (community_id, local_day, hour, checkins) VALUES {}",
                            placeholders(chunk.len(), 4)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (day, hour, n) in chunk {
                            query = query.bind(community_id).bind(fmt_day(*day)).bind(i64::from(*hour)).bind(*n);
                        }
                        query.execute(&mut *self.tx).await.context("rebuilding check-ins per hour")?;
                    }
                    for chunk in rebuilt.ledger_days.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO ledger_days (community_id, local_day, kind, entries, points) VALUES {}",
                            placeholders(chunk.len(), 5)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (day, kind, rows, points) in chunk {
                            query = query.bind(community_id).bind(fmt_day(*day)).bind(kind.as_str()).bind(*rows).bind(*points);
                        }
                        query.execute(&mut *self.tx).await.context("rebuilding ledger rows per day")?;
                    }
                    for chunk in rebuilt.cohorts.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO cohort_weeks (community_id, cohort_week, active_week, members) VALUES {}",
                            placeholders(chunk.len(), 4)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (cohort, week, n) in chunk {
                            query = query.bind(community_id).bind(fmt_day(*cohort)).bind(fmt_day(*week)).bind(*n);
                        }
                        query.execute(&mut *self.tx).await.context("rebuilding the cohorts")?;
                    }
                    sqlx::query("INSERT INTO rollup_state (community_id, version) VALUES ($1, $2)")
                        .bind(community_id)
                        .bind(ROLLUP_VERSION)
                        .execute(&mut *self.tx)
                        .await
                        .context("recording the rollups complete")?;
                    Ok(())
                }
            }

            impl $tx<'_> {
                /// What new active days move (`marks`; bots and days a
                /// member was already active on move nothing), added to
                /// `writes`. `near` is the batch's read when the caller made
                /// it; otherwise it is read here.
                async fn activity_moves(
                    &mut self,
                    community_id: i64,
                    marks: &[(i64, NaiveDate)],
                    near: Option<NearDays>,
                    writes: &mut RollupWrites,
                ) -> anyhow::Result<()> {
                    let unique: BTreeSet<(i64, NaiveDate)> = marks.iter().copied().collect();
                    let (Some(first), Some(last)) = (unique.iter().map(|(_, d)| *d).min(), unique.iter().map(|(_, d)| *d).max())
                    else {
                        return Ok(());
                    };
                    let mut near = match near {
                        Some(near) => near,
                        None => {
                            let members: Vec<i64> =
                                unique.iter().map(|(m, _)| *m).collect::<BTreeSet<_>>().into_iter().collect();
                            let reach = Duration::days(REACH_DAYS);
                            self.near_days(&members, None, (first - reach, last + reach)).await?
                        }
                    };
                    // Bots have no row (nor do members from before the
                    // rollups, until the rebuild at start gives them one).
                    let marks: Vec<(i64, NaiveDate)> =
                        unique.into_iter().filter(|(m, _)| near.known.contains_key(m)).collect();
                    let inserted = self.claim_active_days(community_id, &marks, &near, writes).await?;
                    if inserted.is_empty() {
                        return Ok(());
                    }
                    let mut latest: BTreeMap<i64, (NaiveDate, Option<NaiveDate>, Option<(NaiveDate, i64)>)> =
                        near.known.into_iter().map(|(m, (joined, last))| (m, (joined, last, None))).collect();
                    // `near` was read before the claim, so it holds none of the
                    // new days. A member's new days are taken one at a time,
                    // oldest first, each seeing the ones before it.
                    for (member, day) in inserted {
                        let Some((joined, last_active, moved)) = latest.get_mut(&member) else { continue };
                        let others = near.activity.entry(member).or_default();
                        let moves = rollup::activity_moves(&NewActiveDay {
                            day,
                            joined: *joined,
                            others,
                            last_active: *last_active,
                        });
                        for (d, m) in &moves.days {
                            writes.days.entry(*d).or_default().add(m);
                        }
                        if let Some(pair) = moves.cohort {
                            *writes.cohorts.entry(pair).or_default() += 1;
                        }
                        if let Some((last, recent)) = moves.member {
                            *last_active = Some(last);
                            *moved = Some((last, recent));
                        }
                        others.insert(day);
                    }
                    writes.members.extend(
                        latest
                            .into_iter()
                            .filter_map(|(m, (joined, _, moved))| moved.map(|(last, recent)| (m, joined, last, recent))),
                    );
                    Ok(())
                }
            }
        }
    };
}

pub(crate) use rollup_statements;
