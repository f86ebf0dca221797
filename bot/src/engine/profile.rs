//! Personal views: `/streak`, `/profile`, `/leaderboard`.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::command::Window;
use crate::domain::day::DayBoundary;
use crate::domain::level::level_for;
use crate::reply::{Line, Reply, Span};
use crate::store::{Board, MemberRow, ReadModel, Standing};

use super::{CommandError, Ctx, Scope, badges};

const TOP: i64 = 10;

pub fn streak(ctx: &Ctx<'_>) -> Reply {
    let cat = ctx.catalog;
    let state = ctx.member.streak;
    let current = state.current(ctx.today);
    let mut reply = Reply::ephemeral().text(cat.fmt(
        "streak-summary",
        &[
            ("streak", current.into()),
            ("best", ctx.member.best_streak.max(current).into()),
            ("freezes", state.freezes.into()),
        ],
    ));
    let status = match state.last_day {
        Some(last) if last == ctx.today => cat.fmt("streak-done-today", &[("opens", ctx.next_day_opens().into())]),
        Some(_) if state.at_risk(ctx.today) => cat.fmt("streak-at-risk", &[("deadline", ctx.next_day_opens().into())]),
        // Alive, and freezes would cover today too: the streak lasts until
        // the day after the last one the freezes can cover.
        Some(last) if current > 0 => {
            let first_lost = last + Duration::days(i64::from(state.freezes) + 2);
            let deadline = ctx.local_time(ctx.days.start_of(first_lost));
            cat.fmt("streak-covered", &[("deadline", deadline.into()), ("freezes", state.freezes.into())])
        }
        _ => cat.text("streak-open"),
    };
    reply.push(Line::plain(status));
    reply
}

/// `/profile` of `member` (the asker, or the member they named).
pub async fn profile(ctx: &Ctx<'_>, reads: &mut dyn ReadModel, member: MemberRow) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let balance = reads.balance(member.id).await?;
    let level = level_for(balance, &ctx.community.points.levels);
    let held = reads.badges_of(member.id).await?;
    let rank = reads.rank_all_time(ctx.community_id, member.id).await?;
    let streak = member.streak.current(ctx.today);

    let mut reply = Reply::ephemeral().line(Line(vec![Span::Bold(
        cat.fmt("profile-title", &[("name", (&member.name).into()), ("level", level.level.into())]),
    )]));
    let points = match level.next_at {
        Some(next) => cat.fmt(
            "profile-points",
            &[("balance", balance.into()), ("missing", (next - balance).into()), ("next", (level.level + 1).into())],
        ),
        None => cat.fmt("profile-points-max", &[("balance", balance.into())]),
    };
    reply.push(Line::plain(points));
    reply.push(Line::plain(cat.fmt(
        "profile-streak",
        &[
            ("streak", streak.into()),
            ("best", member.best_streak.max(streak).into()),
            ("freezes", member.streak.freezes.into()),
        ],
    )));
    let names = badges::names(&ctx.community.badges, &held);
    reply.push(Line::plain(if names.is_empty() {
        cat.text("profile-no-badges")
    } else {
        cat.fmt("profile-badges", &[("badges", names.join(&cat.text("list-separator")).into())])
    }));
    reply.push(Line::plain(match rank {
        Some(r) => cat.fmt("profile-rank", &[("rank", r.rank.into())]),
        None => cat.text("profile-unranked"),
    }));
    Ok(reply)
}

pub async fn leaderboard(ctx: &Ctx<'_>, reads: &mut dyn ReadModel, window: Window) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let mut reply = board(ctx, reads, window).await?;
    let mine = match window {
        Window::All => reads.rank_all_time(ctx.community_id, ctx.member.id).await?,
        Window::Week | Window::Month => {
            let board = maintained_board(ctx, window).context("week and month boards are maintained")?;
            reads.rank_on_board(ctx.community_id, ctx.member.id, &board).await?
        }
        Window::Season => {
            let (_, from, to) = window_bounds(ctx, window)?;
            reads.rank_between(ctx.community_id, ctx.member.id, from, to).await?
        }
    };
    let me_listed = reply.lines.iter().any(|line| {
        line.0.iter().any(|span| matches!(span, Span::Mention { member_id, .. } if *member_id == ctx.member.id))
    });
    if !me_listed {
        reply.push(Line::plain(match mine {
            Some(mine) => cat.fmt("leaderboard-you", &[("rank", mine.rank.into()), ("points", mine.points.into())]),
            None => cat.text("leaderboard-you-none"),
        }));
    }
    Ok(reply)
}

/// The top 10 of `window` as a public post (also the `leaderboard` schedule's post).
pub async fn board(scope: &Scope<'_>, reads: &mut dyn ReadModel, window: Window) -> Result<Reply, CommandError> {
    let cat = scope.catalog;
    let (title, top) = match window {
        Window::All => (cat.text("leaderboard-all"), reads.top_all_time(scope.community_id, TOP).await?),
        Window::Week | Window::Month => {
            let (title, _, _) = window_bounds(scope, window)?;
            let board = maintained_board(scope, window).context("week and month boards are maintained")?;
            (title, reads.top_of_board(scope.community_id, &board, TOP).await?)
        }
        // Seasons are arbitrary date ranges from the config: summed from the ledger.
        Window::Season => {
            let (title, from, to) = window_bounds(scope, window)?;
            (title, reads.top_between(scope.community_id, from, to, TOP).await?)
        }
    };
    let mut reply = Reply::public().line(Line(vec![Span::Bold(title)]));
    if top.is_empty() {
        reply.push(Line::plain(cat.text("leaderboard-empty")));
    }
    for standing in &top {
        reply.push(standing_line(scope, standing));
    }
    Ok(reply)
}

fn standing_line(scope: &Scope<'_>, standing: &Standing) -> Line {
    Line(vec![
        Span::Plain(format!("{}. ", standing.rank)),
        Span::Mention { member_id: standing.member_id, name: standing.name.clone() },
        Span::Plain(scope.catalog.fmt("leaderboard-points", &[("points", standing.points.into())])),
    ])
}

/// The board the database keeps for `window` today (week and month only).
fn maintained_board(scope: &Scope<'_>, window: Window) -> Option<Board> {
    match window {
        Window::Week => Some(Board::Week(DayBoundary::week_start(scope.today))),
        Window::Month => Some(Board::Month(DayBoundary::month_start(scope.today))),
        Window::All | Window::Season => None,
    }
}

/// Title and UTC bounds `[from, to)` of a windowed leaderboard, in community time.
fn window_bounds(ctx: &Scope<'_>, window: Window) -> Result<(String, DateTime<Utc>, DateTime<Utc>), CommandError> {
    let cat = ctx.catalog;
    let (title, first, last): (String, NaiveDate, NaiveDate) = match window {
        Window::Week => {
            let first = DayBoundary::week_start(ctx.today);
            (cat.text("leaderboard-week"), first, first + Duration::days(6))
        }
        Window::Month => {
            let first = DayBoundary::month_start(ctx.today);
            let next_month = DayBoundary::month_start(first + Duration::days(32));
            (cat.text("leaderboard-month"), first, next_month - Duration::days(1))
        }
        Window::Season | Window::All => {
            let season = ctx
                .community
                .seasons
                .iter()
                .find(|s| s.start <= ctx.today && ctx.today <= s.end)
                .ok_or(CommandError::NoSeason)?;
            (
                cat.fmt(
                    "leaderboard-season",
                    &[("season", (&season.name).into()), ("end", ctx.catalog.date(season.end).into())],
                ),
                season.start,
                season.end,
            )
        }
    };
    let to_day = last.succ_opt().unwrap_or(last);
    Ok((title, ctx.days.start_of(first), ctx.days.start_of(to_day)))
}
