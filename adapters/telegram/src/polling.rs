//! Long polling: the default update source.
//!
//! Updates are handled concurrently across chats and in order within a chat
//! (`lanes.rs`), while the loop keeps polling for other chats' updates.
//!
//! Confirmation stays what it was when the loop handled one update at a
//! time: Telegram treats every update below the `offset` of a getUpdates
//! call as confirmed and never sends it again, so the offset never passes an
//! update whose handling (engine call and answer sent) is unfinished. It is
//! the lowest unfinished update, or just past the last one taken when all
//! are done. A crash or restart therefore loses no update: Telegram
//! redelivers from the lowest unfinished one. Every polled update is
//! recorded in the engine's inbox (one group commit per poll) before it is
//! handled, so what was already handled is recognised when it comes again
//! and neither applied nor answered twice, and what was recorded but not
//! finished is handled first at the next start.

use std::collections::BTreeSet;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, UpdateId};

use hearth_bot::Platform;
use hearth_bot::engine::Accepted;
use teloxide::types::Update;

use crate::Telegram;
use crate::lanes::{Lanes, lane_of};
use crate::translate;

/// How long one getUpdates call waits for news on Telegram's side.
const POLL_TIMEOUT_SECS: u32 = 25;
/// The most updates one getUpdates call returns (Telegram's maximum). As the
/// offset stays at the lowest unfinished update, this also bounds the
/// updates in flight, and with them the lanes.
const MOST_UPDATES_PER_POLL: u8 = 100;
/// While updates are in flight, getUpdates cannot long-poll (Telegram
/// answers at once with the unconfirmed ones), so the loop asks again at
/// this pace: the tick at which teloxide's `Throttle` releases messages, so
/// polling faster would not answer sooner.
const POLL_WHILE_BUSY: Duration = Duration::from_millis(250);
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
        let mut lanes = Lanes::new(self.clone());
        self.finish_inbox(&mut lanes).await;
        let mut progress = Progress::default();
        let mut backoff = FIRST_BACKOFF;
        loop {
            let busy = progress.in_flight();
            let request = self
                .shared
                .bot
                .get_updates()
                .offset(progress.offset())
                .limit(MOST_UPDATES_PER_POLL)
                .timeout(if busy { 0 } else { POLL_TIMEOUT_SECS })
                .allowed_updates(wanted_updates());
            let asked = std::time::Instant::now();
            match request.await {
                Ok(updates) if !busy && updates.is_empty() && asked.elapsed() < EMPTY_TOO_SOON => {
                    tokio::time::sleep(PAUSE_AFTER_EMPTY).await;
                }
                Ok(updates) => {
                    backoff = FIRST_BACKOFF;
                    let taken: Vec<Update> = updates.into_iter().filter(|update| progress.take(update.id)).collect();
                    for (update, accepted) in self.record(taken).await {
                        match accepted {
                            Some(Accepted::Redelivered) => {
                                tracing::info!(update = update.id.0, "update handled before a restart; skipped");
                                progress.finish(update.id);
                            }
                            _ => lanes.dispatch(update),
                        }
                    }
                }
                Err(RequestError::RetryAfter(wait)) => tokio::time::sleep(wait.duration()).await,
                Err(error) => {
                    tracing::warn!(error = %error, retry_in = ?backoff, "getUpdates failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(LONGEST_BACKOFF);
                }
            }
            if progress.in_flight() {
                collect_finished(&mut lanes, &mut progress).await;
            }
        }
    }
}

impl Telegram {
    /// Handles what the inbox kept from before a stop; Telegram sends those
    /// again too, and then they are recognised as handled.
    async fn finish_inbox(&self, lanes: &mut Lanes) {
        match self.shared.engine.unfinished_updates(Platform::Telegram).await {
            Ok(entries) => {
                for entry in entries {
                    match serde_json::from_str::<Update>(&entry.body) {
                        Ok(update) => lanes.dispatch(update),
                        Err(error) => {
                            tracing::error!(update = entry.update_id, error = %error, "a stored update no longer parses");
                            self.shared.engine.finish_update(Platform::Telegram, entry.update_id).await;
                        }
                    }
                }
            }
            Err(error) => tracing::error!(error = ?error, "reading the inbox failed"),
        }
    }

    /// Records polled updates in the inbox, all in one group commit, so an
    /// update Telegram sends again after a restart (the offset had not yet
    /// confirmed it) is recognised. `None` when recording failed: the
    /// update is handled anyway, as before the inbox.
    async fn record(&self, updates: Vec<Update>) -> Vec<(Update, Option<Accepted>)> {
        let recording: Vec<_> = updates
            .iter()
            .map(|update| {
                let engine = self.shared.engine.clone();
                let update = translate::repaired(update.clone());
                let chat = lane_of(&update).map(|chat| chat.0);
                let id = i64::from(update.id.0);
                let body = serde_json::to_string(&update);
                tokio::spawn(async move { engine.accept_update(Platform::Telegram, id, chat, body?).await })
            })
            .collect();
        let mut recorded = Vec::with_capacity(updates.len());
        for (update, handle) in updates.into_iter().zip(recording) {
            let accepted = match handle.await {
                Ok(Ok(accepted)) => Some(accepted),
                Ok(Err(error)) => {
                    tracing::warn!(update = update.id.0, error = ?error, "recording a polled update failed");
                    None
                }
                Err(error) => {
                    tracing::warn!(update = update.id.0, error = %error, "recording a polled update failed");
                    None
                }
            };
            recorded.push((update, accepted));
        }
        recorded
    }
}

/// Notes updates that finish during the next `POLL_WHILE_BUSY`, returning
/// early when none is left in flight, so the loop goes back to long polling
/// (which confirms them) at once.
async fn collect_finished(lanes: &mut Lanes, progress: &mut Progress) {
    let until = tokio::time::Instant::now() + POLL_WHILE_BUSY;
    while progress.in_flight() {
        tokio::select! {
            finished = lanes.next_finished() => match finished {
                Some((_, update)) => progress.finish(update),
                None => {
                    tracing::error!("updates count as in flight but no chat is handling one; polling on");
                    progress.forget_unfinished();
                }
            },
            () = tokio::time::sleep_until(until) => return,
        }
    }
}

/// Which updates the loop has taken and which of them are still unfinished;
/// from that, the offset that confirms exactly the finished prefix.
#[derive(Default)]
struct Progress {
    unfinished: BTreeSet<i32>,
    /// The offset just past the last update taken: everything below it was
    /// taken before, whatever getUpdates returns again.
    past_taken: i32,
}

impl Progress {
    fn in_flight(&self) -> bool {
        !self.unfinished.is_empty()
    }

    /// The getUpdates offset: the lowest unfinished update, so it stays
    /// unconfirmed, or past everything taken when all are finished.
    fn offset(&self) -> i32 {
        self.unfinished.first().copied().unwrap_or(self.past_taken)
    }

    /// True the first time an update is returned; an unfinished update (or
    /// a finished one above it) comes back on every poll until confirmed.
    fn take(&mut self, update: UpdateId) -> bool {
        let position = position_of(update);
        if position < self.past_taken {
            return false;
        }
        self.unfinished.insert(position);
        self.past_taken = update.as_offset();
        true
    }

    fn finish(&mut self, update: UpdateId) {
        self.unfinished.remove(&position_of(update));
    }

    /// Only after an internal fault: nothing will report these updates as
    /// finished, and waiting for them would stall polling for good.
    fn forget_unfinished(&mut self) {
        self.unfinished.clear();
    }
}

/// An update's own offset: the one that confirms what came before it, not it.
fn position_of(update: UpdateId) -> i32 {
    update.as_offset() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_never_passes_an_unfinished_update() {
        let mut progress = Progress::default();
        assert_eq!(progress.offset(), 0);
        assert!(progress.take(UpdateId(10)) && progress.take(UpdateId(11)) && progress.take(UpdateId(12)));
        assert_eq!(progress.offset(), 10);
        // 11 and 12 finish first (other chats): 10 still holds the offset.
        progress.finish(UpdateId(12));
        progress.finish(UpdateId(11));
        assert_eq!(progress.offset(), 10);
        // Returned again because unconfirmed, they are not taken twice.
        assert!(!progress.take(UpdateId(10)) && !progress.take(UpdateId(11)) && !progress.take(UpdateId(12)));
        assert!(progress.take(UpdateId(13)));
        progress.finish(UpdateId(10));
        assert_eq!(progress.offset(), 13);
        progress.finish(UpdateId(13));
        assert!(!progress.in_flight());
        assert_eq!(progress.offset(), 14);
    }
}
