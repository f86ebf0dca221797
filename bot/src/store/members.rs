use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{WriteTx, fmt_day, fmt_time, streak_state};
use crate::domain::streak::StreakState;

/// A platform account: which member speaks when this account speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
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

pub struct NewMember<'a> {
    pub community_id: i64,
    pub identity: &'a IdentityKey,
    pub name: &'a str,
    pub is_bot: bool,
    pub now: DateTime<Utc>,
}

type MemberTuple = (i64, String, bool, i64, i64, i64, Option<String>);

const MEMBER_COLUMNS_BY_IDENTITY: &str = "SELECT m.id, m.name, m.is_bot, m.streak, m.best_streak, m.freezes, m.last_checkin_day \
     FROM identities i JOIN members m ON m.id = i.member_id \
     WHERE i.community_id = ? AND i.platform = ? AND i.user_id = ?";

fn member_from(row: MemberTuple) -> anyhow::Result<MemberRow> {
    let (id, name, is_bot, streak, best, freezes, last) = row;
    Ok(MemberRow {
        id,
        name,
        is_bot,
        streak: streak_state(streak, freezes, last.as_deref())?,
        best_streak: u32::try_from(best).unwrap_or(0),
    })
}

impl WriteTx {
    pub async fn member_by_identity(
        &mut self,
        community_id: i64,
        identity: &IdentityKey,
    ) -> anyhow::Result<Option<MemberRow>> {
        let row: Option<MemberTuple> = sqlx::query_as(MEMBER_COLUMNS_BY_IDENTITY)
            .bind(community_id)
            .bind(&identity.platform)
            .bind(&identity.user_id)
            .fetch_optional(&mut *self.tx)
            .await
            .context("looking up member by identity")?;
        row.map(member_from).transpose()
    }

    pub async fn member(&mut self, member_id: i64) -> anyhow::Result<Option<MemberRow>> {
        let row: Option<MemberTuple> = sqlx::query_as(
            "SELECT id, name, is_bot, streak, best_streak, freezes, last_checkin_day FROM members WHERE id = ?",
        )
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading member")?;
        row.map(member_from).transpose()
    }

    pub async fn create_member(&mut self, new: NewMember<'_>) -> anyhow::Result<MemberRow> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO members (community_id, name, is_bot, joined_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(new.community_id)
        .bind(new.name)
        .bind(new.is_bot)
        .bind(fmt_time(new.now))
        .fetch_one(&mut *self.tx)
        .await
        .context("creating member")?;
        sqlx::query("INSERT INTO identities (community_id, platform, user_id, member_id) VALUES (?, ?, ?, ?)")
            .bind(new.community_id)
            .bind(&new.identity.platform)
            .bind(&new.identity.user_id)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .context("creating identity")?;
        Ok(MemberRow {
            id,
            name: new.name.to_string(),
            is_bot: new.is_bot,
            streak: StreakState::default(),
            best_streak: 0,
        })
    }

    pub async fn rename_member(&mut self, member_id: i64, name: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE members SET name = ? WHERE id = ?")
            .bind(name)
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("renaming member")?;
        Ok(())
    }

    pub async fn save_streak(&mut self, member_id: i64, state: StreakState, best: u32) -> anyhow::Result<()> {
        sqlx::query("UPDATE members SET streak = ?, freezes = ?, last_checkin_day = ?, best_streak = ? WHERE id = ?")
            .bind(i64::from(state.streak))
            .bind(i64::from(state.freezes))
            .bind(state.last_day.map(fmt_day))
            .bind(i64::from(best))
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("saving streak")?;
        Ok(())
    }

    /// Badge ids the member holds, oldest first.
    pub async fn badges_of(&mut self, member_id: i64) -> anyhow::Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT badge_id FROM badges_awarded WHERE member_id = ? ORDER BY awarded_at, badge_id")
                .bind(member_id)
                .fetch_all(&mut *self.tx)
                .await
                .context("reading badges")?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Records a badge; false if the member already had it.
    pub async fn award_badge(&mut self, member_id: i64, badge_id: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO badges_awarded (member_id, badge_id, awarded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(member_id)
        .bind(badge_id)
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("awarding badge")?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes the member with everything that is theirs: identities,
    /// check-ins, ledger rows, totals and badges (by cascade).
    pub async fn forget_member(&mut self, member_id: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM members WHERE id = ?")
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("forgetting member")?;
        Ok(())
    }
}
