use crate::domain::streak::StreakState;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A platform account: which member speaks when this account speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentityKey {
    pub platform: String,
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub is_bot: bool,
    pub streak: StreakState,
    pub best_streak: u32,
}

/// A member's streak after a check-in.
pub struct SavedStreak {
    pub member_id: i64,
    pub state: StreakState,
    pub best: u32,
}

pub struct NewMember<'a> {
    pub community_id: i64,
    pub identity: &'a IdentityKey,
    pub name: &'a str,
    pub is_bot: bool,
    pub now: DateTime<Utc>,
    /// The community's local day at `now`: the member's cohort.
    pub local_day: chrono::NaiveDate,
}

/// How `/forgetme` words what stays behind (see `WriteTx::forget_member`).
pub struct Forget<'a> {
    pub now: DateTime<Utc>,
    /// Reasons that would name the member, in every locale.
    pub named_reasons: &'a [String],
    pub anonymous_reason: &'a str,
    /// The member's name as it appears inside a stored post's JSON.
    pub name_in_posts: &'a str,
    /// A post's body (JSON) → the body to keep.
    pub rewrite_post: &'a (dyn Fn(&str) -> String + Send + Sync),
}

#[async_trait::async_trait]
pub trait MembersRead: Send + Sync {
    async fn member_by_identity(
        &mut self,
        community_id: i64,
        identity: &IdentityKey,
    ) -> anyhow::Result<Option<MemberRow>> {
        Ok(self.members_by_identities(community_id, std::slice::from_ref(identity)).await?.remove(identity))
    }

    /// The members behind `identities` in one community, in one statement;
    /// identities nobody has used yet are absent.
    async fn members_by_identities(
        &mut self,
        community_id: i64,
        identities: &[IdentityKey],
    ) -> anyhow::Result<HashMap<IdentityKey, MemberRow>>;

    async fn member(&mut self, member_id: i64) -> anyhow::Result<Option<MemberRow>>;

    /// Badge ids the member holds, oldest first.
    async fn badges_of(&mut self, member_id: i64) -> anyhow::Result<Vec<String>> {
        Ok(self.badges_held(&[member_id]).await?.remove(&member_id).unwrap_or_default())
    }

    /// Badge ids each of `members` holds, oldest first; members without
    /// badges are absent.
    async fn badges_held(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, Vec<String>>>;
}

#[async_trait::async_trait]
pub trait MembersTx: MembersRead {
    /// Creates the member of `new.identity`, or returns the one another
    /// process created for it since the caller looked (PostgreSQL).
    async fn create_member(&mut self, new: NewMember<'_>) -> anyhow::Result<MemberRow>;

    async fn rename_member(&mut self, member_id: i64, name: &str) -> anyhow::Result<()>;

    /// Stores the streak state of many members in one statement.
    async fn save_streaks(&mut self, streaks: &[SavedStreak]) -> anyhow::Result<()>;

    /// Records badges the members do not hold yet (`badges_held` says which).
    async fn award_badges(&mut self, awards: &[(i64, &str)], now: DateTime<Utc>) -> anyhow::Result<()>;

    /// Deletes the member with everything that is theirs: identities,
    /// check-ins, ledger rows, totals and badges (by cascade), and the
    /// platform handles that pointed at them (unless another community still
    /// knows that account). Rows they caused in other members' ledgers stay,
    /// with their delta, and lose their actor: `forget.named_reasons` are the
    /// reasons that named them (the default give wording), replaced by
    /// `forget.anonymous_reason`. Posts in the outbox that name them are
    /// handed back through `forget.rewrite_post` and stored as it returns them.
    async fn forget_member(&mut self, member_id: i64, forget: &Forget<'_>) -> anyhow::Result<()>;
}

#[async_trait::async_trait]
pub trait MembersStore: Send + Sync {
    /// Every `table.column` whose text holds `needle` somewhere, for tests
    /// that prove a forgotten member left no trace.
    async fn columns_containing(&self, needle: &str) -> anyhow::Result<Vec<String>>;
}
