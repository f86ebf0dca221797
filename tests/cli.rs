//! The Contract's CLI, driven the way an outside script drives it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::scratch;

fn hearth(args: &[&str], stdin: &str) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .current_dir(root)
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

fn export_as(db: &str, format: &str) -> Output {
    let args = ["export", "--config", "tests/transcripts/berlin.toml", "--db", db, "--community", "rustaceans"];
    hearth(&[&args[..], &["--format", format]].concat(), "")
}

#[test]
fn started_elsewhere_without_a_config_it_says_how_to_name_one_and_creates_nothing() {
    let dir = std::env::temp_dir().join(format!("hearth-cli-elsewhere-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let output = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("run")
        .current_dir(&dir)
        .env_remove("HEARTH_CONFIG")
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("DISCORD_TOKEN")
        .env_remove("TELEGRAM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("hearth runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pass --config PATH or set HEARTH_CONFIG"), "{stderr}");
    assert!(std::fs::read_dir(&dir).expect("dir").next().is_none(), "nothing created");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_config_accepts_the_example_and_points_at_errors() {
    let ok = hearth(&["check-config", "--config", "config/example.toml"], "");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("rustaceans"));

    let dir = scratch("cli-bad-config");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[community]]\nid = \"x\"\nname = \"X\"\ntimezone = \"Mars/Olympus\"\n").expect("write");
    let out = hearth(&["check-config", "--config", bad.to_str().expect("utf-8 path")], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml:4:12: "), "{stderr}");
    assert!(stderr.contains("Mars/Olympus"), "{stderr}");
}

#[test]
fn check_config_reports_every_error_on_one_line_each_in_plain_words() {
    let dir = scratch("cli-every-error");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[community]]\nid = \"x\"\nname = \"X\"\ntimezone = \"Europe/Berlin\"\ncolour = \"red\"\n\
         [community.checkin]\npoints = \"ten\"\n\
         [[community.schedule]]\nid = \"nightly\"\ncron = \"0 24 * * *\"\naction = \"digest\"\n",
    )
    .expect("write");
    let out = hearth(&["check-config", "--config", bad.to_str().expect("utf-8 path")], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].ends_with("bad.toml:5:1: unknown field `colour` in [[community]]: expected one of admins, badge, challenge, checkin, discord, id, locale, name, points, schedule, season, telegram, timezone, topics, web"), "{stderr}");
    assert!(
        lines[1].ends_with("bad.toml:7:10: `community.checkin.points` expected a whole number, got text \"ten\""),
        "{stderr}"
    );
    assert!(lines[2].ends_with("bad.toml:10:11: hour 24 is out of range 0–23"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn warnings_reach_check_config_and_do_not_stop_the_bot() {
    let dir = scratch("cli-warnings");
    let doubtful = dir.join("doubtful.toml");
    std::fs::write(
        &doubtful,
        "[[community]]\nid = \"x\"\nname = \"X\"\ntimezone = \"EST\"\n\
         [[community.schedule]]\nid = \"never\"\ncron = \"0 0 30 2 *\"\naction = \"digest\"\n",
    )
    .expect("write");
    let path = doubtful.to_str().expect("utf-8 path");
    let out = hearth(&["check-config", "--config", path], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok: 1 community (x), 1 schedules, 0 badges\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].ends_with("doubtful.toml:4:12: warning: timezone \"EST\" is UTC−5 all year, with no daylight saving time; if the community keeps local time, use \"America/New_York\""), "{stderr}");
    assert!(lines[1].ends_with("doubtful.toml:7:8: warning: cron \"0 0 30 2 *\" never fires: no date matches its day, month and weekday fields"), "{stderr}");

    // The bot itself starts and answers; the warnings are in its log.
    let db = format!("sqlite://{}", dir.join("warn.db").display());
    let console =
        hearth(&["console", "--config", path, "--db", &db, "--clock", "2026-03-02T13:00:00Z"], "@alice /checkin\n");
    assert!(console.status.success(), "{}", String::from_utf8_lossy(&console.stderr));
    assert!(String::from_utf8_lossy(&console.stdout).starts_with("[bot]"));
    let log = String::from_utf8_lossy(&console.stderr);
    assert!(log.contains("WARN") && log.contains("doubtful.toml:4:12: warning: timezone \"EST\""), "{log}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn config_schema_prints_the_committed_schema() {
    let out = hearth(&["config-schema"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON schema");
    assert_eq!(printed["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(printed["additionalProperties"], false);
    let committed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/hearth.schema.json"))
        .expect("config/hearth.schema.json");
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "config/hearth.schema.json is stale; regenerate it: cargo run -- config-schema > config/hearth.schema.json"
    );
}

#[test]
fn a_scripted_multi_day_conversation_reads_back_exactly_with_export() {
    let dir = scratch("cli-export");
    let db = format!("sqlite://{}", dir.join("demo.db").display());
    // Two console sessions on one database: a restart in between loses nothing.
    let sessions = [
        ("2026-03-02T08:00:00Z", "@alice /checkin\n@bob /checkin\n"),
        ("2026-03-03T08:00:00Z", "@alice /checkin\n@bob /give @alice 3 thanks\n@ada /award @bob 50 talk\n"),
    ];
    for (clock, script) in sessions {
        let console =
            hearth(&["console", "--config", "tests/transcripts/berlin.toml", "--db", &db, "--clock", clock], script);
        assert!(console.status.success(), "{}", String::from_utf8_lossy(&console.stderr));
        let out = String::from_utf8_lossy(&console.stdout);
        assert!(out.lines().all(|l| l.starts_with("[bot") || l.starts_with("  ")), "{out}");
    }

    let export = export_as(&db, "json");
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let json: serde_json::Value = serde_json::from_slice(&export.stdout).expect("JSON export");
    assert_eq!(json["community"], "rustaceans");
    let members = json["members"].as_array().expect("members");
    let alice = members.iter().find(|m| m["name"] == "alice").expect("alice");
    assert_eq!(alice["balance"], 23);
    assert_eq!(alice["streak"], 2);
    assert_eq!(alice["identities"][0]["platform"], "console");
    assert_eq!(alice["identities"][0]["user_id"], "alice");
    let bob = members.iter().find(|m| m["name"] == "bob").expect("bob");
    assert_eq!((bob["balance"].as_i64(), bob["level"].as_i64()), (Some(60), Some(2)));
    assert_eq!(bob["badges"], serde_json::json!(["half-hundred"]));
    let ledger = json["ledger"].as_array().expect("ledger");
    let kinds: Vec<&str> = ledger.iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(kinds, ["checkin", "checkin", "checkin", "peer_award", "admin_award"]);
    assert_eq!(ledger[0]["at"], "2026-03-02T08:00:00Z");
    // Who caused each row: nobody for a check-in, the giver, the awarding admin.
    let actors: Vec<Option<i64>> = ledger.iter().map(|r| r["actor_member_id"].as_i64()).collect();
    let id_of = |name: &str| members.iter().find(|m| m["name"] == name).and_then(|m| m["id"].as_i64());
    assert_eq!(actors, [None, None, None, id_of("bob"), id_of("ada")]);
    for m in members {
        let sum: i64 = ledger.iter().filter(|r| r["member_id"] == m["id"]).filter_map(|r| r["delta"].as_i64()).sum();
        assert_eq!(m["balance"].as_i64(), Some(sum), "balance is the ledger sum for {}", m["name"]);
    }

    let csv = export_as(&db, "csv");
    let csv = String::from_utf8_lossy(&csv.stdout);
    // A byte order mark first, so Excel reads the UTF-8 (Chinese names).
    assert!(csv.starts_with("\u{feff}record,id,member_id,name,balance"), "{csv}");
    assert!(
        csv.lines()
            .next()
            .is_some_and(|header| header.ends_with(",last_checkin_day,best_streak,freezes,actor_member_id"))
    );
    assert_eq!(csv.lines().filter(|l| l.starts_with("ledger,")).count(), 5);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_without_tokens_falls_back_to_the_console_and_says_so() {
    let dir = scratch("cli-run");
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["run", "--config", "tests/transcripts/berlin.toml"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("run.db").display()))
        .env_remove("DISCORD_TOKEN")
        .env_remove("TELEGRAM_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("hearth runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("console adapter"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invite_url_has_the_scopes_and_permissions() {
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("invite-url")
        .env("DISCORD_APPLICATION_ID", "123456789012345678")
        .output()
        .expect("hearth runs");
    let url = String::from_utf8_lossy(&out.stdout);
    assert!(url.contains("client_id=123456789012345678"), "{url}");
    assert!(url.contains("scope=bot%20applications.commands"), "{url}");
    assert!(url.contains("permissions=309237730304"), "{url}");
}

#[test]
fn restarts_fire_each_slot_once_and_respect_misfire_and_grace() {
    let dir = scratch("cli-restarts");
    let db = format!("sqlite://{}", dir.join("sched.db").display());
    let console = |clock: &str, input: &str| -> String {
        let out =
            hearth(&["console", "--config", "tests/transcripts/scheduled.toml", "--db", &db, "--clock", clock], input);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // First start, Friday: no past slot ever fires.
    assert_eq!(console("2026-03-06T12:00:00Z", "@alice /checkin\n").matches("[bot]").count(), 1);
    // Monday 10:30 New York: the 09:00 board is 90 minutes late, within its
    // 6h grace: one catch-up post. The skipped nightly reminders stay skipped.
    let monday = console("2026-03-09T14:30:00Z", "");
    assert_eq!(monday.matches("Leaderboard: all time").count(), 1, "{monday}");
    assert!(!monday.contains("Time to check in"), "{monday}");
    assert_eq!(monday.matches("Topic of the day").count(), 1, "the 10:00 topic is 30 minutes late: {monday}");
    // The same instant again: nothing is posted twice.
    assert_eq!(console("2026-03-09T14:30:00Z", ""), "");
    // A week later at 17:00, eight hours past the board's slot and seven past
    // the topic's: beyond their 6h grace, nothing.
    assert_eq!(console("2026-03-16T21:00:00Z", ""), "");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_simulated_fortnight_with_restarts_posts_each_slot_once_and_pays_the_challenge() {
    let dir = scratch("cli-month");
    let db = format!("sqlite://{}", dir.join("month.db").display());
    let console = |clock: &str, input: &str| -> (String, String) {
        let out = hearth(&["console", "--config", "tests/fixtures/month.toml", "--db", &db, "--clock", clock], input);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Monday 2 March, 08:00 EST. The schedules are new: nothing fires at start.
    let (week1, _) = console(
        "2026-03-02T13:00:00Z",
        "@alice /checkin\n:advance 2h\n@alice /submit tiny synth\n@bob /submit tiny editor\n:advance 5d\n\
         @carol /vote 1\n@dave /vote 1\n@alice /vote 2\n:advance 1d\n",
    );
    // Mon–Sat topics at 10:00, then Sunday's (8 March, the day clocks spring forward).
    assert_eq!(week1.matches("Topic of the day").count(), 7, "{week1}");
    // Reminders at 20:00 Mon–Sat; Sunday's is still ahead when the session ends.
    assert_eq!(week1.matches("Time to check in").count(), 6, "{week1}");
    assert_eq!(week1.matches("New challenge").count(), 1, "{week1}");
    assert_eq!(week1.matches("Vote for the best entry").count(), 1, "{week1}");
    // Five topics, drawn without repeats before the bag refills.
    let topics: Vec<&str> = week1.lines().filter(|l| l.trim_start().starts_with("Topic ")).map(str::trim).collect();
    let mut first_five = topics[..5].to_vec();
    first_five.sort_unstable();
    first_five.dedup();
    assert_eq!(first_five.len(), 5, "{topics:?}");

    // Restart Sunday 21:00 EDT: the 18:00 digest, 20:00 close and 20:00
    // reminder are within their 6h grace and catch up once each.
    let (restart, _) = console("2026-03-09T01:00:00Z", "");
    assert_eq!(restart.matches("📰").count(), 1, "{restart}");
    assert_eq!(restart.matches("Challenge results").count(), 1, "{restart}");
    assert_eq!(restart.matches("Time to check in").count(), 1, "{restart}");
    assert_eq!(restart.matches("Topic of the day").count(), 0, "Sunday's topic was posted before: {restart}");
    // The same instant again: nothing is posted twice.
    assert_eq!(console("2026-03-09T01:00:00Z", "").0, "");
    // A week later, long past every grace: nothing, and a log line names the skipped slots.
    let (late, log) = console("2026-03-16T23:00:00Z", "");
    assert_eq!(late, "");
    assert!(log.contains("missed slots skipped"), "{log}");

    let export = export_as_for(&db, "tests/fixtures/month.toml", "ny-month");
    let ledger = export["ledger"].as_array().expect("ledger");
    let rows = |kind: &str| -> Vec<i64> {
        ledger.iter().filter(|r| r["kind"] == kind).filter_map(|r| r["delta"].as_i64()).collect()
    };
    assert_eq!(rows("challenge_win"), vec![100, 50]);
    assert_eq!(rows("challenge_entry"), vec![5, 5]);
    let alice = export["members"].as_array().expect("members").iter().find(|m| m["name"] == "alice").cloned();
    assert_eq!(alice.expect("alice")["balance"], 10 + 100 + 5);
    let _ = std::fs::remove_dir_all(dir);
}

fn export_as_for(db: &str, config: &str, community: &str) -> serde_json::Value {
    let out = hearth(&["export", "--config", config, "--db", db, "--community", community, "--format", "json"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON export")
}

const BERLIN: &str = "tests/transcripts/berlin.toml";

/// A database the console wrote (one check-in by alice), at `dir/name`.
fn console_database(dir: &Path, name: &str) -> String {
    let db = format!("sqlite://{}", dir.join(name).display());
    let console =
        hearth(&["console", "--config", BERLIN, "--db", &db, "--clock", "2026-03-02T08:00:00Z"], "@alice /checkin\n");
    assert!(console.status.success(), "{}", String::from_utf8_lossy(&console.stderr));
    db
}

/// Runs one statement on the database at `url`, as a tool other than hearth would.
fn sql(url: &str, statement: &'static str) -> i64 {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("open");
        let (n,): (i64,) = sqlx::query_as(statement).fetch_one(&mut conn).await.expect("statement");
        conn.close().await.expect("close");
        n
    })
}

#[test]
fn export_and_backup_refuse_a_missing_database_and_create_nothing() {
    let dir = scratch("cli-missing-db");
    let missing = dir.join("typo.db");
    let db = format!("sqlite://{}", missing.display());
    let export = export_as(&db, "json");
    assert_eq!(export.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(stderr.contains("typo.db: no such database file (check --db)"), "{stderr}");
    assert!(export.stdout.is_empty());

    let target = dir.join("copy.db");
    let backup = hearth(&["backup", target.to_str().expect("utf-8"), "--config", BERLIN, "--db", &db], "");
    assert_eq!(backup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&backup.stderr).contains("no such database file"));
    assert!(!missing.exists(), "nothing created at the mistyped path");
    assert!(!target.exists(), "no backup file either");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_and_backup_refuse_a_database_of_an_older_or_newer_schema() {
    let dir = scratch("cli-schema-db");
    let older = console_database(&dir, "older.db");
    let applied = sql(&older, "SELECT COUNT(*) FROM _sqlx_migrations");
    sql(&older, "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations) RETURNING 0");
    let export = export_as(&older, "json");
    assert_eq!(export.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(stderr.contains("its schema is older than this hearth's"), "{stderr}");
    let target = dir.join("copy.db");
    let backup = hearth(&["backup", target.to_str().expect("utf-8"), "--config", BERLIN, "--db", &older], "");
    assert_eq!(backup.status.code(), Some(2));
    assert!(!target.exists());
    assert_eq!(sql(&older, "SELECT COUNT(*) FROM _sqlx_migrations"), applied - 1, "and not migrated");

    let newer = console_database(&dir, "newer.db");
    sql(
        &newer,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', 1, x'00', 0) RETURNING 0",
    );
    let export = export_as(&newer, "csv");
    assert_eq!(export.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(stderr.contains("its schema is newer than this hearth's (migration 9999"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_of_a_live_database_changes_nothing() {
    let dir = scratch("cli-export-read-only");
    let db = console_database(&dir, "live.db");
    let file = dir.join("live.db");
    let before = std::fs::read(&file).expect("database bytes");
    let communities = sql(&db, "SELECT COUNT(*) FROM communities");
    // Another config: exporting used to register its communities and
    // retire the topics it does not list.
    let out = hearth(
        &[
            "export",
            "--config",
            "tests/transcripts/scheduled.toml",
            "--db",
            &db,
            "--community",
            "ny-makers",
            "--format",
            "json",
        ],
        "",
    );
    let out = if out.status.success() { out } else { panic!("{}", String::from_utf8_lossy(&out.stderr)) };
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["members"], serde_json::json!([]), "a community the database never saw exports empty");
    assert!(export_as(&db, "json").status.success());
    assert_eq!(std::fs::read(&file).expect("database bytes"), before, "the file is byte for byte the same");
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM communities"), communities);

    // And while a console session has it open (WAL and all).
    let mut live = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["console", "--config", BERLIN, "--db", &db, "--clock", "2026-03-03T08:00:00Z"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("HEARTH_CONFIG")
        .env_remove("HEARTH_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the console");
    let mut stdin = live.stdin.take().expect("stdin");
    let stdout = live.stdout.take().expect("stdout");
    let live = common::Running(live);
    stdin.write_all(b"@bob /checkin\n").expect("type");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let answer = lines.next().expect("an answer").expect("text");
    assert!(answer.contains("bob checked in"), "{answer}");
    let topics = sql(&db, "SELECT COUNT(*) FROM topics WHERE status = 'active'");
    let out = hearth(
        &[
            "export",
            "--config",
            "tests/transcripts/scheduled.toml",
            "--db",
            &db,
            "--community",
            "ny-makers",
            "--format",
            "csv",
        ],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let export = export_as(&db, "json");
    let json: serde_json::Value = serde_json::from_slice(&export.stdout).expect("JSON");
    assert_eq!(json["members"].as_array().map(Vec::len), Some(2), "bob's check-in is read");
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM communities"), communities);
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM topics WHERE status = 'active'"), topics);
    drop(stdin);
    drop(live);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_database_and_its_backups_are_private_files() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).expect("file exists").permissions().mode() & 0o777;
    let dir = scratch("cli-private-files");
    let db = console_database(&dir, "private.db");
    assert_eq!(mode(&dir.join("private.db")), 0o600);

    let target = dir.join("backup.db");
    let backup = hearth(&["backup", target.to_str().expect("utf-8"), "--config", BERLIN, "--db", &db], "");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("1 ledger rows, integrity ok"));
    assert_eq!(mode(&target), 0o600);
    let again = hearth(&["backup", target.to_str().expect("utf-8"), "--config", BERLIN, "--db", &db], "");
    assert!(!again.status.success(), "a backup never overwrites");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_refuses_a_shard_range_that_is_not_first_last_of_total() {
    let dir = scratch("cli-shards");
    let db = dir.join("hearth.db");
    for bad in ["3-0/8", "0-8/8", "0-3", " 0-3/8", "0-3/０"] {
        let output = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["run", "--config", "config/example.toml"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
            .env_remove("TELEGRAM_TOKEN")
            .env("DISCORD_TOKEN", "never-used")
            .env("DISCORD_API_URL", "http://127.0.0.1:9")
            .env("HEARTH_DATABASE_URL", format!("sqlite://{}", db.display()))
            .env("HEARTH_DISCORD_SHARDS", bad)
            .stdin(Stdio::null())
            .output()
            .expect("hearth runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad:?}: {stderr}");
        assert!(stderr.contains("HEARTH_DISCORD_SHARDS") && stderr.contains("expected first-last/total"), "{stderr}");
        assert!(!db.exists(), "{bad:?}: nothing opened before the refusal");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same console sessions on SQLite and on PostgreSQL, as an outside
/// script drives them: the two exports are the same bytes, JSON and CSV.
#[test]
fn console_sessions_on_postgres_export_exactly_what_sqlite_exports() {
    let Some(cluster) = postgres_or_skip() else { return };
    let dir = scratch("cli-postgres");
    let sqlite = format!("sqlite://{}", dir.join("same.db").display());
    let postgres = cluster.create_database().expect("a PostgreSQL database");
    let sessions = [
        ("2026-03-02T08:00:00Z", "@alice /checkin\n@bob /checkin\n/topic add What made you smile?\n"),
        ("2026-03-03T08:00:00Z", "@alice /checkin\n@bob /give @alice 3 thanks\n@ada /award @bob 50 talk\n"),
        ("2026-03-04T08:00:00Z", "@alice /checkin\n@bob /checkin\n@alice /forgetme\n@bob /top\n"),
    ];
    for db in [&sqlite, &postgres] {
        for (clock, script) in sessions {
            let console = hearth(&["console", "--config", BERLIN, "--db", db, "--clock", clock], script);
            assert!(console.status.success(), "{db}: {}", String::from_utf8_lossy(&console.stderr));
        }
    }
    for format in ["json", "csv"] {
        let (from_sqlite, from_postgres) = (export_as(&sqlite, format), export_as(&postgres, format));
        assert!(from_postgres.status.success(), "{}", String::from_utf8_lossy(&from_postgres.stderr));
        assert!(!from_sqlite.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&from_sqlite.stdout),
            String::from_utf8_lossy(&from_postgres.stdout),
            "{format} exports differ"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn export_of_a_postgres_database_that_does_not_exist_exits_2_and_creates_nothing() {
    let Some(cluster) = postgres_or_skip() else { return };
    let missing = cluster.url("hearth_typo");
    let export = export_as(&missing, "json");
    assert_eq!(export.status.code(), Some(2), "{}", String::from_utf8_lossy(&export.stderr));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(stderr.contains("\"hearth_typo\" does not exist (check --db)"), "{stderr}");
    assert!(!stderr.contains("postgres://"), "the URL (which may hold a password) is not echoed: {stderr}");
    let databases = cluster
        .psql(&cluster.url("postgres"), "SELECT datname FROM pg_database WHERE datname = 'hearth_typo'")
        .expect("list databases");
    assert!(databases.trim().is_empty(), "nothing created: {databases}");
}

/// A throwaway PostgreSQL cluster, or `None` (printing why) where none is installed.
fn postgres_or_skip() -> Option<hearth_testkit::PgCluster> {
    match hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests()) {
        Ok(Some(cluster)) => Some(cluster),
        Ok(None) => {
            println!("skipped: no PostgreSQL");
            None
        }
        Err(error) => panic!("starting PostgreSQL: {error:#}"),
    }
}
