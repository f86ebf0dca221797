//! The weekly challenge: open (submissions) → voting → closed (winners paid).
//! Scheduled actions and admin commands move it on; members submit and vote.

use crate::config::ScheduleAction;
use crate::domain::schedule::next_slot;
use crate::i18n::Arg;
use crate::reply::{Button, Line, Reply, Span};
use crate::store::{ChallengePhase, ChallengeRow, EntryRow, LedgerKind, Lock, NewLedgerEntry, ReadModel, WriteTx};

use super::{CommandError, Ctx, Scope, badges};

/// How many past challenges `/challenge history` lists.
const HISTORY: i64 = 5;
const MEDALS: [&str; 3] = ["🥇", "🥈", "🥉"];

/// `/challenge`: theme, phase, deadline and entry count.
pub async fn show(ctx: &Ctx<'_>, reads: &mut dyn ReadModel) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let Some(challenge) = reads.running_challenge(ctx.community_id).await? else {
        return Ok(Reply::ephemeral().text(cat.text("challenge-none")));
    };
    let entries = reads.entries(challenge.id).await?.len();
    let (key, next) = match challenge.phase {
        ChallengePhase::Open => ("challenge-show-open", ScheduleAction::ChallengeVoting),
        _ => ("challenge-show-voting", ScheduleAction::ChallengeClose),
    };
    Ok(Reply::ephemeral()
        .line(Line(vec![Span::Bold(cat.fmt("challenge-title", &[("theme", (&challenge.theme).into())]))]))
        .text(cat.fmt(key, &with_deadline(ctx, next, [("entries", entries.into())]))))
}

/// `/challenge start <theme>` (admins): opens a challenge now, or queues the
/// theme for the next one while a challenge is running.
pub async fn start(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, theme: &str) -> Result<Reply, CommandError> {
    hold(ctx, tx, PHASE_CHANGE).await?;
    if tx.running_challenge(ctx.community_id).await?.is_some() {
        tx.queue_theme(ctx.community_id, theme).await?;
        return Ok(Reply::ephemeral().text(ctx.catalog.fmt("challenge-queued", &[("theme", theme.into())])));
    }
    Ok(open(ctx, tx, theme).await?)
}

/// `/challenge voting` (admins): ends submissions and posts the entries to
/// vote on, as a scheduled `challenge_voting` would.
pub async fn voting(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    hold(ctx, tx, PHASE_CHANGE).await?;
    match tx.running_challenge(ctx.community_id).await? {
        Some(challenge) if challenge.phase == ChallengePhase::Open => {}
        Some(_) => return Err(CommandError::Refused(cat.text("error-challenge-already-voting"))),
        None => return Err(CommandError::Refused(cat.text("challenge-none"))),
    }
    voting_post(ctx, tx).await?.ok_or_else(|| CommandError::Refused(cat.text("challenge-none")))
}

/// `/challenge close` (admins): ends the running challenge and pays out.
pub async fn close(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>) -> Result<Reply, CommandError> {
    hold(ctx, tx, PHASE_CHANGE).await?;
    let Some(challenge) = tx.running_challenge(ctx.community_id).await? else {
        return Ok(Reply::ephemeral().text(ctx.catalog.text("challenge-none")));
    };
    Ok(results(ctx, tx, &challenge).await?)
}

/// `/challenge history`: the last five challenges and their winners.
pub async fn history(ctx: &Ctx<'_>, reads: &mut dyn ReadModel) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let past = reads.past_challenges(ctx.community_id, HISTORY).await?;
    if past.is_empty() {
        return Ok(Reply::ephemeral().text(cat.text("challenge-history-none")));
    }
    let mut reply = Reply::ephemeral().line(Line(vec![Span::Bold(cat.text("challenge-history-title"))]));
    for challenge in past {
        let winner = challenge.winner.unwrap_or_else(|| cat.text("challenge-history-no-winner"));
        reply.push(Line::plain(
            cat.fmt("challenge-history-line", &[("theme", challenge.theme.into()), ("winner", winner.into())]),
        ));
    }
    Ok(reply)
}

/// `/submit <entry>`: one entry per member; a resubmission replaces it.
pub async fn submit(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, text: &str) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    hold(ctx, tx, ENTRY_OR_VOTE).await?;
    // Their entry is looked for, then replaced or added.
    tx.lock(Lock::Members(&[ctx.member.id])).await?;
    let challenge = match tx.running_challenge(ctx.community_id).await? {
        Some(c) if c.phase == ChallengePhase::Open => c,
        Some(_) => return Err(CommandError::Refused(cat.text("error-challenge-not-open"))),
        None => return Err(CommandError::Refused(cat.text("challenge-none"))),
    };
    let replaced = tx.submit_entry(challenge.id, ctx.member.id, text, ctx.now).await?;
    tx.mark_active(ctx.community_id, &[(ctx.member.id, ctx.today)]).await?;
    let number = tx.entries(challenge.id).await?.iter().find(|e| e.member_id == ctx.member.id).map_or(0, |e| e.number);
    let key = if replaced { "submit-replaced" } else { "submit-done" };
    Ok(Reply::ephemeral()
        .text(cat.fmt(key, &with_deadline(ctx, ScheduleAction::ChallengeVoting, [("number", number.into())]))))
}

/// `/vote <entry>`: one vote per member, changeable, never for one's own entry.
pub async fn vote(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, number: i64) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    hold(ctx, tx, ENTRY_OR_VOTE).await?;
    // Their vote is read (to say whether it changed), then cast.
    tx.lock(Lock::Members(&[ctx.member.id])).await?;
    let challenge = match tx.running_challenge(ctx.community_id).await? {
        Some(c) if c.phase == ChallengePhase::Voting => c,
        Some(_) => return Err(CommandError::Refused(cat.text("error-challenge-not-voting"))),
        None => return Err(CommandError::Refused(cat.text("challenge-none"))),
    };
    let entries = tx.entries(challenge.id).await?;
    let Some(entry) = entries.iter().find(|e| e.number == number) else {
        return Err(CommandError::Refused(
            cat.fmt("error-no-entry", &[("number", number.into()), ("count", entries.len().into())]),
        ));
    };
    if entry.member_id == ctx.member.id {
        return Err(CommandError::Refused(cat.text("error-own-entry")));
    }
    let changed = tx.cast_vote(challenge.id, ctx.member.id, entry.id, ctx.now).await?;
    tx.mark_active(ctx.community_id, &[(ctx.member.id, ctx.today)]).await?;
    let key = if changed { "vote-changed" } else { "vote-done" };
    Ok(Reply::ephemeral().text(cat.fmt(key, &[("number", number.into())])))
}

/// The `challenge_open` post: the next theme, unless a challenge is running.
pub async fn open_post(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Option<Reply>, CommandError> {
    hold(scope, tx, PHASE_CHANGE).await?;
    if tx.running_challenge(scope.community_id).await?.is_some() {
        tracing::warn!(community = %scope.community.id, "challenge_open while a challenge runs: nothing opened");
        return Ok(None);
    }
    let Some(theme) = tx.take_next_theme(scope.community_id, &scope.community.challenge.themes).await? else {
        tracing::warn!(community = %scope.community.id, "challenge_open without themes: nothing opened");
        return Ok(None);
    };
    Ok(Some(open(scope, tx, &theme).await?))
}

/// The `challenge_voting` post: numbered entries and a vote button each.
pub async fn voting_post(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Option<Reply>, CommandError> {
    let cat = scope.catalog;
    hold(scope, tx, PHASE_CHANGE).await?;
    let Some(challenge) = tx.running_challenge(scope.community_id).await? else {
        return Ok(None);
    };
    if challenge.phase != ChallengePhase::Open {
        return Ok(None);
    }
    let entries = tx.entries(challenge.id).await?;
    if entries.is_empty() {
        tx.set_challenge_phase(challenge.id, ChallengePhase::Closed, scope.now).await?;
        return Ok(Some(
            Reply::public().text(cat.fmt("challenge-no-entries", &[("theme", (&challenge.theme).into())])),
        ));
    }
    tx.set_challenge_phase(challenge.id, ChallengePhase::Voting, scope.now).await?;
    let mut reply = Reply::public()
        .line(Line(vec![Span::Bold(cat.fmt("challenge-voting-title", &[("theme", (&challenge.theme).into())]))]));
    for entry in &entries {
        reply.push(Line(vec![
            Span::Plain(format!("{}. ", entry.number)),
            Span::Mention { member_id: entry.member_id, name: entry.member_name.clone() },
            Span::Plain(format!(" — {}", entry.text)),
        ]));
        reply.buttons.push(Button {
            label: cat.fmt("button-vote", &[("number", entry.number.into())]),
            command: format!("/vote {}", entry.number),
        });
    }
    reply
        .push(Line::plain(cat.fmt("challenge-voting-hint", &with_deadline(scope, ScheduleAction::ChallengeClose, []))));
    Ok(Some(reply))
}

/// The `challenge_close` post: results, points paid.
pub async fn close_post(scope: &Scope<'_>, tx: &mut WriteTx<'_>) -> Result<Option<Reply>, CommandError> {
    hold(scope, tx, PHASE_CHANGE).await?;
    match tx.running_challenge(scope.community_id).await? {
        Some(challenge) => Ok(Some(results(scope, tx, &challenge).await?)),
        None => Ok(None),
    }
}

/// Phase changes hold the community's challenge alone; entries and votes share it.
const PHASE_CHANGE: bool = true;
const ENTRY_OR_VOTE: bool = false;

/// Holds the community's challenge until the transaction ends, before the
/// running challenge is read (other processes' commands on it wait or share).
async fn hold(scope: &Scope<'_>, tx: &mut WriteTx<'_>, exclusive: bool) -> anyhow::Result<()> {
    tx.lock(Lock::Challenge { community_id: scope.community_id, exclusive }).await
}

async fn open(scope: &Scope<'_>, tx: &mut WriteTx<'_>, theme: &str) -> anyhow::Result<Reply> {
    let cat = scope.catalog;
    tx.open_challenge(scope.community_id, theme, scope.now).await?;
    let prizes: Vec<String> = scope.community.challenge.winner_points.iter().map(|p| cat.number(*p)).collect();
    Ok(Reply::public().line(Line(vec![Span::Bold(cat.fmt("challenge-open-title", &[("theme", theme.into())]))])).text(
        cat.fmt(
            "challenge-open-body",
            &with_deadline(
                scope,
                ScheduleAction::ChallengeVoting,
                [("entry_points", scope.community.challenge.entry_points.into()), ("prizes", prizes.join("/").into())],
            ),
        ),
    ))
}

/// Closes `challenge`: places entries by votes (ties to the earliest entry),
/// pays `winner_points` by place and `entry_points` to every entry.
async fn results(scope: &Scope<'_>, tx: &mut WriteTx<'_>, challenge: &ChallengeRow) -> anyhow::Result<Reply> {
    let cat = scope.catalog;
    tx.set_challenge_phase(challenge.id, ChallengePhase::Closed, scope.now).await?;
    let entries = tx.entries(challenge.id).await?;
    let title = Line(vec![Span::Bold(cat.fmt("challenge-results-title", &[("theme", (&challenge.theme).into())]))]);
    if entries.is_empty() {
        return Ok(Reply::public().text(cat.fmt("challenge-no-entries", &[("theme", (&challenge.theme).into())])));
    }
    let mut ranked: Vec<&EntryRow> = entries.iter().filter(|e| e.votes > 0).collect();
    ranked.sort_by(|a, b| b.votes.cmp(&a.votes).then(a.id.cmp(&b.id)));
    let prizes = &scope.community.challenge.winner_points;
    let mut reply = Reply::public().line(title);
    for (place, (entry, prize)) in ranked.iter().zip(prizes).enumerate() {
        let place = place as i64 + 1;
        tx.set_entry_place(entry.id, place).await?;
        pay(scope, tx, entry.member_id, *prize, LedgerKind::ChallengeWin, challenge, place).await?;
        reply.push(Line(vec![
            Span::Plain(format!("{} ", MEDALS.get(place as usize - 1).copied().unwrap_or("🏅"))),
            Span::Mention { member_id: entry.member_id, name: entry.member_name.clone() },
            Span::Plain(cat.fmt("challenge-place-line", &[("votes", entry.votes.into()), ("points", (*prize).into())])),
        ]));
    }
    if ranked.is_empty() {
        reply.push(Line::plain(cat.text("challenge-no-votes")));
    }
    let entry_points = scope.community.challenge.entry_points;
    for entry in &entries {
        pay(scope, tx, entry.member_id, entry_points, LedgerKind::ChallengeEntry, challenge, 0).await?;
    }
    reply.push(Line::plain(
        cat.fmt("challenge-participation", &[("points", entry_points.into()), ("entries", entries.len().into())]),
    ));
    for entry in &entries {
        if let Some(member) = tx.member(entry.member_id).await? {
            for badge in badges::award_new(scope, tx, &member).await? {
                reply.push(Line::plain(
                    cat.fmt("badge-earned-by", &[("name", (&member.name).into()), ("badge", Arg::Text(badge))]),
                ));
            }
        }
    }
    Ok(reply)
}

async fn pay(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    member_id: i64,
    points: i64,
    kind: LedgerKind,
    challenge: &ChallengeRow,
    place: i64,
) -> anyhow::Result<()> {
    if points == 0 {
        return Ok(());
    }
    let reason = match kind {
        LedgerKind::ChallengeWin => {
            scope.catalog.fmt("reason-challenge-win", &[("place", place.into()), ("theme", (&challenge.theme).into())])
        }
        _ => scope.catalog.fmt("reason-challenge-entry", &[("theme", (&challenge.theme).into())]),
    };
    tx.append_ledger(NewLedgerEntry {
        community_id: scope.community_id,
        member_id,
        delta: points,
        kind,
        reason: &reason,
        at: scope.now,
        local_day: scope.today,
        idempotency_key: &format!("{}:{}:{member_id}", kind.as_str(), challenge.id),
        actor_member_id: None,
    })
    .await?;
    Ok(())
}

/// `args` and when the next phase begins: `$by` is `schedule` with
/// `$deadline` the next slot of a schedule with `action` in local time, or
/// `admin` when no schedule moves the challenge on (the catalog words
/// each case as a sentence of its own).
fn with_deadline<const N: usize>(
    scope: &Scope<'_>,
    action: ScheduleAction,
    args: [(&'static str, Arg); N],
) -> Vec<(&'static str, Arg)> {
    let next = scope
        .community
        .schedules
        .iter()
        .filter(|s| s.action == action)
        .filter_map(|s| next_slot(&s.cron, scope.tz(), scope.now))
        .map(|slot| slot.at)
        .min();
    let (by, deadline) = match next {
        Some(at) => ("schedule", scope.local_time(at)),
        None => ("admin", String::new()),
    };
    let mut all = vec![("by", Arg::from(by)), ("deadline", Arg::Text(deadline))];
    all.extend(args);
    all
}
