//! The embedded stylesheet: the one file the pages load.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

pub const STYLESHEET_PATH: &str = "/static/hearth.css";

const STYLESHEET: &str = include_str!("hearth.css");

/// The stylesheet's address with its version, so that a long cache never
/// serves an old one after an upgrade.
pub fn stylesheet_href() -> String {
    format!("{STYLESHEET_PATH}?v={}-{}", env!("CARGO_PKG_VERSION"), STYLESHEET.len())
}

pub async fn stylesheet() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/css; charset=utf-8"), (CACHE_CONTROL, "public, max-age=31536000, immutable")], STYLESHEET)
}
