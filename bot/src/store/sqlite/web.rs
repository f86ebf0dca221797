//! The web dashboard's statements on SQLite (written once in `web_sql`).

use super::{OnSqlite, SqliteConn, SqliteStore, SqliteTx};
use crate::store::web::WebStore;

crate::store::web_sql::web_statements!(OnSqlite, SqliteConn, SqliteTx, "SELECT value FROM json_each($6)");

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

impl<C: SqliteConn> OnSqlite<C> {
    /// A board search through `member_names` (FTS5 trigrams, migration
    /// 0017) when `part` can use it: three characters or more and no `%`
    /// or `_` (FTS5 uses its index only for a `LIKE` without `ESCAPE`).
    /// The trigram match only picks candidates; the same `LOWER(name) LIKE`
    /// as the scan decides. `None`: the caller scans.
    pub(crate) async fn indexed_name_search(
        &mut self,
        community_id: i64,
        board: BoardOf,
        part: &str,
        offset: i64,
        limit: i64,
    ) -> anyhow::Result<Option<Vec<Standing>>> {
        let part = part.to_ascii_lowercase();
        if part.chars().count() < 3 || part.contains(['%', '_']) {
            return Ok(None);
        }
        let (board_key, sql) = match board {
            BoardOf::AllTime => (
                "all".to_string(),
                concat!(
                    "WITH found AS (SELECT rowid AS id FROM member_names WHERE name LIKE $6), \
                     page AS (SELECT t.member_id, t.balance AS points FROM found f \
                            JOIN members m ON m.id = f.id JOIN totals t ON t.member_id = m.id \
                            WHERE m.community_id = $1 AND NOT m.is_bot AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                            ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                    crate::store::web_sql::ranked_page!()
                ),
            ),
            BoardOf::Maintained(board) => (
                board.key(),
                concat!(
                    "WITH found AS (SELECT rowid AS id FROM member_names WHERE name LIKE $6), \
                     page AS (SELECT b.member_id, b.points FROM found f \
                            JOIN members m ON m.id = f.id JOIN board_points b ON b.member_id = m.id AND b.board = $2 \
                            WHERE m.community_id = $1 AND NOT m.is_bot AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                            ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                    crate::store::web_sql::ranked_page!()
                ),
            ),
            BoardOf::Days(..) => return Ok(None),
        };
        let candidates = format!("%{part}%");
        let pattern = contains_pattern(&part);
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(sql)
            .bind(community_id)
            .bind(board_key)
            .bind(limit)
            .bind(offset)
            .bind(pattern)
            .bind(candidates)
            .fetch_all(&mut *self.tx)
            .await
            .context("searching a board by name")?;
        Ok(Some(
            rows.into_iter()
                .map(|(member_id, name, points, rank)| Standing { member_id, name, points, rank })
                .collect(),
        ))
    }
}
