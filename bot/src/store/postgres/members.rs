use super::{OnPostgres, PgConn};
use std::collections::{HashMap, HashSet};

use crate::store::RollupTx;
use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{PgStore, PgTx};
use crate::domain::streak::StreakState;
use crate::store::{
    Forget, IdentityKey, MemberRow, MembersRead, MembersStore, MembersTx, NewMember, SavedStreak, fmt_day, fmt_time,
    streak_state,
};

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
impl<C: PgConn> MembersRead for OnPostgres<C> {
    async fn members_by_identities(
        &mut self,
        community_id: i64,
        identities: &[IdentityKey],
    ) -> anyhow::Result<HashMap<IdentityKey, MemberRow>> {
        let mut unique = HashSet::new();
        let keys: Vec<&IdentityKey> = identities.iter().filter(|i| unique.insert(*i)).collect();
        let rows: Vec<(String, String, i64, String, bool, i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT i.platform, i.user_id, m.id, m.name, m.is_bot, m.streak, m.best_streak, m.freezes, \
             m.last_checkin_day FROM UNNEST($1::text[], $2::text[]) AS j(platform, user_id) \
             JOIN identities i ON i.community_id = $3 AND i.platform = j.platform AND i.user_id = j.user_id \
             JOIN members m ON m.id = i.member_id",
        )
        .bind(keys.iter().map(|k| k.platform.as_str()).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.user_id.as_str()).collect::<Vec<_>>())
        .bind(community_id)
        .fetch_all(&mut *self.tx)
        .await
        .context("looking up members by identity")?;
        rows.into_iter()
            .map(|(platform, user_id, id, name, is_bot, streak, best, freezes, last)| {
                let member = member_from((id, name, is_bot, streak, best, freezes, last))?;
                Ok((IdentityKey { platform, user_id }, member))
            })
            .collect()
    }

    async fn member(&mut self, member_id: i64) -> anyhow::Result<Option<MemberRow>> {
        let row: Option<MemberTuple> = sqlx::query_as(
            "SELECT id, name, is_bot, streak, best_streak, freezes, last_checkin_day FROM members WHERE id = $1",
        )
        .bind(member_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading member")?;
        row.map(member_from).transpose()
    }

    async fn badges_held(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, Vec<String>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT member_id, badge_id FROM badges_awarded WHERE member_id = ANY($1) ORDER BY awarded_at, badge_id",
        )
        .bind(members)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading badges")?;
        let mut held: HashMap<i64, Vec<String>> = HashMap::new();
        for (member, badge) in rows {
            held.entry(member).or_default().push(badge);
        }
        Ok(held)
    }
}

#[async_trait::async_trait]
impl MembersTx for PgTx<'_> {
    async fn create_member(&mut self, new: NewMember<'_>) -> anyhow::Result<MemberRow> {
        // One process at a time hands out ids (the largest plus one), and
        // under that lock a statement sees every member committed before:
        // the same new actor arriving at two processes becomes one member.
        self.advisory(super::locks::MEMBER_IDS, false).await?;
        let identity = std::slice::from_ref(new.identity);
        if let Some(member) = self.members_by_identities(new.community_id, identity).await?.remove(new.identity) {
            return Ok(member);
        }
        let (id,): (i64,) = sqlx::query_as(
            // As on SQLite: the largest id ever handed out, plus one; never
            // the id of a forgotten member (see `forget_member`).
            "INSERT INTO members (id, community_id, name, is_bot, joined_at) VALUES (1 + GREATEST( \
                 COALESCE((SELECT MAX(id) FROM members), 0), \
                 COALESCE((SELECT value::bigint FROM bot_state WHERE key = 'members_high_water'), 0)), \
             $1, $2, $3, $4) RETURNING id",
        )
        .bind(new.community_id)
        .bind(new.name)
        .bind(new.is_bot)
        .bind(fmt_time(new.now))
        .fetch_one(&mut *self.tx)
        .await
        .context("creating member")?;
        sqlx::query("INSERT INTO identities (community_id, platform, user_id, member_id) VALUES ($1, $2, $3, $4)")
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
        sqlx::query("UPDATE members SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("renaming member")?;
        Ok(())
    }

    async fn save_streaks(&mut self, streaks: &[SavedStreak]) -> anyhow::Result<()> {
        if streaks.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE members SET streak = v.streak, freezes = v.freezes, last_checkin_day = v.last_day, \
             best_streak = v.best FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[]) \
             AS v(id, streak, freezes, last_day, best) WHERE members.id = v.id",
        )
        .bind(streaks.iter().map(|s| s.member_id).collect::<Vec<_>>())
        .bind(streaks.iter().map(|s| i64::from(s.state.streak)).collect::<Vec<_>>())
        .bind(streaks.iter().map(|s| i64::from(s.state.freezes)).collect::<Vec<_>>())
        .bind(streaks.iter().map(|s| s.state.last_day.map(fmt_day)).collect::<Vec<_>>())
        .bind(streaks.iter().map(|s| i64::from(s.best)).collect::<Vec<_>>())
        .execute(&mut *self.tx)
        .await
        .context("saving streaks")?;
        Ok(())
    }

    async fn award_badges(&mut self, awards: &[(i64, &str)], now: DateTime<Utc>) -> anyhow::Result<()> {
        if awards.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO badges_awarded (member_id, badge_id, awarded_at) \
             SELECT member_id, badge_id, $3 FROM UNNEST($1::bigint[], $2::text[]) AS t(member_id, badge_id)",
        )
        .bind(awards.iter().map(|(member, _)| *member).collect::<Vec<_>>())
        .bind(awards.iter().map(|(_, badge)| *badge).collect::<Vec<_>>())
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("awarding badges")?;
        Ok(())
    }

    async fn forget_member(&mut self, member_id: i64, forget: &Forget<'_>) -> anyhow::Result<()> {
        self.roll_up_forget(member_id).await?;
        // The one change a ledger row allows: the actor is forgotten (see
        // the SQLite code and ledger_is_append_only).
        sqlx::query(
            "UPDATE ledger SET actor_member_id = NULL, reason = CASE \
             WHEN kind = 'peer_award' AND reason = ANY($1) THEN $2 ELSE reason END \
             WHERE actor_member_id = $3",
        )
        .bind(forget.named_reasons)
        .bind(forget.anonymous_reason)
        .bind(member_id)
        .execute(&mut *self.tx)
        .await
        .context("forgetting the member as an actor in the ledger")?;
        sqlx::query(
            "DELETE FROM handles WHERE EXISTS (SELECT 1 FROM identities i \
                 WHERE i.member_id = $1 AND i.platform = handles.platform AND i.user_id = handles.user_id) \
             AND NOT EXISTS (SELECT 1 FROM identities o \
                 WHERE o.member_id != $1 AND o.platform = handles.platform AND o.user_id = handles.user_id)",
        )
        .bind(member_id)
        .execute(&mut *self.tx)
        .await
        .context("forgetting the member's handles")?;
        // SQLite's LIKE ignores ASCII case and has no escape character:
        // ILIKE under COLLATE "C" with ESCAPE '' is the same match.
        let mention = format!("%\"Mention\":{{\"member_id\":{member_id},%");
        let posts: Vec<(i64, String)> = sqlx::query_as(
            "SELECT o.id, o.body FROM outbox o JOIN members m ON m.community_id = o.community_id \
             WHERE m.id = $1 AND (o.body ILIKE $2 ESCAPE '' OR strpos(o.body, $3) > 0) ORDER BY o.id",
        )
        .bind(member_id)
        .bind(&mention)
        .bind(forget.name_in_posts)
        .fetch_all(&mut *self.tx)
        .await
        .context("finding posts that name the member")?;
        for (id, body) in posts {
            let body = (forget.rewrite_post)(&body);
            sqlx::query("UPDATE outbox SET body = $1 WHERE id = $2")
                .bind(body)
                .bind(id)
                .execute(&mut *self.tx)
                .await
                .context("rewriting a post that named the member")?;
        }
        sqlx::query("DELETE FROM members WHERE id = $1")
            .bind(member_id)
            .execute(&mut *self.tx)
            .await
            .context("forgetting member")?;
        // The next member must not inherit idempotency keys that name this id.
        sqlx::query(
            "INSERT INTO bot_state AS s (key, value, changed_at) VALUES ('members_high_water', $1::bigint::text, $2) \
             ON CONFLICT (key) DO UPDATE SET value = GREATEST(s.value::bigint, $1::bigint)::text, changed_at = $2",
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
impl MembersStore for PgStore {
    async fn columns_containing(&self, needle: &str) -> anyhow::Result<Vec<String>> {
        let mut conn = self.read().await?;
        // Every table of the schema in creation order, columns in order (as
        // SQLite's sqlite_master and table_info list them).
        let columns: Vec<(String, String, bool)> = sqlx::query_as(
            "SELECT c.relname::text, a.attname::text, a.atttypid = 'boolean'::regtype FROM pg_class c \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' ORDER BY c.oid, a.attnum",
        )
        .fetch_all(&mut *conn)
        .await
        .context("listing columns")?;
        let mut found = Vec::new();
        for (table, column, is_bool) in columns {
            // Names come from the catalog, never from input. A flag reads as
            // SQLite stores it, 0 or 1.
            let text = if is_bool {
                format!("CASE WHEN \"{column}\" THEN '1' WHEN NOT \"{column}\" THEN '0' END")
            } else {
                format!("CAST(\"{column}\" AS TEXT)")
            };
            let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE strpos({text}, $1) > 0");
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(needle)
                .fetch_one(&mut *conn)
                .await
                .context("searching a column")?;
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
        Ok(found)
    }
}
