//! Property tests: day boundaries and streaks across timezones with odd DST
//! rules (30-minute shifts, +05:30, +12:45) over two years of dates.

use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use hearth_bot::domain::day::DayBoundary;
use hearth_bot::domain::streak::{CheckinOutcome, FreezeRules, StreakState};
use proptest::prelude::*;

const ZONES: [Tz; 5] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Pacific::Chatham,
];

fn boundary() -> impl Strategy<Value = DayBoundary> {
    (0..ZONES.len(), 0u32..24, prop::sample::select(vec![0u32, 15, 30, 45])).prop_map(|(zone, hour, minute)| {
        DayBoundary::new(ZONES[zone], NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time"))
    })
}

fn first_day() -> impl Strategy<Value = NaiveDate> {
    // Any day of 2026 and 2027.
    (0i64..730).prop_map(|offset| NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Duration::days(offset))
}

/// An instant inside local `day`, `fraction` of the way through it.
fn instant_in(days: &DayBoundary, day: NaiveDate, fraction: f64) -> chrono::DateTime<chrono::Utc> {
    let start = days.start_of(day);
    let end = days.start_of(day + Duration::days(1));
    let span = (end - start).num_seconds().max(1);
    start + Duration::seconds(((span - 1) as f64 * fraction) as i64)
}

const NO_FREEZES: FreezeRules = FreezeRules { every: 0, max: 0 };

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Checking in once every local day, at any time of that day, never loses the streak.
    #[test]
    fn daily_checkins_never_lose_the_streak(
        days in boundary(),
        start in first_day(),
        moments in prop::collection::vec(0.0f64..1.0, 1..60),
    ) {
        let mut state = StreakState::default();
        for (i, fraction) in moments.iter().enumerate() {
            let day = start + Duration::days(i as i64);
            let instant = instant_in(&days, day, *fraction);
            prop_assert_eq!(days.day_of(instant), day, "instant {} in {:?}", instant, days);
            match state.check_in(days.day_of(instant), NO_FREEZES) {
                CheckinOutcome::Counted { next, .. } => state = next,
                CheckinOutcome::AlreadyCheckedIn => prop_assert!(false, "day {} counted twice", day),
            }
            prop_assert_eq!(state.streak as usize, i + 1);
        }
    }

    /// One missed day without a freeze always resets the streak to 1.
    #[test]
    fn a_missed_day_without_a_freeze_resets(
        days in boundary(),
        start in first_day(),
        streak_len in 1usize..30,
        fraction in 0.0f64..1.0,
    ) {
        let mut state = StreakState::default();
        for i in 0..streak_len {
            let instant = instant_in(&days, start + Duration::days(i as i64), fraction);
            if let CheckinOutcome::Counted { next, .. } = state.check_in(days.day_of(instant), NO_FREEZES) {
                state = next;
            }
        }
        let after_gap = start + Duration::days(streak_len as i64 + 1);
        prop_assert_eq!(state.current(after_gap), 0);
        let instant = instant_in(&days, after_gap, fraction);
        match state.check_in(days.day_of(instant), NO_FREEZES) {
            CheckinOutcome::Counted { next, restarted, .. } => {
                prop_assert_eq!(next.streak, 1);
                prop_assert!(restarted);
            }
            CheckinOutcome::AlreadyCheckedIn => prop_assert!(false, "a new day was refused"),
        }
    }

    /// With freezes, a missed day is covered exactly when a freeze is held.
    #[test]
    fn a_freeze_is_consumed_instead_of_the_streak(streak_len in 1u32..40, every in 1u32..10) {
        let rules = FreezeRules { every, max: 3 };
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let mut state = StreakState::default();
        for i in 0..streak_len {
            if let CheckinOutcome::Counted { next, .. } = state.check_in(start + Duration::days(i64::from(i)), rules) {
                state = next;
            }
        }
        let held = state.freezes;
        prop_assert_eq!(held, (streak_len / every).min(3));
        let outcome = state.check_in(start + Duration::days(i64::from(streak_len) + 1), rules);
        match outcome {
            CheckinOutcome::Counted { next, freezes_used, .. } if held > 0 => {
                prop_assert_eq!(next.streak, streak_len + 1);
                prop_assert_eq!(freezes_used, 1);
            }
            CheckinOutcome::Counted { next, .. } => prop_assert_eq!(next.streak, 1),
            CheckinOutcome::AlreadyCheckedIn => prop_assert!(false, "a new day was refused"),
        }
    }
}
