//! Badges: declarative rules from the config, awarded once each.

use crate::config::BadgeConfig;
use crate::config::badge_rule::Counter;
use crate::store::{LedgerKind, MemberRow, WriteTx};

use super::Scope;

/// Awards every badge whose rule `member` now meets and did not hold yet;
/// returns the display names of the new ones, to be announced once.
pub async fn award_new(ctx: &Scope<'_>, tx: &mut WriteTx, member: &MemberRow) -> anyhow::Result<Vec<String>> {
    let held = tx.badges_of(member.id).await?;
    let mut earned = Vec::new();
    let mut counters = Counters::default();
    for badge in ctx.community.badges.iter().filter(|b| !held.contains(&b.id)) {
        let value = counters.get(tx, member, badge.when.counter, ctx).await?;
        if badge.when.holds(value) && tx.award_badge(member.id, &badge.id, ctx.now).await? {
            earned.push(badge.name.clone());
        }
    }
    Ok(earned)
}

/// Display names of the badges `ids` refers to, in the order held.
pub fn names<'c>(badges: &'c [BadgeConfig], ids: &[String]) -> Vec<&'c str> {
    ids.iter().filter_map(|id| badges.iter().find(|b| &b.id == id).map(|b| b.name.as_str())).collect()
}

/// Counter values, each read at most once per evaluation.
#[derive(Default)]
struct Counters {
    points: Option<i64>,
    checkins: Option<i64>,
    topic_replies: Option<i64>,
    challenge_wins: Option<i64>,
}

impl Counters {
    async fn get(
        &mut self,
        tx: &mut WriteTx,
        member: &MemberRow,
        counter: Counter,
        ctx: &Scope<'_>,
    ) -> anyhow::Result<i64> {
        let slot = match counter {
            Counter::Streak => return Ok(i64::from(member.streak.current(ctx.today))),
            Counter::Points => &mut self.points,
            Counter::Checkins => &mut self.checkins,
            Counter::TopicReplies => &mut self.topic_replies,
            Counter::ChallengeWins => &mut self.challenge_wins,
        };
        if let Some(value) = *slot {
            return Ok(value);
        }
        let value = match counter {
            Counter::Points => tx.balance(member.id).await?,
            Counter::Checkins => tx.checkin_count(member.id).await?,
            Counter::TopicReplies => tx.ledger_count(member.id, LedgerKind::TopicReply).await?,
            Counter::ChallengeWins => tx.challenge_wins(member.id).await?,
            Counter::Streak => unreachable!("handled above"),
        };
        *slot = Some(value);
        Ok(value)
    }
}
