//! The scheduler's agenda: every schedule's next due instant in a min-heap,
//! so a wake-up looks at the schedules that are due and at no other.
//!
//! Planned from the stored cursors once (at the first wake-up, after a
//! reload, or for another set of communities) and kept in step after that:
//! a fired schedule is queued again at its next slot after the wake-up.
//! It is only a guide: firing reads each cursor again in its transaction,
//! so a slot another process fired in the meantime is not fired twice.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Served;
use crate::config::{CommunityConfig, ScheduleConfig};
use crate::domain::schedule::next_slot;

/// One schedule on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Entry {
    /// Its first slot after `cursor`: when it is next due.
    pub due: DateTime<Utc>,
    /// Where its cursor stands (slots up to it were looked at).
    pub cursor: DateTime<Utc>,
    /// Its community's index in the config, and its own in the community.
    pub community: usize,
    pub schedule: usize,
}

pub(super) struct Agenda {
    /// The config it was planned for; a reload plans anew.
    served: Arc<Served>,
    /// The community it covers (`None`: all of them).
    only: Option<String>,
    queue: BinaryHeap<Reverse<Entry>>,
}

impl Agenda {
    pub fn new(served: Arc<Served>, only: Option<&str>) -> Agenda {
        Agenda { served, only: only.map(str::to_string), queue: BinaryHeap::new() }
    }

    /// Whether it was planned for this config and these communities.
    pub fn plans(&self, served: &Arc<Served>, only: Option<&str>) -> bool {
        Arc::ptr_eq(&self.served, served) && self.only.as_deref() == only
    }

    /// Queues the schedule at `community`/`schedule` with its cursor at
    /// `cursor`: due at its first slot after it; never, if it has none.
    pub fn queue(&mut self, community: usize, schedule: usize, cursor: DateTime<Utc>) {
        let Some((c, s)) = self.schedule_at(community, schedule) else { return };
        if let Some(slot) = next_slot(&s.cron, c.timezone, cursor) {
            self.queue.push(Reverse(Entry { due: slot.at, cursor, community, schedule }));
        }
    }

    /// Queues `entry` again to be looked at `at` (a firing that failed).
    pub fn retry_at(&mut self, entry: Entry, at: DateTime<Utc>) {
        self.queue.push(Reverse(Entry { due: at, ..entry }));
    }

    /// Takes off every schedule due at `now` or before, earliest first.
    pub fn take_due(&mut self, now: DateTime<Utc>) -> Vec<Entry> {
        let mut due = Vec::new();
        while let Some(Reverse(entry)) = self.queue.peek().copied() {
            if entry.due > now {
                break;
            }
            self.queue.pop();
            due.push(entry);
        }
        due
    }

    /// The next instant a schedule on it is due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.queue.peek().map(|Reverse(entry)| entry.due)
    }

    /// The community and schedule an entry stands for.
    pub fn schedule_at(&self, community: usize, schedule: usize) -> Option<(&CommunityConfig, &ScheduleConfig)> {
        let c = self.served.config.communities.get(community)?;
        Some((c, c.schedules.get(schedule)?))
    }

    pub fn served(&self) -> &Arc<Served> {
        &self.served
    }
}
