//! The window kernels: the grid kernels' shape with both inputs' terms in a chain where at
//! most two neighbouring terms are non-zero at any input (`windowed` in the plan); only the
//! four rules of the two pairs of terms are fired, with the general path's results bit for
//! bit.

use super::grid::{GridInput, OutputTally};
use super::mamdani::blocks_centroid;
use crate::controller::Controller;
use crate::layout::{SMALL_OUTPUT, SUGENO_LANES, WindowTables, stored_index};
use crate::math::rt::{lane_max, lane_min, max, min};
use crate::norm::TNorm;
use crate::status::Status;

impl<'a> Controller<'a> {
    /// The whole evaluation of a controller with the Sugeno window kernel's shape (see
    /// `Kernel::SugenoWindow`: the Sugeno grid kernel's shape, and both inputs' terms
    /// in a chain where at most two neighbouring terms are non-zero at any input value,
    /// see `windowed`): per input the first term of that pair from the number of rising
    /// feet below the input ([`window_degrees`]), the pair's two degrees, the four rules
    /// of the two pairs fired, and per output the weighted sums of those four rules.
    ///
    /// Same results as the general path bit for bit: every other rule has a zero strength
    /// (a zero degree gives 0 with minimum and product, and times a weight), so its products
    /// are ±0, and the general path's partial sums (start at +0, rule `i·cols + j` into
    /// partial `j`, rows in order) reduce to `s_ij z_ij + s_(i+1)j z_(i+1)j` in partials `j`
    /// and `j + 1` — adding ±0 to a sum that is never -0 changes nothing — and their
    /// pairwise sum reduces to one addition of those two partials (neighbouring partials
    /// meet only in the last step). The one difference, both partials -0 where the general
    /// path has +0, makes no difference in the output: a zero value gets the poison (+0 or
    /// NaN) added, which turns -0 into +0. `tests/suite/engine.rs` compares the kernels
    /// with the general path.
    ///
    /// Fixed time: the instructions are the same for every input; the two tables' entries
    /// it loads depend on the input (the kernel's tables are a few hundred bytes).
    #[inline(never)]
    pub(super) fn sugeno_window(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        sugeno_variants!(self.sugeno_window_with(inputs, outputs))
    }

    /// [`Controller::sugeno_window`] with its AND norm; `ONE`: the controller has one output.
    /// (Out of line: each instance saves only the registers it uses.)
    #[inline(never)]
    pub(super) fn sugeno_window_with<const ONE: bool>(
        &self,
        inputs: &[f32],
        outputs: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
    ) -> Status {
        let def = self.def();
        let plan = self.plan();
        let grid = self.grid_tables();
        let Some(input) = GridInput::of(def.inputs, inputs) else {
            return Status::OK;
        };
        // (The tables of a controller with this shape always have the entries read there:
        // the early return is never taken, and spares the kernel default values.)
        let Some(WindowRules { i, j, s, .. }) = self.window_rules(&input, and) else {
            return Status::OK;
        };
        // The four rules' entries in a Sugeno row (grid layout: eight entries per grid row).
        let entries = grid.consequents.as_flattened();
        let at = i * SUGENO_LANES + j;
        let four = |row: usize| {
            let chunk = entries
                .get(row * plan.sugeno_row + at..)
                .and_then(|e| e.first_chunk::<{ SUGENO_LANES + 2 }>());
            chunk.map(|e| [e[0], e[1], e[SUGENO_LANES], e[SUGENO_LANES + 1]])
        };
        let mut tally = OutputTally::new();
        let count = if ONE { 1 } else { def.outputs.len() };
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate().take(count) {
            let Some(z) = four(2 * o) else {
                break;
            };
            // The partials of columns j and j + 1, rows i then i + 1.
            let weighted = (s[0] * z[0] + s[2] * z[2]) + (s[1] * z[1] + s[3] * z[3]);
            let total = if plan.complete_outputs & (1 << o) != 0 {
                (s[0] + s[2]) + (s[1] + s[3])
            } else {
                let c = four(2 * o + 1).unwrap_or([0.0; 4]);
                (s[0] * c[0] + s[2] * c[2]) + (s[1] * c[1] + s[3] * c[3])
            };
            tally.sugeno_output(variable, weighted, total, input.poison, out);
        }
        tally.status(input.status())
    }

    /// The window kernels' firing: both inputs' windows ([`window_degrees`]) and the
    /// strengths of the four rules of their pairs of terms, `AND(a, b)` times the weight,
    /// as the general path computes them. `None` only for tables without window blocks.
    #[inline(always)]
    pub(super) fn window_rules(
        &self,
        input: &GridInput<'_>,
        and: impl Fn(f32, f32) -> f32,
    ) -> Option<WindowRules> {
        let def = self.def();
        let [window1, window2] = &self.grid_tables().windows;
        let (i, a) = window_degrees(window1, input.x[0])?;
        let (j, b) = window_degrees(window2, input.x[1])?;
        let cols = input.variables[1].terms.count as usize;
        let first = i * cols + j;
        // Rules (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1).
        let mut s = [and(a[0], b[0]), and(a[0], b[1]), and(a[1], b[0]), and(a[1], b[1])];
        if !self.plan().unit_weights {
            for (s, r) in s
                .iter_mut()
                .zip([first, first + 1, first + cols, first + cols + 1])
            {
                *s *= def.rules.get(r).map_or(0.0, |rule| rule.weight);
            }
        }
        Some(WindowRules { i, j, first, cols, s })
    }

    /// The whole evaluation of a Mamdani controller with the Mamdani window kernel's shape
    /// (`Kernel::MamdaniWindow`: the Mamdani grid kernel's shape, both inputs' terms in a
    /// window chain, see `windowed`): the four rules of the inputs' pairs of terms fired
    /// ([`Controller::window_rules`]) and combined into the term activations by maximum,
    /// then the Mamdani grid kernel's aggregation.
    ///
    /// Same results as the general path bit for bit: every other rule has strength +0,
    /// which leaves a maximum of strengths (all `>= +0`, none NaN) unchanged, and the
    /// maximum is exact and does not depend on the order. `tests/suite/engine.rs` compares
    /// the kernels with the general path.
    #[inline(never)]
    pub(super) fn mamdani_window(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        mamdani_variants!(self.mamdani_window_with(inputs, outputs))
    }

    /// [`Controller::mamdani_window`] with its AND norm and its aggregation step `f(g, w, s)`.
    #[inline(always)]
    pub(super) fn mamdani_window_with(
        &self,
        inputs: &[f32],
        outputs: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
        f: impl Fn(f32, f32, f32) -> f32,
    ) -> Status {
        let def = self.def();
        let Some(input) = GridInput::of(def.inputs, inputs) else {
            return Status::OK;
        };
        // (Never `None` for a controller with this shape; see `sugeno_window_with`.)
        let Some(WindowRules {
            first: r, cols, s, ..
        }) = self.window_rules(&input, and)
        else {
            return Status::OK;
        };
        let rules = [r, r + 1, r + cols, r + cols + 1];
        let mut tally = OutputTally::new();
        let mut table = def.samples;
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            // The four rules' concluded terms (see `combine_into_terms`), by maximum.
            let start = self.plan().consequent_offset + o * def.rules.len();
            let column = def.tables.get(start..).unwrap_or(&[]);
            let mut activations = [0.0f32; SMALL_OUTPUT];
            for (r, s) in rules.iter().zip(s) {
                let target = column
                    .get(*r)
                    .map_or(SMALL_OUTPUT - 1, |t| stored_index(*t) & (SMALL_OUTPUT - 1));
                if let Some(a) = activations.get_mut(target) {
                    *a = max(*a, s);
                }
            }
            let value = blocks_centroid(&mut table, variable, &activations, &f, &mut tally) + input.poison;
            tally.store(variable, value, true, out);
        }
        tally.status(input.status())
    }
}

/// The four rules a window kernel fires (see `Controller::window_rules`): rule
/// `first = i·cols + j`, its right neighbour and the two below them.
pub(super) struct WindowRules {
    /// the first input's pair starts at term `i`
    i: usize,
    /// the second input's pair starts at term `j`
    j: usize,
    /// rule (i, j)
    first: usize,
    /// the second input's term count (rules per grid row)
    cols: usize,
    /// strengths of rules (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1)
    s: [f32; 4],
}

/// The window of `x` in an input's terms (see `windowed` in `controller/plan.rs`): the first
/// term `w` of the two neighbouring terms outside which every degree is 0 — with `k` terms
/// whose rising foot lies below `x`, `w = max(k, 2) - 2`, the number of such terms from the
/// third on — and the degrees of terms `w` and `w + 1`, computed as [`quad_degrees`] does
/// (bit for bit).
#[inline(always)]
pub(super) fn window_degrees(window: &WindowTables<'_>, x: f32) -> Option<(usize, [f32; 2])> {
    // The padding's feet are +inf: never below `x`.
    let below = |feet: &[f32; 8]| feet.iter().map(|foot| (*foot < x) as usize).sum::<usize>();
    let w = match window.starts.split_first_chunk::<8>() {
        Some((low, rest)) => below(low) + rest.first_chunk::<8>().map_or(0, below),
        None => 0,
    };
    let [ra, fa, rb, fb, rs, fs, rt, ft] = *window.pairs.get(w)?;
    let (feet, slopes) = ([ra, fa, rb, fb], [rs, fs, rt, ft]);
    let clamp01 = |v: f32| lane_min(lane_max(v, 0.0), 1.0);
    let v: [f32; 4] = core::array::from_fn(|l| clamp01((x - feet[l]) * slopes[l]));
    // Each lane with its neighbour: the degrees in lanes 0 and 2.
    let d: [f32; 4] = core::array::from_fn(|l| lane_min(v[l], v[l ^ 1]));
    Some((w, [d[0], d[2]]))
}
