//! The batch writes of the store when a row is already there: a batch
//! that repeats a stored check-in or ledger key writes the rest, once.

use chrono::{DateTime, NaiveDate, Utc};
use hearth_bot::store::{IdentityKey, LedgerKind, NewCheckin, NewLedgerEntry, NewMember, Store, WriteTx};

const NOW: &str = "2026-03-02T08:00:00Z";
/// The id the first registered community gets.
const COMMUNITY: i64 = 1;

async fn store_with_members(names: &[&str]) -> (Store, Vec<i64>) {
    let store = Store::connect(&fresh_database()).await.expect("store");
    let now: DateTime<Utc> = NOW.parse().expect("now");
    let community = store.register_communities(&["club"], now).await.expect("community")["club"];
    assert_eq!(community, COMMUNITY);
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("tx");
    let mut ids = Vec::new();
    for name in names {
        let identity = IdentityKey { platform: "console".into(), user_id: (*name).into() };
        let new = NewMember {
            community_id: community,
            identity: &identity,
            name,
            is_bot: false,
            now,
            local_day: now.date_naive(),
        };
        ids.push(tx.create_member(new).await.expect("member").id);
    }
    tx.commit().await.expect("commit");
    (store, ids)
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("day")
}

fn checkins(ids: &[i64]) -> Vec<NewCheckin<'static>> {
    ids.iter().map(|&member_id| NewCheckin { member_id, note: None }).collect()
}

fn entry<'a>(member_id: i64, key: &'a str) -> NewLedgerEntry<'a> {
    NewLedgerEntry {
        community_id: COMMUNITY,
        member_id,
        delta: 10,
        kind: LedgerKind::Checkin,
        reason: "check-in",
        at: NOW.parse().expect("now"),
        local_day: monday(),
        idempotency_key: key,
        actor_member_id: None,
    }
}

async fn sorted_new(tx: &mut WriteTx<'_>, ids: &[i64]) -> Vec<i64> {
    let mut new: Vec<i64> = tx
        .insert_checkins(&checkins(ids), monday(), NOW.parse().expect("now"))
        .await
        .expect("insert")
        .into_iter()
        .collect();
    new.sort();
    new
}

#[tokio::test]
async fn a_batch_repeating_a_stored_checkin_records_only_the_new_ones() {
    let (store, ids) = store_with_members(&["ann", "bob", "cy"]).await;
    let (ann, bob, cy) = (ids[0], ids[1], ids[2]);
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("tx");

    assert_eq!(sorted_new(&mut tx, &[bob]).await, vec![bob]);
    assert_eq!(sorted_new(&mut tx, &[ann, bob, cy, ann]).await, vec![ann, cy], "bob had one, ann asked twice");
    assert_eq!(sorted_new(&mut tx, &[ann, bob, cy]).await, Vec::<i64>::new());
    assert_eq!(tx.checkin_counts(&ids).await.expect("counts"), [(ann, 1), (bob, 1), (cy, 1)].into());
}

#[tokio::test]
async fn a_batch_repeating_a_used_ledger_key_appends_the_rest_and_moves_totals_once() {
    let (store, ids) = store_with_members(&["ann", "bob"]).await;
    let (ann, bob) = (ids[0], ids[1]);
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("tx");

    let first = tx.append_ledger_rows(&[entry(bob, "bob-monday")]).await.expect("append");
    assert_eq!(first, [(bob, 10)].into());

    let batch = [entry(ann, "ann-monday"), entry(bob, "bob-monday"), entry(ann, "ann-bonus"), entry(ann, "ann-monday")];
    let moved = tx.append_ledger_rows(&batch).await.expect("append");
    assert_eq!(moved, [(ann, 20)].into(), "bob's key was used, ann's first key came twice");

    assert!(tx.append_ledger_rows(&batch).await.expect("append").is_empty(), "every key is used now");
    assert_eq!(tx.balances(&ids).await.expect("balances"), [(ann, 20), (bob, 10)].into());
    assert_eq!(tx.ledger_counts(&ids, LedgerKind::Checkin).await.expect("counts"), [(ann, 2), (bob, 1)].into());
}

/// A fresh in-memory SQLite database, or a PostgreSQL one in the re-run.
fn fresh_database() -> String {
    hearth_testkit::conformance::fresh_database().unwrap_or_else(|| "sqlite::memory:".to_string())
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}
