//! Configuration: the TOML file admins keep in git, validated at load.

pub mod badge_rule;
pub mod cron;
pub mod cron_table;
mod load;
mod raw;
pub mod schema;
mod shape;
mod types;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::Path;

pub use types::*;

/// One problem in the config file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Every problem found; `Display` prints one `file:line:col: message` line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: {}", e.file, e.line, e.col, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// What a valid config may still have wrong (a cron that never fires, a
/// fixed-offset timezone …); `Display` prints `file:line:col: warning: message` lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigWarnings(pub Vec<ConfigError>);

impl ConfigWarnings {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ConfigWarnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, w) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}:{}: warning: {}", w.file, w.line, w.col, w.message)?;
        }
        Ok(())
    }
}

impl Config {
    /// Reads and validates the file at `path`; its warnings are logged.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        let (config, warnings) = Config::load_with_warnings(path)?;
        for warning in &warnings.0 {
            let warning = ConfigWarnings(vec![warning.clone()]);
            tracing::warn!("{warning}");
        }
        Ok(config)
    }

    /// Reads and validates the file at `path`, and hands back its warnings.
    pub fn load_with_warnings(path: &Path) -> Result<(Config, ConfigWarnings), ConfigErrors> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: origin.clone(),
                line: 1,
                col: 1,
                message: format!("cannot read the config file: {e}"),
            }])
        })?;
        let base_dir = path.parent().unwrap_or(Path::new("."));
        Config::from_toml_str_with_warnings(&text, &origin, base_dir)
    }

    /// Validates TOML `text`; `origin` names it in errors, `base_dir` resolves relative paths.
    pub fn from_toml_str(text: &str, origin: &str, base_dir: &Path) -> Result<Config, ConfigErrors> {
        Config::from_toml_str_with_warnings(text, origin, base_dir).map(|(config, _)| config)
    }

    /// `from_toml_str`, handing back the warnings too.
    pub fn from_toml_str_with_warnings(
        text: &str,
        origin: &str,
        base_dir: &Path,
    ) -> Result<(Config, ConfigWarnings), ConfigErrors> {
        load::parse(text, origin, base_dir).map(|(config, warnings)| (config, ConfigWarnings(warnings)))
    }

    pub fn community(&self, id: &str) -> Option<&CommunityConfig> {
        self.communities.iter().find(|c| c.id == id)
    }

    /// One line for `hearth check-config`.
    pub fn summary(&self) -> String {
        let ids: Vec<&str> = self.communities.iter().map(|c| c.id.as_str()).collect();
        let schedules: usize = self.communities.iter().map(|c| c.schedules.len()).sum();
        let badges: usize = self.communities.iter().map(|c| c.badges.len()).sum();
        format!(
            "ok: {} communit{} ({}), {schedules} schedules, {badges} badges",
            ids.len(),
            if ids.len() == 1 { "y" } else { "ies" },
            ids.join(", ")
        )
    }
}
