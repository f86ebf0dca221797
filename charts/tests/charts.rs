//! The charts as a page and as an image: what they say, that they are
//! well-formed, and that Chinese labels get real glyphs.

use hearth_bot::chart::{Chart, HeatmapChart, Series, SeriesChart, SeriesStyle};
use hearth_charts::{Renderer, svg};
use resvg::usvg;

fn week(labels: &[&str], names: [&str; 4], title: &str, alt: &str) -> Chart {
    let series = |name: &str, values: &[f64], style| Series { name: name.into(), values: values.to_vec(), style };
    Chart::Series(SeriesChart {
        title: title.into(),
        alt: alt.into(),
        file_stem: "digest-2026-03-16".into(),
        x_labels: labels.iter().map(|l| l.to_string()).collect(),
        y_label: names[1].into(),
        series: vec![
            series(names[0], &[3.0, 4.0, 2.0, 5.0, 6.0, 1.0, 0.0], SeriesStyle::FadedBars),
            series(names[1], &[4.0, 5.0, 3.0, 6.0, 7.0, 2.0, 1.0], SeriesStyle::Bars),
            series(names[2], &[3.0, 4.0, 3.0, 5.0, 6.0, 2.0, 1.0], SeriesStyle::FadedLine),
            series(names[3], &[5.0, 6.0, 4.0, 7.0, 8.0, 3.0, 2.0], SeriesStyle::Line),
        ],
        percent: false,
    })
}

fn english_week() -> Chart {
    week(
        &["Mon 9", "Tue 10", "Wed 11", "Thu 12", "Fri 13", "Sat 14", "Sun 15"],
        ["Check-ins (week before)", "Check-ins", "Active (week before)", "Active members"],
        "Rustaceans: March 9 – 15",
        "Check-ins per day: 4, 5, 3, 6, 7, 2, 1 & more",
    )
}

fn chinese_week() -> Chart {
    week(
        &["周一 9日", "周二 10日", "周三 11日", "周四 12日", "周五 13日", "周六 14日", "周日 15日"],
        ["签到（上周）", "签到", "活跃（上周）", "活跃成员"],
        "锈人社区：3月9日至15日",
        "每日签到：4、5、3、6、7、2、1",
    )
}

fn days(count: usize, percent: bool) -> Chart {
    Chart::Series(SeriesChart {
        title: format!("{count} days"),
        alt: format!("Check-in rate over {count} days"),
        file_stem: "rate".into(),
        x_labels: (0..count).map(|d| format!("Day {d}")).collect(),
        y_label: "Rate".into(),
        series: vec![Series {
            name: "Check-in rate".into(),
            values: (0..count).map(|d| (d * 7 % 100) as f64).collect(),
            style: SeriesStyle::Line,
        }],
        percent,
    })
}

fn heatmap() -> Chart {
    let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    Chart::Heatmap(HeatmapChart {
        title: "When members are active".into(),
        alt: "Most active: Tuesday 9:00 (12)".into(),
        file_stem: "heatmap".into(),
        row_labels: weekdays.iter().map(|d| d.to_string()).collect(),
        column_labels: (0..24).map(|h| h.to_string()).collect(),
        values: (0..7)
            .map(|d| (0..24).map(|h| if d == 1 && h == 9 { 12 } else { ((d * h) % 5) as u32 }).collect())
            .collect(),
    })
}

/// Every text node's content, in document order.
fn texts(svg: &str) -> Vec<String> {
    let doc = usvg::roxmltree::Document::parse(svg).expect("well-formed XML");
    doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

#[test]
fn a_week_as_svg_names_its_series_days_and_alt_text() {
    let page = svg(&english_week());
    let doc = usvg::roxmltree::Document::parse(&page).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("aria-label"), Some("Check-ins per day: 4, 5, 3, 6, 7, 2, 1 & more"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 1000 500"));
    let title = root.children().find(|n| n.has_tag_name("title")).expect("a <title>");
    assert_eq!(title.text(), Some("Check-ins per day: 4, 5, 3, 6, 7, 2, 1 & more"));

    let texts = texts(&page);
    for expected in
        ["Rustaceans: March 9 – 15", "Check-ins (week before)", "Check-ins", "Active members", "Mon 9", "Sun 15"]
    {
        assert!(texts.iter().any(|t| t == expected), "{expected:?} in {texts:?}");
    }
}

#[test]
fn text_and_axes_take_the_page_colour() {
    let page = svg(&english_week());
    assert!(page.contains("fill=\"currentColor\""), "text in currentColor");
    assert!(page.contains("stroke=\"currentColor\""), "axes in currentColor");
    assert!(!page.contains("#010203"), "no placeholder colour left");
    assert!(!page.contains("fill=\"#FFFFFF\""), "no white background on a dark page");
}

#[test]
fn x_labels_thin_out_for_a_month_and_a_quarter() {
    let shown = |count| {
        let labels: Vec<String> =
            texts(&svg(&days(count, false))).into_iter().filter(|t| t.starts_with("Day ")).collect();
        labels
    };
    assert_eq!(shown(7).len(), 7);
    let month = shown(30);
    assert!(month.len() < 30 && month.len() >= 6, "{month:?}");
    assert_eq!(month.first().map(String::as_str), Some("Day 0"));
    let quarter = shown(90);
    assert!(quarter.len() <= 15 && quarter.len() >= 6, "{quarter:?}");
}

#[test]
fn a_percent_chart_labels_its_axis_in_percent() {
    let texts = texts(&svg(&days(7, true)));
    assert!(texts.iter().any(|t| t == "100%"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "0%"), "{texts:?}");
}

#[test]
fn a_heatmap_shows_weekdays_hours_and_counts() {
    let page = svg(&heatmap());
    let texts = texts(&page);
    for expected in ["When members are active", "Mon", "Sun", "0", "12"] {
        assert!(texts.iter().any(|t| t == expected), "{expected:?} in {texts:?}");
    }
    assert!(page.contains("aria-label=\"Most active: Tuesday 9:00 (12)\""));
}

#[test]
fn png_images_have_the_signature_and_the_stated_size() {
    let renderer = Renderer::new();
    for chart in [english_week(), heatmap()] {
        let png = renderer.png(&chart).expect("rendered");
        assert_eq!(&png.bytes[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(png.bytes[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png.bytes[20..24].try_into().unwrap());
        assert_eq!((width, height), (png.width, png.height));
        assert_eq!(png.width, 1000);
    }
    assert_eq!(renderer.png(&english_week()).unwrap().height, 500);
}

/// Every glyph of the laid-out text whose characters include `wanted`,
/// as (text, glyph id): id 0 is the font's "missing" box.
fn glyphs_of(tree: &usvg::Tree, wanted: impl Fn(char) -> bool) -> Vec<(String, u16)> {
    fn walk(group: &usvg::Group, out: &mut Vec<(String, u16)>, wanted: &dyn Fn(char) -> bool) {
        for node in group.children() {
            match node {
                usvg::Node::Group(group) => walk(group, out, wanted),
                usvg::Node::Text(text) => {
                    for span in text.layouted() {
                        for glyph in &span.positioned_glyphs {
                            if glyph.text.chars().any(wanted) {
                                out.push((glyph.text.clone(), glyph.id.0));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(tree.root(), &mut out, &wanted);
    out
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

#[test]
fn chinese_labels_are_drawn_with_real_glyphs() {
    let renderer = Renderer::new();
    assert_eq!(renderer.cjk_family(), Some("Noto Sans CJK SC"), "install fonts-noto-cjk");
    let tree = renderer.tree(&chinese_week()).expect("laid out");
    let glyphs = glyphs_of(&tree, is_han);
    for wanted in "签到活跃成员周一锈人社区".chars() {
        assert!(glyphs.iter().any(|(text, _)| text.contains(wanted)), "{wanted} was laid out");
    }
    let missing: Vec<&(String, u16)> = glyphs.iter().filter(|(_, id)| *id == 0).collect();
    assert!(missing.is_empty(), "no tofu: {missing:?}");
}

#[test]
fn without_a_chinese_font_the_same_labels_come_out_as_boxes() {
    // Only DejaVu (Latin): the check above would fail on such a machine.
    let latin_only = Renderer::with_fonts_from(std::path::Path::new("/usr/share/fonts/truetype/dejavu"));
    assert_eq!(latin_only.cjk_family(), None);
    let tree = latin_only.tree(&chinese_week()).expect("laid out");
    let glyphs = glyphs_of(&tree, is_han);
    assert!(!glyphs.is_empty() && glyphs.iter().all(|(_, id)| *id == 0), "{glyphs:?}");
    assert!(latin_only.png(&chinese_week()).is_ok(), "renders anyway");
}
