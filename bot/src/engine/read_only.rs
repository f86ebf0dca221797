//! Read-only commands answered from the read model, beside the writer.
//!
//! `/leaderboard`, `/profile`, `/streak`, `/stats`, `/help`, `/topic`,
//! `/challenge` and `/challenge history` write nothing once the asker's
//! member row exists under their current name, so they read a view of
//! committed data on a reader connection instead of joining the writer's
//! batch: under a burst of check-ins they neither wait for the group commit
//! nor make it longer. Whatever would write takes the writer path as
//! before: the asker's first command or a new display name (the writer
//! creates or renames the row first), or `/profile` naming someone seen for
//! the first time. The handlers are the writer path's own, so the answer is
//! the same byte for byte.
//!
//! A command from the inbox is answered here too, and its row is marked
//! done through the writer (`update_done`) before the answer goes out; one
//! that was done already (another process or an earlier run answered it)
//! gets an empty reply, as on the writer path.

use super::{CommandError, Ctx, Engine, Request, Scope, Served, challenges, context, help, members, profile, stats};
use super::{error, topics};
use crate::command::Command;
use crate::config::CommunityConfig;
use crate::i18n::Catalog;
use crate::metrics::Outcome;
use crate::reply::Reply;
use crate::store::{InboxKey, ReadModel};

/// Whether `command` can be answered without writing (given the asker's row).
pub fn is_read_only(command: &Command) -> bool {
    matches!(
        command,
        Command::Streak
            | Command::Profile { .. }
            | Command::Leaderboard { .. }
            | Command::Help
            | Command::Stats
            | Command::Topic
            | Command::Challenge
            | Command::ChallengeHistory
    )
}

/// The answer of a read-only command from `reads`; `None` when it must
/// write after all (a member it names has no row yet) or is not read-only.
async fn answer(ctx: &Ctx<'_>, reads: &mut dyn ReadModel, command: &Command) -> Result<Option<Reply>, CommandError> {
    Ok(Some(match command {
        Command::Streak => profile::streak(ctx),
        Command::Profile { member: None } => profile::profile(ctx, reads, ctx.member.clone()).await?,
        Command::Profile { member: Some(target) } => match members::find(ctx, reads, target).await? {
            members::Named::Member(member) => profile::profile(ctx, reads, member).await?,
            members::Named::New { .. } => return Ok(None),
        },
        Command::Leaderboard { window } => profile::leaderboard(ctx, reads, *window).await?,
        Command::Help => help::help(ctx),
        Command::Stats => stats::stats(ctx, reads).await?,
        Command::Topic => topics::show(ctx, reads).await?,
        Command::Challenge => challenges::show(ctx, reads).await?,
        Command::ChallengeHistory => challenges::history(ctx, reads).await?,
        _ => return Ok(None),
    }))
}

impl Engine {
    /// Answers a read-only command from the read model. `None` when it has
    /// to take the writer path: the asker has no row or another name, a
    /// named member is new, or the read model could not be read (logged;
    /// the writer path then answers as it always did).
    pub(super) async fn answer_read_only(
        &self,
        served: &Served,
        community: &CommunityConfig,
        catalog: &Catalog,
        request: &Request,
        inbox: Option<InboxKey>,
    ) -> Option<(Reply, Outcome)> {
        let (reply, outcome) = self.read_only_reply(served, community, catalog, request).await?;
        // The view is closed by now: an in-memory database's view holds the
        // writer, which marking the update done needs.
        let Some(key) = inbox else {
            return Some((reply, outcome));
        };
        Some(match self.update_done(key).await {
            Some(true) => (reply, outcome),
            // Answered elsewhere already: its answer went out there.
            Some(false) => (Reply::default(), Outcome::Refused),
            None => (Reply::ephemeral().text(catalog.text("error-internal")), Outcome::Error),
        })
    }

    async fn read_only_reply(
        &self,
        served: &Served,
        community: &CommunityConfig,
        catalog: &Catalog,
        request: &Request,
    ) -> Option<(Reply, Outcome)> {
        // The router's admin gate, before anything is read, as on the writer path.
        if request.command.is_admin_only() && !context::is_admin(community, &request.actor) {
            return Some((CommandError::NotAdmin.to_reply(catalog), Outcome::Refused));
        }
        let community_id = served.community_id(community).ok()?;
        let mut reads = match self.inner.store.read_model().await {
            Ok(reads) => reads,
            Err(error) => {
                tracing::warn!(error = ?error, "the read model is unavailable; answering through the writer");
                return None;
            }
        };
        let scope = Scope::new(community, community_id, catalog, self.now());
        let ctx = match Ctx::existing(&mut *reads, scope, request).await {
            Ok(ctx) => ctx?,
            Err(error) => {
                tracing::warn!(error = ?error, "reading the asker failed; answering through the writer");
                return None;
            }
        };
        match answer(&ctx, &mut *reads, &request.command).await {
            Ok(reply) => reply.map(|reply| (reply, Outcome::Ok)),
            Err(refusal) => {
                error::log_unknown(community, &request.command, &refusal);
                let outcome =
                    if matches!(refusal, CommandError::Unknown(_)) { Outcome::Error } else { Outcome::Refused };
                Some((refusal.to_reply(catalog), outcome))
            }
        }
    }
}
