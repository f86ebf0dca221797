//! The login link and signing out. The link's GET uses nothing up (link
//! previews and scanners fetch it); only the "Continue" POST spends it.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use hearth_bot::engine::web::LoginOffer;
use hearth_bot::i18n::Arg;
use maud::html;

use crate::Web;
use crate::cells::Words;
use crate::layout;
use crate::refusal::Refusal;
use crate::respond;
use crate::session;

/// `GET /login/<token>`: who is signing in where, and a button.
pub async fn offer(State(web): State<Web>, Path(token): Path<String>) -> Response {
    match web.engine.login_offer(&token).await {
        Ok(offer) => offer_page(&web, &token, &offer),
        Err(error) => Refusal::of(error, "login offer").page(&Words::fallback()),
    }
}

fn offer_page(web: &Web, token: &str, offer: &LoginOffer) -> Response {
    let (community_name, words) = match session::community(web, &offer.community) {
        Ok((view, words)) => (view.name, words),
        Err(_) => (offer.community.clone(), Words::fallback()),
    };
    let title = words.fmt("web-login-title", &[("community", Arg::from(&community_name))]);
    let main = html! {
        section.login {
            h1 { (title) }
            p { (words.fmt("web-login-body", &[("name", Arg::from(&offer.member_name))])) }
            form method="post" action={ "/login/" (token) } {
                button type="submit" { (words.text("web-login-continue")) }
            }
        }
    };
    respond::html(StatusCode::OK, layout::page(&words, &title, layout::plain_header(&words), main))
}

/// `POST /login/<token>`: spends the link, sets the session cookie and
/// sends the admin to their dashboard.
pub async fn redeem(State(web): State<Web>, Path(token): Path<String>) -> Response {
    match web.engine.redeem_login(&token).await {
        Ok(new) => {
            let mut response = respond::see_other(&format!("/admin/{}", new.session.community));
            match HeaderValue::from_str(&session::set_cookie(&new.token, web.secure_cookies)) {
                Ok(cookie) => {
                    response.headers_mut().insert(SET_COOKIE, cookie);
                    response
                }
                Err(error) => {
                    tracing::error!(error = %error, "a session token is not a valid cookie value");
                    Refusal::Internal.page(&Words::fallback())
                }
            }
        }
        Err(error) => Refusal::of(error, "login redeem").page(&Words::fallback()),
    }
}

/// `POST /admin/<id>/logout`: ends the session, if the form carries the
/// session's anti-CSRF token; without it nothing changes.
pub async fn sign_out(
    State(web): State<Web>,
    Path(community): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let admin = match session::admin(&web, &headers, &community).await {
        Ok(admin) => admin,
        Err(refused) => return refused.page(),
    };
    let sent = form.ok().and_then(|Form(pairs)| pairs.into_iter().find(|(key, _)| key == "csrf").map(|(_, v)| v));
    if !sent.is_some_and(|sent| same_secret(&sent, &admin.session.csrf)) {
        return Refusal::StaleForm.page(&admin.words);
    }
    let Some(token) = session::token(&headers) else {
        return Refusal::Unauthorized.page(&admin.words);
    };
    if let Err(error) = web.engine.end_session(token).await {
        return Refusal::of(error, "sign out").page(&admin.words);
    }
    let words = admin.words;
    let title = words.text("web-signed-out-title");
    let main = html! {
        section.refusal {
            h1 { (title) }
            p { (words.text("web-signed-out-body")) }
        }
    };
    let mut response = respond::html(StatusCode::OK, layout::page(&words, &title, layout::plain_header(&words), main));
    if let Ok(cookie) = HeaderValue::from_str(&session::clear_cookie(web.secure_cookies)) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    response
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(sent: &str, expected: &str) -> bool {
    let (sent, expected) = (sent.as_bytes(), expected.as_bytes());
    if sent.len() != expected.len() || expected.is_empty() {
        return false;
    }
    sent.iter().zip(expected).fold(0u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", ""));
    }
}
