//! Colours. Text, axes and grid lines are drawn in `INK`, a colour no
//! chart uses otherwise, which `document.rs` replaces with `currentColor`:
//! on a page they take the theme's text colour, light or dark. The series
//! colours are mid-tones that keep their contrast on white and on black.

use plotters::style::RGBColor;

/// Stands for `currentColor` until the document is finished.
pub const INK: RGBColor = RGBColor(0x01, 0x02, 0x03);
/// How `INK` is written by plotters' SVG backend.
pub const INK_IN_SVG: &str = "#010203";

/// Bars: blue, then teal.
const BARS: [RGBColor; 2] = [RGBColor(0x3B, 0x82, 0xF6), RGBColor(0x14, 0xB8, 0xA6)];
/// Lines: orange, then purple.
const LINES: [RGBColor; 2] = [RGBColor(0xF9, 0x73, 0x16), RGBColor(0xA8, 0x55, 0xF7)];

/// Opacity of a comparison (faded) series.
pub const FADED: f64 = 0.38;

/// The `nth` bar series' colour; a faded series takes the colour of the
/// main series it is compared with (the nth faded goes with the nth main).
pub fn bar(nth: usize) -> RGBColor {
    BARS[nth % BARS.len()]
}

pub fn line(nth: usize) -> RGBColor {
    LINES[nth % LINES.len()]
}

/// A heatmap cell's colour for `t` in (0, 1]: light blue to deep blue.
pub fn heat(t: f64) -> RGBColor {
    let (low, high) = ((0xCF, 0xE3, 0xFF), (0x1D, 0x3F, 0xB8));
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t.clamp(0.0, 1.0)).round() as u8;
    RGBColor(mix(low.0, high.0), mix(low.1, high.1), mix(low.2, high.2))
}

/// The count written on a heatmap cell: dark on the light cells, white on
/// the deep ones (the cell's own colour is its background, whatever the page).
pub fn on_heat(t: f64) -> RGBColor {
    if t > 0.5 { RGBColor(0xFF, 0xFF, 0xFF) } else { RGBColor(0x0B, 0x25, 0x45) }
}
