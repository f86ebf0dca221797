//! The tokio runtime hearth runs on (and its benchmarks measure it on).

use std::num::NonZeroUsize;

/// A multi-threaded runtime with one worker fewer than the machine has cores
/// (at least one), unless `TOKIO_WORKER_THREADS` says otherwise (tokio reads
/// it itself).
///
/// Why: every group commit is a relay between two threads outside the
/// runtime, the engine's writer and sqlx's SQLite thread, which take turns
/// and so keep about one core busy between them. That relay limits check-in
/// throughput. With a worker per core, a burst had three busy threads on two
/// cores and the relay got two thirds of one. The cost: work that runs on
/// the workers (building scheduled posts) gets fewer cores; see
/// BENCHMARKS.md, "Scheduler".
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        builder.worker_threads(workers_for(cores));
    }
    builder.enable_all().build()
}

fn workers_for(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::workers_for;

    #[test]
    fn the_write_relay_keeps_a_core_to_itself() {
        assert_eq!(workers_for(1), 1);
        assert_eq!(workers_for(2), 1);
        assert_eq!(workers_for(8), 7);
    }
}
