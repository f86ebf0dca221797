//! Check-ins: the engine (many members, concurrent commands, file SQLite with
//! the shipped settings) against two baselines that write the same rows:
//! one transaction per check-in (naive) and 1,000-row multi-row INSERT
//! transactions (the batch limit). Then an open-loop phase at a fixed
//! offered rate for the latency target.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use hearth_bot::command::Command;
use hearth_bot::config::Config;
use hearth_bot::store::{Store, connect_options};
use hearth_bot::{Actor, ChatRef, Engine, Platform, Request, SimulatedClock};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::Backend;
use crate::latency::{Distribution, ms};

#[derive(Clone, Copy)]
pub struct Size {
    pub members: usize,
    /// Commands in flight at once in the first closed-loop phase (a busy chat).
    pub concurrency: usize,
    /// Commands in flight in the second (a burst: everyone taps the daily
    /// button at once). As deep as the batch limit's transactions, so the
    /// two are compared on equal terms.
    pub burst: usize,
    /// Offered load of the open-loop phase, and how long it lasts.
    pub offered_per_second: u64,
    pub open_loop_seconds: u64,
}

pub const QUICK: Size =
    Size { members: 20_000, concurrency: 32, burst: BATCH_ROWS, offered_per_second: 1_000, open_loop_seconds: 3 };
pub const FULL: Size =
    Size { members: 50_000, concurrency: 64, burst: BATCH_ROWS, offered_per_second: 1_000, open_loop_seconds: 20 };

/// Rows per transaction of the batch baseline.
pub const BATCH_ROWS: usize = 1_000;
const COMMUNITY: &str = "bench";
const CONFIG: &str = r#"
[[community]]
id = "bench"
name = "Bench"
timezone = "Europe/Berlin"

[community.checkin]
points = 10
streak_bonus = [{ days = 7, points = 50 }]

[[community.badge]]
id = "regular"
name = "Regular"
when = "checkins >= 10"
"#;

pub async fn run(size: Size, backend: Backend) -> anyhow::Result<()> {
    if backend == Backend::Postgres {
        return crate::pg::checkin(size).await;
    }
    let dir = std::env::temp_dir().join(format!("hearth-bench-checkin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let outcome = measure(&dir, size).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(dir: &Path, size: Size) -> anyhow::Result<()> {
    let n = size.members;
    println!(
        "check-ins: {n} members, file SQLite (WAL, synchronous={}) in {}",
        std::env::var("HEARTH_BENCH_SYNCHRONOUS").unwrap_or_else(|_| "FULL".into()),
        dir.display()
    );
    let started = Instant::now();

    let bench = EngineBench::open(&sqlite_url(&dir.join("engine.db"))).await?;
    bench.create_members(n, size.concurrency).await?;
    let (steady_rate, steady) = bench.closed_loop(n, size.concurrency).await?;
    println!("  engine, {} in flight: {steady_rate:.0} check-ins/s ({})", size.concurrency, steady.summary());
    bench.clock.advance(chrono::Duration::days(1));
    let (engine_rate, burst) = bench.closed_loop(n, size.burst).await?;
    println!("  engine, {} in flight: {engine_rate:.0} check-ins/s ({})", size.burst, burst.summary());

    bench.clock.advance(chrono::Duration::days(1));
    let written_before = crate::disk::written_by_self()?;
    let open = bench.open_loop(n, size.offered_per_second, size.open_loop_seconds).await?;
    let written = crate::disk::written_by_self()? - written_before;
    println!(
        "  engine, {} check-ins/s offered for {} s: {}",
        size.offered_per_second,
        size.open_loop_seconds,
        open.summary()
    );
    // Mostly one check-in per transaction at this rate: each commit writes
    // every page it touched to the WAL, and checkpoints write them again.
    let offered = size.offered_per_second * size.open_loop_seconds;
    println!("    written to disk meanwhile: {:.1} KiB per check-in", written as f64 / 1024.0 / offered as f64);

    // The WAL file keeps its longest length (SQLite reuses it from the start):
    // how far it grew while the engine wrote without pause.
    let wal = std::fs::metadata(dir.join("engine.db-wal")).map(|m| m.len()).unwrap_or(0);
    println!("  engine's WAL file at its longest: {:.1} MiB", wal as f64 / (1024.0 * 1024.0));

    let naive_rate = naive(&dir.join("naive.db"), n).await?;
    println!("  naive, one transaction per check-in: {naive_rate:.0} check-ins/s");
    let batch_rate = batch(&dir.join("batch.db"), n).await?;
    println!("  batch limit, {BATCH_ROWS}-row multi-row INSERTs: {batch_rate:.0} check-ins/s");

    println!(
        "  with {} in flight: engine/naive={:.2} engine/batch={:.2}",
        size.concurrency,
        steady_rate / naive_rate,
        steady_rate / batch_rate
    );
    println!(
        "checkin: engine/naive={:.2} engine/batch={:.2} p99_ms={:.2}",
        engine_rate / naive_rate,
        engine_rate / batch_rate,
        ms(open.quantile(0.99))
    );
    eprintln!("(the run took {:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

pub struct EngineBench {
    pub engine: Engine,
    pub clock: SimulatedClock,
    pub store: Store,
}

impl EngineBench {
    /// An engine on the database at `url` (either backend).
    pub async fn open(url: &str) -> anyhow::Result<EngineBench> {
        let config = Config::from_toml_str(CONFIG, "bench.toml", Path::new("."))
            .map_err(|errors| anyhow::anyhow!("the benchmark's config: {errors}"))?;
        let store = Store::connect(url).await?;
        let start: DateTime<Utc> = "2026-03-02T12:00:00Z".parse().context("start instant")?;
        let clock = SimulatedClock::starting_at(start);
        let engine = Engine::open(store.clone(), config, Arc::new(clock.clone()), vec![Platform::Console]).await?;
        Ok(EngineBench { engine, clock, store })
    }

    /// Every member says /streak once, so the measured phases find them.
    pub async fn create_members(&self, n: usize, concurrency: usize) -> anyhow::Result<()> {
        self.create_members_in(0..n, concurrency).await
    }

    /// The members numbered `members` (`request`'s numbering) say /streak once.
    pub async fn create_members_in(&self, members: std::ops::Range<usize>, concurrency: usize) -> anyhow::Result<()> {
        self.run_all(members.map(|i| request(i, Command::Streak)), concurrency).await.map(drop)
    }

    pub async fn closed_loop(&self, n: usize, concurrency: usize) -> anyhow::Result<(f64, Distribution)> {
        self.closed_loop_in(0..n, concurrency).await
    }

    /// The members numbered `members` check in, `concurrency` in flight.
    pub async fn closed_loop_in(
        &self,
        members: std::ops::Range<usize>,
        concurrency: usize,
    ) -> anyhow::Result<(f64, Distribution)> {
        let n = members.len();
        let started = Instant::now();
        let latencies = self.run_all(members.map(|i| request(i, Command::Checkin { note: None })), concurrency).await?;
        Ok((n as f64 / started.elapsed().as_secs_f64(), Distribution::new(latencies)))
    }

    /// `concurrency` commands in flight until all are answered; each one's latency.
    async fn run_all(
        &self,
        requests: impl Iterator<Item = Request>,
        concurrency: usize,
    ) -> anyhow::Result<Vec<Duration>> {
        let permits = Arc::new(Semaphore::new(concurrency));
        let mut tasks = JoinSet::new();
        for request in requests {
            let permit = permits.clone().acquire_owned().await?;
            let engine = self.engine.clone();
            tasks.spawn(async move {
                let started = Instant::now();
                let checkin = matches!(request.command, Command::Checkin { .. });
                let reply = engine.handle(request).await;
                drop(permit);
                (started.elapsed(), checkin && reply.ephemeral)
            });
        }
        collect(tasks).await
    }

    /// Check-ins offered at a fixed rate, whatever the answers do; latency
    /// counts from the instant each was due, so queueing shows.
    pub async fn open_loop(&self, n: usize, per_second: u64, seconds: u64) -> anyhow::Result<Distribution> {
        let total = (per_second * seconds) as usize;
        anyhow::ensure!(total <= n, "the open-loop phase needs {total} members, there are {n}");
        let mut ticks = tokio::time::interval(Duration::from_secs(1) / per_second as u32);
        let mut tasks = JoinSet::new();
        for i in 0..total {
            let due = ticks.tick().await;
            let engine = self.engine.clone();
            tasks.spawn(async move {
                let reply = engine.handle(request(i, Command::Checkin { note: None })).await;
                (due.elapsed(), reply.ephemeral)
            });
        }
        Ok(Distribution::new(collect(tasks).await?))
    }
}

/// Latencies of finished tasks. A check-in answers publicly; a private
/// answer to one is a refusal or a failure, and fails the benchmark.
async fn collect(mut tasks: JoinSet<(Duration, bool)>) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut refused = 0;
    while let Some(done) = tasks.join_next().await {
        let (latency, private) = done.context("a benchmark task panicked")?;
        refused += usize::from(private);
        latencies.push(latency);
    }
    anyhow::ensure!(refused == 0, "{refused} commands were refused or failed");
    Ok(latencies)
}

pub fn request(member: usize, command: Command) -> Request {
    Request {
        actor: Actor {
            platform: Platform::Console,
            user_id: format!("member{member}"),
            display_name: format!("member{member}"),
            is_bot: false,
            is_platform_admin: false,
        },
        chat: ChatRef::Console { community: COMMUNITY.to_string() },
        command,
        event_id: None,
    }
}

/// `HEARTH_BENCH_SYNCHRONOUS=normal` measures every phase (engine and
/// baselines alike) with the opt-out durability level instead of FULL.
pub fn sqlite_url(path: &Path) -> String {
    match std::env::var("HEARTH_BENCH_SYNCHRONOUS") {
        Ok(level) => format!("sqlite://{}?synchronous={level}", path.display()),
        Err(_) => format!("sqlite://{}", path.display()),
    }
}

/// A database with hearth's schema and `n` members, opened the way hearth
/// opens it, on one connection (SQLite has one writer).
async fn baseline_db(path: &Path, n: usize) -> anyhow::Result<SqlitePool> {
    Store::connect(&sqlite_url(path)).await?.close().await;
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(connect_options(&sqlite_url(path))?).await?;
    sqlx::query("INSERT INTO communities (id, slug, created_at) VALUES (1, 'bench', '2026-03-02T12:00:00Z')")
        .execute(&pool)
        .await?;
    for chunk in (1..=n as i64).collect::<Vec<_>>().chunks(BATCH_ROWS) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO members (id, community_id, name, joined_at) ");
        insert.push_values(chunk, |mut row, id| {
            row.push_bind(id).push_bind(1).push_bind(format!("member{id}")).push_bind("2026-03-02T12:00:00Z");
        });
        insert.build().execute(&pool).await?;
    }
    Ok(pool)
}

/// The day the engine's burst checks in: every member's second check-in, so
/// totals, streaks and board rows already exist and are updated, not
/// created. The baselines write their first day untimed to reach the same
/// state (`Day::FIRST`), then time the second (`Day::SECOND`).
#[derive(Clone, Copy)]
pub struct Day {
    pub day: &'static str,
    pub at: &'static str,
    pub streak: i64,
    /// The week and month boards the day's ledger rows move, as hearth
    /// writes them (`board_points`).
    pub boards: [&'static str; 2],
}

impl Day {
    pub const FIRST: Day = Day {
        day: "2026-03-02",
        at: "2026-03-02T12:00:00Z",
        streak: 1,
        boards: ["week:2026-03-02", "month:2026-03-01"],
    };
    pub const SECOND: Day = Day {
        day: "2026-03-03",
        at: "2026-03-03T12:00:00Z",
        streak: 2,
        boards: ["week:2026-03-02", "month:2026-03-01"],
    };
}

/// One transaction per check-in: the check-in, the member's streak, the
/// ledger row, the running total and the week and month boards, as hearth
/// writes them.
async fn naive(path: &Path, n: usize) -> anyhow::Result<f64> {
    let pool = baseline_db(path, n).await?;
    let ids: Vec<i64> = (1..=n as i64).collect();
    write_batches(&pool, &ids, Day::FIRST).await?;
    let Day { day, at, streak, boards: [week, month] } = Day::SECOND;
    let started = Instant::now();
    for &id in &ids {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("INSERT INTO checkins (member_id, local_day, at) VALUES (?, ?, ?)")
            .bind(id)
            .bind(day)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE members SET streak = ?, best_streak = ?, freezes = 0, last_checkin_day = ? WHERE id = ?")
            .bind(streak)
            .bind(streak)
            .bind(day)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
             VALUES (1, ?, 10, 'checkin', 'check-in', ?, ?, ?)",
        )
        .bind(id)
        .bind(at)
        .bind(format!("checkin:{id}:{day}"))
        .bind(day)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO totals (member_id, community_id, balance) VALUES (?, 1, 10) \
             ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO board_points (member_id, community_id, board, points) VALUES (?1, 1, ?2, 10), (?1, 1, ?3, 10) \
             ON CONFLICT (member_id, board) DO UPDATE SET points = points + excluded.points",
        )
        .bind(id)
        .bind(week)
        .bind(month)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

/// The same rows in transactions of `BATCH_ROWS`, each table written with
/// one multi-row statement.
async fn batch(path: &Path, n: usize) -> anyhow::Result<f64> {
    let pool = baseline_db(path, n).await?;
    let ids: Vec<i64> = (1..=n as i64).collect();
    write_batches(&pool, &ids, Day::FIRST).await?;
    let started = Instant::now();
    write_batches(&pool, &ids, Day::SECOND).await?;
    let rate = n as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

/// One day's check-ins of `ids` in transactions of `BATCH_ROWS`.
async fn write_batches(pool: &SqlitePool, ids: &[i64], Day { day, at, streak, boards }: Day) -> anyhow::Result<()> {
    for chunk in ids.chunks(BATCH_ROWS) {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut checkins = QueryBuilder::<Sqlite>::new("INSERT INTO checkins (member_id, local_day, at) ");
        checkins.push_values(chunk, |mut row, id| {
            row.push_bind(id).push_bind(day).push_bind(at);
        });
        checkins.build().execute(&mut *tx).await?;
        let (first, last) = (chunk[0], chunk[chunk.len() - 1]);
        sqlx::query(
            "UPDATE members SET streak = ?, best_streak = ?, freezes = 0, last_checkin_day = ? \
             WHERE id BETWEEN ? AND ?",
        )
        .bind(streak)
        .bind(streak)
        .bind(day)
        .bind(first)
        .bind(last)
        .execute(&mut *tx)
        .await?;
        let mut ledger = QueryBuilder::<Sqlite>::new(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) ",
        );
        ledger.push_values(chunk, |mut row, id| {
            row.push_bind(1)
                .push_bind(id)
                .push_bind(10)
                .push_bind("checkin")
                .push_bind("check-in")
                .push_bind(at)
                .push_bind(format!("checkin:{id}:{day}"))
                .push_bind(day);
        });
        ledger.build().execute(&mut *tx).await?;
        let mut totals = QueryBuilder::<Sqlite>::new("INSERT INTO totals (member_id, community_id, balance) ");
        totals.push_values(chunk, |mut row, id| {
            row.push_bind(id).push_bind(1).push_bind(10);
        });
        totals.push(" ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance");
        totals.build().execute(&mut *tx).await?;
        let moves: Vec<(i64, &str)> = chunk.iter().flat_map(|&id| boards.map(|board| (id, board))).collect();
        let mut board_points =
            QueryBuilder::<Sqlite>::new("INSERT INTO board_points (member_id, community_id, board, points) ");
        board_points.push_values(moves, |mut row, (id, board)| {
            row.push_bind(id).push_bind(1).push_bind(board).push_bind(10);
        });
        board_points.push(" ON CONFLICT (member_id, board) DO UPDATE SET points = points + excluded.points");
        board_points.build().execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(())
}
