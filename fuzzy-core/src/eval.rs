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

use crate::controller::{Controller, Inference, SAMPLE_BLOCK, SAMPLE_ROW, Slots};
use crate::defuzzify::defuzzify_sampled;
use crate::math::abs;
use crate::math::rt::{clamp, lane_max, lane_min, max, min, select};
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Rule};
use crate::status::Status;
use crate::variable::{Fallback, OutOfRange, OutputVariable};

/// `values[index]`, or 0 for an index outside (never the case for a validated controller).
#[inline(always)]
fn load(values: &[f32], index: u16) -> f32 {
    match values.get(index as usize) {
        Some(v) => *v,
        None => 0.0,
    }
}

/// Scratch split into its parts.
struct Work<'s> {
    crisp: &'s mut [f32],
    slots: &'s mut [f32],
    strengths: &'s mut [f32],
    set: &'s mut [f32],
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
    pub fn evaluate(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        let def = self.def();
        let Some(mut work) = self.split(scratch).filter(|_| outputs.len() >= def.outputs.len()) else {
            for (out, variable) in outputs.iter_mut().zip(def.outputs) {
                *out = variable.midpoint();
            }
            return Status::BUFFER_TOO_SMALL;
        };
        let mut status = self.fuzzify(inputs, work.crisp, work.slots);
        self.fire_rules(work.slots, work.strengths);
        let nan = status.contains(Status::NAN_INPUT);

        let mut sample_offset = 0usize;
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            let (value, fired) = match def.inference {
                Inference::Sugeno => self.sugeno_output(o, variable, work.crisp, work.strengths, work.slots),
                Inference::Mamdani {
                    implication,
                    aggregation,
                } => {
                    sample_offset += self.aggregate_output(
                        o,
                        variable,
                        implication,
                        aggregation,
                        sample_offset,
                        &mut work,
                    );
                    let set = work.set.get(..variable.sampling.count()).unwrap_or(&[]);
                    let (x0, dx) = variable.sampling.grid(variable.min, variable.max);
                    defuzzify_sampled(variable.defuzzifier, set, x0, dx)
                }
            };
            let midpoint = variable.midpoint();
            let fallback = match variable.fallback {
                Fallback::Midpoint => midpoint,
                Fallback::Value(v) => v,
                Fallback::Hold => select(abs(*out) <= f32::MAX, *out, midpoint),
            };
            let computed = fired & !nan & (abs(value) <= f32::MAX);
            let mut y = select(computed, value, fallback);
            let locked = variable.lock_range || matches!(def.inference, Inference::Mamdani { .. });
            if locked {
                y = clamp(y, variable.min, variable.max);
            }
            // `+ 0.0` turns -0 into +0 (exact for every other value).
            *out = y + 0.0;
            status = status
                .with_if(Status::NO_RULE_FIRED, !fired)
                .with_if(Status::FALLBACK, !computed);
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
        for (out, strength) in strengths.iter_mut().zip(work.strengths.iter()) {
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
        self.aggregate_output(output, variable, implication, aggregation, offset, &mut work);
        let set: &'s [f32] = work.set;
        set.get(..variable.sampling.count()).unwrap_or(&[])
    }

    /// Aggregates Mamdani output `o`, whose sampled terms start at `offset` in the sample
    /// table, into the front of the scratch's set area.
    fn aggregate_output(
        &self,
        o: usize,
        variable: &OutputVariable,
        implication: TNorm,
        aggregation: SNorm,
        offset: usize,
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
            work.strengths,
            work.slots,
            set,
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
        let (strengths, set) = rest.split_at_mut_checked(def.rules.len())?;
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
        for (i, (variable, x_out)) in def.inputs.iter().zip(crisp.iter_mut()).enumerate() {
            let raw = match inputs.get(i) {
                Some(x) => *x,
                None => f32::NAN,
            };
            let is_nan = raw.is_nan();
            // NaN clamps to `min`; the outputs will take their fallbacks anyway.
            let limited = clamp(raw, variable.min, variable.max);
            outside |= (limited != raw) & !is_nan;
            nan |= is_nan;
            let x = match variable.out_of_range {
                OutOfRange::Clamp => limited,
                OutOfRange::Extend => select(abs(raw) <= f32::MAX, raw, limited),
            };
            *x_out = x;
            let (start, end) = (variable.terms.start as usize, variable.terms.end());
            let (first, first_complement) = (layout.term(start), layout.complement(start));
            if let (Some(terms), Some(degrees)) = (
                def.terms.get(start..end),
                slots.get_mut(first..first + (end - start)),
            ) {
                for (term, degree) in terms.iter().zip(degrees.iter_mut()) {
                    *degree = term.membership(x, def.params);
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
        Status::OK
            .with_if(Status::NAN_INPUT | Status::FALLBACK, nan)
            .with_if(Status::INPUT_OUT_OF_RANGE, outside)
            .with_if(Status::INPUT_COUNT, inputs.len() != def.inputs.len())
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
                for (a, row) in a.iter().zip(strengths.chunks_exact_mut(cols.max(1))) {
                    // Blocks of four for the vectoriser, then the rest of the row.
                    let mut out = row.chunks_exact_mut(4);
                    let mut degrees = b.chunks_exact(4);
                    for (out, degrees) in (&mut out).zip(&mut degrees) {
                        for (s, b) in out.iter_mut().zip(degrees) {
                            *s = and(*a, *b);
                        }
                    }
                    for (s, b) in out.into_remainder().iter_mut().zip(degrees.remainder()) {
                        *s = and(*a, *b);
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

    /// Combines the strengths of the rules concluding each term of output `o` into the
    /// term's slot (and those not concluding `o` into the sink).
    #[inline]
    fn combine_into_terms(
        &self,
        o: usize,
        variable: &OutputVariable,
        combine: SNorm,
        strengths: &[f32],
        slots: &mut [f32],
    ) {
        let def = self.def();
        let layout = Slots {
            terms: def.terms.len(),
        };
        let first = layout.term(variable.terms.start as usize);
        if let Some(terms) = slots.get_mut(first..first + variable.terms.count as usize) {
            terms.fill(0.0);
        }
        if let Some(sink) = slots.get_mut(layout.sink()) {
            *sink = 0.0;
        }
        let pairs = self.column(def.inputs.len() + o).iter().zip(strengths);
        match combine {
            SNorm::Maximum => pairs.for_each(|(target, s)| update(slots, *target, |a| max(a, *s))),
            SNorm::UnboundedSum => pairs.for_each(|(target, s)| update(slots, *target, |a| a + *s)),
            other => pairs.for_each(|(target, s)| update(slots, *target, |a| other.apply(a, *s))),
        }
    }

    /// Sugeno: `(Σ_t W_t z_t [/ Σ_t W_t], Σ_t W_t > 0)` with `W_t` the summed strengths of
    /// the rules concluding term `t`.
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
        self.combine_into_terms(o, variable, SNorm::UnboundedSum, strengths, slots);
        let (start, end) = (variable.terms.start as usize, variable.terms.end());
        let first = Slots {
            terms: def.terms.len(),
        }
        .term(start);
        let mut weighted = 0.0f32;
        let mut total = 0.0f32;
        if let (Some(terms), Some(weights)) =
            (def.terms.get(start..end), slots.get(first..first + (end - start)))
        {
            for (term, w) in terms.iter().zip(weights) {
                weighted += w * term.sugeno_value(crisp, def.params);
                total += w;
            }
        }
        let fired = total > 0.0;
        let value = match variable.defuzzifier {
            crate::Defuzzifier::WeightedSum => weighted,
            _ => weighted / select(fired, total, 1.0),
        };
        (value, fired)
    }

    /// Mamdani: the aggregated output set of output `o`, sampled, into `set`; returns how
    /// many entries of `table` (this output's part of the sampled table and what follows)
    /// it read.
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
        slots: &mut [f32],
        set: &mut [f32],
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
            self.combine_into_terms(o, variable, aggregation, strengths, slots);
            let activations = slots.get(first..first + terms).unwrap_or(&[]);
            match (aggregation, implication) {
                (SNorm::Maximum, TNorm::Minimum) => {
                    aggregate_blocks(set, table, activations, |g, w, s| lane_max(g, lane_min(w, s)))
                }
                (SNorm::Maximum, TNorm::Product) => {
                    aggregate_blocks(set, table, activations, |g, w, s| lane_max(g, w * s))
                }
                (SNorm::UnboundedSum, _) => aggregate_blocks(set, table, activations, |g, w, s| g + w * s),
                _ => aggregate_blocks(set, table, activations, |g, w, s| max(g, implication.apply(w, s))),
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

/// The aggregated set, block by block (see the sample table layout in
/// [`crate::ControllerDef`]): for each block of [`SAMPLE_BLOCK`] points, `g = f(g, w_t, s_t)`
/// over the block's rows starting from `g = 0`, with the block's `g` kept in registers.
/// Returns the number of table entries read.
#[inline(always)]
fn aggregate_blocks(
    set: &mut [f32],
    table: &[f32],
    activations: &[f32],
    f: impl Fn(f32, f32, f32) -> f32,
) -> usize {
    let mut rest = table;
    for out in set.chunks_exact_mut(SAMPLE_BLOCK) {
        let Some((rows, tail)) = rest.split_first() else {
            break;
        };
        rest = tail;
        let mut g = [0.0f32; SAMPLE_BLOCK];
        // At most MAX_TERMS_PER_VARIABLE rows (validated table).
        for _ in 0..(rows.to_bits() as usize).min(crate::MAX_TERMS_PER_VARIABLE) {
            let Some((row, tail)) = rest.split_first_chunk::<SAMPLE_ROW>() else {
                break;
            };
            rest = tail;
            let [term, samples @ ..] = row;
            let w = match activations.get(term.to_bits() as usize) {
                Some(w) => *w,
                None => 0.0,
            };
            for (g, s) in g.iter_mut().zip(samples) {
                *g = f(*g, w, *s);
            }
        }
        for (o, g) in out.iter_mut().zip(g) {
            *o = g;
        }
    }
    table.len() - rest.len()
}

/// `slots[target] = f(slots[target])` (no-op for a target outside).
#[inline(always)]
fn update(slots: &mut [f32], target: u16, f: impl Fn(f32) -> f32) {
    if let Some(slot) = slots.get_mut(target as usize) {
        *slot = f(*slot);
    }
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
