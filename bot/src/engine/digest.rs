//! The weekly digest post: the past seven days of the community at a glance.

use std::collections::HashMap;

use chrono::Duration;

use crate::reply::{Line, Reply, Span};
use crate::store::{WriteTx, parse_time};

use super::stats::{Segments, segments};
use super::{CommandError, Scope};

const TOP: usize = 3;

pub async fn post(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Reply, CommandError> {
    let cat = scope.catalog;
    let week_ago = scope.now - Duration::days(7);
    let first_day = scope.today - Duration::days(6);
    let members = tx.member_activity(scope.community_id).await?;
    let per_member: HashMap<i64, i64> =
        tx.checkins_per_member(scope.community_id, first_day, scope.today).await?.into_iter().collect();
    let checkins: i64 = per_member.values().sum();
    let active = tx.active_members_between(scope.community_id, week_ago, scope.now + Duration::seconds(1)).await?.len();
    let new_members = members.iter().filter(|m| m.joined_at > week_ago).count();

    let mut reply = Reply::public().line(Line(vec![Span::Bold(cat.fmt(
        "digest-title",
        &[
            ("community", (&scope.community.name).into()),
            ("from", cat.date(first_day).into()),
            ("to", cat.date(scope.today).into()),
        ],
    ))]));
    reply.push(Line::plain(cat.fmt(
        "digest-activity",
        &[("checkins", checkins.into()), ("active", active.into()), ("new", new_members.into())],
    )));

    let mut streaks: Vec<(u32, &str)> = members
        .iter()
        .map(|m| (m.streak.current(scope.today), m.name.as_str()))
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

    let top = tx.top_between(scope.community_id, week_ago, scope.now + Duration::seconds(1), TOP as i64).await?;
    if !top.is_empty() {
        let named: Vec<String> = top
            .iter()
            .map(|s| cat.fmt("digest-points-entry", &[("name", (&s.name).into()), ("points", s.points.into())]))
            .collect();
        reply.push(Line::plain(cat.fmt("digest-points", &[("names", named.join(&cat.text("list-separator")).into())])));
    }

    // The week's challenge winners (newest first); a week rarely has more than one.
    for past in tx.past_challenges(scope.community_id, 5).await? {
        if !parse_time(&past.closed_at).is_ok_and(|closed| closed > week_ago) {
            break;
        }
        if let Some(winner) = &past.winner {
            reply.push(Line::plain(
                cat.fmt("digest-challenge", &[("winner", winner.into()), ("theme", (&past.theme).into())]),
            ));
        }
    }

    let Segments { core, casual, dormant } = segments(scope, &members, &per_member);
    reply.push(Line::plain(
        cat.fmt("stats-segments", &[("core", core.into()), ("casual", casual.into()), ("dormant", dormant.into())]),
    ));
    Ok(reply)
}
