//! `HEARTH_DISCORD_SHARDS=first-last/total`: the gateway shards one process
//! runs, so that several hearth processes can share a bot's shards, and how
//! long a process waits before its first IDENTIFY so that processes started
//! together stay within Discord's identify limit.

use std::fmt;
use std::ops::Range;
use std::time::Duration;

/// Shards `first..=last` of `total`; `first <= last < total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    first: u32,
    last: u32,
    total: u32,
}

/// A `HEARTH_DISCORD_SHARDS` value that is not `first-last/total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadShardRange {
    value: String,
}

impl BadShardRange {
    pub fn new(value: impl Into<String>) -> BadShardRange {
        BadShardRange { value: value.into() }
    }
}

impl fmt::Display for BadShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HEARTH_DISCORD_SHARDS {:?}: expected first-last/total in ASCII digits with first <= last < total, \
             e.g. 0-3/8",
            self.value
        )
    }
}

impl std::error::Error for BadShardRange {}

/// serenity 0.12.5 starts one shard at a time, 5 s apart
/// (`WAIT_BETWEEN_BOOTS_IN_SECONDS` in `src/gateway/bridge/shard_queuer.rs`),
/// and counts those 5 s from when the previous shard's connection was open;
/// a slot of 6 s leaves a second per shard for that connection.
const IDENTIFY_SLOT: Duration = Duration::from_secs(6);

impl ShardRange {
    /// `first-last/total`, e.g. `0-3/8`: ASCII digits only, no signs, no spaces.
    pub fn parse(text: &str) -> Result<ShardRange, BadShardRange> {
        let bad = || BadShardRange::new(text);
        let (range, total) = text.split_once('/').ok_or_else(bad)?;
        let (first, last) = range.split_once('-').ok_or_else(bad)?;
        match (number(first), number(last), number(total)) {
            (Some(first), Some(last), Some(total)) if first <= last && last < total => {
                Ok(ShardRange { first, last, total })
            }
            _ => Err(bad()),
        }
    }

    /// Every shard of `total` (at least one): one process runs them all.
    pub fn all(total: u32) -> ShardRange {
        let total = total.max(1);
        ShardRange { first: 0, last: total - 1, total }
    }

    pub fn first(&self) -> u32 {
        self.first
    }

    pub fn last(&self) -> u32 {
        self.last
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    /// The range `Client::start_shard_range` takes. serenity 0.12.5 reads its
    /// end as the last shard, included (`start_connection(range.start,
    /// range.end, total)`, which starts `end - start + 1` shards, in
    /// `src/client/mod.rs`), so `0-0/2` is `0..0`: shard 0 alone.
    pub fn serenity_range(&self) -> Range<u32> {
        self.first..self.last
    }

    /// How long this process waits before it starts its shards: one slot
    /// per shard before its first, so that processes started together
    /// identify one shard after another, as one process would.
    ///
    /// Discord allows `max_concurrency` IDENTIFYs per 5 s (one per bucket,
    /// shard `s` being in bucket `s % max_concurrency`; `GET /gateway/bot`
    /// says how many). serenity 0.12.5 never reads `max_concurrency`: a
    /// process starts its shards one per 5 s, within the limit for any
    /// `max_concurrency` but only for itself. Processes cannot use more
    /// buckets without talking to each other: each one's 5 s steps stretch
    /// by its own connection times, so two that run side by side drift
    /// into the same bucket within 5 s. With `max_concurrency` 1 (every bot
    /// under 150,000 guilds) one after another is the only safe order
    /// anyway. A process restarted alone waits the same and meets no one;
    /// if two restarts overlap, Discord invalidates the later session and
    /// serenity identifies it again.
    pub fn identify_delay(&self) -> Duration {
        IDENTIFY_SLOT * self.first
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

/// A non-negative number in ASCII digits (`u32::from_str` would take a `+`).
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_last_of_total_parses() {
        let range = ShardRange::parse("0-3/8").expect("0-3/8");
        assert_eq!((range.first(), range.last(), range.total()), (0, 3, 8));
        assert_eq!(range.to_string(), "0-3/8");
        assert_eq!(ShardRange::parse("4-7/8").map(|r| (r.first(), r.last())), Ok((4, 7)));
        assert_eq!(ShardRange::parse("0-0/1").map(|r| r.total()), Ok(1));
        assert_eq!(ShardRange::parse("7-7/8").map(|r| r.last()), Ok(7));
    }

    #[test]
    fn anything_else_is_refused_with_the_expected_form() {
        for bad in [
            "3-0/8",    // first after last
            "0-8/8",    // last not below total
            "a-b/c",    // not numbers
            "0-3",      // no total
            "",         // nothing
            "0-3/0",    // no shards at all
            "０-３/８", // full-width digits
            "0-3/８",
            " 0-3/8", // spaces
            "0-3/8 ",
            "0 - 3 / 8",
            "0-3/ 8",
            "+0-3/8", // signs
            "-1-3/8",
            "0-3/8/9", // extra parts
            "0-1-3/8",
            "0-3/99999999999", // past u32
            "3/8",
            "-/",
        ] {
            let error = ShardRange::parse(bad).expect_err(bad);
            let message = error.to_string();
            assert!(message.contains("expected first-last/total"), "{bad:?}: {message}");
            assert!(message.contains("e.g. 0-3/8") && !message.contains('\n'), "{bad:?}: {message}");
            assert!(message.contains(&format!("{bad:?}")), "{bad:?}: {message}");
        }
    }

    #[test]
    fn serenity_gets_the_last_shard_as_the_range_end() {
        // serenity's end is inclusive: `0..0` starts shard 0 alone.
        assert_eq!(ShardRange::parse("0-0/2").map(|r| (r.serenity_range(), r.total())), Ok((0..0, 2)));
        assert_eq!(ShardRange::parse("4-7/8").map(|r| (r.serenity_range(), r.total())), Ok((4..7, 8)));
        let all = ShardRange::all(3);
        assert_eq!((all.serenity_range(), all.total()), (0..2, 3));
        assert_eq!(ShardRange::all(0), ShardRange::all(1));
    }

    #[test]
    fn a_process_waits_one_slot_per_shard_before_its_first() {
        let delay = |text: &str| ShardRange::parse(text).map(|r| r.identify_delay());
        assert_eq!(delay("0-3/8"), Ok(Duration::ZERO));
        assert_eq!(delay("4-7/8"), Ok(IDENTIFY_SLOT * 4));
        assert_eq!(ShardRange::all(8).identify_delay(), Duration::ZERO);
    }

    /// Processes started together, each starting its shards 5 s plus up to
    /// 0.9 s of connection apart (as serenity does): any two IDENTIFYs are
    /// 5 s apart or more, for every split of 12 shards into up to three
    /// ranges.
    #[test]
    fn processes_started_together_identify_at_least_5_s_apart() {
        let total = 12;
        let mut splits: Vec<Vec<ShardRange>> = Vec::new();
        for a in 0..total - 1 {
            splits.push(vec![range(0, a, total), range(a + 1, total - 1, total)]);
            for b in a + 1..total - 1 {
                splits.push(vec![range(0, a, total), range(a + 1, b, total), range(b + 1, total - 1, total)]);
            }
        }
        for connect in [Duration::ZERO, Duration::from_millis(900)] {
            for split in &splits {
                let mut at: Vec<Duration> = split
                    .iter()
                    .flat_map(|p| {
                        let start = p.identify_delay();
                        (0..=p.last() - p.first()).map(move |i| start + (Duration::from_secs(5) + connect) * i)
                    })
                    .collect();
                at.sort();
                assert!(at.windows(2).all(|w| w[1] - w[0] >= Duration::from_secs(5)), "{split:?}: {at:?}");
            }
        }
    }

    fn range(first: u32, last: u32, total: u32) -> ShardRange {
        ShardRange { first, last, total }
    }
}
