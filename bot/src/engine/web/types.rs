//! What the engine hands the web adapter: rows and figures, never words.
//! The adapter words them with the catalog and draws the charts.

use chrono::{DateTime, NaiveDate, Utc};

use crate::command::Window;
use crate::config::Locale;
use crate::domain::level::LevelProgress;

/// A member's database id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub i64);

impl MemberId {
    /// A member id from a path segment: ASCII digits only, no sign, fits i64.
    pub fn parse(text: &str) -> Option<MemberId> {
        if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().map(MemberId)
    }
}

/// Why a web request is refused. The adapter picks the status and words.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such community, member, or a board that is not public: 404.
    #[error("not found")]
    NotFound,
    /// A login token or session that is unknown, expired or used: 401.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but for another community: 403.
    #[error("signed in for another community")]
    Forbidden,
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

/// A community as the web pages need it.
#[derive(Debug, Clone)]
pub struct CommunityView {
    /// The config slug, as in `/admin/<id>`.
    pub id: String,
    pub name: String,
    pub locale: Locale,
    pub timezone: chrono_tz::Tz,
    /// `[community.web] public`.
    pub public: bool,
    /// The local day now.
    pub today: NaiveDate,
}

/// A session that a login link was exchanged for.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie's value: random, shown once, stored only as a hash.
    pub token: String,
    pub session: Session,
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct Session {
    /// The community slug the session is for (and the only one it opens).
    pub community: String,
    pub member_id: MemberId,
    pub member_name: String,
    /// The anti-CSRF token every state-changing form carries.
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// A login link's state, for the page its GET shows (nothing is used up).
#[derive(Debug, Clone)]
pub struct LoginOffer {
    pub community: String,
    pub member_name: String,
}

/// The range a dashboard covers: the last 7, 30 or 90 local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeDays {
    Week,
    Month,
    Quarter,
}

impl RangeDays {
    pub const ALL: [RangeDays; 3] = [RangeDays::Week, RangeDays::Month, RangeDays::Quarter];

    pub fn days(self) -> i64 {
        match self {
            RangeDays::Week => 7,
            RangeDays::Month => 30,
            RangeDays::Quarter => 90,
        }
    }

    /// 7, 30 or 90; anything else is refused.
    pub fn parse(text: &str) -> Option<RangeDays> {
        match text {
            "7" => Some(RangeDays::Week),
            "30" => Some(RangeDays::Month),
            "90" => Some(RangeDays::Quarter),
            _ => None,
        }
    }
}

/// Everything the admin dashboard shows for one range.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub range: RangeDays,
    /// The range's local days, first and last (today included).
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub kpis: Kpis,
    /// One row per local day of the range, oldest first.
    pub days: Vec<DayFigures>,
    /// Weekly cohorts, oldest first (at most 12).
    pub cohorts: Vec<Cohort>,
    /// Segments at the end of each of the range's weeks, oldest first.
    pub segments: Vec<SegmentsAt>,
    /// Members per current-streak bucket, in `STREAK_BUCKETS` order.
    pub streaks: Vec<StreakBucket>,
    /// Check-ins by local weekday (0 = Monday) × local hour.
    pub heatmap: [[u32; 24]; 7],
    /// Topic posts of the range, most replies first (at most 10).
    pub topics: Vec<TopicFigures>,
    /// Challenge entries and voters per week of the range, oldest first.
    pub challenges: Vec<ChallengeWeek>,
    /// Members drifting away, the longest-silent first.
    pub at_risk: Vec<AtRisk>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kpis {
    pub members: i64,
    /// Members active per day, the range's average (DAU); then active in
    /// the last 7 and the last 30 days (WAU, MAU).
    pub dau: i64,
    pub wau: i64,
    pub mau: i64,
    /// DAU/MAU in whole percent.
    pub stickiness_percent: i64,
    /// Check-ins over member-days of the range, whole percent.
    pub checkin_rate_percent: i64,
    pub checkins: i64,
    pub active: i64,
    pub new_members: i64,
    /// Points issued in the range per ledger kind, by kind name.
    pub points_by_kind: Vec<(String, i64)>,
    pub gives: i64,
    pub topic_replies: i64,
    pub challenge_entries: i64,
    pub challenge_votes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub checkins: i64,
    pub active: i64,
    /// Members who had joined by the day's end.
    pub members: i64,
    /// Check-ins over members, whole percent.
    pub checkin_rate_percent: i64,
}

/// Members first seen in the week starting `week`, and how many of them
/// were active in each later week (`retained[0]` = the week after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    pub week: NaiveDate,
    pub size: i64,
    /// Up to 8 weeks; a week that has not ended yet is left out.
    pub retained: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentsAt {
    pub day: NaiveDate,
    pub core: i64,
    pub casual: i64,
    pub dormant: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreakBucket {
    pub lowest: u32,
    /// `u32::MAX` for the open-ended last bucket.
    pub highest: u32,
    pub members: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFigures {
    pub posted_at: DateTime<Utc>,
    pub text: String,
    pub replies: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeWeek {
    pub week: NaiveDate,
    pub entries: i64,
    pub voters: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtRisk {
    pub member_id: MemberId,
    pub name: String,
    /// The last local day they were active on.
    pub last_active: NaiveDate,
    pub streak: u32,
    /// Check-ins in the 30 days before the quiet spell.
    pub checkins_before: i64,
}

/// Filters of the ledger audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// A part of the receiver's name (case-insensitive).
    pub member: Option<String>,
    /// A ledger kind (`checkin`, `give`, …).
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// 1-based.
    pub page: u32,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub member_id: MemberId,
    pub member: String,
    pub delta: i64,
    pub kind: String,
    pub reason: String,
    /// Who caused it: the giver of a give, the admin of an award; `None`
    /// for rules (check-ins, bonuses, replies, entries, wins).
    pub actor: Option<String>,
}

/// One page of the public leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardPage {
    pub window: Window,
    pub page: u32,
    pub more: bool,
    pub entries: Vec<BoardEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoardEntry {
    pub rank: i64,
    pub member_id: MemberId,
    pub name: String,
    pub points: i64,
    /// All-time level and progress, whatever the window.
    pub level: LevelProgress,
    /// Where the member's level began (for a progress bar to `level.next_at`).
    pub level_starts_at: i64,
    pub balance: i64,
    /// Badge names, as configured.
    pub badges: Vec<String>,
}

/// A member's public card.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberCard {
    pub member_id: MemberId,
    pub name: String,
    pub balance: i64,
    pub level: LevelProgress,
    pub level_starts_at: i64,
    pub streak: u32,
    pub best_streak: u32,
    pub badges: Vec<String>,
    /// The local days of the last 12 weeks (Monday first), with whether
    /// the member checked in on each.
    pub calendar: Vec<(NaiveDate, bool)>,
}
