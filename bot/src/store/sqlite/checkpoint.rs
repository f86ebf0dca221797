//! WAL checkpoints: copying committed pages from the WAL back into the
//! database file, so the WAL can start over from its beginning.
//!
//! With SQLite's automatic checkpoint, the commit that crosses its threshold
//! does the copy and the fsyncs itself, and every command of that group
//! commit waits for them (the p99 of the check-in benchmark). So the writer
//! connection never checkpoints on commit; a reader connection does, every
//! second, in PASSIVE mode, which never blocks the writer.
//!
//! A PASSIVE checkpoint copies the frames that existed when it began. Under
//! a steady stream of commits, new frames always arrive meanwhile, the WAL
//! is never found fully copied, never starts over, and grows without end
//! (385 MiB in a 20-second benchmark). So once the WAL is longer than
//! `FINISH_AT_BYTES`, the writer finishes the checkpoint itself between two
//! transactions: most frames are copied already, and with no commit in
//! between the copy completes and the next transaction restarts the WAL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

use super::SqliteStore;

/// How often the reader checkpoints.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// WAL length past which the writer finishes a checkpoint. Much longer
/// and the WAL file keeps growing instead of being reused from its start,
/// which measured slower (BENCHMARKS.md, "p99").
const FINISH_AT_BYTES: i64 = 64 * 1024 * 1024;

/// What the background checkpoint tells the writer.
#[derive(Debug)]
pub(super) struct Checkpoints {
    /// `FINISH_AT_BYTES` in WAL frames, one page each.
    finish_at_frames: i64,
    /// The WAL is long, so it has not started over lately: the writer should finish.
    finish_due: AtomicBool,
}

impl Checkpoints {
    /// Reads the database's page size (1 KiB when hearth created it, larger
    /// for a database created before).
    pub(super) async fn new(conn: &mut SqliteConnection) -> anyhow::Result<Checkpoints> {
        let (page_size,): (i64,) =
            sqlx::query_as("PRAGMA page_size").fetch_one(conn).await.context("reading the page size")?;
        Ok(Checkpoints { finish_at_frames: FINISH_AT_BYTES / page_size.max(512), finish_due: AtomicBool::new(false) })
    }
}

/// `PRAGMA wal_checkpoint`'s answer.
struct Outcome {
    busy: bool,
    /// Frames in the WAL.
    frames: i64,
    /// Frames copied into the database file.
    copied: i64,
}

impl Outcome {
    fn complete(&self) -> bool {
        !self.busy && self.copied >= self.frames
    }
}

async fn checkpoint(conn: impl SqliteExecutor<'_>) -> Result<Outcome, sqlx::Error> {
    let (busy, frames, copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(conn).await?;
    Ok(Outcome { busy: busy != 0, frames, copied })
}

/// The reader's checkpoint loop. Stops when the store closes.
pub(super) async fn in_background(reader: SqlitePool, state: std::sync::Arc<Checkpoints>) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        ticks.tick().await;
        if reader.is_closed() {
            return;
        }
        match checkpoint(&reader).await {
            Ok(outcome) => {
                // "Complete" here only means everything that was there when it
                // began; a long WAL means it has not started over since.
                if outcome.frames >= state.finish_at_frames {
                    state.finish_due.store(true, Ordering::Relaxed);
                }
            }
            Err(_) if reader.is_closed() => return,
            Err(error) => tracing::warn!(error = ?error, "checkpointing the WAL failed"),
        }
    }
}

impl SqliteStore {
    /// For the writer, between two of its transactions: finishes the
    /// checkpoint the background one could not (see the module notes). At
    /// most once per background checkpoint; nothing when none is due.
    pub(super) async fn finish_checkpoint(&self) -> anyhow::Result<()> {
        if !self.checkpoints.finish_due.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        // Incomplete if the background checkpoint was running or a reader still
        // reads old frames; the background one asks again if it still matters.
        let outcome = checkpoint(&mut *self.writer.lock().await?).await.context("finishing a WAL checkpoint")?;
        tracing::debug!(
            frames = outcome.frames,
            copied = outcome.copied,
            complete = outcome.complete(),
            "the writer finished a WAL checkpoint"
        );
        Ok(())
    }
}
