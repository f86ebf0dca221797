//! The web pages' reads at size: the admin dashboard's figures (30 days)
//! and a public leaderboard page, at 100k members and 1M ledger rows (10
//! check-ins each over 90 days, each with its ledger row), on SQLite and
//! PostgreSQL, against the cheapest board read (top 10 of the totals
//! table) as the same-run baseline.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hearth_bot::command::Window;
use hearth_bot::config::Config;
use hearth_bot::engine::web::RangeDays;
use hearth_bot::store::Store;
use hearth_bot::{Engine, Platform, SimulatedClock};

use crate::Backend;
use crate::checkin::sqlite_url;
use crate::latency::{Distribution, ms};

pub const QUICK_MEMBERS: usize = 10_000;
pub const FULL_MEMBERS: usize = 100_000;
/// Check-ins (and ledger rows) per member.
const CHECKINS_EACH: i64 = 10;
const SAMPLES: usize = 50;
const NOW: &str = "2026-03-02T12:00:00Z";
const CONFIG: &str = r#"
[[community]]
id = "bench"
name = "Bench"
timezone = "Europe/Berlin"

[community.web]
public = true
"#;

pub async fn run(members: usize, backend: Backend) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("hearth-bench-web-{}", std::process::id()));
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join("web.db");
            let url = sqlite_url(&path);
            let outcome = async {
                let filled = Instant::now();
                fill_sqlite(&path, members).await?;
                report_fill("sqlite", members, filled.elapsed());
                measure(&url, members).await
            }
            .await;
            let _ = std::fs::remove_dir_all(&dir);
            outcome
        }
        Backend::Postgres => {
            let cluster = crate::pg::cluster()?;
            let url = cluster.create_database()?;
            let filled = Instant::now();
            fill_postgres(&url, members).await?;
            report_fill("postgres", members, filled.elapsed());
            measure(&url, members).await
        }
    }
}

fn report_fill(backend: &str, members: usize, took: Duration) {
    println!(
        "web ({backend}): {members} members, {} check-ins and as many ledger rows over 90 days (filled in {:.1} s)",
        members as i64 * CHECKINS_EACH,
        took.as_secs_f64()
    );
}

async fn measure(url: &str, members: usize) -> anyhow::Result<()> {
    let config = Config::from_toml_str(CONFIG, "bench.toml", Path::new("."))
        .map_err(|errors| anyhow::anyhow!("the benchmark's config: {errors}"))?;
    let store = Store::connect(url).await?;
    let clock = SimulatedClock::starting_at(NOW.parse().context("instant")?);
    // A database filled behind the store's back has no rollups: opening
    // rebuilds them from the raw rows, as after an upgrade.
    let opened = Instant::now();
    let engine = Engine::open(store.clone(), config, Arc::new(clock), vec![Platform::Console]).await?;
    println!(
        "  opening, with the dashboard's rollups rebuilt from the raw rows: {:.1} s",
        opened.elapsed().as_secs_f64()
    );

    let baseline = timed(SAMPLES, || async {
        let page = engine.leaderboard_page("bench", None, Window::All, 1, None).await?;
        anyhow::ensure!(page.entries.len() == 50, "a short board page");
        Ok(())
    })
    .await?;
    println!("  baseline, public board page 1 (50 of the totals): {}", baseline.summary());
    let ratio = |d: &Distribution| ms(d.quantile(0.99)) / ms(baseline.quantile(0.99)).max(0.001);

    let far = timed(SAMPLES, || async {
        let page = engine.leaderboard_page("bench", None, Window::All, (members / 50 / 2) as u32, None).await?;
        anyhow::ensure!(!page.entries.is_empty(), "an empty middle page");
        Ok(())
    })
    .await?;
    println!("  public board, a page in the middle: {} ({:.1}x the baseline p99)", far.summary(), ratio(&far));
    let week = timed(SAMPLES, || async {
        engine.leaderboard_page("bench", None, Window::Week, 1, None).await?;
        Ok(())
    })
    .await?;
    println!("  public board, this week, page 1: {} ({:.1}x)", week.summary(), ratio(&week));
    let search = timed(SAMPLES, || async {
        let page = engine.leaderboard_page("bench", None, Window::All, 1, Some("member4242")).await?;
        let first = page.entries.first().map(|entry| entry.name.as_str());
        anyhow::ensure!(first == Some("member4242"), "the search missed member4242");
        Ok(())
    })
    .await?;
    println!("  public board, a name search: {} ({:.1}x)", search.summary(), ratio(&search));
    // Two characters (a Chinese given name, say): shorter than a trigram.
    // "r9" is held by 11,111 names (the rank-order walk), "r0" by one
    // (`member_name_grams`).
    let short = timed(SAMPLES, || async {
        let page = engine.leaderboard_page("bench", None, Window::All, 1, Some("r9")).await?;
        anyhow::ensure!(page.entries.len() == 50, "a short page of \"r9\"");
        Ok(())
    })
    .await?;
    println!("  public board, a two-character search many names hold: {} ({:.1}x)", short.summary(), ratio(&short));
    let rare = timed(SAMPLES, || async {
        let page = engine.leaderboard_page("bench", None, Window::All, 1, Some("r0")).await?;
        anyhow::ensure!(page.entries.len() == 1, "\"r0\" is member0's alone");
        Ok(())
    })
    .await?;
    println!("  public board, a two-character search one name holds: {} ({:.1}x)", rare.summary(), ratio(&rare));
    for range in [RangeDays::Week, RangeDays::Month, RangeDays::Quarter] {
        let dashboard = timed(SAMPLES.min(10), || async {
            let dashboard = engine.dashboard("bench", range).await?;
            anyhow::ensure!(dashboard.kpis.members == members as i64, "the dashboard lost members");
            Ok(())
        })
        .await?;
        println!(
            "  admin dashboard figures, {} days: {} ({:.1}x)",
            range.days(),
            dashboard.summary(),
            ratio(&dashboard)
        );
    }
    store.close().await;
    Ok(())
}

async fn timed<F, Fut>(samples: usize, mut run: F) -> anyhow::Result<Distribution>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    run().await?; // warm the caches once
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        run().await?;
        latencies.push(started.elapsed());
    }
    Ok(Distribution::new(latencies))
}

/// Members joined over 120 days; member i checks in on days
/// `(i·7 + k·9) mod 90` before today, k < 10 (distinct days), at
/// 08:00 UTC plus i mod 600 minutes, each with its 10-point ledger row;
/// totals, week and month boards and their counts as the store keeps them.
async fn fill_sqlite(path: &Path, members: usize) -> anyhow::Result<()> {
    Store::connect(&sqlite_url(path)).await?.close().await;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(hearth_bot::store::connect_options(&sqlite_url(path))?)
        .await?;
    let statements = [
        "INSERT INTO communities (id, slug, created_at) VALUES (1, 'bench', $2)",
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) \
         INSERT INTO members (id, community_id, name, joined_at, streak, best_streak, last_checkin_day) \
         SELECT i + 1, 1, 'member' || i, strftime('%Y-%m-%dT%H:%M:%SZ', $2, '-' || (i % 120) || ' days'), \
                i % 9, i % 9, date($2, '-' || ((i * 7) % 90) || ' days') FROM n",
        "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < 10) \
         INSERT INTO checkins (member_id, local_day, at) \
         SELECT m.id, date($2, '-' || (((m.id - 1) * 7 + j * 9) % 90) || ' days'), \
                strftime('%Y-%m-%dT%H:%M:%SZ', date($2, '-' || (((m.id - 1) * 7 + j * 9) % 90) || ' days'), \
                         '+8 hours', '+' || ((m.id - 1) % 600) || ' minutes') \
         FROM members m, k",
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
         SELECT 1, c.member_id, 10, 'checkin', 'daily check-in', c.at, 'checkin:' || c.member_id || ':' || c.local_day, \
                c.local_day FROM checkins c",
        "INSERT INTO totals (member_id, community_id, balance) \
         SELECT member_id, 1, SUM(delta) FROM ledger GROUP BY member_id",
        "INSERT INTO board_points (member_id, community_id, board, points) \
         SELECT member_id, 1, 'week:' || date(local_day, '-6 days', 'weekday 1'), SUM(delta) FROM ledger \
         GROUP BY member_id, date(local_day, '-6 days', 'weekday 1') \
         UNION ALL SELECT member_id, 1, 'month:' || date(local_day, 'start of month'), SUM(delta) FROM ledger \
         GROUP BY member_id, date(local_day, 'start of month')",
        "DELETE FROM board_counts",
        "INSERT INTO board_counts (community_id, board, points, members) \
         SELECT community_id, board, points, COUNT(*) FROM board_points GROUP BY community_id, board, points \
         UNION ALL SELECT community_id, 'all', balance, COUNT(*) FROM totals GROUP BY community_id, balance",
        "ANALYZE",
    ];
    for statement in statements {
        sqlx::query(statement)
            .bind(members as i64)
            .bind(NOW)
            .execute(&pool)
            .await
            .with_context(|| statement.to_string())?;
    }
    pool.close().await;
    Ok(())
}

/// The same rows as `fill_sqlite`, set-based on PostgreSQL.
async fn fill_postgres(url: &str, members: usize) -> anyhow::Result<()> {
    Store::connect(url).await?.close().await;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(url).await?;
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await?;
    let day = |expr: &str| format!("to_char($2::timestamp - make_interval(days => ({expr})::int), 'YYYY-MM-DD')");
    let statements = [
        "INSERT INTO communities (id, slug, created_at) SELECT 1, 'bench', $2 WHERE $1::bigint > 0".to_string(),
        format!(
            "INSERT INTO members (id, community_id, name, joined_at, streak, best_streak, last_checkin_day) \
             SELECT i + 1, 1, 'member' || i, \
                    to_char($2::timestamp - make_interval(days => (i % 120)::int), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                    i % 9, i % 9, {} FROM generate_series(0, $1::bigint - 1) AS i",
            day("(i * 7) % 90")
        ),
        format!(
            "INSERT INTO checkins (member_id, local_day, at) \
             SELECT m.id, {}, to_char(($2::timestamp::date - (((m.id - 1) * 7 + j * 9) % 90)::int) + interval '8 hours' \
                    + make_interval(mins => ((m.id - 1) % 600)::int), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') \
             FROM members m, generate_series(0, 9) AS j WHERE $1::bigint > 0",
            day("((m.id - 1) * 7 + j * 9) % 90")
        ),
        "INSERT INTO ledger (community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
         SELECT 1, c.member_id, 10, 'checkin', 'daily check-in', c.at, \
                'checkin:' || c.member_id || ':' || c.local_day, c.local_day FROM checkins c \
         WHERE $1::bigint > 0 AND $2::text IS NOT NULL"
            .to_string(),
        "INSERT INTO totals (member_id, community_id, balance) \
         SELECT member_id, 1, SUM(delta) FROM ledger WHERE $1::bigint > 0 AND $2::text IS NOT NULL GROUP BY member_id"
            .to_string(),
        "INSERT INTO board_points (member_id, community_id, board, points) \
         SELECT member_id, 1, b.board, SUM(delta) FROM ledger, \
              LATERAL (VALUES ('week:' || to_char(date_trunc('week', local_day::date), 'YYYY-MM-DD')), \
                              ('month:' || to_char(date_trunc('month', local_day::date), 'YYYY-MM-DD'))) AS b(board) \
         WHERE $1::bigint > 0 AND $2::text IS NOT NULL GROUP BY member_id, b.board"
            .to_string(),
        "INSERT INTO board_counts (community_id, board, points, members) \
         SELECT community_id, board, points, COUNT(*) FROM board_points GROUP BY community_id, board, points \
         UNION ALL SELECT community_id, 'all', balance, COUNT(*) FROM totals \
         WHERE $1::bigint > 0 AND $2::text IS NOT NULL GROUP BY community_id, balance"
            .to_string(),
        // The name search's grams, which the members trigger would write.
        "INSERT INTO member_name_grams (community_id, gram, member_id) \
         SELECT m.community_id, g.gram, m.id FROM members m, member_name_grams_of(m.name) AS g (gram) \
         WHERE $1::bigint > 0 AND $2::text IS NOT NULL"
            .to_string(),
    ];
    for statement in &statements {
        // Built from literals in this function only.
        sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
            .bind(members as i64)
            .bind(NOW)
            .execute(&mut *tx)
            .await
            .with_context(|| statement.clone())?;
    }
    tx.commit().await?;
    sqlx::query("VACUUM ANALYZE").execute(&pool).await.context("VACUUM ANALYZE")?;
    pool.close().await;
    Ok(())
}
