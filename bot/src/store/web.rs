//! The web dashboard's rows: login links and sessions (kept as token
//! hashes), the range's raw rows the dashboard shows beside the rollups
//! (`rollups.rs`), the ledger audit and the public board.
//! The engine counts and words; these only fetch.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Board, Standing};

/// A login link granted by `/dashboard`.
pub struct LoginGrant<'a> {
    pub token_hash: &'a str,
    pub community_id: i64,
    pub member_id: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Whom a login link or a session is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLogin {
    pub community_id: i64,
    pub member_id: i64,
    pub member_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSessionRow {
    pub login: WebLogin,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

pub struct NewWebSession<'a> {
    pub token_hash: &'a str,
    pub csrf: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A challenge entry or vote (these carry no local day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeAct {
    pub member_id: i64,
    pub at: DateTime<Utc>,
    pub vote: bool,
}

/// Ledger rows of one kind on some local days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindTotal {
    pub kind: String,
    pub rows: i64,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPostRow {
    pub post_id: i64,
    pub text: String,
    pub posted_at: DateTime<Utc>,
}

/// Which ledger rows the audit lists.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter<'a> {
    /// A part of the receiver's name, any case.
    pub member: Option<&'a str>,
    pub kind: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerAuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub member_id: i64,
    pub member: String,
    pub delta: i64,
    pub kind: String,
    pub reason: String,
    pub actor: Option<String>,
}

/// Which points a board ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardOf {
    AllTime,
    Maintained(Board),
    /// Summed from the ledger over these local days (a season).
    Days(NaiveDate, NaiveDate),
}

/// `LIKE` pattern matching names that contain `part`, A–Z in any case,
/// with `\` as the escape character. Only A–Z are folded because both
/// backends' `LOWER` (SQLite's built-in, PostgreSQL's under `COLLATE "C"`)
/// fold only those: a part folded further would miss "Émile" as written.
pub(crate) fn contains_pattern(part: &str) -> String {
    let mut pattern = String::from("%");
    for c in part.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[async_trait::async_trait]
pub trait WebRead: Send + Sync {
    /// The unused, unexpired login link with this hash.
    async fn login_offer(&mut self, token_hash: &str, now: DateTime<Utc>) -> anyhow::Result<Option<WebLogin>>;

    /// The unexpired session with this hash.
    async fn web_session(&mut self, token_hash: &str, now: DateTime<Utc>) -> anyhow::Result<Option<WebSessionRow>>;

    /// Challenge entries and votes in `[from, to)`.
    async fn challenge_acts(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ChallengeAct>>;

    /// Ledger rows and points per kind on the local days `[first, last]`
    /// (from the rollups).
    async fn points_by_kind(
        &mut self,
        community_id: i64,
        first: NaiveDate,
        last: NaiveDate,
    ) -> anyhow::Result<Vec<KindTotal>>;

    async fn topic_posts_between(
        &mut self,
        community_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> anyhow::Result<Vec<TopicPostRow>>;

    /// Idempotency keys of topic-reply rows from local day `first` on
    /// (`topic_reply:<member>:<post>`: the post a reply answered).
    async fn topic_reply_keys(&mut self, community_id: i64, first: NaiveDate) -> anyhow::Result<Vec<String>>;

    /// Ledger rows, newest first.
    async fn ledger_page(
        &mut self,
        community_id: i64,
        filter: &LedgerFilter<'_>,
        offset: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<LedgerAuditRow>>;

    /// A page of a board, optionally of names containing `search`; ranks
    /// are over the whole board.
    async fn board_page(
        &mut self,
        community_id: i64,
        board: BoardOf,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<Standing>>;

    /// The community of a human member (`None` for a bot or no such member).
    async fn community_of_member(&mut self, member_id: i64) -> anyhow::Result<Option<i64>>;

    /// The local days in `[first, last]` on which a member checked in.
    async fn checkin_days_of(
        &mut self,
        member_id: i64,
        first: NaiveDate,
        last: NaiveDate,
    ) -> anyhow::Result<Vec<NaiveDate>>;
}

#[async_trait::async_trait]
pub trait WebTx: Send {
    async fn grant_login(&mut self, grant: LoginGrant<'_>) -> anyhow::Result<()>;
}

#[async_trait::async_trait]
pub trait WebStore: Send + Sync {
    /// Uses up an unused, unexpired login link and opens a session for its
    /// member, in one transaction: of two redeemers, one gets `None`.
    async fn redeem_login(&self, token_hash: &str, session: NewWebSession<'_>) -> anyhow::Result<Option<WebLogin>>;

    async fn end_web_session(&self, token_hash: &str) -> anyhow::Result<()>;
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn a_search_matches_its_wildcards_literally() {
        assert_eq!(contains_pattern("Al"), "%al%");
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
