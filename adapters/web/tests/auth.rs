//! Signing in and every refusal: links that expired, were used, forged or
//! are another community's; sessions that are missing, expired or another
//! community's; forms without the anti-CSRF token.

mod support;

use chrono::Duration;
use support::Site;

const TWO_COMMUNITIES: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"

[[community]]
id = "gophers"
name = "Gophers"
timezone = "Asia/Shanghai"
locale = "zh-CN"
"#;

const START: &str = "2026-03-02T08:00:00Z";

#[tokio::test]
async fn the_link_shows_a_continue_button_and_only_the_post_signs_in() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let path = site.login_path("rustaceans", "ada").await;

    // A link preview fetching the page twice uses nothing up.
    for _ in 0..2 {
        let page = site.get(&path, None).await;
        assert_eq!(page.status, 200);
        let html = page.text();
        assert!(html.contains(&format!(r#"<form method="post" action="{path}">"#)), "{html}");
        assert!(html.contains("Continue"));
        assert!(html.contains("ada"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(page.header("cache-control"), Some("no-store"));
        assert!(page.session_cookie().is_none());
    }

    let signed_in = site.post(&path, None, "").await;
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.header("location"), Some("/admin/rustaceans"));
    let cookie = signed_in.header("set-cookie").expect("a cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(cookie.split("; ").any(|a| a == attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "no Secure over plain http: {cookie}");

    let dashboard = site.get("/admin/rustaceans", signed_in.session_cookie().as_deref()).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text());
    assert!(dashboard.text().contains(r#"<html lang="en">"#));
    assert_eq!(dashboard.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn the_link_page_speaks_the_communitys_language() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let path = site.login_path("gophers", "ada").await;
    let page = site.get(&path, None).await.text();
    assert!(page.contains(r#"<html lang="zh-CN">"#));
    assert!(page.contains("登录 Gophers"), "{page}");
    assert!(page.contains(">继续<"));
}

#[tokio::test]
async fn over_https_the_cookie_is_secure() {
    let site = Site::start_with_public_url(TWO_COMMUNITIES, START, "https://hearth.example.org").await;
    let path = site.login_path("rustaceans", "ada").await;
    let signed_in = site.post(&path, None, "").await;
    assert_eq!(signed_in.status, 303);
    assert!(signed_in.header("set-cookie").expect("a cookie").ends_with("; Secure"));
}

#[tokio::test]
async fn a_link_works_once() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let path = site.login_path("rustaceans", "ada").await;
    assert_eq!(site.post(&path, None, "").await.status, 303);

    let again = site.post(&path, None, "").await;
    assert_eq!(again.status, 401);
    assert!(again.session_cookie().is_none());
    assert!(again.text().contains("/dashboard"), "the page says how to get a new link");
    assert_eq!(site.get(&path, None).await.status, 401);
}

#[tokio::test]
async fn a_link_expires_after_ten_minutes_by_the_engines_clock() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let fresh = site.login_path("rustaceans", "ada").await;
    let stale = site.login_path("rustaceans", "ada").await;
    site.advance(Duration::minutes(9));
    assert_eq!(site.post(&fresh, None, "").await.status, 303, "nine minutes on, still valid");

    site.advance(Duration::minutes(2));
    assert_eq!(site.get(&stale, None).await.status, 401);
    let late = site.post(&stale, None, "").await;
    assert_eq!(late.status, 401);
    assert!(late.session_cookie().is_none());
}

#[tokio::test]
async fn forged_links_and_sessions_are_refused() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let path = site.login_path("rustaceans", "ada").await;
    let mut forged = path.clone();
    let last = forged.pop().expect("a token");
    forged.push(if last == 'a' { 'b' } else { 'a' });
    for path in [forged.as_str(), "/login/x", "/login/%3Cscript%3E"] {
        assert_eq!(site.get(path, None).await.status, 401, "GET {path}");
        assert_eq!(site.post(path, None, "").await.status, 401, "POST {path}");
    }
    for cookie in ["forged", "", "a%00b"] {
        assert_eq!(site.get("/admin/rustaceans", Some(cookie)).await.status, 401, "cookie {cookie:?}");
    }
    // The real link still works: the forgeries used nothing up.
    assert_eq!(site.post(&path, None, "").await.status, 303);
}

#[tokio::test]
async fn without_a_session_every_admin_page_is_refused() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    for path in [
        "/admin/rustaceans",
        "/admin/rustaceans?days=7",
        "/admin/rustaceans/ledger",
        "/admin/rustaceans/csv/days.csv",
        "/admin/rustaceans/csv/ledger.csv",
    ] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, 401, "{path}");
        assert!(page.text().contains("Not signed in"), "{path}: {}", page.text());
    }
    let api = site.get("/api/v1/c/rustaceans/stats?days=7", None).await;
    assert_eq!(api.status, 401);
    assert_eq!(api.json()["error"], "unauthorized");
    assert_eq!(site.get("/admin/nowhere", None).await.status, 404);
}

#[tokio::test]
async fn a_session_opens_its_own_community_only() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let gophers = site.sign_in("gophers", "ada").await;
    let refused = site.get("/admin/rustaceans", Some(&gophers)).await;
    assert_eq!(refused.status, 403);
    assert!(refused.text().contains(r#"<html lang="en">"#), "Rustaceans speak English");
    for path in ["/admin/rustaceans/ledger", "/admin/rustaceans/csv/topics.csv", "/api/v1/c/rustaceans/stats"] {
        assert_eq!(site.get(path, Some(&gophers)).await.status, 403, "{path}");
    }
    assert_eq!(site.post("/admin/rustaceans/logout", Some(&gophers), "csrf=x").await.status, 403);

    let mistyped = site.get("/admin/gophers?days=8", Some(&gophers)).await;
    assert_eq!(mistyped.status, 400);
    assert!(mistyped.text().contains("地址无效"), "a refusal in the community's language");

    let own = site.get("/admin/gophers", Some(&gophers)).await;
    assert_eq!(own.status, 200);
    let html = own.text();
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.contains("数据看板"), "the Chinese community's page is in Chinese");
}

#[tokio::test]
async fn a_session_expires_after_twelve_hours() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    site.advance(Duration::hours(11) + Duration::minutes(59));
    assert_eq!(site.get("/admin/rustaceans", Some(&cookie)).await.status, 200);
    site.advance(Duration::minutes(2));
    let expired = site.get("/admin/rustaceans", Some(&cookie)).await;
    assert_eq!(expired.status, 401);
    assert_eq!(site.get("/api/v1/c/rustaceans/stats", Some(&cookie)).await.status, 401);
}

#[tokio::test]
async fn signing_out_needs_the_sessions_csrf_token() {
    let site = Site::start(TWO_COMMUNITIES, START).await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    let dashboard = site.get("/admin/rustaceans", Some(&cookie)).await.text();
    let csrf = hidden_csrf(&dashboard);

    for form in ["", "csrf=", "csrf=wrong", &format!("csrf={csrf}x"), &format!("other={csrf}")] {
        let refused = site.post("/admin/rustaceans/logout", Some(&cookie), form).await;
        assert_eq!(refused.status, 403, "form {form:?}");
        assert!(refused.session_cookie().is_none());
        assert_eq!(site.get("/admin/rustaceans", Some(&cookie)).await.status, 200, "still signed in after {form:?}");
    }
    assert_eq!(site.post("/admin/rustaceans/logout", None, &format!("csrf={csrf}")).await.status, 401);

    let signed_out = site.post("/admin/rustaceans/logout", Some(&cookie), &format!("csrf={csrf}")).await;
    assert_eq!(signed_out.status, 200);
    assert!(signed_out.header("set-cookie").expect("the cookie is cleared").contains("Max-Age=0"));
    assert_eq!(site.get("/admin/rustaceans", Some(&cookie)).await.status, 401, "the session is over");
}

/// The anti-CSRF token in the sign-out form.
fn hidden_csrf(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..].chars().take_while(|&c| c != '"').collect()
}
