//! Roles one process holds among all on a database (Telegram's long
//! polling): on PostgreSQL one store at a time holds a role, and the next
//! takes it once the holder lets go or dies. SQLite has one process per
//! file, which holds every role.

use hearth_bot::store::Store;
use hearth_testkit::conformance::{database_at, on_postgres, run_this_binary_on_postgres};

#[tokio::test]
async fn one_process_at_a_time_holds_a_role_and_the_next_takes_over() {
    let dir = std::env::temp_dir().join(format!("hearth-roles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let url = database_at(&dir.join("hearth.db"));
    let (first, second) = (Store::connect(&url).await.expect("first"), Store::connect(&url).await.expect("second"));

    let held = first.try_lead("telegram-polling").await.expect("ask").expect("nobody holds it yet");
    let other = second.try_lead("telegram-polling").await.expect("ask");
    assert_eq!(other.is_none(), on_postgres(), "a second holder only where one file has one process");
    let unrelated = second.try_lead("another-role").await.expect("ask");
    assert!(unrelated.is_some(), "roles are held one by one");

    drop(held);
    drop(other);
    // PostgreSQL frees the lock when the holder's connection ends; the
    // connection closes in the background, so the next asks a few times.
    let mut taken = None;
    for _ in 0..50 {
        taken = second.try_lead("telegram-polling").await.expect("ask");
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(taken.is_some(), "the next process takes the role over");
    first.close().await;
    second.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn postgres_conformance() {
    run_this_binary_on_postgres(&[]);
}
