//! Fixed-time evaluation.
//!
//! The sequence of operations depends on the controller's structure only: every input is
//! fuzzified against every one of its terms, every rule is fired, every rule's strength is
//! combined into every output, every output sample is aggregated and defuzzified, whatever
//! the input values. Data-dependent decisions (NaN, clamping, empty set, fallback) are made
//! with branch-free selects ([`crate::math::rt`]). Branches below test structure (operators,
//! input count, term kinds, which output a rule concludes) and the caller's buffer lengths,
//! never input values.
//!
//! Steps and the scratch layout (`scratch_len` values):
//! 1. crisp inputs (`inputs` values): NaN → `min` (and a fallback later), range handling;
//! 2. working array ([`Slots`]): the constants 0 and 1, each input term's degree and (when
//!    a rule uses NOT) its complement;
//! 3. rule strengths (`rules` values): the antecedents read from the working array through
//!    the compiled rule table, combined with the AND or OR norm, times the weight;
//! 4. per output: the strengths of the rules concluding each term are combined into the
//!    term's slot (sum for Sugeno; the aggregation for Mamdani when it allows — `max` with
//!    any implication, unbounded sum with product — so that the sampled output terms are
//!    touched once per term instead of once per rule); Mamdani outputs aggregate the sampled
//!    terms (`samples` values) and defuzzify.
//!
//! Two kernels take the common 2-input grids (one AND rule per pair of triangle/trapezoid
//! terms) through the same steps in one function each, with the same results bit for bit:
//! `Controller::sugeno_grid` (constant Sugeno terms; nothing in the scratch) and
//! `Controller::mamdani_grid` (maximum aggregation, centroid outputs; only the rule
//! strengths in the scratch). When both inputs' terms form a chain in which at most two
//! neighbouring terms are non-zero at any input (`windowed` in `controller.rs`: evenly
//! spaced triangles sharing their corners, the optimizer's templates), the *window
//! kernels* `Controller::sugeno_window` and `Controller::mamdani_window` fire only the four
//! rules of the two pairs of terms that can be non-zero: every other rule's strength is
//! exactly zero and changes no sum or maximum, so the results are again the same bit for
//! bit. They find the pairs by counting (a fixed number of comparisons), so their
//! instruction sequence is fixed too; they read the four rules' entries at
//! input-dependent positions ([`Controller::without_window_kernels`] keeps every read at a
//! fixed position). [`Controller::evaluate`] dispatches on the controller's structure
//! (one jump), which folds at compile time for a `static` controller.

use crate::controller::{
    Controller, EDGE_LANES, GridTables, Inference, Kernel, MAX_TERMS_PER_VARIABLE, SAMPLE_BLOCK, SAMPLE_ROW,
    Slots, WindowTables, activation_slots, edge_row,
};
use crate::defuzzify::{Moments, defuzzify_with};
use crate::math::rt::{clamp, lane_max, lane_min, max, min, select, select_on_compare};
use crate::math::{abs, pairwise, pairwise_in_registers};
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Rule};
use crate::status::Status;
use crate::variable::{Fallback, InputVariable, OutOfRange, OutputVariable};

/// `values[index]`, or 0 for an index outside (never the case for a validated controller).
#[inline(always)]
fn load(values: &[f32], index: u16) -> f32 {
    match values.get(index as usize) {
        Some(v) => *v,
        None => 0.0,
    }
}

/// `self.$kernel::<ONE>(inputs, outputs, and)` for a Sugeno kernel: its instance for the
/// controller's AND norm (minimum, else product: the kernels' shape allows only these) and
/// for one output (`ONE`, where [`SUGENO_ONE_OUTPUT_LOOP`]) or several.
macro_rules! sugeno_variants {
    ($self:ident . $kernel:ident ($inputs:expr, $outputs:expr)) => {{
        let one = SUGENO_ONE_OUTPUT_LOOP && $self.def().outputs.len() == 1;
        match ($self.def().and, one) {
            (TNorm::Minimum, true) => $self.$kernel::<true>($inputs, $outputs, min),
            (TNorm::Minimum, false) => $self.$kernel::<false>($inputs, $outputs, min),
            (_, true) => $self.$kernel::<true>($inputs, $outputs, |a, b| a * b),
            (_, false) => $self.$kernel::<false>($inputs, $outputs, |a, b| a * b),
        }
    }};
}

/// `self.$kernel(args.., and, f)` for a Mamdani kernel: its instance for the controller's
/// AND norm and implication (minimum, else product: the kernels' shape allows only these),
/// `f(g, w, s)` the aggregation step of the maximum aggregation the kernels take.
macro_rules! mamdani_variants {
    ($self:ident . $kernel:ident ($($arg:expr),*)) => {{
        match ($self.def().and, $self.mamdani_implication()) {
            (TNorm::Minimum, TNorm::Minimum) => {
                $self.$kernel($($arg,)* min, |g, w, s| lane_max(g, lane_min(w, s)))
            }
            (TNorm::Minimum, _) => $self.$kernel($($arg,)* min, |g, w, s| lane_max(g, w * s)),
            (_, TNorm::Minimum) => {
                $self.$kernel($($arg,)* |a, b| a * b, |g, w, s| lane_max(g, lane_min(w, s)))
            }
            _ => $self.$kernel($($arg,)* |a, b| a * b, |g, w, s| lane_max(g, w * s)),
        }
    }};
}

/// Scratch split into its parts.
struct Work<'s> {
    crisp: &'s mut [f32],
    slots: &'s mut [f32],
    /// one value per rule, then [`ROW_SLACK`] values that the grid firing may overwrite
    strengths: &'s mut [f32],
    set: &'s mut [f32],
}

/// Room after the rule strengths for the grid firing's whole-vector row stores (see
/// `fire_grid`): rows of up to this many strengths are written as one fixed-size array.
pub(crate) const ROW_SLACK: usize = 16;

/// The rule strengths in a strengths area (the first `rules` values).
#[inline(always)]
fn rule_part(strengths: &[f32], rules: usize) -> &[f32] {
    strengths.get(..rules).unwrap_or(strengths)
}

impl<'a> Controller<'a> {
    /// Evaluates the controller.
    ///
    /// - `inputs`: one crisp value per input variable. NaN (or a missing value) makes every
    ///   output take its [`Fallback`] and sets [`Status::NAN_INPUT`]. Values outside the
    ///   range are clamped (or extended, see [`OutOfRange`]) and set
    ///   [`Status::INPUT_OUT_OF_RANGE`].
    /// - `scratch`: working memory of at least [`Controller::scratch_len`] values; its
    ///   contents on entry do not matter.
    /// - `outputs`: one value per output variable. On entry it holds the previous outputs
    ///   (used by [`Fallback::Hold`]); on return the new ones. Outputs are always finite
    ///   (and never -0); Mamdani outputs (and Sugeno outputs with `lock_range`) lie inside
    ///   their range.
    ///
    /// If a buffer is too short nothing is evaluated: the outputs that exist are set to their
    /// range midpoints and [`Status::BUFFER_TOO_SMALL`] is returned.
    #[inline]
    pub fn evaluate(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        let ready = scratch.len() >= self.scratch_len() && outputs.len() >= self.def().outputs.len();
        match self.shape().kernel {
            Kernel::SugenoWindow if ready => self.sugeno_window(inputs, outputs),
            Kernel::SugenoGrid if ready => self.sugeno_grid(inputs, outputs),
            Kernel::MamdaniGrid if ready => self.mamdani_grid(inputs, scratch, outputs),
            Kernel::MamdaniWindow if ready => self.mamdani_window(inputs, outputs),
            _ => self.evaluate_general(inputs, scratch, outputs),
        }
    }

    /// [`Controller::evaluate`] without the Sugeno grid kernel (kept out of line so that the
    /// kernel's callers do not pay for this function's stack frame).
    #[inline(never)]
    fn evaluate_general(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        let def = self.def();
        let Some(mut work) = self.split(scratch).filter(|_| outputs.len() >= def.outputs.len()) else {
            for (out, variable) in outputs.iter_mut().zip(def.outputs) {
                *out = variable.midpoint();
            }
            return Status::BUFFER_TOO_SMALL;
        };
        let status = if self.shape().grid_kernel {
            self.fuzzify_and_fire_grid(inputs, work.crisp, work.strengths)
        } else {
            let status = self.fuzzify(inputs, work.crisp, work.slots);
            self.fire_rules(work.slots, work.strengths);
            status
        };
        // Zero strengths after the last rule: the Sugeno sums run over whole chunks of
        // eight rules (and the grid firing may have written there).
        if let Some(slack) = work
            .strengths
            .get_mut(def.rules.len()..)
            .and_then(|s| s.first_chunk_mut::<ROW_SLACK>())
        {
            *slack = [0.0; ROW_SLACK];
        }
        match def.inference {
            Inference::Sugeno => self.sugeno_outputs(status, &mut work, outputs),
            Inference::Mamdani {
                implication,
                aggregation,
            } => self.mamdani_outputs(status, implication, aggregation, &mut work, outputs),
        }
    }

    /// The outputs of a Sugeno controller (kept out of line: a function of its own per
    /// inference keeps each one's values in registers).
    #[inline(never)]
    fn sugeno_outputs(&self, mut status: Status, work: &mut Work<'_>, outputs: &mut [f32]) -> Status {
        let def = self.def();
        let nan = status.contains(Status::NAN_INPUT);
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            let (value, fired) = self.sugeno_output(o, variable, work.crisp, work.strengths, work.slots);
            status |= finish_output(variable, value, fired, nan, variable.lock_range, out);
        }
        status
    }

    /// The outputs of a Mamdani controller (see [`Controller::sugeno_outputs`]).
    #[inline(never)]
    fn mamdani_outputs(
        &self,
        mut status: Status,
        implication: TNorm,
        aggregation: SNorm,
        work: &mut Work<'_>,
        outputs: &mut [f32],
    ) -> Status {
        let def = self.def();
        let nan = status.contains(Status::NAN_INPUT);
        let mut sample_offset = 0usize;
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            let mut moments = Moments::new();
            sample_offset += self.aggregate_output(
                o,
                variable,
                implication,
                aggregation,
                sample_offset,
                &mut moments,
                work,
            );
            let set = work.set.get(..variable.sampling.count()).unwrap_or(&[]);
            let (x0, dx) = variable.sampling.grid(variable.min, variable.max);
            let (value, fired) = defuzzify_with(variable.defuzzifier, set, &moments, x0, dx);
            status |= finish_output(variable, value, fired, nan, true, out);
        }
        status
    }

    /// Firing strength × weight of every rule, in rule order, into `strengths` (as many as
    /// fit). Same input handling as [`Controller::evaluate`]; for inspection and tests.
    pub fn rule_strengths(&self, inputs: &[f32], scratch: &mut [f32], strengths: &mut [f32]) -> Status {
        let Some(work) = self.split(scratch) else {
            return Status::BUFFER_TOO_SMALL;
        };
        let status = self.fuzzify(inputs, work.crisp, work.slots);
        self.fire_rules(work.slots, work.strengths);
        let fired = rule_part(work.strengths, self.def().rules.len());
        for (out, strength) in strengths.iter_mut().zip(fired) {
            *out = *strength;
        }
        status
    }

    /// The aggregated fuzzy set of Mamdani output `output` for `inputs`, sampled at the
    /// output's sample points (see [`crate::Sampling::position`]); a slice of `scratch`.
    /// Empty for Sugeno controllers, a missing output or a short scratch buffer. For plots
    /// and inspection; [`Controller::evaluate`] defuzzifies the same set.
    pub fn aggregated_set<'s>(&self, inputs: &[f32], scratch: &'s mut [f32], output: usize) -> &'s [f32] {
        let def = self.def();
        let (
            Inference::Mamdani {
                implication,
                aggregation,
            },
            Some(variable),
        ) = (def.inference, def.outputs.get(output))
        else {
            return &mut [];
        };
        let Some(work) = self.split(scratch) else {
            return &mut [];
        };
        // Skip the tables of the outputs before this one, block header by block header.
        let mut offset = 0usize;
        for v in def.outputs.iter().take(output) {
            for _ in 0..v.sampling.stored_count() / SAMPLE_BLOCK {
                let rows = def.samples.get(offset).map_or(0, |c| c.to_bits() as usize);
                offset += 1 + rows * SAMPLE_ROW;
            }
        }
        self.fuzzify(inputs, work.crisp, work.slots);
        self.fire_rules(work.slots, work.strengths);
        let mut work = work;
        let mut moments = Moments::new();
        self.aggregate_output(
            output,
            variable,
            implication,
            aggregation,
            offset,
            &mut moments,
            &mut work,
        );
        let set: &'s [f32] = work.set;
        set.get(..variable.sampling.count()).unwrap_or(&[])
    }

    /// Aggregates Mamdani output `o`, whose sampled terms start at `offset` in the sample
    /// table, into the front of the scratch's set area, and accumulates its `moments`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn aggregate_output(
        &self,
        o: usize,
        variable: &OutputVariable,
        implication: TNorm,
        aggregation: SNorm,
        offset: usize,
        moments: &mut Moments,
        work: &mut Work<'_>,
    ) -> usize {
        let n = variable.sampling.stored_count();
        let table = self.def().samples.get(offset..).unwrap_or(&[]);
        let set = work.set.get_mut(..n).unwrap_or(&mut []);
        self.aggregate(
            o,
            variable,
            implication,
            aggregation,
            table,
            rule_part(work.strengths, self.def().rules.len()),
            set,
            moments,
        )
    }

    /// Splits `scratch` into its parts, or `None` when it is too short.
    fn split<'s>(&self, scratch: &'s mut [f32]) -> Option<Work<'s>> {
        let def = self.def();
        if scratch.len() < self.scratch_len() {
            return None;
        }
        // The checked splits cannot fail after the length test; they keep panics out.
        let (crisp, rest) = scratch.split_at_mut_checked(def.inputs.len())?;
        let (slots, rest) = rest.split_at_mut_checked(
            Slots {
                terms: def.terms.len(),
            }
            .len(),
        )?;
        let (strengths, set) = rest.split_at_mut_checked(def.rules.len() + ROW_SLACK)?;
        Some(Work {
            crisp,
            slots,
            strengths,
            set,
        })
    }

    /// Stores the crisp inputs (after NaN and range handling) and fills the working array:
    /// the constants, every input term's degree and its complement.
    #[inline]
    fn fuzzify(&self, inputs: &[f32], crisp: &mut [f32], slots: &mut [f32]) -> Status {
        let def = self.def();
        let layout = Slots {
            terms: def.terms.len(),
        };
        if let [zero, one, ..] = slots {
            (*zero, *one) = (0.0, 1.0);
        }
        let mut nan = false;
        let mut outside = false;
        // The edge blocks of the two-edged inputs, in input order.
        let mut edges = def.tables;
        for (i, (variable, x_out)) in def.inputs.iter().zip(crisp.iter_mut()).enumerate() {
            let (x, is_nan, is_outside) = crisp_value(variable, inputs.get(i));
            nan |= is_nan;
            outside |= is_outside;
            *x_out = x;
            let (start, end) = (variable.terms.start as usize, variable.terms.end());
            let (first, first_complement) = (layout.term(start), layout.complement(start));
            if let (Some(terms), Some(degrees)) = (
                def.terms.get(start..end),
                slots.get_mut(first..first + (end - start)),
            ) {
                if self.shape().two_edged_inputs & (1 << i) != 0 {
                    let row = edge_row(variable);
                    let (block, rest) = edges.split_at_checked(4 * row).unwrap_or((&[], &[]));
                    edges = rest;
                    edge_degrees_into(block, x, degrees);
                } else {
                    for (term, degree) in terms.iter().zip(degrees.iter_mut()) {
                        *degree = term.membership(x, def.params);
                    }
                }
            }
            // Complements for NOT (only when a rule uses NOT: structure), in a second
            // (vectorisable) pass over the same range.
            let region = if self.shape().negation {
                slots.get_mut(first..first_complement + (end - start))
            } else {
                None
            };
            if let Some((degrees, complements)) =
                region.and_then(|s| s.split_at_mut_checked(first_complement - first))
            {
                for (c, d) in complements.iter_mut().zip(degrees) {
                    *c = 1.0 - *d;
                }
            }
        }
        input_status(nan, outside, inputs.len() != def.inputs.len())
    }

    /// [`Controller::fuzzify`] and [`Controller::fire_rules`] for a controller with the grid
    /// kernel's shape (see `RuleShape::grid_kernel`): two inputs of at most 16 triangles or
    /// trapezoids, one AND rule per pair of terms, AND minimum or product. The degrees stay
    /// in registers-sized local arrays instead of the working array, and each row of the
    /// grid is fired as one vector. Same values as the general path, bit for bit (same
    /// operations; `tests/suite/engine.rs` compares the two).
    #[inline]
    fn fuzzify_and_fire_grid(&self, inputs: &[f32], crisp: &mut [f32], strengths: &mut [f32]) -> Status {
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
    fn fire_grid_kernel(
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
        if !self.shape().unit_weights {
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
    /// controllers (`sugeno_lanes` = cols), so the results are the same bit for bit
    /// (`tests/suite/engine.rs`). Nothing is stored in the scratch.
    ///
    /// The lanes past the last column add `0 · 0` to their partial sums, which changes
    /// nothing.
    #[inline(never)]
    fn sugeno_grid(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        // A loop over one output is compiled on its own where code size is cheap: the loop
        // over several outputs keeps more values alive (measured on the 7×7 Sugeno: 451 →
        // 401 instructions).
        sugeno_variants!(self.sugeno_grid_with(inputs, outputs))
    }

    /// [`Controller::sugeno_grid`] with its AND norm; `ONE`: the controller has one output.
    #[inline(always)]
    fn sugeno_grid_with<const ONE: bool>(
        &self,
        inputs: &[f32],
        outputs: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
    ) -> Status {
        let def = self.def();
        let shape = self.shape();
        let grid = self.grid_tables();
        let Some(input) = GridInput::of(def.inputs, inputs) else {
            return Status::OK;
        };
        let [x1, x2] = input.x;
        let b = edge_degrees::<SUGENO_LANES>(grid.second, x2);
        // Per output, its groups of constants, then as many groups of flags.
        let groups = shape.sugeno_row / SUGENO_GROUP;
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
            let complete = shape.complete_outputs & (1 << o) != 0;
            let (weighted, total) = match (shape.unit_weights, complete) {
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
    fn sugeno_window(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        sugeno_variants!(self.sugeno_window_with(inputs, outputs))
    }

    /// [`Controller::sugeno_window`] with its AND norm; `ONE`: the controller has one output.
    /// (Out of line: each instance saves only the registers it uses.)
    #[inline(never)]
    fn sugeno_window_with<const ONE: bool>(
        &self,
        inputs: &[f32],
        outputs: &mut [f32],
        and: impl Fn(f32, f32) -> f32,
    ) -> Status {
        let def = self.def();
        let shape = self.shape();
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
                .get(row * shape.sugeno_row + at..)
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
            let total = if shape.complete_outputs & (1 << o) != 0 {
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
    fn window_rules(&self, input: &GridInput<'_>, and: impl Fn(f32, f32) -> f32) -> Option<WindowRules> {
        let def = self.def();
        let [window1, window2] = &self.grid_tables().windows;
        let (i, a) = window_degrees(window1, input.x[0])?;
        let (j, b) = window_degrees(window2, input.x[1])?;
        let cols = input.variables[1].terms.count as usize;
        let first = i * cols + j;
        // Rules (i, j), (i, j + 1), (i + 1, j), (i + 1, j + 1).
        let mut s = [and(a[0], b[0]), and(a[0], b[1]), and(a[1], b[0]), and(a[1], b[1])];
        if !self.shape().unit_weights {
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
    fn mamdani_window(&self, inputs: &[f32], outputs: &mut [f32]) -> Status {
        mamdani_variants!(self.mamdani_window_with(inputs, outputs))
    }

    /// [`Controller::mamdani_window`] with its AND norm and its aggregation step `f(g, w, s)`.
    #[inline(always)]
    fn mamdani_window_with(
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
            let start = self.shape().consequent_offset + o * def.rules.len();
            let column = def.tables.get(start..).unwrap_or(&[]);
            let mut activations = [0.0f32; SMALL_OUTPUT];
            for (r, s) in rules.iter().zip(s) {
                let target = column
                    .get(*r)
                    .map_or(SMALL_OUTPUT - 1, |t| t.to_bits() as usize & (SMALL_OUTPUT - 1));
                if let Some(a) = activations.get_mut(target) {
                    *a = max(*a, s);
                }
            }
            let value = blocks_centroid(&mut table, variable, &activations, &f, &mut tally) + input.poison;
            tally.store(variable, value, true, out);
        }
        tally.status(input.status())
    }

    /// The implication of a Mamdani controller (minimum for Sugeno, which has none).
    fn mamdani_implication(&self) -> TNorm {
        match self.def().inference {
            Inference::Mamdani { implication, .. } => implication,
            Inference::Sugeno => TNorm::Minimum,
        }
    }

    /// The whole evaluation of a Mamdani controller with the Mamdani grid kernel's shape
    /// (see `Kernel::MamdaniGrid`: the grid kernel's shape, maximum aggregation, minimum
    /// or product implication, centroid outputs of fewer than 16 terms): the same steps as
    /// the general path — the grid fired row by row into the scratch, the strengths combined
    /// into term activations, the sampled terms aggregated block by block with the moments
    /// in registers — in one function, without the set stored (the centroid needs only the
    /// moments). Same results bit for bit (`tests/suite/engine.rs`).
    #[inline(never)]
    fn mamdani_grid(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        mamdani_variants!(self.mamdani_grid_with(inputs, scratch, outputs))
    }

    /// [`Controller::mamdani_grid`] with its AND norm and its aggregation step `f(g, w, s)`.
    #[inline(always)]
    fn mamdani_grid_with(
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

    /// Strength of every rule into `strengths`, with the norm loops specialised for the
    /// common operators and input counts.
    #[inline]
    fn fire_rules(&self, slots: &[f32], strengths: &mut [f32]) {
        let def = self.def();
        match (def.and, def.or) {
            (TNorm::Minimum, SNorm::Maximum) => self.fire_with(slots, strengths, min, max),
            (TNorm::Product, SNorm::Maximum) => self.fire_with(slots, strengths, |a, b| a * b, max),
            (TNorm::Product, SNorm::ProbabilisticSum) => self.fire_with(
                slots,
                strengths,
                |a, b| a * b,
                |a, b| SNorm::ProbabilisticSum.apply(a, b),
            ),
            (and, or) => self.fire_with(slots, strengths, |a, b| and.apply(a, b), |a, b| or.apply(a, b)),
        }
    }

    #[inline(always)]
    fn fire_with(
        &self,
        slots: &[f32],
        strengths: &mut [f32],
        and: impl Fn(f32, f32) -> f32 + Copy,
        or: impl Fn(f32, f32) -> f32 + Copy,
    ) {
        let def = self.def();
        let shape = self.shape();
        if let (Some((rows, cols)), [first, second]) = (shape.grid, def.inputs) {
            // Complete grid of AND rules: strength(i, j) = AND(degree_i, degree_j), row by row.
            let layout = Slots {
                terms: def.terms.len(),
            };
            let (a0, b0) = (
                layout.term(first.terms.start as usize),
                layout.term(second.terms.start as usize),
            );
            let (rows, cols) = (rows as usize, cols as usize);
            if let (Some(a), Some(b)) = (slots.get(a0..a0 + rows), slots.get(b0..b0 + cols)) {
                if cols <= 8 {
                    fire_grid::<8>(a, b, strengths, and);
                } else if cols <= ROW_SLACK {
                    fire_grid::<ROW_SLACK>(a, b, strengths, and);
                } else {
                    for (a, row) in a.iter().zip(strengths.chunks_exact_mut(cols)) {
                        for (s, b) in row.iter_mut().zip(b) {
                            *s = and(*a, *b);
                        }
                    }
                }
            }
            if !shape.unit_weights {
                for (s, rule) in strengths.iter_mut().zip(def.rules) {
                    *s *= rule.weight;
                }
            }
            return;
        }
        match def.inputs.len() {
            1 => self.fire_columns::<1>(slots, strengths, and, or),
            2 => self.fire_columns::<2>(slots, strengths, and, or),
            3 => self.fire_columns::<3>(slots, strengths, and, or),
            4 => self.fire_columns::<4>(slots, strengths, and, or),
            n => {
                for (r, (rule, s)) in def.rules.iter().zip(strengths).enumerate() {
                    let mut antecedents = [0u16; crate::MAX_INPUTS];
                    for (v, a) in antecedents.iter_mut().enumerate().take(n) {
                        *a = self.column(v).get(r).copied().unwrap_or(0);
                    }
                    *s = fire(rule, antecedents.get(..n).unwrap_or(&[]), slots, and, or);
                }
            }
        }
    }

    /// The compiled rule table's column for variable `v` (inputs first): one working-array
    /// position per rule.
    #[inline(always)]
    fn column(&self, v: usize) -> &'a [u16] {
        let def = self.def();
        let count = def.rules.len();
        def.rule_slots.get(v * count..(v + 1) * count).unwrap_or(&[])
    }

    /// Rule strengths for `N` inputs, reading the antecedents column by column.
    #[inline(always)]
    fn fire_columns<const N: usize>(
        &self,
        slots: &[f32],
        strengths: &mut [f32],
        and: impl Fn(f32, f32) -> f32 + Copy,
        or: impl Fn(f32, f32) -> f32 + Copy,
    ) {
        let def = self.def();
        let columns: [&[u16]; N] = core::array::from_fn(|v| self.column(v));
        for (r, (rule, s)) in def.rules.iter().zip(strengths).enumerate() {
            let antecedents: [u16; N] = core::array::from_fn(|v| match columns[v].get(r) {
                Some(a) => *a,
                None => 0,
            });
            *s = fire(rule, &antecedents, slots, and, or);
        }
    }

    /// Combines the strengths of the rules concluding each term of Mamdani output `o` into a
    /// local array of `N` activations ([`activation_slots`]): entry `t` for term `t`, entry
    /// `N - 1` for the rules that conclude no term of this output. Each rule's entry comes
    /// from the output's row of the evaluation tables, masked into the array, so the loop
    /// has neither index arithmetic nor bounds checks.
    #[inline(always)]
    fn combine_into_terms<const N: usize>(&self, o: usize, combine: SNorm, strengths: &[f32]) -> [f32; N] {
        let def = self.def();
        let rules = def.rules.len();
        let start = self.shape().consequent_offset + o * rules;
        let column = def.tables.get(start..start + rules).unwrap_or(&[]);
        let index = |entry: &f32| entry.to_bits() as usize & (N - 1);
        // On out-of-order cores (x86-64, AArch64) the maximum uses four copies (rule r into
        // copy r mod 4) merged at the end: maximum is exact and commutative, so the
        // activations are the same, and the dependency chains through memory are a quarter
        // as long (consecutive rules often conclude the same term; measured: 7×7 Mamdani
        // about 30 % faster). An in-order microcontroller gains nothing and would pay for
        // zeroing and merging the copies, so there a maximum takes the single-copy loop.
        let copies_pay = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        if let (SNorm::Maximum, true) = (combine, copies_pay) {
            let mut copies = [[0.0f32; N]; 4];
            let (t_chunks, t_tail) = column.as_chunks::<4>();
            let (s_chunks, s_tail) = strengths.as_chunks::<4>();
            for (targets, s) in t_chunks.iter().zip(s_chunks) {
                for (copy, (target, s)) in copies.iter_mut().zip(targets.iter().zip(s)) {
                    if let Some(a) = copy.get_mut(index(target)) {
                        *a = max(*a, *s);
                    }
                }
            }
            for (copy, (target, s)) in copies.iter_mut().zip(t_tail.iter().zip(s_tail)) {
                if let Some(a) = copy.get_mut(index(target)) {
                    *a = max(*a, *s);
                }
            }
            let [c0, c1, c2, c3] = copies;
            return core::array::from_fn(|k| max(max(c0[k], c1[k]), max(c2[k], c3[k])));
        }
        // One copy, rules in order (so a sum combines in rule order).
        let mut activations = [0.0f32; N];
        for (target, s) in column.iter().zip(strengths) {
            if let Some(a) = activations.get_mut(index(target)) {
                *a = match combine {
                    SNorm::Maximum => max(*a, *s),
                    SNorm::UnboundedSum => *a + *s,
                    other => other.apply(*a, *s),
                };
            }
        }
        activations
    }

    /// Sugeno: `(Σ_r s_r z_r [/ Σ_r s_r c_r], Σ_r s_r c_r > 0)` over the rules `r`, with
    /// `s_r` the rule's strength, `z_r` the value of the term it concludes for output `o`
    /// and `c_r` 1 when it concludes one (`z_r = c_r = 0` when it does not). Each sum is
    /// accumulated in [`SUGENO_LANES`] partial sums (rule `r` into partial `r mod P`, `P`
    /// = [`Controller::sugeno_lanes`], 8 or a grid's column count) that are added pairwise
    /// at the end: a fixed order, which vectorises and which the C export reproduces.
    /// Constant terms come from the consequent table; an output with a linear term
    /// computes its terms' values first and gathers them per rule.
    #[inline]
    fn sugeno_output(
        &self,
        o: usize,
        variable: &OutputVariable,
        crisp: &[f32],
        strengths: &[f32],
        slots: &mut [f32],
    ) -> (f32, bool) {
        let def = self.def();
        let rules = def.rules.len();
        let (values, flags) = self.sugeno_rows(o);
        let mut weighted = [0.0f32; SUGENO_LANES];
        let mut total = [0.0f32; SUGENO_LANES];
        let (z_chunks, _) = values.as_chunks::<SUGENO_LANES>();
        let (c_chunks, _) = flags.as_chunks::<SUGENO_LANES>();
        // Never 0 (a grid has at least one column); `max(1)` keeps `chunks` from panicking.
        let lanes = (self.shape().sugeno_lanes as usize).max(1);
        let linear = self.shape().linear_outputs & (1 << o) != 0;
        if lanes == SUGENO_LANES && !linear {
            // Whole chunks of eight rules: the strengths past the last rule are zeros (see
            // `evaluate`), and so are the table rows' padding; the zip stops at the end of
            // the shorter (a grid layout of 8 columns pads the table by up to 3 rows of 8,
            // more than the strengths' slack, and those rows are all zeros).
            let (s_chunks, _) = strengths.as_chunks::<SUGENO_LANES>();
            for ((s, z), c) in s_chunks.iter().zip(z_chunks).zip(c_chunks) {
                sugeno_lanes(s, z, c, &mut weighted, &mut total);
            }
            return sugeno_value(variable, pairwise(weighted), pairwise(total));
        }
        // `lanes` rules per chunk of the table (a row of the grid layout, or eight rules).
        // A linear output's rule values are its terms' values at the inputs, gathered per
        // rule.
        let layout = Slots {
            terms: def.terms.len(),
        };
        if linear {
            let (start, end) = (variable.terms.start as usize, variable.terms.end());
            let first = layout.term(start);
            if let (Some(terms), Some(out)) = (
                def.terms.get(start..end),
                slots.get_mut(first..first + (end - start)),
            ) {
                for (term, z) in terms.iter().zip(out) {
                    *z = term.sugeno_value(crisp, def.params);
                }
            }
            if let Some(sink) = slots.get_mut(layout.sink()) {
                *sink = 0.0;
            }
        }
        let slots: &[f32] = slots;
        let targets = self.column(def.inputs.len() + o);
        let chunks = rule_part(strengths, rules)
            .chunks(lanes)
            .zip(targets.chunks(lanes))
            .zip(z_chunks.iter().zip(c_chunks));
        for ((s, targets), (z, c)) in chunks {
            let sums = weighted.iter_mut().zip(total.iter_mut());
            for ((w, t), (((s, target), z), c)) in sums.zip(s.iter().zip(targets).zip(z).zip(c)) {
                let z = if linear { load(slots, *target) } else { *z };
                *w += *s * z;
                *t += *s * *c;
            }
        }
        sugeno_value(variable, pairwise(weighted), pairwise(total))
    }

    /// Mamdani: the aggregated output set of output `o`, sampled, into `set`, and its
    /// [`Moments`]; returns how many entries of `table` (this output's part of the sampled
    /// table and what follows) it read.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn aggregate(
        &self,
        o: usize,
        variable: &OutputVariable,
        implication: TNorm,
        aggregation: SNorm,
        table: &[f32],
        strengths: &[f32],
        set: &mut [f32],
        moments: &mut Moments,
    ) -> usize {
        let def = self.def();
        let terms = variable.terms.count as usize;
        let layout = Slots {
            terms: def.terms.len(),
        };
        let first = layout.term(variable.terms.start as usize);
        let combinable = matches!(aggregation, SNorm::Maximum)
            || matches!((aggregation, implication), (SNorm::UnboundedSum, TNorm::Product));
        if combinable {
            if activation_slots(terms) == SMALL_OUTPUT {
                let activations = self.combine_into_terms::<SMALL_OUTPUT>(o, aggregation, strengths);
                aggregate_combined(set, table, &activations, aggregation, implication, moments)
            } else {
                let activations =
                    self.combine_into_terms::<{ MAX_TERMS_PER_VARIABLE + 1 }>(o, aggregation, strengths);
                aggregate_combined(set, table, &activations, aggregation, implication, moments)
            }
        } else {
            set.fill(0.0);
            let mut consumed = 0;
            for (target, w) in self.column(def.inputs.len() + o).iter().zip(strengths) {
                // Structure: which term (if any) this rule concludes for output `o`.
                let term = (*target as usize).checked_sub(first).filter(|t| *t < terms);
                consumed = for_each_row(set, table, |g, row_term, samples| {
                    if Some(row_term) == term {
                        for (g, s) in g.iter_mut().zip(samples) {
                            *g = aggregation.apply(*g, implication.apply(*w, *s));
                        }
                    }
                });
            }
            *moments = Moments::of(set);
            consumed
        }
    }
}

/// Visits the rows of one output's part of the sampled table block by block:
/// `visit(block's slice of set, term position, the term's values at the block's points)`;
/// returns the number of table entries read. The rows of a block are fixed per controller,
/// so the visits do not depend on input values.
#[inline(always)]
fn for_each_row(
    set: &mut [f32],
    table: &[f32],
    mut visit: impl FnMut(&mut [f32], usize, &[f32; SAMPLE_BLOCK]),
) -> usize {
    let mut rest = table;
    for out in set.chunks_exact_mut(SAMPLE_BLOCK) {
        let Some((rows, tail)) = rest.split_first() else {
            break;
        };
        rest = tail;
        // At most MAX_TERMS_PER_VARIABLE rows (validated table).
        for _ in 0..(rows.to_bits() as usize).min(crate::MAX_TERMS_PER_VARIABLE) {
            let Some((row, tail)) = rest.split_first_chunk::<SAMPLE_ROW>() else {
                break;
            };
            rest = tail;
            let [term, samples @ ..] = row;
            visit(out, term.to_bits() as usize, samples);
        }
    }
    table.len() - rest.len()
}

/// The activation array size of outputs with fewer than 16 terms ([`activation_slots`]).
const SMALL_OUTPUT: usize = 16;

/// The centroid of a Mamdani grid kernel's output from its term activations: the output's
/// sample blocks aggregated one after the other ([`aggregate_block`], the moments in
/// registers), the total noted in `tally`. NaN when nothing fired (`Σ μ = 0`, `0 / 0`).
#[inline(always)]
fn blocks_centroid<const N: usize>(
    table: &mut &[f32],
    variable: &OutputVariable,
    activations: &[f32; N],
    f: &impl Fn(f32, f32, f32) -> f32,
    tally: &mut OutputTally,
) -> f32 {
    let blocks = variable.sampling.stored_count() / SAMPLE_BLOCK;
    let mut moments = Moments::new();
    for _ in 0..blocks {
        aggregate_block(table, activations, f, &mut moments);
    }
    let (x0, dx) = variable.sampling.grid(variable.min, variable.max);
    let (total, moment) = moments.totals();
    tally.total(total);
    x0 + dx * (moment / total)
}

/// [`aggregate_blocks`] with the implication and aggregation of a combinable pair.
#[inline(always)]
fn aggregate_combined<const N: usize>(
    set: &mut [f32],
    table: &[f32],
    activations: &[f32; N],
    aggregation: SNorm,
    implication: TNorm,
    moments: &mut Moments,
) -> usize {
    let m = moments;
    match (aggregation, implication) {
        (SNorm::Maximum, TNorm::Minimum) => {
            aggregate_blocks(set, table, activations, m, |g, w, s| lane_max(g, lane_min(w, s)))
        }
        (SNorm::Maximum, TNorm::Product) => {
            aggregate_blocks(set, table, activations, m, |g, w, s| lane_max(g, w * s))
        }
        (SNorm::UnboundedSum, _) => aggregate_blocks(set, table, activations, m, |g, w, s| g + w * s),
        _ => aggregate_blocks(set, table, activations, m, |g, w, s| {
            max(g, implication.apply(w, s))
        }),
    }
}

/// One block of an aggregated set (see [`block_values`]), added into `moments`.
#[inline(always)]
fn aggregate_block<const N: usize>(
    table: &mut &[f32],
    activations: &[f32; N],
    f: &impl Fn(f32, f32, f32) -> f32,
    moments: &mut Moments,
) -> [f32; SAMPLE_BLOCK] {
    let g = block_values(table, activations, f);
    for eight in g.as_chunks::<8>().0 {
        moments.add(eight);
    }
    g
}

/// One block of an aggregated set: `g = f(g, w_t, s_t)` over the block's rows at the front
/// of `table` (see the sample table layout in [`crate::ControllerDef`]), starting from
/// `g = 0`, with `g` in registers; `table` is advanced past the block.
#[inline(always)]
fn block_values<const N: usize>(
    table: &mut &[f32],
    activations: &[f32; N],
    f: &impl Fn(f32, f32, f32) -> f32,
) -> [f32; SAMPLE_BLOCK] {
    let mut g = [0.0f32; SAMPLE_BLOCK];
    let Some((rows, mut rest)) = table.split_first() else {
        return g;
    };
    // At most MAX_TERMS_PER_VARIABLE rows (validated table).
    for _ in 0..(rows.to_bits() as usize).min(crate::MAX_TERMS_PER_VARIABLE) {
        let Some((row, tail)) = rest.split_first_chunk::<SAMPLE_ROW>() else {
            break;
        };
        rest = tail;
        let [term, samples @ ..] = row;
        // A validated table's term positions are below the term count (< N).
        let w = match activations.get(term.to_bits() as usize & (N - 1)) {
            Some(w) => *w,
            None => 0.0,
        };
        for (g, s) in g.iter_mut().zip(samples) {
            *g = f(*g, w, *s);
        }
    }
    *table = rest;
    g
}

/// The aggregated set, block by block (see the sample table layout in
/// [`crate::ControllerDef`]): for each block of [`SAMPLE_BLOCK`] points, `g = f(g, w_t, s_t)`
/// over the block's rows starting from `g = 0`, with the block's `g` kept in registers.
/// Returns the number of table entries read.
#[inline(always)]
fn aggregate_blocks<const N: usize>(
    set: &mut [f32],
    table: &[f32],
    activations: &[f32; N],
    moments: &mut Moments,
    f: impl Fn(f32, f32, f32) -> f32,
) -> usize {
    // A local copy: the stores into `set` could alias `*moments`, which would make the
    // compiler store the running moments after every block.
    let mut m = *moments;
    let mut rest = table;
    for out in set.chunks_exact_mut(SAMPLE_BLOCK) {
        let g = aggregate_block(&mut rest, activations, &f, &mut m);
        for (o, g) in out.iter_mut().zip(g) {
            *o = g;
        }
    }
    *moments = m;
    table.len() - rest.len()
}

/// An output's [`Fallback`] value; `previous` is the output's previous value (for
/// [`Fallback::Hold`]; a non-finite one holds the midpoint instead).
#[inline(always)]
fn fallback_value(variable: &OutputVariable, previous: f32) -> f32 {
    let midpoint = variable.midpoint();
    match variable.fallback {
        Fallback::Midpoint => midpoint,
        Fallback::Value(v) => v,
        Fallback::Hold => select_on_compare(abs(previous) <= f32::MAX, previous, midpoint),
    }
}

/// Stores an output: `value` when a rule fired, no input was NaN and `value` is finite,
/// else the output's [`Fallback`] (`out` holds the previous output on entry); clamped into
/// the range when `locked`; never -0. Returns the output's status bits.
#[inline(always)]
fn finish_output(
    variable: &OutputVariable,
    value: f32,
    fired: bool,
    nan: bool,
    locked: bool,
    out: &mut f32,
) -> Status {
    let fallback = fallback_value(variable, *out);
    // One compare-and-blend on the value's path: a value that may not be used is made NaN
    // by adding NaN (the select that picks 0 or NaN does not wait for the value), and the
    // finiteness test then sends it to the fallback like an infinite one.
    let usable = fired & !nan;
    let value = value + select(usable, 0.0, f32::NAN);
    let computed = abs(value) <= f32::MAX;
    let mut y = select_on_compare(computed, value, fallback);
    if locked {
        y = clamp(y, variable.min, variable.max);
    }
    // `+ 0.0` turns -0 into +0 (exact for every other value).
    *out = y + 0.0;
    Status::OK
        .with_if(Status::NO_RULE_FIRED, !fired)
        .with_if(Status::FALLBACK, !computed)
}

/// Largest term count per input of the grid kernel: a row of the grid is one store into the
/// strengths' slack.
pub(crate) const GRID_TERMS: usize = ROW_SLACK;

/// The crisp value of an input (`None`: missing), whether it was NaN and whether it lay
/// outside the range: NaN clamps to `min` (the outputs take their fallbacks anyway), values
/// outside are clamped or kept ([`OutOfRange`]).
#[inline(always)]
fn crisp_value(variable: &InputVariable, input: Option<&f32>) -> (f32, bool, bool) {
    let raw = match input {
        Some(x) => *x,
        None => f32::NAN,
    };
    let is_nan = raw.is_nan();
    let limited = clamp(raw, variable.min, variable.max);
    let outside = (limited != raw) & !is_nan;
    let x = match variable.out_of_range {
        OutOfRange::Clamp => limited,
        OutOfRange::Extend => select_on_compare(abs(raw) <= f32::MAX, raw, limited),
    };
    (x, is_nan, outside)
}

/// The input stage of the grid kernels: both inputs' crisp values (see
/// [`crisp_value`]: NaN → `min`, clamped or kept) and `poison` (0, or NaN when an input is
/// NaN or missing: added to every output value it sends them to their fallbacks; never -0,
/// so adding it also turns a -0 into +0). The status bits come from [`GridInput::status`],
/// called after the outputs so that the instructions the outputs wait for come first.
struct GridInput<'v> {
    /// the two input variables
    variables: [&'v InputVariable; 2],
    raw: [f32; 2],
    x: [f32; 2],
    poison: f32,
    count: usize,
}

impl<'v> GridInput<'v> {
    /// The input stage of a controller with two input `variables` (`None` for any other
    /// count, which the grid kernels' shape excludes).
    #[inline(always)]
    fn of(variables: &'v [InputVariable], inputs: &[f32]) -> Option<GridInput<'v>> {
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
    fn status(&self) -> Status {
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
struct OutputTally {
    lowest_total: f32,
    unusable: f32,
}

impl OutputTally {
    #[inline(always)]
    fn new() -> OutputTally {
        OutputTally {
            lowest_total: f32::MAX,
            unusable: 0.0,
        }
    }

    /// Notes an output's total (`Σ s c` or `Σ μ`).
    #[inline(always)]
    fn total(&mut self, total: f32) {
        self.lowest_total = min(total, self.lowest_total);
    }

    /// Stores an output as [`finish_output`] does: `value` (already NaN when nothing fired
    /// or an input was NaN, and never -0: it has the poison, +0 or NaN, added) when it is
    /// finite, else the output's fallback; clamped into the range when `locked`.
    #[inline(always)]
    fn store(&mut self, variable: &OutputVariable, value: f32, locked: bool, out: &mut f32) {
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
    fn sugeno_output(
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
    fn status(self, input: Status) -> Status {
        input
            .with_if(Status::NO_RULE_FIRED, !(self.lowest_total > 0.0))
            .with_if(Status::FALLBACK, self.unusable.is_nan())
    }
}

/// The status bits of the input stage.
#[inline(always)]
fn input_status(nan: bool, outside: bool, wrong_count: bool) -> Status {
    Status::OK
        .with_if(Status::NAN_INPUT | Status::FALLBACK, nan)
        .with_if(Status::INPUT_OUT_OF_RANGE, outside)
        .with_if(Status::INPUT_COUNT, wrong_count)
}

/// The groups of an input's edge block (see [`crate::ControllerDef`]): per [`EDGE_LANES`]
/// terms, their rising feet, rising slopes, falling feet and falling slopes.
#[inline(always)]
fn edge_quads(block: &[f32]) -> core::slice::Iter<'_, [f32; EDGE_QUAD]> {
    block.as_chunks::<EDGE_QUAD>().0.iter()
}

/// Values per group of an edge block.
pub(crate) const EDGE_QUAD: usize = 4 * EDGE_LANES;

/// Degrees of `x` in four terms from their edges: `min(clamp01((x - rise_at) · rise_slope),
/// clamp01((x - fall_at) · fall_slope))`, the operations of [`crate::Term::membership`] for
/// a triangle or trapezoid (bit for bit), four lanes at once. Padding lanes (all zeros)
/// give 0.
#[inline(always)]
fn quad_degrees(quad: &[f32; EDGE_QUAD], x: f32) -> [f32; EDGE_LANES] {
    let clamp01 = |v: f32| lane_min(lane_max(v, 0.0), 1.0);
    core::array::from_fn(|k| {
        lane_min(
            clamp01((x - quad[k]) * quad[EDGE_LANES + k]),
            clamp01((x - quad[2 * EDGE_LANES + k]) * quad[3 * EDGE_LANES + k]),
        )
    })
}

/// The four rules a window kernel fires (see `Controller::window_rules`): rule
/// `first = i·cols + j`, its right neighbour and the two below them.
struct WindowRules {
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

/// The window of `x` in an input's terms (see `windowed` in `controller.rs`): the first
/// term `w` of the two neighbouring terms outside which every degree is 0 — with `k` terms
/// whose rising foot lies below `x`, `w = max(k, 2) - 2`, the number of such terms from the
/// third on — and the degrees of terms `w` and `w + 1`, computed as [`quad_degrees`] does
/// (bit for bit).
#[inline(always)]
fn window_degrees(window: &WindowTables<'_>, x: f32) -> Option<(usize, [f32; 2])> {
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

/// Degrees of `x` in a two-edged input's terms from its edge block into `degrees`.
#[inline(always)]
fn edge_degrees_into(block: &[f32], x: f32, degrees: &mut [f32]) {
    let (full, tail) = degrees.as_chunks_mut::<EDGE_LANES>();
    let mut quads = edge_quads(block);
    for (out, quad) in full.iter_mut().zip(&mut quads) {
        *out = quad_degrees(quad, x);
    }
    if let Some(quad) = quads.next() {
        for (d, v) in tail.iter_mut().zip(quad_degrees(quad, x)) {
            *d = v;
        }
    }
}

/// Degrees of `x` in a two-edged input's terms (at most `N`, a multiple of four) from its
/// edge block, zeros past the last term.
#[inline(always)]
fn edge_degrees<const N: usize>(quads: &[[f32; EDGE_QUAD]], x: f32) -> [f32; N] {
    let mut out = [0.0f32; N];
    let (chunks, _) = out.as_chunks_mut::<EDGE_LANES>();
    for (out, quad) in chunks.iter_mut().zip(quads) {
        *out = quad_degrees(quad, x);
    }
    out
}

/// Strengths of a complete grid of AND rules with at most `W` columns: row `i` is
/// `AND(a_i, b_j)` for every `j`, computed as one `W`-wide array (zeros past the last
/// column) and stored whole at the row's start. The lanes past the row's end land on the
/// next row's start, which the next row overwrites, and after the last row in the
/// [`ROW_SLACK`] values that follow the strengths.
#[inline(always)]
fn fire_grid<const W: usize>(a: &[f32], b: &[f32], strengths: &mut [f32], and: impl Fn(f32, f32) -> f32) {
    let mut lanes = [0.0f32; W];
    for (lane, b) in lanes.iter_mut().zip(b) {
        *lane = *b;
    }
    fire_grid_rows(a, &lanes, b.len(), strengths, and);
}

/// [`fire_grid`] with the second input's degrees already padded to `W` lanes with zeros
/// (`cols` of them are degrees).
#[inline(always)]
fn fire_grid_rows<const W: usize>(
    a: &[f32],
    lanes: &[f32; W],
    cols: usize,
    strengths: &mut [f32],
    and: impl Fn(f32, f32) -> f32,
) {
    for (i, a) in a.iter().enumerate() {
        let row: [f32; W] = core::array::from_fn(|k| and(*a, lanes[k]));
        if let Some(out) = strengths
            .get_mut(i * cols..)
            .and_then(|s| s.first_chunk_mut::<W>())
        {
            *out = row;
        }
    }
}

/// Whether the Sugeno grid kernel has a copy for controllers with one output: on targets
/// with vector registers, where the kernel is large anyway and the copy saves about a tenth
/// of its instructions; not on small cores, where flash is dear.
const SUGENO_ONE_OUTPUT_LOOP: bool = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));

/// Partial sums of the Sugeno weighted average (see `sugeno_output`).
pub(crate) const SUGENO_LANES: usize = 8;

/// `weighted[k] += s[k] · z[k]` and `total[k] += s[k] · c[k]` for the eight rules of a
/// chunk (rule `r` is lane `r mod 8`). The last chunk is padded with zero strengths and
/// table entries; adding their `±0` products to a partial sum changes nothing (a partial
/// sum is never `-0`).
#[inline(always)]
fn sugeno_lanes(
    s: &[f32; SUGENO_LANES],
    z: &[f32; SUGENO_LANES],
    c: &[f32; SUGENO_LANES],
    weighted: &mut [f32; SUGENO_LANES],
    total: &mut [f32; SUGENO_LANES],
) {
    for k in 0..SUGENO_LANES {
        weighted[k] += s[k] * z[k];
        total[k] += s[k] * c[k];
    }
}

/// Entries of a group of four grid rows of a Sugeno output's constants or flags (grid
/// layout, see [`crate::ControllerDef`]).
pub(crate) const SUGENO_GROUP: usize = 4 * SUGENO_LANES;

/// One output's view of a Sugeno grid (see `Controller::sugeno_grid`).
struct GridRows<'r> {
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
    fn sums<const WEIGHTED: bool, const COMPLETE: bool>(
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

/// The value of a Sugeno output from its sums `Σ s z` and `Σ s c`: `(Σ s z / Σ s c, fired)`
/// for the weighted average, `(Σ s z, fired)` for the weighted sum; `fired` when
/// `Σ s c > 0`.
#[inline(always)]
fn sugeno_value(variable: &OutputVariable, weighted: f32, total: f32) -> (f32, bool) {
    let fired = total > 0.0;
    let value = match variable.defuzzifier {
        crate::Defuzzifier::WeightedSum => weighted,
        // Not fired: `Σ s c = 0`, so every rule has `s = 0` or concludes nothing (`z = 0`)
        // and `0 / 0` gives NaN, which `finish_output` replaces with the fallback anyway.
        _ => weighted / total,
    };
    (value, fired)
}

/// Strength of one rule: the antecedent degrees folded with the rule's norm from the first
/// on, times the weight.
#[inline(always)]
fn fire(
    rule: &Rule,
    antecedents: &[u16],
    slots: &[f32],
    and: impl Fn(f32, f32) -> f32,
    or: impl Fn(f32, f32) -> f32,
) -> f32 {
    let Some((first, rest)) = antecedents.split_first() else {
        return 0.0;
    };
    let first = load(slots, *first);
    let strength = match rule.connective {
        Connective::And => rest.iter().fold(first, |s, &i| and(s, load(slots, i))),
        Connective::Or => rest.iter().fold(first, |s, &i| or(s, load(slots, i))),
    };
    strength * rule.weight
}
