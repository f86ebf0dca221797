//! `GET /admin/<id>/ledger?member=&kind=&page=`: every points change, with
//! who caused it, filtered and paged.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hearth_bot::engine::web::{AuditFilter, AuditPage};
use hearth_bot::i18n::Arg;
use maud::{Markup, html};

use crate::Web;
use crate::cells::{LEDGER_KINDS, Words};
use crate::layout::{self, AdminPage};
use crate::params::{BadQuery, Params};
use crate::refusal::Refusal;
use crate::respond;
use crate::session;
use crate::tables;

/// The audit's filters from a query string.
pub fn filter(params: &Params) -> Result<AuditFilter, BadQuery> {
    Ok(AuditFilter { member: params.text("member")?, kind: params.kind()? })
}

/// `member=…&kind=…` for links that keep the filters.
pub fn filter_query(filter: &AuditFilter) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(member) = &filter.member {
        query.append_pair("member", member);
    }
    if let Some(kind) = &filter.kind {
        query.append_pair("kind", kind);
    }
    query.finish()
}

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
    let params = Params::new(query);
    let (Ok(filter), Ok(page)) = (filter(&params), params.page()) else {
        return Refusal::BadRequest.page(&admin.words);
    };
    let audit = match web.engine.ledger_audit(&community, &filter, page).await {
        Ok(audit) => audit,
        Err(error) => return Refusal::of(error, "ledger audit").page(&admin.words),
    };
    let words = admin.words;
    let title = words.fmt("web-ledger-title", &[("community", Arg::from(&admin.community.name))]);
    let header = layout::admin_header(&words, &admin.community, &admin.session, AdminPage::Ledger);
    let main = body(&words, &admin.community.id, &title, &filter, &audit);
    respond::html(StatusCode::OK, layout::page(&words, &title, header, main))
}

fn body(words: &Words, community: &str, title: &str, filter: &AuditFilter, audit: &AuditPage) -> Markup {
    let kept = filter_query(filter);
    let page_href = |page: u32| {
        if kept.is_empty() { format!("?page={page}") } else { format!("?{kept}&page={page}") }
    };
    let csv_href = if kept.is_empty() {
        format!("/admin/{community}/csv/ledger.csv")
    } else {
        format!("/admin/{community}/csv/ledger.csv?{kept}")
    };
    let table = tables::ledger(&audit.rows, words);
    html! {
        h1 { (title) }
        form.filters method="get" {
            label {
                span { (words.text("web-filter-member")) }
                input type="search" name="member" maxlength="100" value=(filter.member.as_deref().unwrap_or(""));
            }
            label {
                span { (words.text("web-filter-kind")) }
                select name="kind" {
                    option value="" selected[filter.kind.is_none()] { (words.text("web-filter-any-kind")) }
                    @for kind in LEDGER_KINDS {
                        option value=(kind.as_str()) selected[filter.kind.as_deref() == Some(kind.as_str())] {
                            (words.kind(kind.as_str()))
                        }
                    }
                }
            }
            button type="submit" { (words.text("web-filter-apply")) }
        }
        @if table.rows.is_empty() {
            p.empty { (words.text("web-empty")) }
        } @else {
            (tables::markup(&table, words, None))
        }
        (pager(words, audit.page, audit.more, page_href))
        p { a.csv href=(csv_href) download { (words.text("web-csv")) } }
    }
}

/// Previous / page N / next.
pub fn pager(words: &Words, page: u32, more: bool, href: impl Fn(u32) -> String) -> Markup {
    html! {
        nav.pager {
            @if page > 1 { a rel="prev" href=(href(page - 1)) { (words.text("web-page-prev")) } }
            span { (words.fmt("web-page-n", &[("page", page.into())])) }
            @if more { a rel="next" href=(href(page + 1)) { (words.text("web-page-next")) } }
        }
    }
}
