use chrono::{DateTime, Utc};

/// A topic prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRow {
    pub id: i64,
    pub text: String,
}

/// The topic the community talks about now: its latest topic post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentTopic {
    pub post_id: i64,
    pub topic_id: i64,
    pub text: String,
    pub posted_at: DateTime<Utc>,
}

/// What adding a suggestion or topic did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicAdded {
    New(i64),
    /// The same text exists already, with this id.
    Exists(i64),
}

#[async_trait::async_trait]
pub trait TopicsRead: Send + Sync {
    /// The latest topic post and its topic.
    async fn current_topic(&mut self, community_id: i64) -> anyhow::Result<Option<CurrentTopic>>;
}

#[async_trait::async_trait]
pub trait TopicsTx: TopicsRead {
    /// Adds a topic (`pending` for a member's suggestion, `active` for an admin's).
    async fn add_topic(
        &mut self,
        community_id: i64,
        text: &str,
        suggested_by: Option<i64>,
        pending: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<TopicAdded>;

    /// Approves a pending suggestion; the topic's text, or `None` if there is no such suggestion.
    async fn approve_topic(&mut self, community_id: i64, topic_id: i64) -> anyhow::Result<Option<String>>;

    /// The active topics not drawn in the current round of the bag (all of
    /// them once every topic has been drawn), and that round's number.
    async fn topics_left_in_bag(&mut self, community_id: i64) -> anyhow::Result<(Vec<TopicRow>, i64)>;

    /// Takes `topic_id` out of the bag and records it as the current topic.
    async fn record_topic_post(
        &mut self,
        community_id: i64,
        topic_id: i64,
        drawn_round: i64,
        schedule_id: &str,
        slot: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// The topic post an outbox post delivered as `message_id` on `target` stands for.
    async fn topic_post_for_message(
        &mut self,
        community_id: i64,
        target: &str,
        message_id: &str,
    ) -> anyhow::Result<Option<i64>>;
}

#[async_trait::async_trait]
pub trait TopicsStore: Send + Sync {
    /// Makes the config's topics active and retires config topics that left the config.
    async fn sync_config_topics(&self, community_id: i64, texts: &[String], now: DateTime<Utc>) -> anyhow::Result<()>;
}
