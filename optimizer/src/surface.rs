//! What a reader checks on a 2-input controller's surface `F(e, de)` over its input square:
//! is it monotone, how rough is it, and its rule table as a grid.
//!
//! Measured on a 41 × 41 grid of the inputs' ranges (the engine's own `f32` evaluation):
//! - **monotonicity violations**: neighbouring grid points, along either input, where `F`
//!   decreases by more than 1e-6 of the output range, and the largest decrease (a monotone
//!   Sugeno table interpolates monotonically; a Mamdani centroid surface of a monotone table
//!   can still dip slightly where clipped terms overlap);
//! - **roughness**: the mean absolute second difference along both inputs, in units of the
//!   output range (0 for a plane; a table with isolated pits and ridges scores high).

use std::fmt::Write as _;

use fuzzy_core::{ControllerSpec, OwnedController, Shape};
use sim::plot::RuleGrid;

/// Grid points per input.
const POINTS: usize = 41;

/// Shape measures of a surface (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceQuality {
    /// neighbouring pairs where the output decreases
    pub violations: usize,
    /// neighbouring pairs compared
    pub pairs: usize,
    /// the largest decrease between neighbours, fraction of the output range (0 if monotone)
    pub max_decrease: f64,
    /// mean absolute second difference, fraction of the output range
    pub roughness: f64,
}

/// The surface measures of a controller with 2 inputs and 1 output (`None` otherwise).
pub fn quality(controller: &OwnedController) -> Option<SurfaceQuality> {
    let spec = controller.spec();
    let ([x, y], [output]) = (spec.inputs.as_slice(), spec.outputs.as_slice()) else {
        return None;
    };
    let range = f64::from(output.max - output.min);
    let at = |lo: f32, hi: f32, k: usize| lo + (hi - lo) * k as f32 / (POINTS - 1) as f32;
    let mut grid = vec![0.0f64; POINTS * POINTS];
    for i in 0..POINTS {
        for j in 0..POINTS {
            let (out, _) = controller.evaluate(&[at(x.min, x.max, i), at(y.min, y.max, j)]);
            grid[i * POINTS + j] = f64::from(*out.first()?) / range;
        }
    }
    let value = |i: usize, j: usize| grid[i * POINTS + j];
    let (mut violations, mut pairs, mut second, mut count) = (0, 0, 0.0, 0);
    let mut max_decrease = 0.0f64;
    for i in 0..POINTS {
        for j in 0..POINTS {
            for (di, dj) in [(1, 0), (0, 1)] {
                if i + di < POINTS && j + dj < POINTS {
                    pairs += 1;
                    let decrease = value(i, j) - value(i + di, j + dj);
                    violations += usize::from(decrease > 1e-6);
                    max_decrease = max_decrease.max(decrease);
                }
                if i >= di && j >= dj && i + di < POINTS && j + dj < POINTS {
                    second += (value(i + di, j + dj) - 2.0 * value(i, j) + value(i - di, j - dj)).abs();
                    count += 1;
                }
            }
        }
    }
    Some(SurfaceQuality {
        violations,
        pairs,
        max_decrease,
        roughness: second / count.max(1) as f64,
    })
}

/// The rule table of output `output` of a 2-input controller whose rules are AND rules on
/// one term of each input: `e` terms down, `de` terms across, each cell the concluded term's
/// name (Mamdani; coloured by the term's position) or its constant (Sugeno constants; coloured
/// by the value); empty where no rule covers the pair. `None` for other controllers.
pub fn rule_grid(spec: &ControllerSpec, output: usize) -> Option<RuleGrid> {
    let ([x, y], Some(variable)) = (spec.inputs.as_slice(), spec.outputs.get(output)) else {
        return None;
    };
    let mut cells = vec![None; x.terms.len() * y.terms.len()];
    for rule in &spec.rules {
        let (&[i, j], Some(&k)) = (rule.antecedent.as_slice(), rule.consequent.get(output)) else {
            return None;
        };
        if i < 1 || j < 1 || k < 1 || rule.consequent.len() != spec.outputs.len() {
            return None;
        }
        let term = variable.terms.get(k as usize - 1)?;
        let cell = match term.shape {
            Shape::Constant(v) => (format!("{v:.3}"), f64::from(v)),
            _ => (term.name.clone(), f64::from(k)),
        };
        *cells.get_mut((i as usize - 1) * y.terms.len() + j as usize - 1)? = Some(cell);
    }
    Some(RuleGrid {
        row_variable: x.name.clone(),
        col_variable: y.name.clone(),
        rows: x.terms.iter().map(|t| t.name.clone()).collect(),
        cols: y.terms.iter().map(|t| t.name.clone()).collect(),
        cells,
    })
}

/// [`rule_grid`] as a Markdown table.
pub fn rule_table_markdown(spec: &ControllerSpec, output: usize) -> Option<String> {
    let grid = rule_grid(spec, output)?;
    let (x, y) = (&spec.inputs[0], &spec.inputs[1]);
    let cells: Vec<String> = grid
        .cells
        .iter()
        .map(|c| c.as_ref().map_or(String::new(), |(text, _)| text.clone()))
        .collect();
    let mut out = format!("| {} \\ {} |", x.name, y.name);
    for term in &y.terms {
        let _ = write!(out, " {} |", term.name);
    }
    out.push_str("\n| --- |");
    out.push_str(&" ---: |".repeat(y.terms.len()));
    for (i, term) in x.terms.iter().enumerate() {
        let _ = write!(out, "\n| **{}** |", term.name);
        for cell in &cells[i * y.terms.len()..(i + 1) * y.terms.len()] {
            let _ = write!(out, " {cell} |");
        }
    }
    out.push('\n');
    Some(out)
}
