//! Per-chat lanes: a chat's updates are handled one after another, in the
//! order Telegram gave them; different chats are handled side by side, so
//! one chat's answer waiting for Telegram's rate limits holds up no other
//! chat.
//!
//! A lane is a task with a queue. It lives while its chat has updates in
//! flight and ends when the last one finishes, so the number of tasks never
//! exceeds the number of updates in flight, which the polling loop and the
//! webhook's dispatcher bound.

use std::collections::HashMap;

use teloxide::types::{ChatId, Update, UpdateId};
use tokio::sync::mpsc;

use crate::Telegram;
use crate::translate;

/// Which lane an update joins: its chat, or one shared lane for the rare
/// update without one (a tap on a message the bot cannot see).
pub type LaneKey = Option<ChatId>;

/// The lane of an update that was repaired (`translate::repaired`).
pub fn lane_of(update: &Update) -> LaneKey {
    update.chat().map(|chat| chat.id)
}

/// An update whose handling is over (answered, refused or failed and logged).
struct Finished {
    lane: LaneKey,
    update: UpdateId,
}

struct Lane {
    queue: mpsc::UnboundedSender<Update>,
    unfinished: usize,
}

/// The open lanes. Owned by the polling loop alone: it queues updates and
/// collects what finished, so opening and closing a lane never races with
/// queuing into it.
pub struct Lanes {
    telegram: Telegram,
    open: HashMap<LaneKey, Lane>,
    finished_sender: mpsc::UnboundedSender<Finished>,
    finished: mpsc::UnboundedReceiver<Finished>,
}

impl Lanes {
    pub fn new(telegram: Telegram) -> Lanes {
        let (finished_sender, finished) = mpsc::unbounded_channel();
        Lanes { telegram, open: HashMap::new(), finished_sender, finished }
    }

    /// Queues `update` behind the unfinished updates of its chat.
    pub fn dispatch(&mut self, update: Update) {
        // Repaired first: an unpatched callback only shows its chat after repair.
        let update = translate::repaired(update);
        let key = lane_of(&update);
        let lane = self.open.entry(key).or_insert_with(|| {
            let (queue, updates) = mpsc::unbounded_channel();
            let lane = run_lane(self.telegram.clone(), key, updates, self.finished_sender.clone());
            tokio::spawn(lane);
            Lane { queue, unfinished: 0 }
        });
        let id = update.id;
        match lane.queue.send(update) {
            Ok(()) => lane.unfinished += 1,
            // Cannot happen while the lane is open (its task only stops when
            // the queue closes), but if it did, the update must not stay
            // unfinished forever: report it as finished, unhandled.
            Err(_) => {
                tracing::error!(update = id.0, "a chat's lane stopped early; update not handled");
                let _ = self.finished_sender.send(Finished { lane: key, update: id });
            }
        }
    }

    /// Updates queued or being handled, over all chats.
    pub fn in_flight(&self) -> usize {
        self.open.values().map(|lane| lane.unfinished).sum()
    }

    /// Waits for the next finished update and returns its lane and id;
    /// closes its lane when that was the lane's last. `None` when nothing is
    /// in flight.
    pub async fn next_finished(&mut self) -> Option<(LaneKey, UpdateId)> {
        if self.open.is_empty() {
            return None;
        }
        // The loop holds a sender itself, so the channel never closes.
        let finished = self.finished.recv().await?;
        if let Some(lane) = self.open.get_mut(&finished.lane) {
            lane.unfinished = lane.unfinished.saturating_sub(1);
            if lane.unfinished == 0 {
                // Dropping the queue's sender ends the lane's task.
                self.open.remove(&finished.lane);
            }
        }
        Some((finished.lane, finished.update))
    }
}

/// Handles a chat's updates in order until its queue closes.
async fn run_lane(
    telegram: Telegram,
    lane: LaneKey,
    mut updates: mpsc::UnboundedReceiver<Update>,
    finished: mpsc::UnboundedSender<Finished>,
) {
    while let Some(update) = updates.recv().await {
        let id = update.id;
        if telegram.handling_stopped() {
            // Left in the inbox for the next start.
            let _ = finished.send(Finished { lane, update: id });
            continue;
        }
        let handler = telegram.clone();
        // Its own task, so that a panic is caught here: it is logged, the
        // update counts as finished (it would otherwise never be confirmed
        // and come back forever), and the chat's next updates still run.
        if let Err(error) = tokio::spawn(async move { handler.process(update).await }).await {
            tracing::error!(update = id.0, chat = ?lane, error = %error, "handling an update failed unexpectedly");
        }
        if finished.send(Finished { lane, update: id }).is_err() {
            return;
        }
    }
}
