//! `hearth migrate-db`, driven as an operator drives it: a database with a
//! fortnight of history copied SQLite → PostgreSQL → SQLite, each copy
//! exporting exactly as its source and taking new commands.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use hearth_testkit::{PgCluster, PgOptions};

mod common;
use common::scratch;

const CONFIG: &str = "tests/fixtures/month.toml";
const COMMUNITY: &str = "ny-month";

fn hearth(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("HEARTH_CONFIG")
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("DISCORD_TOKEN")
        .env_remove("TELEGRAM_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hearth");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("hearth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn console(db: &str, clock: &str, input: &str) -> String {
    let out = hearth(&["console", "--config", CONFIG, "--db", db, "--clock", clock], input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn export(db: &str) -> serde_json::Value {
    let out = hearth(&["export", "--config", CONFIG, "--db", db, "--community", COMMUNITY, "--format", "json"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON export")
}

fn migrate(from: &str, to: &str) -> Output {
    hearth(&["migrate-db", "--from", from, "--to", to], "")
}

/// A database with history: check-ins, a gift, a challenge with entries
/// and votes, its results, topics and the other scheduled posts.
fn database_with_history(dir: &Path) -> String {
    let db = format!("sqlite://{}", dir.join("source.db").display());
    let week = console(
        &db,
        "2026-03-02T13:00:00Z",
        "@alice /checkin\n@bob /checkin\n@bob /give @alice 3 thanks\n:advance 2h\n@alice /submit tiny synth\n\
         @bob /submit tiny editor\n:advance 1d\n@alice /checkin\n:advance 4d\n@carol /vote 1\n@dave /vote 1\n\
         @alice /vote 2\n:advance 1d\n",
    );
    assert!(week.contains("Topic of the day") && week.contains("New challenge"), "{week}");
    let results = console(&db, "2026-03-09T01:00:00Z", "");
    assert!(results.contains("Challenge results"), "{results}");
    // What the Telegram adapter records, with both values of each flag
    // (0/1 in SQLite, BOOLEAN in PostgreSQL).
    execute(
        &db,
        "INSERT INTO handles (platform, handle, user_id, display_name, is_bot, seen_at) VALUES \
         ('telegram', 'alice', '101', 'Alice', 0, '2026-03-02T13:00:00Z'), \
         ('telegram', 'hearthbot', '102', 'Hearth', 1, '2026-03-02T13:00:00Z'); \
         INSERT INTO chats (platform, chat_id, active, changed_at) VALUES \
         ('telegram', '-1001', 1, '2026-03-02T13:00:00Z'), ('telegram', '-1002', 0, '2026-03-03T13:00:00Z')",
    );
    db
}

/// Runs statements on a SQLite database, as a tool other than hearth would.
fn execute(url: &str, statements: &'static str) {
    use sqlx::{Connection, Executor};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
        conn.execute(statements).await.expect("statements");
        conn.close().await.expect("close");
    });
}

/// `migrate-db` succeeded and said so; returns its summary.
fn migrated(out: &Output) -> String {
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("exports equal"), "{stdout}");
    stdout
}

#[test]
fn a_database_with_history_goes_to_postgres_and_back_unchanged_and_takes_new_commands() {
    let Some(cluster) = PgCluster::start(PgOptions::for_tests()).expect("starting PostgreSQL") else {
        println!("skipped: no PostgreSQL");
        return;
    };
    let dir = scratch("migrate-round-trip");
    let source = database_with_history(&dir);
    let original = export(&source);
    assert!(original["ledger"].as_array().is_some_and(|l| l.len() >= 8), "{original}");

    let pg = cluster.create_database().expect("createdb");
    let started = std::time::Instant::now();
    let summary = migrated(&migrate(&source, &pg));
    println!("sqlite → postgres: {summary} ({} ms with process start)", started.elapsed().as_millis());
    assert!(summary.contains("ledger "), "{summary}");
    assert_eq!(export(&pg), original);
    // The copy runs without triggers on PostgreSQL: the name search's grams
    // are written by the copy itself, the same rows as the source's.
    let pg_grams = cluster
        .psql(&pg, "SELECT member_id || '|' || gram FROM member_name_grams ORDER BY member_id, gram")
        .expect("grams");
    let source_grams = grams_of(&source);
    assert!(source_grams.len() > 20, "{source_grams:?}");
    assert_eq!(pg_grams.lines().collect::<Vec<_>>(), source_grams);

    let back = format!("sqlite://{}", dir.join("back.db").display());
    let summary = migrated(&migrate(&pg, &back));
    println!("postgres → sqlite: {summary}");
    assert_eq!(export(&back), original);
    // Every table, the derived boards included, holds the source's rows.
    assert_eq!(rows_of(&back), rows_of(&source));
    assert_eq!(grams_of(&back), source_grams);

    // The copies take new commands: ids continue past the copied ones.
    for db in [&pg, &back] {
        let next_day = console(db, "2026-03-10T13:00:00Z", "@alice /checkin\n@erin /checkin\n@erin /give @bob 2 hi\n");
        assert!(next_day.contains("[bot]"), "{next_day}");
        let after = export(db);
        let ledger = after["ledger"].as_array().expect("ledger");
        let before = original["ledger"].as_array().expect("ledger");
        assert_eq!(&ledger[..before.len()], &before[..]);
        let new_ids: Vec<i64> = ledger[before.len()..].iter().filter_map(|r| r["id"].as_i64()).collect();
        let last_id = before.last().and_then(|r| r["id"].as_i64()).expect("an id");
        assert!(new_ids.len() >= 3 && new_ids.iter().all(|id| *id > last_id), "{new_ids:?} after {last_id}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sqlite_to_sqlite_copies_every_row() {
    let dir = scratch("migrate-sqlite");
    let source = database_with_history(&dir);
    let copy = format!("sqlite://{}", dir.join("copy.db").display());
    let summary = migrated(&migrate(&source, &copy));
    assert!(summary.contains("challenge_votes 3"), "{summary}");
    assert_eq!(export(&copy), export(&source));
    assert_eq!(rows_of(&copy), rows_of(&source));
    let next_day = console(&copy, "2026-03-10T13:00:00Z", "@alice /checkin\n");
    assert!(next_day.contains("[bot]"), "{next_day}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_target_holding_hearth_data_is_refused_and_left_unchanged() {
    let dir = scratch("migrate-refuse");
    let source = database_with_history(&dir);
    let target_path = dir.join("busy.db");
    let target = format!("sqlite://{}", target_path.display());
    console(&target, "2026-03-02T08:00:00Z", "@zoe /checkin\n");
    let before = std::fs::read(&target_path).expect("target file");
    let before_export = export(&target);

    let out = migrate(&source, &target);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already holds hearth data"), "{stderr}");
    assert_eq!(std::fs::read(&target_path).expect("target file"), before);
    assert_eq!(export(&target), before_export);

    if let Some(cluster) = PgCluster::start(PgOptions::for_tests()).expect("starting PostgreSQL") {
        let pg = cluster.create_database().expect("createdb");
        migrated(&migrate(&source, &pg));
        let pg_before = export(&pg);
        let out = migrate(&target, &pg);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
        assert!(text(&out.stderr).contains("already holds hearth data"), "{}", text(&out.stderr));
        assert_eq!(export(&pg), pg_before);
    } else {
        println!("skipped on PostgreSQL: no PostgreSQL");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_source_is_refused_and_no_target_is_created() {
    let dir = scratch("migrate-missing");
    let target_path = dir.join("new.db");
    let out =
        migrate(&format!("sqlite://{}", dir.join("typo.db").display()), &format!("sqlite://{}", target_path.display()));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("no such database file"), "{}", text(&out.stderr));
    assert!(!target_path.exists());
    if let Some(cluster) = PgCluster::start(PgOptions::for_tests()).expect("starting PostgreSQL") {
        // A PostgreSQL database that does not exist, as source or as target.
        let out = migrate(&cluster.url("typo"), &format!("sqlite://{}", target_path.display()));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(!target_path.exists());
        let source = database_with_history(&dir);
        let out = migrate(&source, &cluster.url("typo"));
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("does not exist"), "{}", text(&out.stderr));
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The board search's `member_name_grams` of a SQLite file, as `member|gram`.
fn grams_of(url: &str) -> Vec<String> {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
        let grams =
            sqlx::query_scalar("SELECT member_id || '|' || gram FROM member_name_grams ORDER BY member_id, gram")
                .fetch_all(&mut conn)
                .await
                .expect("grams");
        conn.close().await.expect("close");
        grams
    })
}

/// Every row of every table, as text, for comparing two SQLite files.
fn rows_of(url: &str) -> Vec<(String, Vec<String>)> {
    use sqlx::{Connection, Row};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
        let mut all = Vec::new();
        for &table in hearth_bot::store::TABLES {
            let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut conn)
                .await
                .expect("columns");
            let list: Vec<String> = columns.into_iter().map(|(name,)| format!("\"{name}\"")).collect();
            let sql = format!("SELECT json_array({}) FROM \"{table}\"", list.join(", "));
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut conn).await.expect("rows");
            let mut rows: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
            rows.sort();
            all.push((table.to_string(), rows));
        }
        conn.close().await.expect("close");
        all
    })
}

/// The copy's duration for a bigger database (5,000 more members, 100,000
/// more ledger rows): `cargo test --test migrate_db -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn copy_time_of_a_database_with_a_hundred_thousand_ledger_rows() {
    let Some(cluster) = PgCluster::start(PgOptions::for_tests()).expect("starting PostgreSQL") else {
        println!("skipped: no PostgreSQL");
        return;
    };
    let dir = scratch("migrate-time");
    let source = database_with_history(&dir);
    execute(
        &source,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         INSERT INTO members (id, community_id, name, joined_at) \
         SELECT 1000 + i, 1, 'member ' || i, '2026-03-01T00:00:00Z' FROM n; \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         INSERT INTO identities (community_id, platform, user_id, member_id) \
         SELECT 1, 'console', 'member' || i, 1000 + i FROM n; \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) \
         INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) \
         SELECT 1000 + i, 1, 1001 + i % 5000, 5, 'checkin', 'bulk', '2026-03-02T13:00:00Z', 'bulk:' || i, \
                '2026-03-02' FROM n; \
         INSERT INTO totals (member_id, community_id, balance) \
         SELECT member_id, 1, SUM(delta) FROM ledger WHERE id > 1000 GROUP BY member_id",
    );
    let pg = cluster.create_database().expect("createdb");
    for (from, to) in [(source.clone(), pg.clone()), (pg, format!("sqlite://{}", dir.join("back.db").display()))] {
        let started = std::time::Instant::now();
        let summary = migrated(&migrate(&from, &to));
        println!("{}: {summary}({} ms with verification)", &to[..6], started.elapsed().as_millis());
    }
    let _ = std::fs::remove_dir_all(dir);
}
