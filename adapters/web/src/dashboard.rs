//! `GET /admin/<id>?days=7|30|90`: the admin dashboard.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hearth_bot::engine::web::{Dashboard, Kpis, RangeDays};
use hearth_bot::i18n::Arg;
use maud::{Markup, PreEscaped, html};

use crate::Web;
use crate::cells::{Cell, Words};
use crate::charts::{DashboardChart, dashboard_charts};
use crate::layout::{self, AdminPage};
use crate::params::Params;
use crate::refusal::Refusal;
use crate::respond;
use crate::session;
use crate::tables::{self, TableName};

pub async fn page(
    State(web): State<Web>,
    Path(community): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let admin = match session::admin(&web, &headers, &community).await {
        Ok(admin) => admin,
        Err(refused) => return refused.page(),
    };
    let Ok(range) = Params::new(query).range() else {
        return Refusal::BadRequest.page(&admin.words);
    };
    let dashboard = match web.engine.dashboard(&community, range).await {
        Ok(dashboard) => dashboard,
        Err(error) => return Refusal::of(error, "dashboard").page(&admin.words),
    };
    let words = admin.words;
    let title = words.fmt("web-dashboard-title", &[("community", Arg::from(&admin.community.name))]);
    let header = layout::admin_header(&words, &admin.community, &admin.session, AdminPage::Dashboard);
    let main = body(&words, &admin.community.id, &title, &dashboard);
    respond::html(StatusCode::OK, layout::page(&words, &title, header, main))
}

fn body(words: &Words, community: &str, title: &str, dashboard: &Dashboard) -> Markup {
    let csv =
        |table: TableName| format!("/admin/{community}/csv/{}.csv?days={}", table.file_stem(), dashboard.range.days());
    html! {
        h1 { (title) }
        (range_switch(words, community, dashboard))
        section aria-labelledby="kpis" {
            h2 #kpis { (words.text("web-section-kpis")) }
            (kpi_tiles(words, &dashboard.kpis))
            (points_by_kind(words, &dashboard.kpis))
        }
        @for DashboardChart { id, chart, table } in dashboard_charts(dashboard, words) {
            figure.chart id={ "chart-" (id) } {
                h2 { (chart.title()) }
                div.chart-image { (PreEscaped(hearth_charts::svg(&chart))) }
                figcaption { (chart.alt_text()) }
                details {
                    summary { (words.text("web-data-table")) }
                    (tables::markup(&tables::dashboard_table(table, dashboard, words), words, None))
                    p { a.csv href=(csv(table)) download { (words.text("web-csv")) } }
                }
            }
        }
        (table_section(words, "cohorts", "web-section-cohorts", Some("web-cohorts-note"), TableName::Cohorts, dashboard, &csv(TableName::Cohorts)))
        (table_section(words, "topics", "web-section-topics", None, TableName::Topics, dashboard, &csv(TableName::Topics)))
        (table_section(words, "at-risk", "web-section-at-risk", Some("web-at-risk-note"), TableName::AtRisk, dashboard, &csv(TableName::AtRisk)))
    }
}

/// 7 / 30 / 90 days, as links (no script needed).
fn range_switch(words: &Words, community: &str, dashboard: &Dashboard) -> Markup {
    let span = words.fmt(
        "web-range-span",
        &[("first", words.date(dashboard.first_day).into()), ("last", words.date(dashboard.last_day).into())],
    );
    html! {
        nav.range aria-label=(words.text("web-range-label")) {
            @for range in RangeDays::ALL {
                @let label = words.fmt("web-range-days", &[("days", range.days().into())]);
                @if range == dashboard.range {
                    a href={ "/admin/" (community) "?days=" (range.days()) } aria-current="page" { (label) }
                } @else {
                    a href={ "/admin/" (community) "?days=" (range.days()) } { (label) }
                }
            }
            span.span { (span) }
        }
    }
}

fn kpi_tiles(words: &Words, kpis: &Kpis) -> Markup {
    let tiles: [(&str, &str, Cell); 13] = [
        ("members", "web-kpi-members", Cell::Number(kpis.members)),
        ("dau", "web-kpi-dau", Cell::Number(kpis.dau)),
        ("wau", "web-kpi-wau", Cell::Number(kpis.wau)),
        ("mau", "web-kpi-mau", Cell::Number(kpis.mau)),
        ("stickiness", "web-kpi-stickiness", Cell::Percent(kpis.stickiness_percent)),
        ("checkin-rate", "web-kpi-checkin-rate", Cell::Percent(kpis.checkin_rate_percent)),
        ("checkins", "web-kpi-checkins", Cell::Number(kpis.checkins)),
        ("active", "web-kpi-active", Cell::Number(kpis.active)),
        ("new-members", "web-kpi-new-members", Cell::Number(kpis.new_members)),
        ("gives", "web-kpi-gives", Cell::Number(kpis.gives)),
        ("topic-replies", "web-kpi-topic-replies", Cell::Number(kpis.topic_replies)),
        ("challenge-entries", "web-kpi-challenge-entries", Cell::Number(kpis.challenge_entries)),
        ("challenge-votes", "web-kpi-challenge-votes", Cell::Number(kpis.challenge_votes)),
    ];
    html! {
        dl.kpis {
            @for (id, key, value) in &tiles {
                div.kpi id={ "kpi-" (id) } data-value=(value.plain()) {
                    dt { (words.text(key)) }
                    dd { (value.shown(words)) }
                }
            }
        }
    }
}

fn points_by_kind(words: &Words, kpis: &Kpis) -> Markup {
    let table = tables::Table {
        headers: vec![words.text("web-col-kind"), words.text("web-col-points")],
        rows: kpis
            .points_by_kind
            .iter()
            .map(|(kind, points)| vec![Cell::Text(words.kind(kind)), Cell::Number(*points)])
            .collect(),
    };
    html! {
        h3 { (words.text("web-section-points")) }
        @if table.rows.is_empty() {
            p.empty { (words.text("web-empty")) }
        } @else {
            (tables::markup(&table, words, None))
        }
    }
}

fn table_section(
    words: &Words,
    id: &str,
    title_key: &str,
    note_key: Option<&str>,
    name: TableName,
    dashboard: &Dashboard,
    csv_href: &str,
) -> Markup {
    let table = tables::dashboard_table(name, dashboard, words);
    html! {
        section.table-section id=(id) {
            h2 { (words.text(title_key)) }
            @if let Some(note) = note_key { p.note { (words.text(note)) } }
            @if table.rows.is_empty() {
                p.empty { (words.text("web-empty")) }
            } @else {
                (tables::markup(&table, words, None))
            }
            p { a.csv href=(csv_href) download { (words.text("web-csv")) } }
        }
    }
}
