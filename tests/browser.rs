//! The dashboard in a real browser (issue 17): a scripted month in
//! `hearth console` with `HEARTH_HTTP_ADDR`, `/dashboard` typed as an
//! admin, and `tests/browser/dashboard.mjs` (Playwright on Debian's
//! Chromium) signing in through the link it printed, in English and in
//! Chinese. The KPIs it checks are what `hearth export` says.
//!
//! Needs `/usr/bin/chromium` (or `HEARTH_CHROMIUM`), node and
//! `npm ci --prefix tests/browser`. Without them the test skips, unless
//! `HEARTH_REQUIRE_BROWSER=1` (CI), which makes it fail.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Running, free_port, root, scratch, wait_for};

const REQUIRE_ENV: &str = "HEARTH_REQUIRE_BROWSER";
/// How long the scripted month may take to play before `/dashboard` answers.
const SCRIPT_WAIT: Duration = Duration::from_secs(120);

/// One language's community.
struct Scenario {
    community: &'static str,
    name: &'static str,
    timezone: &'static str,
    locale: &'static str,
    /// 07:00 local on a Monday, in UTC.
    clock: &'static str,
    /// A regular's name the board is searched for.
    searched: &'static str,
}

const SCENARIOS: [Scenario; 2] = [
    Scenario {
        community: "rustaceans",
        name: "Rustaceans",
        timezone: "Europe/Berlin",
        locale: "en",
        clock: "2026-03-02T06:00:00Z",
        searched: "carol",
    },
    Scenario {
        community: "huoba",
        name: "火把社群",
        timezone: "Asia/Shanghai",
        locale: "zh-CN",
        clock: "2026-03-01T23:00:00Z",
        searched: "李雷",
    },
];

#[test]
fn the_dashboard_in_a_real_browser_in_both_languages() {
    let Some(browser) = browser_or_skip() else { return };
    let shots = root().join("target").join("browser-screenshots");
    std::fs::create_dir_all(&shots).expect("the screenshot dir");
    for scenario in &SCENARIOS {
        run(scenario, &browser, &shots);
    }
}

/// What the browser side needs, found; `None` (skip) when something is
/// missing and the browser is not required.
struct Browser {
    chromium: PathBuf,
    script: PathBuf,
}

fn browser_or_skip() -> Option<Browser> {
    let chromium =
        std::env::var_os("HEARTH_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let script = root().join("tests/browser/dashboard.mjs");
    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|out| out.status.success());
    let missing: Vec<String> = [
        (!chromium.is_file()).then(|| format!("Chromium at {} (apt-get install chromium)", chromium.display())),
        (!node_ok).then(|| "node".to_string()),
        (!root().join("tests/browser/node_modules/playwright-core").is_dir())
            .then(|| "tests/browser/node_modules (npm ci --prefix tests/browser)".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some(Browser { chromium, script });
    }
    let message = format!("the browser test needs {}", missing.join(", "));
    assert!(std::env::var(REQUIRE_ENV).map_or(true, |value| value != "1"), "{REQUIRE_ENV}=1 but {message}");
    eprintln!("skipping: {message}");
    None
}

fn config(scenario: &Scenario) -> String {
    format!(
        r#"
[console]
admins = ["ada"]

[[community]]
id = "{id}"
name = "{name}"
timezone = "{tz}"
locale = "{locale}"

[community.web]
public = true

[community.checkin]
points = 10
day_starts_at = "04:00"

[community.points]
give_allowance = 3
give_max = 5
levels = [0, 50, 150, 400]

[community.topics]
pool = ["What did you learn this week?", "Which tool surprised you?", "What are you building?"]
reply_points = 2

[community.challenge]
themes = ["Build something tiny"]
entry_points = 5
winner_points = [30, 20, 10]

[[community.schedule]]
id = "daily-topic"
cron = "0 9 * * *"
action = "topic"

[[community.badge]]
id = "week-warrior"
name = "Week Warrior"
when = "streak >= 7"
"#,
        id = scenario.community,
        name = scenario.name,
        tz = scenario.timezone,
        locale = scenario.locale,
    )
}

/// Four weeks of a small community, then 55 guests who check in once (so
/// the public board has a second page), then `/dashboard` from the admin.
fn scripted_month() -> String {
    let mut lines = Vec::new();
    for day in 0..28 {
        let mut checkins = vec!["ada", "alice", "韩梅梅"];
        if day % 2 == 0 {
            checkins.push("bob");
        }
        if day < 20 {
            // carol goes quiet for the last week: the at-risk list.
            checkins.push("carol");
        }
        if day % 3 != 0 {
            checkins.push("李雷");
        }
        for who in checkins {
            lines.push(format!("@{who} /checkin"));
        }
        // The topic posts at 09:00 on the way to 10:00; two replies.
        lines.push(":advance 3h".to_string());
        lines.push("@bob > I learned about lifetimes".to_string());
        if day % 3 == 0 {
            lines.push("@alice > cargo-nextest, again".to_string());
        }
        if day % 4 == 1 {
            lines.push("@alice /give @bob 2 thanks for the review".to_string());
        }
        match day {
            7 => lines.push("@ada /challenge start Build something tiny".to_string()),
            8 => {
                lines.push("@alice /submit a tiny CLI".to_string());
                lines.push("@bob /submit a tiny <b>parser</b>".to_string());
                lines.push("@李雷 /submit 一个小工具".to_string());
            }
            11 => lines.push("@ada /challenge voting".to_string()),
            12 => {
                lines.push("@carol /vote 1".to_string());
                lines.push("@韩梅梅 /vote 2".to_string());
                lines.push("@bob /vote 1".to_string());
            }
            14 => lines.push("@ada /challenge close".to_string()),
            27 => lines.extend((1..=55).map(|n| format!("@guest{n:02} /checkin"))),
            _ => {}
        }
        lines.push(":advance 21h".to_string());
    }
    lines.push("@ada /dashboard".to_string());
    lines.join("\n") + "\n"
}

fn run(scenario: &Scenario, browser: &Browser, shots: &Path) {
    let dir = scratch(&format!("browser-{}", scenario.community));
    std::fs::write(dir.join("hearth.toml"), config(scenario)).expect("config");
    let db = format!("sqlite://{}", dir.join("hearth.db").display());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let mut console = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["console", "--config"])
        .arg(dir.join("hearth.toml"))
        .args(["--db", &db, "--clock", scenario.clock])
        .env("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("HEARTH_PUBLIC_URL", &base)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hearth console starts");
    let mut stdin = console.stdin.take().expect("the console's stdin");
    let stdout = console.stdout.take().expect("the console's stdout");
    let console = Running(console);

    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    stdin.write_all(scripted_month().as_bytes()).expect("the script reaches the console");
    stdin.flush().expect("flush");

    let login = wait_for_login_link(&lines_rx, &base);
    wait_for("the web pages", || common::http(port, "GET", "/healthz", &[], "").0 == 200);

    let expected = expected_figures(&dir, &db, scenario.community);
    let argument = serde_json::json!({
        "login": login,
        "base": base,
        "community": scenario.community,
        "lang": scenario.locale,
        "expected": { "kpis": expected, "searched": scenario.searched },
        "shots": shots,
    });
    let outcome = Command::new("node")
        .arg(&browser.script)
        .arg(argument.to_string())
        .env("HEARTH_CHROMIUM", &browser.chromium)
        .current_dir(root().join("tests/browser"))
        .output()
        .expect("node runs the browser script");
    let said = format!("{}{}", String::from_utf8_lossy(&outcome.stdout), String::from_utf8_lossy(&outcome.stderr));
    assert!(outcome.status.success(), "the browser checks failed ({}):\n{said}", scenario.locale);
    eprint!("{said}");

    drop(stdin);
    drop(console);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The one URL of the admin's private `/dashboard` reply.
fn wait_for_login_link(lines: &mpsc::Receiver<String>, base: &str) -> String {
    let deadline = Instant::now() + SCRIPT_WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(start) = line.find(&format!("{base}/login/")) {
                    return line[start..].split_whitespace().next().unwrap_or_default().to_string();
                }
                seen.push(line);
            }
            Err(_) => {
                let tail = seen[seen.len().saturating_sub(20)..].join("\n");
                panic!("no login link from /dashboard; the console's last lines:\n{tail}");
            }
        }
    }
}

/// The KPI tiles' figures for the 30 days that hold the whole scripted
/// month, counted from `hearth export`.
fn expected_figures(dir: &Path, db: &str, community: &str) -> serde_json::Value {
    let export = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["export", "--community", community, "--format", "json", "--db", db, "--config"])
        .arg(dir.join("hearth.toml"))
        .output()
        .expect("hearth export");
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let export: serde_json::Value = serde_json::from_slice(&export.stdout).expect("JSON export");
    let ledger = export["ledger"].as_array().expect("a ledger");
    let rows_of = |kind: &str| ledger.iter().filter(|row| row["kind"] == kind).count();
    serde_json::json!({
        "members": export["members"].as_array().expect("members").len(),
        "checkins": rows_of("checkin"),
        "gives": rows_of("peer_award"),
        "topic-replies": rows_of("topic_reply"),
        "challenge-entries": rows_of("challenge_entry"),
    })
}
