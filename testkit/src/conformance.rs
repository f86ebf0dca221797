//! One conformance suite for both backends: every test of a test binary runs
//! on SQLite in the usual way, and once more on PostgreSQL.
//!
//! How: each binary holds one extra test, [`run_this_binary_on_postgres`].
//! It starts a throwaway cluster and runs the binary again (the same tests,
//! minus itself) with [`SERVER_ENV`] set to the cluster's URL; a test's
//! database helper sees that and makes a fresh PostgreSQL database
//! ([`fresh_database`]) where it would have opened SQLite. So no test body
//! names a backend, and a test added tomorrow runs on both.

use std::process::Command;

use crate::{PgCluster, PgOptions, REQUIRE_ENV};

/// Set in the re-run: the URL of the cluster's `postgres` database.
pub const SERVER_ENV: &str = "HEARTH_TEST_PG";

/// Set in the re-run: the directory of the cluster's `psql`.
const BIN_ENV: &str = "HEARTH_TEST_PG_BIN";

/// The name every binary gives its re-running test.
pub const RERUN_TEST: &str = "postgres_conformance";

/// Runs every other test of the current test binary on PostgreSQL, except
/// those whose names contain one of `skip` (tests of SQLite itself). Prints
/// "skipped: no PostgreSQL" and passes when none is installed, unless
/// `HEARTH_REQUIRE_POSTGRES=1`.
pub fn run_this_binary_on_postgres(skip: &[&str]) {
    if std::env::var_os(SERVER_ENV).is_some() {
        return; // already the re-run
    }
    let cluster = match PgCluster::start(PgOptions::for_tests()) {
        Ok(Some(cluster)) => cluster,
        Ok(None) => {
            assert!(
                std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
                "{REQUIRE_ENV}=1 but no PostgreSQL server programs were found"
            );
            println!("skipped: no PostgreSQL (install Debian's postgresql to run this suite on it too)");
            return;
        }
        Err(error) => panic!("starting a throwaway PostgreSQL cluster failed: {error:#}"),
    };
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(exe);
    command.env(SERVER_ENV, cluster.url("postgres")).env(BIN_ENV, cluster.bin_dir()).args(["--skip", RERUN_TEST]);
    for name in skip {
        command.args(["--skip", name]);
    }
    let output = command.output().expect("running the tests again on PostgreSQL");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stdout.lines().filter(|line| line.starts_with("test result:")).collect::<Vec<_>>().join("\n");
    println!("on PostgreSQL: {summary}");
    assert!(output.status.success(), "the tests failed on PostgreSQL:\n{stdout}\n{stderr}");
}

/// In the PostgreSQL re-run: a fresh, empty database's URL. `None` in the
/// ordinary (SQLite) run.
pub fn fresh_database() -> Option<String> {
    let server = std::env::var(SERVER_ENV).ok()?;
    let name = format!("hearth_{}_{}", std::process::id(), next_number());
    let psql =
        std::env::var_os(BIN_ENV).map_or_else(|| "psql".into(), |dir| std::path::PathBuf::from(dir).join("psql"));
    let output = Command::new(psql)
        .args(["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-d", &server, "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("running psql");
    assert!(output.status.success(), "CREATE DATABASE failed: {}", String::from_utf8_lossy(&output.stderr));
    Some(with_database(&server, &name))
}

/// The database a test keeps at `sqlite_file` (across restarts of the
/// engine, or shared by several stores): that file's SQLite URL, or in the
/// PostgreSQL re-run one fresh PostgreSQL database per file, the same one
/// each time it is asked for.
pub fn database_at(sqlite_file: &std::path::Path) -> String {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static CREATED: Mutex<Option<HashMap<std::path::PathBuf, String>>> = Mutex::new(None);
    if !on_postgres() {
        return format!("sqlite://{}", sqlite_file.display());
    }
    let mut created = CREATED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let created = created.get_or_insert_with(HashMap::new);
    created
        .entry(sqlite_file.to_path_buf())
        .or_insert_with(|| fresh_database().expect("in the PostgreSQL re-run"))
        .clone()
}

/// Whether this process is the PostgreSQL re-run.
pub fn on_postgres() -> bool {
    std::env::var_os(SERVER_ENV).is_some()
}

fn next_number() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `url` (as `PgCluster::url` makes it) with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (before, after) = url.split_once("@localhost/").expect("a cluster URL");
    let rest = after.split_once('?').map_or(String::new(), |(_, query)| format!("?{query}"));
    format!("{before}@localhost/{database}{rest}")
}
