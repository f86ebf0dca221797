//! Chart images under posts: the console cannot show a picture, so it
//! names the image and its size on a line of its own, and with
//! `--images DIR` writes the PNG there for a look.

use std::path::PathBuf;
use std::sync::Arc;

use hearth_bot::Reply;
use hearth_charts::Renderer;

/// Draws the charts of posts; made once by the binary and handed in.
pub struct ChartImages {
    pub renderer: Arc<Renderer>,
    /// Where PNG files go (`--images DIR`); none: only the line is printed.
    pub dir: Option<PathBuf>,
}

impl ChartImages {
    /// The `[image: NAME WxH]` line for a reply that carries a chart
    /// (indented like a continuation line), after writing the file when
    /// asked to. A chart that cannot be drawn or written is logged; the
    /// post stands without its line.
    pub fn line_for(&self, reply: &Reply) -> Option<String> {
        let chart = reply.chart.as_ref()?;
        let name = format!("{}.png", chart.file_stem());
        let png = match self.renderer.png(chart) {
            Ok(png) => png,
            Err(error) => {
                tracing::error!(chart = %name, error = ?error, "drawing a post's chart failed");
                return None;
            }
        };
        if let Some(dir) = &self.dir {
            let path = dir.join(&name);
            if let Err(error) = std::fs::write(&path, &png.bytes) {
                tracing::error!(path = %path.display(), %error, "writing a chart image failed");
            }
        }
        Some(format!("  [image: {name} {}x{}]", png.width, png.height))
    }
}
