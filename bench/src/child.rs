//! Child processes the benchmarks start: the real `hearth` binary, the
//! Telegram stand-in, a baseline process. Killed when dropped, however the
//! benchmark ends.

use std::path::{Path, PathBuf};
use std::process::Child;

use anyhow::Context;

pub struct Running(pub Child);

impl Running {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `hearth` binary: `explicit`, else the one built next to this
/// benchmark (`target/release/hearth` beside `target/release/hearth-bench`).
pub fn hearth_binary(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => std::env::current_exe()
            .context("locating the benchmark binary")?
            .parent()
            .context("the benchmark binary has no directory")?
            .join("hearth"),
    };
    anyhow::ensure!(
        path.is_file(),
        "{} does not exist: build it with `cargo build --release --workspace` or pass --hearth PATH",
        path.display()
    );
    Ok(path)
}

/// The workspace root (for `config/` and the Telegram stand-in), from the
/// working directory or, when run elsewhere, from where the crate was built.
pub fn workspace_root() -> PathBuf {
    let here = std::env::current_dir().unwrap_or_default();
    if here.join("adapters/telegram/stand-in").is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or(here)
}

/// An empty directory for one benchmark's files; the process id keeps runs apart.
pub fn scratch(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("hearth-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding a loopback port")?;
    Ok(listener.local_addr()?.port())
}
