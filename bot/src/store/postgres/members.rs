#![allow(unused_variables)] // filled in area by area; every stub says so when called

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{Forget, IdentityKey, MemberRow, MembersStore, MembersTx, NewMember, SavedStreak};

#[async_trait::async_trait]
impl MembersTx for PgTx<'_> {
    async fn members_by_identities(
        &mut self,
        community_id: i64,
        identities: &[IdentityKey],
    ) -> anyhow::Result<HashMap<IdentityKey, MemberRow>> {
        Err(not_yet("members_by_identities"))
    }

    async fn member(&mut self, member_id: i64) -> anyhow::Result<Option<MemberRow>> {
        Err(not_yet("member"))
    }

    async fn create_member(&mut self, new: NewMember<'_>) -> anyhow::Result<MemberRow> {
        Err(not_yet("create_member"))
    }

    async fn rename_member(&mut self, member_id: i64, name: &str) -> anyhow::Result<()> {
        Err(not_yet("rename_member"))
    }

    async fn save_streaks(&mut self, streaks: &[SavedStreak]) -> anyhow::Result<()> {
        Err(not_yet("save_streaks"))
    }

    async fn badges_held(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, Vec<String>>> {
        Err(not_yet("badges_held"))
    }

    async fn award_badges(&mut self, awards: &[(i64, &str)], now: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("award_badges"))
    }

    async fn forget_member(&mut self, member_id: i64, forget: &Forget<'_>) -> anyhow::Result<()> {
        Err(not_yet("forget_member"))
    }
}

#[async_trait::async_trait]
impl MembersStore for PgStore {
    async fn columns_containing(&self, needle: &str) -> anyhow::Result<Vec<String>> {
        Err(not_yet("columns_containing"))
    }
}
