//! The JSON API: `/api/v1/c/<id>/leaderboard` (public when the board is,
//! else an admin session) and `/api/v1/c/<id>/stats` (admin session).
//! Its shape is in the Contract; keys are only ever added.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use hearth_bot::engine::web::{Dashboard, DayFigures, Kpis};
use serde_json::{Value, json};

use crate::Web;
use crate::params::{Params, window_name};
use crate::refusal::{Refusal, api_refusal};
use crate::respond;
use crate::session;

pub async fn leaderboard(
    State(web): State<Web>,
    Path(community): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let params = Params::new(query);
    let (Ok(window), Ok(page)) = (params.window(), params.page()) else {
        return api_refusal(Refusal::BadRequest);
    };
    let board = match web.engine.leaderboard_page(&community, session::token(&headers), window, page, None).await {
        Ok(board) => board,
        Err(error) => return api_refusal(Refusal::of(error, "leaderboard API")),
    };
    let entries: Vec<Value> = board
        .entries
        .iter()
        .map(|entry| {
            json!({
                "rank": entry.rank,
                "member_id": entry.member_id.0,
                "name": entry.name,
                "points": entry.points,
                "level": entry.level.level,
                "badges": entry.badges,
            })
        })
        .collect();
    respond::json(&json!({
        "community": community,
        "window": window_name(board.window),
        "page": board.page,
        "more": board.more,
        "entries": entries,
    }))
}

pub async fn stats(
    State(web): State<Web>,
    Path(community): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = session::admin(&web, &headers, &community).await {
        return api_refusal(refused.refusal);
    }
    let Ok(range) = Params::new(query).range() else {
        return api_refusal(Refusal::BadRequest);
    };
    match web.engine.dashboard(&community, range).await {
        Ok(dashboard) => respond::json(&stats_json(&community, &dashboard)),
        Err(error) => api_refusal(Refusal::of(error, "stats API")),
    }
}

fn stats_json(community: &str, dashboard: &Dashboard) -> Value {
    json!({
        "community": community,
        "range_days": dashboard.range.days(),
        "first_day": dashboard.first_day.format("%Y-%m-%d").to_string(),
        "last_day": dashboard.last_day.format("%Y-%m-%d").to_string(),
        "kpis": kpis_json(&dashboard.kpis),
        "days": dashboard.days.iter().map(day_json).collect::<Vec<Value>>(),
    })
}

fn kpis_json(kpis: &Kpis) -> Value {
    let points_by_kind: serde_json::Map<String, Value> =
        kpis.points_by_kind.iter().map(|(kind, points)| (kind.clone(), json!(points))).collect();
    json!({
        "members": kpis.members,
        "dau": kpis.dau,
        "wau": kpis.wau,
        "mau": kpis.mau,
        "stickiness_percent": kpis.stickiness_percent,
        "checkin_rate_percent": kpis.checkin_rate_percent,
        "checkins": kpis.checkins,
        "active": kpis.active,
        "new_members": kpis.new_members,
        "points_by_kind": points_by_kind,
        "gives": kpis.gives,
        "topic_replies": kpis.topic_replies,
        "challenge_entries": kpis.challenge_entries,
        "challenge_votes": kpis.challenge_votes,
    })
}

fn day_json(day: &DayFigures) -> Value {
    json!({
        "day": day.day.format("%Y-%m-%d").to_string(),
        "checkins": day.checkins,
        "active": day.active,
        "members": day.members,
        "checkin_rate_percent": day.checkin_rate_percent,
    })
}
