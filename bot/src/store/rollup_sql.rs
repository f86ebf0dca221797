//! The rollups' statements, written once for both backends like `web_sql`
//! (`$N` placeholders; `ON CONFLICT … DO UPDATE` with `excluded`, which
//! SQLite and PostgreSQL both have). Multi-row statements are built with
//! as many placeholder groups as rows, in chunks under both databases'
//! parameter limits.

/// Rows per multi-row statement: 10 parameters each stays far below
/// SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const CHUNK: usize = 500;

/// `$first, $first+1, …`: `count` placeholders for an `IN` list.
pub(crate) fn numbered(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// `($1, $2, $3), ($4, $5, $6), …`: `rows` groups of `width` placeholders.
pub(crate) fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", (1..=width).map(|c| format!("${}", r * width + c)).collect::<Vec<_>>().join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! rollup_statements {
    ($on:ident, $conn:ident, $tx:ident) => {
        mod rollup_statements {
            use std::collections::{BTreeMap, BTreeSet};

            use anyhow::Context as _;
            use chrono::{Duration, NaiveDate};

            use super::{$conn, $on, $tx};
            use crate::domain::rollup::{self, CORE_REACH_DAYS, DayMove, NewActiveDay, REACH_DAYS};
            use crate::store::rollup_sql::{CHUNK, numbered, placeholders};
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
                    let unique: BTreeSet<(i64, NaiveDate)> = marks.iter().copied().collect();
                    if unique.is_empty() {
                        return Ok(());
                    }
                    let members: Vec<i64> = unique.iter().map(|(m, _)| *m).collect::<BTreeSet<_>>().into_iter().collect();
                    // Bots have no row (nor do members from before the
                    // rollups, until the rebuild at start gives them one).
                    let known = self.member_rollups(&members).await?;
                    let marks: Vec<(i64, NaiveDate)> = unique.into_iter().filter(|(m, _)| known.contains_key(m)).collect();
                    let inserted = self.insert_active_days(community_id, &marks).await?;
                    if inserted.is_empty() {
                        return Ok(());
                    }
                    let first = inserted.iter().map(|(_, d)| *d).min().unwrap_or_default();
                    let last = inserted.iter().map(|(_, d)| *d).max().unwrap_or_default();
                    let members: Vec<i64> = inserted.iter().map(|(m, _)| *m).collect::<BTreeSet<_>>().into_iter().collect();
                    let mut near = self
                        .days_of(false, &members, first - Duration::days(REACH_DAYS), last + Duration::days(REACH_DAYS))
                        .await?;
                    // A member's new days are taken one at a time, oldest
                    // first, each seeing the ones before it.
                    for (member, day) in &inserted {
                        if let Some(days) = near.get_mut(member) {
                            days.remove(day);
                        }
                    }
                    let mut days: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
                    let mut cohorts: BTreeMap<(NaiveDate, NaiveDate), i64> = BTreeMap::new();
                    let mut latest: BTreeMap<i64, (NaiveDate, Option<NaiveDate>, Option<(NaiveDate, i64)>)> =
                        known.into_iter().map(|(m, (joined, last))| (m, (joined, last, None))).collect();
                    for (member, day) in inserted {
                        let Some((joined, last_active, moved)) = latest.get_mut(&member) else { continue };
                        let others = near.entry(member).or_default();
                        let moves = rollup::activity_moves(&NewActiveDay {
                            day,
                            joined: *joined,
                            others,
                            last_active: *last_active,
                        });
                        for (d, m) in &moves.days {
                            days.entry(*d).or_default().add(m);
                        }
                        if let Some(pair) = moves.cohort {
                            *cohorts.entry(pair).or_default() += 1;
                        }
                        if let Some((last, recent)) = moves.member {
                            *last_active = Some(last);
                            *moved = Some((last, recent));
                        }
                        others.insert(day);
                    }
                    self.move_days(community_id, &days).await?;
                    self.count_cohorts(community_id, &cohorts).await?;
                    let moved: Vec<(i64, NaiveDate, NaiveDate, i64)> = latest
                        .into_iter()
                        .filter_map(|(m, (joined, _, moved))| moved.map(|(last, recent)| (m, joined, last, recent)))
                        .collect();
                    self.move_members(community_id, &moved).await
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
                    let mut moves: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
                    moves.entry(day).or_default().checkins += count;
                    let listed: Vec<i64> = members.iter().copied().collect();
                    let reach = Duration::days(CORE_REACH_DAYS);
                    let mut near = self.days_of(true, &listed, day - reach, day + reach).await?;
                    for member in &members {
                        let others = near.entry(*member).or_default();
                        others.remove(&day);
                        for (d, m) in rollup::core_moves(day, others) {
                            moves.entry(d).or_default().add(&m);
                        }
                    }
                    self.move_days(community_id, &moves).await?;
                    sqlx::query(
                        "INSERT INTO checkin_hours (community_id, local_day, hour, checkins) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (community_id, local_day, hour) \
                         DO UPDATE SET checkins = checkin_hours.checkins + excluded.checkins",
                    )
                    .bind(community_id)
                    .bind(fmt_day(day))
                    .bind(i64::from(hour))
                    .bind(count)
                    .execute(&mut *self.tx)
                    .await
                    .context("counting check-ins per hour")?;
                    let marks: Vec<(i64, NaiveDate)> = members.into_iter().map(|m| (m, day)).collect();
                    self.mark_active(community_id, &marks).await
                }

                async fn count_ledger_rows(
                    &mut self,
                    community_id: i64,
                    counts: &[(NaiveDate, &str, i64, i64)],
                ) -> anyhow::Result<()> {
                    for (day, kind, rows, points) in counts {
                        sqlx::query(
                            "INSERT INTO ledger_days (community_id, local_day, kind, entries, points) \
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, local_day, kind) DO UPDATE SET \
                             entries = ledger_days.entries + excluded.entries, \
                             points = ledger_days.points + excluded.points",
                        )
                        .bind(community_id)
                        .bind(fmt_day(*day))
                        .bind(*kind)
                        .bind(*rows)
                        .bind(*points)
                        .execute(&mut *self.tx)
                        .await
                        .context("counting ledger rows per day")?;
                    }
                    Ok(())
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
                        let moves = BTreeMap::from([(day, DayMove { joined: 1, ..DayMove::default() })]);
                        self.move_days(community_id, &moves).await?;
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
                    let days: BTreeMap<NaiveDate, DayMove> = rebuilt.days.iter().map(|d| (d.day, d.moves)).collect();
                    self.move_days(community_id, &days).await?;
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
                /// Adds `moves` to the community's day rows.
                async fn move_days(
                    &mut self,
                    community_id: i64,
                    moves: &BTreeMap<NaiveDate, DayMove>,
                ) -> anyhow::Result<()> {
                    let rows: Vec<(&NaiveDate, &DayMove)> = moves.iter().filter(|(_, m)| !m.is_zero()).collect();
                    for chunk in rows.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO community_days (community_id, local_day, checkins, active_1, joined, \
                             active_7, active_30, active_90, settled_14, core) VALUES {} \
                             ON CONFLICT (community_id, local_day) DO UPDATE SET \
                             checkins = community_days.checkins + excluded.checkins, \
                             active_1 = community_days.active_1 + excluded.active_1, \
                             joined = community_days.joined + excluded.joined, \
                             active_7 = community_days.active_7 + excluded.active_7, \
                             active_30 = community_days.active_30 + excluded.active_30, \
                             active_90 = community_days.active_90 + excluded.active_90, \
                             settled_14 = community_days.settled_14 + excluded.settled_14, \
                             core = community_days.core + excluded.core",
                            placeholders(chunk.len(), 10)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (day, m) in chunk {
                            query = query
                                .bind(community_id)
                                .bind(fmt_day(**day))
                                .bind(m.checkins)
                                .bind(m.active)
                                .bind(m.joined)
                                .bind(m.active_7)
                                .bind(m.active_30)
                                .bind(m.active_90)
                                .bind(m.settled_14)
                                .bind(m.core);
                        }
                        query.execute(&mut *self.tx).await.context("moving the community's day rows")?;
                    }
                    Ok(())
                }

                /// Each of `members`' active days (or check-in days) in
                /// `[first, last]`.
                async fn days_of(
                    &mut self,
                    checkins: bool,
                    members: &[i64],
                    first: NaiveDate,
                    last: NaiveDate,
                ) -> anyhow::Result<BTreeMap<i64, BTreeSet<NaiveDate>>> {
                    let table = if checkins { "checkins" } else { "activity_days" };
                    let mut days: BTreeMap<i64, BTreeSet<NaiveDate>> = BTreeMap::new();
                    for chunk in members.chunks(CHUNK) {
                        let sql = format!(
                            "SELECT member_id, local_day FROM {table} WHERE local_day >= $1 AND local_day <= $2 \
                             AND member_id IN ({})",
                            numbered(3, chunk.len())
                        );
                        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql))
                            .bind(fmt_day(first))
                            .bind(fmt_day(last));
                        for member in chunk {
                            query = query.bind(*member);
                        }
                        for (member, day) in
                            query.fetch_all(&mut *self.tx).await.context("reading members' days near new ones")?
                        {
                            days.entry(member).or_default().insert(parse_day(&day)?);
                        }
                    }
                    Ok(days)
                }

                /// The join day and last active day of each of `members`
                /// that has a rollup row.
                async fn member_rollups(
                    &mut self,
                    members: &[i64],
                ) -> anyhow::Result<BTreeMap<i64, (NaiveDate, Option<NaiveDate>)>> {
                    let mut known = BTreeMap::new();
                    for chunk in members.chunks(CHUNK) {
                        let sql = format!(
                            "SELECT member_id, joined_day, last_active_day FROM member_rollups WHERE member_id IN ({})",
                            numbered(1, chunk.len())
                        );
                        let mut query = sqlx::query_as::<_, (i64, String, Option<String>)>(sqlx::AssertSqlSafe(sql));
                        for member in chunk {
                            query = query.bind(*member);
                        }
                        for (member, joined, last) in
                            query.fetch_all(&mut *self.tx).await.context("reading members' rollups")?
                        {
                            known.insert(member, (parse_day(&joined)?, last.as_deref().map(parse_day).transpose()?));
                        }
                    }
                    Ok(known)
                }

                /// Records active days; returns those that were new, by
                /// member and day.
                async fn insert_active_days(
                    &mut self,
                    community_id: i64,
                    marks: &[(i64, NaiveDate)],
                ) -> anyhow::Result<BTreeSet<(i64, NaiveDate)>> {
                    let mut inserted = BTreeSet::new();
                    for chunk in marks.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO activity_days (member_id, local_day, community_id) VALUES {} \
                             ON CONFLICT (member_id, local_day) DO NOTHING RETURNING member_id, local_day",
                            placeholders(chunk.len(), 3)
                        );
                        let mut query = sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql));
                        for (member, day) in chunk {
                            query = query.bind(*member).bind(fmt_day(*day)).bind(community_id);
                        }
                        for (member, day) in query.fetch_all(&mut *self.tx).await.context("recording active days")? {
                            inserted.insert((member, parse_day(&day)?));
                        }
                    }
                    Ok(inserted)
                }

                async fn count_cohorts(
                    &mut self,
                    community_id: i64,
                    cohorts: &BTreeMap<(NaiveDate, NaiveDate), i64>,
                ) -> anyhow::Result<()> {
                    let rows: Vec<_> = cohorts.iter().collect();
                    for chunk in rows.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO cohort_weeks (community_id, cohort_week, active_week, members) VALUES {} \
                             ON CONFLICT (community_id, cohort_week, active_week) \
                             DO UPDATE SET members = cohort_weeks.members + excluded.members",
                            placeholders(chunk.len(), 4)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for ((cohort, week), n) in chunk {
                            query = query.bind(community_id).bind(fmt_day(*cohort)).bind(fmt_day(*week)).bind(**n);
                        }
                        query.execute(&mut *self.tx).await.context("counting cohorts' active weeks")?;
                    }
                    Ok(())
                }

                /// Stores members' new last active days:
                /// `(member, joined, last active, active days in the 30 up to it)`.
                async fn move_members(
                    &mut self,
                    community_id: i64,
                    moved: &[(i64, NaiveDate, NaiveDate, i64)],
                ) -> anyhow::Result<()> {
                    for chunk in moved.chunks(CHUNK) {
                        let sql = format!(
                            "INSERT INTO member_rollups (member_id, community_id, joined_day, last_active_day, \
                             active_days_30) VALUES {} ON CONFLICT (member_id) DO UPDATE SET \
                             last_active_day = excluded.last_active_day, active_days_30 = excluded.active_days_30",
                            placeholders(chunk.len(), 5)
                        );
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                        for (member, joined, last, recent) in chunk {
                            query = query
                                .bind(*member)
                                .bind(community_id)
                                .bind(fmt_day(*joined))
                                .bind(fmt_day(*last))
                                .bind(*recent);
                        }
                        query.execute(&mut *self.tx).await.context("moving members' last active days")?;
                    }
                    Ok(())
                }
            }
        }
    };
}

pub(crate) use rollup_statements;
