//! Rasterises the map's SVG in-process with resvg. Only the font built into the binary is
//! loaded (never the system's fonts), so the PNG is the same on every machine, including one
//! with no fonts installed.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::text::{FONT_BOLD, FONT_NAME, FONT_REGULAR};
use super::MapError;

/// How many PNG pixels per SVG pixel: sharp when zoomed in chat and when printed.
pub const SCALE: f32 = 1.5;

/// A font database holding only the built-in font, built once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_REGULAR.to_vec());
        db.load_font_data(FONT_BOLD.to_vec());
        db.set_sans_serif_family(FONT_NAME);
        db.set_serif_family(FONT_NAME);
        Arc::new(db)
    })
    .clone()
}

/// The SVG document `svg` as PNG bytes, [`SCALE`] times its size in pixels.
pub fn render(svg: &str) -> Result<Vec<u8>, MapError> {
    let tree = parse(svg)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| MapError::Render("the map has no size".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        MapError::Render(format!(
            "cannot make a {}x{} image",
            size.width(),
            size.height()
        ))
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| MapError::Render(e.to_string()))
}

/// The SVG parsed as the PNG renderer sees it (with the built-in font): for tests that check
/// where the rendered text really falls.
pub fn parse(svg: &str) -> Result<usvg::Tree, MapError> {
    let options = usvg::Options {
        font_family: FONT_NAME.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| MapError::Render(e.to_string()))
}
