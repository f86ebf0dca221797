#![allow(unused_variables)] // filled in area by area; every stub says so when called

use chrono::{DateTime, Utc};

use super::{PgStore, PgTx, not_yet};
use crate::store::{CurrentTopic, TopicAdded, TopicRow, TopicsStore, TopicsTx};

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
        Err(not_yet("add_topic"))
    }

    async fn approve_topic(&mut self, community_id: i64, topic_id: i64) -> anyhow::Result<Option<String>> {
        Err(not_yet("approve_topic"))
    }

    async fn topics_left_in_bag(&mut self, community_id: i64) -> anyhow::Result<(Vec<TopicRow>, i64)> {
        Err(not_yet("topics_left_in_bag"))
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
        Err(not_yet("record_topic_post"))
    }

    async fn current_topic(&mut self, community_id: i64) -> anyhow::Result<Option<CurrentTopic>> {
        Err(not_yet("current_topic"))
    }

    async fn topic_post_for_message(
        &mut self,
        community_id: i64,
        target: &str,
        message_id: &str,
    ) -> anyhow::Result<Option<i64>> {
        Err(not_yet("topic_post_for_message"))
    }
}

#[async_trait::async_trait]
impl TopicsStore for PgStore {
    async fn sync_config_topics(&self, community_id: i64, texts: &[String], now: DateTime<Utc>) -> anyhow::Result<()> {
        Err(not_yet("sync_config_topics"))
    }
}
