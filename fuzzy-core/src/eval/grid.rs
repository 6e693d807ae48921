//! The grid kernels (two inputs of triangles or trapezoids, one AND rule per pair of terms):
//! the whole evaluation in one function each, with the general path's results bit for bit,
//! and the input and output stages they share with the window kernels.

use super::edges::{edge_degrees, quad_degrees};
use super::firing::fire_grid_rows;
use super::mamdani::blocks_centroid;
use super::{crisp_value, fallback_value, input_status, rule_part};
use crate::controller::Controller;
use crate::layout::{EDGE_QUAD, GRID_TERMS, GridTables, ROW_SLACK, SMALL_OUTPUT, SUGENO_GROUP, SUGENO_LANES};
use crate::math::abs;
use crate::math::pairwise_in_registers;
use crate::math::rt::{clamp, lane_max, lane_min, min, select_on_compare};
use crate::norm::{SNorm, TNorm};
use crate::rule::Rule;
use crate::status::Status;
use crate::variable::{InputVariable, OutputVariable};

impl<'a> Controller<'a> {
    /// [`Controller::fuzzify`] and [`Controller::fire_rules`] for a controller with the grid
    /// kernel's shape (see `Plan::grid_kernel`): two inputs of at most 16 triangles or
    /// trapezoids, one AND rule per pair of terms, AND minimum or product. The degrees stay
    /// in registers-sized local arrays instead of the working array, and each row of the
    /// grid is fired as one vector. Same values as the general path, bit for bit (same
    /// operations; `tests/suite/engine.rs` compares the two).
    #[inline]
    pub(super) fn fuzzify_and_fire_grid(
        &self,
        inputs: &[f32],
        crisp: &mut [f32],
        strengths: &mut [f32],
    ) -> Status {
        let def = self.def();
        let (Some(input), [x_first, x_second, ..]) = (GridInput::of(def.inputs, inputs), crisp) else {
            return Status::OK;
        };
        let [x1, x2] = input.x;
        let status = input.status();
        (*x_first, *x_second) = (x1, x2);
        let grid = self.grid_tables();
        match def.and {
            TNorm::Minimum => self.fire_grid_kernel(grid, x1, x2, strengths, min),
            _ => self.fire_grid_kernel(grid, x1, x2, strengths, |a, b| a * b),
        }
        status
    }

    /// The strengths of a grid kernel's rules (times their weights) from the two inputs'
    /// crisp values into `strengths` (with its [`ROW_SLACK`]).
    #[inline(always)]
    pub(super) fn fire_grid_kernel(
        &self,
        grid: &GridTables<'_>,
        x1: f32,
        x2: f32,
        strengths: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
    ) {
        let def = self.def();
        let [first, second] = def.inputs else {
            return;
        };
        let (a, b) = (
            edge_degrees::<GRID_TERMS>(grid.first, x1),
            edge_degrees::<GRID_TERMS>(grid.second, x2),
        );
        let (rows, cols) = (first.terms.count as usize, second.terms.count as usize);
        let a = a.get(..rows).unwrap_or(&[]);
        match b.first_chunk::<8>() {
            Some(b8) if cols <= 8 => fire_grid_rows(a, b8, cols, strengths, and),
            _ => fire_grid_rows(a, &b, cols, strengths, and),
        }
        if !self.plan().unit_weights {
            for (s, rule) in strengths.iter_mut().zip(def.rules) {
                *s *= rule.weight;
            }
        }
    }

    /// The whole evaluation of a controller with the Sugeno grid kernel's shape (see
    /// `Kernel::SugenoGrid`: the grid kernel's shape with at most eight columns, Sugeno
    /// inference, constant terms): the second input's degrees in one 8-lane array, the first
    /// input's four at a time, then per output and
    /// per row `i` of the grid the row's strengths `s_ij = AND(a_i, b_j)` as one 8-lane
    /// vector (zeros past the last column), multiplied by the row's chunk of constants and
    /// concluded flags (the tables' grid layout) and added into the partial sums: rule
    /// `i·cols + j` into partial `j`, which is the general path's order for these
    /// controllers (`sugeno_partials` = cols), so the results are the same bit for bit
    /// (`tests/suite/engine.rs`). Nothing is stored in the scratch.
    ///
    /// The lanes past the last column add `0 · 0` to their partial sums, which changes
    /// nothing.
    #[inline(never)]
    pub(super) fn sugeno_grid(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        // A loop over one output is compiled on its own where code size is cheap: the loop
        // over several outputs keeps more values alive (measured on the 7×7 Sugeno: 451 →
        // 401 instructions).
        sugeno_variants!(self.sugeno_grid_with(inputs, outputs))
    }

    /// [`Controller::sugeno_grid`] with its AND norm; `ONE`: the controller has one output.
    #[inline(always)]
    pub(super) fn sugeno_grid_with<const ONE: bool>(
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
        let [x1, x2] = input.x;
        let b = edge_degrees::<SUGENO_LANES>(grid.second, x2);
        // Per output, its groups of constants, then as many groups of flags.
        let groups = plan.sugeno_row / SUGENO_GROUP;
        let mut rest = grid.consequents;
        let cols = input.variables[1].terms.count as usize;
        let mut tally = OutputTally::new();
        let count = if ONE { 1 } else { def.outputs.len() };
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate().take(count) {
            let (z_groups, tail) = rest.split_at_checked(groups).unwrap_or((&[], &[]));
            let (c_groups, tail) = tail.split_at_checked(groups).unwrap_or((&[], &[]));
            rest = tail;
            let rows = GridRows {
                quads: grid.first,
                x: x1,
                b: &b,
                z_groups,
                c_groups,
                rules: def.rules,
                cols,
            };
            // Loops specialised for unit weights and outputs concluded by every rule.
            let complete = plan.complete_outputs & (1 << o) != 0;
            let (weighted, total) = match (plan.unit_weights, complete) {
                (true, true) => rows.sums::<false, true>(&and),
                (true, false) => rows.sums::<false, false>(&and),
                (false, true) => rows.sums::<true, true>(&and),
                (false, false) => rows.sums::<true, false>(&and),
            };
            let (weighted, total) = (pairwise_in_registers(weighted), pairwise_in_registers(total));
            tally.sugeno_output(variable, weighted, total, input.poison, out);
        }
        tally.status(input.status())
    }

    /// The whole evaluation of a Mamdani controller with the Mamdani grid kernel's shape
    /// (see `Kernel::MamdaniGrid`: the grid kernel's shape, maximum aggregation, minimum
    /// or product implication, centroid outputs of fewer than 16 terms): the same steps as
    /// the general path — the grid fired row by row into the scratch, the strengths combined
    /// into term activations, the sampled terms aggregated block by block with the moments
    /// in registers — in one function, without the set stored (the centroid needs only the
    /// moments). Same results bit for bit (`tests/suite/engine.rs`).
    #[inline(never)]
    pub(super) fn mamdani_grid(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        mamdani_variants!(self.mamdani_grid_with(inputs, scratch, outputs))
    }

    /// [`Controller::mamdani_grid`] with its AND norm and its aggregation step `f(g, w, s)`.
    #[inline(always)]
    pub(super) fn mamdani_grid_with(
        &self,
        inputs: &[f32],
        scratch: &mut [f32],
        outputs: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
        f: impl Fn(f32, f32, f32) -> f32,
    ) -> Status {
        let def = self.def();
        let grid = self.grid_tables();
        let Some(input) = GridInput::of(def.inputs, inputs) else {
            return Status::OK;
        };
        let [x1, x2] = input.x;
        let rules = def.rules.len();
        let strengths = scratch.get_mut(..rules + ROW_SLACK).unwrap_or(&mut []);
        self.fire_grid_kernel(grid, x1, x2, strengths, and);
        let strengths = rule_part(strengths, rules);
        let mut table = def.samples;
        let mut tally = OutputTally::new();
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            let activations = self.combine_into_terms::<SMALL_OUTPUT>(o, SNorm::Maximum, strengths);
            // A NaN input: the poison.
            let value = blocks_centroid(&mut table, variable, &activations, &f, &mut tally) + input.poison;
            tally.store(variable, value, true, out);
        }
        tally.status(input.status())
    }
}

/// The input stage of the grid kernels: both inputs' crisp values (see
/// [`crisp_value`]: NaN → `min`, clamped or kept) and `poison` (0, or NaN when an input is
/// NaN or missing: added to every output value it sends them to their fallbacks; never -0,
/// so adding it also turns a -0 into +0). The status bits come from [`GridInput::status`],
/// called after the outputs so that the instructions the outputs wait for come first.
pub(super) struct GridInput<'v> {
    /// the two input variables
    pub(super) variables: [&'v InputVariable; 2],
    raw: [f32; 2],
    pub(super) x: [f32; 2],
    pub(super) poison: f32,
    count: usize,
}

impl<'v> GridInput<'v> {
    /// The input stage of a controller with two input `variables` (`None` for any other
    /// count, which the grid kernels' shape excludes).
    #[inline(always)]
    pub(super) fn of(variables: &'v [InputVariable], inputs: &[f32]) -> Option<GridInput<'v>> {
        let [first, second] = variables else {
            return None;
        };
        let (raw1, raw2) = match inputs {
            [] => (f32::NAN, f32::NAN),
            [a] => (*a, f32::NAN),
            [a, b, ..] => (*a, *b),
        };
        Some(GridInput {
            variables: [first, second],
            raw: [raw1, raw2],
            x: [
                crisp_value(first, Some(&raw1)).0,
                crisp_value(second, Some(&raw2)).0,
            ],
            poison: select_on_compare(raw1.is_nan() | raw2.is_nan(), f32::NAN, 0.0),
            count: inputs.len(),
        })
    }

    /// The input stage's status bits ([`input_status`]).
    #[inline(always)]
    pub(super) fn status(&self) -> Status {
        let ([raw1, raw2], [first, second]) = (self.raw, self.variables);
        // Outside the range (never for NaN: both comparisons are false).
        let outside = |x: f32, v: &InputVariable| (x < v.min) | (x > v.max);
        input_status(
            raw1.is_nan() | raw2.is_nan(),
            outside(raw1, first) | outside(raw2, second),
            self.count != 2,
        )
    }
}

/// The grid kernels' output stage, over all outputs: the smallest total (`Σ s c` or `Σ μ`; a
/// rule fired for every output when it is positive) and the sum of `value · 0` (±0, or NaN
/// when some value was not finite), turned into status bits once at the end.
pub(super) struct OutputTally {
    lowest_total: f32,
    unusable: f32,
}

impl OutputTally {
    #[inline(always)]
    pub(super) fn new() -> OutputTally {
        OutputTally {
            lowest_total: f32::MAX,
            unusable: 0.0,
        }
    }

    /// Notes an output's total (`Σ s c` or `Σ μ`).
    #[inline(always)]
    pub(super) fn total(&mut self, total: f32) {
        self.lowest_total = min(total, self.lowest_total);
    }

    /// Stores an output as [`finish_output`] does: `value` (already NaN when nothing fired
    /// or an input was NaN, and never -0: it has the poison, +0 or NaN, added) when it is
    /// finite, else the output's fallback; clamped into the range when `locked`.
    #[inline(always)]
    pub(super) fn store(&mut self, variable: &OutputVariable, value: f32, locked: bool, out: &mut f32) {
        self.unusable += value * 0.0;
        let computed = abs(value) <= f32::MAX;
        // `+ 0.0` turns -0 into +0; the value needs none (see above), so it is added off the
        // value's path, to the fallback, and after a clamp (a range may end at -0).
        let mut y = select_on_compare(computed, value, fallback_value(variable, *out) + 0.0);
        if locked {
            y = clamp(y, variable.min, variable.max) + 0.0;
        }
        *out = y;
    }

    /// Stores a Sugeno output from its sums `Σ s z` and `Σ s c` ([`OutputTally::store`]): the
    /// weighted average or sum, NaN unless a rule fired (`Σ s c > 0`) and no input was NaN
    /// (`poison`).
    #[inline(always)]
    pub(super) fn sugeno_output(
        &mut self,
        variable: &OutputVariable,
        weighted: f32,
        total: f32,
        poison: f32,
        out: &mut f32,
    ) {
        self.total(total);
        let value = match variable.defuzzifier {
            crate::Defuzzifier::WeightedSum => weighted + select_on_compare(total > 0.0, 0.0, f32::NAN),
            // Not fired: `Σ s c = 0`, so every rule has `s = 0` or concludes nothing
            // (`z = 0`), and `0 / 0` is NaN.
            _ => weighted / total,
        } + poison;
        self.store(variable, value, variable.lock_range, out);
    }

    /// The evaluation's status bits: the input stage's and the outputs'.
    #[inline(always)]
    pub(super) fn status(self, input: Status) -> Status {
        input
            .with_if(Status::NO_RULE_FIRED, !(self.lowest_total > 0.0))
            .with_if(Status::FALLBACK, self.unusable.is_nan())
    }
}

/// One output's view of a Sugeno grid (see `Controller::sugeno_grid`).
pub(super) struct GridRows<'r> {
    /// the first input's edge groups (their degrees give the rows' first antecedents)
    quads: &'r [[f32; EDGE_QUAD]],
    /// the first input's crisp value
    x: f32,
    /// the second input's degrees, zeros past the last column
    b: &'r [f32; SUGENO_LANES],
    /// per group of four rows, the constants the rows' rules conclude (grid layout)
    z_groups: &'r [[f32; SUGENO_GROUP]],
    /// per group of four rows, whether the rows' rules conclude a term of the output
    c_groups: &'r [[f32; SUGENO_GROUP]],
    rules: &'r [Rule],
    cols: usize,
}

impl GridRows<'_> {
    /// The partial sums `(Σ s z, Σ s c)`, row by row (rule `i·cols + j` into partial `j`).
    /// `WEIGHTED`: multiply the strengths by the rule weights; `COMPLETE`: every flag of a
    /// column is 1, so `Σ s c = Σ s` (`s · 1 = s` exactly; past the last column `s` is 0,
    /// like the flag).
    #[inline(always)]
    pub(super) fn sums<const WEIGHTED: bool, const COMPLETE: bool>(
        &self,
        and: &impl Fn(f32, f32) -> f32,
    ) -> ([f32; SUGENO_LANES], [f32; SUGENO_LANES]) {
        let mut weighted = [0.0f32; SUGENO_LANES];
        let mut total = [0.0f32; SUGENO_LANES];
        // Four rows per group of the first input's terms (the table's rows are padded to
        // whole groups with zeros, the padding degrees are 0): the group's degrees stay in
        // one vector register and each row's is broadcast from a fixed lane. Storing the
        // degrees and reloading them one by one was slower: a 4-byte load from inside a
        // 16-byte store waits for the store to complete.
        let groups = self.quads.iter().zip(self.z_groups).zip(self.c_groups);
        for (q, ((quad, z4), c4)) in groups.enumerate() {
            let a4 = quad_degrees(quad, self.x);
            let (z4, _) = z4.as_chunks::<SUGENO_LANES>();
            let (c4, _) = c4.as_chunks::<SUGENO_LANES>();
            for l in 0..4 {
                let (a, z, c) = (a4[l], &z4[l], &c4[l]);
                let mut s: [f32; SUGENO_LANES] = core::array::from_fn(|k| and(a, self.b[k]));
                if WEIGHTED {
                    let first = (4 * q + l) * self.cols;
                    let weights = self.rules.get(first..).unwrap_or(&[]).iter().take(self.cols);
                    for (s, rule) in s.iter_mut().zip(weights) {
                        *s *= rule.weight;
                    }
                }
                for ((w, s), z) in weighted.iter_mut().zip(&s).zip(z) {
                    *w += *s * *z;
                }
                if COMPLETE {
                    for (t, s) in total.iter_mut().zip(&s) {
                        *t += *s;
                    }
                } else {
                    for ((t, s), c) in total.iter_mut().zip(&s).zip(c) {
                        *t += *s * *c;
                    }
                }
            }
        }
        (weighted, total)
    }
}
