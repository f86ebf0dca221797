//! Draws `hearth_bot::chart::Chart`s: SVG for web pages, PNG for posts.
//!
//! Both come from one drawing: plotters lays the chart out on its SVG
//! backend; `document.rs` turns that into a scalable, accessible document
//! whose text and axes take the page's colour (`currentColor`), and
//! `png.rs` rasterises the same document with resvg on a solid background.

mod document;
mod heatmap;
mod layout;
mod palette;
mod png;
mod series;

use hearth_bot::chart::Chart;

pub use png::{Png, Renderer};

/// The chart as an SVG document to inline in an HTML page: `width="100%"`
/// with a `viewBox`, `role="img"`, the alt text as `aria-label` and
/// `<title>`, text and axes in `currentColor`.
pub fn svg(chart: &Chart) -> String {
    document::finish(chart, &drawing(chart), document::Target::Page)
}

/// What plotters drew, before `document::finish`. Drawing into a String
/// cannot fail on I/O; a layout error is logged and leaves an empty chart
/// that still carries its title and alt text.
fn drawing(chart: &Chart) -> Drawing {
    let drawn = match chart {
        Chart::Series(series) => series::draw(series),
        Chart::Heatmap(heatmap) => heatmap::draw(heatmap),
    };
    drawn.unwrap_or_else(|error| {
        tracing::error!(chart = chart.file_stem(), %error, "drawing a chart failed");
        Drawing { body: String::new(), size: (layout::WIDTH, 100) }
    })
}

/// plotters' SVG output and the size it was drawn at.
struct Drawing {
    body: String,
    size: (u32, u32),
}
