//! The web dashboard's statements on SQLite (written once in `web_sql`).

use super::{OnSqlite, SqliteConn, SqliteStore, SqliteTx};
use crate::store::web::WebStore;

crate::store::web_sql::web_statements!(OnSqlite, SqliteConn, SqliteTx);

#[async_trait::async_trait]
impl WebStore for SqliteStore {
    async fn redeem_login(&self, token_hash: &str, session: NewWebSession<'_>) -> anyhow::Result<Option<WebLogin>> {
        let mut writer = self.writer.lock().await?;
        let mut tx = SqliteTx::begin(&mut writer).await?;
        let login = redeem_in(&mut tx, token_hash, session).await?;
        tx.tx.commit().await.context("committing a sign-in")?;
        Ok(login)
    }

    async fn end_web_session(&self, token_hash: &str) -> anyhow::Result<()> {
        let mut writer = self.writer.lock().await?;
        let mut tx = SqliteTx::begin(&mut writer).await?;
        end_session_in(&mut tx, token_hash).await?;
        tx.tx.commit().await.context("committing a sign-out")
    }
}
