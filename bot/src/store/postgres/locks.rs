//! What several processes' write transactions serialise on, rule by rule,
//! instead of one lock for the whole database: row locks on the members a
//! rule reads, and transaction-level advisory locks per community (a
//! challenge, a topic bag, the boards) or for handing out member ids. Each
//! is held until the transaction ends. Deadlocks between processes' batches
//! are resolved by PostgreSQL failing one of them; the writer runs that
//! batch again (`is_transaction_conflict`).

use anyhow::Context;

use super::PgTx;
use crate::store::Lock;

/// Advisory lock keys: a range per kind (the high 32 bits spell it), the
/// community id in the low 32 bits. Apart from the roles' range (`lead.rs`).
const CHALLENGE_KEYS: i64 = 0x6863 << 32;
const TOPIC_BAG_KEYS: i64 = 0x6874 << 32;
const BOARD_KEYS: i64 = 0x6862 << 32;
const MANUAL_POST_KEYS: i64 = 0x6870 << 32;
/// Handing out member ids (`create_member`: the largest id plus one).
pub(super) const MEMBER_IDS: i64 = 0x686d << 32;

/// SQLSTATEs of a transaction PostgreSQL failed to resolve a conflict with
/// another: deadlock_detected and serialization_failure.
const CONFLICTS: [&str; 2] = ["40P01", "40001"];

fn community_key(range: i64, community_id: i64) -> i64 {
    range | (community_id & 0xffff_ffff)
}

/// Numbering a community's `/post` slots (`manual_claims`).
pub(super) fn manual_posts_key(community_id: i64) -> i64 {
    community_key(MANUAL_POST_KEYS, community_id)
}

pub(crate) fn is_transaction_conflict(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .and_then(sqlx::Error::as_database_error)
            .and_then(|e| e.code())
            .is_some_and(|code| CONFLICTS.contains(&code.as_ref()))
    })
}

impl PgTx<'_> {
    pub(super) async fn take_lock(&mut self, lock: Lock<'_>) -> anyhow::Result<()> {
        match lock {
            Lock::Members(members) => {
                if members.is_empty() {
                    return Ok(());
                }
                // FOR NO KEY UPDATE: other writers of these members wait, the
                // foreign key checks of rows that merely name them do not.
                sqlx::query("SELECT id FROM members WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
                    .bind(members)
                    .execute(&mut *self.tx)
                    .await
                    .context("locking members")?;
                Ok(())
            }
            Lock::Challenge { community_id, exclusive } => {
                self.advisory(community_key(CHALLENGE_KEYS, community_id), !exclusive).await
            }
            Lock::TopicBag { community_id } => self.advisory(community_key(TOPIC_BAG_KEYS, community_id), false).await,
        }
    }

    /// Every ledger append of a community moves its boards (`totals`,
    /// `board_points`, and `board_counts` by trigger): rows shared by all
    /// its members, which two processes would otherwise lock in whatever
    /// order their rows come. Taken in community order before the first.
    pub(super) async fn lock_boards(&mut self, mut communities: Vec<i64>) -> anyhow::Result<()> {
        communities.sort_unstable();
        communities.dedup();
        let keys: Vec<i64> = communities.iter().map(|&c| community_key(BOARD_KEYS, c)).collect();
        // UNNEST yields the keys in array order, so they are taken sorted.
        sqlx::query("SELECT pg_advisory_xact_lock(k) FROM UNNEST($1::bigint[]) AS t(k)")
            .bind(keys)
            .execute(&mut *self.tx)
            .await
            .context("locking the boards")?;
        Ok(())
    }

    pub(super) async fn advisory(&mut self, key: i64, shared: bool) -> anyhow::Result<()> {
        let statement =
            if shared { "SELECT pg_advisory_xact_lock_shared($1)" } else { "SELECT pg_advisory_xact_lock($1)" };
        sqlx::query(statement).bind(key).execute(&mut *self.tx).await.context("taking an advisory lock")?;
        Ok(())
    }
}
