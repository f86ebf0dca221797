//! Turns what plotters drew into the document we hand out: our own root
//! element (scalable on a page, fixed-size for an image), the alt text as
//! `<title>` and `aria-label`, and `INK` as `currentColor`.

use hearth_bot::chart::Chart;

use crate::Drawing;
use crate::palette::INK_IN_SVG;

pub enum Target {
    /// Inlined in an HTML page: as wide as its container, in the page's
    /// text colour.
    Page,
    /// Rasterised: its own size, text in `ink` on a solid `background`.
    Image { ink: &'static str, background: &'static str },
}

pub fn finish(chart: &Chart, drawing: &Drawing, target: Target) -> String {
    let (width, height) = drawing.size;
    let alt = escape(chart.alt_text());
    let inner = inner(&drawing.body).replace(INK_IN_SVG, "currentColor");
    let mut document = String::with_capacity(inner.len() + 512);
    match target {
        // No `style` attribute: the pages' Content-Security-Policy refuses
        // inline styles; their stylesheet sizes the chart (`height: auto`).
        Target::Page => document.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
             role=\"img\" aria-label=\"{alt}\">\n<title>{alt}</title>\n"
        )),
        Target::Image { ink, background } => document.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
             height=\"{height}\" color=\"{ink}\" role=\"img\" aria-label=\"{alt}\">\n<title>{alt}</title>\n\
             <rect width=\"{width}\" height=\"{height}\" fill=\"{background}\"/>\n"
        )),
    }
    if inner.is_empty() {
        document.push_str("</svg>\n");
    } else {
        document.push_str(&inner);
    }
    document
}

/// plotters' document without its opening `<svg …>` tag (its closing tag
/// stays): everything after the first line.
fn inner(body: &str) -> &str {
    match body.find("<svg").and_then(|start| body[start..].find('\n').map(|end| start + end + 1)) {
        Some(after_root) => &body[after_root..],
        None => "",
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
