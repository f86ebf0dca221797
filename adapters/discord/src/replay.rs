//! What keeps a signed interaction from counting twice: its signature
//! timestamp must be recent, and its id must be new.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

/// How old a signature timestamp may be (Discord sends the POST at once).
pub const MAX_AGE_SECS: i64 = 5 * 60;
/// How far ahead of this machine's clock a timestamp may be (clock skew).
pub const MAX_AHEAD_SECS: i64 = 60;
/// How long an interaction id is remembered: twice the timestamp window,
/// so a replay within it is recognised by its id as well.
const REMEMBER_FOR: Duration = Duration::from_secs(10 * 60);
/// The most ids remembered at once; past it the oldest are forgotten.
const REMEMBER_AT_MOST: usize = 10_000;

/// Whether `timestamp` (the `X-Signature-Timestamp` header, Unix seconds)
/// is a number within the window around `now`.
pub fn timestamp_is_fresh(timestamp: &str, now: i64) -> bool {
    if timestamp.is_empty() || timestamp.len() > 18 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(at) = timestamp.parse::<i64>() else {
        return false;
    };
    at <= now + MAX_AHEAD_SECS && now - at <= MAX_AGE_SECS
}

/// This machine's clock in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(i64::MAX))
}

/// Interaction ids seen lately, over HTTP and the gateway alike.
#[derive(Default)]
pub struct RecentIds {
    order: VecDeque<(u64, Instant)>,
    seen: HashSet<u64>,
}

impl RecentIds {
    /// True the first time `id` is offered; false while it is remembered.
    pub fn first_sighting(&mut self, id: u64, now: Instant) -> bool {
        while let Some(&(old, at)) = self.order.front() {
            if now.duration_since(at) < REMEMBER_FOR && self.order.len() < REMEMBER_AT_MOST {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&old);
        }
        if !self.seen.insert(id) {
            return false;
        }
        self.order.push_back((id, now));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_recent_number_is_a_fresh_timestamp() {
        let now = 1_800_000_000;
        assert!(timestamp_is_fresh("1800000000", now));
        assert!(timestamp_is_fresh(&(now - MAX_AGE_SECS).to_string(), now));
        assert!(timestamp_is_fresh(&(now + MAX_AHEAD_SECS).to_string(), now));
        for stale in ["1797408000", "0", "abc", "", "+1800000000", "-5", "1800000000.5", "99999999999999999999"] {
            assert!(!timestamp_is_fresh(stale, now), "{stale:?}");
        }
        assert!(!timestamp_is_fresh(&(now - MAX_AGE_SECS - 1).to_string(), now));
        assert!(!timestamp_is_fresh(&(now + MAX_AHEAD_SECS + 1).to_string(), now));
    }

    #[test]
    fn an_id_counts_once_while_remembered_and_memory_stays_bounded() {
        let mut recent = RecentIds::default();
        let start = Instant::now();
        assert!(recent.first_sighting(1, start));
        assert!(!recent.first_sighting(1, start + Duration::from_secs(60)));
        // Forgotten after the window.
        assert!(recent.first_sighting(1, start + REMEMBER_FOR + Duration::from_secs(1)));
        for id in 0..(REMEMBER_AT_MOST as u64 * 2) {
            recent.first_sighting(1000 + id, start + REMEMBER_FOR * 2);
        }
        assert!(recent.order.len() <= REMEMBER_AT_MOST && recent.seen.len() <= REMEMBER_AT_MOST);
    }
}
