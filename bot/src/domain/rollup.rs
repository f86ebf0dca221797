//! The dashboard's rollups as rules: what one member's new active day or
//! check-in moves in the per-day counts (`activity_moves`, `core_moves`),
//! and the same counts from a member's whole history at once
//! (`member_history`, `core_history`: rebuilding a community's rollups).
//! The two ways must agree; a property test holds them to it.
//!
//! Window counts ("members active in the 7 days ending on d") are kept as
//! differences: a day's value is the sum of the differences of every day
//! up to it. A new active day then moves two rows per window, not seven
//! or ninety.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};

use super::day::DayBoundary;

/// Check-ins in the last 7 days that make a member "core".
pub const CORE_CHECKINS: i64 = 5;
/// Days without any activity that make a member "dormant".
pub const DORMANT_DAYS: i64 = 14;
/// The days up to a member's last active day that `active_days_30` counts.
pub const RECENT_DAYS: i64 = 30;
/// How far from a new active day the member's other days matter: the
/// longest window, less one.
pub const REACH_DAYS: i64 = 89;
/// How far from a new check-in the member's other check-ins matter.
pub const CORE_REACH_DAYS: i64 = 6;

/// What one day's row moves by. `checkins`, `active` and `joined` are the
/// day's own counts; the other fields are differences (see the module).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayMove {
    pub checkins: i64,
    pub active: i64,
    pub joined: i64,
    pub active_7: i64,
    pub active_30: i64,
    pub active_90: i64,
    pub settled_14: i64,
    pub core: i64,
}

impl DayMove {
    pub fn add(&mut self, other: &DayMove) {
        self.checkins += other.checkins;
        self.active += other.active;
        self.joined += other.joined;
        self.active_7 += other.active_7;
        self.active_30 += other.active_30;
        self.active_90 += other.active_90;
        self.settled_14 += other.settled_14;
        self.core += other.core;
    }

    pub fn is_zero(&self) -> bool {
        *self == DayMove::default()
    }
}

/// A member's new active day, with what is known of them.
pub struct NewActiveDay<'a> {
    pub day: NaiveDate,
    pub joined: NaiveDate,
    /// Their other active days within `REACH_DAYS` of `day`.
    pub others: &'a BTreeSet<NaiveDate>,
    pub last_active: Option<NaiveDate>,
}

/// What a member's new active day moves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityMoves {
    pub days: BTreeMap<NaiveDate, DayMove>,
    /// `(cohort week, active week)` gaining the member, when this is their
    /// first active day of its week.
    pub cohort: Option<(NaiveDate, NaiveDate)>,
    /// The member's last active day and their active days in the
    /// `RECENT_DAYS` up to it, when these change.
    pub member: Option<(NaiveDate, i64)>,
}

pub fn activity_moves(new: &NewActiveDay<'_>) -> ActivityMoves {
    let x = new.day;
    let mut days: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
    days.entry(x).or_default().active += 1;
    // The member newly counts in the window ending on d when none of their
    // other days falls in it.
    let quiet_window =
        |d: NaiveDate, length: i64| new.others.range(d - Duration::days(length - 1)..=d).next().is_none();
    let settled_on = |d: NaiveDate| new.joined <= d - Duration::days(DORMANT_DAYS);
    for (length, field) in [(7, Field::Active7), (30, Field::Active30), (90, Field::Active90)] {
        push_differences(&mut days, x, length, |d| quiet_window(d, length), field);
    }
    push_differences(&mut days, x, DORMANT_DAYS, |d| quiet_window(d, DORMANT_DAYS) && settled_on(d), Field::Settled14);

    let week = DayBoundary::week_start(x);
    let first_of_week = new.others.range(week..week + Duration::days(7)).next().is_none();
    let cohort = (first_of_week && new.joined <= x).then(|| (DayBoundary::week_start(new.joined), week));

    let last = new.last_active.map_or(x, |l| l.max(x));
    let member = (x > last - Duration::days(RECENT_DAYS)).then(|| {
        let from = last - Duration::days(RECENT_DAYS - 1);
        (last, new.others.range(from..=last).count() as i64 + 1)
    });
    ActivityMoves { days, cohort, member }
}

/// What a member's new check-in on `day` moves in `core`, given their other
/// check-ins within `CORE_REACH_DAYS` of it.
pub fn core_moves(day: NaiveDate, others: &BTreeSet<NaiveDate>) -> BTreeMap<NaiveDate, DayMove> {
    let mut days = BTreeMap::new();
    let before = |d: NaiveDate| others.range(d - Duration::days(6)..=d).count() as i64;
    push_differences(&mut days, day, 7, |d| before(d) == CORE_CHECKINS - 1, Field::Core);
    days
}

/// Everything a member's whole history adds: `days` are all their active
/// days. Returns the day moves, the cohort weeks they count in, and their
/// last active day with its `RECENT_DAYS` count.
pub fn member_history(joined: NaiveDate, days: &BTreeSet<NaiveDate>) -> ActivityMoves {
    let mut moves: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
    moves.entry(joined).or_default().joined += 1;
    for &day in days {
        moves.entry(day).or_default().active += 1;
    }
    let settled_from = joined + Duration::days(DORMANT_DAYS);
    for (length, field) in [(7, Field::Active7), (30, Field::Active30), (90, Field::Active90), (14, Field::Settled14)] {
        for (mut first, last) in merged_windows(days, length) {
            if field == Field::Settled14 {
                first = first.max(settled_from);
                if first > last {
                    continue;
                }
            }
            *field.of(moves.entry(first).or_default()) += 1;
            *field.of(moves.entry(last + Duration::days(1)).or_default()) -= 1;
        }
    }
    let member = days.last().map(|&last| {
        let from = last - Duration::days(RECENT_DAYS - 1);
        (last, days.range(from..=last).count() as i64)
    });
    ActivityMoves { days: moves, cohort: None, member }
}

/// The `(cohort week, active week)` pairs a member counts in.
pub fn cohort_weeks(joined: NaiveDate, days: &BTreeSet<NaiveDate>) -> BTreeSet<(NaiveDate, NaiveDate)> {
    let cohort = DayBoundary::week_start(joined);
    days.iter().filter(|d| **d >= joined).map(|d| (cohort, DayBoundary::week_start(*d))).collect()
}

/// A member's `core` differences over all their check-in days.
pub fn core_history(checkins: &BTreeSet<NaiveDate>) -> BTreeMap<NaiveDate, DayMove> {
    let mut moves: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
    let candidates: BTreeSet<NaiveDate> =
        checkins.iter().flat_map(|d| (0..7).map(move |k| *d + Duration::days(k))).collect();
    let mut was_core = false;
    let mut previous: Option<NaiveDate> = None;
    for d in candidates {
        // A day after a gap in the candidates has no check-in in its window.
        if previous.is_some_and(|p| d - p > Duration::days(1)) && was_core {
            *Field::Core.of(moves.entry(previous.unwrap_or(d) + Duration::days(1)).or_default()) -= 1;
            was_core = false;
        }
        let core = checkins.range(d - Duration::days(6)..=d).count() as i64 >= CORE_CHECKINS;
        if core != was_core {
            *Field::Core.of(moves.entry(d).or_default()) += if core { 1 } else { -1 };
            was_core = core;
        }
        previous = Some(d);
    }
    if let (true, Some(p)) = (was_core, previous) {
        *Field::Core.of(moves.entry(p + Duration::days(1)).or_default()) -= 1;
    }
    moves
}

/// The days on which some window of `length` days ending there holds one
/// of `days`, as inclusive runs.
fn merged_windows(days: &BTreeSet<NaiveDate>, length: i64) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &day in days {
        let end = day + Duration::days(length - 1);
        match runs.last_mut() {
            Some((_, last)) if day <= *last + Duration::days(1) => *last = (*last).max(end),
            _ => runs.push((day, end)),
        }
    }
    runs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Active7,
    Active30,
    Active90,
    Settled14,
    Core,
}

impl Field {
    fn of(self, day: &mut DayMove) -> &mut i64 {
        match self {
            Field::Active7 => &mut day.active_7,
            Field::Active30 => &mut day.active_30,
            Field::Active90 => &mut day.active_90,
            Field::Settled14 => &mut day.settled_14,
            Field::Core => &mut day.core,
        }
    }
}

/// Adds, as differences, a count that rises by one on the days d in
/// `[from, from + length)` where `gains(d)`.
fn push_differences(
    days: &mut BTreeMap<NaiveDate, DayMove>,
    from: NaiveDate,
    length: i64,
    gains: impl Fn(NaiveDate) -> bool,
    field: Field,
) {
    let mut before = false;
    for k in 0..=length {
        let d = from + Duration::days(k);
        let now = k < length && gains(d);
        if now != before {
            *field.of(days.entry(d).or_default()) += if now { 1 } else { -1 };
            before = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).expect("day") + Duration::days(n)
    }

    /// Sums differences into each day's value from `first` to `last`.
    fn values(moves: &BTreeMap<NaiveDate, DayMove>, last: NaiveDate) -> BTreeMap<NaiveDate, DayMove> {
        let mut running = DayMove::default();
        let mut out = BTreeMap::new();
        let first = day(-20);
        for d in first.iter_days().take_while(|d| *d <= last) {
            let own = moves.get(&d).copied().unwrap_or_default();
            running.active_7 += own.active_7;
            running.active_30 += own.active_30;
            running.active_90 += own.active_90;
            running.settled_14 += own.settled_14;
            running.core += own.core;
            out.insert(d, DayMove { checkins: own.checkins, active: own.active, joined: own.joined, ..running });
        }
        out
    }

    #[test]
    fn a_member_active_two_days_in_a_row_counts_once_in_each_window() {
        let joined = day(0);
        let mut others = BTreeSet::new();
        let mut moves = BTreeMap::new();
        for d in [day(0), day(1)] {
            let step =
                activity_moves(&NewActiveDay { day: d, joined, others: &others, last_active: others.last().copied() });
            for (d, m) in step.days {
                moves.entry(d).or_insert_with(DayMove::default).add(&m);
            }
            others.insert(d);
        }
        let v = values(&moves, day(100));
        assert_eq!(v[&day(0)].active_7, 1);
        assert_eq!(v[&day(1)].active_7, 1, "counted once on the second day");
        assert_eq!(v[&day(7)].active_7, 1, "day 1 is still in the 7 days ending on day 7");
        assert_eq!(v[&day(8)].active_7, 0);
        assert_eq!(v[&day(30)].active_30, 1);
        assert_eq!(v[&day(31)].active_30, 0);
        assert_eq!(v[&day(14)].settled_14, 1, "joined 14 days before, active in the 14 days");
        assert_eq!(v[&day(13)].settled_14, 0, "joined inside the window: not settled");
        assert_eq!(v[&day(15)].settled_14, 0);
    }

    #[test]
    fn five_checkins_in_a_week_make_a_member_core_for_as_long_as_they_last() {
        let checkins: BTreeSet<NaiveDate> = [0, 1, 2, 3, 5].into_iter().map(day).collect();
        let v = values(&core_history(&checkins), day(30));
        assert_eq!(v[&day(4)].core, 0);
        assert_eq!(v[&day(5)].core, 1);
        assert_eq!(v[&day(6)].core, 1, "days 0-6 hold five");
        assert_eq!(v[&day(7)].core, 0, "days 1-7 hold four");
    }

    type Replayed = (BTreeMap<NaiveDate, DayMove>, BTreeSet<(NaiveDate, NaiveDate)>, Option<(NaiveDate, i64)>);

    /// Replays a member's days one by one, in any order, as the write path
    /// does; the sums match the history counted at once.
    fn replayed(joined: NaiveDate, order: &[NaiveDate], checkin_order: &[NaiveDate]) -> Replayed {
        let mut moves: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
        moves.entry(joined).or_default().joined += 1;
        let mut seen = BTreeSet::new();
        let mut cohorts = BTreeMap::new();
        let mut member: Option<(NaiveDate, i64)> = None;
        for &d in order {
            if seen.contains(&d) {
                continue;
            }
            let step =
                activity_moves(&NewActiveDay { day: d, joined, others: &seen, last_active: member.map(|m| m.0) });
            for (d, m) in step.days {
                moves.entry(d).or_default().add(&m);
            }
            if let Some(c) = step.cohort {
                *cohorts.entry(c).or_insert(0) += 1;
            }
            if step.member.is_some() {
                member = step.member;
            }
            seen.insert(d);
        }
        let mut checked = BTreeSet::new();
        for &d in checkin_order {
            if checked.insert(d) {
                let near: BTreeSet<NaiveDate> = checked.iter().filter(|c| **c != d).copied().collect();
                for (d, m) in core_moves(d, &near) {
                    moves.entry(d).or_default().add(&m);
                }
            }
        }
        assert!(cohorts.values().all(|n| *n == 1), "a week counted twice: {cohorts:?}");
        (moves, cohorts.into_keys().collect(), member)
    }

    proptest! {
        #[test]
        fn one_day_at_a_time_adds_up_to_the_whole_history(
            joined in 0i64..20,
            offsets in proptest::collection::vec(0i64..120, 0..40),
            checkin_picks in proptest::collection::vec(any::<bool>(), 40),
        ) {
            let joined = day(joined);
            let order: Vec<NaiveDate> = offsets.iter().map(|o| joined + Duration::days(*o)).collect();
            let checkin_order: Vec<NaiveDate> =
                order.iter().zip(&checkin_picks).filter(|(_, pick)| **pick).map(|(d, _)| *d).collect();
            let (moves, cohorts, member) = replayed(joined, &order, &checkin_order);

            let all: BTreeSet<NaiveDate> = order.iter().copied().collect();
            let checkins: BTreeSet<NaiveDate> = checkin_order.iter().copied().collect();
            let mut whole = member_history(joined, &all);
            for (d, m) in core_history(&checkins) {
                whole.days.entry(d).or_default().add(&m);
            }
            let end = joined + Duration::days(260);
            prop_assert_eq!(values(&moves, end), values(&whole.days, end));
            prop_assert_eq!(cohorts, cohort_weeks(joined, &all));
            prop_assert_eq!(member, whole.member);
        }
    }
}
