//! The engine, conversation by conversation, on in-memory SQLite.

mod support;

use chrono::Duration;
use support::{BERLIN, Chat};

// Monday 2 March 2026, 09:00 in Berlin (CET).
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";

#[tokio::test]
async fn checkins_on_consecutive_days_build_a_streak_with_a_bonus() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;

    let first = chat.say("alice", "/checkin morning!").await;
    assert!(first.contains("alice checked in: day 1"), "{first}");
    assert!(first.contains("+10 points (balance 10)"), "{first}");
    assert!(first.contains("Next check-in opens Tue 3 Mar 04:00"), "{first}");

    chat.advance_days(1);
    chat.say("alice", "/checkin").await;
    chat.advance_days(1);
    let third = chat.say("alice", "/checkin").await;
    assert!(third.contains("day 3"), "{third}");
    assert!(third.contains("+10 points and a +25 streak bonus (balance 55)"), "{third}");
    assert!(third.contains("Freeze earned"), "{third}");
    assert!(third.contains("Badge earned: Three in a Row"), "{third}");
    assert!(third.contains("Badge earned: Half a Hundred"), "{third}");

    assert_eq!(chat.standing("alice").await, (55, 3, 2));
    assert_eq!(
        chat.ledger().await,
        vec![
            ("alice".into(), 10, "checkin".into()),
            ("alice".into(), 10, "checkin".into()),
            ("alice".into(), 10, "checkin".into()),
            ("alice".into(), 25, "streak_bonus".into()),
        ]
    );
    chat.assert_totals_match_ledger().await;
}

#[tokio::test]
async fn a_second_checkin_the_same_local_day_changes_nothing() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    // 02:00 Berlin on Tuesday still belongs to Monday (day starts 04:00).
    chat.advance(Duration::hours(17));
    let again = chat.reply("alice", "/checkin").await.expect("a reply");
    assert!(again.ephemeral);
    assert!(again.to_plain_text().contains("already checked in today"), "{}", again.to_plain_text());
    assert_eq!(chat.ledger().await.len(), 1);
    // Two hours later, 04:00, the next day is open.
    chat.advance(Duration::hours(2));
    assert!(chat.say("alice", "/checkin").await.contains("day 2"));
}

#[tokio::test]
async fn a_freeze_covers_one_missed_day_and_a_second_gap_breaks_the_streak() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    for _ in 0..3 {
        chat.say("alice", "/checkin").await;
        chat.advance_days(1);
    }
    // Skip one day: the freeze earned at day 3 covers it.
    chat.advance_days(1);
    let covered = chat.say("alice", "/checkin").await;
    assert!(covered.contains("day 4"), "{covered}");
    assert!(covered.contains("A freeze covered the missed day; 0 freezes left."), "{covered}");
    // Skip again without a freeze: the streak restarts.
    chat.advance_days(2);
    assert!(chat.say("alice", "/streak").await.contains("Streak: 0 days"));
    let restarted = chat.say("alice", "/checkin").await;
    assert!(restarted.contains("day 1"), "{restarted}");
    assert!(restarted.contains("a new one starts today"), "{restarted}");
}

#[tokio::test]
async fn give_respects_allowance_self_and_range() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;

    assert!(chat.say("alice", "/give @alice 1").await.contains("can't give points to yourself"));
    assert!(chat.say("alice", "/give @carol 1").await.contains("don't know @carol"));
    assert!(chat.say("alice", "/give @bob 6").await.contains("from 1 to 5"));
    assert!(chat.say("alice", "/give @bob 0").await.contains("from 1 to 5"));

    let gave = chat.say("alice", "/give @bob 3 great review").await;
    assert!(gave.contains("alice gave bob 3 points: great review"), "{gave}");
    assert!(gave.contains("1 give left today."), "{gave}");
    assert!(chat.say("alice", "/give @bob").await.contains("No gives left today."));
    let refused = chat.say("alice", "/give @bob 1").await;
    assert!(refused.contains("used all 2 gives for today; they reset Tue 3 Mar 04:00"), "{refused}");

    chat.advance_days(1);
    assert!(chat.say("alice", "/give @bob 2").await.contains("gave bob 2 points"));
    assert_eq!(chat.standing("bob").await.0, 10 + 3 + 1 + 2);
    chat.assert_totals_match_ledger().await;
}

#[tokio::test]
async fn awards_are_for_admins_and_negative_amounts_revoke() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    assert!(chat.say("bob", "/award @bob 100 me").await.contains("Only admins"));
    let award = chat.say("ada", "/award @bob 45 great talk").await;
    assert!(award.contains("bob was awarded 45 points: great talk (balance 55)"), "{award}");
    assert!(award.contains("bob earned the badge Half a Hundred"), "{award}");
    let revoke = chat.say("ada", "/award @bob -5 double post").await;
    assert!(revoke.contains("bob lost 5 points: double post (balance 50)"), "{revoke}");
    assert!(chat.say("ada", "/award @bob 0 nothing").await.contains("whole number from -1,000,000 to 1,000,000"));
    assert!(chat.say("ada", "/award @bob 5").await.contains("Missing reason"));
    assert_eq!(
        chat.ledger().await.iter().map(|(_, d, k)| (*d, k.clone())).collect::<Vec<_>>(),
        vec![(10, "checkin".into()), (45, "admin_award".into()), (-5, "admin_revoke".into())]
    );
    assert_eq!(chat.standing("bob").await, (50, 1, 2));
}

#[tokio::test]
async fn profile_and_leaderboards_show_levels_ranks_and_windows() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/checkin").await;
    chat.say("ada", "/award @bob 50 launch").await;

    let profile = chat.reply("alice", "/profile @bob").await.expect("reply");
    assert!(profile.ephemeral);
    let text = profile.to_plain_text();
    assert!(text.contains("bob · level 2"), "{text}");
    assert!(text.contains("60 points; 40 more to level 3."), "{text}");
    assert!(text.contains("Rank #1"), "{text}");

    let board = chat.say("carol", "/leaderboard").await;
    assert!(board.contains("1. bob — 60 pts"), "{board}");
    assert!(board.contains("2. alice — 10 pts"), "{board}");
    assert!(board.contains("You are not on this board yet."), "{board}");

    // Next Monday: the week board starts empty, the month board does not.
    chat.advance_days(7);
    chat.say("alice", "/checkin").await;
    let week = chat.say("bob", "/leaderboard week").await;
    assert!(week.contains("1. alice — 10 pts"), "{week}");
    assert!(week.contains("You are not on this board yet."), "{week}");
    let month = chat.say("bob", "/leaderboard month").await;
    assert!(month.contains("1. bob — 60 pts"), "{month}");
    let season = chat.say("bob", "/leaderboard season").await;
    assert!(season.contains("Spring (until 31 May 2026)"), "{season}");
}

#[tokio::test]
async fn boards_follow_the_ledger_by_local_day_share_ranks_and_forget() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    for name in ["alice", "bob", "carol"] {
        chat.say(name, "/checkin").await;
    }
    chat.say("ada", "/award @carol 30 design").await;
    chat.say("alice", "/give @bob 1").await;
    chat.say("ada", "/award @alice 1 docs").await;
    let board = chat.say("dave", "/leaderboard").await;
    assert!(board.contains("1. carol — 40 pts\n2. alice — 11 pts\n2. bob — 11 pts"), "{board}");

    // Monday 02:30 in Berlin is still Sunday's day (days start at 04:00): the
    // old week. At 04:30 the new week begins.
    chat.advance(Duration::minutes(6 * 24 * 60 + 17 * 60 + 30));
    chat.say("alice", "/checkin").await;
    chat.advance(Duration::hours(2));
    chat.say("bob", "/checkin").await;
    let week = chat.say("carol", "/leaderboard week").await;
    assert!(week.contains("1. bob — 10 pts"), "{week}");
    assert!(!week.contains("alice"), "{week}");
    assert!(week.contains("You are not on this board yet."), "{week}");
    let month = chat.say("carol", "/leaderboard month").await;
    assert!(month.contains("1. carol — 40 pts\n2. alice — 21 pts\n2. bob — 21 pts"), "{month}");

    chat.say("carol", "/forgetme confirm").await;
    let board = chat.say("alice", "/leaderboard").await;
    assert!(board.contains("1. alice — 21 pts\n1. bob — 21 pts"), "{board}");
    assert!(!board.contains("carol"), "{board}");
    let month = chat.say("alice", "/leaderboard month").await;
    assert!(month.contains("1. alice — 21 pts\n1. bob — 21 pts"), "{month}");
    assert!(chat.say("bob", "/profile").await.contains("Rank #1"));
    chat.assert_totals_match_ledger().await;
}

#[tokio::test]
async fn stats_are_for_admins_and_count_segments() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    for _ in 0..5 {
        chat.say("alice", "/checkin").await;
        chat.advance_days(1);
    }
    chat.say("bob", "/checkin").await;
    assert!(chat.say("bob", "/stats").await.contains("Only admins"));
    let stats = chat.say("ada", "/stats").await;
    assert!(stats.contains("Members: 3"), "{stats}");
    assert!(stats.contains("Core: 1 · casual: 2 · dormant: 0"), "{stats}");
    assert!(stats.contains("Check-ins today: 1 (33%)"), "{stats}");
}

#[tokio::test]
async fn help_shows_admin_commands_only_to_admins() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    let member = chat.say("bob", "/help").await;
    assert!(member.contains("/give <member> [amount] [reason]"), "{member}");
    assert!(!member.contains("/award"), "{member}");
    let admin = chat.say("ada", "/help").await;
    assert!(admin.contains("/award <member> <amount> <reason>"), "{admin}");
}

#[tokio::test]
async fn forgetme_asks_first_then_deletes_everything() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/checkin").await;
    chat.say("bob", "/give @alice 2").await;
    assert!(chat.say("alice", "/forgetme").await.contains("/forgetme confirm"));
    assert_eq!(chat.export().await.members.len(), 2);
    assert!(chat.say("alice", "/forgetme confirm").await.contains("deleted"));
    let export = chat.export().await;
    assert_eq!(export.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), vec!["bob"]);
    assert_eq!(export.ledger.len(), 1);
    chat.assert_totals_match_ledger().await;
}

#[tokio::test]
async fn bad_input_gets_a_short_reply_and_changes_nothing() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    let before = chat.export().await;
    let long = format!("/give @bob 1 {}", "x".repeat(10_000));
    let cases = [
        ("/dance", "There is no command /dance"),
        ("/give", "Missing member"),
        ("/give bob", "member: expected a member, like @name"),
        ("/give @bob 99999999999999999999", "whole number from 1 to 5"),
        ("/give @bob 2.5", "amount: expected a whole number. Usage: /give <member> [amount] [reason]"),
        ("/leaderboard yearly", "window: expected one of all, week, month, season"),
        ("/streak please", "Too many words"),
        (long.as_str(), "at most 200 characters"),
        ("/award @bob 5 x", "Only admins"),
        ("/give @nobody 1", "don't know @nobody"),
        ("/give @bob 1 \u{202e}evil\u{202c} 🎉", "gave bob 1 point"),
    ];
    for (line, expected) in cases {
        let reply = chat.say("alice", line).await;
        assert!(reply.contains(expected), "{line:?} → {reply:?}");
        assert!(reply.lines().count() <= 3, "short reply for {line:?}: {reply}");
    }
    let after = chat.export().await;
    // Only the one valid give changed the ledger.
    assert_eq!(after.ledger.len(), before.ledger.len() + 1);
    assert!(chat.say("alice", "just chatting").await.is_empty());
}

#[tokio::test]
async fn two_hundred_concurrent_checkins_make_one() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let engine = chat.engine.clone();
        let actor = chat.actor("alice");
        let room = chat.chat();
        tasks.push(tokio::spawn(async move { engine.handle_text(actor, room, "/checkin").await }));
    }
    let mut counted = 0;
    for task in tasks {
        let reply = task.await.expect("task").expect("reply");
        if reply.to_plain_text().contains("checked in: day 1") {
            counted += 1;
        }
    }
    assert_eq!(counted, 1);
    assert_eq!(chat.ledger().await, vec![("alice".into(), 10, "checkin".into())]);
}

#[tokio::test]
async fn a_redelivered_event_gives_only_once() {
    use hearth_bot::Request;
    use hearth_bot::command::{Command, MemberRef};

    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    let give = Request {
        actor: chat.actor("alice"),
        chat: chat.chat(),
        command: Command::Give { member: MemberRef::Handle("bob".into()), amount: Some(2), reason: None },
        event_id: Some("update-4711".into()),
    };
    chat.engine.handle(give.clone()).await;
    chat.engine.handle(give).await;
    let gives: Vec<_> = chat.ledger().await.into_iter().filter(|(_, _, kind)| kind == "peer_award").collect();
    assert_eq!(gives, vec![("bob".into(), 2, "peer_award".into())]);
    chat.assert_totals_match_ledger().await;
}

#[tokio::test]
async fn a_chat_linked_to_no_community_gets_the_toml_line_to_add() {
    use hearth_bot::{ChatRef, Request, command::Command};

    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    let reply = chat
        .engine
        .handle(Request {
            actor: chat.actor("alice"),
            chat: ChatRef::Telegram { chat_id: -1001234567890 },
            command: Command::Checkin { note: None },
            event_id: None,
        })
        .await;
    let text = reply.to_plain_text();
    assert!(text.contains("not linked to a hearth community"), "{text}");
    assert!(text.contains("telegram = { chat_id = -1001234567890 }"), "{text}");
    assert!(chat.export().await.members.is_empty(), "nothing was stored");
}

#[tokio::test]
async fn internal_errors_are_a_short_generic_message() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.engine.store().close().await;
    let reply = chat.say("alice", "/checkin").await;
    assert_eq!(reply, "Something went wrong on our side; nothing was changed. Please try again.");
}

#[tokio::test]
async fn post_of_an_unknown_schedule_names_the_schedules_or_says_there_are_none() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    let none = chat.say("ada", "/post nothing").await;
    assert!(none.contains("has no schedules yet"), "{none}");
    assert!(!none.contains("Schedules here:"), "{none}");
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}
