//! Rule firing: every rule's strength from the working array through the compiled rule
//! table (column by column, with the norm loops specialised for the common operators and
//! input counts), and the complete grids' rows as whole vectors.

use super::load;
use crate::controller::Controller;
use crate::layout::{ROW_SLACK, Slots};
use crate::math::rt::max;
use crate::math::rt::min;
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Rule};

impl<'a> Controller<'a> {
    /// Strength of every rule into `strengths`, with the norm loops specialised for the
    /// common operators and input counts.
    #[inline]
    pub(super) fn fire_rules(&self, slots: &[f32], strengths: &mut [f32]) {
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
    pub(super) fn fire_with(
        &self,
        slots: &[f32],
        strengths: &mut [f32],
        and: impl Fn(f32, f32) -> f32 + Copy,
        or: impl Fn(f32, f32) -> f32 + Copy,
    ) {
        let def = self.def();
        let plan = self.plan();
        if let (Some((rows, cols)), [first, second]) = (plan.grid, def.inputs) {
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
            if !plan.unit_weights {
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
    pub(super) fn column(&self, v: usize) -> &'a [u16] {
        let def = self.def();
        let count = def.rules.len();
        def.rule_slots.get(v * count..(v + 1) * count).unwrap_or(&[])
    }

    /// Rule strengths for `N` inputs, reading the antecedents column by column.
    #[inline(always)]
    pub(super) fn fire_columns<const N: usize>(
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
}

/// Strength of one rule: the antecedent degrees folded with the rule's norm from the first
/// on, times the weight.
#[inline(always)]
pub(super) fn fire(
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

/// Strengths of a complete grid of AND rules with at most `W` columns: row `i` is
/// `AND(a_i, b_j)` for every `j`, computed as one `W`-wide array (zeros past the last
/// column) and stored whole at the row's start. The lanes past the row's end land on the
/// next row's start, which the next row overwrites, and after the last row in the
/// [`ROW_SLACK`] values that follow the strengths.
#[inline(always)]
pub(super) fn fire_grid<const W: usize>(
    a: &[f32],
    b: &[f32],
    strengths: &mut [f32],
    and: impl Fn(f32, f32) -> f32,
) {
    let mut lanes = [0.0f32; W];
    for (lane, b) in lanes.iter_mut().zip(b) {
        *lane = *b;
    }
    fire_grid_rows(a, &lanes, b.len(), strengths, and);
}

/// [`fire_grid`] with the second input's degrees already padded to `W` lanes with zeros
/// (`cols` of them are degrees).
#[inline(always)]
pub(super) fn fire_grid_rows<const W: usize>(
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
