//! `hearth export`: the Contract's JSON shape, with balances, levels and
//! streaks as of the engine's clock.

use serde::Serialize;

use super::Engine;
use crate::domain::day::DayBoundary;
use crate::domain::level::level_for;
pub use crate::store::{ExportIdentity, ExportLedgerRow};

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
    /// The streak as it stands today (0 once broken).
    pub streak: u32,
    pub best_streak: u32,
    pub freezes: u32,
    pub badges: Vec<String>,
    pub identities: Vec<ExportIdentity>,
}

impl Engine {
    /// Everything stored about community `id`; `None` if it is not configured.
    /// A configured community with no activity yet exports empty lists.
    pub async fn export(&self, id: &str) -> anyhow::Result<Option<Export>> {
        let Some(community) = self.config().community(id) else {
            return Ok(None);
        };
        let rows = self.store().export(id).await?.unwrap_or_default();
        let today = DayBoundary::new(community.timezone, community.checkin.day_starts_at).day_of(self.now());
        let members = rows
            .members
            .into_iter()
            .map(|m| ExportMember {
                level: level_for(m.balance, &community.points.levels).level,
                streak: m.streak.current(today),
                best_streak: m.best_streak,
                freezes: m.streak.freezes,
                id: m.id,
                name: m.name,
                balance: m.balance,
                badges: m.badges,
                identities: m.identities,
            })
            .collect();
        Ok(Some(Export { community: community.id.clone(), members, ledger: rows.ledger }))
    }
}
