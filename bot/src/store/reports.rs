use crate::domain::streak::StreakState;
use chrono::{DateTime, NaiveDate, Utc};

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub member_id: i64,
    pub name: String,
    pub points: i64,
    /// 1-based; members with equal points share a rank.
    pub rank: i64,
}

/// A window whose points the database keeps per member (see migration 0007):
/// the local week or month containing a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    /// The week beginning on this Monday.
    Week(NaiveDate),
    /// The month beginning on this day.
    Month(NaiveDate),
}

impl Board {
    pub(crate) fn key(&self) -> String {
        match self {
            Board::Week(monday) => format!("week:{}", super::fmt_day(*monday)),
            Board::Month(first) => format!("month:{}", super::fmt_day(*first)),
        }
    }
}

/// What `/stats` needs to know about one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberActivity {
    pub member_id: i64,
    pub name: String,
    pub streak: StreakState,
    pub joined_at: DateTime<Utc>,
    /// Latest check-in, ledger row (as receiver or giver), challenge entry or vote.
    pub last_active: Option<DateTime<Utc>>,
}

/// A member whose cached total disagrees with the sum of their ledger rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsMismatch {
    pub member_id: i64,
    pub cached: i64,
    pub ledger_sum: i64,
}

#[async_trait::async_trait]
/// Reports and boards: reads only, so they run in the writer's transaction
/// (scheduled posts) and on a reader connection (`ReadModel`) alike.
pub trait ReportsRead: Send + Sync {
    /// Top `limit` by all-time balance (the totals cache). Ranks come from
    /// `board_counts`: a sum over distinct points values, not over members.
    async fn top_all_time(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<Standing>>;

    async fn rank_all_time(&mut self, community_id: i64, member_id: i64) -> anyhow::Result<Option<Standing>>;

    /// Top `limit` of a maintained window board (`Board`).
    async fn top_of_board(&mut self, community_id: i64, board: &Board, limit: i64) -> anyhow::Result<Vec<Standing>>;

    async fn rank_on_board(
        &mut self,
        community_id: i64,
        member_id: i64,
        board: &Board,
    ) -> anyhow::Result<Option<Standing>>;

    /// Top `limit` by points earned in `[from, to)`.
    async fn top_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>>;

    /// Top `limit` by points whose ledger rows fall on the local days
    /// `[first, last]` (each row carries its community's local day).
    async fn top_on_days(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        last: NaiveDate,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>>;

    async fn rank_between(
        &mut self,
        community_id: i64,
        member_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Option<Standing>>;

    /// Every human member with their streak and latest activity.
    async fn member_activity(&mut self, community_id: i64) -> anyhow::Result<Vec<MemberActivity>>;

    /// Check-ins per member on local days in `[from, to]` (inclusive, 'YYYY-MM-DD').
    async fn checkins_per_member(
        &mut self,
        community_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> anyhow::Result<Vec<(i64, i64)>>;

    /// Members with any check-in, ledger row (received or given), challenge
    /// entry or vote in `[from, to)`.
    async fn active_members_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Vec<i64>>;

    /// Members active on the local days `days` (inclusive): check-ins and
    /// ledger rows (received or given) by their local day; challenge entries
    /// and votes, which carry none, by instant within `span` (`[from, to)`,
    /// the same days' bounds).
    async fn active_members_on_days(
        &mut self,
        community_id: i64,
        days: (NaiveDate, NaiveDate),
        span: (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<Vec<i64>>;
}

#[async_trait::async_trait]
pub trait ReportsStore: Send + Sync {
    /// Compares the totals cache with the ledger; empty when they agree.
    async fn check_totals(&self) -> anyhow::Result<Vec<TotalsMismatch>>;

    /// Recomputes the totals cache from the ledger.
    async fn rebuild_totals(&self) -> anyhow::Result<()>;
}
