//! The web dashboard's statements, written once for both backends: each
//! is valid SQLite and PostgreSQL alike (`$N` placeholders, which sqlx's
//! SQLite driver binds by number; `NOT is_bot`; `CAST(… AS BIGINT)` where
//! PostgreSQL would widen a sum to NUMERIC). `web_statements!` expands the
//! same method bodies for each backend, so the compiler checks every
//! statement's types against both drivers.

/// The second half of a board page statement: the page's names and each
/// row's rank from `board_counts` (`$1` community, `$2` board key).
macro_rules! ranked_page {
    () => {
        "SELECT p.member_id, m.name, p.points, CAST(1 + COALESCE((SELECT SUM(c.members) \
                FROM board_counts c WHERE c.community_id = $1 AND c.board = $2 \
                AND c.points > p.points), 0) AS BIGINT) \
         FROM page p JOIN members m ON m.id = p.member_id ORDER BY p.points DESC, p.member_id"
    };
}

macro_rules! web_statements {
    // `$id_list`: the member ids of a JSON array bound as `$6`, as rows of
    // one column `value` (SQLite's `json_each`, PostgreSQL's
    // `json_array_elements_text`).
    ($on:ident, $conn:ident, $tx:ident, $id_list:literal) => {
        use anyhow::Context as _;
        use chrono::{DateTime, NaiveDate, Utc};

        use crate::store::web::{
            BoardOf, ChallengeAct, KindTotal, LedgerAuditRow, LedgerFilter, LoginGrant, NewWebSession,
            TopicPostRow, WebLogin, WebRead, WebSessionRow, WebTx, contains_pattern,
        };
        use crate::store::{Standing, fmt_day, fmt_time, parse_day, parse_time};

        #[async_trait::async_trait]
        impl<C: $conn> WebRead for $on<C> {
            async fn login_offer(&mut self, token_hash: &str, now: DateTime<Utc>) -> anyhow::Result<Option<WebLogin>> {
                let row: Option<(i64, i64, String)> = sqlx::query_as(
                    "SELECT l.community_id, l.member_id, m.name FROM web_logins l JOIN members m ON m.id = l.member_id \
                     WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
                )
                .bind(token_hash)
                .bind(fmt_time(now))
                .fetch_optional(&mut *self.tx)
                .await
                .context("reading a login link")?;
                Ok(row.map(|(community_id, member_id, member_name)| WebLogin { community_id, member_id, member_name }))
            }

            async fn web_session(
                &mut self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> anyhow::Result<Option<WebSessionRow>> {
                let row: Option<(i64, i64, String, String, String)> = sqlx::query_as(
                    "SELECT s.community_id, s.member_id, m.name, s.csrf, s.expires_at \
                     FROM web_sessions s JOIN members m ON m.id = s.member_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(fmt_time(now))
                .fetch_optional(&mut *self.tx)
                .await
                .context("reading a web session")?;
                row.map(|(community_id, member_id, member_name, csrf, expires_at)| {
                    Ok(WebSessionRow {
                        login: WebLogin { community_id, member_id, member_name },
                        csrf,
                        expires_at: parse_time(&expires_at)?,
                    })
                })
                .transpose()
            }

            async fn challenge_acts(
                &mut self,
                community_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> anyhow::Result<Vec<ChallengeAct>> {
                let rows: Vec<(i64, String, i64)> = sqlx::query_as(
                    "SELECT e.member_id, e.submitted_at, CAST(0 AS BIGINT) FROM challenge_entries e \
                         JOIN challenges c ON c.id = e.challenge_id \
                         WHERE c.community_id = $1 AND e.submitted_at >= $2 AND e.submitted_at < $3 \
                     UNION ALL SELECT v.voter_id, v.voted_at, CAST(1 AS BIGINT) FROM challenge_votes v \
                         JOIN challenges c ON c.id = v.challenge_id \
                         WHERE c.community_id = $1 AND v.voted_at >= $2 AND v.voted_at < $3",
                )
                .bind(community_id)
                .bind(fmt_time(from))
                .bind(fmt_time(to))
                .fetch_all(&mut *self.tx)
                .await
                .context("reading challenge entries and votes")?;
                rows.into_iter()
                    .map(|(member_id, at, vote)| Ok(ChallengeAct { member_id, at: parse_time(&at)?, vote: vote == 1 }))
                    .collect()
            }

            async fn points_by_kind(
                &mut self,
                community_id: i64,
                first: NaiveDate,
                last: NaiveDate,
            ) -> anyhow::Result<Vec<KindTotal>> {
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT kind, CAST(SUM(entries) AS BIGINT), CAST(SUM(points) AS BIGINT) FROM ledger_days \
                     WHERE community_id = $1 AND local_day >= $2 AND local_day <= $3 GROUP BY kind ORDER BY kind",
                )
                .bind(community_id)
                .bind(fmt_day(first))
                .bind(fmt_day(last))
                .fetch_all(&mut *self.tx)
                .await
                .context("reading points by kind")?;
                Ok(rows.into_iter().map(|(kind, rows, points)| KindTotal { kind, rows, points }).collect())
            }

            async fn topic_posts_between(
                &mut self,
                community_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> anyhow::Result<Vec<TopicPostRow>> {
                let rows: Vec<(i64, String, String)> = sqlx::query_as(
                    "SELECT p.id, t.text, p.posted_at FROM topic_posts p JOIN topics t ON t.id = p.topic_id \
                     WHERE p.community_id = $1 AND p.posted_at >= $2 AND p.posted_at < $3 ORDER BY p.id",
                )
                .bind(community_id)
                .bind(fmt_time(from))
                .bind(fmt_time(to))
                .fetch_all(&mut *self.tx)
                .await
                .context("reading topic posts")?;
                rows.into_iter()
                    .map(|(post_id, text, at)| Ok(TopicPostRow { post_id, text, posted_at: parse_time(&at)? }))
                    .collect()
            }

            async fn topic_reply_keys(&mut self, community_id: i64, first: NaiveDate) -> anyhow::Result<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT idempotency_key FROM ledger \
                     WHERE community_id = $1 AND kind = 'topic_reply' AND local_day >= $2",
                )
                .bind(community_id)
                .bind(fmt_day(first))
                .fetch_all(&mut *self.tx)
                .await
                .context("reading topic replies")?;
                Ok(rows.into_iter().map(|(key,)| key).collect())
            }

            async fn ledger_page(
                &mut self,
                community_id: i64,
                filter: &LedgerFilter<'_>,
                offset: i64,
                limit: i64,
            ) -> anyhow::Result<Vec<LedgerAuditRow>> {
                type Row = (i64, String, i64, String, i64, String, String, Option<String>);
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT l.id, l.at, l.member_id, m.name, l.delta, l.kind, l.reason, a.name \
                     FROM ledger l JOIN members m ON m.id = l.member_id \
                     LEFT JOIN members a ON a.id = l.actor_member_id \
                     WHERE l.community_id = $1 \
                       AND ($2 IS NULL OR LOWER(m.name) LIKE $2 ESCAPE '\\') \
                       AND ($3 IS NULL OR l.kind = $3) \
                     ORDER BY l.id DESC LIMIT $4 OFFSET $5",
                )
                .bind(community_id)
                .bind(filter.member.map(contains_pattern))
                .bind(filter.kind)
                .bind(limit)
                .bind(offset)
                .fetch_all(&mut *self.tx)
                .await
                .context("reading a ledger page")?;
                rows.into_iter()
                    .map(|(id, at, member_id, member, delta, kind, reason, actor)| {
                        Ok(LedgerAuditRow { id, at: parse_time(&at)?, member_id, member, delta, kind, reason, actor })
                    })
                    .collect()
            }

            async fn board_page(
                &mut self,
                community_id: i64,
                board: BoardOf,
                search: Option<&str>,
                offset: i64,
                limit: i64,
            ) -> anyhow::Result<Vec<Standing>> {
                if let Some(part) = search
                    && let Some(rows) = self.short_name_search(community_id, board, part, offset, limit).await?
                {
                    return Ok(rows);
                }
                if let Some(part) = search
                    && let Some(rows) = self.indexed_name_search(community_id, board, part, offset, limit).await?
                {
                    return Ok(rows);
                }
                let search = search.map(contains_pattern);
                let standings = |rows: Vec<(i64, String, i64, i64)>| -> Vec<Standing> {
                    rows.into_iter().map(|(member_id, name, points, rank)| Standing { member_id, name, points, rank }).collect()
                };
                // The page first, then each of its rows' rank: ranks of the
                // rows OFFSET skips are never counted. Without a search the
                // skipped rows are read from the rank index alone (bots
                // through `members_bots`); with one, the community's
                // matching names come first.
                // Leaving bots out costs each skipped row a lookup (page 1,000
                // on SQLite: 3.4 ms, 1.2 ms without): done only on a board
                // that holds a bot, which most never do.
                let bots = match (board, search.is_some()) {
                    (BoardOf::AllTime, false) => self.bots_on_board(community_id, None).await?,
                    (BoardOf::Maintained(board), false) => self.bots_on_board(community_id, Some(&board.key())).await?,
                    _ => true,
                };
                let (key, sql, what) = match (board, search.is_some()) {
                    (BoardOf::AllTime, false) if !bots => (
                        "all".to_string(),
                        concat!(
                            "WITH page AS (SELECT t.member_id, t.balance AS points FROM totals t \
                                    WHERE t.community_id = $1 \
                                    ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "reading an all-time board page",
                    ),
                    (BoardOf::Maintained(board), false) if !bots => (
                        board.key(),
                        concat!(
                            "WITH page AS (SELECT b.member_id, b.points FROM board_points b \
                                    WHERE b.community_id = $1 AND b.board = $2 \
                                    ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "reading a window board page",
                    ),
                    (BoardOf::AllTime, false) => (
                        "all".to_string(),
                        concat!(
                            "WITH page AS (SELECT t.member_id, t.balance AS points FROM totals t \
                                    WHERE t.community_id = $1 AND t.member_id NOT IN \
                                      (SELECT b.id FROM members b WHERE b.community_id = $1 AND b.is_bot) \
                                    ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "reading an all-time board page",
                    ),
                    (BoardOf::AllTime, true) => (
                        "all".to_string(),
                        concat!(
                            "WITH page AS (SELECT t.member_id, t.balance AS points FROM members m \
                                    JOIN totals t ON t.member_id = m.id \
                                    WHERE m.community_id = $1 AND NOT m.is_bot AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "searching the all-time board",
                    ),
                    (BoardOf::Maintained(board), false) => (
                        board.key(),
                        concat!(
                            "WITH page AS (SELECT b.member_id, b.points FROM board_points b \
                                    WHERE b.community_id = $1 AND b.board = $2 AND b.member_id NOT IN \
                                      (SELECT o.id FROM members o WHERE o.community_id = $1 AND o.is_bot) \
                                    ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "reading a window board page",
                    ),
                    (BoardOf::Maintained(board), true) => (
                        board.key(),
                        concat!(
                            "WITH page AS (SELECT b.member_id, b.points FROM members m \
                                    JOIN board_points b ON b.member_id = m.id AND b.board = $2 \
                                    WHERE m.community_id = $1 AND NOT m.is_bot AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        "searching a window board",
                    ),
                    (BoardOf::Days(first, last), _) => {
                        // A season, summed from the ledger: ranks over its sums.
                        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
                            "WITH sums AS (SELECT l.member_id, CAST(SUM(l.delta) AS BIGINT) AS points \
                                    FROM ledger l JOIN members m ON m.id = l.member_id \
                                    WHERE l.community_id = $1 AND NOT m.is_bot \
                                      AND l.local_day >= $2 AND l.local_day <= $3 GROUP BY l.member_id), \
                                  ranked AS (SELECT member_id, points, RANK() OVER (ORDER BY points DESC) AS place \
                                    FROM sums) \
                             SELECT r.member_id, m.name, r.points, CAST(r.place AS BIGINT) \
                             FROM ranked r JOIN members m ON m.id = r.member_id \
                             WHERE ($4 IS NULL OR LOWER(m.name) LIKE $4 ESCAPE '\\') \
                             ORDER BY r.points DESC, r.member_id LIMIT $5 OFFSET $6",
                        )
                        .bind(community_id)
                        .bind(fmt_day(first))
                        .bind(fmt_day(last))
                        .bind(search)
                        .bind(limit)
                        .bind(offset)
                        .fetch_all(&mut *self.tx)
                        .await
                        .context("reading a season board page")?;
                        return Ok(standings(rows));
                    }
                };
                let mut query = sqlx::query_as(sql).bind(community_id).bind(key).bind(limit).bind(offset);
                if let Some(pattern) = search {
                    query = query.bind(pattern);
                }
                let rows: Vec<(i64, String, i64, i64)> = query.fetch_all(&mut *self.tx).await.context(what)?;
                Ok(standings(rows))
            }

            async fn community_of_member(&mut self, member_id: i64) -> anyhow::Result<Option<i64>> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT community_id FROM members WHERE id = $1 AND NOT is_bot")
                    .bind(member_id)
                    .fetch_optional(&mut *self.tx)
                    .await
                    .context("reading a member's community")?;
                Ok(row.map(|(id,)| id))
            }

            async fn checkin_days_of(
                &mut self,
                member_id: i64,
                first: NaiveDate,
                last: NaiveDate,
            ) -> anyhow::Result<Vec<NaiveDate>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT local_day FROM checkins WHERE member_id = $1 AND local_day >= $2 AND local_day <= $3 \
                     ORDER BY local_day",
                )
                .bind(member_id)
                .bind(fmt_day(first))
                .bind(fmt_day(last))
                .fetch_all(&mut *self.tx)
                .await
                .context("reading a member's check-in days")?;
                rows.into_iter().map(|(day,)| parse_day(&day)).collect()
            }
        }

        #[async_trait::async_trait]
        impl WebTx for $tx<'_> {
            async fn grant_login(&mut self, grant: LoginGrant<'_>) -> anyhow::Result<()> {
                // Links nobody used are forgotten once expired (indexed by expiry).
                sqlx::query("DELETE FROM web_logins WHERE expires_at <= $1")
                    .bind(fmt_time(grant.now))
                    .execute(&mut *self.tx)
                    .await
                    .context("forgetting expired login links")?;
                sqlx::query(
                    "INSERT INTO web_logins (token_hash, community_id, member_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(grant.token_hash)
                .bind(grant.community_id)
                .bind(grant.member_id)
                .bind(fmt_time(grant.now))
                .bind(fmt_time(grant.expires_at))
                .execute(&mut *self.tx)
                .await
                .context("granting a login link")?;
                Ok(())
            }
        }

        impl<C: $conn> $on<C> {
            /// Whether a bot of the community has a row on the board (`None`:
            /// all time; else the window board's key), found through
            /// `members_bots`.
            async fn bots_on_board(&mut self, community_id: i64, board: Option<&str>) -> anyhow::Result<bool> {
                let held: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM members o WHERE o.community_id = $1 AND o.is_bot \
                       AND CASE WHEN $2 IS NULL \
                         THEN EXISTS (SELECT 1 FROM totals t WHERE t.member_id = o.id) \
                         ELSE EXISTS (SELECT 1 FROM board_points b WHERE b.member_id = o.id AND b.board = $2) END)",
                )
                .bind(community_id)
                .bind(board)
                .fetch_one(&mut *self.tx)
                .await
                .context("looking for bots on a board")?;
                Ok(held)
            }

            /// A board search for a part of one or two characters, shorter
            /// than a trigram, through `member_name_grams` (migration 0018).
            /// A part few names hold reads its holders by equality, then
            /// only their rows; one that many hold (`COMMON_GRAM` or more)
            /// walks the board in rank order instead and stops at the page's
            /// last match, which comes early when matches are common. Either way the same
            /// `LOWER(name) LIKE` as the scan decides. `None`: the caller
            /// searches.
            async fn short_name_search(
                &mut self,
                community_id: i64,
                board: BoardOf,
                part: &str,
                offset: i64,
                limit: i64,
            ) -> anyhow::Result<Option<Vec<Standing>>> {
                let gram = part.to_ascii_lowercase();
                if !(1..=2).contains(&gram.chars().count()) {
                    return Ok(None);
                }
                let (key, gram_sql, walk_sql) = match board {
                    BoardOf::AllTime => (
                        "all".to_string(),
                        concat!(
                            "WITH page AS (SELECT t.member_id, t.balance AS points FROM members m \
                                    JOIN totals t ON t.member_id = m.id \
                                    WHERE m.id IN (",
                            $id_list,
                            ") AND m.community_id = $1 AND NOT m.is_bot \
                                      AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        // CROSS JOIN: SQLite keeps this order (the rank index first).
                        concat!(
                            "WITH page AS (SELECT t.member_id, t.balance AS points FROM totals t CROSS JOIN members m \
                                    WHERE t.community_id = $1 AND m.id = t.member_id AND NOT m.is_bot \
                                      AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY t.balance DESC, t.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                    ),
                    BoardOf::Maintained(board) => (
                        board.key(),
                        concat!(
                            "WITH page AS (SELECT b.member_id, b.points FROM members m \
                                    JOIN board_points b ON b.member_id = m.id AND b.board = $2 \
                                    WHERE m.id IN (",
                            $id_list,
                            ") AND m.community_id = $1 AND NOT m.is_bot \
                                      AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                        concat!(
                            "WITH page AS (SELECT b.member_id, b.points FROM board_points b CROSS JOIN members m \
                                    WHERE b.community_id = $1 AND b.board = $2 AND m.id = b.member_id \
                                      AND NOT m.is_bot AND LOWER(m.name) LIKE $5 ESCAPE '\\' \
                                    ORDER BY b.points DESC, b.member_id LIMIT $3 OFFSET $4) ",
                            $crate::store::web_sql::ranked_page!()
                        ),
                    ),
                    BoardOf::Days(..) => return Ok(None),
                };
                let holders: Vec<i64> = sqlx::query_scalar(
                    "SELECT member_id FROM member_name_grams WHERE community_id = $1 AND gram = $2 LIMIT $3",
                )
                .bind(community_id)
                .bind(&gram)
                .bind(COMMON_GRAM)
                .fetch_all(&mut *self.tx)
                .await
                .context("reading the names that hold a search")?;
                let few = (holders.len() as i64) < COMMON_GRAM;
                let query = sqlx::query_as(if few { gram_sql } else { walk_sql });
                let mut query =
                    query.bind(community_id).bind(key).bind(limit).bind(offset).bind(contains_pattern(&gram));
                if few {
                    // The ids themselves, not the gram: PostgreSQL's plan for
                    // `gram = $6` (generic after five runs) went through the
                    // pg_trgm index, which a two-character LIKE reads whole.
                    query = query.bind(serde_json::to_string(&holders).context("listing the holders")?);
                }
                let rows: Vec<(i64, String, i64, i64)> =
                    query.fetch_all(&mut *self.tx).await.context("searching a board by a short part")?;
                Ok(Some(
                    rows.into_iter()
                        .map(|(member_id, name, points, rank)| Standing { member_id, name, points, rank })
                        .collect(),
                ))
            }
        }

        /// Names holding a short search part from which the rank-order walk
        /// beats reading the candidates: at 2,000 of 100k names (2 %), page
        /// 1 is found within about 2,500 ranked rows.
        const COMMON_GRAM: i64 = 2_000;

        /// Uses up the link and opens the session, in the caller's transaction.
        async fn redeem_in(
            tx: &mut $tx<'_>,
            token_hash: &str,
            session: NewWebSession<'_>,
        ) -> anyhow::Result<Option<WebLogin>> {
            let now = fmt_time(session.now);
            let used: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE web_logins SET used_at = $2 \
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING community_id, member_id",
            )
            .bind(token_hash)
            .bind(&now)
            .fetch_optional(&mut *tx.tx)
            .await
            .context("using up a login link")?;
            let Some((community_id, member_id)) = used else { return Ok(None) };
            let (member_name,): (String,) = sqlx::query_as("SELECT name FROM members WHERE id = $1")
                .bind(member_id)
                .fetch_one(&mut *tx.tx)
                .await
                .context("reading a signing-in member")?;
            sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
                .bind(&now)
                .execute(&mut *tx.tx)
                .await
                .context("forgetting expired sessions")?;
            sqlx::query(
                "INSERT INTO web_sessions (token_hash, community_id, member_id, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(session.token_hash)
            .bind(community_id)
            .bind(member_id)
            .bind(session.csrf)
            .bind(&now)
            .bind(fmt_time(session.expires_at))
            .execute(&mut *tx.tx)
            .await
            .context("opening a web session")?;
            Ok(Some(WebLogin { community_id, member_id, member_name }))
        }

        async fn end_session_in(tx: &mut $tx<'_>, token_hash: &str) -> anyhow::Result<()> {
            sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx.tx)
                .await
                .context("ending a web session")?;
            Ok(())
        }
    };
}

pub(crate) use ranked_page;
pub(crate) use web_statements;
