//! The web adapter: the admin dashboard, the public leaderboard and the
//! JSON API, served on `HEARTH_HTTP_ADDR` beside the webhooks.
//!
//! Each handler parses the request, makes one `Engine` call and renders:
//! pages with maud, charts through `hearth_charts::svg`, tables as CSV.
//! Who may see what is the engine's decision (`WebError`); this crate only
//! turns it into a status and a short page in the community's language.

mod api;
mod board;
mod cells;
mod charts;
mod csv;
mod dashboard;
mod layout;
mod ledger;
mod login;
mod params;
mod refusal;
mod respond;
mod session;
mod static_files;
mod tables;
mod until_main_lands;

use axum::Router;
use axum::routing::{get, post};
use hearth_bot::Engine;

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct Web {
    pub engine: Engine,
    /// The session cookie carries `Secure` when pages are served over https.
    pub secure_cookies: bool,
}

/// The web routes, to merge into the HTTP listener. `public_url` is
/// `HEARTH_PUBLIC_URL` (the base of the links hearth prints).
pub fn router(engine: Engine, public_url: &str) -> Router {
    let web = Web { engine, secure_cookies: public_url.trim_start().to_ascii_lowercase().starts_with("https://") };
    Router::new()
        .route("/login/{token}", get(login::offer).post(login::redeem))
        .route("/admin/{community}", get(dashboard::page))
        .route("/admin/{community}/ledger", get(ledger::page))
        .route("/admin/{community}/csv/{file}", get(csv::download))
        .route("/admin/{community}/logout", post(login::sign_out))
        .route("/c/{community}", get(board::page))
        .route("/c/{community}/m/{member}", get(board::member_page))
        .route("/api/v1/c/{community}/leaderboard", get(api::leaderboard))
        .route("/api/v1/c/{community}/stats", get(api::stats))
        .route(static_files::STYLESHEET_PATH, get(static_files::stylesheet))
        .with_state(web)
        .layer(axum::middleware::map_response(respond::security_headers))
}
