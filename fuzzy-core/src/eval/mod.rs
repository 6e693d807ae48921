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
//! neighbouring terms are non-zero at any input (`windowed` in `controller/plan.rs`: evenly
//! spaced triangles sharing their corners, the optimizer's templates), the *window
//! kernels* `Controller::sugeno_window` and `Controller::mamdani_window` fire only the four
//! rules of the two pairs of terms that can be non-zero: every other rule's strength is
//! exactly zero and changes no sum or maximum, so the results are again the same bit for
//! bit. They find the pairs by counting (a fixed number of comparisons), so their
//! instruction sequence is fixed too; they read the four rules' entries at
//! input-dependent positions ([`Controller::without_window_kernels`] keeps every read at a
//! fixed position). [`Controller::evaluate`] dispatches on the controller's structure
//! (one jump), which folds at compile time for a `static` controller.
//!
//! | module | holds |
//! | --- | --- |
//! | this one | [`Controller::evaluate`], the general path (fuzzify, fire, outputs) and the output stage |
//! | `firing` | rule firing through the compiled rule table, and the grid rows |
//! | `edges` | degrees of triangles and trapezoids from the edge blocks, four terms at a time |
//! | `sugeno` | the Sugeno weighted sums |
//! | `mamdani` | term activations, aggregation of the sampled terms block by block, the centroid |
//! | `grid` | the grid kernels and their input and output stages |
//! | `window` | the window kernels |

use crate::controller::{Controller, Kernel};
use crate::def::Inference;
use crate::defuzzify::{Moments, defuzzify_with};
use crate::layout::{ROW_SLACK, Slots, edge_row, sample_blocks};
use crate::math::abs;
use crate::math::rt::{clamp, select, select_on_compare};
use crate::norm::{SNorm, TNorm};
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
        let one = crate::eval::SUGENO_ONE_OUTPUT_LOOP && $self.def().outputs.len() == 1;
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

/// Whether the Sugeno kernels have a copy for controllers with one output: on targets
/// with vector registers, where the kernel is large anyway and the copy saves about a tenth
/// of its instructions; not on small cores, where flash is dear.
const SUGENO_ONE_OUTPUT_LOOP: bool = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));

mod edges;
mod firing;
mod grid;
mod mamdani;
mod sugeno;
mod window;

use edges::edge_degrees_into;

/// Scratch split into its parts.
struct Work<'s> {
    crisp: &'s mut [f32],
    slots: &'s mut [f32],
    /// one value per rule, then [`ROW_SLACK`] values that the grid firing may overwrite
    strengths: &'s mut [f32],
    set: &'s mut [f32],
}

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
        match self.plan().kernel {
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
        let status = if self.plan().grid_kernel {
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

    /// The degree of every input term for `inputs`, inputs' terms in order (the first
    /// `Σ terms of the inputs` entries of the term list), into `degrees` (as many as fit):
    /// what the rules read before NOT and hedges. Same input handling as
    /// [`Controller::evaluate`]; for inspection (`fuzzyopt eval --explain`) and tests.
    pub fn input_degrees(&self, inputs: &[f32], scratch: &mut [f32], degrees: &mut [f32]) -> Status {
        let Some(work) = self.split(scratch) else {
            return Status::BUFFER_TOO_SMALL;
        };
        let status = self.fuzzify(inputs, work.crisp, work.slots);
        let first = Slots::term(
            Slots {
                terms: self.def().terms.len(),
            },
            0,
        );
        let count: usize = self.def().inputs.iter().map(|v| v.terms.count as usize).sum();
        let fuzzified = work.slots.get(first..first + count).unwrap_or(&[]);
        for (out, degree) in degrees.iter_mut().zip(fuzzified) {
            *out = *degree;
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
        // Where this output's part of the sampled table starts.
        let offset = def.samples.len() - sample_blocks(def, output).rest().len();
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
            .len()
                + def.hedged.len(),
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
                if self.plan().two_edged_inputs & (1 << i) != 0 {
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
            let region = if self.plan().negation {
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
        self.hedge(slots);
        input_status(nan, outside, inputs.len() != def.inputs.len())
    }

    /// The degrees of the hedged antecedents ([`ControllerDef::hedged`]) into their slots:
    /// the term's degree (1 for `any`) through the hedges, then NOT for a negative term
    /// number. The loop and every branch depend on the controller only.
    ///
    /// [`ControllerDef::hedged`]: crate::ControllerDef::hedged
    #[inline]
    fn hedge(&self, slots: &mut [f32]) {
        let def = self.def();
        let layout = Slots {
            terms: def.terms.len(),
        };
        let stride = def.inputs.len() + def.outputs.len();
        for (h, entry) in def.hedged.iter().enumerate() {
            let (r, v) = (entry.rule as usize, entry.input as usize);
            let k = def.rule_terms.get(r * stride + v).copied().unwrap_or(0);
            let start = def.inputs.get(v).map_or(0, |input| input.terms.start as usize);
            let source = match k.unsigned_abs() {
                0 => Slots::ONE,
                n => layout.term(start + n as usize - 1),
            };
            let degree = entry.apply(slots.get(source).copied().unwrap_or(0.0));
            if let Some(slot) = slots.get_mut(layout.hedged(h)) {
                *slot = if k < 0 { 1.0 - degree } else { degree };
            }
        }
    }

    /// The implication of a Mamdani controller (minimum for Sugeno, which has none).
    fn mamdani_implication(&self) -> TNorm {
        match self.def().inference {
            Inference::Mamdani { implication, .. } => implication,
            Inference::Sugeno => TNorm::Minimum,
        }
    }
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

/// The status bits of the input stage.
#[inline(always)]
fn input_status(nan: bool, outside: bool, wrong_count: bool) -> Status {
    Status::OK
        .with_if(Status::NAN_INPUT | Status::FALLBACK, nan)
        .with_if(Status::INPUT_OUT_OF_RANGE, outside)
        .with_if(Status::INPUT_COUNT, wrong_count)
}
