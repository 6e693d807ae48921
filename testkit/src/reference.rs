//! The project's reference controllers.
//!
//! - [`PD_MAMDANI`]: the 7×7 PD controller. Inputs `e`, `de` in [-1, 1] with 7 evenly spaced
//!   triangles (NB NM NS ZE PS PM PB, shoulders at the range ends), output `u` in [-1, 1] with
//!   the same 7 triangles, rule `(i, j) -> clamp(i + j - 3, 0, 6)`, min AND, min implication,
//!   max aggregation, centroid over MATLAB's 101 points.
//! - [`PD_SUGENO`]: the same rule table with constant outputs -1, -2/3, …, 1, product AND,
//!   weighted average.
//! - [`MIXED`]: three inputs using the other membership families (Z, S, Gaussian, sigmoids,
//!   difference and product of sigmoids, trapezoid, points, two-sided Gaussian, pi, bell),
//!   AND and OR rules, NOT, hedges (`very`, `somewhat`, `extremely`, `not seldom`), unused
//!   inputs, weights, four outputs defuzzified by bisector, mean, smallest and largest of
//!   maximum.
//! - [`GRID_5X5X5`]: a 3-input Mamdani with 5 triangles per variable and 125 rules
//!   (`(i, j, k) -> clamp(i + j + k - 4, 0, 4)`), for benchmarks.

use fuzzy_core::{
    Connective, Controller, ControllerDef, Defuzzifier, Hedge, Hedged, Inference, InputVariable, Membership,
    OutputVariable, Rule, SNorm, TNorm, Term, TermRange, rule_slots, sample_len, sample_table, table_len,
    tables,
};

/// Seven evenly spaced triangles on [-1, 1]: NB NM NS ZE PS PM PB.
const SEVEN: [Term; 7] = [
    Term::triangle(-1.0, -1.0, -2.0 / 3.0),
    Term::triangle(-1.0, -2.0 / 3.0, -1.0 / 3.0),
    Term::triangle(-2.0 / 3.0, -1.0 / 3.0, 0.0),
    Term::triangle(-1.0 / 3.0, 0.0, 1.0 / 3.0),
    Term::triangle(0.0, 1.0 / 3.0, 2.0 / 3.0),
    Term::triangle(1.0 / 3.0, 2.0 / 3.0, 1.0),
    Term::triangle(2.0 / 3.0, 1.0, 1.0),
];

const PD_TERMS: [Term; 21] = concat3(SEVEN, SEVEN, SEVEN);

const fn concat3<const N: usize, const M: usize>(a: [Term; N], b: [Term; N], c: [Term; N]) -> [Term; M] {
    let mut out = [Term::constant(0.0); M];
    let mut i = 0;
    while i < N {
        out[i] = a[i];
        out[N + i] = b[i];
        out[2 * N + i] = c[i];
        i += 1;
    }
    out
}

const PD_INPUTS: [InputVariable; 2] = [
    InputVariable::new(-1.0, 1.0, TermRange::new(0, 7)),
    InputVariable::new(-1.0, 1.0, TermRange::new(7, 7)),
];

const PD_OUTPUTS: [OutputVariable; 1] = [OutputVariable::new(
    -1.0,
    1.0,
    TermRange::new(14, 7),
    Defuzzifier::Centroid,
)];

/// `[e, de, u]` term numbers: u = clamp(i + j - 3, 0, 6) (0-based), written out by hand.
#[rustfmt::skip]
const PD_TABLE: [i8; 49 * 3] = [
    1,1,1, 1,2,1, 1,3,1, 1,4,1, 1,5,2, 1,6,3, 1,7,4,
    2,1,1, 2,2,1, 2,3,1, 2,4,2, 2,5,3, 2,6,4, 2,7,5,
    3,1,1, 3,2,1, 3,3,2, 3,4,3, 3,5,4, 3,6,5, 3,7,6,
    4,1,1, 4,2,2, 4,3,3, 4,4,4, 4,5,5, 4,6,6, 4,7,7,
    5,1,2, 5,2,3, 5,3,4, 5,4,5, 5,5,6, 5,6,7, 5,7,7,
    6,1,3, 6,2,4, 6,3,5, 6,4,6, 6,5,7, 6,6,7, 6,7,7,
    7,1,4, 7,2,5, 7,3,6, 7,4,7, 7,5,7, 7,6,7, 7,7,7,
];

const AND_49: [Rule; 49] = [Rule::AND; 49];

const PD_SAMPLES: [f32; sample_len(&PD_OUTPUTS, &PD_TERMS, &[])] = sample_table(&PD_OUTPUTS, &PD_TERMS, &[]);

const PD_SLOTS: [u16; PD_TABLE.len()] =
    rule_slots(&PD_INPUTS, &PD_OUTPUTS, PD_TERMS.len(), &AND_49, &PD_TABLE, &[]);

const SUGENO_SLOTS: [u16; PD_TABLE.len()] = rule_slots(
    &PD_INPUTS,
    &SUGENO_OUTPUTS,
    SUGENO_TERMS.len(),
    &AND_49,
    &PD_TABLE,
    &[],
);

/// The reference Mamdani controllers' inference (min implication, max aggregation).
const MAMDANI: Inference = Inference::Mamdani {
    implication: TNorm::Minimum,
    aggregation: SNorm::Maximum,
};

const PD_TABLES: [f32; table_len(MAMDANI, &PD_INPUTS, 1, &PD_TERMS, 49)] =
    tables(MAMDANI, &PD_INPUTS, &PD_OUTPUTS, &PD_TERMS, &PD_TABLE);

const SUGENO_TABLES: [f32; table_len(Inference::Sugeno, &PD_INPUTS, 1, &SUGENO_TERMS, 49)] = tables(
    Inference::Sugeno,
    &PD_INPUTS,
    &SUGENO_OUTPUTS,
    &SUGENO_TERMS,
    &PD_TABLE,
);

/// The 7×7 PD Mamdani controller (see the module docs).
pub static PD_MAMDANI: Controller<'static> = match Controller::new(ControllerDef {
    inference: Inference::Mamdani {
        implication: TNorm::Minimum,
        aggregation: SNorm::Maximum,
    },
    and: TNorm::Minimum,
    or: SNorm::Maximum,
    inputs: &PD_INPUTS,
    outputs: &PD_OUTPUTS,
    terms: &PD_TERMS,
    params: &[],
    rules: &AND_49,
    rule_terms: &PD_TABLE,
    hedged: &[],
    rule_slots: &PD_SLOTS,
    samples: &PD_SAMPLES,
    tables: &PD_TABLES,
}) {
    Ok(c) => c,
    Err(_) => panic!("PD_MAMDANI is invalid"),
};

const SUGENO_TERMS: [Term; 21] = {
    let mut terms = PD_TERMS;
    let mut k = 0;
    while k < 7 {
        terms[14 + k] = Term::constant(-1.0 + k as f32 / 3.0);
        k += 1;
    }
    terms
};

const SUGENO_OUTPUTS: [OutputVariable; 1] = [OutputVariable::new(
    -1.0,
    1.0,
    TermRange::new(14, 7),
    Defuzzifier::WeightedAverage,
)];

/// The 7×7 PD Sugeno controller (see the module docs).
pub static PD_SUGENO: Controller<'static> = match Controller::new(ControllerDef {
    inference: Inference::Sugeno,
    and: TNorm::Product,
    or: SNorm::Maximum,
    inputs: &PD_INPUTS,
    outputs: &SUGENO_OUTPUTS,
    terms: &SUGENO_TERMS,
    params: &[],
    rules: &AND_49,
    rule_terms: &PD_TABLE,
    hedged: &[],
    rule_slots: &SUGENO_SLOTS,
    samples: &[],
    tables: &SUGENO_TABLES,
}) {
    Ok(c) => c,
    Err(_) => panic!("PD_SUGENO is invalid"),
};

const MIXED_TERMS: [Term; 26] = [
    // x1 in [0, 10]: low, mid, high
    Term::new(Membership::ZShape { a: 1.0, b: 4.0 }),
    Term::gaussian(1.5, 5.0),
    Term::new(Membership::SShape { a: 6.0, b: 9.0 }),
    // x2 in [-5, 5]: negative, around zero, positive
    Term::new(Membership::Sigmoid { a: -2.0, c: -2.0 }),
    Term::new(Membership::DiffSigmoid {
        a1: 3.0,
        c1: -1.0,
        a2: 3.0,
        c2: 2.0,
    }),
    Term::trapezoid(1.0, 3.0, 5.0, 5.0),
    // x3 in [0, 1]: small (points), medium, large, centre band
    Term::new(Membership::Points { offset: 0, count: 3 }),
    Term::new(Membership::Gaussian2 {
        sigma1: 0.1,
        c1: 0.4,
        sigma2: 0.15,
        c2: 0.6,
    }),
    Term::new(Membership::PiShape {
        a: 0.5,
        b: 0.7,
        c: 0.9,
        d: 1.0,
    }),
    Term::new(Membership::ProdSigmoid {
        a1: 20.0,
        c1: 0.2,
        a2: -20.0,
        c2: 0.8,
    }),
    // y1 in [0, 100]: low, mid, high, top
    Term::trapezoid(0.0, 0.0, 20.0, 40.0),
    Term::triangle(20.0, 50.0, 80.0),
    Term::new(Membership::Bell {
        a: 15.0,
        b: 2.0,
        c: 85.0,
    }),
    Term::gaussian(8.0, 95.0),
    // y2 in [-1, 1]: negative, zero, positive
    Term::triangle(-1.0, -1.0, 0.0),
    Term::triangle(-0.5, 0.0, 0.5),
    Term::triangle(0.0, 1.0, 1.0),
    // y3 in [0, 10]
    Term::trapezoid(0.0, 1.0, 3.0, 5.0),
    Term::triangle(3.0, 5.0, 7.0),
    Term::trapezoid(5.0, 7.0, 9.0, 10.0),
    // y4 in [0, 10]
    Term::trapezoid(0.0, 0.0, 2.0, 4.0),
    Term::new(Membership::Gaussian { sigma: 1.0, c: 5.0 }),
    Term::trapezoid(6.0, 8.0, 10.0, 10.0),
    Term::triangle(0.0, 5.0, 10.0),
    Term::new(Membership::Sigmoid { a: 3.0, c: 7.0 }),
    Term::new(Membership::Points { offset: 6, count: 4 }),
];

const MIXED_PARAMS: [f32; 14] = [
    // x3 small: (0, 1) (0.3, 1) (0.5, 0)
    0.0, 1.0, 0.3, 1.0, 0.5, 0.0, //
    // y4 ramp: (0, 0) (2, 0.5) (6, 0.5) (9, 1)
    0.0, 0.0, 2.0, 0.5, 6.0, 0.5, 9.0, 1.0,
];

const MIXED_INPUTS: [InputVariable; 3] = [
    InputVariable::new(0.0, 10.0, TermRange::new(0, 3)),
    InputVariable::new(-5.0, 5.0, TermRange::new(3, 3)),
    InputVariable::new(0.0, 1.0, TermRange::new(6, 4)),
];

const MIXED_OUTPUTS: [OutputVariable; 4] = [
    OutputVariable::new(0.0, 100.0, TermRange::new(10, 4), Defuzzifier::Bisector),
    OutputVariable::new(-1.0, 1.0, TermRange::new(14, 3), Defuzzifier::MeanOfMaximum),
    OutputVariable::new(0.0, 10.0, TermRange::new(17, 3), Defuzzifier::SmallestOfMaximum),
    OutputVariable::new(0.0, 10.0, TermRange::new(20, 6), Defuzzifier::LargestOfMaximum),
];

/// `[x1, x2, x3, y1, y2, y3, y4]` per rule.
#[rustfmt::skip]
const MIXED_TABLE: [i8; 12 * 7] = [
    1, 1, 0,   1, 1, 1, 1,
    2, 2, 0,   2, 2, 2, 4,
    3, 3, 0,   3, 3, 3, 3,
    0, 0, 1,   1, 0, 1, 5,
    0, 0, 2,   2, 2, 0, 2,
    0, 0, 3,   4, 0, 3, 6,
    1, -2, 4,  2, 1, 0, 1,
    -1, 3, 0,  4, 3, 3, 0,
    3, 0, -4,  3, 3, 0, 3,
    2, 0, 4,   0, 2, 2, 4,
    1, 3, 0,   3, 1, 1, 5,
    3, 1, 1,   1, 3, 3, 2,
];

const MIXED_RULES: [Rule; 12] = [
    Rule::AND,
    Rule::AND,
    Rule::AND,
    Rule::AND,
    Rule {
        weight: 0.8,
        connective: Connective::And,
    },
    Rule::AND,
    Rule {
        weight: 0.5,
        connective: Connective::Or,
    },
    Rule::OR,
    Rule {
        weight: 0.9,
        connective: Connective::And,
    },
    Rule {
        weight: 0.7,
        connective: Connective::Or,
    },
    Rule::OR,
    Rule {
        weight: 0.6,
        connective: Connective::And,
    },
];

/// `x1 IS very t1` in rule 7, `x1 IS somewhat t1` in rule 11, `x2 IS extremely t3` in
/// rule 8, `x3 IS NOT seldom t4` in rule 9 (column order: by input, then rule).
const MIXED_HEDGED: [Hedged; 4] = [
    hedged(6, 0, Hedge::Very),
    hedged(10, 0, Hedge::Somewhat),
    hedged(7, 1, Hedge::Extremely),
    hedged(8, 2, Hedge::Seldom),
];

/// One hedge on input `input` of rule `rule`.
const fn hedged(rule: u16, input: u8, hedge: Hedge) -> Hedged {
    Hedged {
        rule,
        input,
        count: 1,
        hedges: [hedge; 4],
    }
}

const MIXED_SAMPLES: [f32; sample_len(&MIXED_OUTPUTS, &MIXED_TERMS, &MIXED_PARAMS)] =
    sample_table(&MIXED_OUTPUTS, &MIXED_TERMS, &MIXED_PARAMS);

const MIXED_TABLES: [f32; table_len(MAMDANI, &MIXED_INPUTS, 4, &MIXED_TERMS, 12)] =
    tables(MAMDANI, &MIXED_INPUTS, &MIXED_OUTPUTS, &MIXED_TERMS, &MIXED_TABLE);

const MIXED_SLOTS: [u16; MIXED_TABLE.len()] = rule_slots(
    &MIXED_INPUTS,
    &MIXED_OUTPUTS,
    MIXED_TERMS.len(),
    &MIXED_RULES,
    &MIXED_TABLE,
    &MIXED_HEDGED,
);

/// Three inputs, four outputs, mixed membership families (see the module docs).
pub static MIXED: Controller<'static> = match Controller::new(ControllerDef {
    inference: Inference::Mamdani {
        implication: TNorm::Minimum,
        aggregation: SNorm::Maximum,
    },
    and: TNorm::Minimum,
    or: SNorm::Maximum,
    inputs: &MIXED_INPUTS,
    outputs: &MIXED_OUTPUTS,
    terms: &MIXED_TERMS,
    params: &MIXED_PARAMS,
    rules: &MIXED_RULES,
    rule_terms: &MIXED_TABLE,
    hedged: &MIXED_HEDGED,
    rule_slots: &MIXED_SLOTS,
    samples: &MIXED_SAMPLES,
    tables: &MIXED_TABLES,
}) {
    Ok(c) => c,
    Err(_) => panic!("MIXED is invalid"),
};

const FIVE: [Term; 5] = [
    Term::triangle(-1.0, -1.0, -0.5),
    Term::triangle(-1.0, -0.5, 0.0),
    Term::triangle(-0.5, 0.0, 0.5),
    Term::triangle(0.0, 0.5, 1.0),
    Term::triangle(0.5, 1.0, 1.0),
];

const GRID_TERMS: [Term; 20] = {
    let mut terms = [Term::constant(0.0); 20];
    let mut k = 0;
    while k < 20 {
        terms[k] = FIVE[k % 5];
        k += 1;
    }
    terms
};

const GRID_INPUTS: [InputVariable; 3] = [
    InputVariable::new(-1.0, 1.0, TermRange::new(0, 5)),
    InputVariable::new(-1.0, 1.0, TermRange::new(5, 5)),
    InputVariable::new(-1.0, 1.0, TermRange::new(10, 5)),
];

const GRID_OUTPUTS: [OutputVariable; 1] = [OutputVariable::new(
    -1.0,
    1.0,
    TermRange::new(15, 5),
    Defuzzifier::Centroid,
)];

const GRID_TABLE: [i8; 125 * 4] = {
    let mut table = [0i8; 500];
    let mut r = 0;
    while r < 125 {
        let (i, j, k) = (r / 25, (r / 5) % 5, r % 5);
        let sum = i + j + k;
        let out = if sum < 4 {
            0
        } else if sum > 8 {
            4
        } else {
            sum - 4
        };
        table[4 * r] = i as i8 + 1;
        table[4 * r + 1] = j as i8 + 1;
        table[4 * r + 2] = k as i8 + 1;
        table[4 * r + 3] = out as i8 + 1;
        r += 1;
    }
    table
};

const AND_125: [Rule; 125] = [Rule::AND; 125];

const GRID_SAMPLES: [f32; sample_len(&GRID_OUTPUTS, &GRID_TERMS, &[])] =
    sample_table(&GRID_OUTPUTS, &GRID_TERMS, &[]);

const GRID_TABLES: [f32; table_len(MAMDANI, &GRID_INPUTS, 1, &GRID_TERMS, 125)] =
    tables(MAMDANI, &GRID_INPUTS, &GRID_OUTPUTS, &GRID_TERMS, &GRID_TABLE);

const GRID_SLOTS: [u16; GRID_TABLE.len()] = rule_slots(
    &GRID_INPUTS,
    &GRID_OUTPUTS,
    GRID_TERMS.len(),
    &AND_125,
    &GRID_TABLE,
    &[],
);

/// A 3-input 5×5×5 Mamdani controller with 125 rules (see the module docs).
pub static GRID_5X5X5: Controller<'static> = match Controller::new(ControllerDef {
    inference: Inference::Mamdani {
        implication: TNorm::Minimum,
        aggregation: SNorm::Maximum,
    },
    and: TNorm::Minimum,
    or: SNorm::Maximum,
    inputs: &GRID_INPUTS,
    outputs: &GRID_OUTPUTS,
    terms: &GRID_TERMS,
    params: &[],
    rules: &AND_125,
    rule_terms: &GRID_TABLE,
    hedged: &[],
    rule_slots: &GRID_SLOTS,
    samples: &GRID_SAMPLES,
    tables: &GRID_TABLES,
}) {
    Ok(c) => c,
    Err(_) => panic!("GRID_5X5X5 is invalid"),
};

/// [`PD_MAMDANI`] as a named description: inputs `e` and `de`, output `u`, terms
/// `NB NM NS ZE PS PM PB`.
pub fn pd_mamdani_spec() -> fuzzy_core::ControllerSpec {
    const NAMES: [&str; 7] = ["NB", "NM", "NS", "ZE", "PS", "PM", "PB"];
    let mut spec = fuzzy_core::ControllerSpec::from_controller("pd", &PD_MAMDANI);
    for (variable, name) in spec.inputs.iter_mut().zip(["e", "de"]) {
        variable.name = name.to_string();
        for (term, term_name) in variable.terms.iter_mut().zip(NAMES) {
            term.name = term_name.to_string();
        }
    }
    for variable in &mut spec.outputs {
        variable.name = "u".to_string();
        for (term, term_name) in variable.terms.iter_mut().zip(NAMES) {
            term.name = term_name.to_string();
        }
    }
    spec
}
