//! `hearth run` with no platform tokens (the console): time from spawn until
//! it answers a piped `@name /checkin`, on a new database (migrations run)
//! and on an existing one, against spawning `hearth --version` and `true`
//! until they exit; then its idle RSS against a `sleep` process read the
//! same way from /proc.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use crate::child::{hearth_binary, scratch, workspace_root};
use crate::latency::{Distribution, ms};
use crate::memory::{Memory, mib};

/// Starts of each kind; the figures are medians.
const TRIALS: usize = 5;
/// How long the bot sits idle after its answer before its memory is read.
const IDLE: Duration = Duration::from_secs(2);
/// The longest a start may take before the benchmark gives up.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Environment that would start another adapter instead of the console.
const PLATFORM_ENV: [&str; 6] = [
    "TELEGRAM_TOKEN",
    "DISCORD_TOKEN",
    "DISCORD_PUBLIC_KEY",
    "HEARTH_HTTP_ADDR",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_API_URL",
];

pub async fn run(hearth: Option<&Path>) -> anyhow::Result<()> {
    let hearth = hearth_binary(hearth)?;
    let dir = scratch("startup")?;
    let outcome = measure(&hearth, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(hearth: &Path, dir: &Path) -> anyhow::Result<()> {
    let config = workspace_root().join("config/example.toml");
    anyhow::ensure!(config.is_file(), "{} is missing (run from the workspace root)", config.display());
    println!("startup: {} run, console adapter, config/example.toml, {TRIALS} starts each", hearth.display());

    let mut first_starts = Vec::new();
    let mut restarts = Vec::new();
    let mut idle = None;
    for trial in 0..TRIALS {
        let db = dir.join(format!("trial{trial}.db"));
        let (time, bot) = start_until_answer(hearth, &config, &db, &format!("first{trial}")).await?;
        first_starts.push(time);
        stop(bot).await;
        let (time, bot) = start_until_answer(hearth, &config, &db, &format!("again{trial}")).await?;
        restarts.push(time);
        if trial + 1 == TRIALS {
            idle = Some(idle_memory(bot.process).await?);
        } else {
            stop(bot).await;
        }
    }
    let idle = idle.context("no start was measured")?;
    let version = spawn_until_exit(Command::new(hearth).arg("--version")).await?;
    let trivial = spawn_until_exit(&mut Command::new("true")).await?;
    let sleeper =
        idle_memory(Command::new("sleep").arg("30").kill_on_drop(true).spawn().context("spawning sleep")?).await?;

    let (first, again) = (Distribution::new(first_starts), Distribution::new(restarts));
    println!("  spawn → answer, new database (migrations): {}", first.summary());
    println!("  spawn → answer, existing database: {}", again.summary());
    println!("  spawn → exit, `hearth --version`: {}", version.summary());
    println!("  spawn → exit, `true`: {}", trivial.summary());
    println!(
        "  idle after {} s: hearth RSS {:.1} MiB (peak {:.1} MiB); `sleep` RSS {:.1} MiB",
        IDLE.as_secs(),
        mib(idle.rss_kib),
        mib(idle.peak_kib),
        mib(sleeper.rss_kib)
    );
    let median = |d: &Distribution| d.quantile(0.5);
    println!(
        "startup: first_start_ms={:.0} restart_ms={:.0} restart/version={:.1} idle_rss_mib={:.1} rss/sleep={:.1}",
        ms(median(&first)),
        ms(median(&again)),
        median(&again).as_secs_f64() / median(&version).as_secs_f64(),
        mib(idle.rss_kib),
        idle.rss_kib as f64 / sleeper.rss_kib.max(1) as f64
    );
    Ok(())
}

/// Spawns `hearth run` on `db` with `@member /checkin` already piped in and
/// times it until the first line of the answer; the bot keeps running
/// (stdin stays open, so the console waits for more).
async fn start_until_answer(
    hearth: &Path,
    config: &Path,
    db: &Path,
    member: &str,
) -> anyhow::Result<(Duration, Console)> {
    let mut command = Command::new(hearth);
    command
        .arg("run")
        .env("HEARTH_CONFIG", config)
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for name in PLATFORM_ENV {
        command.env_remove(name);
    }
    let started = Instant::now();
    let mut bot = command.spawn().with_context(|| format!("starting {}", hearth.display()))?;
    let mut stdin = bot.stdin.take().context("hearth's stdin")?;
    stdin.write_all(format!("@{member} /checkin\n").as_bytes()).await.context("writing to hearth's stdin")?;
    let stdout = bot.stdout.take().context("hearth's stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let answer = tokio::time::timeout(START_TIMEOUT, async {
        while let Some(line) = lines.next_line().await? {
            if line.starts_with("[bot") {
                return Ok(line);
            }
        }
        anyhow::bail!("hearth exited without answering")
    })
    .await
    .with_context(|| format!("hearth did not answer within {} s", START_TIMEOUT.as_secs()))??;
    let elapsed = started.elapsed();
    // Read on to the end: a closed pipe would fail the bot's next print.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    anyhow::ensure!(answer.contains(member), "hearth answered {answer:?}, not a check-in by {member}");
    Ok((elapsed, Console { process: bot, _stdin: stdin }))
}

/// A running console and its input, kept open: at end of input the console quits.
struct Console {
    process: Child,
    _stdin: tokio::process::ChildStdin,
}

async fn stop(mut bot: Console) {
    let _ = bot.process.kill().await;
}

/// The child's memory after it has sat idle for `IDLE`; the child is stopped.
async fn idle_memory(mut child: Child) -> anyhow::Result<Memory> {
    tokio::time::sleep(IDLE).await;
    if let Some(status) = child.try_wait().context("checking the idle process")? {
        anyhow::bail!("the idle process exited ({status}) before its memory was read");
    }
    let pid = child.id().context("the process has already exited")?;
    let memory = Memory::of_pid(pid);
    let _ = child.kill().await;
    memory
}

/// Spawn → exit times of `command`, `TRIALS` times.
async fn spawn_until_exit(command: &mut Command) -> anyhow::Result<Distribution> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut times = Vec::with_capacity(TRIALS);
    for _ in 0..TRIALS {
        let started = Instant::now();
        let output = command.output().await.context("spawning a baseline process")?;
        times.push(started.elapsed());
        anyhow::ensure!(output.status.success(), "a baseline process failed: {}", output.status);
    }
    Ok(Distribution::new(times))
}
