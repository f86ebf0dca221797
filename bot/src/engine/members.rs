//! Naming other members, and `/forgetme`.

use crate::command::MemberRef;
use crate::reply::Reply;
use crate::store::{IdentityKey, MemberRow, NewMember, WriteTx};

use super::{CommandError, Ctx, Platform};

/// The member a command names. `@name` must be someone the bot has seen on
/// the asker's platform; an identity the platform resolved is created on first use.
pub async fn resolve(ctx: &Ctx<'_>, tx: &mut WriteTx<'_>, target: &MemberRef) -> Result<MemberRow, CommandError> {
    match target {
        MemberRef::Handle(name) if ctx.platform() == Platform::Console => {
            let identity = IdentityKey { platform: ctx.platform().as_str().to_string(), user_id: name.clone() };
            tx.member_by_identity(ctx.community_id, &identity)
                .await?
                .ok_or_else(|| CommandError::UnknownMember(name.clone()))
        }
        // Elsewhere a handle is an @username the adapter has seen on a user.
        MemberRef::Handle(name) => {
            let platform = ctx.platform().as_str();
            let owner =
                tx.handle_owner(platform, name).await?.ok_or_else(|| CommandError::UnknownMember(name.clone()))?;
            let identity = MemberRef::Identity {
                platform: platform.to_string(),
                user_id: owner.user_id,
                display_name: owner.display_name,
                is_bot: owner.is_bot,
            };
            Box::pin(resolve(ctx, tx, &identity)).await
        }
        MemberRef::Identity { platform, user_id, display_name, is_bot } => {
            let identity = IdentityKey { platform: platform.clone(), user_id: user_id.clone() };
            if let Some(member) = tx.member_by_identity(ctx.community_id, &identity).await? {
                return Ok(member);
            }
            Ok(tx
                .create_member(NewMember {
                    community_id: ctx.community_id,
                    identity: &identity,
                    name: display_name,
                    is_bot: *is_bot,
                    now: ctx.now,
                })
                .await?)
        }
    }
}

pub async fn forget_me(ctx: &mut Ctx<'_>, tx: &mut WriteTx<'_>, confirm: bool) -> Result<Reply, CommandError> {
    if !confirm {
        return Ok(Reply::ephemeral().text(ctx.catalog.text("forgetme-ask")));
    }
    tx.forget_member(ctx.member.id).await?;
    Ok(Reply::ephemeral().text(ctx.catalog.text("forgetme-done")))
}
