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

#[cfg(test)]
mod catalog_tests {
    use hearth_bot::config::Locale;
    use hearth_bot::i18n::{Arg, Catalog};

    const EN: &str = include_str!("../../../bot/locales/en/web.ftl");
    const ZH_CN: &str = include_str!("../../../bot/locales/zh-CN/web.ftl");
    const SOURCES: [&str; 11] = [
        include_str!("board.rs"),
        include_str!("cells.rs"),
        include_str!("charts.rs"),
        include_str!("dashboard.rs"),
        include_str!("layout.rs"),
        include_str!("ledger.rs"),
        include_str!("login.rs"),
        include_str!("refusal.rs"),
        include_str!("tables.rs"),
        include_str!("api.rs"),
        include_str!("csv.rs"),
    ];

    fn keys(ftl: &str) -> Vec<&str> {
        let mut keys: Vec<&str> = ftl
            .lines()
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key))
            .filter(|key| key.starts_with("web-"))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// A value for every `{ $name }` the web catalog uses.
    fn every_variable() -> Vec<(&'static str, Arg)> {
        let mut names: Vec<&'static str> =
            EN.split("{ $").skip(1).filter_map(|rest| rest.split_once(' ').map(|(name, _)| name)).collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|name| (name, Arg::Number(1))).collect()
    }

    #[test]
    fn both_languages_have_the_same_web_keys() {
        let en = keys(EN);
        assert!(en.len() > 100, "the web catalog should be read");
        assert_eq!(en, keys(ZH_CN));
    }

    #[test]
    fn every_key_the_pages_name_is_in_both_catalogs() {
        let en = keys(EN);
        for source in SOURCES {
            for piece in source.split('"').skip(1).step_by(2) {
                if piece.starts_with("web-") && !piece.ends_with('-') && !piece.contains(['{', ' ']) {
                    assert!(en.contains(&piece), "{piece} is named in the code but missing from web.ftl");
                    for locale in [Locale::En, Locale::ZhCn] {
                        let args = every_variable();
                        assert_ne!(Catalog::new(locale).fmt(piece, &args), piece, "{piece} in {locale:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_ledger_kind_has_a_name() {
        for kind in crate::cells::LEDGER_KINDS {
            let key = format!("web-kind-{}", kind.as_str());
            assert!(keys(EN).contains(&key.as_str()), "{key}");
        }
    }
}
