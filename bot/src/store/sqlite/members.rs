use super::{OnSqlite, SqliteConn};
use super::{SqliteStore, SqliteTx, from_json_rows, json_rows};
use crate::domain::streak::StreakState;
use crate::store::RollupTx;
use crate::store::{
    Forget, IdentityKey, MemberRow, MembersRead, MembersStore, MembersTx, NewMember, SavedStreak, fmt_day, fmt_time,
    streak_state,
};
use anyhow::Context;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

type MemberTuple = (i64, String, bool, i64, i64, i64, Option<String>);

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

#[async_trait::async_trait]
impl<C: SqliteConn> MembersRead for OnSqlite<C> {
    async fn members_by_identities(
        &mut self,
        community_id: i64,
        identities: &[IdentityKey],
    ) -> anyhow::Result<HashMap<IdentityKey, MemberRow>> {
        let mut unique = HashSet::new();
        let keys: Vec<(&str, &str)> = identities
            .iter()
            .filter(|i| unique.insert(*i))
            .map(|i| (i.platform.as_str(), i.user_id.as_str()))
            .collect();
        // CROSS JOIN pins the loop order: SQLite would otherwise scan the
        // community's identities once per batch row.
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(i.platform, i.user_id, m.id, m.name, m.is_bot, m.streak, \
             m.best_streak, m.freezes, m.last_checkin_day)) FROM json_each(?) AS j \
             CROSS JOIN identities i ON i.community_id = ? AND i.platform = j.value ->> 0 AND i.user_id = j.value ->> 1 \
             JOIN members m ON m.id = i.member_id",
        )
        .bind(json_rows(&keys)?)
        .bind(community_id)
        .fetch_one(&mut *self.tx)
        .await
        .context("looking up members by identity")?;
        from_json_rows::<(String, String, i64, String, i64, i64, i64, i64, Option<String>)>(&rows)?
            .into_iter()
            .map(|(platform, user_id, id, name, is_bot, streak, best, freezes, last)| {
                let member = member_from((id, name, is_bot != 0, streak, best, freezes, last))?;
                Ok((IdentityKey { platform, user_id }, member))
            })
            .collect()
    }

    async fn member(&mut self, member_id: i64) -> anyhow::Result<Option<MemberRow>> {
        let row: Option<MemberTuple> = sqlx::query_as(
            "SELECT id, name, is_bot, streak, best_streak, freezes, last_checkin_day FROM members WHERE id = ?",
        )
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading member")?;
        row.map(member_from).transpose()
    }

    async fn badges_held(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, Vec<String>>> {
        let (rows,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(member_id, badge_id) ORDER BY awarded_at, badge_id) \
             FROM badges_awarded WHERE member_id IN (SELECT value FROM json_each(?))",
        )
        .bind(json_rows(members)?)
        .fetch_one(&mut *self.tx)
        .await
        .context("reading badges")?;
        let mut held: HashMap<i64, Vec<String>> = HashMap::new();
        for (member, badge) in from_json_rows::<(i64, String)>(&rows)? {
            held.entry(member).or_default().push(badge);
        }
        Ok(held)
    }
}

#[async_trait::async_trait]
impl MembersTx for SqliteTx<'_> {
    async fn create_member(&mut self, new: NewMember<'_>) -> anyhow::Result<MemberRow> {
        let (id,): (i64,) = sqlx::query_as(
            // Never the id of a forgotten member (see `forget_member`): keys
            // such as `give:{giver}:{day}:{n}` outlive them in others' ledgers.
            "INSERT INTO members (id, community_id, name, is_bot, joined_at) VALUES (1 + MAX( \
                 COALESCE((SELECT MAX(id) FROM members), 0), \
                 COALESCE((SELECT CAST(value AS INTEGER) FROM bot_state WHERE key = 'members_high_water'), 0)), \
             ?, ?, ?, ?) RETURNING id",
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
        if !new.is_bot {
            self.roll_up_join(new.community_id, id, new.local_day).await?;
        }
        Ok(MemberRow {
            id,
            name: new.name.to_string(),
            is_bot: new.is_bot,
            streak: StreakState::default(),
            best_streak: 0,
        })
    }

    async fn rename_member(&mut self, member_id: i64, name: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE members SET name = ? WHERE id = ?")
            .bind(name)
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("renaming member")?;
        Ok(())
    }

    async fn save_streaks(&mut self, streaks: &[SavedStreak]) -> anyhow::Result<()> {
        let rows: Vec<_> = streaks
            .iter()
            .map(|s| (s.member_id, s.state.streak, s.state.freezes, s.state.last_day.map(fmt_day), s.best))
            .collect();
        sqlx::query(
            "UPDATE members SET streak = v.value ->> 1, freezes = v.value ->> 2, last_checkin_day = v.value ->> 3, \
             best_streak = v.value ->> 4 FROM json_each(?) AS v WHERE members.id = v.value ->> 0",
        )
        .bind(json_rows(&rows)?)
        .execute(&mut *self.tx)
        .await
        .context("saving streaks")?;
        Ok(())
    }

    async fn award_badges(&mut self, awards: &[(i64, &str)], now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO badges_awarded (member_id, badge_id, awarded_at) \
             SELECT value ->> 0, value ->> 1, ? FROM json_each(?)",
        )
        .bind(fmt_time(now))
        .bind(json_rows(awards)?)
        .execute(&mut *self.tx)
        .await
        .context("awarding badges")?;
        Ok(())
    }

    async fn forget_member(&mut self, member_id: i64, forget: &Forget<'_>) -> anyhow::Result<()> {
        self.roll_up_forget(member_id).await?;
        // First, the one change a ledger row allows (migration 0010): the
        // actor is forgotten. The cascade would only null the column and keep
        // the name in the reason.
        sqlx::query(
            "UPDATE ledger SET actor_member_id = NULL, reason = CASE \
             WHEN kind = 'peer_award' AND reason IN (SELECT value FROM json_each(?)) THEN ? ELSE reason END \
             WHERE actor_member_id = ?",
        )
        .bind(json_rows(forget.named_reasons)?)
        .bind(forget.anonymous_reason)
        .bind(member_id)
        .execute(&mut *self.tx)
        .await
        .context("forgetting the member as an actor in the ledger")?;
        sqlx::query(
            "DELETE FROM handles WHERE EXISTS (SELECT 1 FROM identities i \
                 WHERE i.member_id = ?1 AND i.platform = handles.platform AND i.user_id = handles.user_id) \
             AND NOT EXISTS (SELECT 1 FROM identities o \
                 WHERE o.member_id != ?1 AND o.platform = handles.platform AND o.user_id = handles.user_id)",
        )
        .bind(member_id)
        .execute(&mut *self.tx)
        .await
        .context("forgetting the member's handles")?;
        let mention = format!("%\"Mention\":{{\"member_id\":{member_id},%");
        let posts: Vec<(i64, String)> = sqlx::query_as(
            "SELECT o.id, o.body FROM outbox o JOIN members m ON m.community_id = o.community_id \
             WHERE m.id = ? AND (o.body LIKE ? OR instr(o.body, ?) > 0)",
        )
        .bind(member_id)
        .bind(&mention)
        .bind(forget.name_in_posts)
        .fetch_all(&mut *self.tx)
        .await
        .context("finding posts that name the member")?;
        for (id, body) in posts {
            let body = (forget.rewrite_post)(&body);
            sqlx::query("UPDATE outbox SET body = ? WHERE id = ?")
                .bind(body)
                .bind(id)
                .execute(&mut *self.tx)
                .await
                .context("rewriting a post that named the member")?;
        }
        sqlx::query("DELETE FROM members WHERE id = ?")
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("forgetting member")?;
        // SQLite would hand the highest id out again; the next member must
        // not inherit idempotency keys that name it.
        sqlx::query(
            "INSERT INTO bot_state (key, value, changed_at) VALUES ('members_high_water', ?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), ?1), changed_at = ?2",
        )
        .bind(member_id)
        .bind(fmt_time(forget.now))
        .execute(&mut *self.tx)
        .await
        .context("recording the forgotten member's id as used")?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl MembersStore for SqliteStore {
    async fn columns_containing(&self, needle: &str) -> anyhow::Result<Vec<String>> {
        let mut conn = self.read().await?;
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .fetch_all(&mut *conn)
                .await
                .context("listing tables")?;
        let mut found = Vec::new();
        for (table,) in tables {
            let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?)")
                .bind(&table)
                .fetch_all(&mut *conn)
                .await
                .context("listing columns")?;
            for (column,) in columns {
                let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), ?) > 0");
                let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(needle)
                    .fetch_one(&mut *conn)
                    .await
                    .context("searching a column")?;
                if n > 0 {
                    found.push(format!("{table}.{column}"));
                }
            }
        }
        Ok(found)
    }
}
