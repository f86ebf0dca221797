//! Naming other members, and `/forgetme`.

use crate::command::MemberRef;
use crate::config::Locale;
use crate::i18n::Catalog;
use crate::reply::{Reply, Span};
use crate::store::{Forget, IdentityKey, MemberRow, NewMember, ReadModel, WriteTx};

use super::{CommandError, Ctx, Platform};

/// The member a command names, as far as reading can tell.
pub enum Named {
    Member(MemberRow),
    /// An identity the platform resolved that has no member here yet.
    New {
        identity: IdentityKey,
        name: String,
        is_bot: bool,
    },
}

/// The member a command names. `@name` must be someone the bot has seen on
/// the asker's platform; an identity the platform resolved is created on first use.
pub async fn resolve(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, target: &MemberRef) -> Result<MemberRow, CommandError> {
    match find(ctx, tx.reads(), target).await? {
        Named::Member(member) => Ok(member),
        Named::New { identity, name, is_bot } => Ok(tx
            .create_member(NewMember {
                community_id: ctx.community_id,
                identity: &identity,
                name: &name,
                is_bot,
                now: ctx.now,
                local_day: ctx.today,
            })
            .await?),
    }
}

/// `resolve` without writing: a named identity seen for the first time is
/// `Named::New` (only the writer may create its member).
pub async fn find(ctx: &Ctx<'_>, reads: &mut dyn ReadModel, target: &MemberRef) -> Result<Named, CommandError> {
    match target {
        MemberRef::Handle(name) if ctx.platform() == Platform::Console => {
            let identity = IdentityKey { platform: ctx.platform().as_str().to_string(), user_id: name.clone() };
            let member = reads.member_by_identity(ctx.community_id, &identity).await?;
            Ok(Named::Member(member.ok_or_else(|| CommandError::UnknownMember(name.clone()))?))
        }
        // Elsewhere a handle is an @username the adapter has seen on a user.
        MemberRef::Handle(name) => {
            let platform = ctx.platform().as_str();
            let owner =
                reads.handle_owner(platform, name).await?.ok_or_else(|| CommandError::UnknownMember(name.clone()))?;
            let identity = MemberRef::Identity {
                platform: platform.to_string(),
                user_id: owner.user_id,
                display_name: owner.display_name,
                is_bot: owner.is_bot,
            };
            Box::pin(find(ctx, reads, &identity)).await
        }
        MemberRef::Identity { platform, user_id, display_name, is_bot } => {
            let identity = IdentityKey { platform: platform.clone(), user_id: user_id.clone() };
            Ok(match reads.member_by_identity(ctx.community_id, &identity).await? {
                Some(member) => Named::Member(member),
                None => Named::New { identity, name: display_name.clone(), is_bot: *is_bot },
            })
        }
    }
}

pub async fn forget_me(ctx: &mut Ctx<'_>, tx: &mut WriteTx<'_>, confirm: bool) -> Result<Reply, CommandError> {
    if !confirm {
        return Ok(Reply::ephemeral().text(ctx.catalog.text("forgetme-ask")));
    }
    let name = ctx.member.name.clone();
    // The default give reason named the giver, in whichever locale the
    // community had then.
    let named_reasons: Vec<String> = [Locale::En, Locale::ZhCn]
        .into_iter()
        .map(|locale| Catalog::new(locale).fmt("reason-peer-award", &[("giver", (&name).into())]))
        .collect();
    let anonymous_reason = ctx.catalog.text("reason-peer-award-anonymous");
    let anonymous_name = ctx.catalog.text("member-forgotten");
    let member_id = ctx.member.id;
    let rewrite = |body: &str| forget_in_post(body, member_id, &name, &anonymous_name);
    let in_json = serde_json::to_string(&name).unwrap_or_default();
    let name_in_posts = in_json.trim_matches('"');
    let forget = Forget {
        now: ctx.now,
        named_reasons: &named_reasons,
        anonymous_reason: &anonymous_reason,
        name_in_posts,
        rewrite_post: &rewrite,
    };
    tx.forget_member(member_id, &forget).await?;
    Ok(Reply::ephemeral().text(ctx.catalog.text("forgetme-done")))
}

/// A stored post without the forgotten member: a mention of them becomes
/// `anonymous`, and a line that still holds their name in its text is left
/// out (a reminder or digest listed them among others).
fn forget_in_post(body: &str, member_id: i64, name: &str, anonymous: &str) -> String {
    let Ok(mut post) = serde_json::from_str::<Reply>(body) else {
        tracing::warn!("a stored post is not a reply; kept as it is");
        return body.to_string();
    };
    for line in &mut post.lines {
        for span in &mut line.0 {
            if let Span::Mention { member_id: id, name: shown } = span
                && *id == member_id
            {
                *shown = anonymous.to_string();
            }
        }
    }
    post.lines.retain(|line| !line.0.iter().any(|span| span.text().contains(name)));
    serde_json::to_string(&post).unwrap_or_else(|_| body.to_string())
}
