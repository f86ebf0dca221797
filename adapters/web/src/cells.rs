//! Table cells, and the words and formats of one community's pages. A
//! table is built once from the engine's figures; the page shows its cells
//! worded for people, the CSV writes them plain for spreadsheets.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use hearth_bot::config::Locale;
use hearth_bot::i18n::{Arg, Catalog};
use hearth_bot::store::LedgerKind;

/// Every ledger kind, in the order the pages list them.
pub const LEDGER_KINDS: [LedgerKind; 8] = [
    LedgerKind::Checkin,
    LedgerKind::StreakBonus,
    LedgerKind::PeerAward,
    LedgerKind::TopicReply,
    LedgerKind::ChallengeEntry,
    LedgerKind::ChallengeWin,
    LedgerKind::AdminAward,
    LedgerKind::AdminRevoke,
];

/// The catalog and the timezone of one community's pages.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub catalog: Catalog,
    pub timezone: Tz,
}

impl Words {
    pub fn new(locale: Locale, timezone: Tz) -> Self {
        Words { catalog: Catalog::new(locale), timezone }
    }

    /// Refusal pages of an unknown community: English, UTC.
    pub fn fallback() -> Self {
        Words::new(Locale::En, Tz::UTC)
    }

    /// `en` or `zh-CN`, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        match self.catalog.locale() {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    pub fn text(&self, key: &str) -> String {
        self.catalog.text(key)
    }

    pub fn fmt(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        self.catalog.fmt(key, args)
    }

    pub fn number(&self, n: i64) -> String {
        self.catalog.number(n)
    }

    pub fn percent(&self, value: i64) -> String {
        self.fmt("web-percent", &[("value", value.into())])
    }

    pub fn date(&self, day: NaiveDate) -> String {
        self.catalog.date(day)
    }

    /// `2 Mar` / `3月2日`: axis labels.
    pub fn day_short(&self, day: NaiveDate) -> String {
        use chrono::Datelike;
        let month_key = format!("mon-{}", day.month());
        self.fmt(
            "web-day-short",
            &[
                ("day", Arg::Text(day.day().to_string())),
                ("month", self.text(&month_key).into()),
                ("monthnum", Arg::Text(day.month().to_string())),
            ],
        )
    }

    pub fn datetime(&self, at: DateTime<Utc>) -> String {
        self.catalog.datetime(at.with_timezone(&self.timezone))
    }

    /// A ledger kind's name; the kind itself when the catalog has none.
    pub fn kind(&self, kind: &str) -> String {
        if LEDGER_KINDS.iter().any(|known| known.as_str() == kind) {
            self.text(&format!("web-kind-{kind}"))
        } else {
            kind.to_string()
        }
    }

    /// A weekday's name, 0 = Monday.
    pub fn weekday(&self, from_monday: usize) -> String {
        const KEYS: [&str; 7] = ["wd-mon", "wd-tue", "wd-wed", "wd-thu", "wd-fri", "wd-sat", "wd-sun"];
        self.text(KEYS[from_monday % 7])
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Percent(i64),
    Day(NaiveDate),
    Time(DateTime<Utc>),
    /// No value (a member never active, a cohort week not over yet).
    Missing,
}

impl Cell {
    /// How the page shows it.
    pub fn shown(&self, words: &Words) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => words.number(*n),
            Cell::Percent(p) => words.percent(*p),
            Cell::Day(day) => words.date(*day),
            Cell::Time(at) => words.datetime(*at),
            Cell::Missing => "—".to_string(),
        }
    }

    /// How the CSV writes it: plain numbers, ISO dates, UTC instants.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) | Cell::Percent(n) => n.to_string(),
            Cell::Day(day) => day.format("%Y-%m-%d").to_string(),
            Cell::Time(at) => at.to_rfc3339_opts(SecondsFormat::Secs, true),
            Cell::Missing => String::new(),
        }
    }

    /// Numbers line up on the right.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Number(_) | Cell::Percent(_))
    }
}

/// `part` of `whole` in whole percent, rounded; 0 of nothing.
pub fn percent_of(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (part.saturating_mul(200) + whole) / whole.saturating_mul(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_the_nearest_whole() {
        assert_eq!(percent_of(1, 3), 33);
        assert_eq!(percent_of(2, 3), 67);
        assert_eq!(percent_of(1, 2), 50);
        assert_eq!(percent_of(5, 0), 0);
    }

    #[test]
    fn cells_are_worded_for_people_and_plain_for_spreadsheets() {
        let words = Words::new(Locale::ZhCn, chrono_tz::Asia::Shanghai);
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(Cell::Day(day).shown(&words), "2026年3月2日");
        assert_eq!(Cell::Day(day).plain(), "2026-03-02");
        assert_eq!(Cell::Number(12_345).shown(&words), "12,345");
        assert_eq!(Cell::Number(12_345).plain(), "12345");
        assert_eq!(Cell::Percent(42).shown(&words), "42%");
        assert_eq!(words.kind("peer_award"), "赠分");
        assert_eq!(words.day_short(day), "3月2日");
        assert_eq!(Words::new(Locale::En, Tz::UTC).day_short(day), "2 Mar");
    }
}
