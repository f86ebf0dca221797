//! Topic prompts: `/topic`, suggestions and approvals, the scheduled topic
//! post (a shuffle bag), and points for replying to the current topic.

use crate::i18n::Arg;
use crate::reply::{Line, Reply, Span};
use crate::store::{LedgerKind, Lock, NewLedgerEntry, ReadModel, TopicAdded, WriteTx};

use super::{CommandError, Ctx, Scope};

/// `/topic`: the current topic and when it was posted.
pub async fn show(ctx: &Ctx<'_>, reads: &mut dyn ReadModel) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    Ok(match reads.current_topic(ctx.community_id).await? {
        Some(topic) => Reply::ephemeral()
            .line(Line(vec![Span::Bold(cat.text("topic-current-title"))]))
            .text(topic.text)
            .text(cat.fmt(
                "topic-current-since",
                &[
                    ("posted", ctx.local_time(topic.posted_at).into()),
                    ("points", ctx.community.topics.reply_points.into()),
                ],
            )),
        None => Reply::ephemeral().text(cat.text("topic-none")),
    })
}

/// `/topic suggest <text>` (members) and `/topic add <text>` (admins).
pub async fn add(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, text: &str, by_admin: bool) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let added = tx.add_topic(ctx.community_id, text, Some(ctx.member.id), !by_admin, ctx.now).await?;
    let message = match (added, by_admin) {
        (TopicAdded::Exists(id), _) => cat.fmt("topic-exists", &[("id", id.into())]),
        (TopicAdded::New(id), true) => cat.fmt("topic-added", &[("id", id.into())]),
        (TopicAdded::New(id), false) => cat.fmt("topic-suggested", &[("id", id.into())]),
    };
    Ok(Reply::ephemeral().text(message))
}

/// `/topic approve <id>` (admins).
pub async fn approve(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, id: i64) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    Ok(match tx.approve_topic(ctx.community_id, id).await? {
        Some(text) => {
            Reply::ephemeral().text(cat.fmt("topic-approved", &[("id", id.into()), ("text", Arg::Text(text))]))
        }
        None => Reply::ephemeral().text(cat.fmt("topic-no-suggestion", &[("id", id.into())])),
    })
}

/// The scheduled topic post: the next topic from the bag, or `None` when the
/// community has no topics at all.
pub async fn post(
    scope: &Scope<'_>,
    tx: &mut WriteTx<'_>,
    schedule_id: &str,
    slot: &str,
) -> anyhow::Result<Option<Reply>> {
    // Two draws at once (another process's slot, a /post) would read the same bag.
    tx.lock(Lock::TopicBag { community_id: scope.community_id }).await?;
    let (mut left, round) = tx.topics_left_in_bag(scope.community_id).await?;
    // A new round of the bag never opens with the topic that closed the last one.
    if left.len() > 1
        && let Some(current) = tx.current_topic(scope.community_id).await?
    {
        left.retain(|t| t.id != current.topic_id);
    }
    if left.is_empty() {
        tracing::warn!(community = %scope.community.id, schedule = schedule_id, "no topics to post");
        return Ok(None);
    }
    // Deterministic per slot, spread over the bag: the same slot always draws
    // the same topic, different slots look shuffled.
    let pick = &left[(fnv1a(&format!("{}:{slot}", scope.community_id)) % left.len() as u64) as usize];
    tx.record_topic_post(scope.community_id, pick.id, round + 1, schedule_id, slot, scope.now).await?;
    let cat = scope.catalog;
    let mut post = Reply::public()
        .line(Line(vec![Span::Bold(cat.text("topic-post-title"))]))
        .text(pick.text.clone())
        .text(cat.fmt("topic-post-hint", &[("points", scope.community.topics.reply_points.into())]));
    if scope.community.topics.thread {
        post.thread = Some(pick.text.clone());
    }
    Ok(Some(post))
}

/// A reply to the bot's post `message_id`: points once per member and topic,
/// if the post is the current topic. `None` when the reply earns nothing.
pub async fn reply(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, message_id: &str) -> anyhow::Result<Option<Reply>> {
    let Some(post_id) = tx.topic_post_for_message(ctx.community_id, ctx.platform().as_str(), message_id).await? else {
        return Ok(None);
    };
    let Some(current) = tx.current_topic(ctx.community_id).await? else {
        return Ok(None);
    };
    let points = ctx.community.topics.reply_points;
    if current.post_id != post_id || points == 0 {
        return Ok(None);
    }
    let reason = ctx.catalog.text("reason-topic-reply");
    let paid = tx
        .append_ledger(NewLedgerEntry {
            community_id: ctx.community_id,
            member_id: ctx.member.id,
            delta: points,
            kind: LedgerKind::TopicReply,
            reason: &reason,
            at: ctx.now,
            local_day: ctx.today,
            idempotency_key: &format!("topic_reply:{}:{post_id}", ctx.member.id),
            actor_member_id: None,
        })
        .await?;
    if !paid {
        return Ok(None);
    }
    let mut reply = Reply::ephemeral().text(ctx.catalog.fmt("topic-reply-points", &[("points", points.into())]));
    for badge in super::badges::award_new(ctx, tx, &ctx.member).await? {
        reply.push(Line::plain(ctx.catalog.fmt("badge-earned", &[("badge", Arg::Text(badge))])));
    }
    Ok(Some(reply))
}

/// FNV-1a: a small, stable hash (std's hasher is not stable across releases).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}
