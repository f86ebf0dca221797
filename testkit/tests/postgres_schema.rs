//! `migrations/postgres/0001_schema.sql` against the SQLite migrations it mirrors: applied with
//! `psql -v ON_ERROR_STOP=1 -f` to a throwaway cluster, then the same statements run on both engines must
//! succeed or fail alike and leave the same rows in every table, and both schemas must have the same
//! tables, columns, indexes and triggers.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use hearth_testkit::{PgCluster, PgOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Row};

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The PostgreSQL migrations in the order sqlx applies them (by number).
fn schema_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations/postgres"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("reading migrations/postgres")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    files
}

/// A database with the PostgreSQL schema applied, or None without PostgreSQL.
fn postgres() -> Option<(PgCluster, String)> {
    let Some(cluster) = PgCluster::start(PgOptions::for_tests()).expect("starting a cluster") else {
        eprintln!("skipped: no PostgreSQL server binaries found");
        return None;
    };
    let url = cluster.create_database().unwrap();
    for file in schema_files() {
        cluster.psql_file(&url, &file).expect("applying the schema");
    }
    Some((cluster, url))
}

async fn sqlite() -> SqliteConnection {
    let options = SqliteConnectOptions::from_str("sqlite::memory:").unwrap().foreign_keys(true);
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    SQLITE_MIGRATOR.run(&mut conn).await.unwrap();
    conn
}

/// The base rows the trigger checks build on: a community, two members, no ledger yet.
const BASE: &str = "INSERT INTO communities (id, slug, created_at) VALUES (1, 'c', '2026-03-01T00:00:00Z'); \
    INSERT INTO members (id, community_id, name, joined_at) VALUES (1, 1, 'ann', '2026-03-01T00:00:00Z'), \
        (2, 1, 'bob', '2026-03-01T00:00:00Z');";

fn ledger_row(id: i64, member: i64, delta: i64, day: &str, actor: &str) -> String {
    format!(
        "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id, \
         local_day) VALUES ({id}, 1, {member}, {delta}, 'peer_award', 'from someone', '{day}T12:00:00Z', 'k{id}', \
         {actor}, '{day}')"
    )
}

#[test]
fn ledger_rows_are_never_updated_except_to_forget_the_actor() {
    let Some((cluster, url)) = postgres() else { return };
    cluster.psql(&url, BASE).unwrap();
    cluster.psql(&url, &ledger_row(1, 1, 10, "2026-03-04", "2")).unwrap();

    for refused in [
        "UPDATE ledger SET delta = 11 WHERE id = 1",
        "UPDATE ledger SET reason = 'changed' WHERE id = 1",
        "UPDATE ledger SET actor_member_id = 1 WHERE id = 1",
        "UPDATE ledger SET actor_member_id = NULL, delta = 0 WHERE id = 1",
        "UPDATE ledger SET actor_member_id = NULL, local_day = NULL WHERE id = 1",
    ] {
        let error = cluster.psql(&url, refused).unwrap_err();
        assert!(format!("{error:#}").contains("ledger rows are never updated"), "{refused}: {error:#}");
    }
    assert_eq!(cluster.psql(&url, "SELECT delta, reason, actor_member_id FROM ledger").unwrap(), "10|from someone|2\n");

    // /forgetme: the actor goes, the reason may be reworded, nothing else moves.
    cluster
        .psql(&url, "UPDATE ledger SET actor_member_id = NULL, reason = 'from a former member' WHERE id = 1")
        .unwrap();
    assert_eq!(
        cluster.psql(&url, "SELECT delta, reason, actor_member_id IS NULL FROM ledger").unwrap(),
        "10|from a former member|t\n"
    );
    // Once forgotten, the actor cannot come back (or be forgotten again to change the reason).
    let error = cluster.psql(&url, "UPDATE ledger SET actor_member_id = NULL, reason = 'x' WHERE id = 1").unwrap_err();
    assert!(format!("{error:#}").contains("ledger rows are never updated"), "{error:#}");
}

#[test]
fn deleting_an_actor_nulls_the_actor_and_deleting_a_member_takes_their_rows() {
    // As in SQLite: the ledger refuses UPDATEs, not DELETEs. /forgetme deletes the member, and the
    // cascade takes their ledger rows, totals and board rows with it.
    let Some((cluster, url)) = postgres() else { return };
    cluster.psql(&url, BASE).unwrap();
    cluster.psql(&url, &ledger_row(1, 1, 10, "2026-03-04", "2")).unwrap();
    cluster.psql(&url, &ledger_row(2, 2, 7, "2026-03-04", "NULL")).unwrap();
    cluster.psql(&url, "INSERT INTO totals VALUES (1, 1, 10), (2, 1, 7)").unwrap();
    cluster
        .psql(
            &url,
            "INSERT INTO board_points VALUES (1, 1, 'week:2026-03-02', 10), (1, 1, 'month:2026-03-01', 10), \
             (2, 1, 'week:2026-03-02', 7), (2, 1, 'month:2026-03-01', 7)",
        )
        .unwrap();

    cluster.psql(&url, "DELETE FROM members WHERE id = 2").unwrap();
    assert_eq!(cluster.psql(&url, "SELECT id, member_id, actor_member_id IS NULL FROM ledger").unwrap(), "1|1|t\n");
    assert_eq!(
        cluster.psql(&url, "SELECT member_id, board FROM board_points ORDER BY board").unwrap(),
        "1|month:2026-03-01\n1|week:2026-03-02\n"
    );
    assert_eq!(
        cluster.psql(&url, "SELECT board, points, members FROM board_counts ORDER BY board, points").unwrap(),
        "all|7|0\nall|10|1\nmonth:2026-03-01|7|0\nmonth:2026-03-01|10|1\nweek:2026-03-02|7|0\nweek:2026-03-02|10|1\n"
    );
}

/// The board_points upsert the store runs for appended ledger rows (it computes the boards in Rust).
fn board_move(member: i64, week: &str, month: &str, delta: i64) -> String {
    format!(
        "INSERT INTO board_points (member_id, community_id, board, points) VALUES \
         ({member}, 1, 'week:{week}', {delta}), ({member}, 1, 'month:{month}', {delta}) \
         ON CONFLICT (member_id, board) DO UPDATE SET points = board_points.points + excluded.points"
    )
}

#[test]
fn board_counts_follow_the_board_points_and_the_totals() {
    let Some((cluster, url)) = postgres() else { return };
    cluster.psql(&url, BASE).unwrap();
    // Wednesday, then the Sunday closing the same week, then the next Monday (a new week, same month).
    for (id, member, delta, day, week) in [
        (1, 1, 10, "2026-03-04", "2026-03-02"),
        (2, 1, 5, "2026-03-08", "2026-03-02"),
        (3, 2, 15, "2026-03-09", "2026-03-09"),
    ] {
        cluster.psql(&url, &ledger_row(id, member, delta, day, "NULL")).unwrap();
        cluster.psql(&url, &board_move(member, week, "2026-03-01", delta)).unwrap();
    }
    assert_eq!(
        cluster.psql(&url, "SELECT member_id, board, points FROM board_points ORDER BY member_id, board").unwrap(),
        "1|month:2026-03-01|15\n1|week:2026-03-02|15\n2|month:2026-03-01|15\n2|week:2026-03-09|15\n"
    );
    // ann went 10 → 15 on both of her boards: the 10 rows are left at zero members.
    assert_eq!(
        cluster.psql(&url, "SELECT board, points, members FROM board_counts ORDER BY board, points").unwrap(),
        "month:2026-03-01|10|0\nmonth:2026-03-01|15|2\nweek:2026-03-02|10|0\nweek:2026-03-02|15|1\nweek:2026-03-09|15|1\n"
    );

    // The totals upsert the store runs, then a rebuild: the 'all' board follows each step.
    let upsert = "INSERT INTO totals (member_id, community_id, balance) VALUES (1, 1, 10), (2, 1, 15) \
                  ON CONFLICT (member_id) DO UPDATE SET balance = totals.balance + excluded.balance";
    cluster.psql(&url, upsert).unwrap();
    cluster.psql(&url, "INSERT INTO totals VALUES (1, 1, 5) ON CONFLICT (member_id) DO UPDATE SET balance = totals.balance + excluded.balance").unwrap();
    let all = "SELECT points, members FROM board_counts WHERE board = 'all' ORDER BY points";
    assert_eq!(cluster.psql(&url, all).unwrap(), "10|0\n15|2\n");
    cluster.psql(&url, "DELETE FROM totals").unwrap();
    assert_eq!(cluster.psql(&url, all).unwrap(), "10|0\n15|0\n");
    cluster
        .psql(&url, "INSERT INTO totals SELECT member_id, community_id, SUM(delta) FROM ledger GROUP BY member_id, community_id")
        .unwrap();
    assert_eq!(cluster.psql(&url, all).unwrap(), "10|0\n15|2\n");

    // A ledger row alone moves no board (SQLite 0012): the store writes board_points itself.
    cluster.psql(&url, &ledger_row(4, 2, 1, "2026-03-10", "NULL")).unwrap();
    assert_eq!(cluster.psql(&url, "SELECT SUM(points) FROM board_points WHERE member_id = 2").unwrap(), "30\n");
}

/// Statements run on both engines in order; each must succeed on both or fail on both.
const SCENARIO: &[&str] = &[
    "INSERT INTO communities (id, slug, created_at) VALUES (1, 'one', '2026-03-01T00:00:00Z'), (2, 'two', '2026-03-01T00:00:00Z')",
    "INSERT INTO members (id, community_id, name, is_bot, joined_at) VALUES \
        (1, 1, 'ann', false, '2026-03-01T00:00:00Z'), (2, 1, 'bob', false, '2026-03-01T00:00:00Z'), \
        (3, 1, 'cy', false, '2026-03-01T00:00:00Z'), (4, 1, 'robot', true, '2026-03-01T00:00:00Z'), \
        (5, 2, 'dee', false, '2026-03-01T00:00:00Z')",
    "INSERT INTO identities VALUES (1, 'telegram', '101', 1), (1, 'discord', '102', 2), (1, 'console', 'cy', 3), (2, 'telegram', '101', 5)",
    "INSERT INTO identities VALUES (1, 'irc', 'x', 1)",
    "INSERT INTO identities VALUES (1, 'telegram', '999', 99)",
    // One batch: week and month boards across a Sunday/Monday, a month end, a year end and a leap day.
    "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, at, idempotency_key, actor_member_id, local_day) VALUES \
        (1, 1, 1, 10, 'checkin', 'daily', '2026-03-08T10:00:00Z', 'a1', NULL, '2026-03-08'), \
        (2, 1, 1, 5, 'peer_award', 'from bob', '2026-03-09T10:00:00Z', 'a2', 2, '2026-03-09'), \
        (3, 1, 2, 5, 'peer_award', 'from ann', '2026-03-31T23:00:00Z', 'a3', 1, '2026-03-31'), \
        (4, 1, 2, 7, 'peer_award', 'from cy', '2026-04-01T01:00:00Z', 'a4', 3, '2026-04-01'), \
        (5, 1, 3, 3, 'checkin', 'daily', '2025-12-31T10:00:00Z', 'a5', NULL, '2025-12-31'), \
        (6, 1, 3, 4, 'checkin', 'daily', '2026-01-01T10:00:00Z', 'a6', NULL, '2026-01-01'), \
        (7, 1, 3, 2, 'award', 'admin', '2028-02-29T10:00:00Z', 'a7', 1, '2028-02-29'), \
        (8, 2, 5, 10, 'checkin', 'daily', '2026-03-08T10:00:00Z', 'a8', NULL, '2026-03-08'), \
        (9, 1, 4, 1, 'checkin', 'daily', '2026-03-08T10:00:00Z', 'a9', NULL, NULL)",
    "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) VALUES \
        (10, 1, 2, -3, 'spend', 'shop', '2026-03-10T10:00:00Z', 'a10', '2026-03-10')",
    "INSERT INTO ledger (id, community_id, member_id, delta, kind, reason, at, idempotency_key, local_day) VALUES \
        (11, 1, 2, 1, 'spend', 'again', '2026-03-10T10:00:00Z', 'a10', '2026-03-10')",
    "INSERT INTO totals (member_id, community_id, balance) VALUES (1, 1, 15), (2, 1, 9), (3, 1, 9), (4, 1, 1), (5, 2, 10) \
        ON CONFLICT (member_id) DO UPDATE SET balance = totals.balance + excluded.balance",
    "INSERT INTO totals (member_id, community_id, balance) VALUES (2, 1, 6) \
        ON CONFLICT (member_id) DO UPDATE SET balance = totals.balance + excluded.balance",
    // The store's board moves for the batch above (the ledger no longer moves boards itself).
    "INSERT INTO board_points (member_id, community_id, board, points) VALUES \
        (1, 1, 'week:2026-03-02', 10), (1, 1, 'month:2026-03-01', 10), (1, 1, 'week:2026-03-09', 5), \
        (2, 1, 'week:2026-03-30', 12), (2, 1, 'month:2026-03-01', 5), (2, 1, 'month:2026-04-01', 7), \
        (3, 1, 'week:2025-12-29', 7), (3, 1, 'month:2025-12-01', 3), (3, 1, 'month:2026-01-01', 4), \
        (5, 2, 'week:2026-03-02', 10), (5, 2, 'month:2026-03-01', 10) \
        ON CONFLICT (member_id, board) DO UPDATE SET points = board_points.points + excluded.points",
    "INSERT INTO board_points (member_id, community_id, board, points) VALUES (2, 1, 'week:2026-03-09', -3), \
        (2, 1, 'month:2026-03-01', -3) ON CONFLICT (member_id, board) DO UPDATE SET points = board_points.points + excluded.points",
    "UPDATE ledger SET delta = 100 WHERE id = 1",
    "UPDATE ledger SET kind = 'award' WHERE actor_member_id = 2",
    "UPDATE ledger SET actor_member_id = NULL, idempotency_key = 'zz' WHERE id = 2",
    "UPDATE ledger SET actor_member_id = NULL, reason = 'from a former member' WHERE actor_member_id = 2",
    "INSERT INTO checkins (member_id, local_day, at, note) VALUES (1, '2026-03-08', '2026-03-08T10:00:00Z', NULL), \
        (3, '2026-03-08', '2026-03-08T10:00:00Z', 'hi')",
    "INSERT INTO checkins (member_id, local_day, at) VALUES (1, '2026-03-08', '2026-03-08T11:00:00Z')",
    "INSERT INTO badges_awarded VALUES (1, 'first', '2026-03-08T10:00:00Z'), (3, 'first', '2026-03-08T10:00:00Z')",
    "INSERT INTO topics (id, community_id, text, source, status, suggested_by, created_at) VALUES \
        (1, 1, 'Tea?', 'config', 'active', NULL, '2026-03-01T00:00:00Z'), (2, 1, 'Cats', 'suggestion', 'pending', 3, '2026-03-02T00:00:00Z')",
    "INSERT INTO topics (community_id, text, source, status, created_at) VALUES (1, 'x', 'config', 'maybe', '2026-03-01T00:00:00Z')",
    "INSERT INTO topic_posts (id, community_id, topic_id, schedule_id, slot, posted_at) VALUES (1, 1, 1, 'daily', '2026-03-02T09:00', '2026-03-02T09:00:00Z')",
    "INSERT INTO challenges (id, community_id, theme, phase, opened_at) VALUES (1, 1, 'haiku', 'open', '2026-03-02T00:00:00Z')",
    "INSERT INTO challenges (id, community_id, theme, phase, opened_at) VALUES (2, 1, 'limerick', 'open', '2026-03-02T00:00:00Z')",
    "INSERT INTO challenges (id, community_id, theme, phase, opened_at) VALUES (3, 1, 'sonnet', 'closed', '2026-02-02T00:00:00Z')",
    "INSERT INTO challenge_entries (id, challenge_id, member_id, text, submitted_at) VALUES (1, 1, 3, 'old pond', '2026-03-03T00:00:00Z'), \
        (2, 1, 1, 'frog', '2026-03-03T00:00:00Z')",
    "INSERT INTO challenge_votes VALUES (1, 1, 1, '2026-03-04T00:00:00Z'), (1, 2, 1, '2026-03-04T00:00:00Z')",
    "INSERT INTO challenge_votes VALUES (1, 1, 2, '2026-03-04T00:00:00Z') \
        ON CONFLICT (challenge_id, voter_id) DO UPDATE SET entry_id = excluded.entry_id, voted_at = excluded.voted_at",
    "INSERT INTO challenge_themes (community_id, next_index) VALUES (1, 2)",
    "INSERT INTO schedule_cursors (community_id, schedule_id, checked_until) VALUES (1, 'daily', '2026-03-02T09:00:00Z')",
    "INSERT INTO schedule_claims VALUES (1, 'daily', '2026-03-02T09:00', '2026-03-02T09:00:00Z', '2026-03-02T09:00:01Z')",
    "INSERT INTO schedule_claims VALUES (1, 'daily', '2026-03-02T09:00', '2026-03-02T09:00:00Z', '2026-03-02T09:00:02Z')",
    "INSERT INTO outbox (id, community_id, schedule_id, slot, target, body, next_attempt_at, created_at) VALUES \
        (1, 1, 'daily', '2026-03-02T09:00', 'telegram', '{\"Text\":\"cy\"}', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')",
    "INSERT INTO outbox (id, community_id, schedule_id, slot, target, body, next_attempt_at, created_at) VALUES \
        (2, 1, 'daily', '2026-03-02T09:00', 'telegram', '{}', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')",
    "INSERT INTO handles VALUES ('telegram', 'ann', '101', 'Ann', false, '2026-03-02T09:00:00Z'), ('telegram', 'hb', '7', 'Bot', true, '2026-03-02T09:00:00Z')",
    "INSERT INTO chats VALUES ('telegram', '-100', true, '2026-03-02T09:00:00Z'), ('discord', '5', false, '2026-03-02T09:00:00Z')",
    "INSERT INTO bot_state VALUES ('members_high_water', '3', '2026-03-02T09:00:00Z')",
    "INSERT INTO inbox VALUES ('telegram', 1, -100, '{}', '2026-03-02T09:00:00Z', NULL), ('telegram', 2, NULL, '{}', '2026-03-02T09:00:00Z', '2026-03-02T09:00:01Z')",
    "INSERT INTO inbox VALUES ('telegram', 1, -100, '{}', '2026-03-02T09:00:00Z', NULL) ON CONFLICT (platform, update_id) DO NOTHING",
    // /forgetme for cy (member 3): an actor elsewhere, a topic suggester, a voter's entry author.
    "UPDATE ledger SET actor_member_id = NULL, reason = CASE WHEN kind = 'peer_award' THEN 'from a former member' ELSE reason END \
        WHERE actor_member_id = 3",
    "DELETE FROM members WHERE id = 3",
    // A totals rebuild, then a plain balance change.
    "DELETE FROM totals",
    "INSERT INTO totals (member_id, community_id, balance) SELECT member_id, community_id, SUM(delta) FROM ledger GROUP BY member_id, community_id",
    "UPDATE totals SET balance = balance + 1 WHERE member_id = 1",
    // Deleting the actor of remaining rows: ON DELETE SET NULL passes the append-only trigger.
    "DELETE FROM members WHERE id = 2",
    "DELETE FROM ledger WHERE id = 9",
];

#[tokio::test]
async fn the_same_statements_leave_the_same_rows_on_both_engines() {
    let Some((cluster, url)) = postgres() else { return };
    let mut sqlite = sqlite().await;
    for statement in SCENARIO {
        let on_sqlite = sqlx::raw_sql(sqlx::AssertSqlSafe(*statement))
            .execute(&mut sqlite)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        let on_postgres = cluster.psql(&url, statement).map(|_| ()).map_err(|e| format!("{e:#}"));
        assert_eq!(
            on_sqlite.is_ok(),
            on_postgres.is_ok(),
            "{statement}\nSQLite: {on_sqlite:?}\nPostgreSQL: {on_postgres:?}"
        );
    }

    let columns = postgres_columns(&cluster, &url);
    assert!(columns.len() >= 22, "{columns:?}");
    for (table, columns) in &columns {
        let row_text = columns
            .iter()
            .map(|(name, data_type)| match data_type.as_str() {
                "boolean" => format!("CASE WHEN \"{name}\" IS NULL THEN 'NULL' WHEN \"{name}\" THEN '1' ELSE '0' END"),
                _ => format!("COALESCE(CAST(\"{name}\" AS TEXT), 'NULL')"),
            })
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let select = format!("SELECT {row_text} FROM \"{table}\"");
        let mut on_postgres: Vec<String> = cluster.psql(&url, &select).unwrap().lines().map(str::to_string).collect();
        let mut on_sqlite: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(select.clone())).fetch_all(&mut sqlite).await.unwrap();
        on_postgres.sort();
        on_sqlite.sort();
        assert_eq!(on_postgres, on_sqlite, "rows of {table}");
    }
    // The scenario reached the boards (a sanity check on the comparison itself).
    let counts = cluster.psql(&url, "SELECT COUNT(*) FROM board_counts WHERE members > 0").unwrap();
    assert_ne!(counts, "0\n");
}

/// `member_names` (SQLite's FTS5 index of names, its shadow tables and its
/// triggers; migration 0017) is the one SQLite-only structure: PostgreSQL
/// searches names through its pg_trgm index instead.
#[tokio::test]
async fn both_schemas_have_the_same_tables_columns_indexes_and_triggers() {
    let Some((cluster, url)) = postgres() else { return };
    let mut sqlite = sqlite().await;

    let postgres_tables = postgres_columns(&cluster, &url);
    let sqlite_tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations' \
         AND name NOT LIKE 'member_names%' ORDER BY name",
    )
    .fetch_all(&mut sqlite)
    .await
    .unwrap();
    assert_eq!(postgres_tables.keys().cloned().collect::<Vec<_>>(), sqlite_tables);

    for (table, pg_columns) in &postgres_tables {
        let sqlite_columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut sqlite)
            .await
            .unwrap();
        let sqlite_columns: Vec<(String, String)> = sqlite_columns
            .iter()
            .map(|row| {
                let name: String = row.get("name");
                let expected = match (row.get::<String, _>("type").as_str(), name.as_str()) {
                    ("INTEGER", "is_bot" | "active") => "boolean",
                    ("INTEGER", _) => "bigint",
                    ("TEXT", _) => "text",
                    (other, _) => panic!("{table}.{name}: SQLite type {other}"),
                };
                (name, expected.to_string())
            })
            .collect();
        assert_eq!(pg_columns, &sqlite_columns, "columns of {table}");

        let nullable = |sql: &str| cluster.psql(&url, sql).unwrap().lines().map(str::to_string).collect::<Vec<_>>();
        let pg_not_null = nullable(&format!(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' \
             AND is_nullable = 'NO' ORDER BY ordinal_position"
        ));
        let sqlite_not_null: Vec<String> = sqlite_columns_where(&mut sqlite, table, "\"notnull\" = 1 OR pk > 0").await;
        assert_eq!(pg_not_null, sqlite_not_null, "NOT NULL columns of {table}");
        let pg_key = nullable(&format!(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY((i.indkey::int2[])[0:i.indnkeyatts - 1]) \
             WHERE i.indrelid = '{table}'::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)"
        ));
        let sqlite_key: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
                .bind(table)
                .fetch_all(&mut sqlite)
                .await
                .unwrap();
        assert_eq!(pg_key, sqlite_key, "primary key of {table}");
    }

    // Named indexes (constraint indexes aside), with their WHERE clause presence.
    let pg_indexes = cluster
        .psql(
            &url,
            "SELECT c.relname || '|' || (i.indpred IS NOT NULL) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
        )
        .unwrap();
    let sqlite_indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name || '|' || CASE WHEN sql LIKE '% WHERE %' THEN 'true' ELSE 'false' END FROM sqlite_master \
         WHERE type = 'index' AND sql IS NOT NULL ORDER BY 1",
    )
    .fetch_all(&mut sqlite)
    .await
    .unwrap();
    assert_eq!(pg_indexes.lines().collect::<Vec<_>>(), sqlite_indexes);

    let pg_triggers = cluster
        .psql(&url, "SELECT tgname || '|' || tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
        .unwrap();
    let sqlite_triggers: Vec<String> = sqlx::query_scalar(
        "SELECT name || '|' || tbl_name FROM sqlite_master WHERE type = 'trigger' \
             AND name NOT LIKE 'member_names%' ORDER BY 1",
    )
    .fetch_all(&mut sqlite)
    .await
    .unwrap();
    assert_eq!(pg_triggers.lines().collect::<Vec<_>>(), sqlite_triggers);
}

async fn sqlite_columns_where(sqlite: &mut SqliteConnection, table: &str, condition: &str) -> Vec<String> {
    let sql = format!("SELECT name FROM pragma_table_info(?) WHERE {condition} ORDER BY cid");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(table).fetch_all(sqlite).await.unwrap()
}

/// Every public table's (column, data type) in column order.
fn postgres_columns(cluster: &PgCluster, url: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let rows = cluster
        .psql(
            url,
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' \
             ORDER BY table_name, ordinal_position",
        )
        .unwrap();
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for line in rows.lines() {
        let mut fields = line.split('|');
        let (table, column, data_type) = (fields.next().unwrap(), fields.next().unwrap(), fields.next().unwrap());
        tables.entry(table.to_string()).or_default().push((column.to_string(), data_type.to_string()));
    }
    tables
}
