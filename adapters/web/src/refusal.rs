//! Short refusal pages: 400, 401, 403, 404 and the generic 500, in the
//! community's language when the community is known.

use axum::http::StatusCode;
use axum::response::Response;
use hearth_bot::engine::web::WebError;
use maud::html;

use crate::cells::Words;
use crate::layout;
use crate::respond;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    BadRequest,
    Unauthorized,
    Forbidden,
    /// A form without the session's anti-CSRF token: 403.
    StaleForm,
    NotFound,
    Internal,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Refusal::BadRequest => StatusCode::BAD_REQUEST,
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden | Refusal::StaleForm => StatusCode::FORBIDDEN,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn keys(self) -> (&'static str, &'static str) {
        match self {
            Refusal::BadRequest => ("web-refusal-400-title", "web-refusal-400-body"),
            Refusal::Unauthorized => ("web-refusal-401-title", "web-refusal-401-body"),
            Refusal::Forbidden => ("web-refusal-403-title", "web-refusal-403-body"),
            Refusal::StaleForm => ("web-refusal-403-title", "web-refusal-csrf-body"),
            Refusal::NotFound => ("web-refusal-404-title", "web-refusal-404-body"),
            Refusal::Internal => ("web-refusal-500-title", "web-refusal-500-body"),
        }
    }

    /// The refusal's page.
    pub fn page(self, words: &Words) -> Response {
        let (title_key, body_key) = self.keys();
        let title = words.text(title_key);
        let main = html! {
            section.refusal {
                h1 { (title) }
                p { (words.text(body_key)) }
            }
        };
        respond::html(self.status(), layout::page(words, &title, layout::plain_header(words), main))
    }

    /// The refusal for an engine's answer; an internal error is logged
    /// with what was asked, and the user sees only the generic page.
    pub fn of(error: WebError, asked: &str) -> Refusal {
        match error {
            WebError::NotFound => Refusal::NotFound,
            WebError::Unauthorized => Refusal::Unauthorized,
            WebError::Forbidden => Refusal::Forbidden,
            WebError::Unknown(error) => {
                tracing::error!(error = ?error, asked, "a web request failed");
                Refusal::Internal
            }
        }
    }
}

/// The JSON API's refusals: the status and a one-word reason, no page.
pub fn api_refusal(refusal: Refusal) -> Response {
    use axum::response::IntoResponse;
    let reason = match refusal {
        Refusal::BadRequest => "bad_request",
        Refusal::Unauthorized => "unauthorized",
        Refusal::Forbidden | Refusal::StaleForm => "forbidden",
        Refusal::NotFound => "not_found",
        Refusal::Internal => "internal",
    };
    let mut response = respond::json(&serde_json::json!({ "error": reason }));
    *response.status_mut() = refusal.status();
    response.into_response()
}
