//! Validation of a [`ControllerDef`]: every check [`Controller::new`] makes, including the
//! derived tables against a fresh computation.

#[cfg(doc)]
use crate::Controller;
use crate::def::ControllerDef;
use crate::def::MAX_TERMS_PER_VARIABLE;
use crate::error::{Error, Variable};
use crate::layout::{Slots, block_count, sample_block, slot_of, table_entry, table_len};
use crate::math::is_finite;
use crate::membership::{Membership, Term, TermUse};
use crate::rule::{Hedge, MAX_HEDGES};

/// Largest parameter magnitude accepted (keeps every derived slope and sample finite).
pub const MAX_PARAMETER: f32 = 1e30;

pub(super) const fn finite_all(values: &[f32]) -> bool {
    let mut i = 0;
    while i < values.len() {
        if !(crate::math::abs(values[i]) <= MAX_PARAMETER) {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks one term's parameters; `Ok(())` or the error to report.
pub(super) const fn check_term(
    term: &Term,
    variable: Variable,
    index: u16,
    usage: TermUse,
    inputs: usize,
    params: &[f32],
) -> Result<(), Error> {
    let bad = Error::InvalidParameters {
        variable,
        term: index,
    };
    let non_finite = Error::NonFiniteParameter {
        variable,
        term: index,
    };
    if !matches!(
        (term.usage(), usage),
        (TermUse::Shape, TermUse::Shape) | (TermUse::SugenoOutput, TermUse::SugenoOutput)
    ) {
        return Err(Error::WrongTermKind {
            variable,
            term: index,
        });
    }
    match term.description() {
        Membership::Triangle { a, b, c } => {
            if !finite_all(&[a, b, c]) {
                return Err(non_finite);
            }
            if !(a <= b && b <= c) {
                return Err(bad);
            }
        }
        Membership::Trapezoid { a, b, c, d } => {
            if !finite_all(&[a, b, c, d]) {
                return Err(non_finite);
            }
            if !(a <= b && b <= c && c <= d) {
                return Err(bad);
            }
        }
        Membership::Gaussian { sigma, c } => {
            if !finite_all(&[sigma, c]) {
                return Err(non_finite);
            }
        }
        Membership::Gaussian2 {
            sigma1,
            c1,
            sigma2,
            c2,
        } => {
            if !finite_all(&[sigma1, c1, sigma2, c2]) {
                return Err(non_finite);
            }
        }
        Membership::Bell { a, b, c } => {
            if !finite_all(&[a, b, c]) {
                return Err(non_finite);
            }
        }
        Membership::Sigmoid { a, c } => {
            if !finite_all(&[a, c]) {
                return Err(non_finite);
            }
        }
        Membership::DiffSigmoid { a1, c1, a2, c2 } | Membership::ProdSigmoid { a1, c1, a2, c2 } => {
            if !finite_all(&[a1, c1, a2, c2]) {
                return Err(non_finite);
            }
        }
        Membership::SShape { a, b } | Membership::ZShape { a, b } => {
            if !finite_all(&[a, b]) {
                return Err(non_finite);
            }
        }
        Membership::PiShape { a, b, c, d } => {
            if !finite_all(&[a, b, c, d]) {
                return Err(non_finite);
            }
        }
        Membership::Points { offset, count } => {
            let start = offset as usize;
            let end = start + 2 * count as usize;
            if count == 0 || end > params.len() {
                return Err(bad);
            }
            let mut i = start;
            while i < end {
                let (x, y) = (params[i], params[i + 1]);
                if !finite_all(&[x, y]) {
                    return Err(non_finite);
                }
                if !(y >= 0.0 && y <= 1.0) || (i > start && x < params[i - 2]) {
                    return Err(bad);
                }
                i += 2;
            }
        }
        Membership::Constant { value } => {
            if !is_finite(value) {
                return Err(non_finite);
            }
        }
        Membership::Linear { offset } => {
            let start = offset as usize;
            if start + inputs + 1 > params.len() {
                return Err(bad);
            }
            let mut i = start;
            while i < start + inputs + 1 {
                if !finite_all(&[params[i]]) {
                    return Err(non_finite);
                }
                i += 1;
            }
        }
    }
    Ok(())
}

/// Checks a variable's range and terms.
pub(super) const fn check_variable(
    min: f32,
    max: f32,
    range: crate::TermRange,
    variable: Variable,
    usage: TermUse,
    def: &ControllerDef,
) -> Result<(), Error> {
    if !is_finite(min) || !is_finite(max) || !(min < max) || !is_finite(max - min) {
        return Err(Error::InvalidRange(variable));
    }
    if range.count == 0 || range.count as usize > MAX_TERMS_PER_VARIABLE {
        return Err(Error::TermCount(variable));
    }
    if range.end() > def.terms.len() {
        return Err(Error::TermsOutOfList(variable));
    }
    let mut t = 0;
    while t < range.count {
        let term = &def.terms[range.start as usize + t as usize];
        if let Err(e) = check_term(term, variable, t, usage, def.inputs.len(), def.params) {
            return Err(e);
        }
        t += 1;
    }
    Ok(())
}

/// Whether input `v` of rule `r` carries hedges.
const fn is_hedged(def: &ControllerDef, r: usize, v: usize) -> bool {
    let mut h = 0;
    while h < def.hedged.len() {
        if def.hedged[h].rule as usize == r && def.hedged[h].input as usize == v {
            return true;
        }
        h += 1;
    }
    false
}

/// Checks the hedged antecedents: column order without repeats, rule and input in range,
/// 1 to [`MAX_HEDGES`] valid hedges, `any` innermost exactly when the term number is 0,
/// and every working-array position within `u16`. `rule_terms` must have its length.
const fn check_hedged(def: &ControllerDef) -> Result<(), Error> {
    let slots = Slots {
        terms: def.terms.len(),
    };
    if slots.hedged(def.hedged.len()) > u16::MAX as usize {
        return Err(Error::HedgeList);
    }
    let stride = def.inputs.len() + def.outputs.len();
    let mut h = 0;
    while h < def.hedged.len() {
        let entry = def.hedged[h];
        let (r, v) = (entry.rule as usize, entry.input as usize);
        if r >= def.rules.len() || v >= def.inputs.len() {
            return Err(Error::HedgeList);
        }
        if h > 0 {
            let previous = def.hedged[h - 1];
            let (pv, pr) = (previous.input as usize, previous.rule as usize);
            if !(pv < v || (pv == v && pr < r)) {
                return Err(Error::HedgeList);
            }
        }
        let bad = Error::Hedge {
            rule: entry.rule,
            variable: Variable::Input(entry.input),
        };
        let n = entry.count as usize;
        if n == 0 || n > MAX_HEDGES {
            return Err(bad);
        }
        let mut k = 0;
        while k < n {
            if !entry.hedges[k].is_valid() {
                return Err(bad);
            }
            k += 1;
        }
        let any_innermost = matches!(entry.hedges[n - 1], Hedge::Any);
        if any_innermost != (def.rule_terms[r * stride + v] == 0) {
            return Err(bad);
        }
        h += 1;
    }
    Ok(())
}

pub(super) const fn check_rules(def: &ControllerDef) -> Result<(), Error> {
    let inputs = def.inputs.len();
    let stride = inputs + def.outputs.len();
    if def.rule_terms.len() != def.rules.len() * stride {
        return Err(Error::RuleTableLength {
            expected: def.rules.len() * stride,
        });
    }
    if let Err(e) = check_hedged(def) {
        return Err(e);
    }
    let mut r = 0;
    while r < def.rules.len() {
        let rule = r as u16;
        let weight = def.rules[r].weight;
        if !(weight >= 0.0 && weight <= 1.0) {
            return Err(Error::RuleWeight(rule));
        }
        let mut used_inputs = 0;
        let mut used_outputs = 0;
        let mut v = 0;
        while v < stride {
            let k = def.rule_terms[r * stride + v];
            let (variable, count) = if v < inputs {
                (Variable::Input(v as u8), def.inputs[v].terms.count)
            } else {
                (
                    Variable::Output((v - inputs) as u8),
                    def.outputs[v - inputs].terms.count,
                )
            };
            if k.unsigned_abs() as u16 > count {
                return Err(Error::RuleTerm { rule, variable });
            }
            if v >= inputs && k < 0 {
                return Err(Error::NegatedConsequent { rule, variable });
            }
            if k != 0 || (v < inputs && is_hedged(def, r, v)) {
                if v < inputs {
                    used_inputs += 1;
                } else {
                    used_outputs += 1;
                }
            }
            v += 1;
        }
        if used_inputs == 0 {
            return Err(Error::RuleWithoutAntecedent(rule));
        }
        if used_outputs == 0 {
            return Err(Error::RuleWithoutConsequent(rule));
        }
        r += 1;
    }
    if def.rule_slots.len() != def.rule_terms.len() {
        return Err(Error::RuleSlots);
    }
    let slots = Slots {
        terms: def.terms.len(),
    };
    let count = def.rules.len();
    let mut i = 0;
    let mut h = 0;
    while i < def.rule_slots.len() {
        let (v, r) = (i / count, i % count);
        let hedged =
            h < def.hedged.len() && def.hedged[h].input as usize == v && def.hedged[h].rule as usize == r;
        let expected = if hedged {
            h += 1;
            slots.hedged(h - 1) as u16
        } else {
            slot_of(
                def.rule_terms[r * stride + v],
                v,
                def.inputs,
                def.outputs,
                def.rules[r].connective,
                slots,
            )
        };
        if def.rule_slots[i] != expected {
            return Err(Error::RuleSlots);
        }
        i += 1;
    }
    Ok(())
}

pub(super) const fn check_samples(def: &ControllerDef) -> Result<(), Error> {
    let expected = def.expected_sample_len();
    if def.samples.len() != expected {
        return Err(Error::SampleTable { expected });
    }
    if expected == 0 {
        return Ok(());
    }
    let mut offset = 0;
    let mut o = 0;
    while o < def.outputs.len() {
        let mut block = 0;
        while block < block_count(&def.outputs[o]) {
            let (entries, len) = sample_block(&def.outputs[o], def.terms, def.params, block);
            let mut k = 0;
            while k < len {
                if entries[k].to_bits() != def.samples[offset + k].to_bits() {
                    return Err(Error::SampleTable { expected });
                }
                k += 1;
            }
            offset += len;
            block += 1;
        }
        o += 1;
    }
    Ok(())
}

pub(super) const fn check_tables(def: &ControllerDef) -> Result<(), Error> {
    let expected = table_len(
        def.inference,
        def.inputs,
        def.outputs.len(),
        def.terms,
        def.rules.len(),
    );
    if def.tables.len() != expected {
        return Err(Error::EvaluationTables { expected });
    }
    let mut k = 0;
    while k < expected {
        let value = table_entry(
            k,
            def.inference,
            def.inputs,
            def.outputs,
            def.terms,
            def.rules.len(),
            def.rule_terms,
        );
        if value.to_bits() != def.tables[k].to_bits() {
            return Err(Error::EvaluationTables { expected });
        }
        k += 1;
    }
    Ok(())
}
