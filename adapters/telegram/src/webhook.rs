//! Webhook mode: Telegram POSTs each update to `TELEGRAM_WEBHOOK_URL`, which
//! the operator points at `HEARTH_HTTP_ADDR` + `/telegram/webhook`.

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::Update;

use crate::Telegram;
use crate::polling::wanted_updates;

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
}

impl Telegram {
    /// Registers `public_url` with Telegram, with a fresh secret that every
    /// POST must carry.
    pub async fn set_webhook(&self, public_url: url::Url) -> anyhow::Result<()> {
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

    /// Checks one POST and, when it is a genuine update, processes it in
    /// the background so Telegram gets its 200 at once.
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
        let this = self.clone();
        tokio::spawn(async move { this.process(update).await });
        WebhookAnswer::Accepted
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
