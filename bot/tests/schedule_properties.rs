//! Daily jobs fire exactly once per local date across two years of DST
//! changes, and cutting time into windows neither loses nor repeats a slot.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use hearth_bot::config::cron::CronSpec;
use hearth_bot::domain::schedule::{Slot, slots_between};
use proptest::prelude::*;

const ZONES: [Tz; 6] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::America::Santiago,
    chrono_tz::Asia::Tehran,
    chrono_tz::Asia::Shanghai,
];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("start")
}

#[test]
fn daily_jobs_fire_once_per_local_date_for_two_years() {
    for tz in ZONES {
        for expr in ["30 2 * * *", "0 9 * * *"] {
            let spec = CronSpec::parse(expr).expect("cron");
            let slots = slots_between(&spec, tz, start(), start() + Duration::days(731), 10_000);
            let mut per_date: BTreeMap<NaiveDate, usize> = BTreeMap::new();
            for slot in &slots {
                let local_date = slot.at.with_timezone(&tz).date_naive();
                assert_eq!(local_date, slot.wall.date(), "{tz} {expr}: {slot:?} fired on another date");
                *per_date.entry(local_date).or_default() += 1;
            }
            assert!(per_date.values().all(|n| *n == 1), "{tz} {expr}: a date fired twice");
            let first = *per_date.keys().next().expect("slots");
            let last = *per_date.keys().last().expect("slots");
            assert_eq!(per_date.len() as i64, (last - first).num_days() + 1, "{tz} {expr}: a date was skipped");
            assert!(per_date.len() >= 729, "{tz} {expr}: {} dates", per_date.len());
        }
    }
}

#[test]
fn weekday_numbers_follow_standard_cron() {
    let monday = CronSpec::parse("0 9 * * 1").expect("cron");
    let sunday = CronSpec::parse("0 9 * * 0").expect("cron");
    let also_sunday = CronSpec::parse("0 9 * * 7").expect("cron");
    let week = |spec: &CronSpec| -> Vec<chrono::Weekday> {
        slots_between(spec, chrono_tz::Europe::London, start(), start() + Duration::days(21), 10)
            .iter()
            .map(|s| chrono::Datelike::weekday(&s.wall))
            .collect()
    };
    assert_eq!(week(&monday), vec![chrono::Weekday::Mon; 3]);
    assert_eq!(week(&sunday), vec![chrono::Weekday::Sun; 3]);
    assert_eq!(week(&also_sunday), vec![chrono::Weekday::Sun; 3]);
}

proptest! {
    /// Whatever windows the scheduler wakes up in, it sees every slot once.
    #[test]
    fn windows_neither_lose_nor_repeat_slots(
        zone in 0..ZONES.len(),
        expr in prop::sample::select(vec!["30 2 * * *", "0 9 * * MON-FRI", "*/20 1-3 * * *", "0 0 1 * *"]),
        cuts in prop::collection::vec(1i64..(60 * 24 * 30), 1..20),
        offset_days in 0i64..700,
    ) {
        let tz = ZONES[zone];
        let spec = CronSpec::parse(expr).expect("cron");
        let from = start() + Duration::days(offset_days);
        let mut edges: Vec<DateTime<Utc>> = cuts.iter().map(|m| from + Duration::minutes(*m)).collect();
        edges.sort();
        edges.dedup();
        let to = *edges.last().expect("an edge");
        let whole: Vec<Slot> = slots_between(&spec, tz, from, to, 100_000);
        let mut pieces = Vec::new();
        let mut after = from;
        for edge in edges {
            pieces.extend(slots_between(&spec, tz, after, edge, 100_000));
            after = edge;
        }
        prop_assert_eq!(whole, pieces);
    }
}
