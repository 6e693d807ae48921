//! Fixed-time evaluation.
//!
//! The sequence of operations depends on the controller's structure only:
//! every input is fuzzified against every one of its terms, every rule is fired for every
//! output it concludes, every output sample is aggregated and defuzzified, whatever the
//! input values. Data-dependent decisions (NaN, clamping, empty set, fallback) are made with
//! selects. Branches below test structure (term kinds, operators, which variable a rule
//! uses) and the caller's buffer lengths, never input values.
//!
//! Speed: with `max` aggregation (any implication), or unbounded-sum aggregation with
//! product implication, rules sharing a consequent term are first combined into one
//! activation per output term, and the sampled output terms are touched once per term
//! instead of once per rule. Other operator pairs aggregate rule by rule.

use crate::controller::{Controller, Inference};
use crate::defuzzify::defuzzify_sampled;
use crate::math::is_finite;
use crate::math::rt::{clamp, lane_max, lane_min, max, min, select};
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Rule};
use crate::status::Status;
use crate::variable::{Fallback, OutOfRange, OutputVariable};

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
    ///   (used by [`Fallback::Hold`]); on return the new ones. Outputs are always finite;
    ///   Mamdani outputs (and Sugeno outputs with `lock_range`) lie inside their range.
    ///
    /// If a buffer is too short nothing is evaluated: the outputs that exist are set to their
    /// range midpoints and [`Status::BUFFER_TOO_SMALL`] is returned.
    pub fn evaluate(&self, inputs: &[f32], scratch: &mut [f32], outputs: &mut [f32]) -> Status {
        let def = self.def();
        if scratch.len() < self.scratch_len() || outputs.len() < def.outputs.len() {
            for (out, variable) in outputs.iter_mut().zip(def.outputs) {
                *out = variable.midpoint();
            }
            return Status::BUFFER_TOO_SMALL;
        }
        let (crisp, rest) = scratch.split_at_mut(def.inputs.len());
        let (degrees, aggregated) = rest.split_at_mut(def.terms.len());
        let mut status = self.fuzzify(inputs, crisp, degrees);
        let nan = status.contains(Status::NAN_INPUT);

        let mut sample_offset = 0usize;
        for (o, (variable, out)) in def.outputs.iter().zip(outputs.iter_mut()).enumerate() {
            let (value, fired) = match def.inference {
                Inference::Sugeno => self.sugeno_output(o, variable, crisp, degrees),
                Inference::Mamdani {
                    implication,
                    aggregation,
                } => {
                    let n = variable.sampling.count();
                    let len = variable.terms.count as usize * n;
                    let table = def.samples.get(sample_offset..sample_offset + len).unwrap_or(&[]);
                    sample_offset += len;
                    let set = aggregated.get_mut(..n).unwrap_or(&mut []);
                    self.aggregate(o, variable, implication, aggregation, table, degrees, set);
                    let (x0, dx) = variable.sampling.grid(variable.min, variable.max);
                    defuzzify_sampled(variable.defuzzifier, set, x0, dx)
                }
            };
            let midpoint = variable.midpoint();
            let fallback = match variable.fallback {
                Fallback::Midpoint => midpoint,
                Fallback::Value(v) => v,
                Fallback::Hold => select(crate::math::abs(*out) <= f32::MAX, *out, midpoint),
            };
            let computed = fired & !nan & is_finite(value);
            let mut y = select(computed, value, fallback);
            let locked = variable.lock_range || matches!(def.inference, Inference::Mamdani { .. });
            if locked {
                y = clamp(y, variable.min, variable.max);
            }
            *out = y;
            status = status
                .with_if(Status::NO_RULE_FIRED, !fired)
                .with_if(Status::FALLBACK, !computed);
        }
        status
    }

    /// Firing strength × weight of every rule, in rule order, into `strengths` (as many as
    /// fit). Same input handling as [`Controller::evaluate`]; for inspection and tests.
    pub fn rule_strengths(&self, inputs: &[f32], scratch: &mut [f32], strengths: &mut [f32]) -> Status {
        let def = self.def();
        if scratch.len() < self.scratch_len() {
            return Status::BUFFER_TOO_SMALL;
        }
        let (crisp, rest) = scratch.split_at_mut(def.inputs.len());
        let (degrees, _) = rest.split_at_mut(def.terms.len());
        let status = self.fuzzify(inputs, crisp, degrees);
        let stride = def.inputs.len() + def.outputs.len();
        for ((rule, row), strength) in def
            .rules
            .iter()
            .zip(def.rule_terms.chunks_exact(stride))
            .zip(strengths)
        {
            *strength = self.fire(rule, row, degrees);
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
            return &[];
        };
        if scratch.len() < self.scratch_len() {
            return &[];
        }
        let offset: usize = def
            .outputs
            .iter()
            .take(output)
            .map(|v| v.terms.count as usize * v.sampling.count())
            .sum();
        let n = variable.sampling.count();
        let len = variable.terms.count as usize * n;
        let table = def.samples.get(offset..offset + len).unwrap_or(&[]);
        let (crisp, rest) = scratch.split_at_mut(def.inputs.len());
        let (degrees, aggregated) = rest.split_at_mut(def.terms.len());
        self.fuzzify(inputs, crisp, degrees);
        let set = aggregated.get_mut(..n).unwrap_or(&mut []);
        self.aggregate(output, variable, implication, aggregation, table, degrees, set);
        set
    }

    /// Stores the crisp inputs (after NaN and range handling) and every input term's degree
    /// at the term's own index in `degrees`.
    #[inline]
    fn fuzzify(&self, inputs: &[f32], crisp: &mut [f32], degrees: &mut [f32]) -> Status {
        let def = self.def();
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
                OutOfRange::Extend => select(is_finite(raw), raw, limited),
            };
            *x_out = x;
            let range = variable.terms.start as usize..variable.terms.end();
            if let (Some(terms), Some(slots)) = (def.terms.get(range.clone()), degrees.get_mut(range)) {
                for (term, slot) in terms.iter().zip(slots) {
                    *slot = term.membership(x, def.params);
                }
            }
        }
        Status::OK
            .with_if(Status::NAN_INPUT | Status::FALLBACK, nan)
            .with_if(Status::INPUT_OUT_OF_RANGE, outside)
            .with_if(Status::INPUT_COUNT, inputs.len() != def.inputs.len())
    }

    /// Firing strength of one rule times its weight.
    #[inline(always)]
    fn fire(&self, rule: &Rule, row: &[i8], degrees: &[f32]) -> f32 {
        let def = self.def();
        let mut strength = match rule.connective {
            Connective::And => 1.0,
            Connective::Or => 0.0,
        };
        for (variable, &k) in def.inputs.iter().zip(row) {
            if k == 0 {
                continue;
            }
            let index = variable.terms.start as usize + k.unsigned_abs() as usize - 1;
            let degree = match degrees.get(index) {
                Some(d) => *d,
                None => 0.0,
            };
            let degree = if k < 0 { 1.0 - degree } else { degree };
            strength = match rule.connective {
                Connective::And => and(def.and, strength, degree),
                Connective::Or => def.or.apply(strength, degree),
            };
        }
        strength * rule.weight
    }

    /// Combines the activations of the rules concluding each term of output `o` with
    /// `combine`, into the output's term slots of `degrees`.
    #[inline]
    fn term_activations(&self, o: usize, variable: &OutputVariable, combine: SNorm, degrees: &mut [f32]) {
        let def = self.def();
        let start = variable.terms.start as usize;
        if let Some(slots) = degrees.get_mut(start..variable.terms.end()) {
            slots.fill(0.0);
        }
        let inputs = def.inputs.len();
        let stride = inputs + def.outputs.len();
        for (rule, row) in def.rules.iter().zip(def.rule_terms.chunks_exact(stride)) {
            let k = match row.get(inputs + o) {
                Some(k) if *k > 0 => *k as usize,
                _ => continue,
            };
            let strength = self.fire(rule, row, degrees);
            if let Some(slot) = degrees.get_mut(start + k - 1) {
                *slot = match combine {
                    SNorm::Maximum => max(*slot, strength),
                    _ => combine.apply(*slot, strength),
                };
            }
        }
    }

    /// Sugeno: `(Σ_t W_t z_t [/ Σ_t W_t], Σ_t W_t > 0)` with `W_t` the summed activations of
    /// the rules concluding term `t`.
    #[inline]
    fn sugeno_output(
        &self,
        o: usize,
        variable: &OutputVariable,
        crisp: &[f32],
        degrees: &mut [f32],
    ) -> (f32, bool) {
        let def = self.def();
        self.term_activations(o, variable, SNorm::UnboundedSum, degrees);
        let range = variable.terms.start as usize..variable.terms.end();
        let mut weighted = 0.0f32;
        let mut total = 0.0f32;
        if let (Some(terms), Some(weights)) = (def.terms.get(range.clone()), degrees.get(range)) {
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

    /// Mamdani: the aggregated output set of output `o`, sampled, into `set`.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn aggregate(
        &self,
        o: usize,
        variable: &OutputVariable,
        implication: TNorm,
        aggregation: SNorm,
        table: &[f32],
        degrees: &mut [f32],
        set: &mut [f32],
    ) {
        let def = self.def();
        let n = set.len();
        set.fill(0.0);
        let combinable = matches!(aggregation, SNorm::Maximum)
            || matches!((aggregation, implication), (SNorm::UnboundedSum, TNorm::Product));
        if combinable {
            self.term_activations(o, variable, aggregation, degrees);
            let start = variable.terms.start as usize;
            let activations = degrees.get(start..variable.terms.end()).unwrap_or(&[]);
            for (activation, samples) in activations.iter().zip(table.chunks_exact(n.max(1))) {
                let w = *activation;
                match (aggregation, implication) {
                    (SNorm::Maximum, TNorm::Minimum) => {
                        for (g, s) in set.iter_mut().zip(samples) {
                            *g = lane_max(*g, lane_min(w, *s));
                        }
                    }
                    (SNorm::Maximum, TNorm::Product) => {
                        for (g, s) in set.iter_mut().zip(samples) {
                            *g = lane_max(*g, w * *s);
                        }
                    }
                    (SNorm::UnboundedSum, TNorm::Product) => {
                        for (g, s) in set.iter_mut().zip(samples) {
                            *g += w * *s;
                        }
                    }
                    _ => {
                        for (g, s) in set.iter_mut().zip(samples) {
                            *g = max(*g, implication.apply(w, *s));
                        }
                    }
                }
            }
        } else {
            let inputs = def.inputs.len();
            let stride = inputs + def.outputs.len();
            for (rule, row) in def.rules.iter().zip(def.rule_terms.chunks_exact(stride)) {
                let k = match row.get(inputs + o) {
                    Some(k) if *k > 0 => *k as usize,
                    _ => continue,
                };
                let w = self.fire(rule, row, degrees);
                let samples = table.get((k - 1) * n..k * n).unwrap_or(&[]);
                for (g, s) in set.iter_mut().zip(samples) {
                    *g = aggregation.apply(*g, implication.apply(w, *s));
                }
            }
        }
    }
}

/// AND with the common operators inlined.
#[inline(always)]
fn and(norm: TNorm, a: f32, b: f32) -> f32 {
    match norm {
        TNorm::Minimum => min(a, b),
        TNorm::Product => a * b,
        other => other.apply(a, b),
    }
}
