//! `/stats` for admins: size, activity, check-in rates, streaks, segments.

use std::collections::{HashMap, HashSet};

use chrono::Duration;

use crate::reply::{Line, Reply, Span};
use crate::store::{MemberActivity, ReadModel};

use super::{CommandError, Ctx, Scope};

pub(super) use crate::domain::rollup::{CORE_CHECKINS, DORMANT_DAYS};
/// Streak distribution buckets: (lowest, highest) inclusive.
pub(super) const STREAK_BUCKETS: [(u32, u32); 5] = [(0, 0), (1, 2), (3, 6), (7, 29), (30, u32::MAX)];

pub async fn stats(ctx: &Ctx<'_>, reads: &mut dyn ReadModel) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let members = reads.member_activity(ctx.community_id).await?;
    let total = members.len() as i64;
    let week_ago = ctx.now - Duration::days(7);
    let active: HashSet<i64> = reads
        .active_members_between(ctx.community_id, week_ago, ctx.now + Duration::seconds(1))
        .await?
        .into_iter()
        .collect();
    let active_before: HashSet<i64> = reads
        .active_members_between(ctx.community_id, ctx.now - Duration::days(14), week_ago)
        .await?
        .into_iter()
        .collect();
    let first_of_week = ctx.today - Duration::days(6);
    let per_member: HashMap<i64, i64> =
        reads.checkins_per_member(ctx.community_id, first_of_week, ctx.today).await?.into_iter().collect();
    let today: i64 = reads.checkins_per_member(ctx.community_id, ctx.today, ctx.today).await?.len() as i64;
    let week_checkins: i64 = per_member.values().sum();

    let mut buckets = [0i64; STREAK_BUCKETS.len()];
    for m in &members {
        let streak = m.streak.current(ctx.today);
        if let Some(i) = STREAK_BUCKETS.iter().position(|(lo, hi)| (*lo..=*hi).contains(&streak)) {
            buckets[i] += 1;
        }
    }
    let Segments { core, casual, dormant } = segments(ctx, &members, &per_member);
    let retained = active_before.intersection(&active).count() as i64;

    let mut reply = Reply::ephemeral()
        .line(Line(vec![Span::Bold(cat.fmt("stats-title", &[("community", (&ctx.community.name).into())]))]));
    reply.push(Line::plain(
        cat.fmt("stats-members", &[("members", total.into()), ("active", (active.len() as i64).into())]),
    ));
    reply.push(Line::plain(cat.fmt(
        "stats-checkins",
        &[
            ("today", today.into()),
            ("rate_today", percent(today, total).into()),
            ("rate_week", percent(week_checkins, total * 7).into()),
        ],
    )));
    let distribution: Vec<String> = STREAK_BUCKETS
        .iter()
        .zip(buckets)
        .map(|((lo, hi), n)| match (lo, hi) {
            (lo, hi) if lo == hi => format!("{lo}: {n}"),
            (lo, &u32::MAX) => format!("{lo}+: {n}"),
            (lo, hi) => format!("{lo}–{hi}: {n}"),
        })
        .collect();
    reply.push(Line::plain(cat.fmt("stats-streaks", &[("distribution", distribution.join(" · ").into())])));
    reply.push(Line::plain(
        cat.fmt("stats-segments", &[("core", core.into()), ("casual", casual.into()), ("dormant", dormant.into())]),
    ));
    reply.push(Line::plain(if active_before.is_empty() {
        cat.text("stats-retention-none")
    } else {
        cat.fmt(
            "stats-retention",
            &[
                ("rate", percent(retained, active_before.len() as i64).into()),
                ("kept", retained.into()),
                ("of", (active_before.len() as i64).into()),
            ],
        )
    }));
    Ok(reply)
}

/// Members by segment: core (≥ 5 check-ins in the last 7 local days),
/// dormant (no activity in 14 days), casual (everyone else).
pub struct Segments {
    pub core: i64,
    pub casual: i64,
    pub dormant: i64,
}

/// `checkins_last_7_days` maps member id → check-ins on the last 7 local days.
pub fn segments(scope: &Scope<'_>, members: &[MemberActivity], checkins_last_7_days: &HashMap<i64, i64>) -> Segments {
    let dormant_since = scope.now - Duration::days(DORMANT_DAYS);
    let (mut core, mut dormant) = (0, 0);
    for m in members {
        let last = m.last_active.map_or(m.joined_at, |t| t.max(m.joined_at));
        if checkins_last_7_days.get(&m.member_id).copied().unwrap_or(0) >= CORE_CHECKINS {
            core += 1;
        } else if last < dormant_since {
            dormant += 1;
        }
    }
    Segments { core, casual: members.len() as i64 - core - dormant, dormant }
}

/// Whole percent, rounded; 0 when there is nothing to divide by.
pub(super) fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 { 0 } else { (part * 100 + whole / 2) / whole }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percent_rounds_and_never_divides_by_zero() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(5, 0), 0);
    }
}
