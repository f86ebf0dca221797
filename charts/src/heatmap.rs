//! Heatmaps: a grid of counts (weekday × hour), each cell coloured by its
//! count and, when it has any, labelled with it; a scale underneath.

use hearth_bot::chart::HeatmapChart;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::Drawing;
use crate::layout::{self, FONT, LABEL_SIZE, SMALL_SIZE, TITLE_SIZE, WIDTH};
use crate::palette::{self, INK};

const HEADER: u32 = 56;
const ROW_HEIGHT: u32 = 40;
const X_LABEL_AREA: u32 = 36;
const Y_LABEL_AREA: u32 = 84;
const RIGHT_MARGIN: u32 = 24;
const SCALE: u32 = 56;
const SCALE_STEPS: u32 = 5;
/// Both axes count in hundredths of a cell (plotters formats only integer
/// axes with key points of our choosing).
const UNIT: i32 = 100;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Failure = Box<dyn std::error::Error + Send + Sync>;

pub fn draw(chart: &HeatmapChart) -> Result<Drawing, Failure> {
    let rows = chart.row_labels.len().max(1);
    let height = HEADER + ROW_HEIGHT * rows as u32 + X_LABEL_AREA + 8 + SCALE;
    let largest = chart.values.iter().flatten().copied().max().unwrap_or(0);
    let mut body = String::new();
    {
        let root = SVGBackend::with_string(&mut body, (WIDTH, height)).into_drawing_area();
        let (top, rest) = root.split_vertically(HEADER);
        let (grid, scale) = rest.split_vertically(height - HEADER - SCALE);
        top.draw(&Text::new(
            chart.title.as_str(),
            (16, 12),
            (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold).color(&INK),
        ))?;
        draw_grid(&grid, chart, largest)?;
        draw_scale(&scale, largest)?;
        root.present()?;
    }
    Ok(Drawing { body, size: (WIDTH, height) })
}

fn draw_grid(area: &Area<'_>, chart: &HeatmapChart, largest: u32) -> Result<(), Failure> {
    let (rows, columns) = (chart.row_labels.len().max(1), chart.column_labels.len().max(1));
    let room = f64::from(WIDTH - Y_LABEL_AREA - RIGHT_MARGIN);
    let every = layout::label_every(&chart.column_labels, SMALL_SIZE, room);
    let x_keys: Vec<i32> = (0..chart.column_labels.len()).step_by(every).map(|c| c as i32 * UNIT + UNIT / 2).collect();
    let y_keys: Vec<i32> = (0..chart.row_labels.len()).map(|r| r as i32 * UNIT + UNIT / 2).collect();
    // Rows run downwards: the first row label at the top.
    let mut plot = ChartBuilder::on(area)
        .margin_right(RIGHT_MARGIN)
        .margin_bottom(8)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(
            (0..columns as i32 * UNIT).with_key_points(x_keys),
            (rows as i32 * UNIT..0).with_key_points(y_keys),
        )?;
    let label_at = |labels: &[String], at: i32| labels.get((at / UNIT).max(0) as usize).cloned().unwrap_or_default();
    let x_label = |x: &i32| label_at(&chart.column_labels, *x);
    let y_label = |y: &i32| label_at(&chart.row_labels, *y);
    plot.configure_mesh()
        .disable_mesh()
        .axis_style(INK.mix(0.0))
        .x_label_style((FONT, SMALL_SIZE).into_font().color(&INK))
        .y_label_style((FONT, LABEL_SIZE).into_font().color(&INK))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()?;

    let count_style =
        |t: f64| (FONT, SMALL_SIZE).into_font().color(&palette::on_heat(t)).pos(Pos::new(HPos::Center, VPos::Center));
    for (r, row) in chart.values.iter().take(rows).enumerate() {
        for (c, &count) in row.iter().take(columns).enumerate() {
            let (x, y) = (c as i32 * UNIT, r as i32 * UNIT);
            let cell = [(x + 4, y + 6), (x + 96, y + 94)];
            if count == 0 {
                plot.draw_series(std::iter::once(Rectangle::new(cell, INK.mix(0.07).filled())))?;
                continue;
            }
            let t = f64::from(count) / f64::from(largest.max(1));
            plot.draw_series(std::iter::once(Rectangle::new(cell, palette::heat(t).filled())))?;
            plot.draw_series(std::iter::once(Text::new(
                count.to_string(),
                (x + UNIT / 2, y + UNIT / 2),
                count_style(t),
            )))?;
        }
    }
    Ok(())
}

/// The colour scale: a few swatches from one to the largest count, each
/// with the count it stands for.
fn draw_scale(area: &Area<'_>, largest: u32) -> Result<(), Failure> {
    let label = (FONT, SMALL_SIZE).into_font().color(&INK);
    let (swatch_width, left) = (56, Y_LABEL_AREA as i32);
    let mut x = left;
    area.draw(&Rectangle::new([(x, 8), (x + swatch_width, 24)], INK.mix(0.07).filled()))?;
    area.draw(&Text::new("0", (x, 30), label.clone()))?;
    x += swatch_width + 6;
    let mut shown = 0;
    for step in 1..=SCALE_STEPS {
        let count = (f64::from(largest) * f64::from(step) / f64::from(SCALE_STEPS)).ceil() as u32;
        if count <= shown {
            continue;
        }
        shown = count;
        let t = f64::from(count) / f64::from(largest.max(1));
        area.draw(&Rectangle::new([(x, 8), (x + swatch_width, 24)], palette::heat(t).filled()))?;
        area.draw(&Text::new(count.to_string(), (x, 30), label.clone()))?;
        x += swatch_width + 6;
    }
    Ok(())
}
