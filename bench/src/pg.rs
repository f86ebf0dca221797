//! The PostgreSQL side of `checkin` and `leaderboard` (`--backend
//! postgres`): a throwaway cluster with production durability, the engine on
//! it, and the same-run baselines written with sqlx on the same server.

use std::time::{Duration, Instant};

use anyhow::Context;
use hearth_bot::store::Store;
use hearth_testkit::{PgCluster, PgOptions};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::checkin::{Day, EngineBench, Size};
use crate::latency::{Distribution, ms};

/// Members the naive baseline checks in (its rate does not depend on how
/// many: one commit, one fsync per check-in).
const NAIVE_MEMBERS: usize = 2_000;

/// A fresh cluster with fsync, synchronous_commit and full_page_writes on.
pub fn cluster() -> anyhow::Result<PgCluster> {
    PgCluster::start(PgOptions::for_benchmarks())?
        .context("no PostgreSQL server binaries (initdb) found: install PostgreSQL to run this benchmark")
}

/// The server's version and durability settings, for the first line.
async fn describe(url: &str) -> anyhow::Result<String> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await.context("connecting to PostgreSQL")?;
    let (version, fsync, commit): (String, String, String) = sqlx::query_as(
        "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    Ok(format!("PostgreSQL {version} (fsync={fsync}, synchronous_commit={commit})"))
}

/// Check-ins through the engine on PostgreSQL against one transaction per
/// check-in on the same server, each on its own database.
pub async fn checkin(size: Size) -> anyhow::Result<()> {
    let n = size.members;
    let started = Instant::now();
    let cluster = cluster()?;
    let engine_url = cluster.create_database()?;
    println!("check-ins: {n} members, {}, unix socket", describe(&engine_url).await?);

    let bench = EngineBench::open(&engine_url).await?;
    bench.create_members(n, size.concurrency).await?;
    let (steady_rate, steady) = bench.closed_loop(n, size.concurrency).await?;
    println!("  engine, {} in flight: {steady_rate:.0} check-ins/s ({})", size.concurrency, steady.summary());
    bench.clock.advance(chrono::Duration::days(1));
    let (engine_rate, burst) = bench.closed_loop(n, size.burst).await?;
    println!("  engine, {} in flight: {engine_rate:.0} check-ins/s ({})", size.burst, burst.summary());
    bench.clock.advance(chrono::Duration::days(1));
    let open = bench.open_loop(n, size.offered_per_second, size.open_loop_seconds).await?;
    println!(
        "  engine, {} check-ins/s offered for {} s: {}",
        size.offered_per_second,
        size.open_loop_seconds,
        open.summary()
    );
    let mismatches = bench.store.check_totals().await?;
    anyhow::ensure!(mismatches.is_empty(), "{} totals differ from their ledger sums", mismatches.len());
    bench.store.close().await;

    // Every naive check-in waits for its own fsync: a rate from fewer members.
    let naive_members = n.min(NAIVE_MEMBERS);
    let naive_rate = naive(&cluster.create_database()?, naive_members).await?;
    println!("  naive, one transaction per check-in ({naive_members} members): {naive_rate:.0} check-ins/s");
    println!("  with {} in flight: engine/naive={:.2}", size.concurrency, steady_rate / naive_rate);
    println!("checkin (postgres): engine/naive={:.2} p99_ms={:.2}", engine_rate / naive_rate, ms(open.quantile(0.99)));
    eprintln!("(the run took {:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// A database with hearth's schema (migrated by `Store::connect`) and `n`
/// members, on one connection.
async fn baseline_db(url: &str, n: usize) -> anyhow::Result<PgPool> {
    Store::connect(url).await?.close().await;
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await.context("connecting to PostgreSQL")?;
    sqlx::query("INSERT INTO communities (id, slug, created_at) VALUES (1, 'bench', '2026-03-02T12:00:00Z')")
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO members (id, community_id, name, joined_at) \
         SELECT i, 1, 'member' || i, '2026-03-02T12:00:00Z' FROM generate_series(1, $1::bigint) AS i",
    )
    .bind(n as i64)
    .execute(&pool)
    .await?;
    Ok(pool)
}

/// One transaction per check-in, the same rows as the SQLite naive
/// baseline: the check-in, the member's streak, the ledger row, the running
/// total and the week and month boards. The first day is written untimed
/// and set-based; the second is timed (totals, streaks and board rows exist
/// and are updated, as for the engine's burst).
async fn naive(url: &str, n: usize) -> anyhow::Result<f64> {
    let pool = baseline_db(url, n).await?;
    first_day(&pool, n).await?;
    let Day { day, at, streak, boards: [week, month] } = Day::SECOND;
    let started = Instant::now();
    for id in 1..=n as i64 {
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO checkins (member_id, local_day, at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(day)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE members SET streak = $1, best_streak = $1, freezes = 0, last_checkin_day = $2 WHERE id = $3",
        )
        .bind(streak)
        .bind(day)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
             VALUES (1, $1, 10, 'checkin', 'check-in', $2, $3, $4)",
        )
        .bind(id)
        .bind(at)
        .bind(format!("checkin:{id}:{day}"))
        .bind(day)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO totals (member_id, community_id, balance) VALUES ($1, 1, 10) \
             ON CONFLICT (member_id) DO UPDATE SET balance = totals.balance + EXCLUDED.balance",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO board_points (member_id, community_id, board, points) VALUES ($1, 1, $2, 10), ($1, 1, $3, 10) \
             ON CONFLICT (member_id, board) DO UPDATE SET points = board_points.points + EXCLUDED.points",
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

/// `Day::FIRST` for every member, one statement per table.
async fn first_day(pool: &PgPool, n: usize) -> anyhow::Result<()> {
    let Day { day, at, streak, boards } = Day::FIRST;
    let n = n as i64;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO checkins (member_id, local_day, at) SELECT i, $2, $3 FROM generate_series(1, $1::bigint) AS i",
    )
    .bind(n)
    .bind(day)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE members SET streak = $1, best_streak = $1, freezes = 0, last_checkin_day = $2")
        .bind(streak)
        .bind(day)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
         SELECT 1, i, 10, 'checkin', 'check-in', $3, 'checkin:' || i || ':' || $2::text, $2 \
         FROM generate_series(1, $1::bigint) AS i",
    )
    .bind(n)
    .bind(day)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO totals (member_id, community_id, balance) SELECT i, 1, 10 FROM generate_series(1, $1::bigint) AS i",
    )
    .bind(n)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO board_points (member_id, community_id, board, points) \
         SELECT i, 1, b, 10 FROM generate_series(1, $1::bigint) AS i, UNNEST($2::text[]) AS b",
    )
    .bind(n)
    .bind(boards.map(String::from).to_vec())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The leaderboard's data set on PostgreSQL, set-based: `members` members
/// with identities, a total each and one ledger row each over the last 60
/// days (the same values as the SQLite fill), the week and month
/// `board_points` of those rows, and `board_counts` computed from both (the
/// counting triggers are off while filling: `session_replication_role`).
/// Then `VACUUM ANALYZE`, so the rank sums can be index-only scans (they
/// need all-visible pages) and the planner knows the tables' sizes.
pub async fn fill_board(url: &str, members: usize, now: &str) -> anyhow::Result<()> {
    Store::connect(url).await?.close().await;
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await.context("connecting to PostgreSQL")?;
    let n = members as i64;
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO communities (id, slug, created_at) VALUES (1, 'bench', $1)")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // (statement, whether it reads $2 = now) — every statement reads $1 = members.
    let statements = [
        (
            "INSERT INTO members (id, community_id, name, joined_at) \
             SELECT i + 1, 1, 'member' || i, $2 FROM generate_series(0, $1::bigint - 1) AS i",
            true,
        ),
        (
            "INSERT INTO identities (community_id, platform, user_id, member_id) \
             SELECT 1, 'console', 'member' || i, i + 1 FROM generate_series(0, $1::bigint - 1) AS i",
            false,
        ),
        (
            "INSERT INTO totals (member_id, community_id, balance) \
             SELECT i + 1, 1, (i * 2654435761) % 10000 FROM generate_series(0, $1::bigint - 1) AS i",
            false,
        ),
        (
            "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
             SELECT 1, i + 1, (i * 2654435761) % 10000, 'admin_award', 'bench', \
                    to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'bench:' || i, to_char(t, 'YYYY-MM-DD') \
             FROM generate_series(0, $1::bigint - 1) AS i, \
                  LATERAL (SELECT $2::timestamp - make_interval(mins => ((i * 37) % (60 * 24 * 60))::int) AS t) AS at",
            true,
        ),
    ];
    for (statement, reads_now) in statements {
        let query = sqlx::query(statement).bind(n);
        let query = if reads_now { query.bind(now) } else { query };
        query.execute(&mut *tx).await.with_context(|| statement.to_string())?;
    }
    // Each ledger row's week (from its Monday) and month, as the store writes them.
    sqlx::query(
        "INSERT INTO board_points (member_id, community_id, board, points) \
         SELECT member_id, 1, b.board, delta FROM ledger, \
              LATERAL (VALUES ('week:' || to_char(date_trunc('week', local_day::date), 'YYYY-MM-DD')), \
                              ('month:' || to_char(date_trunc('month', local_day::date), 'YYYY-MM-DD'))) AS b(board)",
    )
    .execute(&mut *tx)
    .await
    .context("filling the week and month boards")?;
    sqlx::query(
        "INSERT INTO board_counts (community_id, board, points, members) \
         SELECT community_id, board, points, COUNT(*) FROM board_points GROUP BY community_id, board, points \
         UNION ALL \
         SELECT community_id, 'all', balance, COUNT(*) FROM totals GROUP BY community_id, balance",
    )
    .execute(&mut *tx)
    .await
    .context("counting the boards")?;
    tx.commit().await?;
    sqlx::query("VACUUM ANALYZE").execute(&pool).await.context("VACUUM ANALYZE")?;
    pool.close().await;
    Ok(())
}

/// The cheapest possible board: the top 10 of the maintained totals, on a
/// pool connection.
pub async fn top10_baseline(url: &str, samples: usize) -> anyhow::Result<Distribution> {
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await.context("connecting to PostgreSQL")?;
    let mut latencies: Vec<Duration> = Vec::with_capacity(samples);
    for _ in 0..samples {
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
