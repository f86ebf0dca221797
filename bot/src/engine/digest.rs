//! The weekly digest post: the last seven complete local days of the
//! community at a glance. It names exactly the days it counts (the seven
//! ending yesterday), and counts every row by the local day it belongs to,
//! so a digest posted at any hour of the same day reads the same.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::chart::{Chart, Series, SeriesChart, SeriesStyle};
use crate::domain::streak::StreakState;
use crate::reply::{Line, Reply, Span};
use crate::store::{MemberActivity, WriteTx, parse_time};

use super::stats::{Segments, segments};
use super::{CommandError, Scope};

const TOP: usize = 3;
/// The days a digest covers: the complete local days before today.
const WINDOW_DAYS: i64 = 7;
/// Days without activity that make a member dormant (as `/stats` counts).
const DORMANT_DAYS: i64 = 14;

/// The local days a digest posted on `today` covers, first and last (inclusive).
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(WINDOW_DAYS), today - Duration::days(1))
}

pub async fn post(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Reply, CommandError> {
    let cat = scope.catalog;
    let (first_day, last_day) = window(scope.today);
    // The window as instants, for rows that carry no local day (entries,
    // votes, joins): from the start of its first day to the start of today.
    let (from, to) = (scope.days.start_of(first_day), scope.days.start_of(scope.today));
    // Members who joined after the window are not in it.
    let members: Vec<MemberActivity> =
        tx.member_activity(scope.community_id).await?.into_iter().filter(|m| m.joined_at < to).collect();
    let per_member: HashMap<i64, i64> =
        tx.checkins_per_member(scope.community_id, first_day, last_day).await?.into_iter().collect();
    let checkins: i64 = per_member.values().sum();
    let active = tx.active_members_on_days(scope.community_id, (first_day, last_day), (from, to)).await?.len();
    let new_members = members.iter().filter(|m| m.joined_at >= from).count();

    let mut reply = Reply::public().line(Line(vec![Span::Bold(cat.fmt(
        "digest-title",
        &[
            ("community", (&scope.community.name).into()),
            ("from", cat.date(first_day).into()),
            ("to", cat.date(last_day).into()),
        ],
    ))]));
    reply.push(Line::plain(cat.fmt(
        "digest-activity",
        &[("checkins", checkins.into()), ("active", active.into()), ("new", new_members.into())],
    )));

    let mut streaks: Vec<(u32, &str)> = members
        .iter()
        .map(|m| (streak_at_window_end(m.streak, scope.today), m.name.as_str()))
        .filter(|(streak, _)| *streak > 0)
        .collect();
    streaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    if !streaks.is_empty() {
        let named: Vec<String> = streaks
            .iter()
            .take(TOP)
            .map(|(streak, name)| {
                cat.fmt("post-reminder-streak", &[("name", (*name).into()), ("streak", (*streak).into())])
            })
            .collect();
        reply
            .push(Line::plain(cat.fmt("digest-streaks", &[("names", named.join(&cat.text("list-separator")).into())])));
    }

    let top = tx.top_on_days(scope.community_id, first_day, last_day, TOP as i64).await?;
    if !top.is_empty() {
        let named: Vec<String> = top
            .iter()
            .map(|s| cat.fmt("digest-points-entry", &[("name", (&s.name).into()), ("points", s.points.into())]))
            .collect();
        reply.push(Line::plain(cat.fmt("digest-points", &[("names", named.join(&cat.text("list-separator")).into())])));
    }

    // The winners of challenges that closed on the window's days (newest
    // first); a week rarely has more than one.
    for past in tx.past_challenges(scope.community_id, 5).await? {
        let Ok(closed) = parse_time(&past.closed_at) else { continue };
        let closed_on = scope.days.day_of(closed);
        if closed_on > last_day {
            continue;
        }
        if closed_on < first_day {
            break;
        }
        if let Some(winner) = &past.winner {
            reply.push(Line::plain(
                cat.fmt("digest-challenge", &[("winner", winner.into()), ("theme", (&past.theme).into())]),
            ));
        }
    }

    let Segments { core, casual, dormant } = segments_at_window_end(scope, tx, &members, &per_member, to).await?;
    reply.push(Line::plain(
        cat.fmt("stats-segments", &[("core", core.into()), ("casual", casual.into()), ("dormant", dormant.into())]),
    ));
    reply.chart = Some(week_chart(scope, tx).await?);
    Ok(reply)
}

/// Check-ins and active members on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayCounts {
    checkins: i64,
    active: usize,
}

/// Each day's counts, counted as the digest's text counts its week: check-ins
/// by their local day, activity by local day and the day's instants.
async fn per_day(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    first_day: NaiveDate,
) -> Result<Vec<DayCounts>, CommandError> {
    let mut days = Vec::with_capacity(WINDOW_DAYS as usize);
    for offset in 0..WINDOW_DAYS {
        let day = first_day + Duration::days(offset);
        let span = (scope.days.start_of(day), scope.days.start_of(day + Duration::days(1)));
        let checkins = tx.checkins_per_member(scope.community_id, day, day).await?.iter().map(|(_, n)| n).sum();
        let active = tx.active_members_on_days(scope.community_id, (day, day), span).await?.len();
        days.push(DayCounts { checkins, active });
    }
    Ok(days)
}

/// The week's chart: check-ins (bars) and active members (a line) per
/// day, the week before faded behind them.
async fn week_chart(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Chart, CommandError> {
    let cat = scope.catalog;
    let (first_day, last_day) = window(scope.today);
    let this_week = per_day(scope, tx, first_day).await?;
    let week_before = per_day(scope, tx, first_day - Duration::days(WINDOW_DAYS)).await?;
    let checkins = |week: &[DayCounts]| week.iter().map(|d| d.checkins as f64).collect::<Vec<f64>>();
    let active = |week: &[DayCounts]| week.iter().map(|d| d.active as f64).collect::<Vec<f64>>();
    let listed = |values: Vec<f64>| {
        values.iter().map(|v| cat.number(*v as i64)).collect::<Vec<_>>().join(&cat.text("list-separator"))
    };
    let (from, to) = (cat.date(first_day), cat.date(last_day));
    let series = |key: &str, values: Vec<f64>, style| Series { name: cat.text(key), values, style };
    Ok(Chart::Series(SeriesChart {
        title: cat.fmt(
            "chart-digest-title",
            &[("community", (&scope.community.name).into()), ("from", from.clone().into()), ("to", to.clone().into())],
        ),
        alt: cat.fmt(
            "chart-digest-alt",
            &[
                ("from", from.into()),
                ("to", to.into()),
                ("checkins", listed(checkins(&this_week)).into()),
                ("checkins_before", listed(checkins(&week_before)).into()),
                ("active", listed(active(&this_week)).into()),
                ("active_before", listed(active(&week_before)).into()),
            ],
        ),
        file_stem: format!("digest-{}", scope.today.format("%Y-%m-%d")),
        x_labels: (0..WINDOW_DAYS)
            .map(|offset| {
                let day = first_day + Duration::days(offset);
                cat.fmt(
                    "chart-day",
                    &[
                        ("weekday", cat.weekday(day.weekday().num_days_from_monday()).into()),
                        ("day", day.day().to_string().into()),
                    ],
                )
            })
            .collect(),
        y_label: cat.text("chart-per-day"),
        series: vec![
            series("chart-checkins-before", checkins(&week_before), SeriesStyle::FadedBars),
            series("chart-checkins", checkins(&this_week), SeriesStyle::Bars),
            series("chart-active-before", active(&week_before), SeriesStyle::FadedLine),
            series("chart-active", active(&this_week), SeriesStyle::Line),
        ],
        percent: false,
    }))
}

/// A member's streak as it stood when the window ended (the start of
/// `today`): today's check-in, if any, is not counted yet.
fn streak_at_window_end(streak: StreakState, today: NaiveDate) -> u32 {
    match streak.last_day {
        // Checked in today: one day more than at the window's end if the
        // streak went on, 1 if it restarted (it had ended by then).
        Some(last) if last >= today => streak.streak.saturating_sub(1),
        _ => streak.current(today),
    }
}

/// Segments as `/stats` defines them, but as of the window's end: activity
/// in the 14 local days up to yesterday, check-ins on the window's days.
async fn segments_at_window_end(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    members: &[MemberActivity],
    per_member: &HashMap<i64, i64>,
    window_end: DateTime<Utc>,
) -> Result<Segments, CommandError> {
    let since_day = scope.today - Duration::days(DORMANT_DAYS);
    let since = scope.days.start_of(since_day);
    let active: HashSet<i64> = tx
        .active_members_on_days(scope.community_id, (since_day, scope.today - Duration::days(1)), (since, window_end))
        .await?
        .into_iter()
        .collect();
    // Activity after the window's end is not seen; within the 14 days it
    // counts as "just before the end".
    let as_of_end: Vec<MemberActivity> = members
        .iter()
        .map(|m| MemberActivity {
            last_active: active.contains(&m.member_id).then(|| window_end - Duration::seconds(1)),
            ..m.clone()
        })
        .collect();
    let at_end = Scope::new(scope.community, scope.community_id, scope.catalog, window_end);
    Ok(segments(&at_end, &as_of_end, per_member))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn the_chart_catalog_has_every_key_in_both_languages() {
        let keys = |ftl: &str| -> Vec<String> {
            ftl.lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
                .filter_map(|l| l.split_once(" = ").map(|(key, _)| key.to_string()))
                .collect()
        };
        let en = keys(include_str!("../../locales/en/charts.ftl"));
        assert!(en.len() >= 8, "{en:?}");
        assert_eq!(en, keys(include_str!("../../locales/zh-CN/charts.ftl")));
    }

    #[test]
    fn the_window_is_the_seven_days_before_today() {
        assert_eq!(window(day(16)), (day(9), day(15)));
    }

    #[test]
    fn a_streak_at_the_window_end_leaves_today_out() {
        let state = |streak, last| StreakState { streak, freezes: 0, last_day: Some(day(last)) };
        assert_eq!(streak_at_window_end(state(5, 15), day(16)), 5, "checked in yesterday");
        assert_eq!(streak_at_window_end(state(6, 16), day(16)), 5, "and again today");
        assert_eq!(streak_at_window_end(state(1, 16), day(16)), 0, "restarted today: it had ended");
        assert_eq!(streak_at_window_end(state(5, 13), day(16)), 0, "ended before the window's end");
    }
}
