//! `/checkin`: one per member per local day; streaks, freezes, bonuses.
//!
//! Check-ins arrive in batches (see `writer`): a batch of any size costs a
//! fixed number of statements, so a burst is written at close to SQLite's
//! multi-row speed.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Timelike;

use crate::domain::streak::{CheckinOutcome, StreakState};
use crate::i18n::Arg;
use crate::reply::{Line, Reply, Span};
use crate::store::{LedgerKind, MemberRow, NewCheckin, NewLedgerEntry, SavedStreak, WriteTx, fmt_day};

use super::{Actor, Scope, badges, context};

/// One `/checkin` of a batch.
pub struct CheckinRequest<'a> {
    pub actor: &'a Actor,
    pub note: Option<&'a str>,
}

/// A check-in the streak rules count, before the database has its say.
struct Counted {
    /// Index of the request in the batch.
    request: usize,
    before: MemberRow,
    next: StreakState,
    freezes_used: u32,
    freeze_earned: bool,
    restarted: bool,
}

/// What a check-in came to. The writer only works this out; the asker's task
/// words it (`render`), so formatting a thousand replies does not hold up
/// the one writer.
#[derive(Debug, Clone)]
pub enum CheckinAnswer {
    Counted(CountedCheckin),
    /// Already checked in today, with this streak.
    Already {
        streak: u32,
    },
}

/// A check-in that counted, and what it paid.
#[derive(Debug, Clone)]
pub struct CountedCheckin {
    name: String,
    next: StreakState,
    freezes_used: u32,
    freeze_earned: bool,
    restarted: bool,
    balance: i64,
    badges: Vec<String>,
}

/// Runs one community's check-ins in the open transaction; one answer per
/// request, in order. A member who asks twice in one batch counts once.
pub async fn checkin_all(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    requests: &[CheckinRequest<'_>],
) -> anyhow::Result<Vec<CheckinAnswer>> {
    let actors: Vec<&Actor> = requests.iter().map(|r| r.actor).collect();
    let members = context::members_of(tx, scope, &actors).await?;

    // The streak rules, request by request, on the state the batch has reached.
    let mut answers: Vec<Option<CheckinAnswer>> = vec![None; requests.len()];
    let mut latest: HashMap<i64, MemberRow> = HashMap::new();
    let mut counted = Vec::new();
    for (index, member) in members.into_iter().enumerate() {
        let member = latest.get(&member.id).cloned().unwrap_or(member);
        match member.streak.check_in(scope.today, scope.freeze_rules()) {
            CheckinOutcome::AlreadyCheckedIn => answers[index] = Some(already(scope, &member)),
            CheckinOutcome::Counted { next, freezes_used, freeze_earned, restarted } => {
                let best = member.best_streak.max(next.streak);
                latest.insert(member.id, MemberRow { streak: next, best_streak: best, ..member.clone() });
                counted.push(Counted { request: index, before: member, next, freezes_used, freeze_earned, restarted });
            }
        }
    }

    // The unique (member, day) row is the last word, whatever the cached state said.
    let rows: Vec<NewCheckin> =
        counted.iter().map(|c| NewCheckin { member_id: c.before.id, note: requests[c.request].note }).collect();
    let inserted =
        if rows.is_empty() { Default::default() } else { tx.insert_checkins(&rows, scope.today, scope.now).await? };
    let (counted, refused): (Vec<Counted>, Vec<Counted>) =
        counted.into_iter().partition(|c| inserted.contains(&c.before.id));
    if !counted.is_empty() {
        let hour = scope.now.with_timezone(&scope.community.timezone).hour();
        let members: Vec<i64> = counted.iter().map(|c| c.before.id).collect();
        tx.roll_up_checkins(scope.community_id, scope.today, hour, &members).await?;
    }
    for c in refused {
        answers[c.request] = Some(already(scope, &c.before));
    }

    let updated: Vec<MemberRow> = counted.iter().map(|c| latest[&c.before.id].clone()).collect();
    let balances = if updated.is_empty() { HashMap::new() } else { pay(scope, tx, &counted, &updated).await? };
    let mut earned = badges::award_new_to(scope, tx, &updated).await?;
    for (c, member) in counted.iter().zip(&updated) {
        answers[c.request] = Some(CheckinAnswer::Counted(CountedCheckin {
            name: member.name.clone(),
            next: c.next,
            freezes_used: c.freezes_used,
            freeze_earned: c.freeze_earned,
            restarted: c.restarted,
            balance: balances.get(&member.id).copied().unwrap_or(0),
            badges: earned.remove(&member.id).unwrap_or_default(),
        }));
    }
    answers.into_iter().map(|answer| answer.context("a check-in of the batch got no answer")).collect()
}

fn already(scope: &Scope<'_>, member: &MemberRow) -> CheckinAnswer {
    CheckinAnswer::Already { streak: member.streak.current(scope.today) }
}

/// Saves the new streaks and pays the check-in points and streak bonuses;
/// returns each member's balance afterwards.
async fn pay(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    counted: &[Counted],
    updated: &[MemberRow],
) -> anyhow::Result<HashMap<i64, i64>> {
    let streaks: Vec<SavedStreak> =
        updated.iter().map(|m| SavedStreak { member_id: m.id, state: m.streak, best: m.best_streak }).collect();
    tx.save_streaks(&streaks).await?;

    let day = fmt_day(scope.today);
    let checkin_reason = scope.catalog.text("reason-checkin");
    let mut keyed: Vec<(i64, i64, LedgerKind, String, String)> = Vec::new();
    for c in counted {
        let member = c.before.id;
        keyed.push((
            member,
            scope.community.checkin.points,
            LedgerKind::Checkin,
            checkin_reason.clone(),
            format!("checkin:{member}:{day}"),
        ));
        for milestone in bonuses(scope, c.next.streak) {
            let reason = scope.catalog.fmt("reason-streak-bonus", &[("days", milestone.days.into())]);
            let key = format!("streak_bonus:{member}:{day}:{}", milestone.days);
            keyed.push((member, milestone.points, LedgerKind::StreakBonus, reason, key));
        }
    }
    let entries: Vec<NewLedgerEntry> = keyed
        .iter()
        .map(|(member, delta, kind, reason, key)| NewLedgerEntry {
            community_id: scope.community_id,
            member_id: *member,
            delta: *delta,
            kind: *kind,
            reason,
            at: scope.now,
            local_day: scope.today,
            idempotency_key: key,
            actor_member_id: None,
        })
        .collect();
    tx.append_ledger_rows(&entries).await
}

/// The streak bonuses a streak of `streak` days earns today.
fn bonuses<'s>(scope: &'s Scope<'_>, streak: u32) -> impl Iterator<Item = &'s crate::config::StreakBonus> {
    scope.community.checkin.streak_bonus.iter().filter(move |b| b.days == streak)
}

impl CheckinAnswer {
    /// The reply, in the community's words and time.
    pub fn render(&self, scope: &Scope<'_>) -> Reply {
        match self {
            CheckinAnswer::Counted(counted) => counted.render(scope),
            CheckinAnswer::Already { streak } => Reply::ephemeral().text(
                scope
                    .catalog
                    .fmt("checkin-already", &[("streak", (*streak).into()), ("opens", scope.next_day_opens().into())]),
            ),
        }
    }
}

impl CountedCheckin {
    fn render(&self, scope: &Scope<'_>) -> Reply {
        let cat = scope.catalog;
        let next = self.next;
        let base = scope.community.checkin.points;
        let bonus: i64 = bonuses(scope, next.streak).map(|b| b.points).sum();
        let mut reply = Reply::public().line(Line(vec![Span::Bold(
            cat.fmt("checkin-done", &[("name", (&self.name).into()), ("streak", next.streak.into())]),
        )]));
        if self.restarted {
            reply.push(Line::plain(cat.text("checkin-restarted")));
        }
        let balance = self.balance;
        let points_line = if bonus > 0 {
            cat.fmt(
                "checkin-points-bonus",
                &[("points", base.into()), ("bonus", bonus.into()), ("balance", balance.into())],
            )
        } else {
            cat.fmt("checkin-points", &[("points", base.into()), ("balance", balance.into())])
        };
        reply.push(Line::plain(points_line));
        if self.freezes_used > 0 {
            reply.push(Line::plain(
                cat.fmt("checkin-freeze-used", &[("used", self.freezes_used.into()), ("freezes", next.freezes.into())]),
            ));
        } else if self.freeze_earned {
            reply.push(Line::plain(cat.fmt("checkin-freeze-earned", &[("freezes", next.freezes.into())])));
        } else {
            reply.push(Line::plain(cat.fmt("checkin-freezes", &[("freezes", next.freezes.into())])));
        }
        for badge in &self.badges {
            reply.push(Line::plain(cat.fmt("badge-earned", &[("badge", Arg::Text(badge.clone()))])));
        }
        reply.push(Line::plain(cat.fmt("checkin-next", &[("opens", scope.next_day_opens().into())])));
        reply
    }
}
