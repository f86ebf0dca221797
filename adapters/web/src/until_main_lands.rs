//! TEMPORARY: lets this crate compile before `hearth_charts::svg` lands
//! on main. Deleted at that merge.

pub fn svg_until_charts_land(chart: &hearth_bot::chart::Chart) -> String {
    format!("<svg role=\"img\" aria-label=\"{}\"></svg>", chart.title())
}
