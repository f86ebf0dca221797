//! The web dashboard's statements on PostgreSQL (written once in `web_sql`).

use super::{OnPostgres, PgConn, PgStore, PgTx};
use crate::store::web::WebStore;

crate::store::web_sql::web_statements!(OnPostgres, PgConn, PgTx);

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
