//! The scheduler at many communities × 5 schedules, through the engine's
//! public API on a file database: how long computing the next fire takes
//! (against the `cron` crate called directly on the same expressions), what
//! one wake-up costs, how late posts are queued after their slot (against a
//! bare tokio sleep to the same instant), and the process's peak RSS.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use hearth_bot::config::Config;
use hearth_bot::domain::schedule::next_slot;
use hearth_bot::store::{Store, connect_options};
use hearth_bot::{Clock, Engine, Platform};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

use crate::Backend;
use crate::checkin::sqlite_url;
use crate::latency::{Distribution, ms};
use crate::memory::{Memory, mib, reset_own_peak};

#[derive(Clone, Copy)]
pub struct Size {
    communities: usize,
    /// Calls of each next-fire computation (the figure is their mean).
    next_fire_calls: usize,
}

pub const QUICK: Size = Size { communities: 2_000, next_fire_calls: 20 };
pub const FULL: Size = Size { communities: 10_000, next_fire_calls: 50 };

/// Every community's timezone is one of these, in turn: at `FIRE` two of the
/// four have a slot (Berlin's 09:00 topic, London's Monday 08:00 digest).
const ZONES: [&str; 4] = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Shanghai"];
const SCHEDULES: &str = r#"
[community.topics]
pool = ["What did you ship this week?", "What are you stuck on?"]

[community.challenge]
themes = ["Something small"]

[[community.schedule]]
id = "topic"
cron = "0 9 * * *"
action = "topic"

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"

[[community.schedule]]
id = "board"
cron = "0 18 * * 0"
action = "leaderboard"

[[community.schedule]]
id = "digest"
cron = "0 8 * * 1"
action = "digest"

[[community.schedule]]
id = "challenge"
cron = "0 10 * * 1"
action = "challenge_open"
"#;
const SCHEDULES_PER_COMMUNITY: usize = 5;
/// A Monday, 08:00 UTC: the instant whose posts are timed.
const FIRE: &str = "2026-03-02T08:00:00Z";
/// How often the drift watcher looks at the outbox; the drift's resolution.
const WATCH_EVERY: Duration = Duration::from_millis(10);
/// The longest the drift phase waits for the posts after their slot.
const DRIFT_TIMEOUT: Duration = Duration::from_secs(120);

pub async fn run(size: Size, backend: Backend) -> anyhow::Result<()> {
    let dir = crate::child::scratch("scheduler")?;
    let outcome = match backend {
        Backend::Sqlite => measure(&dir, size, &sqlite_url(&dir.join("scheduler.db"))).await,
        Backend::Postgres => {
            let cluster = crate::pg::cluster()?;
            measure(&dir, size, &cluster.create_database()?).await
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(dir: &Path, size: Size, url: &str) -> anyhow::Result<()> {
    let n = size.communities;
    let started = Instant::now();
    reset_own_peak()?;
    let before = Memory::of_self()?;
    println!(
        "scheduler: {n} communities × {SCHEDULES_PER_COMMUNITY} schedules on {}; RSS before the config {:.1} MiB",
        if url.starts_with("postgres") {
            "PostgreSQL".to_string()
        } else {
            format!("file SQLite in {}", dir.display())
        },
        mib(before.rss_kib)
    );

    let loading = Instant::now();
    let config = Config::from_toml_str(&config_text(n), "bench.toml", Path::new("."))
        .map_err(|errors| anyhow::anyhow!("the benchmark's config: {errors}"))?;
    let load_time = loading.elapsed();
    let fire: DateTime<Utc> = FIRE.parse().context("the fire instant")?;
    let clock = ShiftedClock::default();
    clock.set(fire - chrono::Duration::hours(1));
    let opening = Instant::now();
    let store = Store::connect(url).await?;
    let engine = Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await?;
    println!(
        "  config parsed and validated in {:.0} ms; engine opened (a row per community) in {:.0} ms",
        ms(load_time),
        ms(opening.elapsed())
    );

    // The config's parse is a peak of its own; the scheduler's is read apart.
    let loaded = Memory::of_self()?;
    reset_own_peak()?;
    let (hearth_next, cron_next) = next_fire(&engine, clock.now(), size.next_fire_calls)?;
    println!(
        "  next fire over all schedules: hearth {:.2} ms, the cron crate directly {:.2} ms (mean of {} calls)",
        ms(hearth_next),
        ms(cron_next),
        size.next_fire_calls
    );

    let first = Instant::now();
    engine.fire_due().await?;
    let first_wake = first.elapsed();
    clock.set(fire - chrono::Duration::minutes(59));
    let idle = Instant::now();
    engine.fire_due().await?;
    let idle_wake = idle.elapsed();
    println!(
        "  one wake-up: {:.0} ms the first time (a cursor per schedule written), {:.0} ms with nothing due",
        ms(first_wake),
        ms(idle_wake)
    );

    let due = posts_due_at(&engine, fire);
    let sleep = sleep_drift(due).await?;
    let drift = scheduler_drift(&engine, &clock, url, fire, due, idle_wake).await?;
    println!("  {due} posts due at one instant, late by: {}", drift.summary());
    println!("  a bare tokio sleep to one instant ({due} sleepers), late by: {}", sleep.summary());

    let after = Memory::of_self()?;
    let peak_kib = after.peak_kib.max(loaded.peak_kib);
    println!(
        "  peak RSS {:.1} MiB ({:.1} MiB before the config; {:.1} KiB more per community): \
         {:.1} MiB loading the config and opening, {:.1} MiB after that; scheduling and firing peaked at {:.1} MiB",
        mib(peak_kib),
        mib(before.rss_kib),
        peak_kib.saturating_sub(before.rss_kib) as f64 / n as f64,
        mib(loaded.peak_kib),
        mib(loaded.rss_kib),
        mib(after.peak_kib)
    );
    let per_10k = 10_000.0 / n as f64;
    println!(
        "scheduler: next_fire_ms_per_10k={:.2} hearth/cron={:.2} wake_ms_per_10k={:.0} drift_p99_ms={:.0} sleep_p99_ms={:.2} peak_rss_mib={:.1} firing_peak_rss_mib={:.1}",
        ms(hearth_next) * per_10k,
        hearth_next.as_secs_f64() / cron_next.as_secs_f64(),
        ms(idle_wake) * per_10k,
        ms(drift.quantile(0.99)),
        ms(sleep.quantile(0.99)),
        mib(peak_kib),
        mib(after.peak_kib)
    );
    eprintln!("(the run took {:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

fn config_text(communities: usize) -> String {
    let mut text = String::new();
    for i in 0..communities {
        let zone = ZONES[i % ZONES.len()];
        text.push_str(&format!("[[community]]\nid = \"c{i}\"\nname = \"Community {i}\"\ntimezone = \"{zone}\"\n"));
        text.push_str(SCHEDULES);
    }
    text
}

/// The mean time of one next-fire computation over every schedule: the
/// engine's (`next_due_after`: local wall-clock slots, DST-safe) and the
/// `cron` crate's own iterator in each community's timezone.
fn next_fire(engine: &Engine, now: DateTime<Utc>, calls: usize) -> anyhow::Result<(Duration, Duration)> {
    let served = engine.served();
    let started = Instant::now();
    let mut hearth = None;
    for _ in 0..calls {
        hearth = std::hint::black_box(engine.next_due_after(now));
    }
    let hearth_time = started.elapsed() / calls.max(1) as u32;
    // hearth keeps no `cron::Schedule`; the crate's are parsed before timing.
    let crate_schedules = served
        .config
        .communities
        .iter()
        .flat_map(|c| c.schedules.iter().map(move |s| (c.timezone, s.cron.cron_schedule())))
        .map(|(zone, schedule)| Ok((zone, schedule?)))
        .collect::<Result<Vec<_>, hearth_bot::config::cron::CronError>>()
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let started = Instant::now();
    let mut direct = None;
    for _ in 0..calls {
        direct = std::hint::black_box(
            crate_schedules
                .iter()
                .filter_map(|(zone, schedule)| schedule.after(&now.with_timezone(zone)).next())
                .map(|at| at.with_timezone(&Utc))
                .min(),
        );
    }
    let direct_time = started.elapsed() / calls.max(1) as u32;
    anyhow::ensure!(
        hearth.is_some() && hearth == direct,
        "the engine's next fire {hearth:?} differs from the cron crate's {direct:?}"
    );
    Ok((hearth_time, direct_time))
}

/// How many schedules have a slot at `at`.
fn posts_due_at(engine: &Engine, at: DateTime<Utc>) -> usize {
    let before = at - chrono::Duration::seconds(1);
    let served = engine.served();
    served
        .config
        .communities
        .iter()
        .flat_map(|c| c.schedules.iter().map(move |s| (c, s)))
        .filter(|(c, s)| next_slot(&s.cron, c.timezone, before).is_some_and(|slot| slot.at == at))
        .count()
}

/// `sleepers` tasks sleep until the same instant; how late each wakes.
async fn sleep_drift(sleepers: usize) -> anyhow::Result<Distribution> {
    let target = tokio::time::Instant::now() + Duration::from_millis(300);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..sleepers {
        tasks.spawn(async move {
            tokio::time::sleep_until(target).await;
            target.elapsed()
        });
    }
    let mut late = Vec::with_capacity(sleepers);
    while let Some(done) = tasks.join_next().await {
        late.push(done.context("a sleeper panicked")?);
    }
    Ok(Distribution::new(late))
}

/// Runs the engine's scheduler loop on a clock a little before `fire` and
/// watches the outbox: each post's drift is when it was first seen there
/// (committed, so a delivery worker could take it) minus its slot's instant.
/// The lead leaves room for the loop's first wake-up, which looks at every
/// schedule once before the loop sleeps.
async fn scheduler_drift(
    engine: &Engine,
    clock: &ShiftedClock,
    url: &str,
    fire: DateTime<Utc>,
    expected: usize,
    wake: Duration,
) -> anyhow::Result<Distribution> {
    let watcher = OutboxWatcher::open(url).await?;
    let lead = wake * 2 + Duration::from_secs(1);
    clock.set(fire - chrono::Duration::from_std(lead)?);
    let fire_instant = Instant::now() + lead;
    let scheduler = tokio::spawn(engine.clone().run_scheduler());
    let mut last_seen = 0i64;
    let mut drifts = Vec::with_capacity(expected);
    let deadline = fire_instant + DRIFT_TIMEOUT;
    while drifts.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(WATCH_EVERY).await;
        let ids = watcher.ids_after(last_seen).await?;
        let seen = Instant::now();
        for id in ids {
            last_seen = id;
            drifts.push(seen.saturating_duration_since(fire_instant));
        }
    }
    scheduler.abort();
    watcher.close().await;
    anyhow::ensure!(
        drifts.len() == expected,
        "{} of {expected} posts were queued within {} s of their slot",
        drifts.len(),
        DRIFT_TIMEOUT.as_secs()
    );
    Ok(Distribution::new(drifts))
}

/// A read-only connection of its own that sees posts as they are committed.
enum OutboxWatcher {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl OutboxWatcher {
    async fn open(url: &str) -> anyhow::Result<OutboxWatcher> {
        Ok(if url.starts_with("postgres") {
            OutboxWatcher::Postgres(
                PgPoolOptions::new().max_connections(1).connect(url).await.context("opening the outbox watcher")?,
            )
        } else {
            OutboxWatcher::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(connect_options(url)?.read_only(true))
                    .await
                    .context("opening the outbox watcher")?,
            )
        })
    }

    async fn ids_after(&self, last_seen: i64) -> anyhow::Result<Vec<i64>> {
        let rows: Vec<(i64,)> = match self {
            OutboxWatcher::Sqlite(pool) => {
                sqlx::query_as("SELECT id FROM outbox WHERE id > ? ORDER BY id").bind(last_seen).fetch_all(pool).await
            }
            OutboxWatcher::Postgres(pool) => {
                sqlx::query_as("SELECT id FROM outbox WHERE id > $1 ORDER BY id").bind(last_seen).fetch_all(pool).await
            }
        }
        .context("watching the outbox")?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn close(self) {
        match self {
            OutboxWatcher::Sqlite(pool) => pool.close().await,
            OutboxWatcher::Postgres(pool) => pool.close().await,
        }
    }
}

/// The wall clock shifted by an offset that can be changed, so the real
/// scheduler loop (which sleeps in real time) can be put just before a slot.
#[derive(Clone, Default)]
struct ShiftedClock {
    offset_ms: Arc<AtomicI64>,
}

impl ShiftedClock {
    fn set(&self, to: DateTime<Utc>) {
        self.offset_ms.store((to - Utc::now()).num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }
}
