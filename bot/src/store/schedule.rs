use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Every schedule's cursor, by (community id, schedule id).
pub type ScheduleCursors = HashMap<(i64, String), ScheduleCursor>;

/// How far a schedule has been looked at, and under which times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleCursor {
    pub checked_until: DateTime<Utc>,
    /// Cron expression and timezone the cursor was counted under (see
    /// migration 0009); `None` for a cursor older than that.
    pub timing: Option<String>,
}

/// A schedule named for a cursor write: (community id, schedule id, timing).
pub type CursorKey<'a> = (i64, &'a str, String);

/// Cursors by (community id, schedule id): until when each was looked at.
pub type CursorsOf = std::collections::HashMap<(i64, String), DateTime<Utc>>;

/// A post waiting in the outbox for one delivery target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPost {
    pub id: i64,
    pub community: String,
    pub schedule_id: String,
    /// The post as a JSON `Reply`.
    pub body: String,
    pub attempts: i64,
}

#[async_trait::async_trait]
pub trait ScheduleTx: Send + Sync {
    /// Until when each of `schedules` (community id, schedule id) has been
    /// looked at, in one statement; a schedule never seen is missing.
    async fn schedule_cursors_of(&mut self, schedules: &[(i64, &str)]) -> anyhow::Result<CursorsOf>;

    /// Gives each schedule without a cursor one at `at` (first sight: slots
    /// before it never fire); a cursor that exists only records its timing
    /// if it had none.
    async fn start_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()>;

    /// Moves the cursors of `schedules` to `at`, creating missing ones: a
    /// schedule whose times changed starts over, like a new one.
    async fn restart_schedule_cursors(&mut self, schedules: &[CursorKey<'_>], at: DateTime<Utc>) -> anyhow::Result<()>;

    /// Claims a slot; false if it was claimed before (it must not fire again).
    async fn claim_slot(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// How many slots of a schedule were claimed by `/post` (slot keys
    /// beginning `manual:`): the next manual slot's number comes from it.
    async fn manual_claims(&mut self, community_id: i64, schedule_id: &str) -> anyhow::Result<i64>;

    /// Queues a post for one delivery target.
    async fn enqueue_post(
        &mut self,
        community_id: i64,
        schedule_id: &str,
        slot: &str,
        target: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Check-ins on local day `day` and members in the community (reminders).
    async fn checkins_on(&mut self, community_id: i64, day: &str) -> anyhow::Result<(i64, i64)>;
}

#[async_trait::async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Every schedule's cursor in one statement, outside a transaction: a
    /// wake-up decides in memory which schedules have a slot due.
    async fn schedule_cursors(&self) -> anyhow::Result<ScheduleCursors>;

    /// The claimed slots of `community` (its id in the config) as
    /// (schedule id, slot), in claim order: what has fired there. Claims
    /// made at the same instant come by due time, then schedule and slot.
    async fn claimed_slots(&self, community: &str) -> anyhow::Result<Vec<(String, String)>>;

    /// Takes up to `limit` posts due for `target` in `community`, oldest
    /// first, for `holder` (naming the process, for operators) to deliver:
    /// each is leased until `lease_until`, and no taker gets it again before
    /// then, another process on the same database included. A post whose
    /// lease ran out unrecorded (its holder died) is due again. `mark_sent`
    /// and `mark_attempt_failed` end the lease.
    async fn lease_pending_posts(
        &self,
        target: &str,
        community: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        holder: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<OutboxPost>>;

    /// Outbox rows by target and status: `(target, status, count)`, in that
    /// order. A leased post counts as pending.
    async fn outbox_counts(&self) -> anyhow::Result<Vec<(String, String, i64)>>;

    /// Records a delivered post with the platform's message id; ends its lease.
    async fn mark_sent(&self, id: i64, message_id: Option<&str>, now: DateTime<Utc>) -> anyhow::Result<()>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good
    /// when `None`; ends the post's lease.
    async fn mark_attempt_failed(&self, id: i64, reason: &str, retry_at: Option<DateTime<Utc>>) -> anyhow::Result<()>;
}
