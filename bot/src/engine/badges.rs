//! Badges: declarative rules from the config, awarded once each.

use std::collections::{HashMap, HashSet};

use crate::config::BadgeConfig;
use crate::config::badge_rule::Counter;
use crate::store::{LedgerKind, Lock, MemberRow, WriteTx};

use super::Scope;

/// Awards every badge whose rule `member` now meets and did not hold yet;
/// returns the display names of the new ones, to be announced once.
pub async fn award_new(ctx: &Scope<'_>, tx: &mut WriteTx<'_>, member: &MemberRow) -> anyhow::Result<Vec<String>> {
    Ok(award_new_to(ctx, tx, std::slice::from_ref(member)).await?.remove(&member.id).unwrap_or_default())
}

/// `award_new` for many members at once: one statement for the badges they
/// hold, one per counter an open rule needs, one for the awards. Returns the
/// new badges' names per member, in config order; members without one are absent.
pub async fn award_new_to(
    ctx: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    members: &[MemberRow],
) -> anyhow::Result<HashMap<i64, Vec<String>>> {
    let rules = &ctx.community.badges;
    if rules.is_empty() || members.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    // Until the end of the transaction nobody else awards these members a
    // badge, so what they hold now is what this reads (awarded once).
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    tx.lock(Lock::Members(&sorted)).await?;
    let held = tx.badges_held(&ids).await?;
    let open = |member: &MemberRow| -> Vec<&BadgeConfig> {
        let held = held.get(&member.id);
        rules.iter().filter(|b| !held.is_some_and(|h| h.contains(&b.id))).collect()
    };
    let needed: HashSet<Counter> = members.iter().flat_map(&open).map(|b| b.when.counter).collect();
    let counters = Counters::load(tx, &ids, &needed).await?;

    let mut awards: Vec<(&MemberRow, &BadgeConfig)> = Vec::new();
    for member in members {
        for badge in open(member) {
            if badge.when.holds(counters.value(member, badge.when.counter, ctx)) {
                awards.push((member, badge));
            }
        }
    }
    if awards.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, &str)> = awards.iter().map(|(m, b)| (m.id, b.id.as_str())).collect();
    tx.award_badges(&rows, ctx.now).await?;
    let mut earned: HashMap<i64, Vec<String>> = HashMap::new();
    for (member, badge) in awards {
        earned.entry(member.id).or_default().push(badge.name.clone());
    }
    Ok(earned)
}

/// Display names of the badges `ids` refers to, in the order held.
pub fn names<'c>(badges: &'c [BadgeConfig], ids: &[String]) -> Vec<&'c str> {
    ids.iter().filter_map(|id| badges.iter().find(|b| &b.id == id).map(|b| b.name.as_str())).collect()
}

/// The stored counters of a set of members, each counter read only when an
/// open rule needs it. A member absent from a map has 0.
#[derive(Default)]
struct Counters {
    points: HashMap<i64, i64>,
    checkins: HashMap<i64, i64>,
    topic_replies: HashMap<i64, i64>,
    challenge_wins: HashMap<i64, i64>,
}

impl Counters {
    async fn load(tx: &mut WriteTx<'_>, members: &[i64], needed: &HashSet<Counter>) -> anyhow::Result<Counters> {
        let mut counters = Counters::default();
        for counter in needed {
            match counter {
                Counter::Streak => {}
                Counter::Points => counters.points = tx.balances(members).await?,
                Counter::Checkins => counters.checkins = tx.checkin_counts(members).await?,
                Counter::TopicReplies => {
                    counters.topic_replies = tx.ledger_counts(members, LedgerKind::TopicReply).await?
                }
                Counter::ChallengeWins => counters.challenge_wins = tx.challenge_wins(members).await?,
            }
        }
        Ok(counters)
    }

    fn value(&self, member: &MemberRow, counter: Counter, ctx: &Scope<'_>) -> i64 {
        let stored = match counter {
            Counter::Streak => return i64::from(member.streak.current(ctx.today)),
            Counter::Points => &self.points,
            Counter::Checkins => &self.checkins,
            Counter::TopicReplies => &self.topic_replies,
            Counter::ChallengeWins => &self.challenge_wins,
        };
        stored.get(&member.id).copied().unwrap_or(0)
    }
}
