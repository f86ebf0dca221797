//! Webhook mode: Telegram POSTs each update to `TELEGRAM_WEBHOOK_URL`, which
//! the operator points at `HEARTH_HTTP_ADDR` + `/telegram/webhook`.

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::Update;
use tokio::sync::mpsc;

use crate::Telegram;
use crate::lanes::Lanes;
use crate::polling::wanted_updates;

/// Updates being handled at once, over all chats (as in polling mode).
const MOST_IN_FLIGHT: usize = 100;
/// Accepted updates waiting for a place in flight. Past this, a POST is
/// answered 503 and Telegram delivers it again later.
const MOST_WAITING: usize = 1_000;

/// Where the HTTP listener routes Telegram's POSTs.
pub const WEBHOOK_PATH: &str = "/telegram/webhook";
/// The header Telegram puts the `secret_token` in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// What the HTTP listener answers a webhook POST with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAnswer {
    /// 200: taken; processed after the answer.
    Accepted,
    /// 401: the secret token is wrong or missing.
    Unauthorized,
    /// 400: not an update.
    BadRequest,
    /// 503: too many updates waiting; Telegram retries later.
    Busy,
}

impl Telegram {
    /// Registers `public_url` with Telegram, with a fresh secret that every
    /// POST must carry, and starts handling what arrives.
    pub async fn set_webhook(&self, public_url: url::Url) -> anyhow::Result<()> {
        self.shared.webhook_updates.get_or_init(|| {
            let (queue, updates) = mpsc::channel(MOST_WAITING);
            tokio::spawn(dispatch(self.clone(), updates));
            queue
        });
        let secret = self.shared.webhook_secret.get_or_init(new_secret).clone();
        self.shared
            .bot
            .set_webhook(public_url)
            .secret_token(secret)
            .allowed_updates(wanted_updates())
            .await
            .context("registering the webhook (setWebhook)")?;
        Ok(())
    }

    /// Checks one POST and, when it is a genuine update, queues it so
    /// Telegram gets its 200 at once; it is handled behind the earlier
    /// updates of its chat.
    pub fn accept_webhook(&self, secret_header: Option<&[u8]>, body: &[u8]) -> WebhookAnswer {
        let Some(expected) = self.shared.webhook_secret.get() else {
            return WebhookAnswer::Unauthorized;
        };
        if !secret_header.is_some_and(|given| constant_time_eq(given, expected.as_bytes())) {
            return WebhookAnswer::Unauthorized;
        }
        let update: Update = match serde_json::from_slice(body) {
            Ok(update) => update,
            Err(error) => {
                tracing::warn!(error = %error, "a webhook body is not an update");
                return WebhookAnswer::BadRequest;
            }
        };
        let Some(queue) = self.shared.webhook_updates.get() else {
            return WebhookAnswer::Unauthorized;
        };
        match queue.try_send(update) {
            Ok(()) => WebhookAnswer::Accepted,
            Err(mpsc::error::TrySendError::Full(update)) => {
                tracing::warn!(update = update.id.0, "too many webhook updates waiting; asking Telegram to retry");
                WebhookAnswer::Busy
            }
            Err(mpsc::error::TrySendError::Closed(update)) => {
                tracing::error!(update = update.id.0, "the webhook dispatcher stopped; asking Telegram to retry");
                WebhookAnswer::Busy
            }
        }
    }
}

/// Hands accepted updates to per-chat lanes (`lanes.rs`): a chat's updates
/// in the order they came, chats side by side, at most `MOST_IN_FLIGHT` at
/// once. Without it, two quick messages in one chat raced each other.
async fn dispatch(telegram: Telegram, mut updates: mpsc::Receiver<Update>) {
    let mut lanes = Lanes::new(telegram);
    loop {
        tokio::select! {
            update = updates.recv(), if lanes.in_flight() < MOST_IN_FLIGHT => match update {
                Some(update) => lanes.dispatch(update),
                None => return,
            },
            Some(_) = lanes.next_finished(), if lanes.in_flight() > 0 => {}
        }
    }
}

/// 32 random characters from Telegram's allowed set (A-Z, a-z, 0-9, _ and -).
fn new_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    (0..32).map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())])).collect()
}

/// Equal-length comparison whose time does not depend on where bytes differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
