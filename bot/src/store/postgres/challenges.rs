#![allow(unused_variables)] // filled in area by area; every stub says so when called

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{PgTx, not_yet};
use crate::store::{ChallengePhase, ChallengeRow, ChallengesTx, EntryRow, PastChallenge};

#[async_trait::async_trait]
impl ChallengesTx for PgTx<'_> {
    async fn running_challenge(&mut self, community_id: i64) -> anyhow::Result<Option<ChallengeRow>> {
        Err(not_yet("running_challenge"))
    }

    async fn open_challenge(&mut self, community_id: i64, theme: &str, now: DateTime<Utc>) -> anyhow::Result<i64> {
        Err(not_yet("open_challenge"))
    }

    async fn set_challenge_phase(
        &mut self,
        challenge_id: i64,
        phase: ChallengePhase,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        Err(not_yet("set_challenge_phase"))
    }

    async fn submit_entry(
        &mut self,
        challenge_id: i64,
        member_id: i64,
        text: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        Err(not_yet("submit_entry"))
    }

    async fn entries(&mut self, challenge_id: i64) -> anyhow::Result<Vec<EntryRow>> {
        Err(not_yet("entries"))
    }

    async fn cast_vote(
        &mut self,
        challenge_id: i64,
        voter_id: i64,
        entry_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        Err(not_yet("cast_vote"))
    }

    async fn set_entry_place(&mut self, entry_id: i64, place: i64) -> anyhow::Result<()> {
        Err(not_yet("set_entry_place"))
    }

    async fn challenge_wins(&mut self, members: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
        Err(not_yet("challenge_wins"))
    }

    async fn take_next_theme(&mut self, community_id: i64, themes: &[String]) -> anyhow::Result<Option<String>> {
        Err(not_yet("take_next_theme"))
    }

    async fn queue_theme(&mut self, community_id: i64, theme: &str) -> anyhow::Result<()> {
        Err(not_yet("queue_theme"))
    }

    async fn past_challenges(&mut self, community_id: i64, limit: i64) -> anyhow::Result<Vec<PastChallenge>> {
        Err(not_yet("past_challenges"))
    }
}
