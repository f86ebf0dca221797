//! The HTTP listener on `HEARTH_HTTP_ADDR`: `GET /healthz` and, in webhook
//! mode, `POST /telegram/webhook`.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use hearth_telegram::{SECRET_HEADER, Telegram, WEBHOOK_PATH, WebhookAnswer};

#[derive(Clone)]
struct Listeners {
    telegram: Option<Telegram>,
}

/// Binds `addr` and serves until the process ends.
pub async fn serve(addr: SocketAddr, telegram: Option<Telegram>) -> anyhow::Result<()> {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(WEBHOOK_PATH, post(telegram_webhook))
        .with_state(Listeners { telegram });
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
    match telegram.accept_webhook(secret, &body) {
        WebhookAnswer::Accepted => StatusCode::OK,
        WebhookAnswer::Unauthorized => StatusCode::UNAUTHORIZED,
        WebhookAnswer::BadRequest => StatusCode::BAD_REQUEST,
    }
}
