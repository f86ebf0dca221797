use super::{OnPostgres, PgConn};
use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{PgStore, PgTx};
use crate::store::{CurrentTopic, TopicAdded, TopicRow, TopicsRead, TopicsStore, TopicsTx, fmt_time, parse_time};

#[async_trait::async_trait]
impl<C: PgConn> TopicsRead for OnPostgres<C> {
    async fn current_topic(&mut self, community_id: i64) -> anyhow::Result<Option<CurrentTopic>> {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT p.id, t.id, t.text, p.posted_at FROM topic_posts p JOIN topics t ON t.id = p.topic_id \
             WHERE p.community_id = $1 ORDER BY p.id DESC LIMIT 1",
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
impl TopicsTx for PgTx<'_> {
    async fn add_topic(
        &mut self,
        community_id: i64,
        text: &str,
        suggested_by: Option<i64>,
        pending: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<TopicAdded> {
        // The same text from two processes at once: the second finds the first's.
        self.take_lock(crate::store::Lock::TopicBag { community_id }).await?;
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM topics WHERE community_id = $1 AND text = $2")
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
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
            "UPDATE topics SET status = 'active' WHERE community_id = $1 AND id = $2 AND status = 'pending' \
             RETURNING text",
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
            "SELECT id, text, drawn_round FROM topics WHERE community_id = $1 AND status = 'active' \
             AND drawn_round = (SELECT MIN(drawn_round) FROM topics WHERE community_id = $1 AND status = 'active') \
             ORDER BY id",
        )
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
        sqlx::query("UPDATE topics SET drawn_round = $1 WHERE id = $2")
            .bind(drawn_round)
            .bind(topic_id)
            .execute(&mut *self.tx)
            .await
            .context("drawing a topic")?;
        sqlx::query(
            "INSERT INTO topic_posts (community_id, topic_id, schedule_id, slot, posted_at) \
             VALUES ($1, $2, $3, $4, $5)",
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
             WHERE o.community_id = $1 AND o.target = $2 AND o.platform_message_id = $3",
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
impl TopicsStore for PgStore {
    /// One statement per text, as on SQLite. The insert runs only for a text
    /// the community does not have yet: an `ON CONFLICT` upsert would draw a
    /// topic id from the sequence on every restart, and topic ids are shown
    /// to admins (`/topic approve <id>`), so they must follow SQLite's.
    async fn sync_config_topics(&self, community_id: i64, texts: &[String], now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut writer = self.lock_writer().await?;
        let mut tx = PgTx::begin(&mut writer).await?;
        // Processes started together sync the same texts: one at a time.
        tx.take_lock(crate::store::Lock::TopicBag { community_id }).await?;
        sqlx::query("UPDATE topics SET status = 'retired' WHERE community_id = $1 AND source = 'config'")
            .bind(community_id)
            .execute(&mut *tx.tx)
            .await
            .context("retiring config topics")?;
        for text in texts {
            let reactivated = sqlx::query(
                "UPDATE topics SET status = 'active' WHERE community_id = $1 AND text = $2 AND source = 'config'",
            )
            .bind(community_id)
            .bind(text)
            .execute(&mut *tx.tx)
            .await
            .context("syncing a config topic")?
            .rows_affected();
            if reactivated == 0 {
                sqlx::query(
                    "INSERT INTO topics (community_id, text, source, status, created_at) \
                     SELECT $1, $2, 'config', 'active', $3 \
                     WHERE NOT EXISTS (SELECT 1 FROM topics WHERE community_id = $1 AND text = $2)",
                )
                .bind(community_id)
                .bind(text)
                .bind(fmt_time(now))
                .execute(&mut *tx.tx)
                .await
                .context("adding a config topic")?;
            }
        }
        tx.tx.commit().await.context("committing")
    }
}
