//! The inbox: updates a platform sends once (Telegram's webhook) are
//! recorded before they are acknowledged and marked done in the
//! transaction that holds their effect, so none is lost to a crash and none
//! is applied twice.

use tokio::sync::oneshot;

use super::{Engine, Platform, Request, writer};
use crate::reply::Reply;
use crate::store::{InboxEntry, InboxKey, NewInboxEntry};

/// Whether an update offered to the inbox is to be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Recorded (committed): acknowledge it, then handle it.
    New,
    /// Recorded before: acknowledge it and do nothing.
    Redelivered,
}

impl Engine {
    /// Records an update durably; the answer comes after the commit, so an
    /// acknowledgement sent after it never promises an update that a crash
    /// could lose.
    pub async fn accept_update(
        &self,
        platform: Platform,
        update_id: i64,
        chat_id: Option<i64>,
        body: String,
    ) -> anyhow::Result<Accepted> {
        let key = InboxKey { platform: platform.as_str(), update_id };
        let (answer, answered) = oneshot::channel();
        let job = writer::Job::Accept { entry: NewInboxEntry { key, chat_id, body }, answer };
        self.inner.jobs.send(job).await.map_err(|_| anyhow::anyhow!("the writer task is gone"))?;
        match answered.await {
            Ok(true) => Ok(Accepted::New),
            Ok(false) => Ok(Accepted::Redelivered),
            Err(_) => anyhow::bail!("recording update {update_id} failed (see the batch error above)"),
        }
    }

    /// Runs a command that came from the inbox; its row is marked done in
    /// the same transaction as the command's effect.
    pub async fn handle_from_inbox(&self, request: Request, platform: Platform, update_id: i64) -> Reply {
        self.submit(request, Some(InboxKey { platform: platform.as_str(), update_id })).await
    }

    /// Marks an update done that carried no command (a join, a plain
    /// message, a refusal that changes nothing). Failures are logged: the
    /// update is then handled again after a restart, which such updates
    /// allow.
    pub async fn finish_update(&self, platform: Platform, update_id: i64) {
        self.update_done(InboxKey { platform: platform.as_str(), update_id }).await;
    }

    /// Marks an update done in the writer's next batch: whether it was
    /// still open (not done by another process or an earlier run), or
    /// `None` when that failed (logged).
    pub(super) async fn update_done(&self, key: InboxKey) -> Option<bool> {
        let (answer, answered) = oneshot::channel();
        let was_open = match self.inner.jobs.send(writer::Job::Done { key, answer }).await {
            Ok(()) => answered.await.ok(),
            Err(_) => None,
        };
        if was_open.is_none() {
            tracing::error!(update = key.update_id, platform = key.platform, "marking an update done failed");
        }
        was_open
    }

    /// Updates accepted but not finished (a crash or a stop came between),
    /// oldest first: to be handled before anything new.
    pub async fn unfinished_updates(&self, platform: Platform) -> anyhow::Result<Vec<InboxEntry>> {
        self.inner.store.inbox_unfinished(platform.as_str()).await
    }
}
