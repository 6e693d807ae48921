//! The evaluation plan: what [`Controller::new`] finds out about a controller's structure
//! once (grid, weights, negation, linear outputs, two-edged inputs) and which kernel
//! [`Controller::evaluate`] takes.

#[cfg(doc)]
use crate::Controller;
use crate::def::{ControllerDef, Inference};
use crate::layout::{GRID_TERMS, SUGENO_LANES, edge_len, sugeno_grid_cols, sugeno_row, two_edged};
use crate::membership::{Membership, Term};
use crate::norm::{SNorm, TNorm};
use crate::rule::Connective;
use crate::variable::InputVariable;

/// Structure of the rule base found when the controller is built, used to pick a faster
/// (still fixed-time) firing loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Two inputs with `rows` and `cols` terms and exactly one AND rule per pair of terms,
    /// without NOT, in row-major order (rule `i * cols + j` uses term `i` of input 1 and
    /// term `j` of input 2): the firing strengths are an "outer product" of the degrees.
    pub grid: Option<(u16, u16)>,
    /// Every rule weight is 1 (the multiplication by the weight can be skipped).
    pub unit_weights: bool,
    /// Some rule has a NOT antecedent (the complements of the degrees are needed).
    pub negation: bool,
    /// Bit `o` set: Sugeno output `o` has a linear term (its rule values are computed from
    /// the inputs instead of read from the consequent table).
    pub linear_outputs: u8,
    /// Bit `i` set: every term of input `i` is a triangle or trapezoid (it has an edge
    /// block in the evaluation tables).
    pub two_edged_inputs: u16,
    /// Where the output rows of the evaluation tables (Sugeno constants and flags, or
    /// Mamdani term positions) start, after the edge blocks.
    pub consequent_offset: usize,
    /// The grid kernel applies: a `grid` of at most 16 × 16 terms, both inputs two-edged,
    /// AND minimum or product (see `Controller::fuzzify_and_fire_grid`).
    pub grid_kernel: bool,
    /// How many partial sums the Sugeno sums use: rule `r` goes into partial `r mod
    /// sugeno_partials`. The column count of a Sugeno controller with the grid layout
    /// ([`sugeno_grid_cols`]), so that a row of rules is one vector of partials; eight
    /// otherwise. Part of the definition of the results (kept by `without_kernels`).
    pub sugeno_partials: u8,
    /// Length of a Sugeno output's rows of the evaluation tables ([`sugeno_row`]).
    pub sugeno_row: usize,
    /// Which whole-evaluation kernel `Controller::evaluate` takes.
    pub kernel: Kernel,
    /// Bit `o` set: every rule concludes a term of output `o` (its concluded flags are all
    /// 1, so the Sugeno total needs no multiplication by them).
    pub complete_outputs: u8,
}

/// The evaluation kernels: faster paths for common shapes, with the general path's results
/// bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// The general path (`Controller::evaluate_general`).
    General,
    /// The Sugeno grid kernel: `grid_kernel`, the grid layout, constant output terms only
    /// (see `Controller::sugeno_grid`).
    SugenoGrid,
    /// The Sugeno window kernel: the Sugeno grid kernel's shape, and both inputs' terms in
    /// a chain where at most two neighbouring terms are non-zero at any input value
    /// ([`windowed`]; see `Controller::sugeno_window`).
    SugenoWindow,
    /// The Mamdani grid kernel: `grid_kernel`, maximum aggregation, minimum or product
    /// implication, every output defuzzified by its centroid and with fewer than 16 terms
    /// (see `Controller::mamdani_grid`).
    MamdaniGrid,
    /// The Mamdani window kernel: the Mamdani grid kernel's shape with both inputs'
    /// terms in a window chain (see `Controller::mamdani_window`).
    MamdaniWindow,
}

impl Plan {
    pub(crate) const fn of(def: &ControllerDef) -> Plan {
        let mut unit_weights = true;
        let mut r = 0;
        while r < def.rules.len() {
            if def.rules[r].weight != 1.0 {
                unit_weights = false;
            }
            r += 1;
        }
        let stride = def.inputs.len() + def.outputs.len();
        let mut negation = false;
        let mut k = 0;
        while k < def.rule_terms.len() {
            if stride > 0 && k % stride < def.inputs.len() && def.rule_terms[k] < 0 {
                negation = true;
            }
            k += 1;
        }
        let mut linear_outputs = 0u8;
        let mut o = 0;
        while o < def.outputs.len() && o < 8 {
            let terms = def.outputs[o].terms;
            let mut t = terms.start as usize;
            while t < terms.end() && t < def.terms.len() {
                if matches!(def.terms[t].description(), Membership::Linear { .. }) {
                    linear_outputs |= 1 << o;
                }
                t += 1;
            }
            o += 1;
        }
        let mut two_edged_inputs = 0u16;
        let mut i = 0;
        while i < def.inputs.len() && i < 16 {
            if two_edged(&def.inputs[i], def.terms) {
                two_edged_inputs |= 1 << i;
            }
            i += 1;
        }
        let grid = grid_of(def);
        let grid_kernel = match grid {
            Some((rows, cols)) => {
                rows as usize <= GRID_TERMS
                    && cols as usize <= GRID_TERMS
                    && two_edged_inputs & 0b11 == 0b11
                    && matches!(def.and, TNorm::Minimum | TNorm::Product)
            }
            None => false,
        };
        let layout_cols = match def.inference {
            Inference::Sugeno => sugeno_grid_cols(def.inputs, def.rules.len()),
            Inference::Mamdani { .. } => None,
        };
        let sugeno_partials = match layout_cols {
            Some(cols) => cols as u8,
            None => SUGENO_LANES as u8,
        };
        let sugeno_grid =
            grid_kernel && layout_cols.is_some() && linear_outputs == 0 && def.outputs.len() <= 8;
        let mut mamdani_grid = grid_kernel
            && matches!(
                def.inference,
                Inference::Mamdani {
                    implication: TNorm::Minimum | TNorm::Product,
                    aggregation: SNorm::Maximum,
                }
            );
        let mut o = 0;
        while o < def.outputs.len() {
            let output = &def.outputs[o];
            if !matches!(output.defuzzifier, crate::Defuzzifier::Centroid) || output.terms.count >= 16 {
                mamdani_grid = false;
            }
            o += 1;
        }
        let mut complete_outputs = 0u8;
        let mut o = 0;
        while o < def.outputs.len() && o < 8 {
            let mut complete = true;
            let mut r = 0;
            while r < def.rules.len() {
                let k = r * stride + def.inputs.len() + o;
                if k >= def.rule_terms.len() || def.rule_terms[k] <= 0 {
                    complete = false;
                }
                r += 1;
            }
            if complete {
                complete_outputs |= 1 << o;
            }
            o += 1;
        }
        Plan {
            grid,
            unit_weights,
            negation,
            linear_outputs,
            two_edged_inputs,
            consequent_offset: edge_len(def.inputs, def.terms),
            grid_kernel,
            sugeno_partials,
            sugeno_row: sugeno_row(def.inputs, def.rules.len()),
            kernel: if sugeno_grid
                && windowed(&def.inputs[0], def.terms)
                && windowed(&def.inputs[1], def.terms)
            {
                Kernel::SugenoWindow
            } else if sugeno_grid {
                Kernel::SugenoGrid
            } else if mamdani_grid
                && windowed(&def.inputs[0], def.terms)
                && windowed(&def.inputs[1], def.terms)
            {
                Kernel::MamdaniWindow
            } else if mamdani_grid {
                Kernel::MamdaniGrid
            } else {
                Kernel::General
            },
            complete_outputs,
        }
    }
}

/// Whether an input's terms (all triangles or trapezoids) allow the window kernel: at
/// least two of them, and for every `x` at most two neighbouring terms are non-zero, found
/// from the number `k` of terms whose rising foot lies below `x` as terms `max(k, 2) - 2`
/// and the next.
///
/// The proof, from the edges as compiled (degree `min(clamp01((x - ra) rs), clamp01((x -
/// fa) fs))`, see [`Term::edges`]): with `rs >= 0` and `fs <= 0` (neither NaN) a degree is
/// positive only where both products are, that is for `ra < x < fa`, whatever `x` is
/// (infinities included: a NaN product clamps to 0). With the rising feet in order, the
/// terms below `x` are the first `k`, and terms `k` on are zero. With `fa(t) <= ra(t + 2)`
/// every term `t <= k - 3` has `fa(t) <= ra(k - 1) < x` and is zero too. Evenly spaced
/// triangles that share their corner points (MATLAB's and fuzzylite's usual partitions,
/// the optimizer's templates) satisfy it exactly.
pub(crate) const fn windowed(input: &InputVariable, terms: &[Term]) -> bool {
    let (start, n) = (input.terms.start as usize, input.terms.count as usize);
    if n < 2 || start + n > terms.len() {
        return false;
    }
    let mut t = 0;
    while t < n {
        let Some([ra, rs, fa, fs]) = terms[start + t].edges() else {
            return false;
        };
        if !(rs >= 0.0 && fs <= 0.0) {
            return false;
        }
        if t + 1 < n {
            match terms[start + t + 1].edges() {
                Some([next, ..]) if next >= ra => {}
                _ => return false,
            }
        }
        if t + 2 < n {
            match terms[start + t + 2].edges() {
                Some([later, ..]) if fa <= later => {}
                _ => return false,
            }
        }
        t += 1;
    }
    true
}

const fn grid_of(def: &ControllerDef) -> Option<(u16, u16)> {
    if def.inputs.len() != 2 || !def.hedged.is_empty() {
        return None;
    }
    let (rows, cols) = (def.inputs[0].terms.count, def.inputs[1].terms.count);
    if def.rules.len() != rows as usize * cols as usize {
        return None;
    }
    let stride = 2 + def.outputs.len();
    let mut r = 0;
    while r < def.rules.len() {
        let (i, j) = (r / cols as usize, r % cols as usize);
        if !matches!(def.rules[r].connective, Connective::And)
            || def.rule_terms[r * stride] as usize != i + 1
            || def.rule_terms[r * stride + 1] as usize != j + 1
        {
            return None;
        }
        r += 1;
    }
    Some((rows, cols))
}
