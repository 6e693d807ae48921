//! Fixed-point evaluation for microcontrollers without an FPU (Cortex-M0/M0+, small RISC-V
//! cores), where every `f32` operation is a library call.
//!
//! [`FixedController`] is built from a validated [`Controller`] by a `const fn`, so in a
//! `static` initializer an unsupported controller is a compile error, and the whole
//! controller (edges, rules, the sampled output terms) sits in flash. Evaluation uses `u32`
//! arithmetic only (one 32 × 32 → 32 multiply per edge and per rule, 64-bit additions for
//! the output sums), no division instruction (the one division is a fixed 18-step
//! restoring division), no branch on data: the instruction count is the same for every
//! input. No allocation, no panic (every index is a loop bound or a value checked at
//! construction).
//!
//! # What it evaluates
//!
//! The controllers firmware uses: one output; inputs with triangles and trapezoids
//! (shoulders and vertical edges included); AND rules with the minimum or the product, OR
//! rules with the maximum, `NOT`, unused inputs, weights; Mamdani with minimum or product
//! implication, maximum aggregation and the centroid (any output term shapes: they are
//! sampled at construction), or Sugeno with constant conclusions and the weighted average.
//! Anything else is a [`FixedError`] naming it.
//!
//! # Numbers
//!
//! - An input is a **position** in its range: `0` is `min`, [`POSITION_ONE`] (65 536) is
//!   `max` (the firmware maps its ADC counts or engineering integers to this once; on the
//!   host [`FixedController::position`] does it). Positions outside are clamped, as the
//!   `f32` engine clamps ([`Status::INPUT_OUT_OF_RANGE`]); [`MISSING`] marks a missing
//!   measurement ([`Status::NAN_INPUT`], output = fallback).
//! - Degrees and rule strengths are Q15: `1.0` = [`ONE`] = 32 768.
//! - The output is a position in the output range, rounded to the nearest
//!   (`FixedController::value` converts on the host).
//!
//! # Error against the `f32` engine (for inputs at the same positions)
//!
//! - A term corner is rounded to the nearest position: ≤ 0.5 position units, which moves
//!   a degree by ≤ 0.5 · 2^15 / w LSB on an edge `w` units wide.
//! - An edge's slope is `k = round(2^31 / w)` and the degree `⌊d · k / 2^16⌋`: ≤ w / 2^17 +
//!   1 LSB.
//! - So a degree is within `e_d = 1 + w/2^17 + 2^15/w` LSB (Q15) of the exact one (for
//!   the 7-term partitions of the reference PD controllers, w ≈ 10 923: e_d ≤ 4.1 LSB =
//!   1.3e-4); [`FixedController::degree_error_bound`] computes it for a controller. A
//!   vertical edge is a step, exact except at the one position next to a corner that is
//!   not a whole position, where the step may come one position early or late.
//! - Minimum and maximum add nothing; a product or a weight adds 1 LSB (truncation) plus
//!   the error carried (≤ 2 e_d for a product of two degrees).
//! - Sugeno: the weighted average moves by at most `Σ |Δs_r| · span / Σ s_r`; Mamdani:
//!   the centroid by at most `Σ_i |Δμ_i| · span / Σ_i μ_i`, with `|Δμ_i|` ≤ the rule
//!   strength error + 0.5 LSB (the sampled output terms); plus 0.5 position units of
//!   rounding. The bound is relative to the set's mass: large where the rules barely fire.
//!
//! The measured error over ≥ 10 000 inputs per reference controller is in the README
//! (`tests/suite/fixed_point.rs`).

use crate::controller::Controller;
use crate::def::Inference;
use crate::defuzzify::{Defuzzifier, Sampling};
use crate::membership::Membership;
use crate::norm::{SNorm, TNorm};
use crate::rule::Connective;
use crate::status::Status;
use crate::variable::{Fallback, OutOfRange};

mod pid;
pub use pid::{FixedControl, FixedGain, FixedLaw, FixedPid, FixedPidError, FixedPidState, SIGNAL_ONE};

/// Degree 1.0 in Q15.
pub const ONE: u32 = 1 << 15;
/// The position of an input's or the output's `max` (its `min` is 0).
pub const POSITION_ONE: i32 = 1 << 16;
/// An input value that marks a missing measurement.
pub const MISSING: i32 = i32::MIN;
/// Most sample points of a Mamdani output in fixed point (the centroid's sums fit 32 bits).
pub const MAX_FIXED_SAMPLES: usize = 255;
/// Term corners must lie within this many positions of 0 (±16 ranges): differences of
/// positions then fit an `i32`.
const MAX_CORNER: f32 = 16.0 * POSITION_ONE as f32;

/// Why a controller has no fixed-point form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedError {
    /// The const sizes of the [`FixedController`] type do not match the controller
    /// (inputs, input terms, rules, output terms, samples), or the inputs' terms are not
    /// numbered one input after the other (as every reader and the optimizer number them).
    Sizes,
    /// Only one output is supported.
    Outputs,
    /// Input `input` has a term (index in the controller's list) that is not a triangle
    /// or trapezoid.
    InputShape {
        /// input number (0-based)
        input: usize,
        /// term number (0-based) within the input
        term: usize,
    },
    /// Input `input` evaluates outside its range (`OutOfRange::Extend`); fixed point clamps.
    InputExtends(usize),
    /// A term corner lies more than 16 ranges from the range.
    CornerTooFar(usize),
    /// AND must be minimum or product, OR maximum.
    Norms,
    /// Mamdani: implication minimum or product, aggregation maximum, centroid; Sugeno:
    /// constant conclusions, weighted average.
    Inference,
    /// A Sugeno conclusion that is not a constant inside the output range.
    Conclusion(usize),
    /// Hedges are not supported in fixed point.
    Hedges,
    /// A negated conclusion, or a rule concluding nothing.
    RuleConclusion(usize),
    /// A fallback other than the midpoint or a value.
    Fallback,
    /// Too many sample points ([`MAX_FIXED_SAMPLES`]) or none.
    Samples,
}

impl core::fmt::Display for FixedError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            FixedError::Sizes => f.write_str(
                "the fixed-point sizes do not match the controller (inputs, input terms, rules, output terms, \
                 output samples), or its input terms are not numbered input after input",
            ),
            FixedError::Outputs => f.write_str("fixed point supports one output"),
            FixedError::InputShape { input, term } => write!(
                f,
                "input {} term {}: fixed point supports triangles and trapezoids (shoulders included)",
                input + 1,
                term + 1
            ),
            FixedError::InputExtends(i) => write!(
                f,
                "input {}: evaluates outside its range (extend); fixed point clamps inputs to the range",
                i + 1
            ),
            FixedError::CornerTooFar(i) => {
                write!(f, "input {}: a term corner lies more than 16 ranges from the range", i + 1)
            }
            FixedError::Norms => f.write_str("fixed point supports AND by minimum or product and OR by maximum"),
            FixedError::Inference => f.write_str(
                "fixed point supports Mamdani (minimum or product implication, maximum aggregation, centroid) \
                 and Sugeno with the weighted average",
            ),
            FixedError::Conclusion(r) => {
                write!(f, "rule {}: a Sugeno conclusion must be a constant inside the output range", r + 1)
            }
            FixedError::Hedges => f.write_str("fixed point does not support hedges"),
            FixedError::RuleConclusion(r) => {
                write!(f, "rule {}: fixed point needs a (not negated) conclusion", r + 1)
            }
            FixedError::Fallback => {
                f.write_str("fixed point supports the midpoint or a value as fallback (not hold)")
            }
            FixedError::Samples => write!(f, "fixed point needs 1 to {MAX_FIXED_SAMPLES} output samples"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FixedError {}

/// One input term's two edges in position units: degree = `min(rise, fall, ONE)`, each
/// edge `(clamp(d, 0, width) · slope) >> 16` with `d` the distance from its foot (`x −
/// rise_at` rising, `fall_at − x` falling). A code generator writes these numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedEdges {
    /// foot of the rising edge (position)
    pub rise_at: i32,
    /// its width (positions, ≥ 1)
    pub rise_width: i32,
    /// `round(2^31 / rise_width)`
    pub rise_slope: u32,
    /// foot of the falling edge (position)
    pub fall_at: i32,
    /// its width (positions, ≥ 1)
    pub fall_width: i32,
    /// `round(2^31 / fall_width)`
    pub fall_slope: u32,
}

impl FixedEdges {
    const ZERO: FixedEdges = FixedEdges {
        rise_at: 0,
        rise_width: 1,
        rise_slope: 0,
        fall_at: 0,
        fall_width: 1,
        fall_slope: 0,
    };
}

/// How the output is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedOutput {
    /// Mamdani, maximum aggregation, centroid over the sampled output terms.
    Mamdani {
        /// product implication (else minimum)
        product: bool,
        /// samples at interval midpoints `(s + 1/2) / N` (else at `s / (N − 1)`)
        midpoints: bool,
    },
    /// Sugeno with constant conclusions, weighted average.
    Sugeno,
}

use FixedOutput as Output;

/// One input term in fixed point: its edges, its input, its degree error bound (Q15 LSB).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedTerm {
    /// the edges
    pub edges: FixedEdges,
    /// the input it reads (0-based)
    pub input: u8,
    /// the bound of its degree error, Q15 LSB
    pub error: f32,
}

/// A rule in fixed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedRule {
    /// all ones for an OR rule, 0 for AND
    pub or_rule: u32,
    /// Q15
    pub weight: u32,
    /// the output term concluded (0-based)
    pub conclusion: u16,
    /// Sugeno: the conclusion's position in the output range
    pub value: u32,
}

/// One condition of a rule in fixed point: `d = (degree[slot] & keep) | fill`, then NOT
/// as `(d ^ negate) + (negate & (ONE + 1))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedCondition {
    /// the input term whose degree it reads (0-based in the controller's terms)
    pub slot: u16,
    /// all ones when the input is used
    pub keep: u32,
    /// the degree of an unused input: 1 (Q15) in an AND rule, 0 in an OR rule
    pub fill: u32,
    /// all ones for NOT
    pub negate: u32,
}

/// The size-independent part of a controller's fixed-point form, and the functions that
/// give each of its numbers: what [`FixedController::new`] builds its arrays from, and what
/// a code generator (the C export) writes. [`FixedPlan::new`] checks everything; the item
/// functions then cannot fail for indices within the sizes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedPlan {
    /// inputs
    pub inputs: usize,
    /// input terms in all
    pub input_terms: usize,
    /// rules
    pub rules: usize,
    /// output terms
    pub output_terms: usize,
    /// output samples (Mamdani; 1 for Sugeno)
    pub samples: usize,
    /// how the output is computed
    pub output: FixedOutput,
    /// AND by product (else minimum)
    pub and_product: bool,
    /// every rule an AND of all inputs without NOT, weight 1
    pub plain: bool,
    /// the fallback output position
    pub fallback: u32,
    /// the output range
    pub output_range: (f32, f32),
    /// the largest degree error bound of the input terms, Q15 LSB
    pub degree_error: f32,
}

impl FixedPlan {
    /// Checks that `controller` has a fixed-point form and returns its plan.
    pub const fn new(controller: &Controller<'_>) -> Result<FixedPlan, FixedError> {
        let def = controller.def();
        if def.outputs.len() != 1 {
            return Err(FixedError::Outputs);
        }
        if !def.hedged.is_empty() {
            return Err(FixedError::Hedges);
        }
        let out = def.outputs[0];
        let and_product = match def.and {
            TNorm::Minimum => false,
            TNorm::Product => true,
            _ => return Err(FixedError::Norms),
        };
        if !matches!(def.or, SNorm::Maximum) {
            return Err(FixedError::Norms);
        }
        let (output, samples) = match def.inference {
            Inference::Mamdani {
                implication,
                aggregation: SNorm::Maximum,
            } if matches!(out.defuzzifier, Defuzzifier::Centroid) => {
                let product = match implication {
                    TNorm::Minimum => false,
                    TNorm::Product => true,
                    _ => return Err(FixedError::Inference),
                };
                match out.sampling {
                    Sampling::Endpoints { points } => {
                        let n = points as usize;
                        if n < 2 || n > MAX_FIXED_SAMPLES {
                            return Err(FixedError::Samples);
                        }
                        (
                            Output::Mamdani {
                                product,
                                midpoints: false,
                            },
                            n,
                        )
                    }
                    Sampling::Midpoints { intervals } => {
                        let n = intervals as usize;
                        if n < 1 || n > MAX_FIXED_SAMPLES {
                            return Err(FixedError::Samples);
                        }
                        (
                            Output::Mamdani {
                                product,
                                midpoints: true,
                            },
                            n,
                        )
                    }
                }
            }
            Inference::Sugeno if matches!(out.defuzzifier, Defuzzifier::WeightedAverage) => {
                (Output::Sugeno, 1)
            }
            _ => return Err(FixedError::Inference),
        };
        let (omin, omax) = (out.min, out.max);
        let fallback = match out.fallback {
            Fallback::Midpoint => (POSITION_ONE / 2) as u32,
            Fallback::Value(v) => round((v - omin) / (omax - omin) * POSITION_ONE as f32) as u32,
            Fallback::Hold => return Err(FixedError::Fallback),
        };
        let inputs = def.inputs.len();
        let input_terms = out.terms.start as usize;
        let mut plan = FixedPlan {
            inputs,
            input_terms,
            rules: def.rules.len(),
            output_terms: out.terms.count as usize,
            samples,
            output,
            and_product,
            plain: true,
            fallback,
            output_range: (omin, omax),
            degree_error: 0.0,
        };
        // The inputs' terms one after the other from 0, then the output's (the layout the
        // term and rule numbers below assume).
        let mut next = 0;
        let mut i = 0;
        while i < inputs {
            if matches!(def.inputs[i].out_of_range, OutOfRange::Extend) {
                return Err(FixedError::InputExtends(i));
            }
            if def.inputs[i].terms.start as usize != next {
                return Err(FixedError::Sizes);
            }
            next = def.inputs[i].terms.end();
            i += 1;
        }
        if next != input_terms {
            return Err(FixedError::Sizes);
        }
        // Every input term and every rule, for their errors and the plain flag.
        let mut t = 0;
        while t < input_terms {
            match plan.edges(controller, t) {
                Ok(term) => {
                    if term.error > plan.degree_error {
                        plan.degree_error = term.error;
                    }
                }
                Err(e) => return Err(e),
            }
            t += 1;
        }
        let mut r = 0;
        while r < plan.rules {
            let rule = match plan.rule(controller, r) {
                Ok(rule) => rule,
                Err(e) => return Err(e),
            };
            plan.plain &= rule.or_rule == 0 && rule.weight == ONE;
            let mut i = 0;
            while i < inputs {
                plan.plain &= plan.condition(controller, r, i).keep != 0
                    && plan.condition(controller, r, i).negate == 0;
                i += 1;
            }
            r += 1;
        }
        Ok(plan)
    }

    /// Input term `t` (0-based; [`FixedError::Sizes`] past `input_terms`).
    pub const fn edges(&self, controller: &Controller<'_>, t: usize) -> Result<FixedTerm, FixedError> {
        let def = controller.def();
        if t >= self.input_terms || def.inputs.is_empty() {
            return Err(FixedError::Sizes);
        }
        // The input whose terms hold t.
        let mut i = 0;
        while i + 1 < def.inputs.len() && t >= def.inputs[i].terms.end() {
            i += 1;
        }
        let input = def.inputs[i];
        let scale = POSITION_ONE as f32 / (input.max - input.min);
        let (a, b, c, d) = match def.terms[t].description() {
            Membership::Triangle { a, b, c } => (a, b, b, c),
            Membership::Trapezoid { a, b, c, d } => (a, b, c, d),
            _ => {
                return Err(FixedError::InputShape {
                    input: i,
                    term: t - input.terms.start as usize,
                });
            }
        };
        let (pa, pb, pc, pd) = (
            (a - input.min) * scale,
            (b - input.min) * scale,
            (c - input.min) * scale,
            (d - input.min) * scale,
        );
        if !(pa > -MAX_CORNER && pd < MAX_CORNER) {
            return Err(FixedError::CornerTooFar(i));
        }
        let (ra, rb, rc, rd) = (
            round(pa) as i32,
            round(pb) as i32,
            round(pc) as i32,
            round(pd) as i32,
        );
        // A vertical edge (equal corners after rounding) is a step: 1 from the edge on, as
        // the f32 engine; a one-unit slope starting one unit early gives it.
        let (rise_at, rise_width) = if rb > ra { (ra, rb - ra) } else { (rb - 1, 1) };
        let (fall_at, fall_width) = if rd > rc { (rd, rd - rc) } else { (rc + 1, 1) };
        // Vertical edges are steps: exact except at a position next to a corner that is not
        // a whole position (there the step may fall one position early or late).
        let rise_error = if rb > ra { edge_error(rise_width) } else { 1.0 };
        let fall_error = if rd > rc { edge_error(fall_width) } else { 1.0 };
        Ok(FixedTerm {
            edges: FixedEdges {
                rise_at,
                rise_width,
                rise_slope: slope(rise_width),
                fall_at,
                fall_width,
                fall_slope: slope(fall_width),
            },
            input: i as u8,
            error: if rise_error > fall_error {
                rise_error
            } else {
                fall_error
            },
        })
    }

    /// Rule `r` (0-based; [`FixedError::Sizes`] past `rules`).
    pub const fn rule(&self, controller: &Controller<'_>, r: usize) -> Result<FixedRule, FixedError> {
        let def = controller.def();
        if r >= self.rules {
            return Err(FixedError::Sizes);
        }
        let rule = def.rules[r];
        let stride = def.inputs.len() + 1;
        let k = def.rule_terms[r * stride + self.inputs];
        if k <= 0 {
            return Err(FixedError::RuleConclusion(r));
        }
        let (omin, omax) = self.output_range;
        let value = match self.output {
            Output::Sugeno => match def.terms[self.input_terms + k as usize - 1].description() {
                Membership::Constant { value: v } if v >= omin && v <= omax => {
                    round((v - omin) / (omax - omin) * POSITION_ONE as f32) as u32
                }
                _ => return Err(FixedError::Conclusion(r)),
            },
            Output::Mamdani { .. } => 0,
        };
        Ok(FixedRule {
            or_rule: mask(matches!(rule.connective, Connective::Or)),
            weight: round(rule.weight * ONE as f32) as u32,
            conclusion: (k - 1) as u16,
            value,
        })
    }

    /// Condition `i` (input `i`) of rule `r` (an unused input's outside the sizes).
    pub const fn condition(&self, controller: &Controller<'_>, r: usize, i: usize) -> FixedCondition {
        let def = controller.def();
        if r >= self.rules || i >= self.inputs {
            // Outside the controller: an unused input of an AND rule.
            return FixedCondition {
                slot: 0,
                keep: 0,
                fill: ONE,
                negate: 0,
            };
        }
        let is_or = matches!(def.rules[r].connective, Connective::Or);
        let k = def.rule_terms[r * (self.inputs + 1) + i];
        if k == 0 {
            // Unused: 1 in an AND rule, 0 in an OR rule.
            FixedCondition {
                slot: 0,
                keep: 0,
                fill: if is_or { 0 } else { ONE },
                negate: 0,
            }
        } else {
            FixedCondition {
                slot: (def.inputs[i].terms.start as usize + k.unsigned_abs() as usize - 1) as u16,
                keep: u32::MAX,
                fill: 0,
                negate: mask(k < 0),
            }
        }
    }

    /// Mamdani: output term `k`'s degree (Q15) at sample `s`, as the f32 engine samples it
    /// (0 outside the sizes).
    pub const fn sample(&self, controller: &Controller<'_>, k: usize, s: usize) -> u16 {
        let def = controller.def();
        if k >= self.output_terms || s >= self.samples {
            return 0;
        }
        let out = def.outputs[0];
        let (x0, dx) = out.sampling.grid(out.min, out.max);
        let x = if s + 1 == self.samples && !matches!(out.sampling, Sampling::Midpoints { .. }) {
            out.max
        } else {
            x0 + dx * s as f32
        };
        let m = def.terms[self.input_terms + k].membership_const(x, def.params);
        round(m * ONE as f32) as u16
    }

    /// Mamdani: the samples `[start, end)` where output term `k` is not 0 (`(0, 0)` if none).
    pub const fn support(&self, controller: &Controller<'_>, k: usize) -> (u16, u16) {
        let mut support = (0u16, 0u16);
        let mut s = 0;
        while s < self.samples {
            if self.sample(controller, k, s) != 0 {
                if support.1 == 0 {
                    support.0 = s as u16;
                }
                support.1 = s as u16 + 1;
            }
            s += 1;
        }
        support
    }
}

/// A controller in fixed point; `I` inputs, `T` input terms in all, `R` rules, `K` output
/// terms, `N` output sample points (Mamdani; 1 for Sugeno). Build it with
/// [`FixedController::new`] in a `static`, from the controller it evaluates (here the
/// reference 7×7 PD Sugeno controller: 2 inputs, 14 input terms, 49 rules, 7 output terms):
///
/// ```rust,ignore
/// static PD_Q: FixedController<2, 14, 49, 7, 1> = match FixedController::new(&PD_SUGENO) {
///     Ok(f) => f,
///     Err(_) => panic!("no fixed-point form"), // a compile error, not a run-time panic
/// };
/// let (position, status) = PD_Q.evaluate(&[e_position, de_position]);
/// ```
///
/// (`tests/suite/fixed_point.rs` and the firmware demo use it this way.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedController<const I: usize, const T: usize, const R: usize, const K: usize, const N: usize> {
    edges: [FixedEdges; T],
    /// per input term: its input
    term_input: [u8; T],
    /// per rule and input: index of the term's degree (unused inputs point at 0 and are
    /// masked), the mask that keeps the degree, the value put in instead, and the NOT mask
    slot: [[u16; I]; R],
    keep: [[u32; I]; R],
    fill: [[u32; I]; R],
    negate: [[u32; I]; R],
    /// per rule: all ones for an OR rule
    or_rule: [u32; R],
    /// per rule: Q15 weight
    weight: [u32; R],
    /// per rule: the output term it concludes
    conclusion: [u16; R],
    /// Sugeno: per rule, the conclusion's position
    value: [u32; R],
    /// Mamdani: per output term, its degrees at the sample points (Q15)
    table: [[u16; N]; K],
    output: Output,
    and_product: bool,
    /// every rule an AND of all inputs without NOT, weight 1: the rule loop skips the masks
    plain: bool,
    /// Mamdani: per output term, the samples `[start, end)` where it is not 0
    support: [(u16, u16); K],
    fallback: u32,
    /// for the host-side conversions
    input_range: [(f32, f32); I],
    output_range: (f32, f32),
    degree_error: f32,
}

/// Rounds a finite `f32` to the nearest `i64` (ties away from zero), in `const`.
const fn round(x: f32) -> i64 {
    if x >= 0.0 {
        (x + 0.5) as i64
    } else {
        (x - 0.5) as i64
    }
}

/// All ones when `condition`, else 0.
const fn mask(condition: bool) -> u32 {
    0u32.wrapping_sub(condition as u32)
}

/// The shift count 31, read through [`core::hint::black_box`] once per evaluation, so that
/// the optimiser cannot see that `x >> 31` is a sign mask: it would turn the mask arithmetic
/// below back into selects, which cores without conditional execution (Cortex-M0's Thumb-1,
/// RISC-V without Zicond) compile to branches: the instruction count would then depend on
/// the data. With the count hidden the code stays straight-line arithmetic on every target.
#[derive(Clone, Copy)]
pub(crate) struct Sign(u32);

impl Sign {
    #[inline(always)]
    pub(crate) fn new() -> Sign {
        Sign(core::hint::black_box(31))
    }

    /// All ones when `x < 0`, else 0.
    #[inline(always)]
    pub(crate) fn of(self, x: i32) -> u32 {
        x.wrapping_shr(self.0) as u32
    }

    /// All ones when `x != 0`, else 0.
    #[inline(always)]
    pub(crate) fn nonzero(self, x: u32) -> u32 {
        self.of((x | x.wrapping_neg()) as i32)
    }
}

/// `a[i]`, or 0 for an index past the end (which construction rules out): the bound check
/// compares with a constant of the controller, the same for every input, and is cheaper
/// than a remainder on cores without a divider.
#[inline(always)]
fn read<V: Copy + Default, const L: usize>(a: &[V; L], i: impl Into<usize>) -> V {
    match a.get(i.into()) {
        Some(&v) => v,
        None => V::default(),
    }
}

/// `min(a, b)` for values below 2^31, without a branch.
#[inline(always)]
fn min_u(a: u32, b: u32, sg: Sign) -> u32 {
    let d = a.wrapping_sub(b);
    b.wrapping_add(d & sg.of(d as i32))
}

/// `max(a, b)` for values below 2^31, without a branch.
#[inline(always)]
fn max_u(a: u32, b: u32, sg: Sign) -> u32 {
    let d = a.wrapping_sub(b);
    a.wrapping_sub(d & sg.of(d as i32))
}

/// `clamp(d, 0, width)` for `|d| < 2^31`, `width >= 0`, without a branch.
#[inline(always)]
fn clamp_i(d: i32, width: i32, sg: Sign) -> u32 {
    let d = d & !(sg.of(d) as i32);
    let e = d.wrapping_sub(width);
    width.wrapping_add(e & sg.of(e) as i32) as u32
}

/// `num / den` rounded to the nearest, for quotients below 2^18, `num < 2^63` and
/// `den > 0`: a fixed 18-step restoring division (no division instruction, no branch).
#[inline(always)]
fn divide(num: u64, den: u32, sg: Sign) -> u32 {
    let den = den as u64;
    let mut rem = num;
    let mut q = 0u32;
    let mut bit = 18;
    // The divisor shifted to the current bit (shifted by a constant each step: a variable
    // 64-bit shift is a library call on Cortex-M0).
    let mut t = den << 18;
    while bit > 0 {
        bit -= 1;
        t >>= 1;
        // All ones when rem < t (the difference's high word is negative).
        let below = sg.of((rem.wrapping_sub(t) >> 32) as i32);
        let take = (!below) as i32 as i64 as u64;
        rem -= t & take;
        q |= (!below & 1) << bit;
    }
    // Round half up: one more when the remainder is at least half the divisor.
    let up = !sg.of(((2 * rem).wrapping_sub(den) >> 32) as i32) & 1;
    q + up
}

impl<const I: usize, const T: usize, const R: usize, const K: usize, const N: usize>
    FixedController<I, T, R, K, N>
{
    /// The fixed-point form of `controller`, or why it has none.
    pub const fn new(controller: &Controller<'_>) -> Result<Self, FixedError> {
        let plan = match FixedPlan::new(controller) {
            Ok(plan) => plan,
            Err(e) => return Err(e),
        };
        if plan.inputs != I
            || plan.input_terms != T
            || plan.rules != R
            || plan.output_terms != K
            || plan.samples != N
        {
            return Err(FixedError::Sizes);
        }
        let mut edges = [FixedEdges::ZERO; T];
        let mut term_input = [0u8; T];
        let mut t = 0;
        while t < T {
            let term = match plan.edges(controller, t) {
                Ok(term) => term,
                Err(e) => return Err(e),
            };
            edges[t] = term.edges;
            term_input[t] = term.input;
            t += 1;
        }
        let mut input_range = [(0.0f32, 1.0f32); I];
        let mut i = 0;
        while i < I {
            let input = controller.def().inputs[i];
            input_range[i] = (input.min, input.max);
            i += 1;
        }
        let mut slot = [[0u16; I]; R];
        let mut keep = [[0u32; I]; R];
        let mut fill = [[0u32; I]; R];
        let mut negate = [[0u32; I]; R];
        let mut or_rule = [0u32; R];
        let mut weight = [0u32; R];
        let mut conclusion = [0u16; R];
        let mut value = [0u32; R];
        let mut r = 0;
        while r < R {
            let rule = match plan.rule(controller, r) {
                Ok(rule) => rule,
                Err(e) => return Err(e),
            };
            or_rule[r] = rule.or_rule;
            weight[r] = rule.weight;
            conclusion[r] = rule.conclusion;
            value[r] = rule.value;
            let mut i = 0;
            while i < I {
                let c = plan.condition(controller, r, i);
                slot[r][i] = c.slot;
                keep[r][i] = c.keep;
                fill[r][i] = c.fill;
                negate[r][i] = c.negate;
                i += 1;
            }
            r += 1;
        }
        let mut table = [[0u16; N]; K];
        let mut support = [(0u16, 0u16); K];
        if let Output::Mamdani { .. } = plan.output {
            let mut k = 0;
            while k < K {
                let mut s = 0;
                while s < N {
                    table[k][s] = plan.sample(controller, k, s);
                    s += 1;
                }
                support[k] = plan.support(controller, k);
                k += 1;
            }
        }
        Ok(FixedController {
            edges,
            term_input,
            slot,
            keep,
            fill,
            negate,
            or_rule,
            weight,
            conclusion,
            value,
            table,
            output: plan.output,
            and_product: plan.and_product,
            plain: plan.plain,
            support,
            fallback: plan.fallback,
            input_range,
            output_range: plan.output_range,
            degree_error: plan.degree_error,
        })
    }

    /// The largest error of a term degree against the exact degree at the same position,
    /// in Q15 units (see the module documentation): corner rounding, slope rounding and
    /// truncation.
    pub const fn degree_error_bound(&self) -> f32 {
        self.degree_error
    }

    /// Evaluates at input positions (`0` = min, [`POSITION_ONE`] = max; [`MISSING`] for a
    /// missing measurement); returns the output position and the status.
    pub fn evaluate(&self, inputs: &[i32; I]) -> (u32, Status) {
        let sg = Sign::new();
        let (x, clamped, missing) = clamp_all(inputs, sg);
        // Term degrees: each term reads its own input's position. (Built element by
        // element: no zeroing first.)
        let degrees: [u32; T] =
            core::array::from_fn(|t| term_degree(&self.edges[t], read(&x, self.term_input[t]), sg));
        // Rules.
        let strengths: [u32; R] = core::array::from_fn(|r| {
            if self.plain {
                let mut and = read(&degrees, self.slot[r][0]);
                let mut i = 1;
                while i < I {
                    let d = read(&degrees, self.slot[r][i]);
                    and = if self.and_product {
                        (and * d) >> 15
                    } else {
                        min_u(and, d, sg)
                    };
                    i += 1;
                }
                and
            } else {
                let mut and = ONE;
                let mut or = 0u32;
                let mut i = 0;
                while i < I {
                    let d = read(&degrees, self.slot[r][i]);
                    let d = (d & self.keep[r][i]) | self.fill[r][i];
                    let n = self.negate[r][i];
                    let d = (d ^ n).wrapping_add(n & (ONE + 1));
                    and = if self.and_product {
                        (and * d) >> 15
                    } else {
                        min_u(and, d, sg)
                    };
                    or = max_u(or, d, sg);
                    i += 1;
                }
                let s = (and & !self.or_rule[r]) | (or & self.or_rule[r]);
                (s * self.weight[r]) >> 15
            }
        });
        let (num, den) = match self.output {
            Output::Sugeno => {
                let mut num = 0u64;
                let mut den = 0u32;
                let mut r = 0;
                while r < R {
                    num += (strengths[r] * self.value[r]) as u64;
                    den += strengths[r];
                    r += 1;
                }
                (num, den)
            }
            Output::Mamdani { product, midpoints } => {
                // Maximum aggregation of clipped (or scaled) sets = each term clipped at the
                // largest strength of the rules concluding it.
                let mut level = [0u32; K];
                let mut r = 0;
                while r < R {
                    if let Some(level) = level.get_mut(self.conclusion[r] as usize) {
                        *level = max_u(*level, strengths[r], sg);
                    }
                    r += 1;
                }
                // The aggregated set, each term only where it is not 0 (the bounds are the
                // controller's, the same for every input).
                let mut mu = [0u16; N];
                let mut k = 0;
                while k < K {
                    let (start, end) = (self.support[k].0 as usize, self.support[k].1 as usize);
                    // (Both ranges exist: `start <= end <= N` by construction.)
                    if let (Some(mu), Some(row)) = (mu.get_mut(start..end), self.table[k].get(start..end)) {
                        for (mu, &m) in mu.iter_mut().zip(row) {
                            let m = m as u32;
                            let implied = if product {
                                (m * level[k]) >> 15
                            } else {
                                min_u(m, level[k], sg)
                            };
                            *mu = max_u(*mu as u32, implied, sg) as u16;
                        }
                    }
                    k += 1;
                }
                let mut sum = 0u32;
                let mut moment = 0u32;
                let mut s = 0;
                while s < N {
                    sum += mu[s] as u32;
                    moment += mu[s] as u32 * s as u32;
                    s += 1;
                }
                if midpoints {
                    // x_s = (s + 1/2) / N of the range.
                    (((2 * moment as u64) + sum as u64) << 16, 2 * N as u32 * sum)
                } else {
                    ((moment as u64) << 16, (N as u32 - 1) * sum)
                }
            }
        };
        let fired = sg.nonzero(den);
        let position = divide(num, den | !fired & 1, sg);
        let use_fallback = !fired | missing;
        let position = (position & !use_fallback) | (self.fallback & use_fallback);
        // Flags from the masks (all ones or 0), without a branch.
        let flags = (clamped as u8 & Status::INPUT_OUT_OF_RANGE.bits())
            | (missing as u8 & Status::NAN_INPUT.bits())
            | (!fired as u8 & Status::NO_RULE_FIRED.bits())
            | (use_fallback as u8 & Status::FALLBACK.bits());
        let status = Status::from_bits(flags);
        (position, status)
    }

    /// The degree (Q15) of input term `t` (0-based, in the controller's term list) at an
    /// input position (clamped to the range; 0 for a bad index), as [`Self::evaluate`]
    /// computes it.
    pub fn degree(&self, t: usize, position: i32) -> u32 {
        match self.edges.get(t) {
            Some(e) => {
                let sg = Sign::new();
                term_degree(e, clamp_all(&[position], sg).0[0], sg)
            }
            None => 0,
        }
    }

    /// The position of `x` in input `i`'s range (host side; 0 for a bad index).
    pub fn position(&self, i: usize, x: f32) -> i32 {
        match self.input_range.get(i) {
            Some(&(min, max)) => round((x - min) / (max - min) * POSITION_ONE as f32) as i32,
            None => 0,
        }
    }

    /// The output value of an output position (host side).
    pub fn value(&self, position: u32) -> f32 {
        let (min, max) = self.output_range;
        min + (max - min) * (position as f32 / POSITION_ONE as f32)
    }
}

/// Inputs clamped to [0, POSITION_ONE] (a missing one reads as 0), whether any was
/// clamped, whether any was missing (all ones / 0 masks).
#[inline(always)]
fn clamp_all<const I: usize>(inputs: &[i32; I], sg: Sign) -> ([i32; I], u32, u32) {
    let mut out = [0i32; I];
    let mut clamped = 0u32;
    let mut missing = 0u32;
    let mut i = 0;
    while i < I {
        let raw = inputs[i];
        let is_missing = !sg.nonzero((raw ^ MISSING) as u32);
        let low = sg.of(raw);
        let high = !sg.of(raw.wrapping_sub(POSITION_ONE + 1));
        let x = (raw as u32 & !low & !high) | (POSITION_ONE as u32 & high);
        out[i] = (x & !is_missing) as i32;
        clamped |= (low | high) & !is_missing;
        missing |= is_missing;
        i += 1;
    }
    (out, clamped, missing)
}

/// A term's degree (Q15) at a clamped position.
#[inline(always)]
fn term_degree(e: &FixedEdges, x: i32, sg: Sign) -> u32 {
    let rise = clamp_i(x.wrapping_sub(e.rise_at), e.rise_width, sg).wrapping_mul(e.rise_slope) >> 16;
    let fall = clamp_i(e.fall_at.wrapping_sub(x), e.fall_width, sg).wrapping_mul(e.fall_slope) >> 16;
    min_u(min_u(rise, fall, sg), ONE, sg)
}

/// `round(2^31 / width)`, capped below 2^32.
const fn slope(width: i32) -> u32 {
    let w = width as u64;
    let k = ((1u64 << 31) + w / 2) / w;
    if k > u32::MAX as u64 { u32::MAX } else { k as u32 }
}

/// The degree error bound of an edge `width` positions wide, Q15 LSB.
const fn edge_error(width: i32) -> f32 {
    let w = width as f32;
    1.0 + w / 131_072.0 + 32_768.0 / w * 0.5
}
