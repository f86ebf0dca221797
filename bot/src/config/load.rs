//! From TOML text to a validated `Config`, or every error with its position.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use super::badge_rule::BadgeRule;
use super::cron::CronSpec;
use super::raw::{RawCommunity, RawConfig, S};
use super::types::*;
use super::{ConfigError, ConfigErrors};
use super::{schema, shape};
use crate::command::Window;

/// Points-like values: never negative, never absurd.
const MAX_POINTS: i64 = 1_000_000;

/// The longest topic a topics file may hold, in characters.
const MAX_TOPIC_CHARS: usize = 300;

/// Collects errors and warnings against one source text.
struct Check<'a> {
    origin: &'a str,
    text: &'a str,
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigError>,
}

impl Check<'_> {
    fn at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        let (line, col) = line_col(self.text, offset);
        ConfigError { file: self.origin.to_string(), line, col, message: message.into() }
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let error = self.at(span.start, message);
        self.errors.push(error);
    }

    fn warn(&mut self, span: Range<usize>, message: impl Into<String>) {
        let warning = self.at(span.start, message);
        self.warnings.push(warning);
    }

    /// A whole number in `lo..=hi`, or `default` when the key is absent.
    fn number(&mut self, value: &Option<S<i64>>, key: &str, default: i64, lo: i64, hi: i64) -> i64 {
        match value {
            None => default,
            Some(v) if (lo..=hi).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                self.error(v.span(), format!("{key} must be from {lo} to {hi}, got {}", v.get_ref()));
                default
            }
        }
    }

    fn points(&mut self, value: &Option<S<i64>>, key: &str, default: i64) -> i64 {
        self.number(value, key, default, 0, MAX_POINTS)
    }

    /// The offset of byte `at` of a string value's content, when the value is
    /// written plainly (quotes and no escapes); else the value's start.
    fn inside(&self, value: &S<String>, at: usize) -> usize {
        let span = value.span();
        let written = self.text.get(span.clone()).unwrap_or("");
        let plain =
            written.len() == value.get_ref().len() + 2 && written.get(1..written.len() - 1) == Some(value.get_ref());
        if plain { span.start + 1 + at } else { span.start }
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The validated config and its warnings, or every error (sorted by position).
pub fn parse(text: &str, origin: &str, base_dir: &Path) -> Result<(Config, Vec<ConfigError>), ConfigErrors> {
    let mut check = Check { origin, text, errors: Vec::new(), warnings: Vec::new() };
    // The document is dropped before the second parse: at thousands of
    // communities both trees at once were most of the process's peak memory.
    let shape = match toml_edit::Document::parse(text) {
        Ok(document) => shape::check(document.as_table(), schema::json_schema()),
        Err(e) => {
            let at = e.span().map_or(0, |span| span.start);
            let message = syntax_message(text, e.message(), e.span());
            return Err(ConfigErrors(vec![check.at(at, message)]));
        }
    };
    for (at, message) in &shape.errors {
        let error = check.at(*at, message.clone());
        check.errors.push(error);
    }
    let blanked = if shape.errors.is_empty() { None } else { blank(text, &shape) };
    let readable = if shape.errors.is_empty() { Some(text) } else { blanked.as_deref() };
    let raw = match readable.map(toml::from_str::<RawConfig>) {
        Some(Ok(raw)) => raw,
        Some(Err(e)) if shape.errors.is_empty() => {
            let at = e.span().map_or(0, |span| span.start);
            let message = syntax_message(text, e.message(), e.span());
            return Err(ConfigErrors(vec![check.at(at, message)]));
        }
        _ => return Err(sorted(check.errors)),
    };
    let mut ids = HashSet::new();
    let mut communities = Vec::with_capacity(raw.community.len());
    for community in &raw.community {
        if !ids.insert(community.id.get_ref().clone()) {
            check.error(community.id.span(), format!("duplicate community id {:?}", community.id.get_ref()));
        }
        communities.push(validate_community(&mut check, community, base_dir));
    }
    if !check.errors.is_empty() {
        return Err(sorted(check.errors));
    }
    let config = Config {
        bot: BotConfig { database: raw.bot.database },
        console: ConsoleConfig { admins: raw.console.admins },
        communities,
    };
    Ok((config, sorted(check.warnings).0))
}

fn sorted(mut errors: Vec<ConfigError>) -> ConfigErrors {
    errors.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    ConfigErrors(errors)
}

/// The text with the pieces the shape check refused replaced by spaces (same
/// byte offsets, same lines), or `None` when that cannot make it readable.
fn blank(text: &str, shape: &shape::Findings) -> Option<String> {
    if shape.unrecoverable {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in &shape.blank {
        for byte in bytes.get_mut(range.clone())? {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// A TOML syntax error in plain words; a duplicate key is named.
fn syntax_message(text: &str, message: &str, span: Option<Range<usize>>) -> String {
    let message = message.lines().next().unwrap_or("").trim();
    if message.starts_with("duplicate key") {
        let key = span.and_then(|s| text.get(s)).map(|k| k.trim().trim_matches(['[', ']']).trim()).unwrap_or("");
        if !key.is_empty() {
            return format!("duplicate key `{key}`: it is already set above in the same table");
        }
    }
    if message.contains("overflowed") {
        return format!("this number is too large: a whole number is at most {}", i64::MAX);
    }
    format!("invalid TOML: {message}")
}

fn validate_community(check: &mut Check<'_>, raw: &RawCommunity, base_dir: &Path) -> CommunityConfig {
    let id = raw.id.get_ref();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_') {
        check.error(raw.id.span(), format!("community id {id:?} must be a slug: a-z, 0-9, - and _"));
    }
    if raw.name.get_ref().trim().is_empty() {
        check.error(raw.name.span(), "community name must not be empty");
    }
    let timezone = match raw.timezone.get_ref().parse::<Tz>() {
        Ok(tz) => {
            if let Some(advice) = fixed_offset_advice(raw.timezone.get_ref()) {
                check.warn(raw.timezone.span(), advice);
            }
            tz
        }
        Err(_) => {
            check.error(
                raw.timezone.span(),
                format!("unknown timezone {:?}: expected an IANA name like \"Europe/Berlin\"", raw.timezone.get_ref()),
            );
            Tz::UTC
        }
    };
    let locale = match raw.locale.as_ref().map(|l| (l.get_ref().as_str(), l.span())) {
        None | Some(("en", _)) => Locale::En,
        Some(("zh-CN", _)) => Locale::ZhCn,
        Some((other, span)) => {
            check.error(span, format!("unknown locale {other:?}: expected \"en\" or \"zh-CN\""));
            Locale::En
        }
    };
    let mut admins = Vec::new();
    for admin in &raw.admins {
        match admin.get_ref().split_once(':') {
            Some((platform @ ("discord" | "telegram" | "console"), user_id)) if !user_id.is_empty() => {
                admins.push(AdminRef { platform: platform.to_string(), user_id: user_id.to_string() })
            }
            _ => check.error(
                admin.span(),
                format!(
                    "admin {:?} should be \"discord:<user id>\", \"telegram:<user id>\" or \"console:<name>\"",
                    admin.get_ref()
                ),
            ),
        }
    }
    let topics = validate_topics(check, raw, base_dir);
    CommunityConfig {
        id: id.clone(),
        name: raw.name.get_ref().clone(),
        timezone,
        locale,
        discord: raw
            .discord
            .as_ref()
            .map(|d| DiscordLink { guild_id: d.guild_id.clone(), channel_id: d.channel_id.clone() }),
        telegram: raw.telegram.as_ref().map(|t| TelegramLink { chat_id: t.chat_id }),
        admins,
        checkin: validate_checkin(check, raw),
        points: validate_points(check, raw),
        schedules: validate_schedules(check, raw, !topics.pool.is_empty() || !topics.file_topics.is_empty()),
        topics,
        challenge: validate_challenge(check, raw),
        badges: validate_badges(check, raw),
        seasons: validate_seasons(check, raw),
        web: WebConfig { public: raw.web.public.unwrap_or(false) },
    }
}

fn validate_checkin(check: &mut Check<'_>, raw: &RawCommunity) -> CheckinConfig {
    let c = &raw.checkin;
    let day_starts_at = match &c.day_starts_at {
        None => NaiveTime::MIN,
        Some(v) => match NaiveTime::parse_from_str(v.get_ref(), "%H:%M") {
            Ok(t) => t,
            Err(_) => {
                check.error(v.span(), format!("day_starts_at {:?}: expected \"HH:MM\" like \"04:00\"", v.get_ref()));
                NaiveTime::MIN
            }
        },
    };
    let streak_bonus = match &c.streak_bonus {
        None => vec![StreakBonus { days: 7, points: 50 }, StreakBonus { days: 30, points: 200 }],
        Some(bonuses) => bonuses
            .iter()
            .map(|b| StreakBonus {
                days: check.number(&Some(b.days.clone()), "streak_bonus days", 1, 1, 36_500) as u32,
                points: check.points(&Some(b.points.clone()), "streak_bonus points", 0),
            })
            .collect(),
    };
    CheckinConfig {
        points: check.points(&c.points, "checkin.points", 10),
        day_starts_at,
        freeze_every: check.number(&c.freeze_every, "freeze_every", 7, 0, 365) as u32,
        max_freezes: check.number(&c.max_freezes, "max_freezes", 2, 0, 100) as u32,
        streak_bonus,
    }
}

fn validate_points(check: &mut Check<'_>, raw: &RawCommunity) -> PointsConfig {
    let p = &raw.points;
    let default_levels = vec![0, 100, 250, 500, 1000];
    let levels = match &p.levels {
        None => default_levels,
        Some(levels) => {
            let curve = levels.get_ref();
            let rises = curve.windows(2).all(|w| w[0] < w[1]);
            if curve.first() != Some(&0) || !rises {
                check.error(levels.span(), "levels must start at 0 and rise strictly, like [0, 100, 250, 500]");
                default_levels
            } else {
                curve.clone()
            }
        }
    };
    PointsConfig {
        give_allowance: check.number(&p.give_allowance, "give_allowance", 3, 0, 1000) as u32,
        give_max: check.number(&p.give_max, "give_max", 5, 1, MAX_POINTS),
        levels,
    }
}

fn validate_topics(check: &mut Check<'_>, raw: &RawCommunity, base_dir: &Path) -> TopicsConfig {
    let t = &raw.topics;
    let mut file_topics = Vec::new();
    let mut file = None;
    if let Some(path) = &t.file {
        let resolved = resolve(base_dir, path.get_ref());
        match std::fs::read_to_string(&resolved) {
            Ok(text) => {
                file_topics = topic_lines(check, &resolved, &text);
                file = Some(resolved);
            }
            Err(e) => check.error(path.span(), format!("cannot read topics file {:?}: {e}", resolved.display())),
        }
    }
    TopicsConfig {
        pool: t.pool.clone(),
        file,
        file_topics,
        reply_points: check.points(&t.reply_points, "reply_points", 2),
        thread: t.thread.unwrap_or(false),
    }
}

/// The topics in a topics file: one a line; blank lines and `#` lines are skipped.
fn topic_lines(check: &mut Check<'_>, path: &Path, text: &str) -> Vec<String> {
    let mut topics = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let topic = line.trim();
        if topic.is_empty() || topic.starts_with('#') {
            continue;
        }
        let length = topic.chars().count();
        if length > MAX_TOPIC_CHARS {
            check.errors.push(ConfigError {
                file: path.display().to_string(),
                line: n + 1,
                col: 1,
                message: format!("this topic is {length} characters long; a topic may have at most {MAX_TOPIC_CHARS}"),
            });
            continue;
        }
        topics.push(topic.to_string());
    }
    topics
}

/// A relative path is looked up in the working directory first, then beside the config file.
fn resolve(base_dir: &Path, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() || path.exists() { path.to_path_buf() } else { base_dir.join(path) }
}

fn validate_challenge(check: &mut Check<'_>, raw: &RawCommunity) -> ChallengeConfig {
    let c = &raw.challenge;
    ChallengeConfig {
        themes: c.themes.clone(),
        entry_points: check.points(&c.entry_points, "entry_points", 5),
        winner_points: match &c.winner_points {
            None => vec![100, 50, 25],
            Some(points) => points.iter().map(|p| check.points(&Some(p.clone()), "winner_points", 0)).collect(),
        },
    }
}

/// `has_topics`: the pool or the topics file holds at least one topic.
fn validate_schedules(check: &mut Check<'_>, raw: &RawCommunity, has_topics: bool) -> Vec<ScheduleConfig> {
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for s in &raw.schedule {
        if !ids.insert(s.id.get_ref().clone()) {
            check.error(s.id.span(), format!("duplicate schedule id {:?}", s.id.get_ref()));
        }
        let cron = CronSpec::parse(s.cron.get_ref()).map_err(|e| {
            let at = e.at.map_or(s.cron.span().start, |at| check.inside(&s.cron, at));
            check.error(at..at, e.message)
        });
        if let Ok(spec) = &cron
            && !spec.ever_fires()
        {
            check.warn(
                s.cron.span(),
                format!("cron {:?} never fires: no date matches its day, month and weekday fields", s.cron.get_ref()),
            );
        }
        let action = match s.action.get_ref().as_str() {
            "topic" => Some(ScheduleAction::Topic),
            "checkin_reminder" => Some(ScheduleAction::CheckinReminder),
            "challenge_open" => Some(ScheduleAction::ChallengeOpen),
            "challenge_voting" => Some(ScheduleAction::ChallengeVoting),
            "challenge_close" => Some(ScheduleAction::ChallengeClose),
            "digest" => Some(ScheduleAction::Digest),
            "leaderboard" => Some(ScheduleAction::Leaderboard),
            other => {
                check.error(
                    s.action.span(),
                    format!(
                        "unknown action {other:?}: expected topic, checkin_reminder, challenge_open, \
                         challenge_voting, challenge_close, digest or leaderboard"
                    ),
                );
                None
            }
        };
        let misfire = match s.misfire.as_ref().map(|m| (m.get_ref().as_str(), m.span())) {
            None | Some(("catch_up", _)) => Misfire::CatchUp,
            Some(("skip", _)) => Misfire::Skip,
            Some((other, span)) => {
                check.error(span, format!("unknown misfire {other:?}: expected \"catch_up\" or \"skip\""));
                Misfire::CatchUp
            }
        };
        let grace = match &s.grace {
            None => Some(Duration::hours(6)),
            Some(g) => parse_span(g.get_ref()).filter(|span| *span <= Duration::days(7)).or_else(|| {
                check.error(
                    g.span(),
                    format!("grace {:?}: expected a span like \"90m\", \"6h\" or \"1d\", at most \"7d\"", g.get_ref()),
                );
                None
            }),
        };
        let window = match s.window.as_ref().map(|w| (w.get_ref().as_str(), w.span())) {
            None | Some(("all", _)) => Window::All,
            Some(("week", _)) => Window::Week,
            Some(("month", _)) => Window::Month,
            Some(("season", _)) => Window::Season,
            Some((other, span)) => {
                check.error(span, format!("unknown window {other:?}: expected all, week, month or season"));
                Window::All
            }
        };
        if let (Some(w), Some(action)) = (&s.window, action)
            && action != ScheduleAction::Leaderboard
        {
            check.warn(
                w.span(),
                format!(
                    "window only applies to leaderboard schedules; schedule {:?} is a {} schedule and ignores it",
                    s.id.get_ref(),
                    action.as_str()
                ),
            );
        }
        if action == Some(ScheduleAction::Topic) && !has_topics {
            check.warn(
                s.action.span(),
                format!(
                    "schedule {:?} posts topics, but the topic pool is empty: add `pool` or `file` under \
                     [community.topics] (until admins add topics, it posts nothing)",
                    s.id.get_ref()
                ),
            );
        }
        if action == Some(ScheduleAction::ChallengeOpen) && raw.challenge.themes.is_empty() {
            check.warn(
                s.action.span(),
                format!(
                    "schedule {:?} opens challenges, but [community.challenge] has no themes: it opens one \
                     only when an admin has queued a theme",
                    s.id.get_ref()
                ),
            );
        }
        if let (Ok(cron), Some(action), Some(grace)) = (cron, action, grace) {
            out.push(ScheduleConfig { id: s.id.get_ref().clone(), cron, action, misfire, grace, window });
        }
    }
    out
}

/// `90m`, `6h`, `1d`: a positive whole number and a unit.
fn parse_span(s: &str) -> Option<Duration> {
    let unit = s.chars().last()?;
    let count: i64 = s[..s.len() - unit.len_utf8()].parse().ok().filter(|n| *n > 0 && *n <= 100_000)?;
    match unit {
        'm' => Some(Duration::minutes(count)),
        'h' => Some(Duration::hours(count)),
        'd' => Some(Duration::days(count)),
        _ => None,
    }
}

fn validate_badges(check: &mut Check<'_>, raw: &RawCommunity) -> Vec<BadgeConfig> {
    let mut ids = HashSet::new();
    let mut out = Vec::new();
    for b in &raw.badge {
        if !ids.insert(b.id.get_ref().clone()) {
            check.error(b.id.span(), format!("duplicate badge id {:?}", b.id.get_ref()));
        }
        match BadgeRule::parse(b.when.get_ref()) {
            Ok(when) => out.push(BadgeConfig { id: b.id.get_ref().clone(), name: b.name.clone(), when }),
            Err(e) => check.error(b.when.span(), e),
        }
    }
    out
}

fn validate_seasons(check: &mut Check<'_>, raw: &RawCommunity) -> Vec<SeasonConfig> {
    let mut out = Vec::new();
    for s in &raw.season {
        let mut date = |v: &S<String>| {
            NaiveDate::parse_from_str(v.get_ref(), "%Y-%m-%d")
                .map_err(|_| check.error(v.span(), format!("date {:?}: expected \"YYYY-MM-DD\"", v.get_ref())))
                .ok()
        };
        if let (Some(start), Some(end)) = (date(&s.start), date(&s.end)) {
            if start > end {
                check.error(s.end.span(), format!("season {:?} ends before it starts", s.name));
            } else {
                if let Some(other) = out.iter().find(|o: &&SeasonConfig| o.start <= end && start <= o.end) {
                    check.warn(
                        s.start.span(),
                        format!(
                            "season {:?} overlaps season {:?} ({} to {}); on the days they share, \
                             /leaderboard season shows {:?}, the one listed first",
                            s.name, other.name, other.start, other.end, other.name
                        ),
                    );
                }
                out.push(SeasonConfig { name: s.name.clone(), start, end });
            }
        }
    }
    out
}

/// Advice for a timezone that is a fixed offset or a rule without a place
/// (`EST`, `EST5EDT`, `Etc/GMT+5`), which admins rarely mean.
fn fixed_offset_advice(name: &str) -> Option<String> {
    let (what, place) = match name {
        "EST" => ("is UTC−5 all year, with no daylight saving time", "America/New_York"),
        "MST" => ("is UTC−7 all year, with no daylight saving time", "America/Denver"),
        "HST" => ("is UTC−10 all year, a fixed offset, not a place", "Pacific/Honolulu"),
        "EST5EDT" => ("follows US Eastern rules but is not a place", "America/New_York"),
        "CST6CDT" => ("follows US Central rules but is not a place", "America/Chicago"),
        "MST7MDT" => ("follows US Mountain rules but is not a place", "America/Denver"),
        "PST8PDT" => ("follows US Pacific rules but is not a place", "America/Los_Angeles"),
        _ => {
            let offset = name.strip_prefix("Etc/").unwrap_or(name).strip_prefix("GMT")?;
            let (sign, hours) = match offset.split_at_checked(1)? {
                ("+", hours) => ("−", hours),
                ("-", hours) => ("+", hours),
                _ => return None,
            };
            let hours: u32 = hours.parse().ok().filter(|h| *h > 0)?;
            return Some(format!(
                "timezone {name:?} is UTC{sign}{hours} all year (the sign in Etc/GMT names is inverted) and \
                 has no daylight saving time; if the community follows a place's clock, use its IANA name, \
                 like \"America/New_York\""
            ));
        }
    };
    Some(format!("timezone {name:?} {what}; if the community keeps local time, use \"{place}\""))
}
