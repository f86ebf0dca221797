#![allow(unused_variables)] // filled in area by area; every stub says so when called

use chrono::{DateTime, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{CursorKey, OutboxPost, ScheduleCursors, ScheduleStore, ScheduleTx};

#[async_trait::async_trait]
impl ScheduleTx for PgTx<'_> {
    async fn schedule_cursor(&mut self, community_id: i64, schedule_id: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
        Err(not_yet("schedule_cursor"))
    }

    async fn set_schedule_cursor(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        until: DateTime<Utc>,
        timing: &str,
    ) -> anyhow::Result<()> {
        Err(not_yet("set_schedule_cursor"))
    }

    async fn start_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("start_schedule_cursors"))
    }

    async fn restart_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("restart_schedule_cursors"))
    }

    async fn claim_slot(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        Err(not_yet("claim_slot"))
    }

    async fn manual_claims(&mut self, community_id: i64, schedule_id: &str) -> anyhow::Result<i64> {
        Err(not_yet("manual_claims"))
    }

    async fn enqueue_post(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        target: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        Err(not_yet("enqueue_post"))
    }

    async fn checkins_on(&mut self, community_id: i64, day: &str) -> anyhow::Result<(i64, i64)> {
        Err(not_yet("checkins_on"))
    }
}

#[async_trait::async_trait]
impl ScheduleStore for PgStore {
    async fn schedule_cursors(&self) -> anyhow::Result<ScheduleCursors> {
        Err(not_yet("schedule_cursors"))
    }

    async fn claimed_slots(&self, community: &str) -> anyhow::Result<Vec<(String, String)>> {
        Err(not_yet("claimed_slots"))
    }

    async fn pending_posts(
        &self,
        target: &str,
        community: &str,
        now: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<Vec<OutboxPost>> {
        Err(not_yet("pending_posts"))
    }

    async fn outbox_counts(&self) -> anyhow::Result<Vec<(String, String, i64)>> {
        Err(not_yet("outbox_counts"))
    }

    async fn mark_sent(&self, id: i64, message_id: Option<&str>, now: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("mark_sent"))
    }

    async fn mark_attempt_failed(&self, id: i64, reason: &str, retry_at: Option<DateTime<Utc>>) -> anyhow::Result<()> {
        Err(not_yet("mark_attempt_failed"))
    }
}
