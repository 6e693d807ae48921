//! The working array of degrees and activations ([`Slots`]) and the compiled rule table
//! ([`crate::ControllerDef::rule_slots`]).

use crate::rule::{Connective, Hedged, Rule};
use crate::variable::{InputVariable, OutputVariable};
#[cfg(doc)]
use crate::{Controller, ControllerDef};

/// Layout of the working array of degrees and activations that evaluation fills
/// (`2 * terms + 3` values, then one per hedged antecedent), for a controller with `terms`
/// terms:
///
/// | position | value |
/// | --- | --- |
/// | `ZERO` = 0 | 0.0 (an unused antecedent of an OR rule) |
/// | `ONE` = 1 | 1.0 (an unused antecedent of an AND rule) |
/// | `2 + t` | degree of input term `t`, or activation of output term `t` |
/// | `2 + terms + t` | `1 - degree` of input term `t` (NOT; filled only if a rule uses NOT) |
/// | `2 + 2 terms` | sink for rules that do not conclude an output |
/// | `3 + 2 terms + h` | degree of hedged antecedent `h` ([`ControllerDef::hedged`], filled only when there are any) |
///
/// With it every antecedent is a plain load and every consequent a plain update: no
/// per-rule tests of "unused" or "NOT" during evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slots {
    /// number of terms of the controller
    pub terms: usize,
}

impl Slots {
    /// Position of the constant 0.
    pub const ZERO: usize = 0;
    /// Position of the constant 1.
    pub const ONE: usize = 1;

    /// Position of term `t`'s degree (input) or activation (output).
    pub const fn term(self, t: usize) -> usize {
        2 + t
    }

    /// Position of `1 - degree` of input term `t`.
    pub const fn complement(self, t: usize) -> usize {
        2 + self.terms + t
    }

    /// Position written by rules that do not conclude an output.
    pub const fn sink(self) -> usize {
        2 + 2 * self.terms
    }

    /// Position of hedged antecedent `h`'s degree.
    pub const fn hedged(self, h: usize) -> usize {
        3 + 2 * self.terms + h
    }

    /// Length of the working array without the hedged antecedents' degrees (add one per
    /// hedged antecedent).
    pub const fn len(self) -> usize {
        3 + 2 * self.terms
    }

    /// Never empty (the constants and the sink are always there).
    pub const fn is_empty(self) -> bool {
        false
    }
}

/// Working-array position of rule-table entry `v` (a variable index: inputs first) holding
/// term number `k`, for a rule combining antecedents with `connective`.
pub(crate) const fn slot_of(
    k: i8,
    v: usize,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    connective: Connective,
    slots: Slots,
) -> u16 {
    let n = k.unsigned_abs() as usize;
    let position = if v < inputs.len() {
        let start = inputs[v].terms.start as usize;
        if k > 0 {
            slots.term(start + n - 1)
        } else if k < 0 {
            slots.complement(start + n - 1)
        } else if let Connective::And = connective {
            Slots::ONE
        } else {
            Slots::ZERO
        }
    } else if k > 0 && v - inputs.len() < outputs.len() {
        slots.term(outputs[v - inputs.len()].terms.start as usize + n - 1)
    } else {
        slots.sink()
    };
    position as u16
}

/// Fills `table` with the compiled rule table ([`ControllerDef::rule_slots`]) for these
/// variables, rules and hedged antecedents, as far as they go. `terms` is the length of the
/// term list. A hedged antecedent reads its own slot ([`Slots::hedged`]); `hedged` must be
/// in column order (as [`ControllerDef::hedged`]), entries out of order are not matched.
pub const fn fill_rule_slots(
    table: &mut [u16],
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: usize,
    rules: &[Rule],
    rule_terms: &[i8],
    hedged: &[Hedged],
) {
    let stride = inputs.len() + outputs.len();
    let count = rules.len();
    let slots = Slots { terms };
    let mut i = 0;
    let mut h = 0;
    // Column-major: entry (variable v, rule r) at v * rules + r.
    while i < table.len() && i < rule_terms.len() && count > 0 {
        let (v, r) = (i / count, i % count);
        if h < hedged.len() && hedged[h].input as usize == v && hedged[h].rule as usize == r {
            table[i] = slots.hedged(h) as u16;
            h += 1;
        } else if r * stride + v < rule_terms.len() {
            table[i] = slot_of(
                rule_terms[r * stride + v],
                v,
                inputs,
                outputs,
                rules[r].connective,
                slots,
            );
        }
        i += 1;
    }
}

/// The compiled rule table as a `const` array:
/// `const SLOTS: [u16; N] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE, &HEDGED);`
/// with `N = TABLE.len()` (`&[]` for `HEDGED` when no antecedent has hedges).
pub const fn rule_slots<const N: usize>(
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: usize,
    rules: &[Rule],
    rule_terms: &[i8],
    hedged: &[Hedged],
) -> [u16; N] {
    let mut table = [0u16; N];
    fill_rule_slots(&mut table, inputs, outputs, terms, rules, rule_terms, hedged);
    table
}
