//! A chat with the engine: a community from a TOML string, an in-memory
//! database, and a simulated clock. Tests read as conversations.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::config::Config;
use hearth_bot::engine::Export;
use hearth_bot::store::Store;
use hearth_bot::{Actor, ChatRef, Engine, Platform, Reply, SimulatedClock};

/// A fresh, empty database: in-memory SQLite, or in the PostgreSQL re-run
/// (`hearth_testkit::conformance`) a new PostgreSQL database.
pub fn fresh_database() -> String {
    hearth_testkit::conformance::fresh_database().unwrap_or_else(|| "sqlite::memory:".to_string())
}

/// The database at `sqlite_file` (`hearth_testkit::conformance::database_at`).
pub fn database_at(sqlite_file: &Path) -> String {
    hearth_testkit::conformance::database_at(sqlite_file)
}

/// Runs the binary's other tests on PostgreSQL (`hearth_testkit::conformance`).
pub fn run_on_postgres(skip: &[&str]) {
    hearth_testkit::conformance::run_this_binary_on_postgres(skip);
}

pub struct Chat {
    pub engine: Engine,
    pub clock: SimulatedClock,
    pub community: String,
    pub admins: Vec<String>,
}

impl Chat {
    /// A fresh community from `toml` with the clock at `start` (RFC 3339),
    /// on an in-memory SQLite database, or a fresh PostgreSQL one in the
    /// conformance re-run.
    pub async fn start(toml: &str, start: &str) -> Chat {
        Self::start_on(toml, start, &fresh_database()).await
    }

    /// The same on the database at `url` (a file, for tests of real concurrency).
    pub async fn start_on(toml: &str, start: &str, url: &str) -> Chat {
        let config = Config::from_toml_str(toml, "test.toml", Path::new("."))
            .unwrap_or_else(|e| panic!("test config should load:\n{e}"));
        let store = Store::connect(url).await.expect("store");
        let start: DateTime<Utc> = DateTime::parse_from_rfc3339(start).expect("RFC 3339 start").with_timezone(&Utc);
        let clock = SimulatedClock::starting_at(start);
        let community = config.communities[0].id.clone();
        let admins = config.console.admins.clone();
        let engine =
            Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await.expect("engine opens");
        Chat { engine, clock, community, admins }
    }

    /// `who` types `line`; the reply as plain text (empty when the bot stays quiet).
    pub async fn say(&self, who: &str, line: &str) -> String {
        self.reply(who, line).await.map(|r| r.to_plain_text()).unwrap_or_default()
    }

    /// `who` types `line`; the whole reply.
    pub async fn reply(&self, who: &str, line: &str) -> Option<Reply> {
        self.engine.handle_text(self.actor(who), self.chat(), line).await
    }

    pub fn actor(&self, who: &str) -> Actor {
        Actor {
            platform: Platform::Console,
            user_id: who.to_string(),
            display_name: who.to_string(),
            is_bot: false,
            is_platform_admin: self.admins.iter().any(|a| a == who),
        }
    }

    pub fn chat(&self) -> ChatRef {
        ChatRef::Console { community: self.community.clone() }
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn advance_days(&self, days: i64) {
        self.clock.advance(Duration::days(days));
    }

    pub async fn export(&self) -> Export {
        self.engine.export(&self.community).await.expect("export").expect("configured community")
    }

    /// (balance, streak, level) of `name` as the export reports it.
    pub async fn standing(&self, name: &str) -> (i64, u32, u32) {
        let export = self.export().await;
        let m = export.members.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} should be a member"));
        (m.balance, m.streak, m.level)
    }

    /// The ledger as (member name, delta, kind) rows, oldest first.
    pub async fn ledger(&self) -> Vec<(String, i64, String)> {
        let export = self.export().await;
        export
            .ledger
            .iter()
            .map(|row| {
                let name =
                    export.members.iter().find(|m| m.id == row.member_id).map(|m| m.name.clone()).unwrap_or_default();
                (name, row.delta, row.kind.clone())
            })
            .collect()
    }

    pub async fn assert_totals_match_ledger(&self) {
        let mismatches = self.engine.store().check_totals().await.expect("totals check");
        assert!(mismatches.is_empty(), "totals disagree with the ledger: {mismatches:?}");
    }
}

/// A small community: Berlin, day starts 04:00, 10 points a check-in,
/// a freeze every 3 days (max 1), a bonus at 3 days, a low level curve.
pub const BERLIN: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"

[community.checkin]
points = 10
day_starts_at = "04:00"
freeze_every = 3
max_freezes = 1
streak_bonus = [{ days = 3, points = 25 }]

[community.points]
give_allowance = 2
give_max = 5
levels = [0, 50, 100]

[[community.badge]]
id = "three-in-a-row"
name = "Three in a Row"
when = "streak >= 3"

[[community.badge]]
id = "fifty"
name = "Half a Hundred"
when = "points >= 50"

[[community.season]]
name = "Spring"
start = "2026-03-01"
end = "2026-05-31"
"#;
