//! The message catalog. Every sentence the bot writes comes from
//! `bot/locales/<locale>/main.ftl` (Project Fluent), in the community's locale.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

use crate::config::Locale;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would leak into console transcripts and logs.
        customise: |bundle| {
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(format_number));
        },
    };
}

static EN: LanguageIdentifier = langid!("en");
static ZH_CN: LanguageIdentifier = langid!("zh-CN");

/// One value handed to a message.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(i64::from(n))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The catalog of one locale.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    locale: Locale,
}

impl Catalog {
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    fn lang(&self) -> &'static LanguageIdentifier {
        match self.locale {
            Locale::En => &EN,
            Locale::ZhCn => &ZH_CN,
        }
    }

    /// The message `key` without arguments.
    pub fn text(&self, key: &str) -> String {
        self.fmt(key, &[])
    }

    /// The message `key` with named arguments.
    pub fn fmt(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(s) => FluentValue::from(s.clone()),
                    // Fluent numbers are f64; points stay far below 2^53.
                    Arg::Number(n) => FluentValue::from(*n as f64),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        match LOCALES.try_lookup_with_args(self.lang(), key, &args) {
            Some(text) => text,
            None => {
                tracing::error!(key, locale = ?self.locale, "message missing from the catalog");
                key.to_string()
            }
        }
    }

    /// A whole number with the locale's digit grouping.
    pub fn number(&self, n: i64) -> String {
        group_digits(n)
    }

    /// `Tue 3 Mar 04:00` / `3月3日 周二 04:00`, in the community's zone.
    pub fn datetime(&self, t: DateTime<Tz>) -> String {
        self.fmt(
            "datetime",
            &[
                ("weekday", self.weekday(t.weekday().num_days_from_monday()).into()),
                ("day", Arg::Text(t.day().to_string())),
                ("month", self.month(t.month()).into()),
                ("monthnum", Arg::Text(t.month().to_string())),
                ("time", Arg::Text(format!("{:02}:{:02}", t.hour(), t.minute()))),
            ],
        )
    }

    /// `3 Mar 2026` / `2026年3月3日`.
    pub fn date(&self, d: NaiveDate) -> String {
        self.fmt(
            "date",
            &[
                ("day", Arg::Text(d.day().to_string())),
                ("month", self.month(d.month()).into()),
                ("monthnum", Arg::Text(d.month().to_string())),
                ("year", Arg::Text(d.year().to_string())),
            ],
        )
    }

    pub(crate) fn weekday(&self, from_monday: u32) -> String {
        const KEYS: [&str; 7] = ["wd-mon", "wd-tue", "wd-wed", "wd-thu", "wd-fri", "wd-sat", "wd-sun"];
        self.text(KEYS[(from_monday % 7) as usize])
    }

    fn month(&self, month: u32) -> String {
        const KEYS: [&str; 12] = [
            "mon-1", "mon-2", "mon-3", "mon-4", "mon-5", "mon-6", "mon-7", "mon-8", "mon-9", "mon-10", "mon-11",
            "mon-12",
        ];
        self.text(KEYS[((month + 11) % 12) as usize])
    }
}

/// Fluent's own number output has no grouping: `1234` → `1,234`.
fn format_number<M>(value: &FluentValue, _memoizer: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 => {
            Some(group_digits(n.value as i64))
        }
        _ => None,
    }
}

fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_digits() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(-1234567), "-1,234,567");
        assert_eq!(group_digits(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn dates_follow_the_locale() {
        let t = chrono_tz::Europe::Berlin.with_ymd_and_hms(2026, 3, 3, 4, 0, 0).unwrap();
        assert_eq!(Catalog::new(Locale::En).datetime(t), "Tue 3 Mar 04:00");
        assert_eq!(Catalog::new(Locale::ZhCn).datetime(t), "3月3日 周二 04:00");
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        fn keys(ftl: &str) -> Vec<&str> {
            let mut keys: Vec<&str> = ftl
                .lines()
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k))
                .filter(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
                .collect();
            keys.sort_unstable();
            keys
        }
        let en = keys(include_str!("../locales/en/main.ftl"));
        let zh = keys(include_str!("../locales/zh-CN/main.ftl"));
        assert!(en.len() > 50, "the catalog should be read");
        assert_eq!(en, zh);
    }

    #[test]
    fn every_command_has_a_description_in_both_languages() {
        for locale in [Locale::En, Locale::ZhCn] {
            for spec in crate::command::COMMANDS {
                let key = spec.description_key();
                let text = Catalog::new(locale).text(&key);
                assert_ne!(text, key, "{key} is missing in {locale:?}");
            }
        }
    }

    use chrono::TimeZone;
}
