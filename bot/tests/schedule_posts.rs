//! `/post` and the weekly digest as conversations: every `/post` posts or
//! says why not, and a digest covers exactly the days it names.

mod support;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::command::Command;
use hearth_bot::{Platform, Request};
use support::Chat;

/// Berlin, days from 04:00; the digest on Monday mornings, the challenge
/// phases only by hand (their crons never come round in these tests).
const CONFIG: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"

[community.checkin]
day_starts_at = "04:00"

[community.topics]
pool = ["What is on your desk?"]

[community.challenge]
themes = ["Tiny tools", "Terminal toys"]

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"

[[community.schedule]]
id = "topic"
cron = "0 12 * * *"
action = "topic"

[[community.schedule]]
id = "weekly-digest"
cron = "0 9 * * MON"
action = "digest"

[[community.schedule]]
id = "open"
cron = "0 10 1 1 *"
action = "challenge_open"

[[community.schedule]]
id = "voting"
cron = "0 10 1 1 *"
action = "challenge_voting"

[[community.schedule]]
id = "close"
cron = "0 10 1 1 *"
action = "challenge_close"
"#;

/// The same community without any topic.
fn without_topics() -> String {
    CONFIG.replace("pool = [\"What is on your desk?\"]", "pool = []")
}

/// Delivers the console's pending posts: their texts, oldest first.
async fn delivered(chat: &Chat) -> Vec<String> {
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("outbox");
    let mut texts = Vec::new();
    for post in posts {
        chat.engine.mark_delivered(post.id, None).await.expect("delivered");
        texts.push(post.reply.to_plain_text());
    }
    texts
}

fn at(instant: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(instant).expect("RFC 3339").with_timezone(&Utc)
}

#[tokio::test]
async fn two_posts_in_the_same_minute_are_two_posts() {
    let chat = Chat::start(CONFIG, "2026-03-09T10:00:00Z").await;
    assert_eq!(chat.say("ada", "/post reminder").await, "Posted reminder now; its regular times are unchanged.");
    assert_eq!(chat.say("ada", "/post reminder").await, "Posted reminder now; its regular times are unchanged.");
    let posts = delivered(&chat).await;
    assert_eq!(posts.len(), 2, "each /post posts: {posts:?}");
    assert!(posts.iter().all(|p| p.contains("Time to check in")));
}

#[tokio::test]
async fn a_topic_post_with_an_empty_pool_says_why_and_posts_nothing() {
    let chat = Chat::start(&without_topics(), "2026-03-09T10:00:00Z").await;
    assert_eq!(
        chat.say("ada", "/post topic").await,
        "Nothing was posted: no topic left to post — add one with /topic add <text>."
    );
    assert!(delivered(&chat).await.is_empty());
    // Once there is a topic, the same /post posts it.
    chat.say("ada", "/topic add What are you reading?").await;
    assert_eq!(chat.say("ada", "/post topic").await, "Posted topic now; its regular times are unchanged.");
    let posts = delivered(&chat).await;
    assert_eq!(posts.len(), 1);
    assert!(posts[0].contains("What are you reading?"));
}

#[tokio::test]
async fn a_challenge_phase_that_does_not_apply_now_says_why() {
    let chat = Chat::start(CONFIG, "2026-03-09T10:00:00Z").await;
    assert_eq!(chat.say("ada", "/post voting").await, "Nothing was posted: no challenge is running right now.");
    assert_eq!(chat.say("ada", "/post close").await, "Nothing was posted: no challenge is running right now.");
    chat.say("ada", "/post open").await;
    assert_eq!(
        chat.say("ada", "/post open").await,
        "Nothing was posted: the challenge \"Tiny tools\" is still running."
    );
    chat.say("bob", "/submit a tiny tool").await;
    chat.say("ada", "/post voting").await;
    assert_eq!(
        chat.say("ada", "/post voting").await,
        "Nothing was posted: voting on \"Tiny tools\" has already begun."
    );
    let posts = delivered(&chat).await;
    assert_eq!(posts.len(), 2, "the opening and the voting post only: {posts:?}");
}

/// Runs one challenge to its end by hand: `submitter` wins it.
async fn challenge_won_by(chat: &Chat, submitter: &str, voter: &str) {
    assert!(chat.say("ada", "/post open").await.starts_with("Posted"));
    chat.say(submitter, "/submit my entry").await;
    assert!(chat.say("ada", "/post voting").await.starts_with("Posted"));
    chat.say(voter, "/vote 1").await;
    assert!(chat.say("ada", "/post close").await.starts_with("Posted"));
}

#[tokio::test]
async fn the_digest_covers_the_days_it_names_whenever_it_is_posted() {
    // Sunday 8 March, 19:00 Berlin: "Tiny tools" closes, won by bob.
    let chat = Chat::start(CONFIG, "2026-03-08T18:00:00Z").await;
    chat.engine.fire_due().await.expect("first sight");
    challenge_won_by(&chat, "bob", "alice").await;
    // The week of 9–15 March: check-ins every day, a give, and
    // "Terminal toys", won by carol on Sunday evening.
    for day in 0..7 {
        chat.clock.set(at("2026-03-09T07:00:00Z") + Duration::days(day));
        chat.say("alice", "/checkin").await;
        if day % 2 == 0 {
            chat.say("bob", "/checkin").await;
        }
    }
    chat.say("alice", "/give bob 2 thanks").await;
    chat.clock.set(at("2026-03-15T19:00:00Z"));
    challenge_won_by(&chat, "carol", "bob").await;
    delivered(&chat).await;

    // Monday 16 March, 09:00 Berlin: the scheduled digest.
    chat.clock.set(at("2026-03-16T08:00:00Z"));
    assert_eq!(chat.engine.fire_due().await.expect("fire"), 1);
    let scheduled = delivered(&chat).await.pop().expect("the digest");
    assert!(scheduled.starts_with("📰 Rustaceans this week (9 Mar 2026 – 15 Mar 2026)"), "{scheduled}");
    assert!(scheduled.contains("Challenge winner: carol with \"Terminal toys\""), "{scheduled}");
    assert!(!scheduled.contains("Tiny tools"), "closed on 8 March, before the window: {scheduled}");

    // The morning goes on; two hours later an admin posts it again.
    chat.clock.set(at("2026-03-16T09:00:00Z"));
    chat.say("bob", "/checkin").await;
    chat.say("dave", "/checkin").await;
    chat.say("alice", "/give bob 3 more thanks").await;
    chat.clock.set(at("2026-03-16T10:00:00Z"));
    assert!(chat.say("ada", "/post weekly-digest").await.starts_with("Posted"));
    let by_hand = delivered(&chat).await.pop().expect("the digest again");
    assert_eq!(by_hand, scheduled, "the same days, the same digest");
}

#[tokio::test]
async fn a_digest_on_sunday_covers_the_week_before_and_its_challenge() {
    let chat = Chat::start(CONFIG, "2026-03-08T18:00:00Z").await;
    challenge_won_by(&chat, "bob", "alice").await;
    // Sunday 15 March, 21:00 Berlin: today is not over, so not in the digest.
    chat.clock.set(at("2026-03-15T19:00:00Z"));
    challenge_won_by(&chat, "carol", "bob").await;
    delivered(&chat).await;
    chat.clock.set(at("2026-03-15T20:00:00Z"));
    assert!(chat.say("ada", "/post weekly-digest").await.starts_with("Posted"));
    let digest = delivered(&chat).await.pop().expect("the digest");
    assert!(digest.starts_with("📰 Rustaceans this week (8 Mar 2026 – 14 Mar 2026)"), "{digest}");
    assert!(digest.contains("Challenge winner: bob with \"Tiny tools\""), "{digest}");
    assert!(!digest.contains("Terminal toys"), "closed today, after the window: {digest}");
}

#[tokio::test]
async fn a_redelivered_post_event_posts_once() {
    let chat = Chat::start(CONFIG, "2026-03-09T10:00:00Z").await;
    let post = |event: &str| Request {
        actor: chat.actor("ada"),
        chat: chat.chat(),
        command: Command::Post { schedule: "reminder".to_string() },
        event_id: Some(event.to_string()),
    };
    for event in ["update-7", "update-7", "update-8"] {
        let answer = chat.engine.handle(post(event)).await.to_plain_text();
        assert_eq!(answer, "Posted reminder now; its regular times are unchanged.");
    }
    assert_eq!(delivered(&chat).await.len(), 2, "update 7 came twice and posted once");
}

/// Fires every slot up to `until` at its own time, as `hearth run` would;
/// the posts delivered on the way.
async fn run_until(chat: &Chat, until: DateTime<Utc>) -> Vec<String> {
    let mut posts = Vec::new();
    while let Some(due) = chat.engine.next_due_after(chat.engine.now()).filter(|due| *due <= until) {
        chat.clock.set(due);
        chat.engine.fire_due().await.expect("fire");
        posts.extend(delivered(chat).await);
    }
    chat.clock.set(until);
    posts
}

#[tokio::test]
async fn the_example_configs_digest_names_the_challenge_that_closed_that_week() {
    let example = include_str!("../../config/example.toml");
    // Monday 9 March, 09:30 Berlin: the schedules start.
    let chat = Chat::start(example, "2026-03-09T08:30:00Z").await;
    chat.engine.fire_due().await.expect("first sight");
    run_until(&chat, at("2026-03-09T09:30:00Z")).await;
    chat.say("bob", "/submit a tiny tool").await;
    chat.say("carol", "/submit a tiny toy").await;
    // Saturday 14 March, 11:00: voting has opened.
    run_until(&chat, at("2026-03-14T10:00:00Z")).await;
    chat.say("alice", "/vote 1").await;
    // Through Sunday's close to Monday's digest.
    let posts = run_until(&chat, at("2026-03-16T12:00:00Z")).await;
    let results = posts.iter().position(|p| p.contains("Challenge results")).expect("the close");
    let digest = posts.iter().position(|p| p.starts_with("📰")).expect("the digest");
    assert!(results < digest, "the digest runs after the close: {posts:?}");
    assert!(posts[digest].starts_with("📰 Rustaceans this week (9 Mar 2026 – 15 Mar 2026)"), "{}", posts[digest]);
    assert!(posts[digest].contains("Challenge winner: bob with \"Build something tiny\""), "{}", posts[digest]);
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}
