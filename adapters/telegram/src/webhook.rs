//! Webhook mode: Telegram POSTs each update to `TELEGRAM_WEBHOOK_URL`, which
//! the operator points at `HEARTH_HTTP_ADDR` + `/telegram/webhook`.
//!
//! Telegram never sends an update again once its POST got a 200, so an
//! update is recorded in the engine's inbox (committed) before the answer,
//! handled in its chat's lane after it, and marked done in the transaction
//! that holds its effect. On start, what the inbox still holds is handled
//! before anything new. A chat with too many updates waiting is refused
//! (503, Telegram retries later) alone; the others go on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use hearth_bot::Platform;
use hearth_bot::engine::Accepted;
use hearth_bot::metrics;
use teloxide::prelude::*;
use teloxide::types::Update;
use tokio::sync::{Notify, mpsc};

use crate::Telegram;
use crate::lanes::{LaneKey, Lanes, lane_of};
use crate::polling::wanted_updates;
use crate::translate;

/// Accepted updates of one chat waiting or being handled. Past this, that
/// chat's POSTs are answered 503 until its lane catches up; other chats are
/// not affected.
pub const MOST_WAITING_PER_CHAT: usize = 200;
/// Accepted updates waiting over all chats (they are held in memory).
const MOST_WAITING: usize = 20_000;

/// Where the HTTP listener routes Telegram's POSTs.
pub const WEBHOOK_PATH: &str = "/telegram/webhook";
/// The header Telegram puts the `secret_token` in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// What the HTTP listener answers a webhook POST with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAnswer {
    /// 200: recorded (or recorded before); handled after the answer.
    Accepted,
    /// 401: the secret token is wrong or missing.
    Unauthorized,
    /// 400: not an update.
    BadRequest,
    /// 503: this chat has too many updates waiting, the inbox could not
    /// record it, or hearth is stopping; Telegram retries later.
    Busy,
}

/// The webhook's side of the adapter, once `set_webhook` ran.
pub(crate) struct Inflow {
    secret: String,
    queue: mpsc::UnboundedSender<Update>,
    waiting: Mutex<Waiting>,
    /// Set when hearth stops: new POSTs get 503, the lanes finish.
    draining: AtomicBool,
    /// Woken whenever an update finishes.
    finished: Notify,
}

#[derive(Default)]
struct Waiting {
    per_chat: HashMap<LaneKey, usize>,
    total: usize,
}

impl Inflow {
    /// Takes a place in `lane` for one update; when its chat (or
    /// everything) is full, which (the metric's reason).
    fn reserve(&self, lane: LaneKey) -> Result<(), &'static str> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let chat = waiting.per_chat.get(&lane).copied().unwrap_or(0);
        if chat >= MOST_WAITING_PER_CHAT {
            return Err("chat_full");
        }
        if waiting.total >= MOST_WAITING {
            return Err("all_full");
        }
        waiting.per_chat.insert(lane, chat + 1);
        waiting.total += 1;
        Ok(())
    }

    fn release(&self, lane: LaneKey) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match waiting.per_chat.get_mut(&lane) {
            Some(count) if *count > 1 => *count -= 1,
            Some(_) => {
                waiting.per_chat.remove(&lane);
            }
            None => {}
        }
        waiting.total = waiting.total.saturating_sub(1);
        drop(waiting);
        self.finished.notify_waiters();
    }

    fn total(&self) -> usize {
        self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).total
    }

    /// Updates waiting or being handled, and the chats they are in.
    fn backlog(&self) -> (usize, usize) {
        let waiting = self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (waiting.total, waiting.per_chat.len())
    }
}

impl Telegram {
    /// Handles what the inbox kept from before, then registers
    /// `public_url` with Telegram, with the secret that every POST must
    /// carry (`secret_for`).
    pub async fn set_webhook(&self, public_url: url::Url) -> anyhow::Result<()> {
        let inflow = self
            .shared
            .webhook
            .get_or_init(|| {
                let (queue, updates) = mpsc::unbounded_channel();
                let inflow = Arc::new(Inflow {
                    secret: self.shared.webhook_secret.clone(),
                    queue,
                    waiting: Mutex::new(Waiting::default()),
                    draining: AtomicBool::new(false),
                    finished: Notify::new(),
                });
                tokio::spawn(dispatch(self.clone(), inflow.clone(), updates));
                inflow
            })
            .clone();
        let unfinished = self.shared.engine.unfinished_updates(Platform::Telegram).await?;
        if !unfinished.is_empty() {
            tracing::info!(updates = unfinished.len(), "handling updates accepted before the last stop");
        }
        for entry in unfinished {
            match serde_json::from_str::<Update>(&entry.body) {
                Ok(update) => {
                    let update = translate::repaired(update);
                    // Counted without a limit: these were promised already.
                    let lane = lane_of(&update);
                    {
                        let mut waiting = inflow.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                        *waiting.per_chat.entry(lane).or_insert(0) += 1;
                        waiting.total += 1;
                    }
                    if inflow.queue.send(update).is_err() {
                        inflow.release(lane);
                    }
                }
                Err(error) => {
                    tracing::error!(update = entry.update_id, error = %error, "a stored update no longer parses; dropped");
                    self.shared.engine.finish_update(Platform::Telegram, entry.update_id).await;
                }
            }
        }
        self.shared
            .bot
            .set_webhook(public_url)
            .secret_token(inflow.secret.clone())
            .allowed_updates(wanted_updates())
            .await
            .context("registering the webhook (setWebhook)")?;
        Ok(())
    }

    /// Checks one POST and, when it is a genuine update, records it in the
    /// inbox; the answer comes once that is committed.
    pub async fn accept_webhook(&self, secret_header: Option<&[u8]>, body: &[u8]) -> WebhookAnswer {
        let Some(inflow) = self.shared.webhook.get() else {
            return WebhookAnswer::Unauthorized;
        };
        if !secret_header.is_some_and(|given| constant_time_eq(given, inflow.secret.as_bytes())) {
            return WebhookAnswer::Unauthorized;
        }
        if inflow.draining.load(Ordering::Acquire) {
            metrics::webhook_refused("stopping");
            return WebhookAnswer::Busy;
        }
        let (Ok(text), Ok(update)) = (std::str::from_utf8(body), serde_json::from_slice::<Update>(body)) else {
            tracing::warn!("a webhook body is not an update");
            return WebhookAnswer::BadRequest;
        };
        let update = translate::repaired(update);
        let lane = lane_of(&update);
        if let Err(full) = inflow.reserve(lane) {
            tracing::warn!(update = update.id.0, chat = ?lane, "too many updates waiting in this chat; asking Telegram to retry");
            metrics::webhook_refused(full);
            return WebhookAnswer::Busy;
        }
        let accepted = self
            .shared
            .engine
            .accept_update(Platform::Telegram, i64::from(update.id.0), lane.map(|chat| chat.0), text.to_string())
            .await;
        match accepted {
            Ok(Accepted::New) => {
                let id = update.id.0;
                if inflow.queue.send(update).is_err() {
                    // Recorded, so the next start handles it.
                    tracing::error!(update = id, "the webhook dispatcher stopped; the update waits in the inbox");
                    inflow.release(lane);
                }
                WebhookAnswer::Accepted
            }
            Ok(Accepted::Redelivered) => {
                tracing::info!(update = update.id.0, "update delivered again; already accepted");
                inflow.release(lane);
                WebhookAnswer::Accepted
            }
            Err(error) => {
                tracing::error!(update = update.id.0, error = ?error, "recording an update failed; asking Telegram to retry");
                metrics::webhook_refused("inbox_error");
                inflow.release(lane);
                WebhookAnswer::Busy
            }
        }
    }

    /// Webhook updates accepted and not finished, and the chats they are
    /// in; `None` in long-polling mode.
    pub fn webhook_backlog(&self) -> Option<(usize, usize)> {
        self.shared.webhook.get().map(|inflow| inflow.backlog())
    }

    /// Stops taking webhook updates (503 from now on) and waits until every
    /// accepted one is handled, or `limit` passes; what is left stays in the
    /// inbox for the next start. Returns how many were left.
    pub async fn drain(&self, limit: Duration) -> usize {
        let Some(inflow) = self.shared.webhook.get() else {
            return 0;
        };
        inflow.draining.store(true, Ordering::Release);
        let all_done = async {
            loop {
                let finished = inflow.finished.notified();
                if inflow.total() == 0 {
                    return;
                }
                finished.await;
            }
        };
        let _ = tokio::time::timeout(limit, all_done).await;
        self.stop_handling();
        inflow.total()
    }
}

/// Hands accepted updates to per-chat lanes (`lanes.rs`): a chat's updates
/// in the order they came, chats side by side. No limit over all chats
/// here: a lane waiting for Telegram's per-chat send limit holds up only
/// its own chat, and `reserve` bounds what waits.
async fn dispatch(telegram: Telegram, inflow: Arc<Inflow>, mut updates: mpsc::UnboundedReceiver<Update>) {
    let mut lanes = Lanes::new(telegram);
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Some(update) => lanes.dispatch(update),
                None => return,
            },
            Some((lane, _)) = lanes.next_finished(), if lanes.in_flight() > 0 => inflow.release(lane),
        }
    }
}

/// The webhook secret of the bot with `token`: 64 hex digits of a SHA-256
/// of the token (Telegram allows A-Z, a-z, 0-9, _ and -, up to 256).
///
/// Why derived and not random: every hearth process on a database calls
/// setWebhook at its start, and Telegram keeps only the last secret; a
/// random one per process would make the others refuse every POST. Derived
/// from the token, it is the same in all of them, is never stored, and
/// changes when the token does. Knowing it needs the token, which already
/// gives full control of the bot.
pub(crate) fn secret_for(token: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(b"hearth telegram webhook secret\0").chain_update(token).finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Equal-length comparison whose time does not depend on where bytes differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::secret_for;

    #[test]
    fn every_process_of_one_bot_derives_the_same_secret_and_another_bot_another() {
        let token = "123456:ABC-processes-share-this";
        assert_eq!(secret_for(token), secret_for(token));
        assert_ne!(secret_for(token), secret_for("123456:ABC-another-bot"));
        let secret = secret_for(token);
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()), "Telegram's allowed characters");
        assert!(!secret.contains("ABC"), "the token does not show through");
    }
}
