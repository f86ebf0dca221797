//! The TOML as written: serde structs with `deny_unknown_fields` everywhere.
//! Values that need checking keep their span so errors can point at them.

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub bot: RawBot,
    #[serde(default)]
    pub console: RawConsole,
    #[serde(default)]
    pub community: Vec<RawCommunity>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    pub database: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConsole {
    #[serde(default)]
    pub admins: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommunity {
    pub id: S<String>,
    pub name: S<String>,
    pub timezone: S<String>,
    pub locale: Option<S<String>>,
    pub discord: Option<RawDiscord>,
    pub telegram: Option<RawTelegram>,
    #[serde(default)]
    pub admins: Vec<S<String>>,
    #[serde(default)]
    pub checkin: RawCheckin,
    #[serde(default)]
    pub points: RawPoints,
    #[serde(default)]
    pub topics: RawTopics,
    #[serde(default)]
    pub challenge: RawChallenge,
    #[serde(default)]
    pub schedule: Vec<RawSchedule>,
    #[serde(default)]
    pub badge: Vec<RawBadge>,
    #[serde(default)]
    pub season: Vec<RawSeason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscord {
    pub guild_id: String,
    pub channel_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTelegram {
    pub chat_id: i64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCheckin {
    pub points: Option<S<i64>>,
    pub day_starts_at: Option<S<String>>,
    pub freeze_every: Option<S<i64>>,
    pub max_freezes: Option<S<i64>>,
    pub streak_bonus: Option<Vec<RawBonus>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBonus {
    pub days: S<i64>,
    pub points: S<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPoints {
    pub give_allowance: Option<S<i64>>,
    pub give_max: Option<S<i64>>,
    pub levels: Option<S<Vec<i64>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTopics {
    #[serde(default)]
    pub pool: Vec<String>,
    pub file: Option<S<String>>,
    pub reply_points: Option<S<i64>>,
    pub thread: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawChallenge {
    #[serde(default)]
    pub themes: Vec<String>,
    pub entry_points: Option<S<i64>>,
    pub winner_points: Option<Vec<S<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    pub id: S<String>,
    pub cron: S<String>,
    pub action: S<String>,
    pub misfire: Option<S<String>>,
    pub grace: Option<S<String>>,
    /// For `leaderboard` schedules: all, week, month or season.
    pub window: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBadge {
    pub id: S<String>,
    pub name: String,
    pub when: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeason {
    pub name: String,
    pub start: S<String>,
    pub end: S<String>,
}
