//! The validated configuration: what the rest of the code base reads.
//! Every value here has passed validation; nothing downstream re-checks it.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

#[derive(Debug, Clone)]
pub struct Config {
    pub bot: BotConfig,
    pub console: ConsoleConfig,
    pub communities: Vec<CommunityConfig>,
}

#[derive(Debug, Clone, Default)]
pub struct BotConfig {
    /// `bot.database`; `None` when the key is absent.
    pub database: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ConsoleConfig {
    /// Console member names that are admins.
    pub admins: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    ZhCn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscordLink {
    pub guild_id: String,
    pub channel_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelegramLink {
    pub chat_id: i64,
}

/// `platform:user_id` from a community's `admins` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRef {
    pub platform: String,
    pub user_id: String,
}

#[derive(Debug, Clone)]
pub struct CommunityConfig {
    pub id: String,
    pub name: String,
    pub timezone: Tz,
    pub locale: Locale,
    pub discord: Option<DiscordLink>,
    pub telegram: Option<TelegramLink>,
    pub admins: Vec<AdminRef>,
    pub checkin: CheckinConfig,
    pub points: PointsConfig,
    pub topics: TopicsConfig,
    pub challenge: ChallengeConfig,
    pub schedules: Vec<ScheduleConfig>,
    pub badges: Vec<BadgeConfig>,
    pub seasons: Vec<SeasonConfig>,
    pub web: WebConfig,
}

/// `[community.web]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebConfig {
    /// The public leaderboard at `/c/<community id>` is served.
    pub public: bool,
}

#[derive(Debug, Clone)]
pub struct CheckinConfig {
    pub points: i64,
    pub day_starts_at: NaiveTime,
    /// 0 disables freezes.
    pub freeze_every: u32,
    pub max_freezes: u32,
    pub streak_bonus: Vec<StreakBonus>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakBonus {
    pub days: u32,
    pub points: i64,
}

#[derive(Debug, Clone)]
pub struct PointsConfig {
    pub give_allowance: u32,
    pub give_max: i64,
    /// Starts at 0 and strictly rises.
    pub levels: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct TopicsConfig {
    pub pool: Vec<String>,
    pub file: Option<PathBuf>,
    /// Non-empty lines of `file`, read at load time.
    pub file_topics: Vec<String>,
    pub reply_points: i64,
    /// Open a discussion thread on each topic post (where the platform has threads).
    pub thread: bool,
}

#[derive(Debug, Clone)]
pub struct ChallengeConfig {
    pub themes: Vec<String>,
    pub entry_points: i64,
    pub winner_points: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleAction {
    Topic,
    CheckinReminder,
    ChallengeOpen,
    ChallengeVoting,
    ChallengeClose,
    Digest,
    Leaderboard,
}

impl ScheduleAction {
    /// The name used in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleAction::Topic => "topic",
            ScheduleAction::CheckinReminder => "checkin_reminder",
            ScheduleAction::ChallengeOpen => "challenge_open",
            ScheduleAction::ChallengeVoting => "challenge_voting",
            ScheduleAction::ChallengeClose => "challenge_close",
            ScheduleAction::Digest => "digest",
            ScheduleAction::Leaderboard => "leaderboard",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misfire {
    CatchUp,
    Skip,
}

#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    pub id: String,
    pub cron: super::cron::CronSpec,
    pub action: ScheduleAction,
    pub misfire: Misfire,
    pub grace: chrono::Duration,
    /// The leaderboard a `leaderboard` schedule posts (default: all time).
    pub window: crate::command::Window,
}

#[derive(Debug, Clone)]
pub struct BadgeConfig {
    pub id: String,
    pub name: String,
    pub when: super::badge_rule::BadgeRule,
}

#[derive(Debug, Clone)]
pub struct SeasonConfig {
    pub name: String,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
}
