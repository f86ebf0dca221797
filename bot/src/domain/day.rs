//! The community's local day: its timezone, shifted by `day_starts_at`, so a
//! 1 a.m. check-in can still count for the evening before.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// How a community cuts time into days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayBoundary {
    pub tz: Tz,
    pub starts_at: NaiveTime,
}

impl DayBoundary {
    pub fn new(tz: Tz, starts_at: NaiveTime) -> Self {
        Self { tz, starts_at }
    }

    /// The local day that `instant` belongs to: the last day whose start
    /// (`start_of`) is not after it. The wall clock alone is not enough: when
    /// clocks fall back across the start time, wall time repeats, but a day
    /// that has begun never un-begins.
    pub fn day_of(&self, instant: DateTime<Utc>) -> NaiveDate {
        let local = instant.with_timezone(&self.tz).naive_local();
        let by_wall_clock = (local - self.offset()).date();
        match (by_wall_clock.succ_opt(), by_wall_clock.pred_opt()) {
            (Some(next), _) if self.start_of(next) <= instant => next,
            (_, Some(previous)) if self.start_of(by_wall_clock) > instant => previous,
            _ => by_wall_clock,
        }
    }

    /// The UTC instant at which local `day` begins. A start time that does
    /// not exist that day (spring forward) begins at the first valid instant
    /// after it; one that happens twice (fall back) begins at the first.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let wall = day.and_time(NaiveTime::MIN) + self.offset();
        resolve_local(self.tz, wall)
    }

    /// When the day after `instant`'s day begins: when the next check-in opens.
    pub fn next_day_start(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let today = self.day_of(instant);
        self.start_of(today.succ_opt().unwrap_or(today))
    }

    /// Monday of the week that contains `day`.
    pub fn week_start(day: NaiveDate) -> NaiveDate {
        day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
    }

    /// First day of the month that contains `day`.
    pub fn month_start(day: NaiveDate) -> NaiveDate {
        day.with_day(1).unwrap_or(day)
    }

    fn offset(&self) -> Duration {
        self.starts_at - NaiveTime::MIN
    }
}

/// Maps a local wall-clock time to UTC: the earlier of two candidates when the
/// time repeats, and the first valid minute after it when it does not exist.
pub fn resolve_local(tz: Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = wall;
    // DST gaps are at most a few hours; a day of minutes is a safe bound.
    for _ in 0..(24 * 60) {
        if let Some(instant) = tz.from_local_datetime(&candidate).earliest() {
            return instant.with_timezone(&Utc);
        }
        candidate += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&wall)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("valid instant").with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
    }

    fn berlin_at_four() -> DayBoundary {
        DayBoundary::new(chrono_tz::Europe::Berlin, NaiveTime::from_hms_opt(4, 0, 0).unwrap())
    }

    #[test]
    fn one_am_counts_for_the_evening_before() {
        // 01:00 Berlin (CET, UTC+1) on 3 March is 00:00 UTC.
        assert_eq!(berlin_at_four().day_of(at("2026-03-03T00:00:00Z")), date("2026-03-02"));
        // 04:00 Berlin on 3 March is a new day.
        assert_eq!(berlin_at_four().day_of(at("2026-03-03T03:00:00Z")), date("2026-03-03"));
    }

    #[test]
    fn midnight_boundary_follows_the_timezone_not_utc() {
        let kolkata = DayBoundary::new(chrono_tz::Asia::Kolkata, NaiveTime::MIN);
        // 20:00 UTC is 01:30 the next day in Kolkata.
        assert_eq!(kolkata.day_of(at("2026-06-01T20:00:00Z")), date("2026-06-02"));
    }

    #[test]
    fn next_day_start_is_local_boundary_in_utc() {
        let b = berlin_at_four();
        // Summer (UTC+2): next day starts 04:00 local = 02:00 UTC.
        assert_eq!(b.next_day_start(at("2026-07-01T10:00:00Z")), at("2026-07-02T02:00:00Z"));
    }

    #[test]
    fn day_start_inside_a_dst_gap_moves_to_the_first_valid_minute() {
        let ny = DayBoundary::new(chrono_tz::America::New_York, NaiveTime::from_hms_opt(2, 30, 0).unwrap());
        // 2026-03-08 02:30 does not exist in New York; 03:00 EDT = 07:00 UTC.
        assert_eq!(ny.start_of(date("2026-03-08")), at("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn repeated_day_start_takes_the_first_occurrence() {
        let ny = DayBoundary::new(chrono_tz::America::New_York, NaiveTime::from_hms_opt(1, 30, 0).unwrap());
        // 2026-11-01 01:30 happens twice; the first is EDT (UTC-4).
        assert_eq!(ny.start_of(date("2026-11-01")), at("2026-11-01T05:30:00Z"));
    }

    #[test]
    fn a_begun_day_stays_begun_when_clocks_fall_back_across_its_start() {
        // New York, days start 01:15. On 2027-11-07 01:15 EDT (05:15 UTC) the
        // day begins; at 06:00 UTC clocks go back to 01:00 EST, and 01:09 EST
        // (06:09 UTC) is wall time before 01:15 yet still the 7th.
        let ny = DayBoundary::new(chrono_tz::America::New_York, NaiveTime::from_hms_opt(1, 15, 0).unwrap());
        assert_eq!(ny.day_of(at("2027-11-07T05:14:59Z")), date("2027-11-06"));
        assert_eq!(ny.day_of(at("2027-11-07T05:15:00Z")), date("2027-11-07"));
        assert_eq!(ny.day_of(at("2027-11-07T06:09:03Z")), date("2027-11-07"));
        assert_eq!(ny.day_of(at("2027-11-08T06:14:59Z")), date("2027-11-07"));
        assert_eq!(ny.day_of(at("2027-11-08T06:15:00Z")), date("2027-11-08"));
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(DayBoundary::week_start(date("2026-03-08")), date("2026-03-02"));
        assert_eq!(DayBoundary::week_start(date("2026-03-02")), date("2026-03-02"));
        assert_eq!(DayBoundary::month_start(date("2026-03-31")), date("2026-03-01"));
    }
}
