//! The admin dashboard's figures for a range of local days, counted from a
//! few raw reads of one read-model view: who was active on which day, the
//! check-ins, challenge entries and votes, points by kind, topic posts.
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

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, Timelike};

use crate::domain::day::DayBoundary;
use crate::engine::stats::{CORE_CHECKINS, DORMANT_DAYS, STREAK_BUCKETS, percent};
use crate::store::LedgerKind;

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
const AT_RISK_ACTIVE_DAYS: usize = 8;
const TOP_TOPICS: usize = 10;
/// Ledger rows on one audit page.
pub const AUDIT_PAGE: i64 = 50;
/// The longest member filter taken (characters).
const FILTER_MAX_CHARS: usize = 100;

impl Engine {
    /// The admin dashboard of `community` for the last `range` local days
    /// (today included). The caller has checked the session.
    pub async fn dashboard(&self, community: &str, range: RangeDays) -> Result<Dashboard, WebError> {
        let known = self.known(community).ok_or(WebError::NotFound)?;
        let config = known.config();
        let days = DayBoundary::new(config.timezone, config.checkin.day_starts_at);
        let now = self.now();
        let today = days.day_of(now);
        let last_day = today;
        let first_day = today - Duration::days(range.days() - 1);
        let cohort_start = DayBoundary::week_start(today) - Duration::weeks(COHORT_WEEKS);
        // Everything any figure looks back to: segments 14 days before the
        // range, cohorts 12 weeks, at-risk 35 days.
        let fetch_from = (first_day - Duration::days(DORMANT_DAYS - 1))
            .min(cohort_start)
            .min(today - Duration::days(AT_RISK_LOOKBACK_DAYS + AT_RISK_QUIET_DAYS));
        let fetch_span = (days.start_of(fetch_from), days.start_of(today + Duration::days(1)));

        let mut reads = self.inner.store.read_model().await?;
        let members = reads.member_activity(known.id).await?;
        let mut active: HashMap<NaiveDate, HashSet<i64>> = HashMap::new();
        for (member, day) in reads.member_days(known.id, fetch_from, today).await? {
            active.entry(day).or_default().insert(member);
        }
        let checkins = reads.checkins_on_days(known.id, fetch_from, today).await?;
        for c in &checkins {
            active.entry(c.day).or_default().insert(c.member_id);
        }
        let acts = reads.challenge_acts(known.id, fetch_span.0, fetch_span.1).await?;
        for act in &acts {
            active.entry(days.day_of(act.at)).or_default().insert(act.member_id);
        }

        let kinds = reads.points_by_kind(known.id, first_day, last_day).await?;
        let range_from = days.start_of(first_day);
        let posts = reads.topic_posts_between(known.id, range_from, fetch_span.1).await?;
        let reply_keys = reads.topic_reply_keys(known.id, first_day).await?;
        drop(reads);

        let joined: Vec<(i64, NaiveDate)> = members.iter().map(|m| (m.member_id, days.day_of(m.joined_at))).collect();
        let members_by = |day: NaiveDate| joined.iter().filter(|(_, j)| *j <= day).count() as i64;
        let mut checkins_by_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        let mut checkin_days: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        for c in &checkins {
            *checkins_by_day.entry(c.day).or_default() += 1;
            checkin_days.entry(c.member_id).or_default().push(c.day);
        }
        let active_on = |day: NaiveDate| active.get(&day).map_or(0, |s| s.len() as i64);
        let active_between = |first: NaiveDate, last: NaiveDate| -> HashSet<i64> {
            first.iter_days().take_while(|d| *d <= last).filter_map(|d| active.get(&d)).flatten().copied().collect()
        };

        let range_days: Vec<NaiveDate> = first_day.iter_days().take_while(|d| *d <= last_day).collect();
        let day_rows: Vec<DayFigures> = range_days
            .iter()
            .map(|&day| {
                let checkins = checkins_by_day.get(&day).copied().unwrap_or(0);
                let members = members_by(day);
                DayFigures {
                    day,
                    checkins,
                    active: active_on(day),
                    members,
                    checkin_rate_percent: percent(checkins, members),
                }
            })
            .collect();

        let range_checkins: i64 = day_rows.iter().map(|d| d.checkins).sum();
        let member_days: i64 = day_rows.iter().map(|d| d.members).sum();
        let daily_sum: i64 = day_rows.iter().map(|d| d.active).sum();
        let dau = (daily_sum + range.days() / 2) / range.days();
        let wau = active_between(today - Duration::days(6), today).len() as i64;
        let mau = active_between(today - Duration::days(29), today).len() as i64;
        let in_range = |at: chrono::DateTime<chrono::Utc>| at >= range_from && at <= now;
        let kind_rows = |kind: LedgerKind| kinds.iter().find(|k| k.kind == kind.as_str()).map_or(0, |k| k.rows);
        let kpis = Kpis {
            members: members.len() as i64,
            dau,
            wau,
            mau,
            stickiness_percent: percent(dau, mau),
            checkin_rate_percent: percent(range_checkins, member_days),
            checkins: range_checkins,
            active: active_between(first_day, last_day).len() as i64,
            new_members: joined.iter().filter(|(_, j)| *j >= first_day).count() as i64,
            points_by_kind: kinds.iter().map(|k| (k.kind.clone(), k.points)).collect(),
            gives: kind_rows(LedgerKind::PeerAward),
            topic_replies: kind_rows(LedgerKind::TopicReply),
            challenge_entries: acts.iter().filter(|a| !a.vote && in_range(a.at)).count() as i64,
            challenge_votes: acts.iter().filter(|a| a.vote && in_range(a.at)).count() as i64,
        };

        // Cohorts: the weeks before this one, oldest first.
        let this_week = DayBoundary::week_start(today);
        let cohorts: Vec<Cohort> = (1..=COHORT_WEEKS)
            .rev()
            .map(|back| {
                let week = this_week - Duration::weeks(back);
                let cohort: HashSet<i64> = joined
                    .iter()
                    .filter(|(_, j)| *j >= week && *j < week + Duration::weeks(1))
                    .map(|(m, _)| *m)
                    .collect();
                let retained = (1..=RETENTION_WEEKS)
                    .map(|k| week + Duration::weeks(k))
                    .take_while(|later| *later + Duration::days(6) < today)
                    .map(|later| active_between(later, later + Duration::days(6)).intersection(&cohort).count() as i64)
                    .collect();
                Cohort { week, size: cohort.len() as i64, retained }
            })
            .collect();

        // Segments at each day (ranges up to 30 days) or each week's end.
        let step = if range.days() <= 30 { 1 } else { 7 };
        let points: Vec<NaiveDate> = {
            let mut points: Vec<NaiveDate> =
                (0..).map(|i| last_day - Duration::days(i * step)).take_while(|d| *d >= first_day).collect();
            points.reverse();
            points
        };
        let segments = points
            .iter()
            .map(|&day| {
                let week_first = day - Duration::days(6);
                let core: HashSet<i64> = checkin_days
                    .iter()
                    .filter(|(_, ds)| {
                        ds.iter().filter(|d| **d >= week_first && **d <= day).count() as i64 >= CORE_CHECKINS
                    })
                    .map(|(m, _)| *m)
                    .collect();
                let quiet_since = day - Duration::days(DORMANT_DAYS - 1);
                let recent = active_between(quiet_since, day);
                let by_then: Vec<i64> = joined.iter().filter(|(_, j)| *j <= day).map(|(m, _)| *m).collect();
                let dormant =
                    joined.iter().filter(|(m, j)| *j < quiet_since && !recent.contains(m) && !core.contains(m)).count()
                        as i64;
                let core = by_then.iter().filter(|m| core.contains(m)).count() as i64;
                SegmentsAt { day, core, casual: by_then.len() as i64 - core - dormant, dormant }
            })
            .collect();

        let mut streaks: Vec<StreakBucket> =
            STREAK_BUCKETS.iter().map(|&(lowest, highest)| StreakBucket { lowest, highest, members: 0 }).collect();
        for m in &members {
            let streak = m.streak.current(today);
            if let Some(bucket) = streaks.iter_mut().find(|b| (b.lowest..=b.highest).contains(&streak)) {
                bucket.members += 1;
            }
        }

        let mut heatmap = [[0u32; 24]; 7];
        for c in checkins.iter().filter(|c| c.day >= first_day) {
            let local = c.at.with_timezone(&config.timezone);
            heatmap[local.weekday().num_days_from_monday() as usize][local.hour() as usize] += 1;
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

        let quiet_from = today - Duration::days(AT_RISK_QUIET_DAYS - 1);
        let quiet = active_between(quiet_from, today);
        let before_first = quiet_from - Duration::days(AT_RISK_LOOKBACK_DAYS);
        let mut active_days_before: HashMap<i64, usize> = HashMap::new();
        for day in before_first.iter_days().take_while(|d| *d < quiet_from) {
            for member in active.get(&day).into_iter().flatten() {
                *active_days_before.entry(*member).or_default() += 1;
            }
        }
        let mut at_risk: Vec<AtRisk> = members
            .iter()
            .filter(|m| !quiet.contains(&m.member_id))
            .filter(|m| active_days_before.get(&m.member_id).copied().unwrap_or(0) >= AT_RISK_ACTIVE_DAYS)
            .map(|m| AtRisk {
                member_id: MemberId(m.member_id),
                name: m.name.clone(),
                last_active: m.last_active,
                streak: m.streak.current(today),
                checkins_before: checkin_days
                    .get(&m.member_id)
                    .map_or(0, |ds| ds.iter().filter(|d| **d >= before_first && **d < quiet_from).count() as i64),
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
