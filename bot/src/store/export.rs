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

/// A member row as both backends read it: id, name, balance, streak, best
/// streak, freezes, last check-in day.
pub(crate) type MemberExportTuple = (i64, String, i64, i64, i64, i64, Option<String>);
/// A ledger row: id, member, delta, kind, reason, at, actor.
pub(crate) type LedgerExportTuple = (i64, i64, i64, String, String, String, Option<i64>);

impl ExportRows {
    /// The export from the rows a backend read (members and ledger in
    /// their order; identities and badges matched to their members).
    pub(crate) fn from_rows(
        members: Vec<MemberExportTuple>,
        identities: Vec<(i64, String, String)>,
        badges: Vec<(i64, String)>,
        ledger: Vec<LedgerExportTuple>,
    ) -> anyhow::Result<ExportRows> {
        let mut badges_by_member: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
        for (member_id, badge) in badges {
            badges_by_member.entry(member_id).or_default().push(badge);
        }
        let mut identities_by_member: std::collections::HashMap<i64, Vec<ExportIdentity>> =
            std::collections::HashMap::new();
        for (member_id, platform, user_id) in identities {
            identities_by_member.entry(member_id).or_default().push(ExportIdentity { platform, user_id });
        }
        let mut out = ExportRows::default();
        for (id, name, balance, streak, best, freezes, last_day) in members {
            out.members.push(ExportMember {
                id,
                name,
                balance,
                streak: super::streak_state(streak, freezes, last_day.as_deref())?,
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
        Ok(out)
    }
}
