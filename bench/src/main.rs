//! hearth-bench: throughput and latency of hearth's hot paths, each against
//! a baseline measured in the same run (see BENCHMARKS.md).

mod checkin;
mod latency;
mod leaderboard;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
    /// `/leaderboard` (top 10 and own rank) at 10k and 100k members (and 1M
    /// without `--quick`) for the all-time, week and month windows.
    Leaderboard {
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("hearth-bench: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.bench {
        Bench::Checkin { quick } => runtime.block_on(checkin::run(if quick { checkin::QUICK } else { checkin::FULL })),
        Bench::Leaderboard { quick } => {
            runtime.block_on(leaderboard::run(if quick { leaderboard::QUICK } else { leaderboard::FULL }))
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
