//! The week and month boards move with the ledger rows the store appends:
//! each row counts on the week of its local day (Monday first) and on its
//! month, across week, month and year ends, once per row however a batch
//! groups them.

use chrono::{DateTime, NaiveDate, Utc};
use hearth_bot::store::{Board, IdentityKey, LedgerKind, NewLedgerEntry, NewMember, Store, WriteTx};

const NOW: &str = "2026-03-02T08:00:00Z";

fn day(text: &str) -> NaiveDate {
    text.parse().expect("day")
}

fn entry<'a>(community_id: i64, member_id: i64, delta: i64, local_day: &str, key: &'a str) -> NewLedgerEntry<'a> {
    NewLedgerEntry {
        community_id,
        member_id,
        delta,
        kind: LedgerKind::AdminAward,
        reason: "award",
        at: NOW.parse().expect("now"),
        local_day: day(local_day),
        idempotency_key: key,
        actor_member_id: None,
    }
}

/// (name, points, rank) of a board, best first.
async fn board(tx: &mut WriteTx<'_>, community: i64, board: Board) -> Vec<(String, i64, i64)> {
    let standings = tx.top_of_board(community, &board, 10).await.expect("board");
    standings.into_iter().map(|s| (s.name, s.points, s.rank)).collect()
}

fn standings(rows: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
    rows.iter().map(|(name, points, rank)| ((*name).to_string(), *points, *rank)).collect()
}

#[tokio::test]
async fn ledger_rows_move_the_boards_of_their_local_day() {
    let store = Store::connect(&fresh_database()).await.expect("store");
    let now: DateTime<Utc> = NOW.parse().expect("now");
    let community = store.register_communities(&["club"], now).await.expect("community")["club"];
    let mut writer = store.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("tx");
    let mut ids = Vec::new();
    for name in ["ann", "bob", "cy"] {
        let identity = IdentityKey { platform: "console".into(), user_id: name.into() };
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
    let (ann, bob, cy) = (ids[0], ids[1], ids[2]);

    // One batch: a Sunday and the Monday after; the same board twice for
    // ann; March 31 and April 1 (one week, two months); a year end.
    let batch = [
        entry(community, ann, 10, "2026-03-08", "a1"),
        entry(community, ann, 5, "2026-03-09", "a2"),
        entry(community, ann, 2, "2026-03-08", "a3"),
        entry(community, bob, 7, "2026-03-31", "b1"),
        entry(community, bob, 3, "2026-04-01", "b2"),
        entry(community, cy, 4, "2026-12-31", "c1"),
        entry(community, cy, 6, "2027-01-01", "c2"),
    ];
    tx.append_ledger_rows(&batch).await.expect("append");
    // Later, alone: a row on a board that exists, and a used key that moves nothing.
    tx.append_ledger_rows(&[
        entry(community, bob, 1, "2026-03-02", "b3"),
        entry(community, ann, 50, "2026-03-08", "a1"),
    ])
    .await
    .expect("append");

    let week = |monday: &str| Board::Week(day(monday));
    let month = |first: &str| Board::Month(day(first));
    assert_eq!(board(&mut tx, community, week("2026-03-02")).await, standings(&[("ann", 12, 1), ("bob", 1, 2)]));
    assert_eq!(board(&mut tx, community, week("2026-03-09")).await, standings(&[("ann", 5, 1)]));
    assert_eq!(board(&mut tx, community, week("2026-03-30")).await, standings(&[("bob", 10, 1)]));
    assert_eq!(board(&mut tx, community, month("2026-03-01")).await, standings(&[("ann", 17, 1), ("bob", 8, 2)]));
    assert_eq!(board(&mut tx, community, month("2026-04-01")).await, standings(&[("bob", 3, 1)]));
    assert_eq!(board(&mut tx, community, week("2026-12-28")).await, standings(&[("cy", 10, 1)]));
    assert_eq!(board(&mut tx, community, month("2026-12-01")).await, standings(&[("cy", 4, 1)]));
    assert_eq!(board(&mut tx, community, month("2027-01-01")).await, standings(&[("cy", 6, 1)]));
    let bob_in_march = tx.rank_on_board(community, bob, &month("2026-03-01")).await.expect("rank").expect("on board");
    assert_eq!((bob_in_march.points, bob_in_march.rank), (8, 2));
    assert_eq!(tx.balances(&ids).await.expect("balances"), [(ann, 17), (bob, 11), (cy, 10)].into());
    tx.commit().await.expect("commit");
}

/// A fresh in-memory SQLite database, or a PostgreSQL one in the re-run.
fn fresh_database() -> String {
    hearth_testkit::conformance::fresh_database().unwrap_or_else(|| "sqlite::memory:".to_string())
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}
