//! The dashboard's tables, built once from the engine's figures: shown
//! under their charts and downloadable as CSV, cell for cell the same.

use hearth_bot::engine::web::{AuditRow, Dashboard, StreakBucket};
use hearth_bot::i18n::Arg;

use crate::cells::{Cell, Words, percent_of};

/// Weeks after a cohort's own that the retention table shows.
const COHORT_WEEKS: usize = 8;

/// The tables a dashboard can download, by their CSV file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableName {
    Days,
    Cohorts,
    Segments,
    Streaks,
    Heatmap,
    Topics,
    Challenges,
    AtRisk,
    Ledger,
}

impl TableName {
    pub const ALL: [TableName; 9] = [
        TableName::Days,
        TableName::Cohorts,
        TableName::Segments,
        TableName::Streaks,
        TableName::Heatmap,
        TableName::Topics,
        TableName::Challenges,
        TableName::AtRisk,
        TableName::Ledger,
    ];

    pub fn file_stem(self) -> &'static str {
        match self {
            TableName::Days => "days",
            TableName::Cohorts => "cohorts",
            TableName::Segments => "segments",
            TableName::Streaks => "streaks",
            TableName::Heatmap => "heatmap",
            TableName::Topics => "topics",
            TableName::Challenges => "challenges",
            TableName::AtRisk => "at-risk",
            TableName::Ledger => "ledger",
        }
    }

    /// `days.csv` → `Days`; anything else is no table.
    pub fn from_file(file: &str) -> Option<TableName> {
        let stem = file.strip_suffix(".csv")?;
        TableName::ALL.into_iter().find(|table| table.file_stem() == stem)
    }
}

/// Column headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    fn new(words: &Words, header_keys: &[&str]) -> Table {
        Table { headers: header_keys.iter().map(|key| words.text(key)).collect(), rows: Vec::new() }
    }
}

/// A dashboard table (every one but the ledger, which is paged apart).
pub fn dashboard_table(name: TableName, dashboard: &Dashboard, words: &Words) -> Table {
    match name {
        TableName::Days => days(dashboard, words),
        TableName::Cohorts => cohorts(dashboard, words),
        TableName::Segments => segments(dashboard, words),
        TableName::Streaks => streaks(dashboard, words),
        TableName::Heatmap => heatmap(dashboard, words),
        TableName::Topics => topics(dashboard, words),
        TableName::Challenges => challenges(dashboard, words),
        TableName::AtRisk => at_risk(dashboard, words),
        TableName::Ledger => ledger(&[], words),
    }
}

fn days(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table =
        Table::new(words, &["web-col-day", "web-col-checkins", "web-col-active", "web-col-members", "web-col-rate"]);
    table.rows = dashboard
        .days
        .iter()
        .map(|day| {
            vec![
                Cell::Day(day.day),
                Cell::Number(day.checkins),
                Cell::Number(day.active),
                Cell::Number(day.members),
                Cell::Percent(day.checkin_rate_percent),
            ]
        })
        .collect();
    table
}

fn cohorts(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-week", "web-col-cohort-size"]);
    table.headers.extend((1..=COHORT_WEEKS).map(|n| words.fmt("web-col-week-after", &[("n", Arg::from(n))])));
    table.rows = dashboard
        .cohorts
        .iter()
        .map(|cohort| {
            let mut row = vec![Cell::Day(cohort.week), Cell::Number(cohort.size)];
            // A week with no newcomers has no share to show.
            row.extend((0..COHORT_WEEKS).map(|week| match cohort.retained.get(week) {
                Some(&kept) if cohort.size > 0 => Cell::Percent(percent_of(kept, cohort.size)),
                _ => Cell::Missing,
            }));
            row
        })
        .collect();
    table
}

fn segments(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-day", "web-col-core", "web-col-casual", "web-col-dormant"]);
    table.rows = dashboard
        .segments
        .iter()
        .map(|at| vec![Cell::Day(at.day), Cell::Number(at.core), Cell::Number(at.casual), Cell::Number(at.dormant)])
        .collect();
    table
}

/// `0`, `1–6`, `30+`: a streak bucket's days.
pub fn bucket_label(bucket: &StreakBucket) -> String {
    if bucket.highest == u32::MAX {
        format!("{}+", bucket.lowest)
    } else if bucket.highest == bucket.lowest {
        bucket.lowest.to_string()
    } else {
        format!("{}–{}", bucket.lowest, bucket.highest)
    }
}

fn streaks(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-streak", "web-col-members"]);
    table.rows = dashboard
        .streaks
        .iter()
        .map(|bucket| vec![Cell::Text(bucket_label(bucket)), Cell::Number(bucket.members)])
        .collect();
    table
}

fn heatmap(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-weekday"]);
    table.headers.extend((0..24).map(|hour| format!("{hour:02}")));
    table.rows = dashboard
        .heatmap
        .iter()
        .enumerate()
        .map(|(weekday, hours)| {
            let mut row = vec![Cell::Text(words.weekday(weekday))];
            row.extend(hours.iter().map(|&count| Cell::Number(i64::from(count))));
            row
        })
        .collect();
    table
}

fn topics(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-posted", "web-col-topic", "web-col-replies"]);
    table.rows = dashboard
        .topics
        .iter()
        .map(|topic| vec![Cell::Time(topic.posted_at), Cell::Text(topic.text.clone()), Cell::Number(topic.replies)])
        .collect();
    table
}

fn challenges(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table = Table::new(words, &["web-col-week", "web-col-entries", "web-col-voters"]);
    table.rows = dashboard
        .challenges
        .iter()
        .map(|week| vec![Cell::Day(week.week), Cell::Number(week.entries), Cell::Number(week.voters)])
        .collect();
    table
}

fn at_risk(dashboard: &Dashboard, words: &Words) -> Table {
    let mut table =
        Table::new(words, &["web-col-member", "web-col-last-active", "web-col-streak", "web-col-checkins-before"]);
    table.rows = dashboard
        .at_risk
        .iter()
        .map(|member| {
            vec![
                Cell::Text(member.name.clone()),
                Cell::Day(member.last_active),
                Cell::Number(i64::from(member.streak)),
                Cell::Number(member.checkins_before),
            ]
        })
        .collect();
    table
}

/// Ledger audit rows: who received what, and who or what caused it.
pub fn ledger(rows: &[AuditRow], words: &Words) -> Table {
    let mut table = Table::new(
        words,
        &["web-col-at", "web-col-member", "web-col-delta", "web-col-kind", "web-col-reason", "web-col-actor"],
    );
    table.rows = rows.iter().map(|row| ledger_row(row, words)).collect();
    table
}

fn ledger_row(row: &AuditRow, words: &Words) -> Vec<Cell> {
    vec![
        Cell::Time(row.at),
        Cell::Text(row.member.clone()),
        Cell::Number(row.delta),
        Cell::Text(words.kind(&row.kind)),
        Cell::Text(row.reason.clone()),
        Cell::Text(row.actor.clone().unwrap_or_else(|| words.text("web-actor-rule"))),
    ]
}

/// A table on a page: it scrolls sideways on a phone instead of
/// squeezing its columns.
pub fn markup(table: &Table, words: &Words, caption: Option<&str>) -> maud::Markup {
    maud::html! {
        div.table-scroll {
            table {
                @if let Some(caption) = caption { caption { (caption) } }
                thead { tr { @for header in &table.headers { th scope="col" { (header) } } } }
                tbody {
                    @for row in &table.rows {
                        tr {
                            @for (column, cell) in row.iter().enumerate() {
                                @if column == 0 {
                                    th scope="row" { (cell.shown(words)) }
                                } @else if cell.is_numeric() {
                                    td.number { (cell.shown(words)) }
                                } @else {
                                    td { (cell.shown(words)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_file_name_that_reads_back() {
        for table in TableName::ALL {
            assert_eq!(TableName::from_file(&format!("{}.csv", table.file_stem())), Some(table));
        }
        assert_eq!(TableName::from_file("days"), None);
        assert_eq!(TableName::from_file("../days.csv"), None);
        assert_eq!(TableName::from_file("at_risk.csv"), None);
    }

    #[test]
    fn streak_buckets_are_labelled_by_their_days() {
        let bucket = |lowest, highest| StreakBucket { lowest, highest, members: 0 };
        assert_eq!(bucket_label(&bucket(0, 0)), "0");
        assert_eq!(bucket_label(&bucket(1, 6)), "1–6");
        assert_eq!(bucket_label(&bucket(30, u32::MAX)), "30+");
    }
}
