use super::Board;
use crate::domain::day::DayBoundary;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap};

/// Why points changed. The text form is what the ledger and exports store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerKind {
    Checkin,
    StreakBonus,
    PeerAward,
    TopicReply,
    ChallengeEntry,
    ChallengeWin,
    AdminAward,
    AdminRevoke,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Checkin => "checkin",
            LedgerKind::StreakBonus => "streak_bonus",
            LedgerKind::PeerAward => "peer_award",
            LedgerKind::TopicReply => "topic_reply",
            LedgerKind::ChallengeEntry => "challenge_entry",
            LedgerKind::ChallengeWin => "challenge_win",
            LedgerKind::AdminAward => "admin_award",
            LedgerKind::AdminRevoke => "admin_revoke",
        }
    }
}

pub struct NewLedgerEntry<'a> {
    pub community_id: i64,
    pub member_id: i64,
    pub delta: i64,
    pub kind: LedgerKind,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
    /// The community's local day at `at`: the week and month boards it counts on.
    pub local_day: NaiveDate,
    /// Unique per award: a retry with the same key changes nothing.
    pub idempotency_key: &'a str,
    pub actor_member_id: Option<i64>,
}

impl NewLedgerEntry<'_> {
    /// The boards the row counts on: the week and the month of its local day.
    pub(crate) fn boards(&self) -> [Board; 2] {
        [Board::Week(DayBoundary::week_start(self.local_day)), Board::Month(DayBoundary::month_start(self.local_day))]
    }
}

/// What appended ledger rows move, summed here because an upsert may touch
/// each row once: `totals` per member, `boards` per member and board.
pub(crate) struct LedgerMoves {
    /// `(member_id, community_id, delta)`, by member.
    pub totals: Vec<(i64, i64, i64)>,
    /// `(member_id, community_id, board key, delta)`, by member and board.
    pub boards: Vec<(i64, i64, String, i64)>,
}

impl LedgerMoves {
    pub(crate) fn of(rows: &[&NewLedgerEntry<'_>]) -> LedgerMoves {
        let mut totals: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        let mut boards: BTreeMap<(i64, String), (i64, i64)> = BTreeMap::new();
        for row in rows {
            totals.entry(row.member_id).or_insert((row.community_id, 0)).1 += row.delta;
            for board in row.boards() {
                boards.entry((row.member_id, board.key())).or_insert((row.community_id, 0)).1 += row.delta;
            }
        }
        LedgerMoves {
            totals: totals.into_iter().map(|(member, (community, delta))| (member, community, delta)).collect(),
            boards: boards
                .into_iter()
                .map(|((member, board), (community, delta))| (member, community, board, delta))
                .collect(),
        }
    }
}

#[async_trait::async_trait]
pub trait LedgerRead: Send + Sync {
    async fn balance(&mut self, member_id: i64) -> anyhow::Result<i64> {
        Ok(self.balances(&[member_id]).await?.get(&member_id).copied().unwrap_or(0))
    }

    /// The balance of each of `members`; members who never had points are absent.
    async fn balances(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>>;
}

#[async_trait::async_trait]
pub trait LedgerTx: LedgerRead {
    /// Appends a ledger row and moves the member's cached total with it.
    /// Returns false (and changes nothing) if the idempotency key was used before.
    async fn append_ledger(&mut self, entry: NewLedgerEntry<'_>) -> anyhow::Result<bool> {
        Ok(!self.append_ledger_rows(&[entry]).await?.is_empty())
    }

    /// Appends ledger rows and moves the cached totals and the week and
    /// month boards (`LedgerMoves`) with them, a fixed number of statements
    /// for any number of rows. A row whose idempotency
    /// key was used before (or earlier in `entries`) is skipped. Returns the
    /// new balance of every member whose total moved.
    async fn append_ledger_rows(&mut self, entries: &[NewLedgerEntry<'_>]) -> anyhow::Result<HashMap<i64, i64>>;

    /// How many ledger rows of `kind` the member has.
    async fn ledger_count(&mut self, member_id: i64, kind: LedgerKind) -> anyhow::Result<i64> {
        Ok(self.ledger_counts(&[member_id], kind).await?.get(&member_id).copied().unwrap_or(0))
    }

    /// How many ledger rows of `kind` each of `members` has (badge counters);
    /// members with none are absent.
    async fn ledger_counts(&mut self, members: &[i64], kind: LedgerKind) -> anyhow::Result<HashMap<i64, i64>>;

    /// Peer awards `giver` has made since `since`.
    async fn gives_since(&mut self, giver: i64, since: DateTime<Utc>) -> anyhow::Result<i64>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// The boards Rust computes are the ones SQLite's migration 0007 computed
    /// (`date(d, '-6 days', 'weekday 1')`, `date(d, 'start of month')`), for
    /// every day of 1999-2041: rows written before and after 0012 meet on
    /// the same board rows.
    #[tokio::test]
    async fn a_rows_boards_are_the_ones_sqlite_computed() {
        let mut sqlite = sqlx::SqliteConnection::connect("sqlite::memory:").await.expect("sqlite");
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "WITH RECURSIVE d(day) AS (SELECT '1999-01-01' UNION ALL \
             SELECT date(day, '+1 day') FROM d WHERE day < '2041-12-31') \
             SELECT day, 'week:' || date(day, '-6 days', 'weekday 1'), 'month:' || date(day, 'start of month') FROM d",
        )
        .fetch_all(&mut sqlite)
        .await
        .expect("days");
        assert_eq!(rows.len(), 15_706);
        for (day, week, month) in rows {
            let entry = NewLedgerEntry {
                community_id: 1,
                member_id: 1,
                delta: 1,
                kind: LedgerKind::Checkin,
                reason: "",
                at: DateTime::UNIX_EPOCH,
                local_day: super::super::parse_day(&day).expect("day"),
                idempotency_key: "",
                actor_member_id: None,
            };
            assert_eq!(entry.boards().map(|b| b.key()), [week, month], "{day}");
        }
    }

    #[test]
    fn a_batch_moves_each_member_and_board_once() {
        let day = |d: &str| super::super::parse_day(d).expect("day");
        let entry = |member_id, delta, local_day| NewLedgerEntry {
            community_id: 7,
            member_id,
            delta,
            kind: LedgerKind::Checkin,
            reason: "",
            at: DateTime::UNIX_EPOCH,
            local_day,
            idempotency_key: "",
            actor_member_id: None,
        };
        // Sunday and Monday of two weeks in March, then March 31 and April 1 (one week, two months).
        let rows = [
            entry(1, 10, day("2026-03-08")),
            entry(1, 5, day("2026-03-09")),
            entry(1, 2, day("2026-03-08")),
            entry(2, 7, day("2026-03-31")),
            entry(2, 3, day("2026-04-01")),
        ];
        let moves = LedgerMoves::of(&rows.iter().collect::<Vec<_>>());
        assert_eq!(moves.totals, [(1, 7, 17), (2, 7, 10)]);
        let boards: Vec<(i64, i64, &str, i64)> =
            moves.boards.iter().map(|(m, c, b, d)| (*m, *c, b.as_str(), *d)).collect();
        assert_eq!(
            boards,
            [
                (1, 7, "month:2026-03-01", 17),
                (1, 7, "week:2026-03-02", 12),
                (1, 7, "week:2026-03-09", 5),
                (2, 7, "month:2026-03-01", 7),
                (2, 7, "month:2026-04-01", 3),
                (2, 7, "week:2026-03-30", 10),
            ]
        );
    }
}
