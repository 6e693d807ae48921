//! The rule table of a two-input controller drawn as a grid: one cell per pair of input
//! terms, holding the concluded term's name (Mamdani) or constant (Sugeno), coloured by its
//! value so that the table's shape shows at a glance.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::{DrawResult, Figure, PlotError, save, text};

const FONT: &str = "sans-serif";

/// A rule table: `rows` (the first input's terms) down, `cols` (the second input's) across,
/// `cells` row by row: the text to show and the value that colours the cell (`None`: no rule).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleGrid {
    /// the first input's name
    pub row_variable: String,
    /// the second input's name
    pub col_variable: String,
    /// the first input's term names
    pub rows: Vec<String>,
    /// the second input's term names
    pub cols: Vec<String>,
    /// `rows × cols` cells, row by row
    pub cells: Vec<Option<(String, f64)>>,
}

struct RuleFigure<'a> {
    title: &'a str,
    grid: &'a RuleGrid,
}

const CELL: (i32, i32) = (86, 40);
const LEFT: i32 = 130;
const TOP: i32 = 100;

impl Figure for RuleFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let g = self.grid;
        (
            (LEFT + CELL.0 * g.cols.len() as i32 + 30).max(420) as u32,
            (TOP + CELL.1 * g.rows.len() as i32 + 30) as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let g = self.grid;
        area.draw(&Text::new(self.title.to_string(), (12, 10), (FONT, 20)))
            .map_err(text)?;
        // The second input's name above its term names, the first input's left of its own.
        let header = format!("{} →", g.col_variable);
        area.draw(&Text::new(header, (LEFT, 44), (FONT, 15)))
            .map_err(text)?;
        area.draw(&Text::new(
            format!("{} ↓", g.row_variable),
            (12, TOP - 24),
            (FONT, 15),
        ))
        .map_err(text)?;
        for (j, name) in g.cols.iter().enumerate() {
            let x = LEFT + CELL.0 * j as i32 + 8;
            area.draw(&Text::new(name.clone(), (x, TOP - 24), (FONT, 14)))
                .map_err(text)?;
        }
        let values: Vec<f64> = g.cells.iter().flatten().map(|(_, v)| *v).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 1.0, lo + 1.0) };
        for (i, name) in g.rows.iter().enumerate() {
            let y = TOP + CELL.1 * i as i32;
            area.draw(&Text::new(name.clone(), (12, y + 12), (FONT, 14)))
                .map_err(text)?;
            for j in 0..g.cols.len() {
                let x = LEFT + CELL.0 * j as i32;
                let corners = [(x, y), (x + CELL.0 - 2, y + CELL.1 - 2)];
                match g.cells.get(i * g.cols.len() + j).cloned().flatten() {
                    Some((label, value)) => {
                        let fraction = (value - lo) / (hi - lo);
                        let fill = ViridisRGB::get_color_normalized(value, lo, hi);
                        area.draw(&Rectangle::new(corners, fill.filled())).map_err(text)?;
                        // Dark text on the light end of the colour map, white elsewhere.
                        let ink = if fraction > 0.6 { BLACK } else { WHITE };
                        area.draw(&Text::new(
                            label,
                            (x + 8, y + 12),
                            (FONT, 14).into_font().color(&ink),
                        ))
                        .map_err(text)?;
                    }
                    None => {
                        area.draw(&Rectangle::new(corners, RGBColor(240, 240, 240).filled()))
                            .map_err(text)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Draws a rule table as a coloured grid with the cells' texts. Writes `stem.svg` and
/// `stem.png`.
pub fn rule_table(stem: &Path, title: &str, grid: &RuleGrid) -> Result<Vec<PathBuf>, PlotError> {
    if grid.rows.is_empty() || grid.cols.is_empty() || grid.cells.len() != grid.rows.len() * grid.cols.len() {
        return Err(PlotError::Data {
            file: stem.display().to_string(),
            message: "a rule table needs rows × cols cells".to_string(),
        });
    }
    save(&RuleFigure { title, grid }, stem)
}
