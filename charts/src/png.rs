//! PNG images of charts for chat posts: the SVG document rasterised with
//! resvg, dark text on white (chat apps show images on either theme).
//! Fonts are loaded once, when the `Renderer` is made.

use std::sync::Arc;

use anyhow::Context;
use hearth_bot::chart::Chart;
use resvg::usvg::{self, fontdb};

use crate::document::{self, Target};

/// The family Chinese labels are drawn in (Debian's `fonts-noto-cjk`). It
/// has Latin letters too, so one family covers a whole label.
pub const CJK_FAMILY: &str = "Noto Sans CJK SC";
const INK: &str = "#1F2328";
const BACKGROUND: &str = "#FFFFFF";
/// Where operators put extra fonts (a CJK font on a machine without one).
pub const FONT_DIR_VAR: &str = "HEARTH_FONT_DIR";

pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for Png {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Png({}x{}, {} bytes)", self.width, self.height, self.bytes.len())
    }
}

/// Draws charts as PNG. Made once at start and shared by the adapters:
/// loading the system's fonts takes a while.
pub struct Renderer {
    options: usvg::Options<'static>,
    /// The family `sans-serif` stands for; `None` when no font with
    /// Chinese characters was found.
    cjk_family: Option<String>,
}

impl Renderer {
    /// The system fonts plus those in `$HEARTH_FONT_DIR`.
    pub fn new() -> Self {
        Self::with_font_dir(std::env::var_os(FONT_DIR_VAR).map(std::path::PathBuf::from).as_deref(), true)
    }

    /// Only the fonts in `dir` (tests: a machine's fonts left out).
    pub fn with_fonts_from(dir: &std::path::Path) -> Self {
        Self::with_font_dir(Some(dir), false)
    }

    fn with_font_dir(dir: Option<&std::path::Path>, system: bool) -> Self {
        let mut fonts = fontdb::Database::new();
        if system {
            fonts.load_system_fonts();
        }
        if let Some(dir) = dir {
            fonts.load_fonts_dir(dir);
        }
        let cjk_family = cjk_family(&fonts);
        match &cjk_family {
            Some(family) => fonts.set_sans_serif_family(family.clone()),
            None => {
                tracing::warn!(
                    "no font with Chinese characters found (install fonts-noto-cjk or set {FONT_DIR_VAR}); \
                     chart images with Chinese labels will show boxes"
                );
                // Latin text still needs some font when fontdb's guess for
                // sans-serif (Arial and the like) is not installed.
                if let Some(family) = fallback_family(&fonts) {
                    fonts.set_sans_serif_family(family);
                }
            }
        }
        keep_mapped(&mut fonts);
        let options =
            usvg::Options { font_family: "sans-serif".to_owned(), fontdb: Arc::new(fonts), ..usvg::Options::default() };
        Self { options, cjk_family }
    }

    /// The family Chinese text is drawn in, if the fonts have one.
    pub fn cjk_family(&self) -> Option<&str> {
        self.cjk_family.as_deref()
    }

    /// The chart as the SVG document the PNG is made from, parsed and laid
    /// out (text turned into glyphs of the loaded fonts).
    pub fn tree(&self, chart: &Chart) -> anyhow::Result<usvg::Tree> {
        let svg = document::finish(chart, &crate::drawing(chart), Target::Image { ink: INK, background: BACKGROUND });
        usvg::Tree::from_str(&svg, &self.options)
            .with_context(|| format!("parsing the SVG of chart {}", chart.file_stem()))
    }

    pub fn png(&self, chart: &Chart) -> anyhow::Result<Png> {
        let tree = self.tree(chart)?;
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
            .with_context(|| format!("a {}x{} image", size.width(), size.height()))?;
        resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let bytes = pixmap.encode_png().context("encoding the chart as PNG")?;
        Ok(Png { bytes, width: size.width(), height: size.height() })
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

/// Maps each font file once, for the renderer's life. Left as files,
/// fontdb maps and unmaps a file every time text is laid out in it: with
/// a 20 MB CJK collection that was most of a chart's rendering time
/// (page faults and unmapping, BENCHMARKS.md "Digest chart image").
fn keep_mapped(fonts: &mut fontdb::Database) {
    let ids: Vec<fontdb::ID> = fonts.faces().map(|face| face.id).collect();
    for id in ids {
        // SAFETY: the mapping is of installed font files, which nothing
        // rewrites while hearth runs (a package upgrade replaces a file
        // with a new one; the old mapping stays valid). Data shared across
        // a collection's faces is mapped once.
        unsafe {
            fonts.make_shared_face_data(id);
        }
    }
}

/// `Noto Sans CJK SC` when it is there, else the first family that has
/// Chinese characters (another CJK font an operator installed).
fn cjk_family(fonts: &fontdb::Database) -> Option<String> {
    let named = |face: &fontdb::FaceInfo| face.families.iter().any(|(name, _)| name == CJK_FAMILY);
    if fonts.faces().any(named) {
        return Some(CJK_FAMILY.to_owned());
    }
    fonts
        .faces()
        .find(|face| has_chars(fonts, face.id, "中文字"))
        .and_then(|face| face.families.first().map(|(name, _)| name.clone()))
}

/// The first family the fonts have, unless `sans-serif` already finds one.
fn fallback_family(fonts: &fontdb::Database) -> Option<String> {
    let sans = fontdb::Query { families: &[fontdb::Family::SansSerif], ..fontdb::Query::default() };
    if fonts.query(&sans).is_some() {
        return None;
    }
    fonts.faces().next().and_then(|face| face.families.first().map(|(name, _)| name.clone()))
}

/// Whether the face has a glyph for every character of `text`.
pub(crate) fn has_chars(fonts: &fontdb::Database, face: fontdb::ID, text: &str) -> bool {
    fonts
        .with_face_data(face, |data, index| {
            ttf_parser::Face::parse(data, index).is_ok_and(|f| text.chars().all(|c| f.glyph_index(c).is_some()))
        })
        .unwrap_or(false)
}
