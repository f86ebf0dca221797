//! kill -9 at random points: `hearth console` on a file database gets a burst
//! of check-ins and clock advances that fire schedules, and is killed
//! mid-burst, 50 times over consecutive days. Afterwards every acknowledged
//! check-in is in the ledger, the totals equal the ledger sums, nobody has
//! two check-ins on one day, and no slot was queued or printed twice.
//!
//!
//! On PostgreSQL, two and three consoles share one database and one
//! community, their simulated clocks stepped together through minutes at
//! which 20 schedules fall due; one is killed -9 a few milliseconds into a
//! step (firing or delivering). Every slot is claimed and queued once, each
//! post the killed console held is delivered by another once its lease runs
//! out (on the simulated clock), and no post is printed twice. Without a
//! kill, two consoles print every post once between them.
//!
//! `HEARTH_CRASH_TRIALS=500 cargo test --test crash` is the long mode (both
//! tests; the PostgreSQL one runs 3 trials by default).

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
        let mut console = Console::start(&dir.join("hearth.toml"), &url, &now.to_rfc3339());
        let mut burst = String::new();
        for i in 0..MEMBERS {
            burst.push_str(&format!("@m{i} /checkin\n"));
            if i % 10 == 9 {
                burst.push_str(":advance 1h\n");
            }
        }
        // The console may die before it has read everything; that is the point.
        console.try_send(&burst);
        std::thread::sleep(Duration::from_millis(random.below(600)));
        console.kill();
        let day = now.format("%Y-%m-%d").to_string();
        for line in console.finish().iter() {
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

/// Minutely topic schedules, all due at the same instants.
const FIRE_SCHEDULES: usize = 20;
/// Simulated minutes each run of consoles goes through.
const FIRE_MINUTES: usize = 12;
/// How long a console that took posts keeps them from the others (the
/// scheduler's `DELIVERY_LEASE`, on the simulated clock), in minutes.
const LEASE_MINUTES: usize = 2;

/// The community of the mid-fire runs: `FIRE_SCHEDULES` minutely topic
/// schedules and a pool that lasts the whole run, so each post's topic
/// names it.
fn fire_config() -> String {
    let pool: Vec<String> = (0..FIRE_SCHEDULES * FIRE_MINUTES + 50).map(|n| format!("\"prompt-{n:04}\"")).collect();
    let mut config = format!(
        "[[community]]\nid = \"fire\"\nname = \"Fire\"\ntimezone = \"Europe/Berlin\"\n\n\
         [community.topics]\npool = [{}]\n",
        pool.join(", ")
    );
    for n in 0..FIRE_SCHEDULES {
        config.push_str(&format!(
            "\n[[community.schedule]]\nid = \"topic-{n:02}\"\ncron = \"* * * * *\"\naction = \"topic\"\n"
        ));
    }
    config
}

/// One `hearth console` on the shared database, fed line by line; what it
/// printed is collected as it comes (a kill keeps what was printed before it).
struct Console {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// What it wrote to stderr (`RUST_LOG=off`: only why it stopped).
    complaints: Arc<Mutex<String>>,
}

impl Console {
    fn start(config: &std::path::Path, url: &str, clock: &str) -> Console {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["console", "--db", url, "--clock", clock])
            .current_dir(common::root())
            .env("HEARTH_CONFIG", config)
            .env("RUST_LOG", "off")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hearth console");
        // Kept for the failure message of a console that exits early.
        let stderr = child.stderr.take().expect("stderr");
        let complaints = Arc::new(Mutex::new(String::new()));
        let written = complaints.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                written.lock().expect("stderr").push_str(&format!("{line}\n"));
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                seen.lock().expect("lines").push(line);
            }
        });
        let stdin = child.stdin.take();
        Console { child, stdin, lines, reader: Some(reader), complaints }
    }

    /// Fails the test when the console has exited on its own, with what
    /// it said on stderr: a waiting test would otherwise only time out.
    fn assert_running(&mut self) {
        if self.stdin.is_some()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            panic!("a console exited with {status}: {}", self.complaints.lock().expect("stderr"));
        }
    }

    /// Writes `input` if the console still reads it.
    fn try_send(&mut self, input: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(input.as_bytes());
        }
    }

    fn send(&mut self, input: &str) {
        let stdin = self.stdin.as_mut().expect("the console is running");
        stdin.write_all(input.as_bytes()).expect("console input");
        stdin.flush().expect("console input");
    }

    /// `[clock]` lines printed so far: one per `:now` the console has read.
    fn clock_lines(&self) -> usize {
        self.lines.lock().expect("lines").iter().filter(|line| line.starts_with("[clock] ")).count()
    }

    fn kill(&mut self) {
        self.child.kill().expect("kill -9");
        let _ = self.child.wait();
        self.stdin = None;
    }

    /// Ends its input; it exits 0 at end of input. Everything it printed.
    fn finish(mut self) -> Vec<String> {
        if self.stdin.take().is_some() {
            let status = self.child.wait().expect("console exit");
            assert!(status.success(), "the console exited with {status}");
        }
        self.reader.take().expect("reader").join().expect("reader");
        std::mem::take(&mut *self.lines.lock().expect("lines"))
    }
}

/// What runs of consoles on one database did; every check passed.
#[derive(Default)]
struct FireOutcome {
    slots: usize,
    printed: usize,
    kills: usize,
    /// Posts the killed console held (leased, not yet delivered) when it died.
    taken_over: usize,
    /// Posts the killed console recorded as delivered but had not printed yet.
    lost_to_kills: usize,
}

/// `consoles` consoles for one community on a new PostgreSQL database, all
/// with the simulated clock at the same instant, stepped a minute at a time
/// together; `FIRE_SCHEDULES` slots fall due at every step. With `kill`, one
/// console is killed -9 at a random step, a few milliseconds into it (while
/// it fires or delivers); the others go on for more than a lease. Then:
/// every slot was claimed once and queued once, every post is delivered,
/// and no post was printed twice across the consoles. The console records a
/// post as delivered before printing it (stdout has no idempotency key), so
/// a kill may lose the one post it was printing, never more.
fn consoles_on_one_database(
    cluster: &hearth_testkit::PgCluster,
    consoles: usize,
    kill: bool,
    random: &mut Lcg,
) -> FireOutcome {
    let dir = common::scratch(&format!("crash-fire-{consoles}"));
    let config = dir.join("hearth.toml");
    std::fs::write(&config, fire_config()).expect("config");
    let url = cluster.create_database().expect("a database");
    let mut running: Vec<Console> =
        (0..consoles).map(|_| Console::start(&config, &url, "2026-03-02T08:00:00Z")).collect();
    let kill_at = kill.then(|| 1 + random.below((FIRE_MINUTES - LEASE_MINUTES - 1) as u64) as usize);
    let mut killed: Option<Console> = None;
    let mut outcome = FireOutcome::default();
    // Each step ends with `:now`: its `[clock]` line says the console took the step.
    let mut steps = 0;
    for minute in 1..=FIRE_MINUTES {
        steps += 1;
        for console in running.iter_mut() {
            console.send(":advance 1m\n:now\n");
        }
        if kill_at == Some(minute) {
            std::thread::sleep(Duration::from_millis(random.below(25)));
            let mut victim = running.remove(random.below(consoles as u64) as usize);
            let pid = victim.child.id();
            victim.kill();
            outcome.kills += 1;
            outcome.taken_over += psql_count(
                cluster,
                &url,
                &format!("SELECT count(*) FROM outbox WHERE status = 'pending' AND leased_by LIKE '% pid {pid}'"),
            );
            killed = Some(victim);
        }
        wait_for_steps(&mut running, steps);
    }
    // No more slots: what is still queued goes out (a `:now` delivers too).
    let deadline = std::time::Instant::now() + common::WAIT;
    while psql_count(cluster, &url, "SELECT count(*) FROM outbox WHERE status = 'pending'") > 0 {
        assert!(std::time::Instant::now() < deadline, "posts still pending");
        steps += 1;
        for console in running.iter_mut() {
            console.send(":now\n");
        }
        wait_for_steps(&mut running, steps);
    }
    let mut printed: Vec<String> = running.into_iter().flat_map(Console::finish).collect();
    if let Some(victim) = killed {
        printed.extend(victim.finish());
    }

    let slots = FIRE_SCHEDULES * FIRE_MINUTES;
    assert_eq!(psql_count(cluster, &url, "SELECT count(*) FROM schedule_claims"), slots, "every slot claimed");
    assert_eq!(psql_count(cluster, &url, "SELECT count(*) FROM outbox"), slots, "one post per slot");
    assert_eq!(
        psql_count(cluster, &url, "SELECT count(*) FROM outbox WHERE status = 'sent'"),
        slots,
        "every post delivered"
    );
    // Each post's topic, as queued; and each topic as the consoles printed it.
    let mut queued: BTreeMap<String, usize> = BTreeMap::new();
    for body in cluster.psql(&url, "SELECT body FROM outbox").expect("bodies").lines() {
        let topic = body.split('"').find(|part| part.starts_with("prompt-")).expect("a topic in the post");
        *queued.entry(topic.to_string()).or_default() += 1;
    }
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    for line in &printed {
        if let Some(topic) = line.trim().strip_prefix("prompt-") {
            *shown.entry(format!("prompt-{topic}")).or_default() += 1;
        }
    }
    let twice: Vec<_> = shown.iter().filter(|(topic, n)| **n > queued.get(*topic).copied().unwrap_or(0)).collect();
    assert!(twice.is_empty(), "printed more often than queued: {twice:?}");
    outcome.printed = shown.values().sum();
    outcome.lost_to_kills = slots - outcome.printed;
    assert!(
        outcome.lost_to_kills <= outcome.kills,
        "{} posts never printed, {} kills",
        outcome.lost_to_kills,
        outcome.kills
    );
    outcome.slots = slots;
    let _ = std::fs::remove_dir_all(dir);
    outcome
}

/// Waits until every console has answered `steps` `:now` lines.
fn wait_for_steps(running: &mut [Console], steps: usize) {
    common::wait_for("the consoles to take the step", || {
        running.iter_mut().for_each(Console::assert_running);
        running.iter().all(|console| console.clock_lines() >= steps)
    });
}

fn psql_count(cluster: &hearth_testkit::PgCluster, url: &str, sql: &str) -> usize {
    let text = cluster.psql(url, sql).expect(sql);
    text.trim().parse().unwrap_or_else(|_| panic!("{sql} printed {text:?}"))
}

fn postgres() -> Option<hearth_testkit::PgCluster> {
    match hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests()) {
        Ok(cluster) => cluster,
        Err(error) => panic!("starting PostgreSQL: {error:#}"),
    }
}

#[test]
fn on_postgres_consoles_killed_mid_fire_post_every_slot_once() {
    let Some(cluster) = postgres() else {
        return println!("skipped: no PostgreSQL");
    };
    let trials: usize = std::env::var("HEARTH_CRASH_TRIALS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut random = Lcg(16);
    let mut total = FireOutcome::default();
    for trial in 0..trials {
        // Two consoles, then three, by turns.
        let outcome = consoles_on_one_database(&cluster, 2 + trial % 2, true, &mut random);
        total.slots += outcome.slots;
        total.printed += outcome.printed;
        total.kills += outcome.kills;
        total.taken_over += outcome.taken_over;
        total.lost_to_kills += outcome.lost_to_kills;
    }
    eprintln!(
        "crash mid-fire on PostgreSQL: {trials} trials of 2-3 consoles, {} kills, {} slots claimed and queued once, \
         {} printed once, {} held by a killed console and delivered by another, {} lost with a killed console's \
         stdout, 0 printed twice",
        total.kills, total.slots, total.printed, total.taken_over, total.lost_to_kills
    );
}

#[test]
fn on_postgres_two_consoles_print_each_post_once_between_them() {
    let Some(cluster) = postgres() else {
        return println!("skipped: no PostgreSQL");
    };
    let outcome = consoles_on_one_database(&cluster, 2, false, &mut Lcg(17));
    assert_eq!(outcome.printed, outcome.slots, "every post printed, once");
}
