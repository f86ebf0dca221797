//! Rebuilding a community's rollups from its raw rows: at start, for each
//! community whose rollups are missing or by older rules (a database from
//! before migration 0015, or one `migrate-db` copied). The write path keeps
//! them from then on (`store::rollups`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Timelike};

use crate::config::CommunityConfig;
use crate::domain::day::DayBoundary;
use crate::domain::rollup::{self, DayMove};
use crate::store::rollups::{ActivityHistory, DayRollup, ROLLUP_VERSION, Rebuilt};
use crate::store::{Store, WriteTx};

/// Rebuilds the community's rollups unless they are complete by today's rules.
pub(in crate::engine) async fn rebuild_if_missing(
    store: &Store,
    community_id: i64,
    config: &CommunityConfig,
) -> anyhow::Result<()> {
    if store.read_model().await?.rollup_version(community_id).await? == Some(ROLLUP_VERSION) {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut writer = store.writer().await?;
    let mut tx = WriteTx::begin(&mut writer).await?;
    // Looked at again in the writer's transaction: another process may have
    // rebuilt them meanwhile.
    if tx.reads().rollup_version(community_id).await? == Some(ROLLUP_VERSION) {
        return Ok(());
    }
    let history = tx.reads().activity_history(community_id).await?;
    let days = DayBoundary::new(config.timezone, config.checkin.day_starts_at);
    let rebuilt = count(&history, &days, config.timezone);
    tx.replace_rollups(community_id, &rebuilt).await?;
    tx.commit().await?;
    tracing::info!(
        community = %config.id,
        members = history.members.len(),
        active_days = rebuilt.activity_days.len(),
        took_ms = started.elapsed().as_millis() as u64,
        "rebuilt the dashboard's rollups"
    );
    Ok(())
}

/// The rollups of a whole history, by the rules the write path follows one
/// row at a time.
pub(crate) fn count(history: &ActivityHistory, days: &DayBoundary, timezone: chrono_tz::Tz) -> Rebuilt {
    let joined: HashMap<i64, NaiveDate> = history.members.iter().map(|(id, at)| (*id, days.day_of(*at))).collect();
    let mut active: HashMap<i64, BTreeSet<NaiveDate>> = HashMap::new();
    let mut checkins: HashMap<i64, BTreeSet<NaiveDate>> = HashMap::new();
    let mut mark = |member: i64, day: NaiveDate| {
        if joined.contains_key(&member) {
            active.entry(member).or_default().insert(day);
        }
    };
    let mut day_moves: BTreeMap<NaiveDate, DayMove> = BTreeMap::new();
    let mut hours: BTreeMap<(NaiveDate, u32), i64> = BTreeMap::new();
    for (member, day, at) in &history.checkins {
        mark(*member, *day);
        checkins.entry(*member).or_default().insert(*day);
        day_moves.entry(*day).or_default().checkins += 1;
        *hours.entry((*day, at.with_timezone(&timezone).hour())).or_default() += 1;
    }
    let mut ledger_days: BTreeMap<(NaiveDate, &str), (i64, i64)> = BTreeMap::new();
    for (member, actor, day, kind, delta) in &history.ledger {
        mark(*member, *day);
        if let Some(actor) = actor {
            mark(*actor, *day);
        }
        let count = ledger_days.entry((*day, kind.as_str())).or_default();
        count.0 += 1;
        count.1 += delta;
    }
    for (member, at) in &history.challenge_acts {
        mark(*member, days.day_of(*at));
    }

    let mut rebuilt = Rebuilt::default();
    let mut cohorts: BTreeMap<(NaiveDate, NaiveDate), i64> = BTreeMap::new();
    let none = BTreeSet::new();
    let mut members: Vec<(&i64, &NaiveDate)> = joined.iter().collect();
    members.sort();
    for (member, joined) in members {
        let member_days = active.get(member).unwrap_or(&none);
        let history = rollup::member_history(*joined, member_days);
        for (day, moves) in &history.days {
            day_moves.entry(*day).or_default().add(moves);
        }
        for (day, moves) in rollup::core_history(checkins.get(member).unwrap_or(&none)) {
            day_moves.entry(day).or_default().add(&moves);
        }
        for pair in rollup::cohort_weeks(*joined, member_days) {
            *cohorts.entry(pair).or_default() += 1;
        }
        rebuilt.activity_days.extend(member_days.iter().map(|day| (*member, *day)));
        rebuilt.members.push((
            *member,
            *joined,
            history.member.map(|(last, _)| last),
            history.member.map_or(0, |(_, recent)| recent),
        ));
    }
    rebuilt.days = day_moves.into_iter().map(|(day, moves)| DayRollup { day, moves }).collect();
    rebuilt.hours = hours.into_iter().map(|((day, hour), n)| (day, hour, n)).collect();
    rebuilt.ledger_days =
        ledger_days.into_iter().map(|((day, kind), (rows, points))| (day, kind.to_owned(), rows, points)).collect();
    rebuilt.cohorts = cohorts.into_iter().map(|((cohort, week), n)| (cohort, week, n)).collect();
    rebuilt
}
