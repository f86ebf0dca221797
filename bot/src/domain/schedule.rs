//! When a schedule fires, in community time.
//!
//! The `cron` crate, iterated in a real timezone, skips a local time that does
//! not exist (spring forward) and yields a repeated one twice (fall back). So
//! slots are computed on the local wall clock instead — treated as if it were
//! UTC, where every local date has each wall time exactly once — and only then
//! mapped to a real instant: a wall time in a DST gap fires at the first valid
//! minute after it, a repeated one at its first occurrence. A slot's identity
//! is its wall time, so a repeated hour can never fire twice.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::day::resolve_local;
use crate::config::cron::CronSpec;

/// One firing of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The local wall time the cron expression names; the slot's identity.
    pub wall: NaiveDateTime,
    /// When it fires.
    pub at: DateTime<Utc>,
}

impl Slot {
    /// The key a claim is stored under: `YYYY-MM-DDTHH:MM` in community time.
    pub fn key(&self) -> String {
        self.wall.format("%Y-%m-%dT%H:%M").to_string()
    }
}

/// Wall times can resolve up to a DST shift later than they read; look this
/// far around a window so no slot at its edges is missed.
const EDGE: Duration = Duration::days(1);

/// Slots of `spec` in `tz` that fire in `(after, until]`, in firing order,
/// at most `limit` of them (the earliest).
pub fn slots_between(spec: &CronSpec, tz: Tz, after: DateTime<Utc>, until: DateTime<Utc>, limit: usize) -> Vec<Slot> {
    let mut slots = Vec::new();
    if until <= after {
        return slots;
    }
    let start_wall = after.with_timezone(&tz).naive_local() - EDGE;
    let end_wall = until.with_timezone(&tz).naive_local() + EDGE;
    for wall in walls_after(spec, start_wall) {
        if wall > end_wall || slots.len() >= limit {
            break;
        }
        let at = resolve_local(tz, wall);
        if at > after && at <= until {
            slots.push(Slot { wall, at });
        }
    }
    slots.sort_by_key(|s| (s.at, s.wall));
    slots
}

/// The first slot of `spec` in `tz` that fires after `after`.
///
/// Where the zone's offset is the same a day either side of `after` (every
/// day but those around a DST change), walls and instants move together
/// there, so the answer is the first wall after `after`'s own: one search.
/// Around a change, walls from a day earlier are mapped and compared.
pub fn next_slot(spec: &CronSpec, tz: Tz, after: DateTime<Utc>) -> Option<Slot> {
    let local = after.with_timezone(&tz).naive_local();
    if offset_steady_around(tz, after) {
        let wall = spec.table().next_after(local)?;
        return Some(Slot { wall, at: resolve_local(tz, wall) });
    }
    next_slot_across_a_change(spec, tz, after)
}

/// `next_slot` without the steady-offset shortcut.
fn next_slot_across_a_change(spec: &CronSpec, tz: Tz, after: DateTime<Utc>) -> Option<Slot> {
    let local = after.with_timezone(&tz).naive_local();
    walls_after(spec, local - EDGE)
        .map(|wall| Slot { wall, at: resolve_local(tz, wall) })
        .take_while(|slot| slot.wall <= local + Duration::days(400))
        .filter(|slot| slot.at > after)
        // Walls are in order; instants nearly so (a gap can only move one later).
        .take(4)
        .min_by_key(|slot| (slot.at, slot.wall))
}

/// Whether `tz` has one UTC offset from a day before `after` to a day after
/// it, sampled every six hours (no zone changes its offset twice within six).
fn offset_steady_around(tz: Tz, after: DateTime<Utc>) -> bool {
    let offset_at = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    let here = offset_at(after);
    (-4..=4).filter(|&quarter| quarter != 0).all(|quarter| offset_at(after + Duration::hours(6 * quarter)) == here)
}

/// The wall times `spec` names after `start`, in order.
fn walls_after(spec: &CronSpec, start: NaiveDateTime) -> impl Iterator<Item = NaiveDateTime> + '_ {
    std::iter::successors(spec.table().next_after(start), |wall| spec.table().next_after(*wall))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
    }

    fn cron(expr: &str) -> CronSpec {
        CronSpec::parse(expr).expect("valid cron")
    }

    #[test]
    fn a_nonexistent_local_time_fires_at_the_next_valid_instant() {
        let ny = chrono_tz::America::New_York;
        let slots = slots_between(&cron("30 2 * * *"), ny, at("2026-03-07T12:00:00Z"), at("2026-03-09T12:00:00Z"), 10);
        let keys: Vec<String> = slots.iter().map(Slot::key).collect();
        assert_eq!(keys, ["2026-03-08T02:30", "2026-03-09T02:30"]);
        // 02:30 does not exist on 8 March: 03:00 EDT = 07:00 UTC.
        assert_eq!(slots[0].at, at("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn a_repeated_local_time_fires_once() {
        let ny = chrono_tz::America::New_York;
        let slots = slots_between(&cron("30 1 * * *"), ny, at("2026-10-31T12:00:00Z"), at("2026-11-02T12:00:00Z"), 10);
        let keys: Vec<String> = slots.iter().map(Slot::key).collect();
        assert_eq!(keys, ["2026-11-01T01:30", "2026-11-02T01:30"]);
        assert_eq!(slots[0].at, at("2026-11-01T05:30:00Z"), "the first (EDT) occurrence");
    }

    proptest::proptest! {
        /// The steady-offset shortcut finds the slot the full search finds,
        /// around DST changes and zone changes of whole days too.
        #[test]
        fn the_shortcut_finds_the_slot_the_full_search_finds(
            zone in proptest::sample::select(vec![
                chrono_tz::America::New_York, chrono_tz::Europe::Berlin, chrono_tz::Australia::Lord_Howe,
                chrono_tz::America::Santiago, chrono_tz::Asia::Tehran, chrono_tz::Pacific::Apia,
                chrono_tz::Europe::Moscow, chrono_tz::Asia::Shanghai,
            ]),
            expr in proptest::sample::select(vec!["30 2 * * *", "0 9 * * 1", "*/20 * * * *", "0 0 1 * *", "45 1 * * 0"]),
            minutes in 0i64..(60 * 24 * 366 * 16),
        ) {
            let after = at("2010-01-01T00:00:00Z") + Duration::minutes(minutes) + Duration::seconds(minutes % 61);
            let spec = cron(expr);
            proptest::prop_assert_eq!(next_slot(&spec, zone, after), next_slot_across_a_change(&spec, zone, after));
        }
    }

    /// Every offset change of these zones from 2010 to 2026, looked at every
    /// 17 minutes from a day and a half before it to a day and a half after.
    #[test]
    fn around_every_offset_change_the_shortcut_agrees() {
        let zones = [
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::America::Santiago,
            chrono_tz::Pacific::Apia,
            chrono_tz::Europe::Moscow,
        ];
        let exprs: Vec<CronSpec> = ["30 2 * * *", "0 9 * * 1", "*/20 1-3 * * *", "45 1 * * 0"].map(cron).into();
        let mut changes = 0;
        for zone in zones {
            let offset_at = |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc()).fix();
            let mut hour = at("2010-01-01T00:00:00Z");
            while hour < at("2026-12-31T00:00:00Z") {
                if offset_at(hour) != offset_at(hour + Duration::hours(1)) {
                    changes += 1;
                    let mut after = hour - Duration::hours(36);
                    while after < hour + Duration::hours(36) {
                        for spec in &exprs {
                            let (quick, full) =
                                (next_slot(spec, zone, after), next_slot_across_a_change(spec, zone, after));
                            assert_eq!(quick, full, "{zone} {spec:?} after {after}");
                        }
                        after += Duration::minutes(17);
                    }
                }
                hour += Duration::hours(1);
            }
        }
        assert!(changes > 100, "only {changes} offset changes found");
    }

    #[test]
    fn next_slot_follows_the_community_timezone() {
        let berlin = chrono_tz::Europe::Berlin;
        // Monday 09:00 Berlin in winter is 08:00 UTC.
        let next = next_slot(&cron("0 9 * * 1"), berlin, at("2026-03-01T12:00:00Z")).expect("a slot");
        assert_eq!(next.at, at("2026-03-02T08:00:00Z"));
        assert_eq!(next.key(), "2026-03-02T09:00");
    }
}
