//! Durability: an answered command is fsynced (`synchronous=FULL`) unless the
//! operator chose otherwise in the database URL.

use std::path::PathBuf;

use hearth_bot::store::StorePort;
use hearth_bot::store::sqlite::SqliteStore as Store;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-durability-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// SQLite's level: 1 = NORMAL, 2 = FULL.
async fn synchronous(store: &Store) -> i64 {
    let mut writer = store.writer_connection().await.expect("writer");
    let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *writer).await.expect("pragma");
    level
}

#[tokio::test]
async fn the_writer_fsyncs_every_commit_by_default() {
    let dir = scratch("default");
    let store = Store::connect(&format!("sqlite://{}", dir.join("hearth.db").display())).await.expect("connect");
    assert_eq!(synchronous(&store).await, 2, "synchronous=FULL");
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn normal_durability_is_an_explicit_choice_in_the_url() {
    let dir = scratch("normal");
    let url = format!("sqlite://{}?synchronous=normal", dir.join("hearth.db").display());
    let store = Store::connect(&url).await.expect("connect");
    assert_eq!(synchronous(&store).await, 1, "synchronous=NORMAL");
    store.close().await;
    assert!(dir.join("hearth.db").exists(), "the parameter is not part of the file name");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_unknown_durability_level_is_refused_with_the_choices() {
    let dir = scratch("bad");
    let url = format!("sqlite://{}?synchronous=sometimes", dir.join("hearth.db").display());
    let error = Store::connect(&url).await.expect_err("refused");
    assert!(format!("{error:#}").contains("expected full (the default) or normal"), "{error:#}");
    assert!(!dir.join("hearth.db").exists(), "nothing created");
    let _ = std::fs::remove_dir_all(&dir);
}
