//! The scheduler across restarts, on a file database: a post claimed but not
//! delivered before a crash is delivered once after it; nothing fires twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::config::Config;
use hearth_bot::store::Store;
use hearth_bot::{Engine, Platform, SimulatedClock};

const CONFIG: &str = r#"
[[community]]
id = "night-owls"
name = "Night Owls"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "evening"
cron = "0 20 * * *"
action = "checkin_reminder"
"#;

struct Process {
    engine: Engine,
    clock: SimulatedClock,
}

/// One run of the bot on the database at `path` (a restart is a new one).
async fn start(path: &Path, at: &str) -> Process {
    start_with(path, CONFIG, at).await
}

async fn start_with(path: &Path, config: &str, at: &str) -> Process {
    let config = Config::from_toml_str(config, "test.toml", std::path::Path::new(".")).expect("config");
    let store = Store::connect(&hearth_testkit::conformance::database_at(path)).await.expect("store");
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at).expect("instant").with_timezone(&Utc);
    let clock = SimulatedClock::starting_at(at);
    let engine = Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await.expect("engine");
    Process { engine, clock }
}

/// A run started Monday 19:00 Berlin whose evening reminder fired at 20:00.
async fn after_the_first_evening(db: &Path) -> Process {
    let process = start(db, "2026-03-02T18:00:00Z").await;
    process.engine.fire_due().await.expect("first sight");
    process.clock.advance(Duration::hours(1));
    assert_eq!(process.engine.fire_due().await.expect("fire"), 1, "the evening reminder at 20:00 Berlin");
    process
}

/// The evening reminder moved to 13:00 Berlin, with a catch-up grace of 6 h.
fn moved_to_one_pm() -> String {
    CONFIG.replace("0 20 * * *", "0 13 * * *") + "misfire = \"catch_up\"\ngrace = \"6h\"\n"
}

fn scratch_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-sched-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join("hearth.db")
}

#[tokio::test]
async fn a_post_claimed_before_a_crash_is_delivered_once_after_it() {
    let db = scratch_db("crash");
    // 19:00 Berlin: the schedule is seen for the first time and starts now.
    let first = start(&db, "2026-03-02T18:00:00Z").await;
    assert_eq!(first.engine.fire_due().await.expect("fire"), 0);
    // 20:00: the slot is claimed and queued ... and the process dies before delivery.
    first.clock.advance(Duration::hours(1));
    assert_eq!(first.engine.fire_due().await.expect("fire"), 1);
    first.engine.store().close().await;
    drop(first);

    let second = start(&db, "2026-03-02T19:05:00Z").await;
    assert_eq!(second.engine.fire_due().await.expect("fire"), 0, "the slot is claimed already");
    let pending = second.engine.pending_posts(Platform::Console, "night-owls").await.expect("pending");
    assert_eq!(pending.len(), 1, "the undelivered post survived the crash");
    assert!(pending[0].reply.to_plain_text().contains("Time to check in"));
    second.engine.mark_delivered(pending[0].id, Some("m-1")).await.expect("delivered");
    assert!(second.engine.pending_posts(Platform::Console, "night-owls").await.expect("pending").is_empty());
    second.engine.store().close().await;
    drop(second);

    let third = start(&db, "2026-03-02T19:30:00Z").await;
    assert_eq!(third.engine.fire_due().await.expect("fire"), 0);
    assert!(third.engine.pending_posts(Platform::Console, "night-owls").await.expect("pending").is_empty());
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[tokio::test]
async fn concurrent_wake_ups_claim_a_slot_once() {
    let db = scratch_db("race");
    let process = start(&db, "2026-03-02T18:00:00Z").await;
    process.engine.fire_due().await.expect("first sight");
    process.clock.advance(Duration::hours(1));
    let wake_ups: Vec<_> = (0..20)
        .map(|_| {
            let engine = process.engine.clone();
            tokio::spawn(async move { engine.fire_due().await.expect("fire") })
        })
        .collect();
    let mut queued = 0;
    for wake_up in wake_ups {
        queued += wake_up.await.expect("task");
    }
    assert_eq!(queued, 1);
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[tokio::test]
async fn a_reload_adds_and_removes_schedules_without_a_restart() {
    let db = scratch_db("reload");
    let process = start(&db, "2026-03-02T18:00:00Z").await;
    process.engine.fire_due().await.expect("first sight of the evening schedule");
    let replaced = CONFIG.replace("id = \"evening\"", "id = \"morning\"").replace("0 20 * * *", "0 8 * * *");
    let config = Config::from_toml_str(&replaced, "new.toml", std::path::Path::new(".")).expect("new config");
    process.engine.reload(config).await.expect("reload");
    assert_eq!(process.engine.fire_due().await.expect("fire"), 0, "a new schedule starts now");
    // 21:00 Berlin: the removed evening schedule does not fire.
    process.clock.advance(Duration::hours(2));
    assert_eq!(process.engine.fire_due().await.expect("fire"), 0);
    // 08:00 the next morning: the added schedule fires, at its own time.
    let next = process.engine.next_due_after(process.engine.now()).expect("a next slot");
    assert_eq!(next, DateTime::parse_from_rfc3339("2026-03-03T07:00:00Z").expect("instant"));
    process.clock.set(next);
    assert_eq!(process.engine.fire_due().await.expect("fire"), 1);
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[tokio::test]
async fn failed_deliveries_back_off_and_give_up_with_the_reason() {
    let db = scratch_db("failures");
    let process = after_the_first_evening(&db).await;
    let pending =
        |engine: Engine| async move { engine.pending_posts(Platform::Console, "night-owls").await.expect("pending") };

    let post = pending(process.engine.clone()).await.remove(0);
    process.engine.delivery_failed(&post, "timeout", false).await.expect("recorded");
    assert!(pending(process.engine.clone()).await.is_empty(), "not before the backoff");
    process.clock.advance(Duration::seconds(30));
    let post = pending(process.engine.clone()).await.remove(0);
    assert_eq!(post.attempts, 1);
    process.engine.delivery_failed(&post, "chat not found", true).await.expect("recorded");
    process.clock.advance(Duration::days(1));
    assert!(pending(process.engine.clone()).await.is_empty(), "a permanent error fails the post for good");
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

/// `count` communities with an evening reminder, alternately in Berlin and
/// Shanghai: at 20:00 Berlin only the Berlin half has a slot due.
fn evening_reminders_in_two_zones(count: usize) -> String {
    (0..count)
        .map(|i| {
            let zone = if i % 2 == 0 { "Europe/Berlin" } else { "Asia/Shanghai" };
            format!(
                "[[community]]\nid = \"c{i}\"\nname = \"Community {i}\"\ntimezone = \"{zone}\"\n\n\
                 [[community.schedule]]\nid = \"evening\"\ncron = \"0 20 * * *\"\naction = \"checkin_reminder\"\n\n"
            )
        })
        .collect()
}

#[tokio::test]
async fn among_many_communities_only_the_due_ones_post_each_once() {
    let db = scratch_db("many");
    // More due schedules than one transaction takes, so several chunks fire.
    let communities = 500;
    let config = evening_reminders_in_two_zones(communities);
    // 19:00 Berlin, 02:00 Shanghai: every schedule is seen for the first time.
    let process = start_with(&db, &config, "2026-03-02T18:00:00Z").await;
    assert_eq!(process.engine.fire_due().await.expect("first sight"), 0);

    // 20:00 Berlin, 03:00 Shanghai.
    process.clock.advance(Duration::hours(1));
    assert_eq!(process.engine.fire_due().await.expect("fire"), communities / 2);
    assert_eq!(process.engine.fire_due().await.expect("again"), 0, "the same instant queues nothing");

    for i in 0..communities {
        let pending = process.engine.pending_posts(Platform::Console, &format!("c{i}")).await.expect("pending");
        if i % 2 == 0 {
            assert_eq!(pending.len(), 1, "Berlin community c{i} gets its reminder once");
            assert!(pending[0].reply.to_plain_text().contains("Time to check in"));
        } else {
            assert!(pending.is_empty(), "Shanghai community c{i} has nothing due: {pending:?}");
        }
    }

    // 20:00 Shanghai the next day: now the other half, and Berlin's next is hours away.
    process.clock.set(DateTime::parse_from_rfc3339("2026-03-03T12:00:00Z").expect("instant").with_timezone(&Utc));
    assert_eq!(process.engine.fire_due().await.expect("fire"), communities / 2);
    assert_eq!(process.engine.fire_due().await.expect("again"), 0);
    for i in 0..communities {
        let pending = process.engine.pending_posts(Platform::Console, &format!("c{i}")).await.expect("pending");
        assert_eq!(pending.len(), 1, "c{i} has exactly one post");
    }
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[tokio::test]
async fn a_reload_that_moves_a_schedule_starts_it_at_the_reload() {
    let db = scratch_db("moved");
    let process = after_the_first_evening(&db).await;
    // The next afternoon the reminder moves to 13:00, an hour ago, within a
    // catch-up grace of 6 h: it was not in force then, so it does not fire.
    let moved = moved_to_one_pm();
    process.clock.set(DateTime::parse_from_rfc3339("2026-03-03T13:00:00Z").expect("instant").with_timezone(&Utc));
    let config = Config::from_toml_str(&moved, "moved.toml", std::path::Path::new(".")).expect("moved config");
    process.engine.reload(config).await.expect("reload");
    assert_eq!(process.engine.fire_due().await.expect("fire"), 0);
    // The day after, at 13:00 Berlin, it fires at its new time.
    let next = process.engine.next_due_after(process.engine.now()).expect("a next slot");
    assert_eq!(next, DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").expect("instant"));
    process.clock.set(next);
    assert_eq!(process.engine.fire_due().await.expect("fire"), 1);
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[tokio::test]
async fn a_schedule_edited_while_hearth_was_down_starts_at_the_next_start() {
    let db = scratch_db("edited-while-down");
    drop(after_the_first_evening(&db).await);

    // While hearth was down the reminder moved to 13:00 with a catch-up
    // grace of 6 h. It starts again at 14:00 Berlin: 13:00 today was never
    // in force while it ran, so it is not caught up.
    let after = start_with(&db, &moved_to_one_pm(), "2026-03-03T13:00:00Z").await;
    assert_eq!(after.engine.fire_due().await.expect("fire"), 0);
    // The next day at 13:00 Berlin it fires at its new time, once.
    let next = after.engine.next_due_after(after.engine.now()).expect("a next slot");
    assert_eq!(next, DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z").expect("instant"));
    after.clock.set(next);
    assert_eq!(after.engine.fire_due().await.expect("fire"), 1);
    assert_eq!(after.engine.fire_due().await.expect("fire again"), 0);
    let _ = std::fs::remove_dir_all(db.parent().expect("dir"));
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}
