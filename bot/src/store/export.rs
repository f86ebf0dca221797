use crate::domain::streak::StreakState;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportIdentity {
    pub platform: String,
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMember {
    pub id: i64,
    pub name: String,
    pub balance: i64,
    pub streak: StreakState,
    pub best_streak: u32,
    pub badges: Vec<String>,
    pub identities: Vec<ExportIdentity>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportLedgerRow {
    pub id: i64,
    pub member_id: i64,
    pub delta: i64,
    pub kind: String,
    pub reason: String,
    pub at: String,
    /// Who caused the row: the giver of a peer award, the admin of an award.
    /// None for rows a rule wrote and for actors who used `/forgetme`.
    pub actor_member_id: Option<i64>,
}

/// Everything `hearth export` prints about one community, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportRows {
    pub members: Vec<ExportMember>,
    pub ledger: Vec<ExportLedgerRow>,
}

#[async_trait::async_trait]
pub trait ExportStore: Send + Sync {
    /// Reads a community's members and whole ledger in one read transaction,
    /// so balances and ledger rows are from the same instant.
    async fn export(&self, slug: &str) -> anyhow::Result<Option<ExportRows>>;
}
