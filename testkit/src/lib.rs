//! Throwaway PostgreSQL clusters for tests and benchmarks.
//!
//! [`PgCluster::start`] runs `initdb` in a fresh temporary directory, starts the server with `pg_ctl`, and
//! [`Drop`] stops it and removes the directory. Each test makes its own databases with
//! [`PgCluster::create_database`]; nothing is shared with the machine's own PostgreSQL (if any) or with
//! another cluster, so suites run in parallel. Starting takes about 1 s, a database about 0.1 s.
//!
//! ```no_run
//! let Some(cluster) = hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests())? else {
//!     return Ok(()); // no PostgreSQL here: skip
//! };
//! let url = cluster.create_database()?; // postgres://postgres@localhost/hearth_1?host=/tmp/…&port=…
//! assert_eq!(cluster.psql(&url, "SELECT 1")?, "1\n");
//! # anyhow::Ok(())
//! ```
//!
//! Keep a cluster where it drops (a local, an `Arc` the test holds): a `static` is never dropped, so its
//! server would outlive the test process and its files would stay in `/tmp`.
//!
//! A test process killed before `Drop` (kill -9, a CI timeout) leaves its cluster running. Each cluster's
//! directory records its owner (pid and start time, from `/proc`), and [`PgCluster::start`] first stops and
//! removes every `hearth-pg-*` cluster whose owner is gone, so the next run cleans up after the killed one.
//!
//! Why each setting:
//! - `initdb -U postgres --auth=trust`: the superuser is always `postgres` (URLs do not depend on who ran
//!   the tests) and no password exists to leak into logs. Trust is safe because nothing listens on TCP.
//! - `--encoding=UTF8 --locale=C`: text compares byte by byte, as SQLite's default `BINARY` collation does,
//!   and no host locale is needed (minimal CI images have none).
//! - `initdb --no-sync`: the cluster is thrown away; syncing its template files buys nothing.
//! - `listen_addresses = ''`, `unix_socket_directories = <temp dir>`: only a unix socket in the cluster's
//!   own directory, so no TCP port can collide with another cluster or service. The `port` (random) only
//!   names the socket file `.s.PGSQL.<port>`.
//! - The temp directory is made under `/tmp`: a unix socket path is limited to 107 bytes (a long `$TMPDIR`,
//!   e.g. macOS', would overflow it), and `/tmp` is traversable by the `postgres` user (see below).
//! - [`PgOptions::for_tests`]: `fsync`, `synchronous_commit` and `full_page_writes` off. A crash loses the
//!   cluster anyway, and commits no longer wait for the disk, which is most of a test's database time.
//! - [`PgOptions::for_benchmarks`]: all three on (PostgreSQL's defaults), so commit costs are real.
//! - `max_connections = 200`: several pools of a few dozen connections each (several hearth processes on
//!   one database) fit, with PostgreSQL's default 128 MB of shared buffers.
//! - `TimeZone = 'UTC'`, `DateStyle = 'ISO, YMD'`: a session's clock and date text do not depend on the
//!   host's zone (hearth stores UTC text itself; this only keeps ad-hoc SQL in tests predictable).
//!
//! Root: `initdb`, `pg_ctl` and `postgres` refuse to run as root. When the effective uid is 0 they run as
//! the `postgres` system user (Debian's package creates it) through `runuser -u postgres --` (or `setpriv`
//! when `runuser` is missing), and the temp directory is chowned to that user. Clients (`psql`,
//! `createdb`, sqlx) connect as the database user `postgres` either way; trust authentication accepts any
//! OS user on the socket. Otherwise everything runs as the current user.
//!
//! Binaries: `initdb` in `PATH` (its real directory, with symlinks resolved, gives `pg_ctl`, `psql` and
//! `createdb` of the same version), else the newest `/usr/lib/postgresql/<version>/bin` (Debian's layout,
//! not in `PATH`). None found: `start` returns `Ok(None)` and the caller skips, unless
//! `HEARTH_REQUIRE_POSTGRES=1` (set by CI), which makes it an error.

pub mod conformance;

use std::ffi::OsStr;
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};

/// The environment variable that turns "no PostgreSQL found" from a skip into an error.
pub const REQUIRE_ENV: &str = "HEARTH_REQUIRE_POSTGRES";

/// The database superuser every cluster has (`initdb -U`).
pub const SUPERUSER: &str = "postgres";

/// How a cluster is configured.
#[derive(Clone, Debug)]
pub struct PgOptions {
    /// `fsync`, `synchronous_commit` and `full_page_writes` all follow this.
    pub durable: bool,
    pub max_connections: u32,
}

impl PgOptions {
    /// Fast and not crash-safe: for tests.
    pub fn for_tests() -> Self {
        PgOptions { durable: false, max_connections: 200 }
    }

    /// Commits reach the disk, as in production: for benchmarks.
    pub fn for_benchmarks() -> Self {
        PgOptions { durable: true, ..Self::for_tests() }
    }
}

/// A running throwaway cluster; dropping it stops the server and removes its files.
pub struct PgCluster {
    bin_dir: PathBuf,
    /// Some when running as root: server programs run as this OS user.
    server_user: Option<&'static str>,
    /// Holds `data/` (the cluster), `socket/` and `server.log`.
    dir: tempfile::TempDir,
    port: u16,
    next_database: AtomicU64,
}

impl PgCluster {
    /// Starts a new cluster, or `Ok(None)` when no PostgreSQL server binaries are installed (an error
    /// instead when `HEARTH_REQUIRE_POSTGRES=1`).
    pub fn start(options: PgOptions) -> anyhow::Result<Option<PgCluster>> {
        let Some(bin_dir) = find_bin_dir(std::env::var_os("PATH").as_deref(), Path::new("/usr/lib/postgresql")) else {
            if std::env::var(REQUIRE_ENV).is_ok_and(|value| value == "1") {
                bail!("{REQUIRE_ENV}=1 but no PostgreSQL server binaries (initdb) were found");
            }
            return Ok(None);
        };
        let server_user = running_as_root().then_some(SUPERUSER);
        let base = if Path::new("/tmp").is_dir() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
        let dir = tempfile::Builder::new()
            .prefix("hearth-pg-")
            .tempdir_in(&base)
            .with_context(|| format!("creating a temp dir in {}", base.display()))?;
        reap_stale_clusters(&base, &bin_dir, server_user);
        std::fs::write(dir.path().join(OWNER_FILE), owner_record(std::process::id()).unwrap_or_default())
            .context("recording the cluster's owner")?;
        let cluster = PgCluster { bin_dir, server_user, dir, port: random_port(), next_database: AtomicU64::new(1) };
        std::fs::create_dir(cluster.socket_dir()).context("creating the socket dir")?;
        if let Some(user) = server_user {
            let (uid, gid) = os_user_ids(user)?;
            for path in [cluster.dir.path(), &cluster.socket_dir()] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .with_context(|| format!("giving {} to {user}", path.display()))?;
            }
        }
        let socket_path = cluster.socket_dir().join(format!(".s.PGSQL.{}", cluster.port));
        if socket_path.as_os_str().len() > 107 {
            bail!("socket path {} is longer than a unix socket allows", socket_path.display());
        }

        cluster.initdb()?;
        cluster.configure(&options)?;
        // From here on, Drop stops whatever started.
        cluster.pg_ctl_start()?;
        Ok(Some(cluster))
    }

    /// A sqlx- and libpq-usable URL of a database on this cluster's socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost/{}?host={}&port={}&sslmode=disable",
            encode(database),
            encode(&self.socket_dir().to_string_lossy()),
            self.port
        )
    }

    /// Creates a new, empty, uniquely named database and returns its URL. Safe to call from many threads.
    pub fn create_database(&self) -> anyhow::Result<String> {
        let name = format!("hearth_{}", self.next_database.fetch_add(1, Ordering::Relaxed));
        let output = self
            .client_command("createdb")
            .args(["--host".as_ref(), self.socket_dir().as_os_str()])
            .args(["--port", &self.port.to_string(), "--username", SUPERUSER, "--no-password", &name])
            .output()
            .context("running createdb")?;
        check(&output, "createdb")?;
        Ok(self.url(&name))
    }

    /// Runs `sql` with `psql` on the database at `url` (stops at the first error) and returns the rows
    /// printed unaligned, one per line, columns separated by `|`.
    pub fn psql(&self, url: &str, sql: &str) -> anyhow::Result<String> {
        self.run_psql(url, ["--command".as_ref(), OsStr::new(sql)])
    }

    /// Runs the SQL file at `path` with `psql -v ON_ERROR_STOP=1 -f` on the database at `url`.
    pub fn psql_file(&self, url: &str, path: &Path) -> anyhow::Result<String> {
        self.run_psql(url, ["--file".as_ref(), path.as_os_str()])
    }

    /// Where the server and client programs of this cluster's version are.
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The temp directory holding the cluster; gone once the cluster is dropped.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the server's unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.path().join("socket")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_file(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn run_psql<'a>(&self, url: &str, args: impl IntoIterator<Item = &'a OsStr>) -> anyhow::Result<String> {
        let output = self
            .client_command("psql")
            .args(["--no-psqlrc", "--quiet", "--no-align", "--tuples-only", "--set", "ON_ERROR_STOP=1"])
            .args(["--dbname", url])
            .args(args)
            .output()
            .context("running psql")?;
        check(&output, "psql")?;
        String::from_utf8(output.stdout).context("psql printed something other than UTF-8")
    }

    fn initdb(&self) -> anyhow::Result<()> {
        let output = self
            .server_command("initdb")
            .args(["--username", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
            .arg("--pgdata")
            .arg(self.data_dir())
            .output()
            .context("running initdb")?;
        check(&output, "initdb")
    }

    fn configure(&self, options: &PgOptions) -> anyhow::Result<()> {
        let durable = if options.durable { "on" } else { "off" };
        let settings = format!(
            "\n# hearth-testkit (see the crate's documentation)\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{socket}'\n\
             port = {port}\n\
             max_connections = {max_connections}\n\
             fsync = {durable}\n\
             synchronous_commit = {durable}\n\
             full_page_writes = {durable}\n\
             TimeZone = 'UTC'\n\
             DateStyle = 'ISO, YMD'\n",
            socket = self.socket_dir().display(),
            port = self.port,
            max_connections = options.max_connections,
        );
        // Appending keeps the file's owner (the server's user).
        let conf = self.data_dir().join("postgresql.conf");
        let mut file = std::fs::OpenOptions::new().append(true).open(&conf).context("opening postgresql.conf")?;
        std::io::Write::write_all(&mut file, settings.as_bytes()).context("writing postgresql.conf")
    }

    fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let output = self
            .server_command("pg_ctl")
            .arg("--pgdata")
            .arg(self.data_dir())
            .arg("--log")
            .arg(self.log_file())
            .args(["--wait", "--timeout=60", "--silent", "start"])
            .output()
            .context("running pg_ctl start")?;
        check(&output, "pg_ctl start").with_context(|| {
            let log = std::fs::read_to_string(self.log_file()).unwrap_or_default();
            format!("server log:\n{log}")
        })
    }

    /// A server program, run as the server's OS user.
    fn server_command(&self, program: &str) -> Command {
        server_command(&self.bin_dir, self.server_user, self.dir.path(), program)
    }

    /// A client program, run as the caller.
    fn client_command(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin_dir.join(program));
        // Connection settings come from the arguments alone.
        for variable in ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE", "PGOPTIONS"] {
            command.env_remove(variable);
        }
        command.stdin(Stdio::null());
        command
    }
}

/// `program` of `bin_dir`, run as `server_user` when given, in `dir`.
fn server_command(bin_dir: &Path, server_user: Option<&str>, dir: &Path, program: &str) -> Command {
    let path = bin_dir.join(program);
    let mut command = match server_user {
        None => Command::new(path),
        Some(user) if in_path("runuser") => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(path);
            command
        }
        Some(user) => {
            let mut command = Command::new("setpriv");
            command.args([&format!("--reuid={user}"), &format!("--regid={user}"), "--init-groups", "--"]);
            command.arg(path);
            command
        }
    };
    // The server's user may not be able to enter the caller's directory.
    command.current_dir(dir).stdin(Stdio::null());
    command
}

/// The file in a cluster's directory that names the process owning it.
const OWNER_FILE: &str = "owner";

/// `pid` and its start time (clock ticks since boot, from `/proc`): a pid
/// reused by a later process does not pass for the owner. `None` where
/// `/proc` has no such process.
fn owner_record(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after its `)` do not.
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace();
    // An exited process (a zombie not yet waited for) owns nothing.
    if fields.next().is_none_or(|state| state == "Z" || state == "X") {
        return None;
    }
    let start_time = fields.nth(18)?;
    Some(format!("{pid} {start_time}"))
}

/// Stops and removes the clusters in `base` whose owning process is gone: a
/// test binary that was killed (kill -9, a CI timeout) never ran `Drop`, so
/// its server would run on and its files stay. A directory without an owner
/// record (being set up right now, or made by an older testkit) is left alone.
fn reap_stale_clusters(base: &Path, bin_dir: &Path, server_user: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if !entry.file_name().to_string_lossy().starts_with("hearth-pg-") {
            continue;
        }
        let Ok(recorded) = std::fs::read_to_string(dir.join(OWNER_FILE)) else {
            continue;
        };
        let Some(pid) = recorded.split_whitespace().next().and_then(|pid| pid.parse::<u32>().ok()) else {
            continue;
        };
        if owner_record(pid).is_some_and(|now| now == recorded.trim()) {
            continue; // its owner still runs
        }
        let data = dir.join("data");
        if data.join("postmaster.pid").exists() {
            // Another test binary may reap the same cluster at once: the loser's stop fails harmlessly.
            let _ = server_command(bin_dir, server_user, &dir, "pg_ctl")
                .arg("--pgdata")
                .arg(&data)
                .args(["--mode=immediate", "--wait", "--silent", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.data_dir().join("postmaster.pid").exists() {
            let stopped = self
                .server_command("pg_ctl")
                .arg("--pgdata")
                .arg(self.data_dir())
                .args(["--mode=immediate", "--wait", "--silent", "stop"])
                .output();
            if let Err(error) = stopped.map_err(anyhow::Error::from).and_then(|output| check(&output, "pg_ctl stop")) {
                eprintln!("hearth-testkit: stopping the cluster in {}: {error:#}", self.dir.path().display());
            }
        }
        // The TempDir removes the files when it drops, right after this.
    }
}

fn check(output: &Output, what: &str) -> anyhow::Result<()> {
    if output.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim(),
        String::from_utf8_lossy(&output.stdout).trim()
    )
}

/// The directory of the server binaries to use, see the crate's documentation: `initdb` in `path` (the
/// `PATH` variable), else the newest `<versions>/<version>/bin`.
fn find_bin_dir(path: Option<&OsStr>, versions: &Path) -> Option<PathBuf> {
    let has_server = |dir: &Path| ["initdb", "pg_ctl", "psql", "createdb"].iter().all(|name| dir.join(name).is_file());
    let from_path = path.and_then(|paths| {
        std::env::split_paths(paths)
            .map(|dir| dir.join("initdb"))
            .filter(|initdb| initdb.is_file())
            .find_map(|initdb| std::fs::canonicalize(initdb).ok()?.parent().map(Path::to_path_buf))
            .filter(|dir| has_server(dir))
    });
    from_path.or_else(|| {
        let mut found: Vec<(Vec<u64>, PathBuf)> = std::fs::read_dir(versions)
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version =
                    entry.file_name().to_str()?.split('.').map(|part| part.parse().ok()).collect::<Option<_>>()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| has_server(bin))
            .collect();
        found.sort();
        found.pop().map(|(_, bin)| bin)
    })
}

fn in_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// uid and gid of an OS user, from `id`.
fn os_user_ids(user: &str) -> anyhow::Result<(u32, u32)> {
    let id = |flag: &str| -> anyhow::Result<u32> {
        let output = Command::new("id").args([flag, user]).output().context("running id")?;
        check(&output, "id").with_context(|| format!("running as root needs the OS user {user}"))?;
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim().parse().with_context(|| format!("id {flag} {user} printed {text:?}"))
    };
    Ok((id("-u")?, id("-g")?))
}

/// A port number from 20000 to 59999. It only names the socket file, so clusters never collide on it.
fn random_port() -> u16 {
    // RandomState is seeded randomly per instance: random enough, without a dependency.
    let random = RandomState::new().hash_one(std::process::id());
    20_000 + (random % 40_000) as u16
}

/// Percent-encodes everything but unreserved URL characters and `/`.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(bin: &Path) {
        std::fs::create_dir_all(bin).unwrap();
        for name in ["initdb", "pg_ctl", "psql", "createdb"] {
            std::fs::write(bin.join(name), "").unwrap();
        }
    }

    #[test]
    fn the_newest_installed_version_is_used_when_path_has_none() {
        let root = tempfile::tempdir().unwrap();
        let versions = root.path().join("postgresql");
        for version in ["9.6", "15", "16"] {
            fake_install(&versions.join(version).join("bin"));
        }
        // A newer version without its client programs does not count.
        std::fs::create_dir_all(versions.join("17/bin")).unwrap();
        std::fs::write(versions.join("17/bin/initdb"), "").unwrap();
        let empty_path = root.path().join("empty");
        std::fs::create_dir(&empty_path).unwrap();
        let path = std::env::join_paths([&empty_path]).unwrap();
        assert_eq!(find_bin_dir(Some(&path), &versions), Some(versions.join("16/bin")));
    }

    #[test]
    fn initdb_in_path_wins_and_nothing_installed_is_none() {
        let root = tempfile::tempdir().unwrap();
        let in_path = root.path().join("bin");
        fake_install(&in_path);
        let versions = root.path().join("postgresql");
        fake_install(&versions.join("16/bin"));
        let path = std::env::join_paths([&in_path]).unwrap();
        assert_eq!(find_bin_dir(Some(&path), &versions), Some(std::fs::canonicalize(&in_path).unwrap()));
        assert_eq!(find_bin_dir(None, &root.path().join("missing")), None);
    }

    #[test]
    fn only_clusters_whose_owner_is_gone_are_reaped() {
        let base = tempfile::tempdir().unwrap();
        let make = |name: &str, owner: Option<String>| {
            let dir = base.path().join(name);
            std::fs::create_dir(&dir).unwrap();
            if let Some(owner) = owner {
                std::fs::write(dir.join(OWNER_FILE), owner).unwrap();
            }
            dir
        };
        let me = owner_record(std::process::id()).expect("this process in /proc");
        let mine = make("hearth-pg-mine", Some(me));
        // The same pid with another start time: a pid reused after the owner died.
        let reused = make("hearth-pg-reused", Some(format!("{} 1", std::process::id())));
        let unrecorded = make("hearth-pg-setting-up", None);
        let other = make("something-else", Some("1 1".to_string()));
        reap_stale_clusters(base.path(), Path::new("/nonexistent"), None);
        assert!(mine.exists() && unrecorded.exists() && other.exists());
        assert!(!reused.exists());
    }

    #[test]
    fn encoding_keeps_path_characters_and_escapes_the_rest() {
        assert_eq!(encode("/tmp/hearth-pg-Ab9_~"), "/tmp/hearth-pg-Ab9_~");
        assert_eq!(encode("a b&c"), "a%20b%26c");
    }
}
