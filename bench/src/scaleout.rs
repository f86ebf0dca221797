//! Several hearth processes on one PostgreSQL: two `hearth-bench
//! scaleout-worker` processes, each with its own `Store::connect` and
//! `Engine`, check in disjoint members of one community at the same time;
//! their summed rate against one such process alone on a fresh database of
//! the same server. Then the database is checked: every check-in counted
//! once, every total equal to its ledger sum (`check_totals`).
//!
//! Each worker creates its members untimed (`/streak`), prints `ready`,
//! waits for `go` on its stdin, checks its members in and prints
//! `done <check-ins> <seconds>`.

use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdout, Command, Stdio};
use std::time::Instant;

use anyhow::Context;
use tokio::io::AsyncBufReadExt;

use crate::checkin::EngineBench;
use crate::child::Running;

/// Commands in flight in each process (a busy community).
const CONCURRENCY: usize = 64;

pub async fn run(quick: bool) -> anyhow::Result<()> {
    let per_process = if quick { 10_000 } else { 20_000 };
    let cluster = crate::pg::cluster()?;

    // One process alone, then two together on another database.
    let alone_url = prepare(&cluster.create_database()?).await?;
    let alone = together(&alone_url, &[(0, per_process)])?;
    let alone_rate = per_process as f64 / alone[0];
    println!("scaleout: one process, {per_process} members, {CONCURRENCY} in flight: {alone_rate:.0} check-ins/s");

    let shared_url = prepare(&cluster.create_database()?).await?;
    let both = together(&shared_url, &[(0, per_process), (per_process, per_process)])?;
    let wall = both.iter().copied().fold(0.0, f64::max);
    let summed: f64 = both.iter().map(|seconds| per_process as f64 / seconds).sum();
    let together_rate = 2.0 * per_process as f64 / wall;
    println!(
        "  two processes on one database: {:.0} + {:.0} = {summed:.0} check-ins/s summed, \
         {together_rate:.0}/s over the wall time of both",
        per_process as f64 / both[0],
        per_process as f64 / both[1],
    );

    // Correctness: each member checked in once, totals = ledger sums.
    let store = hearth_bot::store::Store::connect(&shared_url).await?;
    let counts = store.row_counts().await?;
    let count = |table: &str| counts.iter().find(|(name, _)| *name == table).map_or(0, |(_, n)| *n);
    let expected = 2 * per_process as i64;
    anyhow::ensure!(count("members") == expected, "{} members, expected {expected}", count("members"));
    anyhow::ensure!(count("checkins") == expected, "{} check-ins, expected {expected}", count("checkins"));
    let mismatches = store.check_totals().await?;
    anyhow::ensure!(mismatches.is_empty(), "{} totals differ from their ledger sums: {mismatches:?}", mismatches.len());
    store.close().await;
    println!("  {expected} members, {expected} check-ins, every total equal to its ledger sum");
    println!(
        "scaleout (postgres): two/one={:.2} (over the wall time: {:.2})",
        summed / alone_rate,
        together_rate / alone_rate
    );
    Ok(())
}

/// Migrates the database and registers the community once, before any
/// worker starts.
async fn prepare(url: &str) -> anyhow::Result<String> {
    let bench = EngineBench::open(url).await?;
    bench.store.close().await;
    Ok(url.to_string())
}

/// Starts one worker per `(first, count)`, lets all go at once when all are
/// ready, and returns each one's seconds.
fn together(url: &str, ranges: &[(usize, usize)]) -> anyhow::Result<Vec<f64>> {
    let exe = std::env::current_exe().context("finding hearth-bench itself")?;
    let mut workers: Vec<(Running, BufReader<ChildStdout>)> = Vec::new();
    for &(first, count) in ranges {
        let mut child = Command::new(&exe)
            .args(["scaleout-worker", "--url", url])
            .args(["--first", &first.to_string(), "--count", &count.to_string()])
            .args(["--concurrency", &CONCURRENCY.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting a worker")?;
        let stdout = BufReader::new(child.stdout.take().context("the worker's stdout")?);
        workers.push((Running(child), stdout));
    }
    for (_, stdout) in &mut workers {
        anyhow::ensure!(read_line(stdout)? == "ready", "a worker did not get ready");
    }
    let started = Instant::now();
    for (worker, _) in &mut workers {
        let stdin = worker.0.stdin.as_mut().context("the worker's stdin")?;
        stdin.write_all(b"go\n").context("telling a worker to go")?;
        stdin.flush()?;
    }
    let mut seconds = Vec::new();
    for (_, stdout) in &mut workers {
        let line = read_line(stdout)?;
        let reported: f64 = line
            .strip_prefix("done ")
            .and_then(|rest| rest.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("a worker answered {line:?}"))?;
        seconds.push(reported);
    }
    eprintln!("(workers finished {:.1} s after go)", started.elapsed().as_secs_f64());
    Ok(seconds)
}

fn read_line(stdout: &mut BufReader<ChildStdout>) -> anyhow::Result<String> {
    let mut line = String::new();
    stdout.read_line(&mut line).context("reading a worker's output")?;
    Ok(line.trim_end().to_string())
}

/// `scaleout-worker`: one process's share.
pub async fn worker(url: &str, first: usize, count: usize, concurrency: usize) -> anyhow::Result<()> {
    let bench = EngineBench::open(url).await?;
    let members = first..first + count;
    bench.create_members_in(members.clone(), concurrency).await?;
    println!("ready");
    let mut line = String::new();
    tokio::io::BufReader::new(tokio::io::stdin()).read_line(&mut line).await.context("waiting for go")?;
    anyhow::ensure!(line.trim_end() == "go", "expected go, got {line:?}");
    let started = Instant::now();
    bench.closed_loop_in(members, concurrency).await?;
    println!("done {count} {:.6}", started.elapsed().as_secs_f64());
    bench.store.close().await;
    Ok(())
}
