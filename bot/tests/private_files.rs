//! The database holds names, user ids and notes: its file, and the -wal and
//! -shm files SQLite makes beside it, are the owner's alone (0600).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use hearth_bot::store::Store;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn a_new_database_and_its_wal_and_shm_are_created_0600() {
    let dir = std::env::temp_dir().join(format!("hearth-private-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let file = dir.join("new.db");
    let store = Store::connect(&format!("sqlite://{}", file.display())).await.expect("store opens");
    store.register_communities(&["rustaceans"], chrono::Utc::now()).await.expect("a write");
    // While the store is open, SQLite's side files exist and copy the
    // database file's mode (the process umask is left alone).
    for path in [file.clone(), dir.join("new.db-wal"), dir.join("new.db-shm")] {
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
