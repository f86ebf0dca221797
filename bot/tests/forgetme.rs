//! `/forgetme confirm` for every kind of history a member can have: the
//! member leaves no trace in any table, and everyone else's ledger, balances
//! and totals stay as they were (a give they made stays in the receiver's
//! ledger, from an anonymous giver).

mod support;

use hearth_bot::command::Command;
use hearth_bot::store::HandleOwner;
use hearth_bot::{Actor, ChatRef, Platform, Request};
use support::{BERLIN, Chat};

// Monday 2 March 2026, 09:00 in Berlin (CET).
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";

/// BERLIN with a challenge, a topic pool and the schedules `/post` fires.
const WITH_CHALLENGE_AND_TOPICS: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"

[community.challenge]
themes = ["Something tiny"]
entry_points = 5
winner_points = [100, 50]

[community.topics]
pool = ["What are you making this week?"]
reply_points = 3

[[community.schedule]]
id = "daily-topic"
cron = "0 10 * * *"
action = "topic"

[[community.schedule]]
id = "challenge-voting"
cron = "0 10 * * SAT"
action = "challenge_voting"

[[community.schedule]]
id = "challenge-close"
cron = "0 20 * * SUN"
action = "challenge_close"

[[community.schedule]]
id = "weekly-board"
cron = "0 9 * * MON"
action = "leaderboard"

[[community.schedule]]
id = "weekly-digest"
cron = "0 18 * * SUN"
action = "digest"
"#;

/// `name` confirms `/forgetme`; then no text column of any table holds
/// the name, and the totals still equal the ledger sums.
async fn forget(chat: &Chat, name: &str) {
    let done = chat.say(name, "/forgetme confirm").await;
    assert!(done.contains("everything hearth stored about you"), "{done}");
    assert_no_trace(chat, name).await;
}

async fn assert_no_trace(chat: &Chat, name: &str) {
    let found = chat.engine.store().columns_containing(name).await.expect("search");
    assert!(found.is_empty(), "{name:?} is still stored in {found:?}");
    assert!(chat.export().await.members.iter().all(|m| m.name != name));
    chat.assert_totals_match_ledger().await;
}

async fn balance(chat: &Chat, name: &str) -> i64 {
    chat.standing(name).await.0
}

#[tokio::test]
async fn a_giver_forgets_and_the_receivers_ledger_keeps_the_gives_from_nobody() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/give @alice 2").await;
    chat.say("bob", "/give @alice 3 great docs").await;
    assert_eq!(balance(&chat, "alice").await, 15);

    forget(&chat, "bob").await;

    assert_eq!(balance(&chat, "alice").await, 15);
    let export = chat.export().await;
    let gives: Vec<_> = export
        .ledger
        .iter()
        .filter(|row| row.kind == "peer_award")
        .map(|row| (row.delta, row.reason.as_str(), row.actor_member_id))
        .collect();
    assert_eq!(gives, vec![(2, "peer award", None), (3, "great docs", None)]);
    assert_eq!(chat.ledger().await.len(), 3, "the check-in and both gives stay");
}

#[tokio::test]
async fn a_receiver_forgets_and_the_giver_keeps_their_allowance_used() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    chat.say("alice", "/checkin").await;
    chat.say("alice", "/give @bob 2").await;

    forget(&chat, "bob").await;

    assert_eq!(chat.ledger().await, vec![("alice".into(), 10, "checkin".into())]);
    assert_eq!(balance(&chat, "alice").await, 10);
}

#[tokio::test]
async fn an_awarding_admin_forgets_and_the_award_stays() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    chat.say("ada", "/award @alice 7 docs sprint").await;
    chat.say("ada", "/award @alice -2 typo").await;

    forget(&chat, "ada").await;

    assert_eq!(balance(&chat, "alice").await, 15);
    let export = chat.export().await;
    let rows: Vec<_> =
        export.ledger.iter().map(|r| (r.delta, r.kind.as_str(), r.reason.as_str(), r.actor_member_id)).collect();
    assert_eq!(
        rows,
        vec![
            (10, "checkin", "daily check-in", None),
            (7, "admin_award", "docs sprint", None),
            (-2, "admin_revoke", "typo", None)
        ]
    );
}

#[tokio::test]
async fn an_awarded_member_forgets() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    chat.say("alice", "/checkin").await;
    chat.say("ada", "/award @bob 7 docs sprint").await;
    chat.say("ada", "/award @alice 1 review").await;

    forget(&chat, "bob").await;

    let export = chat.export().await;
    assert_eq!(export.ledger.len(), 2);
    let ada = export.members.iter().find(|m| m.name == "ada").map(|m| m.id);
    assert_eq!(export.ledger[1].actor_member_id, ada, "other rows keep their actor");
    assert_eq!(balance(&chat, "alice").await, 11);
}

#[tokio::test]
async fn a_challenge_entrant_and_voter_forgets_after_the_results() {
    let chat = Chat::start(WITH_CHALLENGE_AND_TOPICS, MONDAY_9AM).await;
    chat.say("ada", "/challenge start Something tiny").await;
    chat.say("bob", "/submit a pocket synth").await;
    chat.say("alice", "/submit a tiny clock").await;
    chat.say("ada", "/post challenge-voting").await;
    chat.say("bob", "/vote 2").await;
    chat.say("carol", "/vote 1").await;
    chat.say("dave", "/vote 1").await;
    chat.say("ada", "/post challenge-close").await;
    assert_eq!(balance(&chat, "bob").await, 105);
    assert_eq!(balance(&chat, "alice").await, 55);

    forget(&chat, "bob").await;

    assert_eq!(balance(&chat, "alice").await, 55);
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("posts");
    let results = posts.iter().map(|p| p.reply.to_plain_text()).find(|t| t.contains("Challenge results"));
    let results = results.expect("the results post is still there");
    assert!(results.contains("a former member"), "{results}");
}

#[tokio::test]
async fn a_voter_forgets_and_the_entry_loses_only_that_vote() {
    let chat = Chat::start(WITH_CHALLENGE_AND_TOPICS, MONDAY_9AM).await;
    chat.say("ada", "/challenge start Something tiny").await;
    chat.say("alice", "/submit a tiny clock").await;
    chat.say("carol", "/submit a pocket synth").await;
    chat.say("ada", "/post challenge-voting").await;
    chat.say("bob", "/vote 1").await;
    chat.say("dave", "/vote 1").await;

    forget(&chat, "bob").await;

    chat.say("ada", "/post challenge-close").await;
    assert_eq!(balance(&chat, "alice").await, 105, "dave's vote still wins it");
    assert_no_trace(&chat, "bob").await;
}

#[tokio::test]
async fn a_topic_suggester_forgets_and_the_approved_topic_stays() {
    let chat = Chat::start(WITH_CHALLENGE_AND_TOPICS, MONDAY_9AM).await;
    let suggested = chat.say("bob", "/topic suggest Which editor do you use?").await;
    assert!(suggested.contains("#2"), "{suggested}");
    chat.say("ada", "/topic approve 2").await;

    forget(&chat, "bob").await;

    let listing = chat.say("ada", "/topic").await;
    assert!(!listing.contains("bob"), "{listing}");
}

#[tokio::test]
async fn a_topic_replier_forgets() {
    let chat = Chat::start(WITH_CHALLENGE_AND_TOPICS, MONDAY_9AM).await;
    chat.say("ada", "/post daily-topic").await;
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("posts");
    let topic = posts.last().expect("the topic post");
    chat.engine.mark_delivered(topic.id, Some("m-1")).await.expect("delivered");
    for who in ["bob", "alice"] {
        let request = Request {
            actor: chat.actor(who),
            chat: chat.chat(),
            command: Command::ReplyToPost { message_id: "m-1".into() },
            event_id: None,
        };
        let reply = chat.engine.handle(request).await.to_plain_text();
        assert!(reply.contains("+3 points"), "{reply}");
    }

    forget(&chat, "bob").await;

    assert_eq!(chat.ledger().await, vec![("alice".into(), 3, "topic_reply".into())]);
}

#[tokio::test]
async fn a_member_in_boards_and_digests_forgets_and_the_posts_no_longer_name_them() {
    let chat = Chat::start(WITH_CHALLENGE_AND_TOPICS, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    chat.say("alice", "/checkin").await;
    chat.say("alice", "/give @bob 1").await;
    chat.say("ada", "/post weekly-board").await;
    chat.say("ada", "/post weekly-digest").await;

    forget(&chat, "bob").await;

    let stats = chat.say("ada", "/stats").await;
    assert!(stats.contains("Members: 2"), "alice and ada only: {stats}");
}

#[tokio::test]
async fn a_forgotten_member_is_not_recreated_from_their_stored_handle() {
    let toml = BERLIN.replace(
        "timezone = \"Europe/Berlin\"",
        "timezone = \"Europe/Berlin\"\ntelegram = { chat_id = -1001234567890 }",
    );
    let chat = Chat::start(&toml, MONDAY_9AM).await;
    let telegram = |user_id: &str, name: &str| Actor {
        platform: Platform::Telegram,
        user_id: user_id.into(),
        display_name: name.into(),
        is_bot: false,
        is_platform_admin: false,
    };
    let group = ChatRef::Telegram { chat_id: -1001234567890 };
    let owner = HandleOwner { user_id: "4242".into(), display_name: "Bobbington".into(), is_bot: false };
    chat.engine.observe_handle(Platform::Telegram, "bobbington", &owner).await.expect("handle seen");
    let give = chat.engine.handle_text(telegram("1111", "Alice"), group.clone(), "/give @bobbington 2").await;
    assert!(give.expect("a reply").to_plain_text().contains("Bobbington"));

    let done = chat.engine.handle_text(telegram("4242", "Bobbington"), group.clone(), "/forgetme confirm").await;
    assert!(done.expect("a reply").to_plain_text().contains("deleted"));
    assert_no_trace(&chat, "Bobbington").await;
    assert_no_trace(&chat, "bobbington").await;

    let again = chat.engine.handle_text(telegram("1111", "Alice"), group, "/give @bobbington 2").await;
    let again = again.expect("a reply").to_plain_text();
    assert!(!again.contains("Bobbington"), "{again}");
    assert_no_trace(&chat, "Bobbington").await;
    assert_eq!(chat.export().await.members.len(), 1, "only Alice");
}

#[tokio::test]
async fn the_next_member_does_not_inherit_a_forgotten_members_id_or_keys() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    chat.say("bob", "/give @alice 2").await;
    forget(&chat, "bob").await;

    // carol is the next member: with bob's id, her first give of the day
    // would carry bob's idempotency key and be dropped.
    chat.say("carol", "/give @alice 3").await;
    assert_eq!(balance(&chat, "alice").await, 15);
    let export = chat.export().await;
    let carol = export.members.iter().find(|m| m.name == "carol").map(|m| m.id).expect("carol");
    let bob_gave = export.ledger.iter().find(|r| r.delta == 2).expect("bob's give");
    assert!(bob_gave.actor_member_id.is_none());
    assert!(export.ledger.iter().all(|r| r.member_id != carol || r.actor_member_id.is_some()));
    assert!(carol > export.members.iter().map(|m| m.id).filter(|id| *id != carol).max().unwrap_or(0));
    chat.assert_totals_match_ledger().await;
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}
