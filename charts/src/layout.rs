//! Sizes and the small layout decisions plotters leaves to its caller:
//! how wide a label is, which x labels to show, where the y axis ends.

/// Every chart is drawn this wide (user units; pages scale it with the
/// `viewBox`, the PNG is this many pixels).
pub const WIDTH: u32 = 1000;
pub const FONT: &str = "sans-serif";
pub const TITLE_SIZE: f64 = 26.0;
pub const LABEL_SIZE: f64 = 18.0;
pub const SMALL_SIZE: f64 = 15.0;

/// The width `text` takes at font size `size`, estimated: CJK characters
/// are about one em wide, Latin ones a little over half an em.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| if is_wide(c) { 1.0 } else { 0.58 }).sum::<f64>() * size
}

fn is_wide(c: char) -> bool {
    matches!(u32::from(c), 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Which categories get a label: every `step`-th from the first, with
/// `step` the smallest that keeps neighbouring labels apart in `room`
/// (7 days all show; 30 or 90 are thinned out).
pub fn label_every(labels: &[String], size: f64, room: f64) -> usize {
    if labels.is_empty() {
        return 1;
    }
    let widest = labels.iter().map(|l| text_width(l, size)).fold(0.0, f64::max) + size;
    let per_category = room / labels.len() as f64;
    ((widest / per_category).ceil() as usize).max(1)
}

/// The top of a count axis and the step between its labels: a round
/// number a little above the largest value, so that labels are whole
/// numbers and the tallest bar does not touch the top.
pub fn count_axis(largest: f64) -> (f64, f64) {
    let wanted = (largest * 1.1).max(5.0);
    let magnitude = 10f64.powf((wanted / 5.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| wanted / s <= 5.0)
        .unwrap_or(10.0 * magnitude);
    ((wanted / step).ceil() * step, step)
}

/// A number as an axis shows it: whole numbers without decimals.
pub fn axis_number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 { format!("{}", value.round() as i64) } else { format!("{value:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<String> {
        (1..=n).map(|d| format!("Mar {d}")).collect()
    }

    #[test]
    fn a_week_shows_every_day_and_a_quarter_only_some() {
        assert_eq!(label_every(&days(7), LABEL_SIZE, 880.0), 1);
        let month = label_every(&days(30), LABEL_SIZE, 880.0);
        assert!((2..=5).contains(&month), "30 days every {month}");
        let quarter = label_every(&days(90), LABEL_SIZE, 880.0);
        assert!(quarter >= 7 && 90 / quarter <= 13, "90 days every {quarter}");
    }

    #[test]
    fn chinese_labels_count_as_wider() {
        assert!(text_width("三月九日", 10.0) > text_width("Mar 9", 10.0));
    }

    #[test]
    fn a_count_axis_ends_on_a_round_number_above_the_largest_value() {
        assert_eq!(count_axis(0.0), (5.0, 1.0));
        assert_eq!(count_axis(4.0), (5.0, 1.0));
        assert_eq!(count_axis(23.0), (30.0, 10.0));
        assert_eq!(count_axis(180.0), (200.0, 50.0));
        let (top, step) = count_axis(1234.0);
        assert!(top >= 1234.0 * 1.1 && top / step <= 5.0, "{top} {step}");
    }

    #[test]
    fn axis_numbers_are_whole_when_they_can_be() {
        assert_eq!(axis_number(20.0), "20");
        assert_eq!(axis_number(2.5), "2.5");
    }
}
