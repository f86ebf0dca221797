//! Charts as data: what a chart shows, already worded in the community's
//! language. The engine builds them from the read model; `hearth-charts`
//! draws them (SVG for the dashboard, PNG for the digest post). A chart
//! travels inside a `Reply` (the digest's), so it is kept in the outbox
//! with the post and drawn when the post is delivered.

use serde::{Deserialize, Serialize};

/// One chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Chart {
    /// Values per category along the x axis (days, weeks, buckets), one or
    /// more series drawn over each other.
    Series(SeriesChart),
    /// A grid of counts: rows × columns (weekday × hour).
    Heatmap(HeatmapChart),
}

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Series(chart) => &chart.title,
            Chart::Heatmap(chart) => &chart.title,
        }
    }

    /// The text alternative: what the chart shows, for screen readers and
    /// for platforms that show no image.
    pub fn alt_text(&self) -> &str {
        match self {
            Chart::Series(chart) => &chart.alt,
            Chart::Heatmap(chart) => &chart.alt,
        }
    }

    /// A file name for the chart's image (`digest-2026-03-16.png`), made of
    /// ASCII letters, digits and dashes only.
    pub fn file_stem(&self) -> &str {
        match self {
            Chart::Series(chart) => &chart.file_stem,
            Chart::Heatmap(chart) => &chart.file_stem,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesChart {
    pub title: String,
    pub alt: String,
    pub file_stem: String,
    /// One label per category, in order.
    pub x_labels: Vec<String>,
    pub y_label: String,
    /// Each has one value per x label.
    pub series: Vec<Series>,
    /// The y axis is a percentage (0–100).
    #[serde(default)]
    pub percent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
    pub style: SeriesStyle,
}

/// How a series is drawn; `Faded` styles are the comparison (the week
/// before), drawn lighter behind the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeriesStyle {
    Bars,
    FadedBars,
    Line,
    FadedLine,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapChart {
    pub title: String,
    pub alt: String,
    pub file_stem: String,
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    /// `values[row][column]`.
    pub values: Vec<Vec<u32>>,
}
