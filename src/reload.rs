//! Config hot reload: SIGHUP or a change of the file reloads it. An invalid
//! file is refused (its `path:line:col` errors go to the log) and the config
//! in force stays.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use hearth_bot::Engine;
use hearth_bot::config::Config;

/// How often the file's modification time is looked at.
const POLL: Duration = Duration::from_secs(2);

/// Watches `path` for the life of the process.
pub fn spawn(engine: Engine, path: PathBuf) {
    tokio::spawn(async move {
        let mut seen = modified(&path);
        let mut hangups = hangup_signals();
        loop {
            let by_signal = tokio::select! {
                () = tokio::time::sleep(POLL) => false,
                Some(()) = recv(&mut hangups) => true,
            };
            let now = modified(&path);
            if by_signal || now != seen {
                seen = now;
                reload_once(&engine, &path).await;
            }
        }
    });
}

/// Loads `path` and puts it in force; false (and the old config stays) when
/// the file is invalid or the reload fails.
pub async fn reload_once(engine: &Engine, path: &Path) -> bool {
    match Config::load(path) {
        Ok(config) => match engine.reload(config).await {
            Ok(()) => {
                tracing::info!(path = %path.display(), "config reloaded");
                true
            }
            Err(error) => {
                tracing::error!(path = %path.display(), error = ?error, "config reload failed; the old config stays");
                false
            }
        },
        Err(errors) => {
            for error in &errors.0 {
                tracing::error!("{}:{}:{}: {}", error.file, error.line, error.col, error.message);
            }
            tracing::error!(path = %path.display(), "config reload refused; the old config stays in force");
            false
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(unix)]
type Hangups = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangups = Option<()>;

#[cfg(unix)]
fn hangup_signals() -> Hangups {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}

#[cfg(not(unix))]
fn hangup_signals() -> Hangups {
    None
}

/// The next SIGHUP; never resolves where there are none.
async fn recv(hangups: &mut Hangups) -> Option<()> {
    #[cfg(unix)]
    if let Some(signal) = hangups {
        return signal.recv().await;
    }
    let _ = hangups;
    std::future::pending().await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use hearth_bot::store::Store;
    use hearth_bot::{Platform, SystemClock};

    use super::*;

    const VALID: &str = "[[community]]\nid = \"a\"\nname = \"A\"\ntimezone = \"Europe/Berlin\"\n";

    #[tokio::test]
    async fn a_valid_file_is_put_in_force_and_an_invalid_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("hearth-reload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("hearth.toml");
        std::fs::write(&path, VALID).expect("write");
        let config = Config::load(&path).expect("valid");
        let store = Store::connect("sqlite::memory:").await.expect("store");
        let engine = Engine::open(store, config, Arc::new(SystemClock), vec![Platform::Console]).await.expect("engine");

        std::fs::write(&path, format!("{VALID}[[community]]\nid = \"b\"\nname = \"B\"\ntimezone = \"Asia/Tokyo\"\n"))
            .expect("write");
        assert!(reload_once(&engine, &path).await);
        assert!(engine.served().config.community("b").is_some());

        std::fs::write(&path, "[[community]]\nid = \"c\"\nname = \"C\"\ntimezone = \"Mars/Base\"\n").expect("write");
        assert!(!reload_once(&engine, &path).await);
        let ids: Vec<String> = engine.served().config.communities.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, ["a", "b"], "the old config stays in force");
        let _ = std::fs::remove_dir_all(dir);
    }
}
