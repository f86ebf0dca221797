//! Series charts: values per category, bars side by side in each
//! category, lines over them, the comparison series faded.

use hearth_bot::chart::{SeriesChart, SeriesStyle};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::Drawing;
use crate::layout::{self, FONT, LABEL_SIZE, TITLE_SIZE, WIDTH};
use crate::palette::{self, FADED, INK};

const HEIGHT: u32 = 500;
/// The x axis counts in hundredths of a category (plotters formats only
/// integer axes with key points of our choosing); category i is at i × 100.
const UNIT: i32 = 100;
/// Of each category's width, what its bars share.
const BAR_GROUP: i32 = 80;
const SWATCH: i32 = 18;
const LEGEND_ROW: i32 = 28;
/// Room left and right of the plot: the y labels and a margin.
const Y_LABEL_AREA: u32 = 84;
const RIGHT_MARGIN: u32 = 24;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Failure = Box<dyn std::error::Error + Send + Sync>;

pub fn draw(chart: &SeriesChart) -> Result<Drawing, Failure> {
    let legend = legend_entries(chart);
    let rows = legend_rows(&legend);
    let header = 52 + LEGEND_ROW * rows.len() as i32;
    let mut body = String::new();
    {
        let root = SVGBackend::with_string(&mut body, (WIDTH, HEIGHT)).into_drawing_area();
        let (top, plot) = root.split_vertically(header);
        draw_header(&top, &chart.title, &rows)?;
        draw_plot(&plot, chart)?;
        root.present()?;
    }
    Ok(Drawing { body, size: (WIDTH, HEIGHT) })
}

#[derive(Clone)]
struct LegendEntry<'a> {
    name: &'a str,
    style: SeriesStyle,
    color: RGBColor,
}

/// Each series with the colour it is drawn in: the nth bar series of a
/// kind (main or faded) in the nth bar colour, lines likewise.
fn legend_entries(chart: &SeriesChart) -> Vec<LegendEntry<'_>> {
    let mut seen = [0usize; 4];
    chart
        .series
        .iter()
        .map(|series| {
            let kind = match series.style {
                SeriesStyle::Bars => 0,
                SeriesStyle::FadedBars => 1,
                SeriesStyle::Line => 2,
                SeriesStyle::FadedLine => 3,
            };
            let nth = seen[kind];
            seen[kind] += 1;
            let color = if kind < 2 { palette::bar(nth) } else { palette::line(nth) };
            LegendEntry { name: &series.name, style: series.style, color }
        })
        .collect()
}

/// The legend's entries in rows that fit the width.
fn legend_rows<'a>(entries: &[LegendEntry<'a>]) -> Vec<Vec<(i32, LegendEntry<'a>)>> {
    let mut rows: Vec<Vec<(i32, LegendEntry<'a>)>> = vec![Vec::new()];
    let mut x = 16;
    for entry in entries {
        let width = SWATCH + 8 + layout::text_width(entry.name, LABEL_SIZE).ceil() as i32 + 28;
        if x + width > WIDTH as i32 - 16 && x > 16 {
            rows.push(Vec::new());
            x = 16;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, entry.clone()));
        }
        x += width;
    }
    rows
}

fn draw_header(area: &Area<'_>, title: &str, rows: &[Vec<(i32, LegendEntry<'_>)>]) -> Result<(), Failure> {
    area.draw(&Text::new(title, (16, 12), (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold).color(&INK)))?;
    let label = (FONT, LABEL_SIZE).into_font().color(&INK);
    for (row_index, row) in rows.iter().enumerate() {
        let y = 52 + LEGEND_ROW * row_index as i32;
        for (x, entry) in row {
            let (x, mid) = (*x, y + SWATCH / 2);
            match entry.style {
                SeriesStyle::Bars => {
                    area.draw(&Rectangle::new([(x, y), (x + SWATCH, y + SWATCH)], entry.color.filled()))?
                }
                SeriesStyle::FadedBars => {
                    area.draw(&Rectangle::new([(x, y), (x + SWATCH, y + SWATCH)], entry.color.mix(FADED).filled()))?
                }
                SeriesStyle::Line => {
                    area.draw(&PathElement::new(vec![(x, mid), (x + SWATCH, mid)], entry.color.stroke_width(3)))?
                }
                SeriesStyle::FadedLine => area.draw(&PathElement::new(
                    vec![(x, mid), (x + SWATCH, mid)],
                    entry.color.mix(FADED + 0.12).stroke_width(2),
                ))?,
            }
            area.draw(&Text::new(entry.name, (x + SWATCH + 8, y), label.clone()))?;
        }
    }
    Ok(())
}

fn draw_plot(area: &Area<'_>, chart: &SeriesChart) -> Result<(), Failure> {
    let categories = chart.x_labels.len().max(1);
    let (top, step) = if chart.percent {
        (100.0, 20.0)
    } else {
        let largest =
            chart.series.iter().flat_map(|s| s.values.iter().copied()).filter(|v| v.is_finite()).fold(0.0, f64::max);
        layout::count_axis(largest)
    };
    let room = f64::from(WIDTH - Y_LABEL_AREA - RIGHT_MARGIN);
    let every = layout::label_every(&chart.x_labels, LABEL_SIZE, room);
    let x_keys: Vec<i32> = (0..chart.x_labels.len()).step_by(every).map(|i| i as i32 * UNIT).collect();
    let y_labels = (top / step).round() as usize + 1;

    let mut plot = ChartBuilder::on(area)
        .margin_right(RIGHT_MARGIN)
        .margin_bottom(8)
        .x_label_area_size(44)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d((-UNIT / 2..categories as i32 * UNIT - UNIT / 2).with_key_points(x_keys), 0.0..top)?;
    let label = (FONT, LABEL_SIZE).into_font().color(&INK);
    let x_label = |x: &i32| chart.x_labels.get((*x / UNIT).max(0) as usize).cloned().unwrap_or_default();
    let y_label =
        |y: &f64| if chart.percent { format!("{}%", layout::axis_number(*y)) } else { layout::axis_number(*y) };
    plot.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .y_labels(y_labels)
        .bold_line_style(INK.mix(0.14))
        .axis_style(INK.mix(0.55))
        .label_style(label.clone())
        .axis_desc_style(label)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .y_desc(&chart.y_label)
        .draw()?;

    let entries = legend_entries(chart);
    let bar_series = chart.series.iter().filter(|s| is_bars(s.style)).count().max(1);
    let bar_width = BAR_GROUP / bar_series as i32;
    let mut bar_slot = 0;
    for (series, entry) in chart.series.iter().zip(&entries) {
        let values = series
            .values
            .iter()
            .take(chart.x_labels.len())
            .enumerate()
            .map(|(i, v)| (i as i32 * UNIT, v.clamp(0.0, top)));
        match series.style {
            SeriesStyle::Bars | SeriesStyle::FadedBars => {
                let fill =
                    if series.style == SeriesStyle::FadedBars { entry.color.mix(FADED) } else { entry.color.mix(1.0) };
                let left_of = |x: i32| x - BAR_GROUP / 2 + bar_width * bar_slot;
                // A bar of 0 has no height: drawn, it would only make the
                // image renderer warn about an empty rectangle.
                plot.draw_series(values.filter(|(_, v)| *v > 0.0).map(|(x, v)| {
                    Rectangle::new([(left_of(x) + 2, 0.0), (left_of(x) + bar_width - 2, v)], fill.filled())
                }))?;
                bar_slot += 1;
            }
            SeriesStyle::Line => {
                let points: Vec<(i32, f64)> = values.collect();
                plot.draw_series(LineSeries::new(points.clone(), entry.color.stroke_width(3)))?;
                plot.draw_series(points.into_iter().map(|p| Circle::new(p, 4, entry.color.filled())))?;
            }
            SeriesStyle::FadedLine => {
                plot.draw_series(LineSeries::new(values, entry.color.mix(FADED + 0.12).stroke_width(2)))?;
            }
        }
    }
    Ok(())
}

fn is_bars(style: SeriesStyle) -> bool {
    matches!(style, SeriesStyle::Bars | SeriesStyle::FadedBars)
}
