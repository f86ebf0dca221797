//! Streaks and freezes. A streak counts consecutive local days with a
//! check-in; a missed day consumes a freeze instead of breaking the streak.

use chrono::NaiveDate;

/// The rules a community configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreezeRules {
    /// A freeze is earned each time the streak reaches a multiple of this; 0 = never.
    pub every: u32,
    pub max: u32,
}

/// A member's streak as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreakState {
    pub streak: u32,
    pub freezes: u32,
    pub last_day: Option<NaiveDate>,
}

/// What one check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinOutcome {
    AlreadyCheckedIn,
    Counted {
        next: StreakState,
        /// Missed days covered by freezes.
        freezes_used: u32,
        freeze_earned: bool,
        /// The streak had been broken and started again at 1.
        restarted: bool,
    },
}

impl StreakState {
    /// Applies a check-in on local `day`.
    pub fn check_in(self, day: NaiveDate, rules: FreezeRules) -> CheckinOutcome {
        let missed = match self.last_day {
            Some(last) if day <= last => return CheckinOutcome::AlreadyCheckedIn,
            Some(last) => Some(u32::try_from((day - last).num_days() - 1).unwrap_or(u32::MAX)),
            None => None,
        };
        let (mut streak, mut freezes, freezes_used, restarted) = match missed {
            Some(0) => (self.streak, self.freezes, 0, false),
            Some(gap) if gap <= self.freezes => (self.streak, self.freezes - gap, gap, false),
            // A broken streak keeps the freezes it earned: they were paid for.
            Some(_) => (0, self.freezes, 0, self.streak > 0),
            None => (0, self.freezes, 0, false),
        };
        streak = streak.saturating_add(1);
        let freeze_earned = rules.every > 0 && streak.is_multiple_of(rules.every) && freezes < rules.max;
        if freeze_earned {
            freezes += 1;
        }
        CheckinOutcome::Counted {
            next: StreakState { streak, freezes, last_day: Some(day) },
            freezes_used,
            freeze_earned,
            restarted,
        }
    }

    /// The streak as it stands on `today` without a check-in yet: alive if
    /// the missed days since the last check-in can still be covered by freezes.
    pub fn current(self, today: NaiveDate) -> u32 {
        match self.last_day {
            None => 0,
            Some(last) => {
                let missed = (today - last).num_days() - 1;
                if missed <= i64::from(self.freezes) { self.streak } else { 0 }
            }
        }
    }

    /// True when the streak is alive on `today` but breaks unless the member
    /// checks in before the day ends.
    pub fn at_risk(self, today: NaiveDate) -> bool {
        match self.last_day {
            Some(last) if last < today && self.streak > 0 => {
                let missed_so_far = (today - last).num_days() - 1;
                let alive = missed_so_far <= i64::from(self.freezes);
                alive && missed_so_far + 1 > i64::from(self.freezes)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const RULES: FreezeRules = FreezeRules { every: 7, max: 2 };

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + Duration::days(n)
    }

    fn counted(outcome: CheckinOutcome) -> (StreakState, u32, bool, bool) {
        match outcome {
            CheckinOutcome::Counted { next, freezes_used, freeze_earned, restarted } => {
                (next, freezes_used, freeze_earned, restarted)
            }
            CheckinOutcome::AlreadyCheckedIn => panic!("expected a counted check-in"),
        }
    }

    fn run(days: &[i64]) -> StreakState {
        days.iter().fold(StreakState::default(), |state, &d| match state.check_in(day(d), RULES) {
            CheckinOutcome::Counted { next, .. } => next,
            CheckinOutcome::AlreadyCheckedIn => state,
        })
    }

    #[test]
    fn first_checkin_starts_at_one() {
        let (next, used, earned, restarted) = counted(StreakState::default().check_in(day(0), RULES));
        assert_eq!((next.streak, next.freezes, used, earned, restarted), (1, 0, 0, false, false));
    }

    #[test]
    fn same_day_twice_is_refused() {
        let state = run(&[0]);
        assert_eq!(state.check_in(day(0), RULES), CheckinOutcome::AlreadyCheckedIn);
    }

    #[test]
    fn consecutive_days_grow_and_earn_a_freeze_every_seven() {
        let state = run(&[0, 1, 2, 3, 4, 5, 6]);
        assert_eq!((state.streak, state.freezes), (7, 1));
        let state = run(&(0..21).collect::<Vec<_>>());
        assert_eq!((state.streak, state.freezes), (21, 2), "capped at max");
    }

    #[test]
    fn a_missed_day_consumes_a_freeze_and_does_not_add_to_the_streak() {
        let state = run(&[0, 1, 2, 3, 4, 5, 6]);
        let (next, used, _, restarted) = counted(state.check_in(day(8), RULES));
        assert_eq!((next.streak, next.freezes, used, restarted), (8, 0, 1, false));
    }

    #[test]
    fn a_missed_day_without_a_freeze_restarts_the_streak() {
        let state = run(&[0, 1, 2]);
        let (next, _, _, restarted) = counted(state.check_in(day(4), RULES));
        assert_eq!((next.streak, restarted), (1, true));
    }

    #[test]
    fn current_streak_shows_broken_streaks_as_zero() {
        let state = run(&[0, 1, 2]);
        assert_eq!(state.current(day(3)), 3);
        assert_eq!(state.current(day(4)), 0);
        assert!(state.at_risk(day(3)));
        assert!(!state.at_risk(day(2)), "checked in today");
        assert!(!state.at_risk(day(4)), "already broken");
    }
}
