//! `/give` (peer awards from a daily allowance) and `/award` (admins).

use crate::command::MemberRef;
use crate::i18n::Arg;
use crate::reply::{Line, Reply};
use crate::store::{LedgerKind, Lock, NewLedgerEntry, WriteTx, fmt_day};

use super::{CommandError, Ctx, badges, members};

/// The largest award or revocation an admin can make in one command.
pub const AWARD_LIMIT: i64 = 1_000_000;

pub async fn give(
    ctx: &mut Ctx<'_>,
    tx: &mut WriteTx<'_>,
    target: &MemberRef,
    amount: Option<i64>,
    reason: Option<&str>,
) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let receiver = members::resolve(ctx, tx, target).await?;
    if receiver.id == ctx.member.id {
        return Err(CommandError::GiveToSelf);
    }
    if receiver.is_bot {
        return Err(CommandError::GiveToBot);
    }
    let max = ctx.community.points.give_max;
    let amount = amount.unwrap_or(1);
    if !(1..=max).contains(&amount) {
        return Err(CommandError::AmountOutOfRange { min: 1, max });
    }
    let allowance = ctx.community.points.give_allowance;
    // The giver's allowance is read, then spent; the receiver's badges next.
    let mut both = [ctx.member.id, receiver.id];
    both.sort_unstable();
    tx.lock(Lock::Members(&both)).await?;
    let used = tx.gives_since(ctx.member.id, ctx.days.start_of(ctx.today)).await?;
    if used >= i64::from(allowance) {
        return Err(CommandError::AllowanceUsed { allowance, resets_at: ctx.next_day_opens() });
    }
    let reason = match reason {
        Some(r) => r.to_string(),
        None => cat.fmt("reason-peer-award", &[("giver", (&ctx.member.name).into())]),
    };
    let key = match ctx.event_id {
        Some(event) => format!("give:{event}"),
        None => format!("give:{}:{}:{}", ctx.member.id, fmt_day(ctx.today), used + 1),
    };
    tx.append_ledger(NewLedgerEntry {
        community_id: ctx.community_id,
        member_id: receiver.id,
        delta: amount,
        kind: LedgerKind::PeerAward,
        reason: &reason,
        at: ctx.now,
        local_day: ctx.today,
        idempotency_key: &key,
        actor_member_id: Some(ctx.member.id),
    })
    .await?;
    let earned = badges::award_new(ctx, tx, &receiver).await?;
    let left = i64::from(allowance) - used - 1;
    let mut reply = Reply::public().text(cat.fmt(
        "give-done",
        &[
            ("giver", (&ctx.member.name).into()),
            ("receiver", (&receiver.name).into()),
            ("amount", amount.into()),
            ("reason", reason.into()),
        ],
    ));
    for badge in earned {
        reply.push(Line::plain(
            cat.fmt("badge-earned-by", &[("name", (&receiver.name).into()), ("badge", Arg::Text(badge))]),
        ));
    }
    reply.push(Line::plain(cat.fmt("give-left", &[("left", left.into())])));
    Ok(reply)
}

pub async fn award(
    ctx: &mut Ctx<'_>,
    tx: &mut WriteTx<'_>,
    target: &MemberRef,
    amount: i64,
    reason: &str,
) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    if amount == 0 || !(-AWARD_LIMIT..=AWARD_LIMIT).contains(&amount) {
        return Err(CommandError::AwardOutOfRange { limit: AWARD_LIMIT });
    }
    let receiver = members::resolve(ctx, tx, target).await?;
    if receiver.is_bot {
        return Err(CommandError::GiveToBot);
    }
    let kind = if amount > 0 { LedgerKind::AdminAward } else { LedgerKind::AdminRevoke };
    // The award's sequence number is counted, then used as its key.
    tx.lock(Lock::Members(&[receiver.id])).await?;
    let key = match ctx.event_id {
        Some(event) => format!("award:{event}"),
        None => {
            let seq = tx.ledger_count(receiver.id, kind).await? + 1;
            format!("{}:{}:{seq}", kind.as_str(), receiver.id)
        }
    };
    tx.append_ledger(NewLedgerEntry {
        community_id: ctx.community_id,
        member_id: receiver.id,
        delta: amount,
        kind,
        reason,
        at: ctx.now,
        local_day: ctx.today,
        idempotency_key: &key,
        actor_member_id: Some(ctx.member.id),
    })
    .await?;
    let earned = badges::award_new(ctx, tx, &receiver).await?;
    let balance = tx.balance(receiver.id).await?;
    let message = if amount > 0 { "award-done" } else { "revoke-done" };
    let mut reply = Reply::public().text(cat.fmt(
        message,
        &[
            ("name", (&receiver.name).into()),
            ("amount", amount.abs().into()),
            ("reason", reason.into()),
            ("balance", balance.into()),
        ],
    ));
    for badge in earned {
        reply.push(Line::plain(
            cat.fmt("badge-earned-by", &[("name", (&receiver.name).into()), ("badge", Arg::Text(badge))]),
        ));
    }
    Ok(reply)
}
