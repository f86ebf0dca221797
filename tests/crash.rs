//! kill -9 at random points: `hearth console` on a file database gets a burst
//! of check-ins and clock advances that fire schedules, and is killed
//! mid-burst, 50 times over consecutive days. Afterwards every acknowledged
//! check-in is in the ledger, the totals equal the ledger sums, nobody has
//! two check-ins on one day, and no slot was queued or printed twice.
//!
//! `HEARTH_CRASH_TRIALS=500 cargo test --test crash` is the long mode.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hearth_bot::store::Store;
use sqlx::sqlite::SqlitePoolOptions;

mod common;

const CONFIG: &str = r#"
[[community]]
id = "crash"
name = "Crash"
timezone = "Europe/Berlin"

[community.checkin]
points = 10

[[community.schedule]]
id = "hourly-reminder"
cron = "0 * * * *"
action = "checkin_reminder"
"#;

const MEMBERS: usize = 40;

/// A small deterministic generator, so a failing trial can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn kill_9_mid_burst_loses_and_duplicates_nothing() {
    let trials: i64 = std::env::var("HEARTH_CRASH_TRIALS").ok().and_then(|s| s.parse().ok()).unwrap_or(50);
    let dir = common::scratch("crash");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let url = format!("sqlite://{}", dir.join("hearth.db").display());
    let start: DateTime<Utc> = "2026-03-02T08:00:00Z".parse().expect("instant");
    let mut random = Lcg(2026);
    // (member, UTC date) of every acknowledged check-in; printed reminders.
    let mut acknowledged: BTreeSet<(String, String)> = BTreeSet::new();
    let mut reminders_printed = 0;

    for trial in 0..trials {
        // 09:00 in Berlin, one day later each trial (advances stay within the day).
        let now = start + chrono::Duration::days(trial);
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["console", "--db", &url, "--clock", &now.to_rfc3339()])
            .current_dir(common::root())
            .env("HEARTH_CONFIG", dir.join("hearth.toml"))
            .env("RUST_LOG", "off")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hearth console");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                seen.lock().expect("lines").push(line);
            }
        });
        let mut burst = String::new();
        for i in 0..MEMBERS {
            burst.push_str(&format!("@m{i} /checkin\n"));
            if i % 10 == 9 {
                burst.push_str(":advance 1h\n");
            }
        }
        let mut stdin = child.stdin.take().expect("stdin");
        // The console may die before it has read everything; that is the point.
        let _ = stdin.write_all(burst.as_bytes());
        std::thread::sleep(Duration::from_millis(random.below(600)));
        child.kill().expect("kill -9");
        let _ = child.wait();
        drop(stdin);
        reader.join().expect("reader");

        let day = now.format("%Y-%m-%d").to_string();
        for line in lines.lock().expect("lines").iter() {
            if let Some(member) = acknowledged_checkin(line) {
                assert!(acknowledged.insert((member.clone(), day.clone())), "{member} acknowledged twice on {day}");
            }
            reminders_printed += usize::from(line.contains("[Check in]"));
        }
    }

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::connect(&url).await.expect("store");
        assert!(store.check_totals().await.expect("totals").is_empty(), "totals equal the ledger sums");
        store.close().await;
        let pool = SqlitePoolOptions::new().connect(&url).await.expect("pool");
        let checkins: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, substr(l.at, 1, 10) FROM ledger l JOIN members m ON m.id = l.member_id \
             WHERE l.kind = 'checkin'",
        )
        .fetch_all(&pool)
        .await
        .expect("check-ins");
        let mut per_day: BTreeMap<(String, String), usize> = BTreeMap::new();
        for row in checkins {
            *per_day.entry(row).or_default() += 1;
        }
        assert!(per_day.values().all(|n| *n == 1), "a member checked in twice on one day");
        let missing: Vec<_> = acknowledged.iter().filter(|key| !per_day.contains_key(key)).collect();
        assert!(missing.is_empty(), "acknowledged but not in the ledger: {missing:?}");
        let (slots, queued): (i64, i64) =
            sqlx::query_as("SELECT COUNT(DISTINCT schedule_id || slot), COUNT(*) FROM outbox")
                .fetch_one(&pool)
                .await
                .expect("outbox");
        assert_eq!(slots, queued, "a slot was queued twice");
        let (sent,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetch_one(&pool).await.expect("sent");
        assert!(reminders_printed as i64 <= sent, "{reminders_printed} reminders printed, {sent} slots delivered");
        eprintln!(
            "crash: {trials} kills, {} check-ins acknowledged, {} in the ledger, {queued} slots queued, \
             {sent} delivered, {reminders_printed} printed",
            acknowledged.len(),
            per_day.len()
        );
        assert!(!acknowledged.is_empty() && queued > 0, "the kills all came before any work was done");
        pool.close().await;
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// `m7` from "[bot] ✅ m7 checked in: day 3 of the streak."
fn acknowledged_checkin(line: &str) -> Option<String> {
    let (before, _) = line.split_once(" checked in: day ")?;
    before.rsplit(' ').next().map(str::to_string)
}
