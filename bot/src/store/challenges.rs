use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePhase {
    Open,
    Voting,
    Closed,
}

impl ChallengePhase {
    pub(crate) fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "open" => Ok(Self::Open),
            "voting" => Ok(Self::Voting),
            "closed" => Ok(Self::Closed),
            other => anyhow::bail!("unknown challenge phase {other:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeRow {
    pub id: i64,
    pub theme: String,
    pub phase: ChallengePhase,
}

/// An entry with its number (1-based, in order of first submission) and votes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub number: i64,
    pub member_id: i64,
    pub member_name: String,
    pub text: String,
    pub votes: i64,
}

impl EntryRow {
    /// Entries as (id, member id, member name, text, votes) in entry order,
    /// numbered 1, 2, … as members see them.
    pub fn numbered(rows: Vec<(i64, i64, String, String, i64)>) -> Vec<EntryRow> {
        rows.into_iter()
            .zip(1..)
            .map(|((id, member_id, member_name, text, votes), number)| EntryRow {
                id,
                number,
                member_id,
                member_name,
                text,
                votes,
            })
            .collect()
    }
}

/// A closed challenge and its winner, for `/challenge history`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastChallenge {
    pub theme: String,
    pub closed_at: String,
    pub winner: Option<String>,
}

#[async_trait::async_trait]
pub trait ChallengesRead: Send + Sync {
    /// The challenge that is open or voting, if any.
    async fn running_challenge(&mut self, community_id: i64) -> anyhow::Result<Option<ChallengeRow>>;

    /// Entries in number order, with their votes.
    async fn entries(&mut self, challenge_id: i64) -> anyhow::Result<Vec<EntryRow>>;

    /// The last `limit` closed challenges, newest first, with their winners.
    async fn past_challenges(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<PastChallenge>>;
}

#[async_trait::async_trait]
pub trait ChallengesTx: ChallengesRead {
    async fn open_challenge(&mut self, community_id: i64, theme: &str, now: DateTime<Utc>) -> anyhow::Result<i64>;

    async fn set_challenge_phase(
        &mut self,
        challenge_id: i64,
        phase: ChallengePhase,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// Records or replaces a member's entry; true when it replaced an earlier one.
    async fn submit_entry(
        &mut self,
        challenge_id: i64,
        member_id: i64,
        text: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    /// Records or changes a vote; true when it changed an earlier vote.
    async fn cast_vote(
        &mut self,
        challenge_id: i64,
        voter_id: i64,
        entry_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool>;

    async fn set_entry_place(&mut self, entry_id: i64, place: i64) -> anyhow::Result<()>;

    /// How many challenges each of `members` won (placed first); members
    /// who never won are absent.
    async fn challenge_wins(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>>;

    /// The theme for the next challenge: a queued one, else the configured
    /// themes in turn. `None` when there is neither.
    async fn take_next_theme(&mut self, community_id: i64, themes: &[String]) -> anyhow::Result<Option<String>>;

    /// Queues `theme` for the next challenge.
    async fn queue_theme(&mut self, community_id: i64, theme: &str) -> anyhow::Result<()>;
}
