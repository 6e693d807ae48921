//! The PNG backend: plotters' bitmap backend with text drawn by this module.
//!
//! plotters 0.3.7's `ab_glyph` text renderer places each glyph at the pen position without
//! the glyph's left side bearing, so letters such as `t` and `m` sit visibly apart ("outpu t").
//! This backend lays the text out itself (advance, kerning and bearing per glyph) with the
//! same embedded font and the same box convention plotters uses (baseline half a font size
//! below the top, height `size / 1.24`), and delegates everything else to
//! [`BitMapBackend`].

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::BitMapBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// Bitmap backend with correct glyph placement.
pub(crate) struct Raster<'a> {
    inner: BitMapBackend<'a>,
    font: Option<FontRef<'static>>,
}

impl<'a> Raster<'a> {
    /// Draws into `buffer` (RGB, `size.0 × size.1`) with `font` for text.
    pub(crate) fn new(buffer: &'a mut [u8], size: (u32, u32), font: &'static [u8]) -> Raster<'a> {
        Raster {
            inner: BitMapBackend::with_buffer(buffer, size),
            font: FontRef::try_from_slice(font).ok(),
        }
    }

    /// Pen positions and width of `text` at `size` px: `(glyph, x)` pairs.
    fn layout(&self, font: &FontRef<'static>, text: &str, size: f64) -> (Vec<(ab_glyph::GlyphId, f32)>, f32) {
        let scaled = font.as_scaled(PxScale::from(size as f32));
        let mut caret = 0.0f32;
        let mut previous = None;
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                caret += scaled.kern(p, id);
            }
            glyphs.push((id, caret));
            caret += scaled.h_advance(id);
            previous = Some(id);
        }
        (glyphs, caret)
    }
}

impl<'a> DrawingBackend for Raster<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let Some(font) = &self.font else {
            return self.inner.estimate_text_size(text, style);
        };
        let (_, width) = self.layout(font, text, style.size());
        Ok((width.ceil() as u32, (style.size() / 1.24) as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let Some(font) = self.font.clone() else {
            return self.inner.draw_text(text, style, pos);
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size();
        let (glyphs, width) = self.layout(&font, text, size);
        let height = (size / 1.24) as i32;
        let width = width.ceil() as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let baseline = (size / 2.0) as f32;
        let transform = style.transform();
        let (w, h) = self.get_size();
        let scale = PxScale::from(size as f32);
        for (id, x) in glyphs {
            let glyph = id.with_scale_and_position(scale, point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|px, py, coverage| pixels.push((px, py, coverage)));
            for (px, py, coverage) in pixels {
                let local_x = bounds.min.x as i32 + px as i32 + dx;
                let local_y = bounds.min.y as i32 + py as i32 + dy;
                let (rx, ry) = transform.transform(local_x, local_y);
                let (x, y) = (pos.0 + rx, pos.1 + ry);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    self.inner.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha: color.alpha * f64::from(coverage.min(1.0)),
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}
