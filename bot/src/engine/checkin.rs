//! `/checkin`: one per member per local day; streaks, freezes, bonuses.

use crate::domain::streak::CheckinOutcome;
use crate::i18n::Arg;
use crate::reply::{Line, Reply, Span};
use crate::store::{LedgerKind, MemberRow, NewLedgerEntry, WriteTx, fmt_day};

use super::{CommandError, Ctx, badges};

pub async fn checkin(ctx: &mut Ctx<'_>, tx: &mut WriteTx, note: Option<&str>) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let member = ctx.member.clone();
    let outcome = member.streak.check_in(ctx.today, ctx.freeze_rules());
    let CheckinOutcome::Counted { next, freezes_used, freeze_earned, restarted } = outcome else {
        return Ok(already_checked_in(ctx, &member));
    };
    // The unique (member, day) row is the last word, whatever the cached state said.
    if !tx.insert_checkin(member.id, ctx.today, ctx.now, note).await? {
        return Ok(already_checked_in(ctx, &member));
    }
    let best = member.best_streak.max(next.streak);
    tx.save_streak(member.id, next, best).await?;
    let day = fmt_day(ctx.today);

    let base = ctx.community.checkin.points;
    let reason = cat.text("reason-checkin");
    tx.append_ledger(NewLedgerEntry {
        community_id: ctx.community_id,
        member_id: member.id,
        delta: base,
        kind: LedgerKind::Checkin,
        reason: &reason,
        at: ctx.now,
        idempotency_key: &format!("checkin:{}:{day}", member.id),
        actor_member_id: None,
    })
    .await?;

    let mut bonus = 0;
    for milestone in ctx.community.checkin.streak_bonus.iter().filter(|b| b.days == next.streak) {
        let reason = cat.fmt("reason-streak-bonus", &[("days", milestone.days.into())]);
        tx.append_ledger(NewLedgerEntry {
            community_id: ctx.community_id,
            member_id: member.id,
            delta: milestone.points,
            kind: LedgerKind::StreakBonus,
            reason: &reason,
            at: ctx.now,
            idempotency_key: &format!("streak_bonus:{}:{day}:{}", member.id, milestone.days),
            actor_member_id: None,
        })
        .await?;
        bonus += milestone.points;
    }

    let updated = MemberRow { streak: next, best_streak: best, ..member };
    let earned = badges::award_new(ctx, tx, &updated).await?;
    let balance = tx.balance(updated.id).await?;
    ctx.member = updated;

    let name = ctx.member.name.clone();
    let mut reply = Reply::public().line(Line(vec![Span::Bold(
        cat.fmt("checkin-done", &[("name", name.into()), ("streak", next.streak.into())]),
    )]));
    if restarted {
        reply.push(Line::plain(cat.text("checkin-restarted")));
    }
    let points_line = if bonus > 0 {
        cat.fmt(
            "checkin-points-bonus",
            &[("points", base.into()), ("bonus", bonus.into()), ("balance", balance.into())],
        )
    } else {
        cat.fmt("checkin-points", &[("points", base.into()), ("balance", balance.into())])
    };
    reply.push(Line::plain(points_line));
    if freezes_used > 0 {
        reply.push(Line::plain(
            cat.fmt("checkin-freeze-used", &[("used", freezes_used.into()), ("freezes", next.freezes.into())]),
        ));
    } else if freeze_earned {
        reply.push(Line::plain(cat.fmt("checkin-freeze-earned", &[("freezes", next.freezes.into())])));
    } else {
        reply.push(Line::plain(cat.fmt("checkin-freezes", &[("freezes", next.freezes.into())])));
    }
    for badge in earned {
        reply.push(Line::plain(cat.fmt("badge-earned", &[("badge", Arg::Text(badge))])));
    }
    reply.push(Line::plain(cat.fmt("checkin-next", &[("opens", ctx.next_day_opens().into())])));
    Ok(reply)
}

fn already_checked_in(ctx: &Ctx<'_>, member: &MemberRow) -> Reply {
    Reply::ephemeral().text(ctx.catalog.fmt(
        "checkin-already",
        &[("streak", member.streak.current(ctx.today).into()), ("opens", ctx.next_day_opens().into())],
    ))
}
