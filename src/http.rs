//! The HTTP listener on `HEARTH_HTTP_ADDR`: `GET /healthz`,
//! `POST /discord/interactions` and, in webhook mode, `POST /telegram/webhook`.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hearth_discord::{Discord, INTERACTIONS_PATH};
use hearth_telegram::{SECRET_HEADER, Telegram, WEBHOOK_PATH, WebhookAnswer};

/// The adapters that take HTTP requests; a route without its adapter answers 404.
#[derive(Clone, Default)]
pub struct Listeners {
    pub telegram: Option<Telegram>,
    pub discord: Option<Discord>,
}

/// Binds `addr` and serves until the process ends.
pub async fn serve(addr: SocketAddr, listeners: Listeners) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(WEBHOOK_PATH, post(telegram_webhook))
        .route(INTERACTIONS_PATH, post(discord_interaction))
        .with_state(listeners);
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding HEARTH_HTTP_ADDR {addr}"))?;
    tracing::info!(%addr, "HTTP listener up");
    axum::serve(listener, app).await.context("serving HTTP")
}

async fn telegram_webhook(State(listeners): State<Listeners>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(telegram) = listeners.telegram else {
        return StatusCode::NOT_FOUND;
    };
    let secret = headers.get(SECRET_HEADER).map(|value| value.as_bytes());
    match telegram.accept_webhook(secret, &body).await {
        WebhookAnswer::Accepted => StatusCode::OK,
        WebhookAnswer::Unauthorized => StatusCode::UNAUTHORIZED,
        WebhookAnswer::BadRequest => StatusCode::BAD_REQUEST,
        WebhookAnswer::Busy => StatusCode::SERVICE_UNAVAILABLE,
    }
}

async fn discord_interaction(State(listeners): State<Listeners>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(discord) = listeners.discord else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let answer = discord.interaction(header("x-signature-ed25519"), header("x-signature-timestamp"), &body).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], answer.body).into_response()
}
