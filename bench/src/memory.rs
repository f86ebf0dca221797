//! Resident memory of a process, read from `/proc/PID/status` (Linux).

use anyhow::Context;

/// `VmRSS` (resident now) and `VmHWM` (the peak since start or the last
/// reset), in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

impl Memory {
    pub fn of_pid(pid: u32) -> anyhow::Result<Memory> {
        Self::read(&format!("/proc/{pid}/status"))
    }

    pub fn of_self() -> anyhow::Result<Memory> {
        Self::read("/proc/self/status")
    }

    fn read(path: &str) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .with_context(|| format!("{path} has no {name} line"))?;
            let kib = line.trim().trim_end_matches("kB").trim();
            kib.parse().with_context(|| format!("{path}: {name} {kib:?} is not a number of kB"))
        };
        Ok(Memory { rss_kib: field("VmRSS:")?, peak_kib: field("VmHWM:")? })
    }
}

/// Resets this process's `VmHWM` to its current RSS, so the next reading's
/// peak covers only what ran in between (writing 5 to `clear_refs`, Linux 4.0+).
pub fn reset_own_peak() -> anyhow::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5").context("resetting the peak RSS (/proc/self/clear_refs)")
}

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
