//! The public leaderboard (`/c/<id>`) and member cards (`/c/<id>/m/<member>`).
//! Whether they show at all is the engine's call: public boards, or an
//! admin session of the community.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hearth_bot::command::Window;
use hearth_bot::engine::web::{BoardEntry, BoardPage, CommunityView, MemberCard, MemberId};
use hearth_bot::i18n::Arg;
use maud::{Markup, html};

use crate::Web;
use crate::cells::Words;
use crate::layout;
use crate::ledger::pager;
use crate::params::{Params, window_name};
use crate::refusal::Refusal;
use crate::respond;
use crate::session;

const WINDOWS: [(Window, &str); 4] = [
    (Window::All, "web-window-all"),
    (Window::Week, "web-window-week"),
    (Window::Month, "web-window-month"),
    (Window::Season, "web-window-season"),
];

pub async fn page(
    State(web): State<Web>,
    Path(community): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let (view, words) = match session::community(&web, &community) {
        Ok(found) => found,
        Err(refused) => return refused.page(),
    };
    let params = Params::new(query);
    let (Ok(window), Ok(page), Ok(search)) = (params.window(), params.page(), params.text("q")) else {
        return Refusal::BadRequest.page(&words);
    };
    let token = session::token(&headers);
    let board = match web.engine.leaderboard_page(&community, token, window, page, search.as_deref()).await {
        Ok(board) => board,
        Err(error) => return Refusal::of(error, "leaderboard page").page(&words),
    };
    let title = words.fmt("web-board-title", &[("community", Arg::from(&view.name))]);
    let main = board_body(&words, &view, &title, &board, search.as_deref());
    respond::html(StatusCode::OK, layout::page(&words, &title, layout::public_header(&view), main))
}

/// `?window=…&q=…&page=…`, leaving out what is default.
fn board_query(window: Window, search: Option<&str>, page: u32) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if window != Window::All {
        query.append_pair("window", window_name(window));
    }
    if let Some(search) = search {
        query.append_pair("q", search);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() { "?".to_string() } else { format!("?{query}") }
}

fn board_body(words: &Words, view: &CommunityView, title: &str, board: &BoardPage, search: Option<&str>) -> Markup {
    html! {
        h1 { (title) }
        nav.windows {
            @for (window, key) in WINDOWS {
                @if window == board.window {
                    a href=(board_query(window, search, 1)) aria-current="page" { (words.text(key)) }
                } @else {
                    a href=(board_query(window, search, 1)) { (words.text(key)) }
                }
            }
        }
        form.search method="get" role="search" {
            @if board.window != Window::All {
                input type="hidden" name="window" value=(window_name(board.window));
            }
            label {
                span { (words.text("web-search-label")) }
                input type="search" name="q" maxlength="100" value=(search.unwrap_or(""));
            }
            button type="submit" { (words.text("web-search-button")) }
        }
        @if board.entries.is_empty() {
            p.empty { (words.text("web-board-empty")) }
        } @else {
            div.table-scroll {
                table.board {
                    thead {
                        tr {
                            th scope="col" { (words.text("web-col-rank")) }
                            th scope="col" { (words.text("web-col-member")) }
                            th scope="col" { (words.text("web-col-points")) }
                            th scope="col" { (words.text("web-col-level")) }
                            th scope="col" { (words.text("web-col-badges")) }
                        }
                    }
                    tbody {
                        @for entry in &board.entries { (board_row(words, view, entry)) }
                    }
                }
            }
        }
        (pager(words, board.page, board.more, |page| board_query(board.window, search, page)))
    }
}

fn board_row(words: &Words, view: &CommunityView, entry: &BoardEntry) -> Markup {
    html! {
        tr {
            td.number { (words.number(entry.rank)) }
            th scope="row" { a href={ "/c/" (view.id) "/m/" (entry.member_id.0) } { (entry.name) } }
            td.number { (words.number(entry.points)) }
            td { (level(words, entry.level.level, entry.level.next_at, entry.level_starts_at, entry.balance)) }
            td.badges {
                @for badge in &entry.badges { span.badge { (badge) } " " }
            }
        }
    }
}

/// "Level 2" and a progress bar towards the next level (a `<progress>`
/// element: the page has no inline styles for the CSP to refuse).
fn level(words: &Words, level: u32, next_at: Option<i64>, starts_at: i64, balance: i64) -> Markup {
    html! {
        span.level { (words.fmt("web-level", &[("level", level.into())])) }
        @match next_at {
            Some(next) => {
                @let label = words.fmt("web-level-progress", &[("points", balance.into()), ("next", next.into())]);
                progress max=((next - starts_at).max(1)) value=((balance - starts_at).max(0)) aria-label=(label) title=(label) { (label) }
            }
            None => {
                span.level-top { (words.fmt("web-level-top", &[("points", balance.into())])) }
            }
        }
    }
}

pub async fn member_page(
    State(web): State<Web>,
    Path((community, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (view, words) = match session::community(&web, &community) {
        Ok(found) => found,
        Err(refused) => return refused.page(),
    };
    let Some(member) = MemberId::parse(&member) else {
        return Refusal::NotFound.page(&words);
    };
    let card = match web.engine.member_card(&community, session::token(&headers), member).await {
        Ok(card) => card,
        Err(error) => return Refusal::of(error, "member card").page(&words),
    };
    let main = card_body(&words, &view, &card);
    respond::html(StatusCode::OK, layout::page(&words, &card.name, layout::public_header(&view), main))
}

fn card_body(words: &Words, view: &CommunityView, card: &MemberCard) -> Markup {
    let days = |n: u32| words.fmt("web-member-days", &[("days", n.into())]);
    let checked = card.calendar.iter().filter(|(_, on)| *on).count();
    html! {
        h1 { (card.name) }
        dl.kpis {
            div.kpi id="card-points" { dt { (words.text("web-member-points")) } dd { (words.number(card.balance)) } }
            div.kpi id="card-level" {
                dt { (words.text("web-member-level")) }
                dd { (level(words, card.level.level, card.level.next_at, card.level_starts_at, card.balance)) }
            }
            div.kpi id="card-streak" { dt { (words.text("web-member-streak")) } dd { (days(card.streak)) } }
            div.kpi id="card-best-streak" { dt { (words.text("web-member-best-streak")) } dd { (days(card.best_streak)) } }
        }
        section {
            h2 { (words.text("web-member-badges")) }
            @if card.badges.is_empty() {
                p.empty { (words.text("web-member-no-badges")) }
            } @else {
                ul.badges { @for badge in &card.badges { li.badge { (badge) } } }
            }
        }
        section {
            h2 { (words.text("web-member-calendar")) }
            p { (words.fmt("web-calendar-summary", &[("count", checked.into())])) }
            (calendar(words, &card.calendar))
        }
        p { a href={ "/c/" (view.id) } { (words.text("web-member-back")) } }
    }
}

/// Weeks as columns, weekdays as rows, like a contribution graph.
fn calendar(words: &Words, days: &[(chrono::NaiveDate, bool)]) -> Markup {
    let weeks: Vec<&[(chrono::NaiveDate, bool)]> = days.chunks(7).collect();
    html! {
        div.table-scroll {
            table.calendar {
                tbody {
                    @for weekday in 0..7 {
                        tr {
                            th scope="row" { (words.weekday(weekday)) }
                            @for week in &weeks {
                                @if let Some((day, on)) = week.get(weekday) {
                                    @let label = if *on {
                                        words.fmt("web-calendar-checked", &[("date", words.date(*day).into())])
                                    } else {
                                        words.fmt("web-calendar-missed", &[("date", words.date(*day).into())])
                                    };
                                    td class=(if *on { "day on" } else { "day off" }) title=(label) {
                                        span.visually-hidden { (label) }
                                    }
                                } @else {
                                    td {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
