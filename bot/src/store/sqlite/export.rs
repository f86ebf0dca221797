use super::{SqliteReadOnly, SqliteStore};
use crate::store::export::{LedgerExportTuple, MemberExportTuple};
use crate::store::{ExportRows, ExportStore};
use anyhow::Context;
use sqlx::SqliteConnection;

impl SqliteReadOnly {
    /// `Store::export`, on a database opened read-only.
    pub async fn export(&mut self, slug: &str) -> anyhow::Result<Option<ExportRows>> {
        read_export(self.connection(), slug).await
    }
}

async fn read_export(conn: &mut SqliteConnection, slug: &str) -> anyhow::Result<Option<ExportRows>> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await.context("beginning export read")?;
    let community: Option<(i64,)> = sqlx::query_as("SELECT id FROM communities WHERE slug = ?")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await
        .context("finding community")?;
    let Some((community_id,)) = community else {
        return Ok(None);
    };
    let members: Vec<MemberExportTuple> = sqlx::query_as(
        "SELECT m.id, m.name, COALESCE(t.balance, 0), m.streak, m.best_streak, m.freezes, m.last_checkin_day \
             FROM members m LEFT JOIN totals t ON t.member_id = m.id WHERE m.community_id = ? ORDER BY m.id",
    )
    .bind(community_id)
    .fetch_all(&mut *tx)
    .await
    .context("reading members for export")?;
    let identities: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT member_id, platform, user_id FROM identities WHERE community_id = ? ORDER BY platform, user_id",
    )
    .bind(community_id)
    .fetch_all(&mut *tx)
    .await
    .context("reading identities for export")?;
    let badges: Vec<(i64, String)> = sqlx::query_as(
        "SELECT b.member_id, b.badge_id FROM badges_awarded b JOIN members m ON m.id = b.member_id \
             WHERE m.community_id = ? ORDER BY b.awarded_at, b.badge_id",
    )
    .bind(community_id)
    .fetch_all(&mut *tx)
    .await
    .context("reading badges for export")?;
    let ledger: Vec<LedgerExportTuple> = sqlx::query_as(
        "SELECT id, member_id, delta, kind, reason, at, actor_member_id FROM ledger \
             WHERE community_id = ? ORDER BY id",
    )
    .bind(community_id)
    .fetch_all(&mut *tx)
    .await
    .context("reading ledger for export")?;

    Ok(Some(ExportRows::from_rows(members, identities, badges, ledger)?))
}

#[async_trait::async_trait]
impl ExportStore for SqliteStore {
    async fn export(&self, slug: &str) -> anyhow::Result<Option<ExportRows>> {
        read_export(&mut *self.read().await?, slug).await
    }
}
