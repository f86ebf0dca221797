//! The TOML as written: serde structs with `deny_unknown_fields` everywhere.
//! Values that need checking keep their span so errors can point at them.
//! The same structs generate `config/hearth.schema.json` (`schema.rs`): each
//! doc comment here is the description an editor shows for that key.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

/// hearth's configuration file. Every key but a community's id, name and
/// timezone is optional. Unknown keys are errors. Secrets (bot tokens) never
/// go here: they come from the environment.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "hearth configuration")]
pub struct RawConfig {
    /// Process-wide settings.
    #[serde(default)]
    pub bot: RawBot,
    /// The console adapter (`hearth console`, or `hearth run` without platform tokens).
    #[serde(default)]
    pub console: RawConsole,
    /// The communities this bot serves, one `[[community]]` table each.
    #[serde(default)]
    pub community: Vec<RawCommunity>,
}

/// Process-wide settings.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    /// SQLite database URL. Default: "sqlite://hearth.db" (created if missing).
    /// $HEARTH_DATABASE_URL and `--db` take precedence.
    pub database: Option<String>,
}

/// The console adapter.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConsole {
    /// Console member names that are admins (may /award, /stats). Default: [].
    #[serde(default)]
    pub admins: Vec<String>,
}

/// One community: its chats, rules, schedules and badges.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCommunity {
    /// Stable slug: a-z, 0-9, - and _. Required. Never change it once in use.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// Display name. Required.
    #[schemars(with = "String")]
    pub name: S<String>,
    /// IANA timezone name like "Europe/Berlin"; days, weeks and schedules follow it. Required.
    #[schemars(with = "String")]
    pub timezone: S<String>,
    /// Language of every message the bot writes: "en" or "zh-CN". Default: "en".
    #[schemars(with = "Option<String>")]
    pub locale: Option<S<String>>,
    /// The linked Discord server (guild) and the channel for posts. Default: none.
    pub discord: Option<RawDiscord>,
    /// The linked Telegram group. Default: none.
    pub telegram: Option<RawTelegram>,
    /// More admins, beyond the platforms' own (Discord Manage Server, Telegram group admins):
    /// "discord:<user id>", "telegram:<user id>" or "console:<name>". Default: [].
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub admins: Vec<S<String>>,
    /// Check-ins: points, the local day, freezes and streak bonuses.
    #[serde(default)]
    pub checkin: RawCheckin,
    /// Peer awards and the level curve.
    #[serde(default)]
    pub points: RawPoints,
    /// Topic prompts the bot posts.
    #[serde(default)]
    pub topics: RawTopics,
    /// The weekly challenge.
    #[serde(default)]
    pub challenge: RawChallenge,
    /// Scheduled posts, one `[[community.schedule]]` table each.
    #[serde(default)]
    pub schedule: Vec<RawSchedule>,
    /// Badges, awarded once when their rule holds.
    #[serde(default)]
    pub badge: Vec<RawBadge>,
    /// Seasons: date ranges with a theme name, for /leaderboard season.
    #[serde(default)]
    pub season: Vec<RawSeason>,
    /// The community's web pages.
    #[serde(default)]
    pub web: RawWeb,
}

/// The community's web pages (the admin dashboard is always there for admins).
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWeb {
    /// Serve the public leaderboard at /c/<community id>: display names,
    /// points, levels and badges, never platform user ids. Default: false.
    pub public: Option<bool>,
}

/// A linked Discord server.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDiscord {
    /// The server (guild) id, in quotes.
    pub guild_id: String,
    /// The channel scheduled posts go to, in quotes.
    pub channel_id: String,
}

/// A linked Telegram group.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTelegram {
    /// The group's chat id (the bot shows it when added to a group), like -1001234567890.
    pub chat_id: i64,
}

/// Check-ins.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheckin {
    /// Points for a check-in, 0 to 1000000. Default: 10.
    #[schemars(with = "Option<i64>")]
    pub points: Option<S<i64>>,
    /// When the local day begins ("HH:MM"): a 1 a.m. check-in counts for the evening
    /// before when this is "04:00". Default: "00:00".
    #[schemars(with = "Option<String>")]
    pub day_starts_at: Option<S<String>>,
    /// A freeze is earned each time the streak reaches a multiple of this many days
    /// (0 turns freezes off); a missed day uses a freeze instead of breaking the streak. Default: 7.
    #[schemars(with = "Option<i64>")]
    pub freeze_every: Option<S<i64>>,
    /// The most freezes a member can hold. Default: 2.
    #[schemars(with = "Option<i64>")]
    pub max_freezes: Option<S<i64>>,
    /// Extra points when the streak reaches exactly `days`.
    /// Default: [{ days = 7, points = 50 }, { days = 30, points = 200 }].
    pub streak_bonus: Option<Vec<RawBonus>>,
}

/// One streak bonus.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBonus {
    /// The streak length (days, 1 to 36500) that earns the bonus.
    #[schemars(with = "i64")]
    pub days: S<i64>,
    /// The bonus points, 0 to 1000000.
    #[schemars(with = "i64")]
    pub points: S<i64>,
}

/// Peer awards and levels.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPoints {
    /// Peer awards (/give) each member may make per local day. Default: 3.
    #[schemars(with = "Option<i64>")]
    pub give_allowance: Option<S<i64>>,
    /// Most points in one /give (the default amount is 1). Default: 5.
    #[schemars(with = "Option<i64>")]
    pub give_max: Option<S<i64>>,
    /// Level n (from 1) begins at levels[n-1] points; must start at 0 and rise.
    /// Default: [0, 100, 250, 500, 1000].
    #[schemars(with = "Option<Vec<i64>>")]
    pub levels: Option<S<Vec<i64>>>,
}

/// Topic prompts.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopics {
    /// Topic prompts the bot posts, drawn without repetition. Default: [].
    #[serde(default)]
    pub pool: Vec<String>,
    /// A file with one topic per line (`#` lines are comments), added to the pool; the
    /// path is relative to the working directory or to the config file. Default: none.
    #[schemars(with = "Option<String>")]
    pub file: Option<S<String>>,
    /// Points for replying to the current topic post, once per topic. Default: 2.
    #[schemars(with = "Option<i64>")]
    pub reply_points: Option<S<i64>>,
    /// Open a thread on each topic post for the discussion (Discord; Telegram ignores it).
    /// Messages in that thread count as replies. Default: false.
    pub thread: Option<bool>,
}

/// The weekly challenge.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChallenge {
    /// Weekly challenge themes, used in order. Default: [].
    #[serde(default)]
    pub themes: Vec<String>,
    /// Points for every entry. Default: 5.
    #[schemars(with = "Option<i64>")]
    pub entry_points: Option<S<i64>>,
    /// Points for the winners by rank (first, second, third, ...). Default: [100, 50, 25].
    #[schemars(with = "Option<Vec<i64>>")]
    pub winner_points: Option<Vec<S<i64>>>,
}

/// One scheduled post.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    /// The schedule's id, unique in its community. Required.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// Standard 5-field cron (minute hour day month weekday; 0 or 7 = Sunday, names like
    /// MON-FRI work) in the community's timezone, like "0 9 * * MON-FRI". Required.
    #[schemars(with = "String")]
    pub cron: S<String>,
    /// What to post: topic, checkin_reminder, challenge_open, challenge_voting,
    /// challenge_close, digest or leaderboard. Required.
    #[schemars(with = "String")]
    pub action: S<String>,
    /// "catch_up" fires a missed slot once if it is younger than `grace`; "skip" never
    /// fires missed slots. Default: "catch_up".
    #[schemars(with = "Option<String>")]
    pub misfire: Option<S<String>>,
    /// How late a missed slot may still fire: "90m", "6h", "1d"; at most "7d". Default: "6h".
    #[schemars(with = "Option<String>")]
    pub grace: Option<S<String>>,
    /// For `leaderboard` schedules: all, week, month or season. Default: "all".
    #[schemars(with = "Option<String>")]
    pub window: Option<S<String>>,
}

/// One badge.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBadge {
    /// The badge's id, unique in its community. Required.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// The badge's display name. Required.
    pub name: String,
    /// "<counter> >= <number>" (also > and ==); counters: streak, points, checkins,
    /// topic_replies, challenge_wins. Required.
    #[schemars(with = "String")]
    pub when: S<String>,
}

/// One season.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSeason {
    /// The season's theme name. Required.
    pub name: String,
    /// First day, "YYYY-MM-DD" (community dates). Required.
    #[schemars(with = "String")]
    pub start: S<String>,
    /// Last day (inclusive), "YYYY-MM-DD". Required.
    #[schemars(with = "String")]
    pub end: S<String>,
}
