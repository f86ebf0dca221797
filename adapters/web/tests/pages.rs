//! The pages, the CSV downloads and the JSON API over real HTTP: what an
//! admin and a visitor see, and the 400s and 404s for what they mistype.

mod support;

use chrono::Duration;
use support::Site;

const PUBLIC_BOARD: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"

[community.web]
public = true

[community.checkin]
points = 10

[community.points]
levels = [0, 50, 100]

[[community]]
id = "private"
name = "Private"
timezone = "UTC"
"#;

const START: &str = "2026-03-02T08:00:00Z";
const HOSTILE: &str = "<script>alert(1)</script>";

/// Three days of check-ins by four members, one of them hostile-named,
/// and a give.
async fn a_busy_week() -> Site {
    let site = Site::start(PUBLIC_BOARD, START).await;
    for _ in 0..3 {
        for who in ["ada", "bob", "李雷", HOSTILE] {
            site.say("rustaceans", who, "/checkin").await;
        }
        site.advance(Duration::days(1));
    }
    let gave = site.say("rustaceans", "ada", "/give @bob 3 thanks").await;
    assert!(gave.contains("bob"), "{gave}");
    site
}

#[tokio::test]
async fn the_dashboard_shows_kpis_charts_and_escaped_names() {
    let site = a_busy_week().await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    let page = site.get("/admin/rustaceans?days=7", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains(r#"id="kpi-members" data-value="4""#), "four members");
    assert!(html.contains(r#"id="kpi-checkins" data-value="12""#), "twelve check-ins");
    assert!(html.contains(r#"id="kpi-gives" data-value="1""#), "one give");
    for chart in ["activity", "checkin-rate", "segments", "streaks", "heatmap", "challenges"] {
        assert!(html.contains(&format!(r#"id="chart-{chart}""#)), "chart {chart}");
    }
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(html.contains("<figcaption>From "), "each chart says what it shows");
    assert!(!html.contains(HOSTILE), "a name is never markup");
    assert!(!html.contains("<script"), "no script on any page");
    assert!(!html.contains(" style="), "no inline style, which the CSP would refuse");
    assert_eq!(html.matches(r#"role="img""#).count(), 6, "every chart is an image to screen readers");
    for (path, label) in [("?days=7", "7 days"), ("?days=30", "30 days"), ("?days=90", "90 days")] {
        assert!(html.contains(&format!(r#"href="/admin/rustaceans{path}""#)), "range link {label}");
    }
    assert_eq!(
        page.header("content-security-policy"),
        Some("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn the_ledger_audit_names_who_caused_each_change() {
    let site = a_busy_week().await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    let gives = site.get("/admin/rustaceans/ledger?kind=peer_award", Some(&cookie)).await;
    assert_eq!(gives.status, 200);
    let html = gives.text();
    assert!(html.contains("<td>ada</td>"), "ada gave: {html}");
    assert!(!html.contains("<td>Check-in</td>"), "only gives are listed");

    let bobs = site.get("/admin/rustaceans/ledger?member=bo", Some(&cookie)).await.text();
    assert!(bobs.contains(">bob<"));
    assert!(!bobs.contains(">李雷<"));
}

#[tokio::test]
async fn every_table_downloads_as_csv_with_a_bom() {
    let site = a_busy_week().await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    for table in ["days", "cohorts", "segments", "streaks", "heatmap", "topics", "challenges", "at-risk", "ledger"] {
        let csv = site.get(&format!("/admin/rustaceans/csv/{table}.csv?days=7"), Some(&cookie)).await;
        assert_eq!(csv.status, 200, "{table}: {}", csv.text());
        assert!(csv.body.starts_with("\u{feff}".as_bytes()), "{table} starts with a BOM");
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let disposition = csv.header("content-disposition").expect("a disposition");
        assert_eq!(disposition, format!("attachment; filename=\"rustaceans-{table}.csv\""));
    }

    let days = site.get("/admin/rustaceans/csv/days.csv?days=7", Some(&cookie)).await.text();
    let mut lines = days.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("Day,Check-ins,Active,Members,Check-in rate"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 7, "one row per day of the range");
    let checkins: i64 = rows.iter().map(|row| row.split(',').nth(1).unwrap().parse::<i64>().unwrap()).sum();
    assert_eq!(checkins, 12);

    let ledger = site.get("/admin/rustaceans/csv/ledger.csv", Some(&cookie)).await.text();
    assert!(ledger.contains("李雷"), "Chinese names as UTF-8");
    assert!(ledger.contains(HOSTILE), "a CSV keeps names as they are");
    assert_eq!(ledger.lines().count(), 1 + 12 + 1, "a header, twelve check-ins and a give");

    assert_eq!(site.get("/admin/rustaceans/csv/passwords.csv", Some(&cookie)).await.status, 404);
    assert_eq!(site.get("/admin/rustaceans/csv/days.csv?days=8", Some(&cookie)).await.status, 400);
}

#[tokio::test]
async fn the_public_board_pages_searches_and_answers_json() {
    let site = a_busy_week().await;
    let board = site.get("/c/rustaceans", None).await;
    assert_eq!(board.status, 200);
    let html = board.text();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostile name is shown as text");
    assert!(html.contains("李雷"));
    assert!(!html.contains("console:"), "never a platform user id");

    let found = site.get("/c/rustaceans?q=%E6%9D%8E", None).await.text();
    assert!(found.contains("李雷"));
    assert!(!found.contains(">bob<"));

    let api = site.get("/api/v1/c/rustaceans/leaderboard?window=week&page=1", None).await;
    assert_eq!(api.status, 200);
    assert_eq!(api.header("content-type"), Some("application/json"));
    let json = api.json();
    assert_eq!(json["community"], "rustaceans");
    assert_eq!(json["window"], "week");
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 4);
    let first = &entries[0];
    assert_eq!(first["rank"], 1);
    assert_eq!(first["name"], "bob", "bob has the give on top: {json}");
    assert_eq!(first["points"], 33);
    assert_eq!(first["level"], 1);
    assert!(first["member_id"].is_i64());

    let member = first["member_id"].as_i64().unwrap();
    let card = site.get(&format!("/c/rustaceans/m/{member}"), None).await;
    assert_eq!(card.status, 200);
    assert_eq!(card.text().matches("class=\"day on\"").count(), 3, "three days checked in");
    assert_eq!(site.get("/c/rustaceans/m/999999", None).await.status, 404);
    assert_eq!(site.get("/c/rustaceans/m/abc", None).await.status, 404);
}

#[tokio::test]
async fn a_board_that_is_not_public_is_not_found() {
    let site = Site::start(PUBLIC_BOARD, START).await;
    site.say("private", "bob", "/checkin").await;
    assert_eq!(site.get("/c/private", None).await.status, 404);
    assert_eq!(site.get("/c/private/m/1", None).await.status, 404);
    let api = site.get("/api/v1/c/private/leaderboard", None).await;
    assert_eq!(api.status, 404);
    assert_eq!(api.json()["error"], "not_found");
    assert_eq!(site.get("/c/nowhere", None).await.status, 404);

    // Its admin sees it all the same.
    let cookie = site.sign_in("private", "ada").await;
    assert_eq!(site.get("/c/private", Some(&cookie)).await.status, 200);
    assert_eq!(site.get("/api/v1/c/private/leaderboard", Some(&cookie)).await.status, 200);
}

#[tokio::test]
async fn bad_query_values_get_a_short_400() {
    let site = a_busy_week().await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    let bad = [
        "/admin/rustaceans?days=8",
        "/admin/rustaceans?days=%EF%BC%97",
        "/admin/rustaceans?days=7&days=30",
        "/admin/rustaceans/ledger?page=0",
        "/admin/rustaceans/ledger?page=abc",
        "/admin/rustaceans/ledger?page=%EF%BC%91",
        "/admin/rustaceans/ledger?page=99999999999999999999",
        "/admin/rustaceans/ledger?kind=everything",
        "/c/rustaceans?page=0",
        "/c/rustaceans?window=year",
        "/c/rustaceans?page=-1",
        "/api/v1/c/rustaceans/leaderboard?page=abc",
        "/api/v1/c/rustaceans/stats?days=365",
    ];
    for path in bad {
        let reply = site.get(path, Some(&cookie)).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text());
    }
    let page = site.get("/c/rustaceans?page=1e3", None).await;
    assert_eq!(page.status, 400);
    assert!(page.text().contains("That address is not valid"));
}

#[tokio::test]
async fn the_stats_api_gives_an_admin_the_kpis_and_days() {
    let site = a_busy_week().await;
    let cookie = site.sign_in("rustaceans", "ada").await;
    let stats = site.get("/api/v1/c/rustaceans/stats?days=7", Some(&cookie)).await;
    assert_eq!(stats.status, 200);
    let json = stats.json();
    assert_eq!(json["community"], "rustaceans");
    assert_eq!(json["range_days"], 7);
    assert_eq!(json["kpis"]["members"], 4);
    assert_eq!(json["kpis"]["checkins"], 12);
    assert_eq!(json["kpis"]["points_by_kind"]["checkin"], 120);
    let days = json["days"].as_array().expect("days");
    assert_eq!(days.len(), 7);
    assert_eq!(days.iter().map(|d| d["checkins"].as_i64().unwrap()).sum::<i64>(), 12);
}

#[tokio::test]
async fn the_stylesheet_is_served_with_a_long_cache() {
    let site = Site::start(PUBLIC_BOARD, START).await;
    let css = site.get("/static/hearth.css", None).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.header("cache-control").unwrap().contains("max-age=31536000"));
    let text = css.text();
    assert!(text.contains("prefers-color-scheme: dark"));
    assert!(!text.contains("http"), "no external resource");
}
