//! The dashboard's charts as `Chart` values, worded from the catalog;
//! `hearth_charts::svg` draws them.

use hearth_bot::chart::{Chart, HeatmapChart, Series, SeriesChart, SeriesStyle};
use hearth_bot::engine::web::Dashboard;
use hearth_bot::i18n::Arg;

use crate::cells::Words;
use crate::tables::{TableName, bucket_label};

/// One chart of the dashboard, with the table that holds its figures.
pub struct DashboardChart {
    /// The page's anchor for it.
    pub id: &'static str,
    pub chart: Chart,
    pub table: TableName,
}

/// Every chart of the dashboard, in page order.
pub fn dashboard_charts(dashboard: &Dashboard, words: &Words) -> Vec<DashboardChart> {
    let chart = |id, chart, table| DashboardChart { id, chart, table };
    vec![
        chart("activity", activity(dashboard, words), TableName::Days),
        chart("checkin-rate", checkin_rate(dashboard, words), TableName::Days),
        chart("segments", segments(dashboard, words), TableName::Segments),
        chart("streaks", streaks(dashboard, words), TableName::Streaks),
        chart("heatmap", heatmap(dashboard, words), TableName::Heatmap),
        chart("challenges", challenges(dashboard, words), TableName::Challenges),
    ]
}

fn series(words: &Words, name_key: &str, values: Vec<f64>, style: SeriesStyle) -> Series {
    Series { name: words.text(name_key), values, style }
}

fn stem(name: &str, dashboard: &Dashboard) -> String {
    format!("{name}-{}-{}", dashboard.first_day.format("%Y-%m-%d"), dashboard.range.days())
}

fn span_args(dashboard: &Dashboard, words: &Words) -> [(&'static str, Arg); 2] {
    [("first", words.date(dashboard.first_day).into()), ("last", words.date(dashboard.last_day).into())]
}

#[allow(clippy::cast_precision_loss)] // counts of members and check-ins stay far below 2^53
fn figure(n: i64) -> f64 {
    n as f64
}

fn activity(dashboard: &Dashboard, words: &Words) -> Chart {
    let checkins: i64 = dashboard.days.iter().map(|day| day.checkins).sum();
    let peak = dashboard.days.iter().map(|day| day.active).max().unwrap_or(0);
    let [first, last] = span_args(dashboard, words);
    Chart::Series(SeriesChart {
        title: words.text("web-chart-activity-title"),
        alt: words.fmt("web-chart-activity-alt", &[first, last, ("checkins", checkins.into()), ("peak", peak.into())]),
        file_stem: stem("activity", dashboard),
        x_labels: dashboard.days.iter().map(|day| words.day_short(day.day)).collect(),
        y_label: words.text("web-axis-members"),
        series: vec![
            series(
                words,
                "web-series-checkins",
                dashboard.days.iter().map(|d| figure(d.checkins)).collect(),
                SeriesStyle::Bars,
            ),
            series(
                words,
                "web-series-active",
                dashboard.days.iter().map(|d| figure(d.active)).collect(),
                SeriesStyle::Line,
            ),
        ],
        percent: false,
    })
}

fn checkin_rate(dashboard: &Dashboard, words: &Words) -> Chart {
    let rates: Vec<i64> = dashboard.days.iter().map(|day| day.checkin_rate_percent).collect();
    let low = rates.iter().copied().min().unwrap_or(0);
    let high = rates.iter().copied().max().unwrap_or(0);
    let count = i64::try_from(rates.len()).unwrap_or(i64::MAX).max(1);
    let average = (rates.iter().sum::<i64>() * 2 + count) / (count * 2);
    let [first, last] = span_args(dashboard, words);
    Chart::Series(SeriesChart {
        title: words.text("web-chart-rate-title"),
        alt: words.fmt(
            "web-chart-rate-alt",
            &[first, last, ("low", low.into()), ("high", high.into()), ("average", average.into())],
        ),
        file_stem: stem("checkin-rate", dashboard),
        x_labels: dashboard.days.iter().map(|day| words.day_short(day.day)).collect(),
        y_label: words.text("web-axis-percent"),
        series: vec![series(words, "web-series-rate", rates.iter().map(|&r| figure(r)).collect(), SeriesStyle::Line)],
        percent: true,
    })
}

fn segments(dashboard: &Dashboard, words: &Words) -> Chart {
    let last = dashboard.segments.last();
    let count = |pick: fn(&hearth_bot::engine::web::SegmentsAt) -> i64| last.map_or(0, pick);
    let points = |pick: fn(&hearth_bot::engine::web::SegmentsAt) -> i64| {
        dashboard.segments.iter().map(|at| figure(pick(at))).collect::<Vec<f64>>()
    };
    Chart::Series(SeriesChart {
        title: words.text("web-chart-segments-title"),
        alt: words.fmt(
            "web-chart-segments-alt",
            &[
                ("core", count(|at| at.core).into()),
                ("casual", count(|at| at.casual).into()),
                ("dormant", count(|at| at.dormant).into()),
            ],
        ),
        file_stem: stem("segments", dashboard),
        x_labels: dashboard.segments.iter().map(|at| words.day_short(at.day)).collect(),
        y_label: words.text("web-axis-members"),
        series: vec![
            series(words, "web-series-core", points(|at| at.core), SeriesStyle::Line),
            series(words, "web-series-casual", points(|at| at.casual), SeriesStyle::Line),
            series(words, "web-series-dormant", points(|at| at.dormant), SeriesStyle::Line),
        ],
        percent: false,
    })
}

fn streaks(dashboard: &Dashboard, words: &Words) -> Chart {
    let members: i64 = dashboard.streaks.iter().map(|bucket| bucket.members).sum();
    // The first of the largest buckets, so the sentence is stable on ties.
    let largest = dashboard.streaks.iter().rev().max_by_key(|bucket| bucket.members);
    Chart::Series(SeriesChart {
        title: words.text("web-chart-streaks-title"),
        alt: words.fmt(
            "web-chart-streaks-alt",
            &[
                ("members", members.into()),
                ("most", largest.map_or(0, |bucket| bucket.members).into()),
                ("bucket", largest.map(bucket_label).unwrap_or_default().into()),
            ],
        ),
        file_stem: stem("streaks", dashboard),
        x_labels: dashboard.streaks.iter().map(bucket_label).collect(),
        y_label: words.text("web-axis-members"),
        series: vec![series(
            words,
            "web-col-members",
            dashboard.streaks.iter().map(|bucket| figure(bucket.members)).collect(),
            SeriesStyle::Bars,
        )],
        percent: false,
    })
}

fn heatmap(dashboard: &Dashboard, words: &Words) -> Chart {
    let busiest = dashboard
        .heatmap
        .iter()
        .enumerate()
        .flat_map(|(weekday, hours)| hours.iter().enumerate().map(move |(hour, &count)| (count, weekday, hour)))
        .filter(|(count, _, _)| *count > 0)
        // Most check-ins first; the earliest slot on ties.
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(&a.2)));
    let alt = match busiest {
        Some((count, weekday, hour)) => words.fmt(
            "web-chart-heatmap-alt",
            &[("weekday", words.weekday(weekday).into()), ("hour", hour.into()), ("count", count.into())],
        ),
        None => words.text("web-chart-heatmap-alt-empty"),
    };
    Chart::Heatmap(HeatmapChart {
        title: words.text("web-chart-heatmap-title"),
        alt,
        file_stem: stem("heatmap", dashboard),
        row_labels: (0..7).map(|weekday| words.weekday(weekday)).collect(),
        column_labels: (0..24).map(|hour| format!("{hour:02}")).collect(),
        values: dashboard.heatmap.iter().map(|hours| hours.to_vec()).collect(),
    })
}

fn challenges(dashboard: &Dashboard, words: &Words) -> Chart {
    let entries: i64 = dashboard.challenges.iter().map(|week| week.entries).sum();
    let voters: i64 = dashboard.challenges.iter().map(|week| week.voters).sum();
    Chart::Series(SeriesChart {
        title: words.text("web-chart-challenges-title"),
        alt: words.fmt(
            "web-chart-challenges-alt",
            &[("entries", entries.into()), ("voters", voters.into()), ("weeks", dashboard.challenges.len().into())],
        ),
        file_stem: stem("challenges", dashboard),
        x_labels: dashboard.challenges.iter().map(|week| words.day_short(week.week)).collect(),
        y_label: words.text("web-axis-members"),
        series: vec![
            series(
                words,
                "web-series-entries",
                dashboard.challenges.iter().map(|w| figure(w.entries)).collect(),
                SeriesStyle::Bars,
            ),
            series(
                words,
                "web-series-voters",
                dashboard.challenges.iter().map(|w| figure(w.voters)).collect(),
                SeriesStyle::Line,
            ),
        ],
        percent: false,
    })
}
