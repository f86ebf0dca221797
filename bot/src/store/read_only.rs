//! The database as operator tools see it (`hearth export`, `hearth backup`):
//! opened read-only, never created, never migrated. A mistyped `--db` or a
//! database of another hearth version is refused with `UnusableDatabase`
//! instead of being created empty or changed.

use std::path::Path;

use sqlx::migrate::Migrator;

use super::postgres::{PgStore, is_postgres_url};
use super::sqlite::SqliteReadOnly;
use super::{BackupReport, ExportRows, ExportStore, StorePort};

/// A database that a read-only tool cannot use: missing, not hearth's, or
/// of an older or newer schema than this binary's. The message says which.
#[derive(Debug)]
pub struct UnusableDatabase(pub String);

impl std::fmt::Display for UnusableDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnusableDatabase {}

/// An existing database whose schema matches this binary's migrations exactly.
pub struct ReadOnlyStore(Backend);

enum Backend {
    Sqlite(SqliteReadOnly),
    Postgres(PgStore),
}

impl ReadOnlyStore {
    pub async fn open(url: &str) -> anyhow::Result<ReadOnlyStore> {
        Ok(ReadOnlyStore(if is_postgres_url(url) {
            Backend::Postgres(PgStore::open_existing(url).await?)
        } else {
            Backend::Sqlite(SqliteReadOnly::open(url).await?)
        }))
    }

    /// Every row an export of the community `slug` shows; `None` if unknown.
    pub async fn export(&mut self, slug: &str) -> anyhow::Result<Option<ExportRows>> {
        match &mut self.0 {
            Backend::Sqlite(store) => store.export(slug).await,
            Backend::Postgres(store) => ExportStore::export(store, slug).await,
        }
    }

    /// `StorePort::backup`, from a database opened read-only.
    pub async fn backup(&mut self, target: &Path) -> anyhow::Result<BackupReport> {
        match &mut self.0 {
            Backend::Sqlite(store) => store.backup(target).await,
            Backend::Postgres(store) => store.backup(target).await,
        }
    }

    pub async fn close(self) -> anyhow::Result<()> {
        match self.0 {
            Backend::Sqlite(store) => store.close().await,
            Backend::Postgres(store) => {
                store.close().await;
                Ok(())
            }
        }
    }
}

/// Why a database of schema `applied` (version, checksum) cannot be read
/// by a binary with `known` migrations; `None` when they are the same.
pub(crate) fn schema_differs(applied: &[(i64, Vec<u8>)], known: &Migrator) -> Option<String> {
    let known: Vec<(i64, &[u8])> = known.iter().map(|m| (m.version, m.checksum.as_ref())).collect();
    let newest_known = known.last().map_or(0, |(v, _)| *v);
    let newest_applied = applied.last().map_or(0, |(v, _)| *v);
    if let Some((version, _)) = applied.iter().find(|(v, _)| !known.iter().any(|(k, _)| k == v)) {
        return Some(format!(
            "its schema is newer than this hearth's (migration {version}; this binary knows up to {newest_known}); \
             use the hearth that wrote it"
        ));
    }
    if let Some((version, _)) = known.iter().find(|(v, _)| !applied.iter().any(|(a, _)| a == v)) {
        return Some(format!(
            "its schema is older than this hearth's (it lacks migration {version}, newest applied \
             {newest_applied}); start hearth run or hearth console on it once to migrate it"
        ));
    }
    if let Some((version, _)) =
        applied.iter().find(|(v, sum)| known.iter().any(|(k, s)| k == v && *s != sum.as_slice()))
    {
        return Some(format!("its migration {version} differs from this hearth's; it was written by another build"));
    }
    None
}

pub(crate) enum Schema {
    Differs(String),
    Unreadable(anyhow::Error),
}

impl From<anyhow::Error> for Schema {
    fn from(error: anyhow::Error) -> Self {
        Schema::Unreadable(error)
    }
}
