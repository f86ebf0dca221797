//! hearth-bench: throughput and latency of hearth's hot paths, each against
//! a baseline measured in the same run (see BENCHMARKS.md).

mod checkin;
mod child;
mod digest_png;
mod discord;
mod disk;
mod http1;
mod latency;
mod leaderboard;
mod memory;
mod pg;
mod scaleout;
mod scheduler;
mod startup;
mod telegram;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "hearth-bench", about = "hearth's benchmarks; every figure is a ratio to a same-run baseline")]
struct Cli {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Check-ins through the engine against one transaction per check-in
    /// (naive) and 1,000-row multi-row INSERT transactions (batch limit).
    Checkin {
        /// A run of well under a minute (fewer members, a shorter open-loop phase).
        #[arg(long)]
        quick: bool,
        /// The database both the engine and the baselines write to.
        #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
        backend: Backend,
    },
    /// `/leaderboard` (top 10 and own rank) at 10k and 100k members (and 1M
    /// without `--quick`) for the all-time, week and month windows.
    Leaderboard {
        #[arg(long)]
        quick: bool,
        #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
        backend: Backend,
    },
    /// The web pages' reads at 100k members and 1M ledger rows (10k with
    /// `--quick`): the admin dashboard's figures and public board pages.
    Web {
        #[arg(long)]
        quick: bool,
        #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
        backend: Backend,
    },
    /// Two hearth-bench processes, each with its own store and engine, on
    /// one PostgreSQL database, checking in disjoint members: summed
    /// check-ins/s against one process alone, then every check-in counted
    /// once and totals equal to the ledger's sums.
    Scaleout {
        /// 10,000 members per process instead of 20,000.
        #[arg(long)]
        quick: bool,
    },
    /// One process of `scaleout` (started by it, not by hand).
    #[command(hide = true)]
    ScaleoutWorker {
        #[arg(long)]
        url: String,
        #[arg(long)]
        first: usize,
        #[arg(long)]
        count: usize,
        #[arg(long)]
        concurrency: usize,
    },
    /// 10,000 communities × 5 schedules: next-fire computation against the
    /// cron crate, one wake-up, fire drift against a bare tokio sleep, peak RSS.
    Scheduler {
        /// 2,000 communities instead of 10,000 (the per-10k figures are scaled).
        #[arg(long)]
        quick: bool,
        /// The database the engine fires into.
        #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
        backend: Backend,
    },
    /// `hearth run` with the console: spawn until it answers a piped
    /// `/checkin` (against spawning `hearth --version`), idle RSS (against `sleep`).
    Startup {
        /// The hearth binary (default: `hearth` next to this benchmark).
        #[arg(long)]
        hearth: Option<PathBuf>,
    },
    /// The Discord interactions endpoint: signed `/checkin`s per second and
    /// p99 against unsigned requests and signed PINGs on the same server.
    Discord {
        /// 2 s of unsigned POSTs and of PINGs and 5,000 check-ins instead of 10 s and 40,000.
        #[arg(long)]
        quick: bool,
        #[arg(long)]
        hearth: Option<PathBuf>,
    },
    /// The weekly digest's chart as PNG (en and zh-CN), p50/p99 against
    /// drawing its SVG alone; target 50 ms p99.
    DigestPng,
    /// Telegram updates/s against the local stand-in, against a null bot
    /// making the same Bot API calls.
    Telegram {
        /// 60 updates over 30 groups instead of 300 over 100.
        #[arg(long)]
        quick: bool,
        #[arg(long)]
        hearth: Option<PathBuf>,
    },
}

/// Where a benchmark's databases live.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// Files in the temp directory with the shipped settings.
    Sqlite,
    /// A throwaway cluster with production durability (fsync and
    /// synchronous_commit on), started by the benchmark.
    Postgres,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `RUST_LOG=sqlx::query=debug` shows each statement and its time, for
    // finding where a phase spends it; off unless asked for.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = match hearth_bot::runtime::build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("hearth-bench: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.bench {
        Bench::Checkin { quick, backend } => {
            runtime.block_on(checkin::run(if quick { checkin::QUICK } else { checkin::FULL }, backend))
        }
        Bench::Leaderboard { quick, backend } => {
            runtime.block_on(leaderboard::run(if quick { leaderboard::QUICK } else { leaderboard::FULL }, backend))
        }
        Bench::Web { quick, backend } => {
            runtime.block_on(web::run(if quick { web::QUICK_MEMBERS } else { web::FULL_MEMBERS }, backend))
        }
        Bench::Scaleout { quick } => runtime.block_on(scaleout::run(quick)),
        Bench::ScaleoutWorker { url, first, count, concurrency } => {
            runtime.block_on(scaleout::worker(&url, first, count, concurrency))
        }
        Bench::Scheduler { quick, backend } => {
            runtime.block_on(scheduler::run(if quick { scheduler::QUICK } else { scheduler::FULL }, backend))
        }
        Bench::Startup { hearth } => runtime.block_on(startup::run(hearth.as_deref())),
        Bench::Discord { quick, hearth } => {
            runtime.block_on(discord::run(if quick { discord::QUICK } else { discord::FULL }, hearth.as_deref()))
        }
        Bench::DigestPng => runtime.block_on(digest_png::run()),
        Bench::Telegram { quick, hearth } => {
            runtime.block_on(telegram::run(if quick { telegram::QUICK } else { telegram::FULL }, hearth.as_deref()))
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hearth-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
