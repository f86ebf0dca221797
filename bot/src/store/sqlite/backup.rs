//! Online backups: `VACUUM INTO` a new file from a read connection (in WAL
//! mode readers never block the writer), then `PRAGMA integrity_check` on
//! the copy before calling it good. The copy is private (0600) from its
//! first byte: we create it empty with that mode, and `VACUUM INTO` accepts
//! an empty file.

use std::path::Path;

use anyhow::Context;
use sqlx::Connection;
use sqlx::sqlite::SqliteConnection;

use super::{SqliteReadOnly, SqliteStore, connect_options, create_private_file};

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    pub ledger_rows: i64,
}

impl SqliteStore {
    /// Writes a consistent copy of the database to `target`, which must not
    /// exist yet, and checks the copy's integrity.
    pub(super) async fn backup_to(&self, target: &Path) -> anyhow::Result<BackupReport> {
        backup_from(&mut *self.read().await?, target).await
    }
}

impl SqliteReadOnly {
    /// `Store::backup`, from a database opened read-only.
    pub async fn backup(&mut self, target: &Path) -> anyhow::Result<BackupReport> {
        backup_from(self.connection(), target).await
    }
}

async fn backup_from(source: &mut SqliteConnection, target: &Path) -> anyhow::Result<BackupReport> {
    let target_text = target.to_str().context("the backup path is not valid UTF-8")?;
    match create_private_file(target) {
        Ok(true) => {}
        Ok(false) => anyhow::bail!("{} exists already; a backup never overwrites a file", target.display()),
        Err(error) => return Err(error.context(format!("creating the backup file {}", target.display()))),
    }
    let copied = sqlx::query("VACUUM INTO ?").bind(target_text).execute(&mut *source).await;
    if let Err(error) = copied {
        let _ = std::fs::remove_file(target);
        return Err(anyhow::Error::new(error).context(format!("copying the database to {}", target.display())));
    }
    let mut copy =
        SqliteConnection::connect_with(&connect_options(&format!("sqlite://{target_text}"))?.create_if_missing(false))
            .await
            .with_context(|| format!("opening the backup {}", target.display()))?;
    let verdict: Vec<(String,)> =
        sqlx::query_as("PRAGMA integrity_check").fetch_all(&mut copy).await.context("checking the backup")?;
    let (ledger_rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ledger")
        .fetch_one(&mut copy)
        .await
        .context("counting the backup's ledger")?;
    copy.close().await.context("closing the backup")?;
    let problems: Vec<String> = verdict.into_iter().map(|(line,)| line).filter(|line| line != "ok").collect();
    anyhow::ensure!(problems.is_empty(), "the backup failed its integrity check: {}", problems.join("; "));
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport { bytes, ledger_rows })
}
