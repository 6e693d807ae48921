//! The Sugeno outputs of the general path: the weighted sums in a fixed order of partial
//! sums (rule `r` into partial `r mod P`), added pairwise at the end.

use super::{load, rule_part};
use crate::controller::Controller;
use crate::layout::{SUGENO_LANES, Slots};
use crate::math::pairwise;
use crate::variable::OutputVariable;

impl<'a> Controller<'a> {
    /// Sugeno: `(Σ_r s_r z_r [/ Σ_r s_r c_r], Σ_r s_r c_r > 0)` over the rules `r`, with
    /// `s_r` the rule's strength, `z_r` the value of the term it concludes for output `o`
    /// and `c_r` 1 when it concludes one (`z_r = c_r = 0` when it does not). Each sum is
    /// accumulated in [`SUGENO_LANES`] partial sums (rule `r` into partial `r mod P`, `P`
    /// = [`Controller::sugeno_partials`], 8 or a grid's column count) that are added pairwise
    /// at the end: a fixed order, which vectorises and which the C export reproduces.
    /// Constant terms come from the consequent table; an output with a linear term
    /// computes its terms' values first and gathers them per rule.
    #[inline]
    pub(super) fn sugeno_output(
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
        let lanes = (self.plan().sugeno_partials as usize).max(1);
        let linear = self.plan().linear_outputs & (1 << o) != 0;
        if lanes == SUGENO_LANES && !linear {
            // Whole chunks of eight rules: the strengths past the last rule are zeros (see
            // `evaluate`), and so are the table rows' padding; the zip stops at the end of
            // the shorter (a grid layout of 8 columns pads the table by up to 3 rows of 8,
            // more than the strengths' slack, and those rows are all zeros).
            let (s_chunks, _) = strengths.as_chunks::<SUGENO_LANES>();
            for ((s, z), c) in s_chunks.iter().zip(z_chunks).zip(c_chunks) {
                accumulate_chunk(s, z, c, &mut weighted, &mut total);
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
}

/// `weighted[k] += s[k] · z[k]` and `total[k] += s[k] · c[k]` for the eight rules of a
/// chunk (rule `r` is lane `r mod 8`). The last chunk is padded with zero strengths and
/// table entries; adding their `±0` products to a partial sum changes nothing (a partial
/// sum is never `-0`).
#[inline(always)]
fn accumulate_chunk(
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

/// The value of a Sugeno output from its sums `Σ s z` and `Σ s c`: `(Σ s z / Σ s c, fired)`
/// for the weighted average, `(Σ s z, fired)` for the weighted sum; `fired` when
/// `Σ s c > 0`.
#[inline(always)]
pub(super) fn sugeno_value(variable: &OutputVariable, weighted: f32, total: f32) -> (f32, bool) {
    let fired = total > 0.0;
    let value = match variable.defuzzifier {
        crate::Defuzzifier::WeightedSum => weighted,
        // Not fired: `Σ s c = 0`, so every rule has `s = 0` or concludes nothing (`z = 0`)
        // and `0 / 0` gives NaN, which `finish_output` replaces with the fallback anyway.
        _ => weighted / total,
    };
    (value, fired)
}
