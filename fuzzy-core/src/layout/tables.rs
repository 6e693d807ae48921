//! The evaluation tables ([`crate::ControllerDef::tables`]): their lengths and the `const`
//! builders, entry by entry (see the layout in [`crate::layout`]).

use super::{EDGE_LANES, GRID_TERMS, stored};
use crate::def::{Inference, MAX_TERMS_PER_VARIABLE};
use crate::membership::{Membership, Term};
use crate::variable::{InputVariable, OutputVariable};
#[cfg(doc)]
use crate::{Controller, ControllerDef};

/// Length of the rising feet in an input's window block (those of the terms from the third
/// on): 8 for up to ten terms, else 16 (the window kernel compares the input with all of
/// them at once).
pub(crate) const fn window_starts(terms: usize) -> usize {
    if terms <= 10 { 8 } else { 16 }
}

/// Whether every term of `input` is a triangle or trapezoid (such an input has an edge
/// block in the evaluation tables).
pub(crate) const fn two_edged(input: &InputVariable, terms: &[Term]) -> bool {
    let mut t = input.terms.start as usize;
    while t < input.terms.end() {
        if t >= terms.len() || !terms[t].is_two_edged() {
            return false;
        }
        t += 1;
    }
    true
}

/// Length of one row of an input's edge block: its term count rounded up to [`EDGE_LANES`].
pub(crate) const fn edge_row(input: &InputVariable) -> usize {
    (input.terms.count as usize).div_ceil(EDGE_LANES) * EDGE_LANES
}

/// Length of the edge part of the evaluation tables: four rows for every two-edged input.
pub(crate) const fn edge_len(inputs: &[InputVariable], terms: &[Term]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < inputs.len() {
        if two_edged(&inputs[i], terms) {
            total += 4 * edge_row(&inputs[i]);
        }
        i += 1;
    }
    total
}

/// Length of the evaluation tables ([`ControllerDef::tables`]) of a controller: four rows of
/// edges per two-edged input, then, for Sugeno, two rows per output (eight values per row
/// of the grid layout, or `rules` values rounded up to a multiple of eight), for Mamdani one
/// row of `rules` values per output, then the window blocks of a two-input grid (see
/// [`ControllerDef`]).
pub const fn table_len(
    inference: Inference,
    inputs: &[InputVariable],
    outputs: usize,
    terms: &[Term],
    rules: usize,
) -> usize {
    edge_len(inputs, terms)
        + match inference {
            Inference::Sugeno => 2 * outputs * sugeno_row(inputs, rules),
            Inference::Mamdani { .. } => outputs * rules,
        }
        + window_len(inference, inputs, terms, rules)
}

/// Length of the window blocks of the evaluation tables: for two two-edged inputs of 2 to
/// 16 terms and one rule per pair of terms (Sugeno: the grid layout, [`sugeno_grid_cols`]),
/// per input its rising feet ([`window_starts`]) and eight entries per pair of
/// neighbouring terms; none otherwise.
pub(crate) const fn window_len(
    inference: Inference,
    inputs: &[InputVariable],
    terms: &[Term],
    rules: usize,
) -> usize {
    if !windows_stored(inference, inputs, terms, rules) {
        return 0;
    }
    window_block(&inputs[0]) + window_block(&inputs[1])
}

/// Whether the evaluation tables end with window blocks (see [`window_len`]).
pub(crate) const fn windows_stored(
    inference: Inference,
    inputs: &[InputVariable],
    terms: &[Term],
    rules: usize,
) -> bool {
    let [first, second] = inputs else {
        return false;
    };
    let (rows, cols) = (first.terms.count as usize, second.terms.count as usize);
    let layout = match inference {
        Inference::Sugeno => sugeno_grid_cols(inputs, rules).is_some(),
        Inference::Mamdani { .. } => cols <= GRID_TERMS && rows * cols == rules,
    };
    layout
        && rows >= 2
        && rows <= GRID_TERMS
        && cols >= 2
        && two_edged(first, terms)
        && two_edged(second, terms)
}

/// Length of one input's window block.
const fn window_block(input: &InputVariable) -> usize {
    let n = input.terms.count as usize;
    window_starts(n) + 8 * (n - 1)
}

/// Entry `k` of the window blocks (`k < window_len`).
const fn window_entry(k: usize, inputs: &[InputVariable], terms: &[Term]) -> f32 {
    let (input, k) = if k < window_block(&inputs[0]) {
        (&inputs[0], k)
    } else {
        (&inputs[1], k - window_block(&inputs[0]))
    };
    let (start, n) = (input.terms.start as usize, input.terms.count as usize);
    let starts = window_starts(n);
    // The rising feet from term 2 on, then per pair w: [ra(w), fa(w), ra(w+1), fa(w+1),
    // rs(w), fs(w), ...].
    let (t, which) = if k < starts {
        if k + 2 >= n {
            return f32::INFINITY;
        }
        (k + 2, 0)
    } else {
        let (w, lane) = ((k - starts) / 8, (k - starts) % 8);
        (w + lane % 4 / 2, [0, 2, 0, 2, 1, 3, 1, 3][lane])
    };
    if start + t >= terms.len() {
        return 0.0;
    }
    match terms[start + t].edges() {
        Some(edges) => edges[which],
        None => 0.0,
    }
}

/// Size of the local activation array of a Mamdani output with `terms` terms: a power of
/// two above the term count, whose last entry collects the rules that conclude no term of
/// the output (16 below 16 terms, else 128).
pub(crate) const fn activation_slots(terms: usize) -> usize {
    if terms < 16 {
        16
    } else {
        MAX_TERMS_PER_VARIABLE + 1
    }
}

/// Entry `k` of the Mamdani part of the evaluation tables: for output `k / rules`, the
/// position of the term rule `k % rules` concludes, or the last activation slot when it
/// concludes none (a `u32` bit pattern).
const fn rule_term_entry(
    k: usize,
    inputs: usize,
    outputs: &[OutputVariable],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    if rules == 0 || k / rules >= outputs.len() {
        return 0.0;
    }
    let (o, r) = (k / rules, k % rules);
    let count = outputs[o].terms.count as usize;
    let i = r * (inputs + outputs.len()) + inputs + o;
    let position = if i < rule_terms.len() && rule_terms[i] > 0 && (rule_terms[i] as usize) <= count {
        rule_terms[i] as usize - 1
    } else {
        activation_slots(count) - 1
    };
    stored(position)
}

/// Entry `k` of the edge part of the evaluation tables (`k < edge_len`).
const fn edge_entry(k: usize, inputs: &[InputVariable], terms: &[Term]) -> f32 {
    let mut offset = 0;
    let mut i = 0;
    while i < inputs.len() {
        if two_edged(&inputs[i], terms) {
            let row = edge_row(&inputs[i]);
            if k < offset + 4 * row {
                // Quad by quad: the four rows' entries for terms 4q..4q+3, one after the
                // other (16 values per quad).
                let group = 4 * EDGE_LANES;
                let (quad, within) = ((k - offset) / group, (k - offset) % group);
                let (which, lane) = (within / EDGE_LANES, quad * EDGE_LANES + within % EDGE_LANES);
                if lane >= inputs[i].terms.count as usize {
                    return 0.0;
                }
                let t = inputs[i].terms.start as usize + lane;
                return match terms[t].edges() {
                    Some(edges) => edges[which],
                    None => 0.0,
                };
            }
            offset += 4 * row;
        }
        i += 1;
    }
    0.0
}

/// The column count of a Sugeno controller's grid layout: `Some(cols)` when it has two
/// inputs, at most eight terms in the second, and as many rules as pairs of terms (the
/// rules are then read as rows of `cols`, rule `r` in row `r / cols`, column `r mod cols`,
/// whatever its antecedents); `None` otherwise.
pub(crate) const fn sugeno_grid_cols(inputs: &[InputVariable], rules: usize) -> Option<usize> {
    if inputs.len() != 2 {
        return None;
    }
    let (rows, cols) = (inputs[0].terms.count as usize, inputs[1].terms.count as usize);
    if cols == 0 || cols > 8 || rows * cols != rules {
        None
    } else {
        Some(cols)
    }
}

/// Length of one row of the Sugeno part of the evaluation tables: eight entries per row of
/// the grid layout ([`sugeno_grid_cols`]), with the rows padded to a multiple of four (the
/// grid kernel takes four rows per vector of the first input's degrees), else the rule
/// count rounded up to a multiple of eight. The padding is zeros.
pub(crate) const fn sugeno_row(inputs: &[InputVariable], rules: usize) -> usize {
    match sugeno_grid_cols(inputs, rules) {
        Some(cols) => (rules / cols).div_ceil(4) * 4 * 8,
        None => rules.div_ceil(8) * 8,
    }
}

/// The position of rule `r`'s entry in a Sugeno row (the inverse of [`sugeno_rule_at`]).
pub(crate) const fn sugeno_slot(inputs: &[InputVariable], rules: usize, r: usize) -> usize {
    match sugeno_grid_cols(inputs, rules) {
        Some(cols) => r / cols * 8 + r % cols,
        None => r,
    }
}

/// The rule whose entry sits at position `slot` of a Sugeno row (`None`: padding).
const fn sugeno_rule_at(inputs: &[InputVariable], rules: usize, slot: usize) -> Option<usize> {
    let r = match sugeno_grid_cols(inputs, rules) {
        Some(cols) if slot % 8 >= cols => return None,
        Some(cols) => slot / 8 * cols + slot % 8,
        None => slot,
    };
    if r < rules { Some(r) } else { None }
}

/// Entry `k` of the Sugeno part of the evaluation tables.
const fn consequent_entry(
    k: usize,
    input_variables: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    let row_len = sugeno_row(input_variables, rules);
    if row_len == 0 {
        return 0.0;
    }
    let (row, slot) = (k / row_len, k % row_len);
    let (o, flag) = (row / 2, row % 2 == 1);
    let r = match sugeno_rule_at(input_variables, rules, slot) {
        Some(r) => r,
        None => return 0.0,
    };
    let inputs = input_variables.len();
    let stride = inputs + outputs.len();
    if o >= outputs.len() || r * stride + inputs + o >= rule_terms.len() {
        return 0.0;
    }
    let n = rule_terms[r * stride + inputs + o];
    if n <= 0 || n as u16 > outputs[o].terms.count {
        return 0.0;
    }
    if flag {
        return 1.0;
    }
    let t = outputs[o].terms.start as usize + n as usize - 1;
    if t >= terms.len() {
        return 0.0;
    }
    match terms[t].description() {
        Membership::Constant { value } => value,
        _ => 0.0,
    }
}

/// Entry `k` of the evaluation tables; 0 past their end.
pub(crate) const fn table_entry(
    k: usize,
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    let edges = edge_len(inputs, terms);
    if k < edges {
        return edge_entry(k, inputs, terms);
    }
    let consequents = match inference {
        Inference::Sugeno => 2 * outputs.len() * sugeno_row(inputs, rules),
        Inference::Mamdani { .. } => outputs.len() * rules,
    };
    if k >= edges + consequents {
        return if windows_stored(inference, inputs, terms, rules) {
            window_entry(k - edges - consequents, inputs, terms)
        } else {
            0.0
        };
    }
    match inference {
        Inference::Sugeno => consequent_entry(k - edges, inputs, outputs, terms, rules, rule_terms),
        Inference::Mamdani { .. } => rule_term_entry(k - edges, inputs.len(), outputs, rules, rule_terms),
    }
}

/// Fills `table` with the evaluation tables ([`ControllerDef::tables`]) as far as it goes
/// (size it with [`table_len`]).
pub const fn fill_tables(
    table: &mut [f32],
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rule_terms: &[i8],
) {
    let stride = inputs.len() + outputs.len();
    let rules = match rule_terms.len().checked_div(stride) {
        Some(rules) => rules,
        None => 0,
    };
    let mut k = 0;
    while k < table.len() {
        table[k] = table_entry(k, inference, inputs, outputs, terms, rules, rule_terms);
        k += 1;
    }
}

/// The evaluation tables as a `const` array:
/// `const TABLES: [f32; table_len(INFERENCE, &INPUTS, OUTPUTS.len(), &TERMS, RULES.len())] =
/// tables(INFERENCE, &INPUTS, &OUTPUTS, &TERMS, &RULE_TERMS);`. A wrong length or a stale
/// value is caught by [`Controller::new`].
pub const fn tables<const N: usize>(
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rule_terms: &[i8],
) -> [f32; N] {
    let mut table = [0.0f32; N];
    fill_tables(&mut table, inference, inputs, outputs, terms, rule_terms);
    table
}
