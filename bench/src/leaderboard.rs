//! Leaderboard and rank at 10k, 100k (and 1M) members: `/leaderboard` through
//! the engine for the all-time, week and month windows, against the
//! maintained-totals top-10 query as the same-run baseline.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Datelike;
use hearth_bot::command::{Command, Window};
use hearth_bot::config::Config;
use hearth_bot::store::{Board, Store, WriteTx, connect_options};
use hearth_bot::{Engine, Platform, SimulatedClock};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use tokio::task::JoinSet;

use crate::Backend;
use crate::checkin::{BATCH_ROWS, request, sqlite_url};
use crate::latency::{Distribution, ms};

/// Member counts to measure.
pub const QUICK: &[usize] = &[10_000, 100_000];
pub const FULL: &[usize] = &[10_000, 100_000, 1_000_000];
/// Requests per window and size.
const SAMPLES: usize = 100;
const CONFIG: &str = r#"
[[community]]
id = "bench"
name = "Bench"
timezone = "Europe/Berlin"
"#;
const NOW: &str = "2026-03-02T12:00:00Z";

pub async fn run(sizes: &[usize], backend: Backend) -> anyhow::Result<()> {
    if backend == Backend::Postgres {
        return run_postgres(sizes).await;
    }
    let dir = std::env::temp_dir().join(format!("hearth-bench-leaderboard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut outcome = Ok(());
    for &members in sizes {
        let path = dir.join(format!("board-{members}.db"));
        outcome = measure_sqlite(&path, members).await;
        let _ = std::fs::remove_file(&path);
        if outcome.is_err() {
            break;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure_sqlite(path: &Path, members: usize) -> anyhow::Result<()> {
    let filled = Instant::now();
    fill(path, members).await?;
    println!(
        "leaderboard: {members} members, one ledger row each over 60 days (filled in {:.1} s)",
        filled.elapsed().as_secs_f64()
    );
    let baseline = top10_baseline(path).await?;
    measure(&sqlite_url(path), members, baseline).await
}

/// One cluster for every size, a database per size, dropped once measured.
async fn run_postgres(sizes: &[usize]) -> anyhow::Result<()> {
    let cluster = crate::pg::cluster()?;
    for &members in sizes {
        let url = cluster.create_database()?;
        let filled = Instant::now();
        crate::pg::fill_board(&url, members, NOW).await?;
        println!(
            "leaderboard (postgres): {members} members, one ledger row each over 60 days \
             (filled set-based and VACUUM ANALYZEd in {:.1} s)",
            filled.elapsed().as_secs_f64()
        );
        let baseline = crate::pg::top10_baseline(&url, SAMPLES).await?;
        measure(&url, members, baseline).await?;
        let name = url.split_once("localhost/").and_then(|(_, rest)| rest.split('?').next()).unwrap_or_default();
        cluster.psql(&cluster.url("postgres"), &format!("DROP DATABASE {name} WITH (FORCE)"))?;
    }
    Ok(())
}

async fn measure(url: &str, members: usize, baseline: Distribution) -> anyhow::Result<()> {
    println!("  baseline, top 10 from the totals table: {}", baseline.summary());
    let config = Config::from_toml_str(CONFIG, "bench.toml", Path::new("."))
        .map_err(|errors| anyhow::anyhow!("the benchmark's config: {errors}"))?;
    let store = Store::connect(url).await?;
    let clock = SimulatedClock::starting_at(NOW.parse().context("instant")?);
    let engine = Engine::open(store.clone(), config, Arc::new(clock.clone()), vec![Platform::Console]).await?;
    for window in [Window::All, Window::Week, Window::Month] {
        let mut latencies = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            // Members spread over the board, so ranks near the top and the bottom both count.
            let member = (i * 7919) % members;
            let started = Instant::now();
            let reply = engine.handle(request(member, Command::Leaderboard { window })).await;
            latencies.push(started.elapsed());
            anyhow::ensure!(!reply.lines.is_empty(), "an empty leaderboard answer");
        }
        let engine_board = Distribution::new(latencies);
        println!(
            "  engine /leaderboard {window:?} (top 10 + own rank): {} = {:.0}x the baseline p50",
            engine_board.summary(),
            ms(engine_board.quantile(0.5)) / ms(baseline.quantile(0.5)).max(0.001)
        );
    }
    for window in [Window::All, Window::Week, Window::Month] {
        let (top, rank) = store_reads(&store, members, window).await?;
        println!("  store, {window:?}: top 10 alone {}; one member's rank alone {}", top.summary(), rank.summary());
    }
    under_checkin_load(&engine, &clock, members).await?;
    store.close().await;
    Ok(())
}

/// Check-ins kept in flight while asking the all-time `/leaderboard` one at
/// a time: `LOADING` members check in, each taking the next member who has
/// not; once all have, the clock moves on a day and they start over (a
/// refusal would be cheaper than the real thing).
const LOADING: usize = 64;
/// `/leaderboard`s asked under that load, per path.
const LOADED_SAMPLES: usize = 300;

/// `/leaderboard` while check-ins keep the writer busy, answered through the
/// writer's batch (the baseline: every command was a job of the group
/// commit) and from the read model, in the same run on the same database.
async fn under_checkin_load(engine: &Engine, clock: &SimulatedClock, members: usize) -> anyhow::Result<()> {
    let next_member = Arc::new(AtomicUsize::new(0));
    for on_writer in [true, false] {
        clock.advance(chrono::Duration::days(1));
        next_member.store(0, Ordering::Relaxed);
        engine.answer_reads_on_writer(on_writer);
        let stop = Arc::new(AtomicBool::new(false));
        let checked_in = Arc::new(AtomicUsize::new(0));
        let mut load = JoinSet::new();
        for _ in 0..LOADING {
            let (engine, next, stop, checked_in) =
                (engine.clone(), next_member.clone(), stop.clone(), checked_in.clone());
            let clock = clock.clone();
            load.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n > 0 && n % members == 0 {
                        clock.advance(chrono::Duration::days(1));
                    }
                    let member = n % members;
                    let reply = engine.handle(request(member, Command::Checkin { note: None })).await;
                    checked_in.fetch_add(usize::from(!reply.ephemeral), Ordering::Relaxed);
                }
            });
        }
        // Let the writer's batches grow to their size under this load first.
        while checked_in.load(Ordering::Relaxed) < 2 * LOADING {
            tokio::task::yield_now().await;
        }
        let started = Instant::now();
        let counted_before = checked_in.load(Ordering::Relaxed);
        let mut latencies = Vec::with_capacity(LOADED_SAMPLES);
        for i in 0..LOADED_SAMPLES {
            let asker = (i * 7919) % members;
            let asked = Instant::now();
            let reply = engine.handle(request(asker, Command::Leaderboard { window: Window::All })).await;
            latencies.push(asked.elapsed());
            anyhow::ensure!(reply.lines.len() > 1, "an empty leaderboard answer under load");
        }
        let per_second = (checked_in.load(Ordering::Relaxed) - counted_before) as f64 / started.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        while let Some(done) = load.join_next().await {
            done.context("a check-in task panicked")?;
        }
        let board = Distribution::new(latencies);
        let path = if on_writer { "through the writer (baseline)" } else { "from the read model" };
        println!(
            "  /leaderboard All under {LOADING} check-ins in flight ({per_second:.0} check-ins/s meanwhile), {path}: {}",
            board.summary()
        );
    }
    engine.answer_reads_on_writer(false);
    Ok(())
}

/// The two reads of a `/leaderboard` answer timed apart, through the same
/// store functions the engine calls, inside one open write transaction (as
/// the writer runs them; rolled back after).
async fn store_reads(store: &Store, members: usize, window: Window) -> anyhow::Result<(Distribution, Distribution)> {
    const COMMUNITY: i64 = 1;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse()?;
    // NOW is a Monday in Berlin: its week starts that day, its month on the 1st.
    let today = now.date_naive();
    let board = match window {
        Window::Week => Some(Board::Week(today)),
        Window::Month => Some(Board::Month(today.with_day(1).context("first of the month")?)),
        Window::All => None,
        Window::Season => anyhow::bail!("seasons are summed from the ledger, not a maintained board"),
    };
    let mut writer = store.writer().await?;
    let mut tx = WriteTx::begin(&mut writer).await?;
    let (mut top, mut rank) = (Vec::with_capacity(SAMPLES), Vec::with_capacity(SAMPLES));
    for i in 0..SAMPLES {
        let member_id = ((i * 7919) % members) as i64 + 1;
        let started = Instant::now();
        let rows = match &board {
            Some(board) => tx.top_of_board(COMMUNITY, board, 10).await?,
            None => tx.top_all_time(COMMUNITY, 10).await?,
        };
        top.push(started.elapsed());
        anyhow::ensure!(rows.len() == 10, "a top 10 of {} rows", rows.len());
        let started = Instant::now();
        match &board {
            Some(board) => tx.rank_on_board(COMMUNITY, member_id, board).await?,
            None => tx.rank_all_time(COMMUNITY, member_id).await?,
        };
        rank.push(started.elapsed());
    }
    drop(tx);
    Ok((Distribution::new(top), Distribution::new(rank)))
}

async fn pool(path: &Path) -> anyhow::Result<SqlitePool> {
    Ok(SqlitePoolOptions::new().max_connections(1).connect_with(connect_options(&sqlite_url(path))?).await?)
}

/// `members` members with identities, a total each, and one ledger row each
/// spread over the last 60 days; the asking members exist for the engine.
async fn fill(path: &Path, members: usize) -> anyhow::Result<()> {
    Store::connect(&sqlite_url(path)).await?.close().await;
    let pool = pool(path).await?;
    sqlx::query("INSERT INTO communities (id, slug, created_at) VALUES (1, 'bench', ?)")
        .bind(NOW)
        .execute(&pool)
        .await?;
    let now: chrono::DateTime<chrono::Utc> = NOW.parse()?;
    let ids: Vec<i64> = (0..members as i64).collect();
    for chunk in ids.chunks(BATCH_ROWS) {
        let mut tx = pool.begin().await?;
        let mut rows = QueryBuilder::<Sqlite>::new("INSERT INTO members (id, community_id, name, joined_at) ");
        rows.push_values(chunk, |mut row, i| {
            row.push_bind(i + 1).push_bind(1).push_bind(format!("member{i}")).push_bind(NOW);
        });
        rows.build().execute(&mut *tx).await?;
        let mut rows =
            QueryBuilder::<Sqlite>::new("INSERT INTO identities (community_id, platform, user_id, member_id) ");
        rows.push_values(chunk, |mut row, i| {
            row.push_bind(1).push_bind("console").push_bind(format!("member{i}")).push_bind(i + 1);
        });
        rows.build().execute(&mut *tx).await?;
        let points = |i: i64| (i * 2_654_435_761) % 10_000;
        let mut rows = QueryBuilder::<Sqlite>::new("INSERT INTO totals (member_id, community_id, balance) ");
        rows.push_values(chunk, |mut row, i| {
            row.push_bind(i + 1).push_bind(1).push_bind(points(*i));
        });
        rows.build().execute(&mut *tx).await?;
        let mut rows = QueryBuilder::<Sqlite>::new(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) ",
        );
        rows.push_values(chunk, |mut row, i| {
            let at = now - chrono::Duration::minutes((*i * 37) % (60 * 24 * 60));
            row.push_bind(1)
                .push_bind(i + 1)
                .push_bind(points(*i))
                .push_bind("admin_award")
                .push_bind("bench")
                .push_bind(at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .push_bind(format!("bench:{i}"))
                .push_bind(at.format("%Y-%m-%d").to_string());
        });
        rows.build().execute(&mut *tx).await?;
        // Each ledger row's week and month board, as the store writes them
        // (`append_ledger_rows`); board_counts follows by its triggers.
        let mut rows =
            QueryBuilder::<Sqlite>::new("INSERT INTO board_points (member_id, community_id, board, points) ");
        let moves: Vec<(i64, String, i64)> = chunk
            .iter()
            .flat_map(|i| {
                let day = (now - chrono::Duration::minutes((*i * 37) % (60 * 24 * 60))).date_naive();
                let monday = day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
                let first = day - chrono::Duration::days(i64::from(day.day0()));
                [
                    (i + 1, format!("week:{}", monday.format("%Y-%m-%d")), points(*i)),
                    (i + 1, format!("month:{}", first.format("%Y-%m-%d")), points(*i)),
                ]
            })
            .collect();
        rows.push_values(moves, |mut row, (member, board, points)| {
            row.push_bind(member).push_bind(1).push_bind(board).push_bind(points);
        });
        rows.build().execute(&mut *tx).await?;
        tx.commit().await?;
    }
    pool.close().await;
    Ok(())
}

/// The cheapest possible board: the top 10 of the maintained totals.
async fn top10_baseline(path: &Path) -> anyhow::Result<Distribution> {
    let pool = pool(path).await?;
    let mut latencies: Vec<Duration> = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT member_id, balance FROM totals WHERE community_id = 1 ORDER BY balance DESC LIMIT 10",
        )
        .fetch_all(&pool)
        .await?;
        latencies.push(started.elapsed());
        anyhow::ensure!(rows.len() == 10, "the baseline found {} rows", rows.len());
    }
    pool.close().await;
    Ok(Distribution::new(latencies))
}
