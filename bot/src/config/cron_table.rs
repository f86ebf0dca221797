//! A cron expression compiled to bit sets, and the next wall time it names.
//!
//! Built from the `cron` crate's parse of the expression (so each field means
//! what it meant before), then kept as 22 bytes instead of the crate's seven
//! ordered sets of a few kilobytes, and searched with bit operations: one
//! step per day, not per candidate time.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use cron::TimeUnitSpec;

/// The last year a search looks at, as the `cron` crate's year field ends.
const LAST_YEAR: i32 = 2099;

/// Which minutes, hours, days, months and weekdays an expression names.
/// A day fires when its day of month, month and weekday all match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CronTable {
    /// Bit `m` for minute `m` (0–59).
    minutes: u64,
    /// Bit `h` for hour `h` (0–23).
    hours: u32,
    /// Bit `d` for day of month `d` (1–31).
    days: u32,
    /// Bit `m` for month `m` (1–12).
    months: u16,
    /// Bit `d` for weekday `d`, 0 = Sunday … 6 = Saturday.
    weekdays: u8,
}

impl CronTable {
    /// The table of a schedule the `cron` crate parsed (its seconds field is
    /// always 0 in hearth's dialect; its weekdays count Sunday as 1).
    pub fn of(schedule: &cron::Schedule) -> CronTable {
        CronTable {
            minutes: schedule.minutes().iter().filter(|&m| m < 60).fold(0, |bits, m| bits | 1 << m),
            hours: schedule.hours().iter().filter(|&h| h < 24).fold(0, |bits, h| bits | 1 << h),
            days: schedule.days_of_month().iter().filter(|&d| (1..=31).contains(&d)).fold(0, |bits, d| bits | 1 << d),
            months: schedule.months().iter().filter(|&m| (1..=12).contains(&m)).fold(0, |bits, m| bits | 1 << m),
            weekdays: schedule
                .days_of_week()
                .iter()
                .filter(|&d| (1..=7).contains(&d))
                .fold(0, |bits, d| bits | 1 << (d - 1)),
        }
    }

    /// Whether the expression names `date`.
    pub fn names_day(&self, date: NaiveDate) -> bool {
        self.months & (1 << date.month()) != 0
            && self.days & (1 << date.day()) != 0
            && self.weekdays & (1 << date.weekday().num_days_from_sunday()) != 0
    }

    /// The first wall time strictly after `after` that the expression names
    /// (whole minutes), up to the end of `LAST_YEAR`.
    pub fn next_after(&self, after: NaiveDateTime) -> Option<NaiveDateTime> {
        if self.minutes == 0 || self.hours == 0 {
            return None;
        }
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let mut date = start.date();
        let (mut hour, mut minute) = (start.hour(), start.minute());
        while date.year() <= LAST_YEAR {
            if self.months & (1 << date.month()) == 0 {
                date = first_of_next_month(date)?;
                (hour, minute) = (0, 0);
                continue;
            }
            if self.names_day(date)
                && let Some((h, m)) = self.first_time_from(hour, minute)
            {
                return date.and_hms_opt(h, m, 0);
            }
            date = date.succ_opt()?;
            (hour, minute) = (0, 0);
        }
        None
    }

    /// The first named hour and minute at or after `hour:minute` on a day.
    fn first_time_from(&self, hour: u32, minute: u32) -> Option<(u32, u32)> {
        if self.hours & (1 << hour) != 0 {
            let minutes = self.minutes & (u64::MAX << minute);
            if minutes != 0 {
                return Some((hour, minutes.trailing_zeros()));
            }
        }
        // `hour` is at most 23, so the shift stays inside the word.
        let later = self.hours & (u32::MAX << (hour + 1));
        (later != 0).then(|| (later.trailing_zeros(), self.minutes.trailing_zeros()))
    }
}

fn first_of_next_month(date: NaiveDate) -> Option<NaiveDate> {
    match date.month() {
        12 => NaiveDate::from_ymd_opt(date.year() + 1, 1, 1),
        month => NaiveDate::from_ymd_opt(date.year(), month + 1, 1),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    use crate::config::cron::CronSpec;

    fn expression() -> impl Strategy<Value = String> {
        let pick = |items: &'static [&'static str]| prop::sample::select(items);
        (
            pick(&["*", "0", "30", "59", "*/15", "5-10", "0,30", "7/20"]),
            pick(&["*", "0", "9", "23", "0-6", "*/6", "8,20"]),
            pick(&["*", "1", "15", "29", "30", "31", "1-7", "*/10"]),
            pick(&["*", "1", "2", "12", "1-3", "*/4", "FEB"]),
            pick(&["*", "0", "1", "7", "MON-FRI", "5-7", "SAT,SUN", "*/2"]),
        )
            .prop_map(|(minute, hour, day, month, weekday)| format!("{minute} {hour} {day} {month} {weekday}"))
    }

    fn instant(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).single().expect("start") + chrono::Duration::seconds(seconds)
    }

    proptest! {
        /// The table names the same next time as the `cron` crate it was built from.
        #[test]
        fn next_after_agrees_with_the_cron_crate(expr in expression(), seconds in 0i64..(86_400 * 366 * 12)) {
            let spec = CronSpec::parse(&expr).expect("valid cron");
            let after = instant(seconds);
            let crate_next = spec.cron_schedule().expect("valid cron").after(&after).next().map(|t| t.naive_utc());
            prop_assert_eq!(spec.table().next_after(after.naive_utc()), crate_next, "{} after {}", expr, after);
        }
    }

    #[test]
    fn a_date_that_never_comes_has_no_next_time() {
        let never = CronSpec::parse("0 0 30 2 *").expect("valid cron");
        assert_eq!(never.table().next_after(instant(0).naive_utc()), None);
        assert!(!never.ever_fires());
        // 29 February comes every four years, on a Monday now and then.
        let leap_monday = CronSpec::parse("0 9 29 2 MON").expect("valid cron");
        let next = leap_monday.table().next_after(instant(0).naive_utc()).expect("a leap Monday");
        assert_eq!(next.to_string(), "2044-02-29 09:00:00");
    }
}
