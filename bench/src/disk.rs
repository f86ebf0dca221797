//! Bytes this process caused to be written to storage, read from
//! `/proc/self/io` (Linux): what SQLite's WAL appends and checkpoints cost.

use anyhow::Context;

/// `write_bytes` of `/proc/self/io`: bytes sent (or due) to the disk,
/// page-cache writes that were later flushed included.
pub fn written_by_self() -> anyhow::Result<u64> {
    let io = std::fs::read_to_string("/proc/self/io").context("reading /proc/self/io")?;
    let bytes = io
        .lines()
        .find_map(|line| line.strip_prefix("write_bytes:"))
        .context("/proc/self/io has no write_bytes line")?;
    bytes.trim().parse().with_context(|| format!("/proc/self/io: write_bytes {bytes:?} is not a number"))
}
