use super::{SqliteReadOnly, SqliteStore};
use crate::store::{ExportIdentity, ExportLedgerRow, ExportMember, ExportRows, ExportStore, streak_state};
use anyhow::Context;
use sqlx::SqliteConnection;
use std::collections::HashMap;

type MemberExportTuple = (i64, String, i64, i64, i64, i64, Option<String>);

type LedgerExportTuple = (i64, i64, i64, String, String, String, Option<i64>);

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

    let mut badges_by_member: HashMap<i64, Vec<String>> = HashMap::new();
    for (member_id, badge) in badges {
        badges_by_member.entry(member_id).or_default().push(badge);
    }
    let mut identities_by_member: HashMap<i64, Vec<ExportIdentity>> = HashMap::new();
    for (member_id, platform, user_id) in identities {
        identities_by_member.entry(member_id).or_default().push(ExportIdentity { platform, user_id });
    }
    let mut out = ExportRows::default();
    for (id, name, balance, streak, best, freezes, last_day) in members {
        out.members.push(ExportMember {
            id,
            name,
            balance,
            streak: streak_state(streak, freezes, last_day.as_deref())?,
            best_streak: u32::try_from(best).unwrap_or(0),
            badges: badges_by_member.remove(&id).unwrap_or_default(),
            identities: identities_by_member.remove(&id).unwrap_or_default(),
        });
    }
    out.ledger = ledger
        .into_iter()
        .map(|(id, member_id, delta, kind, reason, at, actor_member_id)| ExportLedgerRow {
            id,
            member_id,
            delta,
            kind,
            reason,
            at,
            actor_member_id,
        })
        .collect();
    Ok(Some(out))
}

#[async_trait::async_trait]
impl ExportStore for SqliteStore {
    async fn export(&self, slug: &str) -> anyhow::Result<Option<ExportRows>> {
        read_export(&mut *self.read().await?, slug).await
    }
}
