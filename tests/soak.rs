//! A soak: mixed commands from many members on a file database while
//! `hearth backup` copies it every couple of seconds from another process.
//! No command may fail with a locked database, none may be lost, and every
//! backup must pass its integrity check.
//!
//! CI runs the short mode (60 s). The long mode is
//! `HEARTH_SOAK_SECONDS=600 cargo test --release --test soak`.

use std::path::Path;
use std::process::Command as Process;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hearth_bot::config::Config;
use hearth_bot::store::Store;
use hearth_bot::{Actor, ChatRef, Engine, Platform, SimulatedClock};

mod common;

const CONFIG: &str = r#"
[[community]]
id = "soak"
name = "Soak"
timezone = "Europe/Berlin"

[community.checkin]
points = 10
streak_bonus = [{ days = 3, points = 20 }]

[community.points]
give_allowance = 3
give_max = 5

[[community.badge]]
id = "regular"
name = "Regular"
when = "checkins >= 3"
"#;

const MEMBERS: usize = 200;
/// Commands in flight at once.
const IN_FLIGHT: usize = 8;
/// The simulated clock moves this much every 500 commands, so days pass and
/// check-ins open again.
const STEP: chrono::Duration = chrono::Duration::hours(2);

#[derive(Default)]
struct Tally {
    sent: AtomicUsize,
    answered: AtomicUsize,
    failed: AtomicUsize,
    checkins: AtomicUsize,
    gives: AtomicUsize,
}

#[test]
fn mixed_load_with_backups_loses_nothing_and_never_locks() {
    let seconds: u64 = std::env::var("HEARTH_SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let dir = common::scratch("soak");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let url = format!("sqlite://{}", dir.join("hearth.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (engine, clock) = runtime.block_on(open(&dir, &url));

    let tally = Arc::new(Tally::default());
    let running = Arc::new(AtomicBool::new(true));
    let load = runtime.spawn(load(engine.clone(), clock, tally.clone(), running.clone()));

    // `hearth backup` from another process, every 2 s, while the load runs.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut backups = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(2));
        backups += 1;
        let target = dir.join(format!("backup-{backups}.db"));
        let output = Process::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["backup", target.to_str().expect("UTF-8 path"), "--db", &url])
            .current_dir(common::root())
            .env("HEARTH_CONFIG", dir.join("hearth.toml"))
            .output()
            .expect("hearth backup");
        let said = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success() && said.contains("integrity ok"), "backup {backups}: {said}");
        let _ = std::fs::remove_file(&target);
    }
    running.store(false, Ordering::SeqCst);
    runtime.block_on(load).expect("the load task");

    let (sent, answered) = (tally.sent.load(Ordering::SeqCst), tally.answered.load(Ordering::SeqCst));
    let failed = tally.failed.load(Ordering::SeqCst);
    let wal = std::fs::metadata(dir.join("hearth.db-wal")).map(|m| m.len()).unwrap_or(0);
    eprintln!("soak: {seconds} s, {sent} commands, {backups} backups, {failed} failures, WAL file {wal} bytes");
    assert!(backups >= 2 && sent > 1_000, "the soak ran too little: {sent} commands, {backups} backups");
    assert_eq!(answered, sent, "every command got an answer");
    assert_eq!(failed, 0, "no command failed (a locked database answers 'Something went wrong')");

    // Nothing acknowledged is missing from the ledger, nothing is there twice.
    let export = runtime.block_on(engine.export("soak")).expect("export").expect("the community");
    let count = |kind: &str| export.ledger.iter().filter(|row| row.kind == kind).count();
    assert_eq!(count("checkin"), tally.checkins.load(Ordering::SeqCst));
    assert_eq!(count("peer_award"), tally.gives.load(Ordering::SeqCst));
    let mismatches = runtime.block_on(engine.store().check_totals()).expect("totals check");
    assert!(mismatches.is_empty(), "{mismatches:?}");
    let _ = std::fs::remove_dir_all(dir);
}

async fn open(dir: &Path, url: &str) -> (Engine, SimulatedClock) {
    let config = Config::load(&dir.join("hearth.toml")).expect("config loads");
    let store = Store::connect(url).await.expect("store");
    let clock = SimulatedClock::starting_at("2026-03-02T08:00:00Z".parse().expect("instant"));
    let engine = Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await.expect("engine");
    (engine, clock)
}

/// Mixed commands, `IN_FLIGHT` at a time, until `running` turns false.
async fn load(engine: Engine, clock: SimulatedClock, tally: Arc<Tally>, running: Arc<AtomicBool>) {
    let permits = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    let mut n = 0usize;
    while running.load(Ordering::SeqCst) {
        n += 1;
        if n.is_multiple_of(500) {
            clock.advance(STEP);
        }
        let member = (n * 7919) % MEMBERS;
        let line = match n % 10 {
            0..=3 => "/checkin".to_string(),
            4..=6 => format!("/give @m{} {}", (member + 1 + n % 13) % MEMBERS, 1 + n % 5),
            7 => "/profile".to_string(),
            8 => "/leaderboard week".to_string(),
            _ => "/streak".to_string(),
        };
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        let (engine, tally) = (engine.clone(), tally.clone());
        tally.sent.fetch_add(1, Ordering::SeqCst);
        tasks.spawn(async move {
            let actor = Actor {
                platform: Platform::Console,
                user_id: format!("m{member}"),
                display_name: format!("m{member}"),
                is_bot: false,
                is_platform_admin: false,
            };
            let chat = ChatRef::Console { community: "soak".into() };
            let reply = engine.handle_text(actor, chat, &line).await.map(|r| r.to_plain_text()).unwrap_or_default();
            drop(permit);
            tally.answered.fetch_add(1, Ordering::SeqCst);
            if reply.contains("Something went wrong") {
                tally.failed.fetch_add(1, Ordering::SeqCst);
            } else if reply.contains("checked in: day") {
                tally.checkins.fetch_add(1, Ordering::SeqCst);
            } else if reply.contains(" gave ") {
                tally.gives.fetch_add(1, Ordering::SeqCst);
            }
        });
        // Reap finished tasks as we go, so the set stays small.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}
