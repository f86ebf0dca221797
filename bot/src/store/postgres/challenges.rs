use super::{OnPostgres, PgConn};
use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::PgTx;
use crate::store::{ChallengePhase, ChallengeRow, ChallengesRead, ChallengesTx, EntryRow, PastChallenge, fmt_time};

#[async_trait::async_trait]
impl<C: PgConn> ChallengesRead for OnPostgres<C> {
    async fn running_challenge(&mut self, community_id: i64) -> anyhow::Result<Option<ChallengeRow>> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("SELECT id, theme, phase FROM challenges WHERE community_id = $1 AND phase != 'closed'")
                .bind(community_id)
                .fetch_optional(&mut *self.tx)
                .await
                .context("reading the running challenge")?;
        row.map(|(id, theme, phase)| Ok(ChallengeRow { id, theme, phase: ChallengePhase::parse(&phase)? })).transpose()
    }

    async fn entries(&mut self, challenge_id: i64) -> anyhow::Result<Vec<EntryRow>> {
        let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
            "SELECT e.id, e.member_id, m.name, e.text, \
                    (SELECT COUNT(*) FROM challenge_votes v WHERE v.entry_id = e.id) \
             FROM challenge_entries e JOIN members m ON m.id = e.member_id \
             WHERE e.challenge_id = $1 ORDER BY e.id",
        )
        .bind(challenge_id)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading entries")?;
        Ok(EntryRow::numbered(rows))
    }

    /// Places are 1, 2, … per challenge (`set_entry_place`): one winner at
    /// most. `LIMIT 1` keeps SQLite's "first row" answer should that change,
    /// where PostgreSQL would fail on a second row.
    async fn past_challenges(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<PastChallenge>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT c.theme, c.closed_at, \
                    (SELECT m.name FROM challenge_entries e JOIN members m ON m.id = e.member_id \
                     WHERE e.challenge_id = c.id AND e.place = 1 ORDER BY e.id LIMIT 1) \
             FROM challenges c WHERE c.community_id = $1 AND c.phase = 'closed' ORDER BY c.id DESC LIMIT $2",
        )
        .bind(community_id)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading past challenges")?;
        Ok(rows
            .into_iter()
            .map(|(theme, closed_at, winner)| PastChallenge { theme, closed_at: closed_at.unwrap_or_default(), winner })
            .collect())
    }
}

#[async_trait::async_trait]
impl ChallengesTx for PgTx<'_> {
    async fn open_challenge(&mut self, community_id: i64, theme: &str, now: DateTime<Utc>) -> anyhow::Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO challenges (community_id, theme, phase, opened_at) VALUES ($1, $2, 'open', $3) RETURNING id",
        )
        .bind(community_id)
        .bind(theme)
        .bind(fmt_time(now))
        .fetch_one(&mut *self.tx)
        .await
        .context("opening a challenge")?;
        Ok(id)
    }

    async fn set_challenge_phase(
        &mut self,
        challenge_id: i64,
        phase: ChallengePhase,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        // PostgreSQL refuses a bound value the statement does not use.
        let query = match phase {
            ChallengePhase::Open => {
                sqlx::query("UPDATE challenges SET phase = 'open' WHERE id = $1").bind(challenge_id)
            }
            ChallengePhase::Voting => {
                sqlx::query("UPDATE challenges SET phase = 'voting', voting_at = $2 WHERE id = $1")
                    .bind(challenge_id)
                    .bind(fmt_time(now))
            }
            ChallengePhase::Closed => {
                sqlx::query("UPDATE challenges SET phase = 'closed', closed_at = $2 WHERE id = $1")
                    .bind(challenge_id)
                    .bind(fmt_time(now))
            }
        };
        query.execute(&mut *self.tx).await.context("moving a challenge on")?;
        Ok(())
    }

    async fn submit_entry(
        &mut self,
        challenge_id: i64,
        member_id: i64,
        text: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let replaced = sqlx::query("UPDATE challenge_entries SET text = $1 WHERE challenge_id = $2 AND member_id = $3")
            .bind(text)
            .bind(challenge_id)
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("replacing an entry")?
            .rows_affected()
            == 1;
        if !replaced {
            sqlx::query(
                "INSERT INTO challenge_entries (challenge_id, member_id, text, submitted_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(challenge_id)
            .bind(member_id)
            .bind(text)
            .bind(fmt_time(now))
            .execute(&mut *self.tx)
            .await
            .context("recording an entry")?;
        }
        Ok(replaced)
    }

    async fn cast_vote(
        &mut self,
        challenge_id: i64,
        voter_id: i64,
        entry_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let existed: Option<(i64,)> =
            sqlx::query_as("SELECT entry_id FROM challenge_votes WHERE challenge_id = $1 AND voter_id = $2")
                .bind(challenge_id)
                .bind(voter_id)
                .fetch_optional(&mut *self.tx)
                .await
                .context("reading a vote")?;
        sqlx::query(
            "INSERT INTO challenge_votes (challenge_id, voter_id, entry_id, voted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (challenge_id, voter_id) DO UPDATE SET entry_id = excluded.entry_id, voted_at = excluded.voted_at",
        )
        .bind(challenge_id)
        .bind(voter_id)
        .bind(entry_id)
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("casting a vote")?;
        Ok(existed.is_some())
    }

    async fn set_entry_place(&mut self, entry_id: i64, place: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE challenge_entries SET place = $1 WHERE id = $2")
            .bind(place)
            .bind(entry_id)
            .execute(&mut *self.tx)
            .await
            .context("placing an entry")?;
        Ok(())
    }

    async fn challenge_wins(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT member_id, COUNT(*) FROM challenge_entries \
             WHERE member_id = ANY($1::bigint[]) AND place = 1 GROUP BY member_id",
        )
        .bind(members)
        .fetch_all(&mut *self.tx)
        .await
        .context("counting challenge wins")?;
        Ok(rows.into_iter().collect())
    }

    async fn take_next_theme(&mut self, community_id: i64, themes: &[String]) -> anyhow::Result<Option<String>> {
        let row: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT next_index, queued_theme FROM challenge_themes WHERE community_id = $1")
                .bind(community_id)
                .fetch_optional(&mut *self.tx)
                .await
                .context("reading the theme queue")?;
        let (index, queued) = row.unwrap_or((0, None));
        if let Some(theme) = queued {
            sqlx::query("UPDATE challenge_themes SET queued_theme = NULL WHERE community_id = $1")
                .bind(community_id)
                .execute(&mut *self.tx)
                .await
                .context("taking the queued theme")?;
            return Ok(Some(theme));
        }
        if themes.is_empty() {
            return Ok(None);
        }
        let theme = themes[usize::try_from(index).unwrap_or(0) % themes.len()].clone();
        sqlx::query(
            "INSERT INTO challenge_themes (community_id, next_index) VALUES ($1, $2) \
             ON CONFLICT (community_id) DO UPDATE SET next_index = excluded.next_index",
        )
        .bind(community_id)
        .bind(index + 1)
        .execute(&mut *self.tx)
        .await
        .context("advancing the theme queue")?;
        Ok(Some(theme))
    }

    async fn queue_theme(&mut self, community_id: i64, theme: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO challenge_themes (community_id, queued_theme) VALUES ($1, $2) \
             ON CONFLICT (community_id) DO UPDATE SET queued_theme = excluded.queued_theme",
        )
        .bind(community_id)
        .bind(theme)
        .execute(&mut *self.tx)
        .await
        .context("queueing a theme")?;
        Ok(())
    }
}
