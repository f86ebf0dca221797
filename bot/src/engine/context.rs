//! What handlers know: the community and the time (`Scope`), and for a
//! member's command also the asker (`Ctx`, which derefs to its `Scope`).

use std::ops::Deref;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Actor, Platform, Request};
use crate::config::CommunityConfig;
use crate::domain::day::DayBoundary;
use crate::domain::streak::FreezeRules;
use crate::i18n::Catalog;
use crate::store::{IdentityKey, MemberRow, NewMember, ReadModel, WriteTx};

/// A community at one instant.
pub struct Scope<'a> {
    pub community: &'a CommunityConfig,
    pub catalog: &'a Catalog,
    pub community_id: i64,
    pub now: DateTime<Utc>,
    pub days: DayBoundary,
    /// The community's local day at `now`.
    pub today: NaiveDate,
}

impl<'a> Scope<'a> {
    pub fn new(community: &'a CommunityConfig, community_id: i64, catalog: &'a Catalog, now: DateTime<Utc>) -> Self {
        let days = DayBoundary::new(community.timezone, community.checkin.day_starts_at);
        Scope { community, catalog, community_id, now, days, today: days.day_of(now) }
    }

    pub fn tz(&self) -> Tz {
        self.community.timezone
    }

    pub fn freeze_rules(&self) -> FreezeRules {
        FreezeRules { every: self.community.checkin.freeze_every, max: self.community.checkin.max_freezes }
    }

    /// A local time in the community's zone, formatted for its locale.
    pub fn local_time(&self, t: DateTime<Utc>) -> String {
        self.catalog.datetime(t.with_timezone(&self.tz()))
    }

    /// When the next local day, and so the next check-in, begins.
    pub fn next_day_opens(&self) -> String {
        self.local_time(self.days.next_day_start(self.now))
    }
}

/// A member's command in its community.
pub struct Ctx<'a> {
    pub scope: Scope<'a>,
    pub actor: &'a Actor,
    /// The asker's member row, created on their first command.
    pub member: MemberRow,
    /// Admin commands never reach a handler for a non-admin (the router
    /// refuses them); handlers read this only to word things (`/help`).
    pub is_admin: bool,
    pub event_id: Option<&'a str>,
}

impl<'a> Deref for Ctx<'a> {
    type Target = Scope<'a>;

    fn deref(&self) -> &Scope<'a> {
        &self.scope
    }
}

impl<'a> Ctx<'a> {
    pub async fn open(tx: &mut WriteTx<'_>, scope: Scope<'a>, request: &'a Request) -> anyhow::Result<Ctx<'a>> {
        let actor = &request.actor;
        let member = members_of(tx, &scope, &[actor]).await?.pop().context("no member row for the asker")?;
        let is_admin = is_admin(scope.community, actor);
        Ok(Ctx { scope, actor, member, is_admin, event_id: request.event_id.as_deref() })
    }

    /// The asker's context without writing: `None` when their member row is
    /// missing or carries another name, which only the writer may fix.
    pub async fn existing(
        reads: &mut dyn ReadModel,
        scope: Scope<'a>,
        request: &'a Request,
    ) -> anyhow::Result<Option<Ctx<'a>>> {
        let actor = &request.actor;
        let identity = identity_of(actor);
        let Some(member) = reads.member_by_identity(scope.community_id, &identity).await? else {
            return Ok(None);
        };
        if member.name != actor.display_name {
            return Ok(None);
        }
        let is_admin = is_admin(scope.community, actor);
        Ok(Some(Ctx { scope, actor, member, is_admin, event_id: request.event_id.as_deref() }))
    }

    pub fn platform(&self) -> Platform {
        self.actor.platform
    }
}

/// The member row of each actor, in order, looked up in one statement; a
/// first-time actor gets a row, a renamed one's name is updated.
pub async fn members_of(tx: &mut WriteTx<'_>, scope: &Scope<'_>, actors: &[&Actor]) -> anyhow::Result<Vec<MemberRow>> {
    let identities: Vec<IdentityKey> = actors.iter().map(|actor| identity_of(actor)).collect();
    let mut known = tx.members_by_identities(scope.community_id, &identities).await?;
    let mut members = Vec::with_capacity(actors.len());
    for (actor, identity) in actors.iter().zip(identities) {
        let member = match known.get(&identity) {
            Some(member) if member.name == actor.display_name => member.clone(),
            Some(member) => {
                tx.rename_member(member.id, &actor.display_name).await?;
                MemberRow { name: actor.display_name.clone(), ..member.clone() }
            }
            None => {
                tx.create_member(NewMember {
                    community_id: scope.community_id,
                    identity: &identity,
                    name: &actor.display_name,
                    is_bot: actor.is_bot,
                    now: scope.now,
                    local_day: scope.today,
                })
                .await?
            }
        };
        known.insert(identity, member.clone());
        members.push(member);
    }
    Ok(members)
}

fn identity_of(actor: &Actor) -> IdentityKey {
    IdentityKey { platform: actor.platform.as_str().to_string(), user_id: actor.user_id.clone() }
}

/// Whether `actor` administers `community`: the platform says so, or the
/// config's `admins` list names the account.
pub fn is_admin(community: &CommunityConfig, actor: &Actor) -> bool {
    actor.is_platform_admin || listed_admin(community, actor)
}

/// Whether the community's `admins` list names this account.
pub fn listed_admin(community: &CommunityConfig, actor: &Actor) -> bool {
    community.admins.iter().any(|a| a.platform == actor.platform.as_str() && a.user_id == actor.user_id)
}
