//! The Mamdani outputs: the rule strengths combined into term activations, the sampled
//! terms aggregated block by block (see [`crate::layout`]) with the running aggregate in
//! registers, and the moments of the centroid.

use super::grid::OutputTally;
use super::{Work, rule_part};
use crate::controller::Controller;
use crate::defuzzify::Moments;
use crate::layout::{
    MAX_ACTIVATIONS, SAMPLE_BLOCK, SMALL_OUTPUT, Slots, activation_slots, block_header, row_parts,
    split_block, split_row, stored_index,
};
use crate::math::rt::{lane_max, lane_min, max};
use crate::norm::{SNorm, TNorm};
use crate::variable::OutputVariable;

impl<'a> Controller<'a> {
    /// Aggregates Mamdani output `o`, whose sampled terms start at `offset` in the sample
    /// table, into the front of the scratch's set area, and accumulates its `moments`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(super) fn aggregate_output(
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

    /// Combines the strengths of the rules concluding each term of Mamdani output `o` into a
    /// local array of `N` activations ([`activation_slots`]): entry `t` for term `t`, entry
    /// `N - 1` for the rules that conclude no term of this output. Each rule's entry comes
    /// from the output's row of the evaluation tables, masked into the array, so the loop
    /// has neither index arithmetic nor bounds checks.
    #[inline(always)]
    pub(super) fn combine_into_terms<const N: usize>(
        &self,
        o: usize,
        combine: SNorm,
        strengths: &[f32],
    ) -> [f32; N] {
        let def = self.def();
        let rules = def.rules.len();
        let start = self.plan().consequent_offset + o * rules;
        let column = def.tables.get(start..start + rules).unwrap_or(&[]);
        let index = |entry: &f32| stored_index(*entry) & (N - 1);
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

    /// Mamdani: the aggregated output set of output `o`, sampled, into `set`, and its
    /// [`Moments`]; returns how many entries of `table` (this output's part of the sampled
    /// table and what follows) it read.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn aggregate(
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
                let activations = self.combine_into_terms::<MAX_ACTIVATIONS>(o, aggregation, strengths);
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
pub(super) fn for_each_row(
    set: &mut [f32],
    table: &[f32],
    mut visit: impl FnMut(&mut [f32], usize, &[f32; SAMPLE_BLOCK]),
) -> usize {
    let mut rest = table;
    for out in set.chunks_exact_mut(SAMPLE_BLOCK) {
        let mut rows = split_block(rest);
        for row in &mut rows {
            let (term, samples) = row_parts(row);
            visit(out, term, samples);
        }
        rest = rows.rest();
    }
    table.len() - rest.len()
}

/// The centroid of a Mamdani grid kernel's output from its term activations: the output's
/// sample blocks aggregated one after the other ([`aggregate_block`], the moments in
/// registers), the total noted in `tally`. NaN when nothing fired (`Σ μ = 0`, `0 / 0`).
#[inline(always)]
pub(super) fn blocks_centroid<const N: usize>(
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
pub(super) fn aggregate_combined<const N: usize>(
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
pub(super) fn aggregate_block<const N: usize>(
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
pub(super) fn block_values<const N: usize>(
    table: &mut &[f32],
    activations: &[f32; N],
    f: &impl Fn(f32, f32, f32) -> f32,
) -> [f32; SAMPLE_BLOCK] {
    let mut g = [0.0f32; SAMPLE_BLOCK];
    let (count, mut rest) = block_header(table);
    // (A counted loop: measured cheaper here than the `BlockRows` iterator, 1 153 against
    // 1 178 instructions per 7×7 Mamdani evaluation on x86-64.)
    for _ in 0..count {
        let Some((row, tail)) = split_row(rest) else {
            break;
        };
        rest = tail;
        let (term, samples) = row_parts(row);
        // A validated table's term positions are below the term count (< N).
        let w = match activations.get(term & (N - 1)) {
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
pub(super) fn aggregate_blocks<const N: usize>(
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
