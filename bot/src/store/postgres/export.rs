use anyhow::Context;
use sqlx::Connection;

use super::PgStore;
use crate::store::export::{LedgerExportTuple, MemberExportTuple};
use crate::store::{ExportRows, ExportStore};

#[async_trait::async_trait]
impl ExportStore for PgStore {
    /// One REPEATABLE READ transaction: every statement sees the same
    /// snapshot, as SQLite's read transaction does.
    async fn export(&self, slug: &str) -> anyhow::Result<Option<ExportRows>> {
        let mut conn = self.read().await?;
        let mut tx = conn.begin().await.context("beginning export read")?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .context("making the export read one snapshot")?;
        let community: Option<(i64,)> = sqlx::query_as("SELECT id FROM communities WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await
            .context("finding community")?;
        let Some((community_id,)) = community else {
            return Ok(None);
        };
        let members: Vec<MemberExportTuple> = sqlx::query_as(
            "SELECT m.id, m.name, COALESCE(t.balance, 0), m.streak, m.best_streak, m.freezes, m.last_checkin_day \
             FROM members m LEFT JOIN totals t ON t.member_id = m.id WHERE m.community_id = $1 ORDER BY m.id",
        )
        .bind(community_id)
        .fetch_all(&mut *tx)
        .await
        .context("reading members for export")?;
        // (community, platform, user id) is the primary key: no ties.
        let identities: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT member_id, platform, user_id FROM identities WHERE community_id = $1 ORDER BY platform, user_id",
        )
        .bind(community_id)
        .fetch_all(&mut *tx)
        .await
        .context("reading identities for export")?;
        // Ties on (awarded_at, badge_id) are only between members, whose lists are apart.
        let badges: Vec<(i64, String)> = sqlx::query_as(
            "SELECT b.member_id, b.badge_id FROM badges_awarded b JOIN members m ON m.id = b.member_id \
             WHERE m.community_id = $1 ORDER BY b.awarded_at, b.badge_id",
        )
        .bind(community_id)
        .fetch_all(&mut *tx)
        .await
        .context("reading badges for export")?;
        let ledger: Vec<LedgerExportTuple> = sqlx::query_as(
            "SELECT id, member_id, delta, kind, reason, at, actor_member_id FROM ledger \
             WHERE community_id = $1 ORDER BY id",
        )
        .bind(community_id)
        .fetch_all(&mut *tx)
        .await
        .context("reading ledger for export")?;
        tx.commit().await.context("ending export read")?;

        Ok(Some(ExportRows::from_rows(members, identities, badges, ledger)?))
    }
}
