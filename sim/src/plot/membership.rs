//! The membership-function figure: one panel per variable, terms labelled by name.

use std::path::{Path, PathBuf};

use fuzzy_core::{Controller, Inference, Membership, OwnedController};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::ticks::tick_label;
use super::{DrawResult, Figure, PlotError, color, save, text};

const FONT: &str = "sans-serif";

struct MembershipFunctions<'a> {
    title: &'a str,
    controller: &'a OwnedController,
}

/// Membership degree of every term of variable `terms` at `points` sample positions.
fn term_curves(
    engine: &Controller<'_>,
    range: (f32, f32),
    terms: std::ops::Range<usize>,
) -> Vec<Vec<(f64, f64)>> {
    let def = engine.def();
    let points = 400;
    terms
        .map(|t| {
            (0..=points)
                .map(|k| {
                    let x = range.0 + (range.1 - range.0) * k as f32 / points as f32;
                    (f64::from(x), f64::from(def.terms[t].membership(x, def.params)))
                })
                .collect()
        })
        .collect()
}

impl Figure for MembershipFunctions<'_> {
    fn size(&self) -> (u32, u32) {
        let spec = self.controller.spec();
        let panels = spec.inputs.len() + spec.outputs.len();
        (1000, 60 + 260 * panels as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult {
        let area = area.titled(self.title, (FONT, 22)).map_err(text)?;
        let spec = self.controller.spec();
        let engine = self.controller.controller();
        let def = engine.def();
        let panels = area.split_evenly((spec.inputs.len() + spec.outputs.len(), 1));
        let sugeno = matches!(def.inference, Inference::Sugeno);
        let variables = spec
            .inputs
            .iter()
            .zip(def.inputs)
            .map(|(s, v)| {
                (
                    format!("input {}", s.name),
                    &s.terms,
                    v.min,
                    v.max,
                    v.terms,
                    false,
                )
            })
            .chain(spec.outputs.iter().zip(def.outputs).map(|(s, v)| {
                (
                    format!("output {}", s.name),
                    &s.terms,
                    v.min,
                    v.max,
                    v.terms,
                    sugeno,
                )
            }));
        for (panel, (name, term_specs, min, max, range, is_sugeno)) in panels.iter().zip(variables) {
            let (panel, legend) = panel.split_horizontally(860);
            // The legend beside the plot, where it cannot hide a term; a Sugeno output's
            // constants (one per rule, often dozens) get one line instead.
            if is_sugeno {
                for (k, line) in [
                    format!("{} constants", term_specs.len()),
                    "(the rule table".into(),
                    "shows which rule".into(),
                    "concludes which)".into(),
                ]
                .iter()
                .enumerate()
                {
                    legend
                        .draw(&Text::new(line.clone(), (8, 33 + 18 * k as i32), (FONT, 13)))
                        .map_err(text)?;
                }
            }
            for (i, term) in term_specs.iter().enumerate().filter(|_| !is_sugeno) {
                let y = 40 + 18 * i as i32;
                legend
                    .draw(&PathElement::new(vec![(8, y), (30, y)], color(i).stroke_width(3)))
                    .map_err(text)?;
                legend
                    .draw(&Text::new(term.name.clone(), (36, y - 7), (FONT, 13)))
                    .map_err(text)?;
            }
            let mut chart = ChartBuilder::on(&panel)
                .caption(&name, (FONT, 16))
                .margin(8)
                .x_label_area_size(42)
                .y_label_area_size(50)
                .build_cartesian_2d(f64::from(min)..f64::from(max), 0.0..1.08)
                .map_err(text)?;
            let variable = name.split_once(' ').map_or(name.as_str(), |(_, v)| v);
            let units = if (min, max) == (-1.0, 1.0) {
                "normalised: the gains scale it to full scale 1"
            } else {
                "the variable's own units"
            };
            let x_desc = if is_sugeno {
                format!("{variable}: the value each rule concludes ({units})")
            } else {
                format!("{variable} ({units})")
            };
            chart
                .configure_mesh()
                .label_style((FONT, 12))
                .light_line_style(RGBColor(235, 235, 235))
                .x_desc(x_desc)
                .x_label_formatter(&|v| tick_label(*v))
                .y_label_formatter(&|v| tick_label(*v))
                .y_desc(if is_sugeno { "(a stem per rule)" } else { "degree" })
                .axis_desc_style((FONT, 13))
                .draw()
                .map_err(text)?;
            let terms = range.start as usize..range.end();
            if is_sugeno {
                // Sugeno outputs are functions, not sets: constants as stems at their value.
                for (i, t) in terms.enumerate() {
                    if let Membership::Constant { value } = def.terms[t].description() {
                        let c = color(i);
                        let v = f64::from(value);
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(v, 0.0), (v, 1.0)],
                                c.stroke_width(2),
                            )))
                            .map_err(text)?;
                    }
                }
            } else {
                for (i, curve) in term_curves(&engine, (min, max), terms).into_iter().enumerate() {
                    chart
                        .draw_series(LineSeries::new(curve, color(i).stroke_width(2)))
                        .map_err(text)?;
                }
            }
        }
        Ok(())
    }
}

/// The membership functions of every input and Mamdani output (Sugeno constant outputs as
/// stems at their values), one panel per variable, terms labelled by name. Writes
/// `stem.svg` and `stem.png`.
pub fn membership_functions(
    stem: &Path,
    title: &str,
    controller: &OwnedController,
) -> Result<Vec<PathBuf>, PlotError> {
    save(&MembershipFunctions { title, controller }, stem)
}
