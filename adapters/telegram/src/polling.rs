//! Long polling: the default update source.

use std::time::Duration;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;

use crate::Telegram;

/// How long one getUpdates call waits for news on Telegram's side.
const POLL_TIMEOUT_SECS: u32 = 25;
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const LONGEST_BACKOFF: Duration = Duration::from_secs(60);
/// An empty answer faster than this means the server ignores `timeout`
/// (test stand-ins do): pause briefly instead of spinning.
const EMPTY_TOO_SOON: Duration = Duration::from_secs(1);
const PAUSE_AFTER_EMPTY: Duration = Duration::from_millis(200);

/// The updates hearth asks for.
pub fn wanted_updates() -> [AllowedUpdate; 3] {
    [AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::MyChatMember]
}

impl Telegram {
    /// Polls for updates until the process ends. Network errors back off
    /// (1 s doubling to a minute); a 429 waits as long as Telegram says.
    pub async fn run_polling(self) {
        // A webhook left from an earlier run would make getUpdates fail.
        if let Err(error) = self.shared.bot.delete_webhook().await {
            tracing::warn!(error = %error, "deleteWebhook failed; polling anyway");
        }
        let mut offset = 0;
        let mut backoff = FIRST_BACKOFF;
        loop {
            let request = self
                .shared
                .bot
                .get_updates()
                .offset(offset)
                .timeout(POLL_TIMEOUT_SECS)
                .allowed_updates(wanted_updates());
            let asked = std::time::Instant::now();
            match request.await {
                Ok(updates) if updates.is_empty() && asked.elapsed() < EMPTY_TOO_SOON => {
                    tokio::time::sleep(PAUSE_AFTER_EMPTY).await;
                }
                Ok(updates) => {
                    backoff = FIRST_BACKOFF;
                    for update in updates {
                        offset = offset.max(update.id.as_offset());
                        self.process(update).await;
                    }
                }
                Err(RequestError::RetryAfter(wait)) => tokio::time::sleep(wait.duration()).await,
                Err(error) => {
                    tracing::warn!(error = %error, retry_in = ?backoff, "getUpdates failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(LONGEST_BACKOFF);
                }
            }
        }
    }
}
