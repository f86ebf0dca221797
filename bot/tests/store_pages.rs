//! The page size of the database file: small for a database hearth creates
//! (each commit writes whole pages to the WAL), left alone for one that
//! exists already.

use std::path::PathBuf;

use hearth_bot::store::StorePort;
use hearth_bot::store::sqlite::SqliteStore as Store;

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-pages-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

async fn page_size(store: &Store) -> i64 {
    let mut writer = store.writer_connection().await.expect("writer");
    let (size,): (i64,) = sqlx::query_as("PRAGMA page_size").fetch_one(&mut *writer).await.expect("page size");
    size
}

#[tokio::test]
async fn a_database_hearth_creates_has_one_kib_pages() {
    let dir = scratch("new");
    let store = Store::connect(&format!("sqlite://{}", dir.join("hearth.db").display())).await.expect("connect");
    assert_eq!(page_size(&store).await, 1024);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_database_created_before_keeps_its_page_size_and_migrates() {
    let dir = scratch("old");
    let url = format!("sqlite://{}", dir.join("hearth.db").display());
    // What SQLite makes by default, as hearth did before it chose a size.
    let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
    let old = sqlx::SqlitePool::connect_with(
        options.create_if_missing(true).journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await
    .expect("old database");
    sqlx::query("CREATE TABLE kept (id INTEGER PRIMARY KEY)").execute(&old).await.expect("a table");
    old.close().await;

    let store = Store::connect(&url).await.expect("connect");
    assert_eq!(page_size(&store).await, 4096);
    let mut writer = store.writer_connection().await.expect("writer");
    let (communities,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM communities").fetch_one(&mut *writer).await.expect("migrated schema");
    assert_eq!(communities, 0);
    drop(writer);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
