//! The session cookie, and the check every admin page starts with.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use axum::response::Response;
use hearth_bot::engine::web::{CommunityView, Session};

use crate::Web;
use crate::cells::Words;
use crate::refusal::Refusal;

pub const COOKIE_NAME: &str = "hearth_session";
/// Twelve hours, as the engine keeps a session.
const COOKIE_SECONDS: u32 = 12 * 60 * 60;

/// The session token the browser sent, if any.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a new session: script cannot read it, no other site
/// sends it, and over https it never travels in the clear.
pub fn set_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={COOKIE_SECONDS}{secure}")
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")
}

/// A signed-in admin of the community asked for.
pub struct Admin {
    pub community: CommunityView,
    pub session: Session,
    pub words: Words,
}

/// The community's words, or the 404 page.
pub fn community(web: &Web, id: &str) -> Result<(CommunityView, Words), Refused> {
    match web.engine.web_community(id) {
        Some(view) => {
            let words = Words::new(view.locale, view.timezone);
            Ok((view, words))
        }
        None => Err(Refused { refusal: Refusal::NotFound, words: Words::fallback() }),
    }
}

/// The admin behind the request's cookie, for `community`.
pub async fn admin(web: &Web, headers: &HeaderMap, community_id: &str) -> Result<Admin, Refused> {
    let (community, words) = community(web, community_id)?;
    match web.engine.admin_session(token(headers), community_id).await {
        Ok(session) => Ok(Admin { community, session, words }),
        Err(error) => Err(Refused { refusal: Refusal::of(error, "admin session"), words }),
    }
}

/// A refusal and the language to say it in.
pub struct Refused {
    pub refusal: Refusal,
    pub words: Words,
}

impl Refused {
    pub fn page(&self) -> Response {
        self.refusal.page(&self.words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        assert_eq!(token(&headers), None);
        headers.append(COOKIE, HeaderValue::from_static("theme=dark; hearth_session=abc123; lang=en"));
        assert_eq!(token(&headers), Some("abc123"));
        let mut empty = HeaderMap::new();
        empty.append(COOKIE, HeaderValue::from_static("hearth_session="));
        assert_eq!(token(&empty), None);
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_over_https() {
        let cookie = set_cookie("t0k", true);
        assert_eq!(cookie, "hearth_session=t0k; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200; Secure");
        assert!(!set_cookie("t0k", false).contains("Secure"));
    }
}
