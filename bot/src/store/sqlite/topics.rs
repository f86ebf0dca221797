use super::{OnSqlite, SqliteConn};
use super::{SqliteStore, SqliteTx};
use crate::store::{CurrentTopic, TopicAdded, TopicRow, TopicsRead, TopicsStore, TopicsTx, fmt_time, parse_time};
use anyhow::Context;
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl<C: SqliteConn> TopicsRead for OnSqlite<C> {
    async fn current_topic(&mut self, community_id: i64) -> anyhow::Result<Option<CurrentTopic>> {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT p.id, t.id, t.text, p.posted_at FROM topic_posts p JOIN topics t ON t.id = p.topic_id \
             WHERE p.community_id = ? ORDER BY p.id DESC LIMIT 1",
        )
        .bind(community_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading the current topic")?;
        row.map(|(post_id, topic_id, text, at)| {
            Ok(CurrentTopic { post_id, topic_id, text, posted_at: parse_time(&at)? })
        })
        .transpose()
    }
}

#[async_trait::async_trait]
impl TopicsTx for SqliteTx<'_> {
    async fn add_topic(
        &mut self,
        community_id: i64,
        text: &str,
        suggested_by: Option<i64>,
        pending: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<TopicAdded> {
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM topics WHERE community_id = ? AND text = ?")
            .bind(community_id)
            .bind(text)
            .fetch_optional(&mut *self.tx)
            .await
            .context("looking for an equal topic")?;
        if let Some((id,)) = existing {
            return Ok(TopicAdded::Exists(id));
        }
        let (source, status) = if pending { ("suggestion", "pending") } else { ("admin", "active") };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO topics (community_id, text, source, status, suggested_by, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(community_id)
        .bind(text)
        .bind(source)
        .bind(status)
        .bind(suggested_by)
        .bind(fmt_time(now))
        .fetch_one(&mut *self.tx)
        .await
        .context("adding a topic")?;
        Ok(TopicAdded::New(id))
    }

    async fn approve_topic(&mut self, community_id: i64, topic_id: i64) -> anyhow::Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE topics SET status = 'active' WHERE community_id = ? AND id = ? AND status = 'pending' RETURNING text",
        )
        .bind(community_id)
        .bind(topic_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("approving a topic")?;
        Ok(row.map(|(text,)| text))
    }

    async fn topics_left_in_bag(&mut self, community_id: i64) -> anyhow::Result<(Vec<TopicRow>, i64)> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, text, drawn_round FROM topics WHERE community_id = ? AND status = 'active' \
             AND drawn_round = (SELECT MIN(drawn_round) FROM topics WHERE community_id = ? AND status = 'active') \
             ORDER BY id",
        )
        .bind(community_id)
        .bind(community_id)
        .fetch_all(&mut *self.tx)
        .await
        .context("reading the topic bag")?;
        let round = rows.first().map_or(0, |(_, _, r)| *r);
        Ok((rows.into_iter().map(|(id, text, _)| TopicRow { id, text }).collect(), round))
    }

    async fn record_topic_post(
        &mut self,
        community_id: i64,
        topic_id: i64,
        drawn_round: i64,
        schedule_id: &str,
        slot: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query("UPDATE topics SET drawn_round = ? WHERE id = ?")
            .bind(drawn_round)
            .bind(topic_id)
            .execute(&mut *self.tx)
            .await
            .context("drawing a topic")?;
        sqlx::query(
            "INSERT INTO topic_posts (community_id, topic_id, schedule_id, slot, posted_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(community_id)
        .bind(topic_id)
        .bind(schedule_id)
        .bind(slot)
        .bind(fmt_time(now))
        .execute(&mut *self.tx)
        .await
        .context("recording a topic post")?;
        Ok(())
    }

    async fn topic_post_for_message(
        &mut self,
        community_id: i64,
        target: &str,
        message_id: &str,
    ) -> anyhow::Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT p.id FROM outbox o JOIN topic_posts p \
               ON p.community_id = o.community_id AND p.schedule_id = o.schedule_id AND p.slot = o.slot \
             WHERE o.community_id = ? AND o.target = ? AND o.platform_message_id = ?",
        )
        .bind(community_id)
        .bind(target)
        .bind(message_id)
        .fetch_optional(&mut *self.tx)
        .await
        .context("finding the topic post of a message")?;
        Ok(row.map(|(id,)| id))
    }
}

#[async_trait::async_trait]
impl TopicsStore for SqliteStore {
    async fn sync_config_topics(&self, community_id: i64, texts: &[String], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut writer = self.writer.lock().await?;
        let mut tx = SqliteTx::begin(&mut writer).await?;
        sqlx::query("UPDATE topics SET status = 'retired' WHERE community_id = ? AND source = 'config'")
            .bind(community_id)
            .execute(&mut *tx.tx)
            .await
            .context("retiring config topics")?;
        for text in texts {
            sqlx::query(
                "INSERT INTO topics (community_id, text, source, status, created_at) VALUES (?, ?, 'config', 'active', ?) \
                 ON CONFLICT (community_id, text) DO UPDATE SET status = 'active' \
                 WHERE topics.source = 'config'",
            )
            .bind(community_id)
            .bind(text)
            .bind(fmt_time(now))
            .execute(&mut *tx.tx)
            .await
            .context("syncing a config topic")?;
        }
        tx.tx.commit().await.context("committing")
    }
}
