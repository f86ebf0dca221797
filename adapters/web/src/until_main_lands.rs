//! TEMPORARY: lets this crate compile before the engine's web methods and
//! `hearth_charts::svg` land on main. Deleted at the merge.
#![allow(dead_code, unused_variables, clippy::unused_async)]

use hearth_bot::Engine;
use hearth_bot::command::Window;
use hearth_bot::engine::web::*;

pub fn svg_until_charts_land(chart: &hearth_bot::chart::Chart) -> String {
    format!("<svg role=\"img\" aria-label=\"{}\"></svg>", chart.title())
}

pub trait EngineWebUntilMainLands {
    fn web_community(&self, id: &str) -> Option<CommunityView>;
    async fn login_offer(&self, token: &str) -> Result<LoginOffer, WebError>;
    async fn redeem_login(&self, token: &str) -> Result<NewSession, WebError>;
    async fn admin_session(&self, session_token: Option<&str>, community: &str) -> Result<Session, WebError>;
    async fn end_session(&self, session_token: &str) -> Result<(), WebError>;
    async fn dashboard(&self, community: &str, range: RangeDays) -> Result<Dashboard, WebError>;
    async fn ledger_audit(&self, community: &str, filter: &AuditFilter, page: u32) -> Result<AuditPage, WebError>;
    async fn leaderboard_page(
        &self,
        community: &str,
        session_token: Option<&str>,
        window: Window,
        page: u32,
        search: Option<&str>,
    ) -> Result<BoardPage, WebError>;
    async fn member_card(&self, community: &str, session_token: Option<&str>, member: MemberId) -> Result<MemberCard, WebError>;
}

impl EngineWebUntilMainLands for Engine {
    fn web_community(&self, id: &str) -> Option<CommunityView> {
        None
    }
    async fn login_offer(&self, token: &str) -> Result<LoginOffer, WebError> {
        Err(WebError::NotFound)
    }
    async fn redeem_login(&self, token: &str) -> Result<NewSession, WebError> {
        Err(WebError::NotFound)
    }
    async fn admin_session(&self, session_token: Option<&str>, community: &str) -> Result<Session, WebError> {
        Err(WebError::NotFound)
    }
    async fn end_session(&self, session_token: &str) -> Result<(), WebError> {
        Err(WebError::NotFound)
    }
    async fn dashboard(&self, community: &str, range: RangeDays) -> Result<Dashboard, WebError> {
        Err(WebError::NotFound)
    }
    async fn ledger_audit(&self, community: &str, filter: &AuditFilter, page: u32) -> Result<AuditPage, WebError> {
        Err(WebError::NotFound)
    }
    async fn leaderboard_page(
        &self,
        community: &str,
        session_token: Option<&str>,
        window: Window,
        page: u32,
        search: Option<&str>,
    ) -> Result<BoardPage, WebError> {
        Err(WebError::NotFound)
    }
    async fn member_card(&self, community: &str, session_token: Option<&str>, member: MemberId) -> Result<MemberCard, WebError> {
        Err(WebError::NotFound)
    }
}
