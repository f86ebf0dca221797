//! The HTTP listener on `HEARTH_HTTP_ADDR`: `GET /healthz`, `GET /metrics`,
//! `POST /discord/interactions`, in webhook mode `POST /telegram/webhook`,
//! and the web pages (`hearth_web::router`) when given.
//!
//! It serves every connection itself (hyper's HTTP/1 with a timer) so that
//! nothing waits forever: a client gets `HEADER_TIMEOUT` for each request's
//! headers (hyper starts that timer whenever it waits for a request, so an
//! idle keep-alive connection is closed after it too) and `BODY_TIMEOUT` for
//! its body, and at most `MOST_CONNECTIONS` are open at once. Past that the
//! listener stops accepting until one closes, leaving newcomers in the
//! kernel's backlog instead of running out of file descriptors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hearth_discord::{Discord, INTERACTIONS_PATH};
use hearth_telegram::{SECRET_HEADER, Telegram, WEBHOOK_PATH, WebhookAnswer};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long a client has to send a request's headers, and how long an idle
/// keep-alive connection stays open.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client has to send a request's body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once, at most; fewer when the process may open
/// few files (`connection_places`).
pub const MOST_CONNECTIONS: usize = 4_096;
/// The largest request body taken (Telegram updates and Discord
/// interactions are a few KiB).
pub const MOST_BODY_BYTES: usize = 1 << 20;
/// How long `/healthz` waits for the database's answer.
const HEALTH_QUERY_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a stop waits for open connections to finish their requests.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// The adapters that take HTTP requests; a route without its adapter answers 404.
#[derive(Clone, Default)]
pub struct Listeners {
    pub telegram: Option<Telegram>,
    pub discord: Option<Discord>,
    /// Cancelled when hearth begins to stop: `/healthz` answers 503 then.
    pub draining: CancellationToken,
    /// Asked by `/healthz`: a process whose database does not answer is not healthy.
    pub store: Option<hearth_bot::store::Store>,
    pub metrics: Option<crate::metrics::Scrape>,
    /// The dashboard, the public board and the JSON API (`hearth_web::router`).
    pub web: Option<Router>,
}

/// Binds `addr` (port 0 picks a free one; `local_addr` tells which).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding HEARTH_HTTP_ADDR {addr}"))?;
    tracing::info!(addr = %listener.local_addr().unwrap_or(addr), "HTTP listener up");
    Ok(listener)
}

/// Serves `listener` until `stop` is cancelled, then lets open connections
/// finish (bounded) and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    mut listeners: Listeners,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let web = listeners.web.take();
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(WEBHOOK_PATH, post(telegram_webhook))
        .route(INTERACTIONS_PATH, post(discord_interaction))
        .with_state(listeners);
    if let Some(web) = web {
        app = app.merge(web);
    }
    let places = Arc::new(Semaphore::new(connection_places()));
    let connections = TaskTracker::new();
    loop {
        // Back-pressure: accept only with a free place.
        let place = tokio::select! {
            place = places.clone().acquire_owned() => place.context("connection places closed")?,
            () = stop.cancelled() => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors, most likely: wait, do not spin.
                    tracing::warn!(error = %error, "accepting an HTTP connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stop.cancelled() => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let stop = stop.clone();
        connections.spawn(async move {
            let _place = place;
            let _open = hearth_bot::metrics::OpenConnection::new();
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            let outcome = tokio::select! {
                outcome = connection.as_mut() => outcome,
                () = stop.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = outcome {
                tracing::debug!(error = %error, "an HTTP connection ended with an error");
            }
        });
    }
    drop(listener);
    connections.close();
    if tokio::time::timeout(CLOSE_WAIT, connections.wait()).await.is_err() {
        tracing::warn!(open = connections.len(), "HTTP connections still open at stop; closing them");
    }
    Ok(())
}

/// Half the file descriptors the process may open, up to `MOST_CONNECTIONS`:
/// the other half stays for the database, the platforms' connections and
/// the gateway, which a flood of HTTP clients must not starve.
fn connection_places() -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit only writes the struct it is given.
    let known = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    let open_files = if known { usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX) } else { 1_024 };
    (open_files / 2).clamp(16, MOST_CONNECTIONS)
}

async fn healthz(State(listeners): State<Listeners>) -> (StatusCode, &'static str) {
    if listeners.draining.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    if let Some(store) = &listeners.store {
        match tokio::time::timeout(HEALTH_QUERY_TIMEOUT, store.ping()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::warn!(error = ?error, "health check: the database did not answer");
                return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable");
            }
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
        }
    }
    (StatusCode::OK, "ok")
}

/// Prometheus' text exposition format.
async fn metrics(State(listeners): State<Listeners>) -> Response {
    let Some(scrape) = listeners.metrics else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let text = scrape.render().await;
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// The body, within `BODY_TIMEOUT` and `MOST_BODY_BYTES`.
async fn read_body(body: Body) -> Result<Bytes, StatusCode> {
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MOST_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(StatusCode::PAYLOAD_TOO_LARGE),
        Err(_) => Err(StatusCode::REQUEST_TIMEOUT),
    }
}

async fn telegram_webhook(State(listeners): State<Listeners>, headers: HeaderMap, body: Body) -> StatusCode {
    let Some(telegram) = listeners.telegram else {
        return StatusCode::NOT_FOUND;
    };
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(status) => return status,
    };
    let secret = headers.get(SECRET_HEADER).map(|value| value.as_bytes());
    match telegram.accept_webhook(secret, &body).await {
        WebhookAnswer::Accepted => StatusCode::OK,
        WebhookAnswer::Unauthorized => StatusCode::UNAUTHORIZED,
        WebhookAnswer::BadRequest => StatusCode::BAD_REQUEST,
        WebhookAnswer::Busy => StatusCode::SERVICE_UNAVAILABLE,
    }
}

async fn discord_interaction(State(listeners): State<Listeners>, headers: HeaderMap, body: Body) -> Response {
    let Some(discord) = listeners.discord else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(status) => return status.into_response(),
    };
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let answer = discord.interaction(header("x-signature-ed25519"), header("x-signature-timestamp"), &body).await;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(axum::http::header::CONTENT_TYPE, "application/json")], answer.body).into_response()
}
