//! When a schedule fires, in community time.
//!
//! The `cron` crate, iterated in a real timezone, skips a local time that does
//! not exist (spring forward) and yields a repeated one twice (fall back). So
//! slots are computed on the local wall clock instead — treated as if it were
//! UTC, where every local date has each wall time exactly once — and only then
//! mapped to a real instant: a wall time in a DST gap fires at the first valid
//! minute after it, a repeated one at its first occurrence. A slot's identity
//! is its wall time, so a repeated hour can never fire twice.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
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
    for wall in spec.schedule().after(&Utc.from_utc_datetime(&start_wall)) {
        let wall = wall.naive_utc();
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
pub fn next_slot(spec: &CronSpec, tz: Tz, after: DateTime<Utc>) -> Option<Slot> {
    let start_wall = after.with_timezone(&tz).naive_local() - EDGE;
    spec.schedule()
        .after(&Utc.from_utc_datetime(&start_wall))
        .map(|wall| {
            let wall = wall.naive_utc();
            Slot { wall, at: resolve_local(tz, wall) }
        })
        .take_while(|slot| slot.wall <= after.with_timezone(&tz).naive_local() + Duration::days(400))
        .filter(|slot| slot.at > after)
        // Walls are in order; instants nearly so (a gap can only move one later).
        .take(4)
        .min_by_key(|slot| (slot.at, slot.wall))
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

    #[test]
    fn next_slot_follows_the_community_timezone() {
        let berlin = chrono_tz::Europe::Berlin;
        // Monday 09:00 Berlin in winter is 08:00 UTC.
        let next = next_slot(&cron("0 9 * * 1"), berlin, at("2026-03-01T12:00:00Z")).expect("a slot");
        assert_eq!(next.at, at("2026-03-02T08:00:00Z"));
        assert_eq!(next.key(), "2026-03-02T09:00");
    }
}
