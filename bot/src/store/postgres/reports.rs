use super::{OnPostgres, PgConn};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::{PgStore, PgTx};
use crate::store::{
    Board, MemberActivity, ReportsRead, ReportsStore, Standing, TotalsMismatch, fmt_day, fmt_time, parse_time,
    streak_state,
};

/// (member id, name, streak, freezes, last check-in day, joined at, last activity)
type ActivityTuple = (i64, String, i64, i64, Option<String>, String, Option<String>);

fn standing((member_id, name, points, rank): (i64, String, i64, i64)) -> Standing {
    Standing { member_id, name, points, rank }
}

#[async_trait::async_trait]
impl<C: PgConn> ReportsRead for OnPostgres<C> {
    async fn top_all_time(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<Standing>> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT t.member_id, m.name, t.balance, 1 + COALESCE((SELECT SUM(c.members) FROM board_counts c \
                    WHERE c.community_id = $1 AND c.board = 'all' AND c.points > t.balance), 0)::bigint \
             FROM totals t JOIN members m ON m.id = t.member_id \
             WHERE t.community_id = $1 AND NOT m.is_bot \
             ORDER BY t.balance DESC, t.member_id LIMIT $2",
        )
        .bind(community_id)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading all-time leaderboard")?;
        Ok(rows.into_iter().map(standing).collect())
    }

    async fn rank_all_time(&mut self, community_id: i64, member_id: i64) -> anyhow::Result<Option<Standing>> {
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT t.member_id, m.name, t.balance, 1 + COALESCE((SELECT SUM(c.members) FROM board_counts c \
                    WHERE c.community_id = $1 AND c.board = 'all' AND c.points > t.balance), 0)::bigint \
             FROM totals t JOIN members m ON m.id = t.member_id WHERE t.community_id = $1 AND t.member_id = $2",
        )
        .bind(community_id)
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading all-time rank")?;
        Ok(row.map(standing))
    }

    async fn top_of_board(&mut self, community_id: i64, board: &Board, limit: i64) -> anyhow::Result<Vec<Standing>> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT b.member_id, m.name, b.points, 1 + COALESCE((SELECT SUM(c.members) FROM board_counts c \
                    WHERE c.community_id = $1 AND c.board = $2 AND c.points > b.points), 0)::bigint \
             FROM board_points b JOIN members m ON m.id = b.member_id \
             WHERE b.community_id = $1 AND b.board = $2 AND NOT m.is_bot \
             ORDER BY b.points DESC, b.member_id LIMIT $3",
        )
        .bind(community_id)
        .bind(board.key())
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading a window leaderboard")?;
        Ok(rows.into_iter().map(standing).collect())
    }

    async fn rank_on_board(
        &mut self,
        community_id: i64,
        member_id: i64,
        board: &Board,
    ) -> anyhow::Result<Option<Standing>> {
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT b.member_id, m.name, b.points, 1 + COALESCE((SELECT SUM(c.members) FROM board_counts c \
                    WHERE c.community_id = $1 AND c.board = $2 AND c.points > b.points), 0)::bigint \
             FROM board_points b JOIN members m ON m.id = b.member_id \
             WHERE b.community_id = $1 AND b.board = $2 AND b.member_id = $3",
        )
        .bind(community_id)
        .bind(board.key())
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a window rank")?;
        Ok(row.map(standing))
    }

    /// RANK() over every member with rows in the window, bots included, is
    /// SQLite's `1 + COUNT(points > mine)`.
    async fn top_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "WITH sums AS (SELECT member_id, SUM(delta)::bigint AS points FROM ledger \
                           WHERE community_id = $1 AND at >= $2 AND at < $3 GROUP BY member_id), \
                  ranked AS (SELECT member_id, points, RANK() OVER (ORDER BY points DESC) AS rank FROM sums) \
             SELECT r.member_id, m.name, r.points, r.rank \
             FROM ranked r JOIN members m ON m.id = r.member_id WHERE NOT m.is_bot \
             ORDER BY r.points DESC, r.member_id LIMIT $4",
        )
        .bind(community_id)
        .bind(fmt_time(from))
        .bind(fmt_time(to))
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading windowed leaderboard")?;
        Ok(rows.into_iter().map(standing).collect())
    }

    async fn top_on_days(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        last: NaiveDate,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "WITH sums AS (SELECT member_id, SUM(delta)::bigint AS points FROM ledger \
                           WHERE community_id = $1 AND local_day >= $2 AND local_day <= $3 GROUP BY member_id), \
                  ranked AS (SELECT member_id, points, RANK() OVER (ORDER BY points DESC) AS rank FROM sums) \
             SELECT r.member_id, m.name, r.points, r.rank \
             FROM ranked r JOIN members m ON m.id = r.member_id WHERE NOT m.is_bot \
             ORDER BY r.points DESC, r.member_id LIMIT $4",
        )
        .bind(community_id)
        .bind(fmt_day(first))
        .bind(fmt_day(last))
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading points per local day")?;
        Ok(rows.into_iter().map(standing).collect())
    }

    async fn rank_between(
        &mut self,
        community_id: i64,
        member_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Option<Standing>> {
        let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
            "WITH sums AS (SELECT member_id, SUM(delta)::bigint AS points FROM ledger \
                           WHERE community_id = $1 AND at >= $2 AND at < $3 GROUP BY member_id) \
             SELECT s.member_id, m.name, s.points, \
                    (SELECT COUNT(*) FROM sums s2 WHERE s2.points > s.points) + 1 \
             FROM sums s JOIN members m ON m.id = s.member_id WHERE s.member_id = $4",
        )
        .bind(community_id)
        .bind(fmt_time(from))
        .bind(fmt_time(to))
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading windowed rank")?;
        Ok(row.map(standing))
    }

    async fn member_activity(&mut self, community_id: i64) -> anyhow::Result<Vec<MemberActivity>> {
        let rows: Vec<ActivityTuple> = sqlx::query_as(
            "SELECT m.id, m.name, m.streak, m.freezes, m.last_checkin_day, m.joined_at, \
                    GREATEST(COALESCE((SELECT MAX(at) FROM checkins c WHERE c.member_id = m.id), ''), \
                        COALESCE((SELECT MAX(at) FROM ledger l WHERE l.member_id = m.id), ''), \
                        COALESCE((SELECT MAX(at) FROM ledger l WHERE l.actor_member_id = m.id), ''), \
                        COALESCE((SELECT MAX(submitted_at) FROM challenge_entries e WHERE e.member_id = m.id), ''), \
                        COALESCE((SELECT MAX(voted_at) FROM challenge_votes v WHERE v.voter_id = m.id), '')) \
             FROM members m WHERE m.community_id = $1 AND NOT m.is_bot ORDER BY m.id",
        )
        .bind(community_id)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading member activity")?;
        rows.into_iter()
            .map(|(member_id, name, streak, freezes, last_day, joined, last_active)| {
                Ok(MemberActivity {
                    member_id,
                    name,
                    streak: streak_state(streak, freezes, last_day.as_deref())?,
                    joined_at: parse_time(&joined)?,
                    last_active: last_active.filter(|s| !s.is_empty()).as_deref().map(parse_time).transpose()?,
                })
            })
            .collect()
    }

    async fn checkins_per_member(
        &mut self,
        community_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<(i64, i64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT c.member_id, COUNT(*) FROM checkins c JOIN members m ON m.id = c.member_id \
             WHERE m.community_id = $1 AND c.local_day >= $2 AND c.local_day <= $3 \
             GROUP BY c.member_id ORDER BY c.member_id",
        )
        .bind(community_id)
        .bind(fmt_day(from))
        .bind(fmt_day(to))
        .fetch_all(&mut *self.tx)
        .await
        .context("counting check-ins per member")?;
        Ok(rows)
    }

    async fn active_members_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT c.member_id FROM checkins c JOIN members m ON m.id = c.member_id \
                 WHERE m.community_id = $1 AND c.at >= $2 AND c.at < $3 \
             UNION SELECT member_id FROM ledger WHERE community_id = $1 AND at >= $2 AND at < $3 \
             UNION SELECT actor_member_id FROM ledger \
                 WHERE community_id = $1 AND at >= $2 AND at < $3 AND actor_member_id IS NOT NULL \
             UNION SELECT e.member_id FROM challenge_entries e JOIN challenges c ON c.id = e.challenge_id \
                 WHERE c.community_id = $1 AND e.submitted_at >= $2 AND e.submitted_at < $3 \
             UNION SELECT v.voter_id FROM challenge_votes v JOIN challenges c ON c.id = v.challenge_id \
                 WHERE c.community_id = $1 AND v.voted_at >= $2 AND v.voted_at < $3 \
             ORDER BY 1",
        )
        .bind(community_id)
        .bind(fmt_time(from))
        .bind(fmt_time(to))
        .fetch_all(&mut *self.tx)
        .await
        .context("reading active members")?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn active_members_on_days(
        &mut self,
        community_id: i64,
        days: (NaiveDate, NaiveDate),
        span: (DateTime<Utc>, DateTime<Utc>),
    ) -> anyhow::Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT c.member_id FROM checkins c JOIN members m ON m.id = c.member_id \
                 WHERE m.community_id = $1 AND c.local_day >= $2 AND c.local_day <= $3 \
             UNION SELECT member_id FROM ledger WHERE community_id = $1 AND local_day >= $2 AND local_day <= $3 \
             UNION SELECT actor_member_id FROM ledger \
                 WHERE community_id = $1 AND local_day >= $2 AND local_day <= $3 AND actor_member_id IS NOT NULL \
             UNION SELECT e.member_id FROM challenge_entries e JOIN challenges c ON c.id = e.challenge_id \
                 WHERE c.community_id = $1 AND e.submitted_at >= $4 AND e.submitted_at < $5 \
             UNION SELECT v.voter_id FROM challenge_votes v JOIN challenges c ON c.id = v.challenge_id \
                 WHERE c.community_id = $1 AND v.voted_at >= $4 AND v.voted_at < $5 \
             ORDER BY 1",
        )
        .bind(community_id)
        .bind(fmt_day(days.0))
        .bind(fmt_day(days.1))
        .bind(fmt_time(span.0))
        .bind(fmt_time(span.1))
        .fetch_all(&mut *self.tx)
        .await
        .context("reading members active on local days")?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}

#[async_trait::async_trait]
impl ReportsStore for PgStore {
    async fn check_totals(&self) -> anyhow::Result<Vec<TotalsMismatch>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT m.id, COALESCE(t.balance, 0), \
                    COALESCE((SELECT SUM(delta) FROM ledger l WHERE l.member_id = m.id), 0)::bigint \
             FROM members m LEFT JOIN totals t ON t.member_id = m.id ORDER BY m.id",
        )
        .fetch_all(&mut *self.read().await?)
        .await
        .context("checking totals against the ledger")?;
        Ok(rows
            .into_iter()
            .filter(|(_, cached, sum)| cached != sum)
            .map(|(member_id, cached, ledger_sum)| TotalsMismatch { member_id, cached, ledger_sum })
            .collect())
    }

    async fn rebuild_totals(&self) -> anyhow::Result<()> {
        let mut writer = self.lock_writer().await?;
        let mut tx = PgTx::begin(&mut writer).await?;
        // Waits for every transaction that appended to the ledger and keeps
        // new appends out until the rebuilt totals are committed.
        sqlx::query("LOCK TABLE ledger IN SHARE MODE").execute(&mut *tx.tx).await.context("locking the ledger")?;
        sqlx::query("DELETE FROM totals").execute(&mut *tx.tx).await.context("clearing totals")?;
        sqlx::query(
            "INSERT INTO totals (member_id, community_id, balance) \
             SELECT member_id, community_id, SUM(delta)::bigint FROM ledger GROUP BY member_id, community_id",
        )
        .execute(&mut *tx.tx)
        .await
        .context("rebuilding totals")?;
        tx.tx.commit().await.context("committing")
    }
}
