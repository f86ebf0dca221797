//! The dashboard's figures come from rollups the write path keeps. A
//! scripted ten weeks: the figures a member of an operations team would
//! check by hand, then the same dashboard after the rollups are thrown
//! away and rebuilt from the raw rows (what an upgraded or copied database
//! gets at start).

mod support;

use std::path::Path;

use chrono::{Duration, NaiveDate};
use hearth_bot::config::Config;
use hearth_bot::engine::web::RangeDays;
use sqlx::Connection;
use support::{BERLIN, Chat};

/// 09:00 in Berlin on a Monday.
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";
const DAYS: i64 = 70;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("day") + Duration::days(n)
}

/// Alice checks in daily for 60 days, then goes quiet; bob every third
/// day; carol daily from day 20; dave once on day 0 and gets points from
/// carol on day 65; eve checks in once on day 35.
async fn ten_weeks(chat: &Chat) {
    for n in 0..DAYS {
        if n < 60 {
            chat.say("alice", "/checkin").await;
        }
        if n % 3 == 0 {
            chat.say("bob", "/checkin").await;
        }
        if n >= 20 {
            chat.say("carol", "/checkin").await;
        }
        if n == 0 {
            chat.say("dave", "/checkin").await;
        }
        if n == 35 {
            chat.say("eve", "/checkin").await;
        }
        if n == 10 {
            chat.say("alice", "/give @bob 2 thanks").await;
        }
        if n == 65 {
            chat.say("carol", "/give @dave 1 welcome back").await;
        }
        chat.advance_days(1);
    }
}

async fn scripted(file: &Path) -> Chat {
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &support::database_at(file)).await;
    ten_weeks(&chat).await;
    chat
}

#[tokio::test]
async fn the_dashboard_shows_who_drifts_away_and_who_stays() {
    let dir = tempdir();
    let chat = scripted(&dir.join("hearth.db")).await;
    let dashboard = chat.engine.dashboard("rustaceans", RangeDays::Month).await.expect("dashboard");
    let today = day(DAYS);
    assert_eq!(dashboard.last_day, today);
    let kpis = &dashboard.kpis;
    assert_eq!(kpis.members, 5);
    assert_eq!(kpis.wau, 3, "bob and carol checked in, dave got points from carol: {kpis:?}");
    assert_eq!(kpis.mau, 4, "all but eve: {kpis:?}");
    assert_eq!(kpis.active, 4);
    assert_eq!(kpis.new_members, 0, "everyone joined before the last 30 days");

    let names: Vec<&str> = dashboard.at_risk.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["alice"], "daily for 60 days, nothing in the last 10");
    let alice = &dashboard.at_risk[0];
    assert_eq!(alice.last_active, day(59));
    assert_eq!(alice.checkins_before, 24, "days 36 to 59 of the 30 before the quiet 5");
    assert_eq!(alice.streak, 0);

    let now = dashboard.segments.last().expect("today's segments");
    assert_eq!(now.day, today);
    assert_eq!((now.core, now.casual, now.dormant), (1, 3, 1), "carol core; eve dormant; {now:?}");
    let day_40 = chat.engine.dashboard("rustaceans", RangeDays::Quarter).await.expect("90 days");
    let at_40 = day_40.segments.iter().find(|s| s.day == today - Duration::days(28)).expect("a weekly point");
    assert_eq!(at_40.core, 2, "alice and carol, daily in the week to day 42");

    let streaks: Vec<i64> = dashboard.streaks.iter().map(|b| b.members).collect();
    assert_eq!(streaks.iter().sum::<i64>(), 5);
    assert_eq!(streaks[4], 1, "carol's 50 days: {streaks:?}");

    // Cohorts (12 weeks back; day 0 is 10): the first week's three, carol's
    // week, and eve's, who never came back.
    assert_eq!(dashboard.cohorts[0].week, day(0), "no rows for the two weeks before anyone joined");
    let first = dashboard.cohorts.iter().find(|c| c.week == day(0)).expect("the first week's cohort");
    assert_eq!(first.size, 3);
    assert_eq!(first.retained[0], 2, "alice and bob in week 2");
    let eves = dashboard.cohorts.iter().find(|c| c.week == day(35)).expect("eve's week");
    assert_eq!((eves.size, eves.retained.first().copied()), (1, Some(0)));
    let carols = dashboard.cohorts.iter().find(|c| c.week == day(14)).expect("carol's week");
    assert_eq!(carols.size, 1);
    assert!(carols.retained.iter().all(|n| *n == 1), "{carols:?}");

    let day_rows: i64 = dashboard.days.iter().map(|d| d.checkins).sum();
    let in_export = chat
        .export()
        .await
        .ledger
        .iter()
        .filter(|r| r.kind == "checkin" && r.at.as_str() >= format!("{}T02:00:00Z", dashboard.first_day).as_str())
        .count() as i64;
    assert_eq!(day_rows, in_export, "check-ins per day add up to the ledger's");
}

#[tokio::test]
async fn rollups_rebuilt_from_the_raw_rows_give_the_same_dashboard() {
    let dir = tempdir();
    let file = dir.join("hearth.db");
    let chat = scripted(&file).await;
    let mut kept = Vec::new();
    for range in [RangeDays::Week, RangeDays::Month, RangeDays::Quarter] {
        kept.push(chat.engine.dashboard("rustaceans", range).await.expect("kept"));
    }

    // As a database from before the rollups: nothing says they are complete.
    forget_rollups(&support::database_at(&file)).await;
    let config = Config::from_toml_str(BERLIN, "test.toml", Path::new(".")).expect("config");
    chat.engine.reload(config).await.expect("the reload rebuilds them");
    for (range, kept) in [RangeDays::Week, RangeDays::Month, RangeDays::Quarter].into_iter().zip(kept) {
        let rebuilt = chat.engine.dashboard("rustaceans", range).await.expect("rebuilt");
        assert_eq!(rebuilt, kept, "{range:?}");
    }

    // And the write path goes on from the rebuilt rows.
    chat.say("eve", "/checkin").await;
    let after = chat.engine.dashboard("rustaceans", RangeDays::Week).await.expect("after");
    assert_eq!(after.days.last().map(|d| (d.checkins, d.active)), Some((1, 1)));
    assert_eq!(after.kpis.wau, 4, "eve joins bob, carol and dave");
}

#[tokio::test]
async fn a_forgotten_member_leaves_the_member_count() {
    let dir = tempdir();
    let chat = scripted(&dir.join("hearth.db")).await;
    let before = chat.engine.dashboard("rustaceans", RangeDays::Week).await.expect("before");
    let reply = chat.say("eve", "/forgetme").await;
    let confirm = chat.say("eve", "/forgetme confirm").await;
    let after = chat.engine.dashboard("rustaceans", RangeDays::Week).await.expect("after");
    assert_eq!(after.kpis.members, before.kpis.members - 1, "{reply}\n{confirm}");
    let eves = after.cohorts.iter().find(|c| c.week == day(35)).expect("eve's week");
    assert_eq!(eves.size, 0);
}

/// Forty members check in at once every day, and give each other points:
/// the engine commits them in batches, and the batched rollups match a
/// rebuild one member at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkins_committed_in_one_batch_count_as_one_at_a_time() {
    let dir = tempdir();
    let file = dir.join("hearth.db");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &support::database_at(&file)).await;
    for n in 0..40i64 {
        let mut tasks = Vec::new();
        for member in 0..40i64 {
            // Member m keeps a rhythm of its own: every (m mod 4 + 1)th day.
            if n % (member % 4 + 1) != 0 {
                continue;
            }
            let (engine, actor, room) = (chat.engine.clone(), chat.actor(&format!("m{member}")), chat.chat());
            let give = format!("/give @m{} 1 thanks", (member + 1) % 40);
            tasks.push(tokio::spawn(async move {
                engine.handle_text(actor.clone(), room.clone(), "/checkin").await;
                engine.handle_text(actor, room, &give).await
            }));
        }
        for task in tasks {
            task.await.expect("task");
        }
        chat.advance_days(1);
    }
    let mut kept = Vec::new();
    for range in [RangeDays::Week, RangeDays::Month, RangeDays::Quarter] {
        kept.push(chat.engine.dashboard("rustaceans", range).await.expect("kept"));
    }
    assert_eq!(kept[0].kpis.members, 40);
    assert!(kept[2].segments.iter().any(|s| s.core > 0), "daily members are core: {:?}", kept[2].segments);

    forget_rollups(&support::database_at(&file)).await;
    let config = Config::from_toml_str(BERLIN, "test.toml", Path::new(".")).expect("config");
    chat.engine.reload(config).await.expect("the reload rebuilds them");
    for (range, kept) in [RangeDays::Week, RangeDays::Month, RangeDays::Quarter].into_iter().zip(kept) {
        let rebuilt = chat.engine.dashboard("rustaceans", range).await.expect("rebuilt");
        assert_eq!(rebuilt, kept, "{range:?}");
    }
}

async fn forget_rollups(url: &str) {
    if url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(url).await.expect("postgres");
        sqlx::query("DELETE FROM rollup_state").execute(&mut db).await.expect("deleted");
    } else {
        let mut db = sqlx::SqliteConnection::connect(url).await.expect("sqlite");
        sqlx::query("DELETE FROM rollup_state").execute(&mut db).await.expect("deleted");
    }
}

/// A directory of this test's own, removed when the test ends.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "hearth-rollups-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}
