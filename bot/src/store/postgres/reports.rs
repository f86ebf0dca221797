#![allow(unused_variables)] // filled in area by area; every stub says so when called

use chrono::{DateTime, NaiveDate, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{Board, MemberActivity, ReportsStore, ReportsTx, Standing, TotalsMismatch};

#[async_trait::async_trait]
impl ReportsTx for PgTx<'_> {
    async fn top_all_time(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<Standing>> {
        Err(not_yet("top_all_time"))
    }

    async fn rank_all_time(&mut self, community_id: i64, member_id: i64) -> anyhow::Result<Option<Standing>> {
        Err(not_yet("rank_all_time"))
    }

    async fn top_of_board(&mut self, community_id: i64, board: &Board, limit: i64) -> anyhow::Result<Vec<Standing>> {
        Err(not_yet("top_of_board"))
    }

    async fn rank_on_board(
        &mut self,
        community_id: i64,
        member_id: i64,
        board: &Board,
    ) -> anyhow::Result<Option<Standing>> {
        Err(not_yet("rank_on_board"))
    }

    async fn top_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>> {
        Err(not_yet("top_between"))
    }

    async fn top_on_days(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        last: NaiveDate,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>> {
        Err(not_yet("top_on_days"))
    }

    async fn rank_between(
        &mut self,
        community_id: i64,
        member_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Option<Standing>> {
        Err(not_yet("rank_between"))
    }

    async fn member_activity(&mut self, community_id: i64) -> anyhow::Result<Vec<MemberActivity>> {
        Err(not_yet("member_activity"))
    }

    async fn checkins_per_member(
        &mut self,
        community_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> anyhow::Result<Vec<(i64, i64)>> {
        Err(not_yet("checkins_per_member"))
    }

    async fn active_members_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Vec<i64>> {
        Err(not_yet("active_members_between"))
    }

    async fn active_members_on_days(
        &mut self,
        community_id: i64,
        days: (NaiveDate, NaiveDate),
        span: (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<Vec<i64>> {
        Err(not_yet("active_members_on_days"))
    }
}

#[async_trait::async_trait]
impl ReportsStore for PgStore {
    async fn check_totals(&self) -> anyhow::Result<Vec<TotalsMismatch>> {
        Err(not_yet("check_totals"))
    }

    async fn rebuild_totals(&self) -> anyhow::Result<()> {
        Err(not_yet("rebuild_totals"))
    }
}
