//! Plots for reviewers: step-response overlays, control surfaces, membership functions and
//! generic time series (convergence curves), each written as SVG and PNG.
//!
//! Text is rendered with an embedded subset of DejaVu Sans (`sim/assets`), registered with
//! plotters' `ab_glyph` backend, so PNG output works on a machine without any system font;
//! SVG files name the `sans-serif` family and are laid out with the same font's metrics.
//! Files are written atomically ([`crate::files::write_atomically`]).

mod figures;
mod membership;
mod raster;
mod rules;
mod ticks;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use figures::{Curve, Series, control_surface, step_response, time_series};
pub use membership::membership_functions;
pub use rules::{RuleGrid, rule_table};

/// Why a plot could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Drawing failed (plotters' message).
    #[error("{file}: drawing failed: {message}")]
    Draw {
        /// the file being drawn
        file: String,
        /// plotters' error
        message: String,
    },
    /// Writing the file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Nothing to plot, or data that cannot be plotted.
    #[error("{file}: {message}")]
    Data {
        /// the file being drawn
        file: String,
        /// what is wrong
        message: String,
    },
}

/// The embedded font (see the module docs).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans-subset.ttf");

/// Registers the embedded font as `sans-serif` (once per process).
fn register_font() {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, FONT).is_ok()
    });
}

/// Line colours, distinguishable and in a fixed order.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// Colour number `i` of [`PALETTE`], cycling.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Result of drawing on one backend, with the backend's error flattened to text.
pub(crate) type DrawResult = Result<(), String>;

/// Something drawable on any plotters backend.
pub(crate) trait Figure {
    /// Pixel size.
    fn size(&self) -> (u32, u32);
    /// Draws on `area` (already filled white).
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Converts any plotters error to text.
pub(crate) fn text<E: std::fmt::Debug>(error: E) -> String {
    format!("{error:?}")
}

/// Renders `figure` to `stem.svg` and `stem.png`; returns both paths.
pub(crate) fn save(figure: &impl Figure, stem: &Path) -> Result<Vec<PathBuf>, PlotError> {
    register_font();
    let (width, height) = figure.size();
    let svg_path = stem.with_extension("svg");
    let png_path = stem.with_extension("png");
    let draw_error = |path: &Path, message: String| PlotError::Draw {
        file: path.display().to_string(),
        message,
    };

    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        area.fill(&WHITE).map_err(|e| draw_error(&svg_path, text(e)))?;
        figure.draw(&area).map_err(|e| draw_error(&svg_path, e))?;
        area.present().map_err(|e| draw_error(&svg_path, text(e)))?;
    }
    crate::files::write_atomically(&svg_path, svg.as_bytes())?;

    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let area = raster::Raster::new(&mut pixels, (width, height), FONT).into_drawing_area();
        area.fill(&WHITE).map_err(|e| draw_error(&png_path, text(e)))?;
        figure.draw(&area).map_err(|e| draw_error(&png_path, e))?;
        area.present().map_err(|e| draw_error(&png_path, text(e)))?;
    }
    let mut encoded = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut encoded, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| draw_error(&png_path, e.to_string()))?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| draw_error(&png_path, e.to_string()))?;
    }
    crate::files::write_atomically(&png_path, &encoded)?;
    Ok(vec![svg_path, png_path])
}

/// `[min, max]` of `values` widened by 5 % (and to a unit interval when flat or empty).
pub(crate) fn padded_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 * lo.abs().max(1.0) {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}
