//! The inbox: an accepted update is recorded once, marked done, and
//! forgotten two days after it finished, so the table does not grow forever.

use chrono::{DateTime, Duration, Utc};
use hearth_bot::store::{InboxKey, NewInboxEntry, Store, WriteTx};

fn entry(update_id: i64) -> NewInboxEntry {
    NewInboxEntry { key: InboxKey { platform: "telegram", update_id }, chat_id: Some(-1), body: "{}".into() }
}

async fn accept(store: &Store, ids: &[i64], now: DateTime<Utc>) -> Vec<bool> {
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("begin");
    let entries: Vec<NewInboxEntry> = ids.iter().copied().map(entry).collect();
    let new = tx.inbox_accept(&entries, now).await.expect("accept");
    tx.commit().await.expect("commit");
    new
}

async fn done(store: &Store, ids: &[i64], now: DateTime<Utc>) {
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("begin");
    let keys: Vec<InboxKey> = ids.iter().map(|&update_id| InboxKey { platform: "telegram", update_id }).collect();
    tx.inbox_done(&keys, now).await.expect("done");
    tx.commit().await.expect("commit");
}

async fn rows(store: &Store) -> i64 {
    let counts = store.row_counts().await.expect("row counts");
    counts.iter().find(|(table, _)| *table == "inbox").map(|(_, n)| *n).expect("the inbox is a table")
}

#[tokio::test]
async fn an_update_is_new_once_and_finished_ones_are_forgotten_after_two_days() {
    let store = Store::connect(&fresh_database()).await.expect("store");
    let start: DateTime<Utc> = "2026-03-02T08:00:00Z".parse().expect("instant");
    assert_eq!(accept(&store, &[1, 2, 2], start).await, [true, true, false], "the same id twice in a batch");
    assert_eq!(accept(&store, &[1, 3], start).await, [false, true], "a redelivery is not new");
    done(&store, &[1, 2], start).await;
    let unfinished = store.inbox_unfinished("telegram").await.expect("unfinished");
    assert_eq!(unfinished.iter().map(|e| e.update_id).collect::<Vec<_>>(), [3]);

    // A day later the finished ones are still remembered: a redelivery stays a no-op.
    assert_eq!(accept(&store, &[1], start + Duration::hours(24)).await, [false]);
    // Past two days the next batch forgets them; the unfinished one stays.
    accept(&store, &[4], start + Duration::hours(49)).await;
    assert_eq!(rows(&store).await, 2, "updates 3 and 4 remain");
    store.close().await;
}

/// A fresh in-memory SQLite database, or a PostgreSQL one in the re-run.
fn fresh_database() -> String {
    hearth_testkit::conformance::fresh_database().unwrap_or_else(|| "sqlite::memory:".to_string())
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}
