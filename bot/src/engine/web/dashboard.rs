//! The admin dashboard's figures for a range of local days, from the
//! rollups (`store::rollups`, kept by the write path) and the range's topic
//! posts and challenge entries and votes, in one read-model view.
//!
//! Definitions (community time throughout):
//! - active on a day: a check-in or a ledger row (received or given) on
//!   that local day, or a challenge entry or vote at an instant of it;
//! - DAU: the range's average of daily active members; WAU and MAU: active
//!   in the last 7 and 30 days; DAU/MAU their ratio;
//! - core, casual, dormant: as `/stats` counts them, at each point in time;
//! - a cohort: the members who joined in one week; retained in a later
//!   week: active in it;
//! - at risk: active on at least `AT_RISK_ACTIVE_DAYS` of the 30 days
//!   before the last `AT_RISK_QUIET_DAYS`, and on none of those.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};

use crate::domain::day::DayBoundary;
use crate::engine::stats::{DORMANT_DAYS, STREAK_BUCKETS, percent};
use crate::store::LedgerKind;
use crate::store::rollups::DayRollup;

use super::super::Engine;
use super::{
    AtRisk, AuditFilter, AuditPage, AuditRow, ChallengeWeek, Cohort, Dashboard, DayFigures, Kpis, MemberId, RangeDays,
    SegmentsAt, StreakBucket, TopicFigures, WebError,
};

/// Weekly cohorts shown, and the later weeks followed for each.
const COHORT_WEEKS: i64 = 12;
const RETENTION_WEEKS: i64 = 8;
const AT_RISK_QUIET_DAYS: i64 = 5;
const AT_RISK_LOOKBACK_DAYS: i64 = 30;
const AT_RISK_ACTIVE_DAYS: i64 = 8;
const TOP_TOPICS: usize = 10;
/// Ledger rows on one audit page.
pub const AUDIT_PAGE: i64 = 50;
/// The longest member filter taken (characters).
const FILTER_MAX_CHARS: usize = 100;

impl Engine {
    /// The admin dashboard of `community` for the last `range` local days
    /// (today included). The caller has checked the session. Reads the
    /// rollups (a few hundred rows whatever the community's size) plus the
    /// range's topic posts and challenge entries and votes.
    pub async fn dashboard(&self, community: &str, range: RangeDays) -> Result<Dashboard, WebError> {
        let known = self.known(community).ok_or(WebError::NotFound)?;
        let config = known.config();
        let days = DayBoundary::new(config.timezone, config.checkin.day_starts_at);
        let now = self.now();
        let today = days.day_of(now);
        let last_day = today;
        let first_day = today - Duration::days(range.days() - 1);
        let this_week = DayBoundary::week_start(today);
        let cohort_start = this_week - Duration::weeks(COHORT_WEEKS);
        let quiet_from = today - Duration::days(AT_RISK_QUIET_DAYS - 1);
        let before_first = quiet_from - Duration::days(AT_RISK_LOOKBACK_DAYS);
        let range_from = days.start_of(first_day);
        let range_to = days.start_of(today + Duration::days(1));
        let streaks_since = today - Duration::days(1 + i64::from(config.checkin.max_freezes));

        let mut reads = self.inner.store.read_model().await?;
        let stored = reads.rollup_days(known.id, today).await?;
        let hours = reads.checkin_hours(known.id, first_day, last_day).await?;
        let cohort_counts = reads.cohort_counts(known.id, cohort_start).await?;
        let live_streaks = reads.recent_streaks(known.id, streaks_since).await?;
        let drifting = reads.drifting(known.id, before_first, quiet_from, AT_RISK_ACTIVE_DAYS).await?;
        let kinds = reads.points_by_kind(known.id, first_day, last_day).await?;
        let acts = reads.challenge_acts(known.id, range_from, range_to).await?;
        let posts = reads.topic_posts_between(known.id, range_from, range_to).await?;
        let reply_keys = reads.topic_reply_keys(known.id, first_day).await?;
        drop(reads);

        let earliest = (first_day - Duration::days(DORMANT_DAYS)).min(cohort_start - Duration::days(1));
        let by_day = DayValues::sum(&stored, earliest, today);
        let members_by = |day: NaiveDate| by_day.at(day).members;

        let range_days: Vec<NaiveDate> = first_day.iter_days().take_while(|d| *d <= last_day).collect();
        let day_rows: Vec<DayFigures> = range_days
            .iter()
            .map(|&day| {
                let values = by_day.at(day);
                DayFigures {
                    day,
                    checkins: values.checkins,
                    active: values.active,
                    members: values.members,
                    checkin_rate_percent: percent(values.checkins, values.members),
                }
            })
            .collect();

        let range_checkins: i64 = day_rows.iter().map(|d| d.checkins).sum();
        let member_days: i64 = day_rows.iter().map(|d| d.members).sum();
        let daily_sum: i64 = day_rows.iter().map(|d| d.active).sum();
        let dau = (daily_sum + range.days() / 2) / range.days();
        let now_values = by_day.at(today);
        let (wau, mau) = (now_values.active_7, now_values.active_30);
        let in_range = |at: chrono::DateTime<chrono::Utc>| at >= range_from && at <= now;
        let kind_rows = |kind: LedgerKind| kinds.iter().find(|k| k.kind == kind.as_str()).map_or(0, |k| k.rows);
        let kpis = Kpis {
            members: now_values.members,
            dau,
            wau,
            mau,
            stickiness_percent: percent(dau, mau),
            checkin_rate_percent: percent(range_checkins, member_days),
            checkins: range_checkins,
            active: match range {
                RangeDays::Week => now_values.active_7,
                RangeDays::Month => now_values.active_30,
                RangeDays::Quarter => now_values.active_90,
            },
            new_members: now_values.members - members_by(first_day - Duration::days(1)),
            points_by_kind: kinds.iter().map(|k| (k.kind.clone(), k.points)).collect(),
            gives: kind_rows(LedgerKind::PeerAward),
            topic_replies: kind_rows(LedgerKind::TopicReply),
            challenge_entries: acts.iter().filter(|a| !a.vote && in_range(a.at)).count() as i64,
            challenge_votes: acts.iter().filter(|a| a.vote && in_range(a.at)).count() as i64,
        };

        // Cohorts: the weeks before this one, oldest first, from the first
        // week that ended with members (none before the community began).
        let retained_in: HashMap<(NaiveDate, NaiveDate), i64> =
            cohort_counts.into_iter().map(|(cohort, week, n)| ((cohort, week), n)).collect();
        let cohorts: Vec<Cohort> = (1..=COHORT_WEEKS)
            .rev()
            .skip_while(|back| members_by(this_week - Duration::weeks(*back) + Duration::days(6)) == 0)
            .map(|back| {
                let week = this_week - Duration::weeks(back);
                let size = members_by(week + Duration::days(6)) - members_by(week - Duration::days(1));
                let retained = (1..=RETENTION_WEEKS)
                    .map(|k| week + Duration::weeks(k))
                    .take_while(|later| *later + Duration::days(6) < today)
                    .map(|later| retained_in.get(&(week, later)).copied().unwrap_or(0))
                    .collect();
                Cohort { week, size, retained }
            })
            .collect();

        // Segments at each day (ranges up to 30 days) or each week's end.
        let step = if range.days() <= 30 { 1 } else { 7 };
        let mut points: Vec<NaiveDate> =
            (0..).map(|i| last_day - Duration::days(i * step)).take_while(|d| *d >= first_day).collect();
        points.reverse();
        let segments = points
            .iter()
            .map(|&day| {
                let values = by_day.at(day);
                let dormant = members_by(day - Duration::days(DORMANT_DAYS)) - values.settled_14;
                SegmentsAt { day, core: values.core, casual: values.members - values.core - dormant, dormant }
            })
            .collect();

        let mut streaks: Vec<StreakBucket> =
            STREAK_BUCKETS.iter().map(|&(lowest, highest)| StreakBucket { lowest, highest, members: 0 }).collect();
        let mut bucket_of = |streak: u32, members: i64| {
            if let Some(bucket) = streaks.iter_mut().find(|b| (b.lowest..=b.highest).contains(&streak)) {
                bucket.members += members;
            }
        };
        for (state, members) in &live_streaks {
            bucket_of(state.current(today), *members);
        }
        // Everyone else's streak is broken (or never began).
        let live: i64 = live_streaks.iter().map(|(_, members)| members).sum();
        bucket_of(0, (now_values.members - live).max(0));

        let mut heatmap = [[0u32; 24]; 7];
        for (day, hour, checkins) in hours {
            // Before the day's start the clock still shows the next date.
            let time = chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default();
            let date = if time < config.checkin.day_starts_at { day + Duration::days(1) } else { day };
            let cell = &mut heatmap[date.weekday().num_days_from_monday() as usize][hour.min(23) as usize];
            *cell = cell.saturating_add(u32::try_from(checkins).unwrap_or(0));
        }

        let mut replies: HashMap<i64, i64> = HashMap::new();
        for key in &reply_keys {
            if let Some(post) = key.rsplit(':').next().and_then(|id| id.parse().ok()) {
                *replies.entry(post).or_default() += 1;
            }
        }
        let mut topics: Vec<TopicFigures> = posts
            .into_iter()
            .map(|p| TopicFigures {
                replies: replies.get(&p.post_id).copied().unwrap_or(0),
                posted_at: p.posted_at,
                text: p.text,
            })
            .collect();
        topics.sort_by(|a, b| b.replies.cmp(&a.replies).then(b.posted_at.cmp(&a.posted_at)));
        topics.truncate(TOP_TOPICS);

        let mut challenges: Vec<ChallengeWeek> = Vec::new();
        let mut week = DayBoundary::week_start(first_day);
        while week <= last_day {
            let (from, to) = (days.start_of(week), days.start_of(week + Duration::weeks(1)));
            let of_week: Vec<_> = acts.iter().filter(|a| a.at >= from && a.at < to).collect();
            challenges.push(ChallengeWeek {
                week,
                entries: of_week.iter().filter(|a| !a.vote).count() as i64,
                voters: of_week.iter().filter(|a| a.vote).map(|a| a.member_id).collect::<HashSet<_>>().len() as i64,
            });
            week += Duration::weeks(1);
        }

        let mut at_risk: Vec<AtRisk> = drifting
            .into_iter()
            .filter(|m| m.active_days >= AT_RISK_ACTIVE_DAYS)
            .map(|m| AtRisk {
                member_id: MemberId(m.member_id),
                name: m.name,
                last_active: m.last_active_day,
                streak: m.streak.current(today),
                checkins_before: m.checkins,
            })
            .collect();
        at_risk.sort_by(|a, b| a.last_active.cmp(&b.last_active).then(b.checkins_before.cmp(&a.checkins_before)));

        Ok(Dashboard {
            range,
            first_day,
            last_day,
            kpis,
            days: day_rows,
            cohorts,
            segments,
            streaks,
            heatmap,
            topics,
            challenges,
            at_risk,
        })
    }

    /// One page (1-based, 50 rows) of `community`'s ledger, newest first.
    /// The caller has checked the session.
    pub async fn ledger_audit(&self, community: &str, filter: &AuditFilter, page: u32) -> Result<AuditPage, WebError> {
        let known = self.known(community).ok_or(WebError::NotFound)?;
        let page = page.max(1);
        let member: Option<String> = filter
            .member
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(FILTER_MAX_CHARS).collect());
        let kind = filter.kind.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let query = crate::store::web::LedgerFilter { member: member.as_deref(), kind };
        let mut reads = self.inner.store.read_model().await?;
        let offset = i64::from(page - 1) * AUDIT_PAGE;
        let mut rows = reads.ledger_page(known.id, &query, offset, AUDIT_PAGE + 1).await?;
        let more = rows.len() as i64 > AUDIT_PAGE;
        rows.truncate(AUDIT_PAGE as usize);
        Ok(AuditPage {
            page,
            more,
            rows: rows
                .into_iter()
                .map(|r| AuditRow {
                    id: r.id,
                    at: r.at,
                    member_id: MemberId(r.member_id),
                    member: r.member,
                    delta: r.delta,
                    kind: r.kind,
                    reason: r.reason,
                    actor: r.actor,
                })
                .collect(),
        })
    }
}

/// Each day's values from the stored rows: own counts as stored, window
/// counts summed from their differences, members as joins summed.
#[derive(Debug, Clone, Copy, Default)]
struct Values {
    checkins: i64,
    active: i64,
    members: i64,
    active_7: i64,
    active_30: i64,
    active_90: i64,
    settled_14: i64,
    core: i64,
}

struct DayValues {
    first: NaiveDate,
    /// From `first`, one per day.
    values: Vec<Values>,
    /// The sums before `first`.
    before: Values,
}

impl DayValues {
    fn sum(stored: &[DayRollup], first: NaiveDate, last: NaiveDate) -> DayValues {
        let mut running = Values::default();
        let mut rows = stored.iter().peekable();
        while let Some(row) = rows.next_if(|r| r.day < first) {
            running.add_differences(&row.moves);
        }
        let before = Values { checkins: 0, active: 0, ..running };
        let mut values = Vec::new();
        for day in first.iter_days().take_while(|d| *d <= last) {
            let mut own = Values::default();
            while let Some(row) = rows.next_if(|r| r.day == day) {
                running.add_differences(&row.moves);
                own.checkins += row.moves.checkins;
                own.active += row.moves.active;
            }
            values.push(Values { checkins: own.checkins, active: own.active, ..running });
        }
        DayValues { first, values, before }
    }

    fn at(&self, day: NaiveDate) -> Values {
        match usize::try_from((day - self.first).num_days()) {
            Ok(i) => self.values.get(i).or(self.values.last()).copied().unwrap_or(self.before),
            Err(_) => self.before,
        }
    }
}

impl Values {
    fn add_differences(&mut self, moves: &crate::domain::rollup::DayMove) {
        self.members += moves.joined;
        self.active_7 += moves.active_7;
        self.active_30 += moves.active_30;
        self.active_90 += moves.active_90;
        self.settled_14 += moves.settled_14;
        self.core += moves.core;
    }
}
