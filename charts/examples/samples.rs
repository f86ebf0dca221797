//! Writes sample charts (SVG and PNG) into a directory, to look at them.
//! `cargo run --example samples -- DIR`
use hearth_bot::chart::{Chart, HeatmapChart, Series, SeriesChart, SeriesStyle};

fn main() -> anyhow::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/charts".into()));
    std::fs::create_dir_all(&dir)?;
    let series = |name: &str, values: Vec<f64>, style| Series { name: name.into(), values, style };
    let week = Chart::Series(SeriesChart {
        title: "锈人社区：3月9日至15日".into(),
        alt: "每日签到".into(),
        file_stem: "zh-week".into(),
        x_labels: ["周一 9日", "周二 10日", "周三 11日", "周四 12日", "周五 13日", "周六 14日", "周日 15日"]
            .map(String::from)
            .to_vec(),
        y_label: "人数".into(),
        series: vec![
            series("签到（上周）", vec![3.0, 4.0, 2.0, 5.0, 6.0, 1.0, 0.0], SeriesStyle::FadedBars),
            series("签到", vec![4.0, 5.0, 3.0, 6.0, 7.0, 2.0, 1.0], SeriesStyle::Bars),
            series("活跃（上周）", vec![3.0, 4.0, 3.0, 5.0, 6.0, 2.0, 1.0], SeriesStyle::FadedLine),
            series("活跃成员", vec![5.0, 6.0, 4.0, 7.0, 8.0, 3.0, 2.0], SeriesStyle::Line),
        ],
        percent: false,
    });
    let quarter = Chart::Series(SeriesChart {
        title: "Check-in rate, 90 days".into(),
        alt: "rate".into(),
        file_stem: "quarter".into(),
        x_labels: (0..90).map(|d| format!("Mar {}", d % 31 + 1)).collect(),
        y_label: "Rate".into(),
        series: vec![series(
            "Check-in rate",
            (0..90).map(|d| 40.0 + (d as f64 / 5.0).sin() * 30.0).collect(),
            SeriesStyle::Line,
        )],
        percent: true,
    });
    let heat = Chart::Heatmap(HeatmapChart {
        title: "When members are active".into(),
        alt: "heat".into(),
        file_stem: "heat".into(),
        row_labels: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map(String::from).to_vec(),
        column_labels: (0..24).map(|h| h.to_string()).collect(),
        values: (0..7).map(|d| (0..24).map(|h| ((d * 7 + h * 3) % 23) as u32 * u32::from(h > 6)).collect()).collect(),
    });
    let started = std::time::Instant::now();
    let renderer = hearth_charts::Renderer::new();
    eprintln!("fonts {:?}", started.elapsed());
    for chart in [week, quarter, heat] {
        std::fs::write(dir.join(format!("{}.svg", chart.file_stem())), hearth_charts::svg(&chart))?;
        let started = std::time::Instant::now();
        let png = renderer.png(&chart)?;
        eprintln!("png {:?}", started.elapsed());
        std::fs::write(dir.join(format!("{}.png", chart.file_stem())), png.bytes)?;
    }
    Ok(())
}
