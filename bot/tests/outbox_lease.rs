//! Several processes delivering from one outbox: a taker leases the posts it
//! takes, so no two takers get the same post, and a post whose taker died
//! before recording it is taken again once the lease runs out. Two stores
//! connected to one database stand for two processes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::config::Config;
use hearth_bot::store::{Store, WriteTx};
use hearth_bot::{Engine, Platform, SimulatedClock};

const NOW: &str = "2026-03-02T08:00:00Z";
const LEASE: Duration = Duration::seconds(60);

/// One database for several stores: a file SQLite database, or a fresh
/// PostgreSQL one in the conformance re-run; the scratch directory.
fn shared_database(name: &str) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hearth-lease-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    (hearth_testkit::conformance::database_at(&dir.join("hearth.db")), dir)
}

fn now() -> DateTime<Utc> {
    NOW.parse().expect("instant")
}

/// Two stores on one new database whose outbox holds `posts` console posts
/// for the community "club", due again at `now() + LEASE`; their ids,
/// oldest first.
async fn two_processes_with_posts(url: &str, posts: usize) -> (Store, Store, Vec<i64>) {
    let first = Store::connect(url).await.expect("first store");
    let second = Store::connect(url).await.expect("second store");
    let community = first.register_communities(&["club"], now()).await.expect("community")["club"];
    let mut writer = first.writer().await.expect("writer");
    let mut tx = WriteTx::begin(&mut writer).await.expect("tx");
    for n in 0..posts {
        let slot = format!("manual:{n}");
        tx.enqueue_post(community, "daily", &slot, "console", &format!("{{\"n\":{n}}}"), now()).await.expect("post");
    }
    tx.commit().await.expect("commit");
    drop(writer);
    // Learning the ids leases every post: callers start once that lease is over.
    let ids = lease(&first, now(), "counter", 1_000_000).await;
    assert_eq!(ids.len(), posts);
    (first, second, ids)
}

/// The ids `store` takes at `at` (for `LEASE`), oldest first.
async fn lease(store: &Store, at: DateTime<Utc>, holder: &str, limit: i64) -> Vec<i64> {
    let posts = store.lease_pending_posts("console", "club", at, at + LEASE, holder, limit).await.expect("lease");
    assert!(posts.iter().all(|post| post.community == "club" && post.schedule_id == "daily"));
    posts.iter().map(|post| post.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_taking_posts_at_once_never_get_the_same_post() {
    let (url, dir) = shared_database("race");
    const POSTS: usize = 300;
    let (first, second, ids) = two_processes_with_posts(&url, POSTS).await;
    // After the counting lease: every post is due again.
    let at = now() + LEASE;
    let takers: Vec<_> = [(first.clone(), "first"), (second.clone(), "second"), (first, "first"), (second, "second")]
        .into_iter()
        .map(|(store, holder)| {
            tokio::spawn(async move {
                // More takes than there are posts end a broken lease's
                // endless re-taking: the count below then fails.
                let mut taken = Vec::new();
                for _ in 0..=POSTS {
                    let batch = lease(&store, at, holder, 3).await;
                    if batch.is_empty() {
                        break;
                    }
                    taken.extend(batch);
                }
                taken
            })
        })
        .collect();
    let mut all = Vec::new();
    for taker in takers {
        all.extend(taker.await.expect("taker"));
    }
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), ids.len(), "every post taken exactly once");
    assert_eq!(distinct, ids.iter().copied().collect::<BTreeSet<_>>());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_post_whose_lease_ran_out_unrecorded_is_taken_again() {
    let (url, dir) = shared_database("expiry");
    let (first, second, ids) = two_processes_with_posts(&url, 3).await;
    let [one, two, three] = ids[..] else { panic!("three posts") };
    let start = now() + LEASE;
    let at = |seconds: i64| start + Duration::seconds(seconds);

    assert_eq!(lease(&first, at(0), "first", 100).await, [one, two, three]);
    assert!(lease(&second, at(59), "second", 100).await.is_empty(), "the first holds them all");
    first.mark_sent(one, Some("m-1"), at(10)).await.expect("sent");
    // The first died before recording the others: its lease runs out.
    assert_eq!(lease(&second, at(60), "second", 100).await, [two, three], "pending again, the sent one not");
    assert!(lease(&first, at(61), "first", 100).await.is_empty(), "the second holds them now");

    // A failed attempt ends the lease: the retry is due at its own time.
    second.mark_attempt_failed(two, "timeout", Some(at(70))).await.expect("failed");
    assert!(lease(&first, at(69), "first", 100).await.is_empty());
    let retried = first.lease_pending_posts("console", "club", at(70), at(130), "first", 100).await.expect("lease");
    assert_eq!(retried.iter().map(|post| (post.id, post.attempts)).collect::<Vec<_>>(), [(two, 1)]);
    assert_eq!(retried[0].body, "{\"n\":1}");
    second.mark_attempt_failed(three, "chat gone", None).await.expect("failed for good");
    assert_eq!(lease(&second, at(1000), "second", 100).await, [two], "the sent and the failed one stay put");

    let counts = first.outbox_counts().await.expect("counts");
    let expected = [("console", "failed", 1), ("console", "pending", 1), ("console", "sent", 1)];
    assert_eq!(counts, expected.map(|(t, s, n)| (t.to_string(), s.to_string(), n)));
    first.close().await;
    second.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

const EVENING: &str = r#"
[[community]]
id = "club"
name = "Club"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "evening"
cron = "0 20 * * *"
action = "checkin_reminder"
"#;

/// Two consoles on one database, as `hearth console` prints: take the
/// pending posts, record each delivered, print it. Between them each post
/// is printed once, however their passes interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_engines_on_one_database_deliver_each_post_once() {
    let (url, dir) = shared_database("engines");
    let config = Config::from_toml_str(EVENING, "test.toml", std::path::Path::new(".")).expect("config");
    // 19:00 Berlin: the schedule is seen; 20:00 it fires in one of the two.
    let clock = SimulatedClock::starting_at("2026-03-02T18:00:00Z".parse().expect("instant"));
    let mut engines = Vec::new();
    for _ in 0..2 {
        let store = Store::connect(&url).await.expect("store");
        let engine = Engine::open(store, config.clone(), Arc::new(clock.clone()), vec![Platform::Console])
            .await
            .expect("engine");
        engines.push(engine);
    }
    engines[0].fire_due().await.expect("first sight");
    clock.advance(Duration::hours(1));
    let mut fired = 0;
    for day in 0..5 {
        fired += engines[day % 2].fire_due().await.expect("fire");
        let passes: Vec<_> = (0..6)
            .map(|n| {
                let engine = engines[n % 2].clone();
                tokio::spawn(async move {
                    let mut printed = Vec::new();
                    for post in engine.pending_posts(Platform::Console, "club").await.expect("pending") {
                        engine.mark_delivered(post.id, Some(&post.id.to_string())).await.expect("delivered");
                        printed.push(post.id);
                    }
                    printed
                })
            })
            .collect();
        let mut printed = Vec::new();
        for pass in passes {
            printed.extend(pass.await.expect("pass"));
        }
        assert_eq!(printed.len(), 1, "day {day}: the evening post printed once: {printed:?}");
        clock.advance(Duration::days(1));
    }
    assert_eq!(fired, 5);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}
