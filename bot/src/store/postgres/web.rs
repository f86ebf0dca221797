//! The web dashboard's statements on PostgreSQL (written once in `web_sql`).

use super::{OnPostgres, PgConn, PgStore, PgTx};
use crate::store::web::WebStore;

crate::store::web_sql::web_statements!(
    OnPostgres,
    PgConn,
    PgTx,
    "SELECT value::bigint FROM json_array_elements_text($6::json) AS ids (value)"
);

#[async_trait::async_trait]
impl WebStore for PgStore {
    async fn redeem_login(&self, token_hash: &str, session: NewWebSession<'_>) -> anyhow::Result<Option<WebLogin>> {
        let mut writer = self.lock_writer().await?;
        let mut tx = PgTx::begin(&mut writer).await?;
        let login = redeem_in(&mut tx, token_hash, session).await?;
        tx.tx.commit().await.context("committing a sign-in")?;
        Ok(login)
    }

    async fn end_web_session(&self, token_hash: &str) -> anyhow::Result<()> {
        let mut writer = self.lock_writer().await?;
        let mut tx = PgTx::begin(&mut writer).await?;
        end_session_in(&mut tx, token_hash).await?;
        tx.tx.commit().await.context("committing a sign-out")
    }
}

impl<C: PgConn> OnPostgres<C> {
    /// PostgreSQL's name search needs no statement of its own: the shared
    /// one's `LOWER(name) LIKE` uses the pg_trgm `members_by_name`.
    pub(crate) async fn indexed_name_search(
        &mut self,
        _community_id: i64,
        _board: BoardOf,
        _part: &str,
        _offset: i64,
        _limit: i64,
    ) -> anyhow::Result<Option<Vec<Standing>>> {
        Ok(None)
    }
}
