//! Read-only commands are answered from the read model on a reader
//! connection: they see committed data only, and they never wait for the
//! writer, unless they have to write first (the asker's first command, a
//! new display name). On a file database, where a reader sits beside the
//! writer (an in-memory one reads through the writer).

mod support;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use hearth_bot::store::{LedgerKind, NewLedgerEntry, WriteTx};
use hearth_bot::{Actor, Platform};
use support::{BERLIN, Chat};

/// 09:00 in Berlin on a Monday.
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";

/// A fresh database file for one test.
fn database(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("hearth-read-model-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let url = support::database_at(&dir.join("hearth.db"));
    (dir, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaderboard_asked_while_a_batch_is_open_shows_the_last_commit() {
    let (dir, url) = database("committed");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/checkin").await;
    let store = chat.engine.store().clone();
    let now: DateTime<Utc> = MONDAY_9AM.parse().expect("instant");
    let community_id = store.register_communities(&["rustaceans"], now).await.expect("ids")["rustaceans"];
    let bob = chat.export().await.members.iter().find(|m| m.name == "bob").expect("bob").id;

    // A batch that has awarded bob 50 points and not committed yet.
    let mut writer = store.writer().await.expect("writer");
    let mut batch = WriteTx::begin(&mut writer).await.expect("begin");
    let award = NewLedgerEntry {
        community_id,
        member_id: bob,
        delta: 50,
        kind: LedgerKind::AdminAward,
        reason: "held",
        at: now,
        local_day: now.date_naive(),
        idempotency_key: "test:held-award",
        actor_member_id: None,
    };
    assert!(batch.append_ledger(award).await.expect("award"));

    let board = chat.say("alice", "/leaderboard").await;
    assert!(board.contains("1. alice — 10 pts"), "alice leads with what was committed:\n{board}");
    assert!(board.contains("1. bob — 10 pts"), "bob shares the lead, without the open award:\n{board}");
    assert!(!board.contains("60"), "nothing uncommitted shows:\n{board}");
    assert!(chat.say("bob", "/profile").await.contains("10 points"), "bob's own profile agrees");

    batch.commit().await.expect("commit");
    drop(writer);
    let board = chat.say("alice", "/leaderboard").await;
    assert!(board.contains("1. bob — 60 pts") && board.contains("2. alice — 10 pts"), "the commit shows:\n{board}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_commands_answer_while_the_writer_is_held_and_writes_wait() {
    let (dir, url) = database("held");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/checkin").await;
    chat.say("ada", "/help").await;
    let store = chat.engine.store().clone();

    let writer = store.writer().await.expect("the writer, held by the test");
    // A write, a newcomer's first command and a renamed member's command all
    // need the writer: queued, unanswered while it is held.
    let give = spawn(&chat, chat.actor("alice"), "/give @bob 2 thanks");
    let newcomer = spawn(&chat, chat.actor("carol"), "/leaderboard");
    let renamed = spawn(&chat, Actor { display_name: "Bobby".into(), ..chat.actor("bob") }, "/streak");

    assert!(chat.say("alice", "/streak").await.contains("Streak: 1 day"));
    assert!(chat.say("alice", "/leaderboard").await.contains("1. alice — 10 pts"));
    assert!(chat.say("alice", "/leaderboard week").await.contains("1. alice — 10 pts"));
    assert!(chat.say("alice", "/profile @bob").await.contains("10 points"), "a member named by handle");
    assert!(chat.say("alice", "/profile @nobody").await.contains("I don't know @nobody yet"));
    assert!(chat.say("alice", "/help").await.contains("hearth commands"));
    assert!(chat.say("ada", "/stats").await.contains("Rustaceans: community stats"), "an admin's /stats");
    assert_eq!(chat.say("alice", "/stats").await, "Only admins can do that.");
    assert_eq!(chat.say("alice", "/topic").await, "No topic has been posted yet.");
    assert_eq!(chat.say("alice", "/challenge").await, "No challenge is running right now.");
    assert_eq!(chat.say("alice", "/challenge history").await, "No challenge has finished yet.");
    // Deterministic, not timed: they cannot finish while the writer is held.
    assert!(!give.is_finished() && !newcomer.is_finished() && !renamed.is_finished());

    drop(writer);
    // The rename may run first: the queued commands have no order.
    let gave = give.await.expect("task");
    assert!(
        gave.contains("alice gave bob 2 points") || gave.contains("alice gave Bobby 2 points"),
        "answered once the writer is free:\n{gave}"
    );
    assert!(newcomer.await.expect("task").contains("You are not on this board yet."), "carol now has a row");
    assert!(renamed.await.expect("task").contains("Streak: 1 day"));
    let board = chat.say("alice", "/leaderboard").await;
    assert!(board.contains("1. Bobby — 12 pts") && board.contains("2. alice — 10 pts"), "both written:\n{board}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `actor` types `line` in a task of its own; the reply as plain text.
fn spawn(chat: &Chat, actor: Actor, line: &'static str) -> tokio::task::JoinHandle<String> {
    let (engine, room) = (chat.engine.clone(), chat.chat());
    tokio::spawn(async move {
        engine.handle_text(actor, room, line).await.map(|reply| reply.to_plain_text()).unwrap_or_default()
    })
}

#[tokio::test]
async fn a_read_only_command_from_the_inbox_is_marked_done_and_answered_once() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    let engine = &chat.engine;
    let accepted = engine.accept_update(Platform::Telegram, 7, None, "{}".into()).await.expect("accepted");
    assert_eq!(accepted, hearth_bot::engine::Accepted::New);
    let request = || hearth_bot::Request {
        actor: chat.actor("alice"),
        chat: chat.chat(),
        command: hearth_bot::command::Command::Leaderboard { window: hearth_bot::command::Window::All },
        event_id: Some("7".into()),
    };

    let board = engine.handle_from_inbox(request(), Platform::Telegram, 7).await.to_plain_text();
    assert!(board.contains("1. alice — 10 pts"), "answered from the inbox:\n{board}");
    assert!(engine.unfinished_updates(Platform::Telegram).await.expect("inbox").is_empty(), "and marked done");

    // The same update handled again (a second process, a restart): nothing.
    let again = engine.handle_from_inbox(request(), Platform::Telegram, 7).await;
    assert!(again.lines.is_empty(), "an update already done is answered with nothing: {again:?}");
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}
