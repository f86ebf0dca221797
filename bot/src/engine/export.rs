//! `hearth export`: the Contract's JSON shape: members with balances, levels,
//! streaks and badges, and the whole ledger.

use serde::Serialize;

use super::Engine;
use crate::config::{CommunityConfig, Config};
use crate::domain::level::level_for;
pub use crate::store::{ExportIdentity, ExportLedgerRow};
use crate::store::{ExportRows, ReadOnlyStore};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Export {
    pub community: String,
    pub members: Vec<ExportMember>,
    pub ledger: Vec<ExportLedgerRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExportMember {
    pub id: i64,
    pub name: String,
    /// Always the sum of this member's ledger deltas.
    pub balance: i64,
    pub level: u32,
    /// The streak as of the last check-in. It holds no matter when the export
    /// runs; `last_checkin_day` tells whether it is still alive.
    pub streak: u32,
    /// Local day of the last check-in, `YYYY-MM-DD`.
    pub last_checkin_day: Option<String>,
    pub best_streak: u32,
    pub freezes: u32,
    pub badges: Vec<String>,
    pub identities: Vec<ExportIdentity>,
}

impl Engine {
    /// Everything stored about community `id`; `None` if it is not configured.
    /// A configured community with no activity yet exports empty lists.
    pub async fn export(&self, id: &str) -> anyhow::Result<Option<Export>> {
        let served = self.served();
        let Some(community) = served.config.community(id) else {
            return Ok(None);
        };
        let rows = self.store().export(id).await?.unwrap_or_default();
        Ok(Some(Export::assemble(community, rows)))
    }
}

impl Export {
    /// `Engine::export` without an engine: what `hearth export` prints, read
    /// from a database opened read-only. Nothing is registered or synced, so
    /// a community in the config that the database never saw exports empty.
    pub async fn read_only(store: &mut ReadOnlyStore, config: &Config, id: &str) -> anyhow::Result<Option<Export>> {
        let Some(community) = config.community(id) else {
            return Ok(None);
        };
        let rows = store.export(id).await?.unwrap_or_default();
        Ok(Some(Export::assemble(community, rows)))
    }

    /// The stored rows with what the config derives from them (levels).
    fn assemble(community: &CommunityConfig, rows: ExportRows) -> Export {
        let members = rows
            .members
            .into_iter()
            .map(|m| ExportMember {
                level: level_for(m.balance, &community.points.levels).level,
                streak: m.streak.streak,
                last_checkin_day: m.streak.last_day.map(crate::store::fmt_day),
                best_streak: m.best_streak,
                freezes: m.streak.freezes,
                id: m.id,
                name: m.name,
                balance: m.balance,
                badges: m.badges,
                identities: m.identities,
            })
            .collect();
        Export { community: community.id.clone(), members, ledger: rows.ledger }
    }
}
