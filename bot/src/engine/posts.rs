//! What a scheduled action posts. `None` when the action has nothing to
//! post now (no topic, a challenge phase that does not apply); a `/post`
//! then says why (`nothing_to_post`), a scheduled slot stays claimed.

use crate::config::{ScheduleAction, ScheduleConfig};
use crate::i18n::Arg;
use crate::reply::{Button, Line, Reply, Span};
use crate::store::{ChallengePhase, WriteTx, fmt_day};

use super::{CommandError, Scope, challenges, digest, profile, topics};

/// How many at-risk streaks a reminder names.
const AT_RISK_NAMED: usize = 10;

/// The post of `schedule` for `slot`.
pub async fn build(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    schedule: &ScheduleConfig,
    slot: &str,
) -> Result<Option<Reply>, CommandError> {
    Ok(match schedule.action {
        ScheduleAction::CheckinReminder => Some(checkin_reminder(scope, tx).await?),
        ScheduleAction::Leaderboard => match profile::board(scope, tx.reads(), schedule.window).await {
            // A season board between seasons has nothing to show.
            Err(CommandError::NoSeason) => None,
            board => Some(board?),
        },
        ScheduleAction::Topic => topics::post(scope, tx, &schedule.id, slot).await?,
        ScheduleAction::ChallengeOpen => challenges::open_post(scope, tx).await?,
        ScheduleAction::ChallengeVoting => challenges::voting_post(scope, tx).await?,
        ScheduleAction::ChallengeClose => challenges::close_post(scope, tx).await?,
        ScheduleAction::Digest => Some(digest::post(scope, tx).await?),
    })
}

/// Why `build` posted nothing for `schedule` just now, worded for a `/post`
/// that must say so (read in the same transaction, so it names what held).
pub async fn nothing_to_post(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    schedule: &ScheduleConfig,
) -> Result<String, CommandError> {
    let cat = scope.catalog;
    let running = match schedule.action {
        ScheduleAction::ChallengeOpen | ScheduleAction::ChallengeVoting | ScheduleAction::ChallengeClose => {
            tx.running_challenge(scope.community_id).await?
        }
        _ => None,
    };
    Ok(match (schedule.action, running) {
        (ScheduleAction::Topic, _) => cat.text("post-nothing-topic"),
        (ScheduleAction::Leaderboard, _) => cat.text("error-no-season"),
        (ScheduleAction::ChallengeOpen, Some(challenge)) => {
            cat.fmt("post-nothing-challenge-running", &[("theme", challenge.theme.into())])
        }
        (ScheduleAction::ChallengeOpen, None) => cat.text("post-nothing-no-theme"),
        (ScheduleAction::ChallengeVoting, Some(challenge)) if challenge.phase == ChallengePhase::Voting => {
            cat.fmt("post-nothing-voting-begun", &[("theme", challenge.theme.into())])
        }
        (ScheduleAction::ChallengeVoting | ScheduleAction::ChallengeClose, _) => cat.text("post-nothing-no-challenge"),
        _ => cat.fmt("post-nothing", &[("schedule", schedule.id.as_str().into())]),
    })
}

/// How many checked in today, whose streaks end tonight (names, no pings),
/// and a one-tap "Check in" button.
async fn checkin_reminder(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Reply, CommandError> {
    let cat = scope.catalog;
    let (checked_in, members) = tx.checkins_on(scope.community_id, &fmt_day(scope.today)).await?;
    let mut at_risk: Vec<(u32, String)> = tx
        .member_activity(scope.community_id)
        .await?
        .into_iter()
        .filter(|m| m.streak.at_risk(scope.today))
        .map(|m| (m.streak.streak, m.name))
        .collect();
    at_risk.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // Nobody left to remind: a word of thanks instead, and no button.
    if members > 0 && checked_in >= members {
        return Ok(Reply::public()
            .line(Line(vec![Span::Bold(cat.text("post-reminder-all-title"))]))
            .text(cat.fmt("post-reminder-all", &[("members", members.into())])));
    }
    let mut reply = Reply::public()
        .line(Line(vec![Span::Bold(cat.text("post-reminder-title"))]))
        .text(cat.fmt("post-reminder-count", &[("checked", checked_in.into()), ("members", members.into())]));
    if !at_risk.is_empty() {
        let named: Vec<String> = at_risk
            .iter()
            .take(AT_RISK_NAMED)
            .map(|(streak, name)| {
                cat.fmt("post-reminder-streak", &[("name", name.into()), ("streak", (*streak).into())])
            })
            .collect();
        reply.push(Line::plain(cat.fmt(
            "post-reminder-at-risk",
            &[
                ("names", Arg::Text(named.join(&cat.text("list-separator")))),
                ("deadline", scope.next_day_opens().into()),
            ],
        )));
    }
    reply.buttons.push(Button { label: cat.text("button-checkin"), command: "/checkin".to_string() });
    Ok(reply)
}
