//! The dashboard's rollups (migration 0015): per-day counts kept in the
//! write transaction that changes what they count, by the rules of
//! `domain::rollup`. The write methods are called by the store itself
//! (ledger rows, members) and by the engine (check-ins, which need the
//! local hour; challenge entries and votes, which carry no local day).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::rollup::DayMove;
use crate::domain::streak::StreakState;

/// Raises whenever the rules change what a stored rollup means: every
/// community's rollups are then rebuilt at start.
pub const ROLLUP_VERSION: i64 = 1;

/// One day's stored rollup row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRollup {
    pub day: NaiveDate,
    pub moves: DayMove,
}

/// A member the at-risk list may hold: active on enough of the days before
/// the quiet spell, and on none since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftingRow {
    pub member_id: i64,
    pub name: String,
    pub last_active_day: NaiveDate,
    pub streak: StreakState,
    /// Active days and check-ins in the days before the quiet spell.
    pub active_days: i64,
    pub checkins: i64,
}

/// What a community's rollups are rebuilt from.
#[derive(Debug, Default)]
pub struct ActivityHistory {
    /// Human members: `(member, joined at)`.
    pub members: Vec<(i64, DateTime<Utc>)>,
    /// `(member, local day, at)`.
    pub checkins: Vec<(i64, NaiveDate, DateTime<Utc>)>,
    /// Ledger rows: `(member, actor, local day, kind, delta)`.
    pub ledger: Vec<(i64, Option<i64>, NaiveDate, String, i64)>,
    /// Challenge entries and votes: `(member, at)`.
    pub challenge_acts: Vec<(i64, DateTime<Utc>)>,
}

/// A community's rollups counted from its whole history.
#[derive(Debug, Default)]
pub struct Rebuilt {
    pub activity_days: Vec<(i64, NaiveDate)>,
    /// `(member, joined day, last active day, active days in the 30 up to it)`.
    pub members: Vec<(i64, NaiveDate, Option<NaiveDate>, i64)>,
    pub days: Vec<DayRollup>,
    /// `(day, hour, check-ins)`.
    pub hours: Vec<(NaiveDate, u32, i64)>,
    /// `(day, kind, rows, points)`.
    pub ledger_days: Vec<(NaiveDate, String, i64, i64)>,
    /// `(cohort week, active week, members)`.
    pub cohorts: Vec<(NaiveDate, NaiveDate, i64)>,
}

#[async_trait::async_trait]
pub trait RollupRead: Send + Sync {
    /// The rules version of the community's rollups; `None` when it has none.
    async fn rollup_version(&mut self, community_id: i64) -> anyhow::Result<Option<i64>>;

    /// Every stored day row up to `last` (window columns are differences,
    /// so a caller sums them from the first).
    async fn rollup_days(&mut self, community_id: i64, last: NaiveDate) -> anyhow::Result<Vec<DayRollup>>;

    /// Check-ins per local day and hour on `[first, last]`.
    async fn checkin_hours(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        last: NaiveDate,
    ) -> anyhow::Result<Vec<(NaiveDate, u32, i64)>>;

    /// `(cohort week, active week, members)` for cohorts from `first_week` on.
    async fn cohort_counts(
        &mut self,
        community_id: i64,
        first_week: NaiveDate,
    ) -> anyhow::Result<Vec<(NaiveDate, NaiveDate, i64)>>;

    /// Streak states of human members who checked in on `since` or later,
    /// each with how many members are in it.
    async fn recent_streaks(&mut self, community_id: i64, since: NaiveDate) -> anyhow::Result<Vec<(StreakState, i64)>>;

    /// Members last active in `[first, quiet_from)` with at least
    /// `min_days` active days in the `RECENT_DAYS` up to it, with their
    /// active days and check-ins in `[first, quiet_from)`.
    async fn drifting(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        quiet_from: NaiveDate,
        min_days: i64,
    ) -> anyhow::Result<Vec<DriftingRow>>;

    /// Everything the community's rollups count, for a rebuild.
    async fn activity_history(&mut self, community_id: i64) -> anyhow::Result<ActivityHistory>;
}

#[async_trait::async_trait]
pub trait RollupTx: RollupRead {
    /// Human members active on local days: `(member, day)`. Bots, and
    /// days a member was already active on, change nothing.
    async fn mark_active(&mut self, community_id: i64, marks: &[(i64, NaiveDate)]) -> anyhow::Result<()>;

    /// New check-ins of `members` on `day` at local `hour` (the unique rows
    /// the check-in inserted), and their activity.
    async fn roll_up_checkins(
        &mut self,
        community_id: i64,
        day: NaiveDate,
        hour: u32,
        members: &[i64],
    ) -> anyhow::Result<()>;

    /// Ledger rows per day and kind (`(day, kind, rows, points)`) and the
    /// activity of their receivers and givers (as `mark_active`).
    async fn roll_up_ledger_rows(
        &mut self,
        community_id: i64,
        counts: &[(NaiveDate, &str, i64, i64)],
        marks: &[(i64, NaiveDate)],
    ) -> anyhow::Result<()>;

    /// A new human member, who joined on local day `day`.
    async fn roll_up_join(&mut self, community_id: i64, member_id: i64, day: NaiveDate) -> anyhow::Result<()>;

    /// A member about to be forgotten leaves the joined counts.
    async fn roll_up_forget(&mut self, member_id: i64) -> anyhow::Result<()>;

    /// Replaces the community's rollups with `rebuilt` and records them
    /// complete (`ROLLUP_VERSION`).
    async fn replace_rollups(&mut self, community_id: i64, rebuilt: &Rebuilt) -> anyhow::Result<()>;
}

/// What appended ledger rows move in the rollups: rows and points per day
/// and kind, and the activity of their receivers and givers. Both
/// backends' `append_ledger_rows` call it with the rows they appended.
pub(crate) async fn roll_up_ledger<T: RollupTx + ?Sized>(
    tx: &mut T,
    rows: &[&super::NewLedgerEntry<'_>],
) -> anyhow::Result<()> {
    use std::collections::BTreeMap;
    /// Rows and points per community, day and kind.
    type Counts<'k> = BTreeMap<(i64, NaiveDate, &'k str), (i64, i64)>;
    let mut counts: Counts = BTreeMap::new();
    let mut marks: BTreeMap<i64, Vec<(i64, NaiveDate)>> = BTreeMap::new();
    for row in rows {
        // A check-in's rows come with `roll_up_checkins`, which marks the day.
        let marked = matches!(row.kind, super::LedgerKind::Checkin | super::LedgerKind::StreakBonus);
        let count = counts.entry((row.community_id, row.local_day, row.kind.as_str())).or_default();
        count.0 += 1;
        count.1 += row.delta;
        let of_community = marks.entry(row.community_id).or_default();
        if !marked {
            of_community.push((row.member_id, row.local_day));
        }
        of_community.extend(row.actor_member_id.map(|actor| (actor, row.local_day)));
    }
    let mut per_community: BTreeMap<i64, Vec<(NaiveDate, &str, i64, i64)>> = BTreeMap::new();
    for ((community_id, day, kind), (rows, points)) in counts {
        per_community.entry(community_id).or_default().push((day, kind, rows, points));
    }
    for (community_id, per_day) in per_community {
        let marks = marks.remove(&community_id).unwrap_or_default();
        tx.roll_up_ledger_rows(community_id, &per_day, &marks).await?;
    }
    Ok(())
}
