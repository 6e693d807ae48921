//! Invalid controllers are rejected when built, with an error naming the item; the serde
//! description round-trips.

use fuzzy_core::{
    Connective, Controller, ControllerSpec, Defuzzifier, Error, Fallback, Inference, Sampling, Shape,
    Variable,
};
use testkit::reference::{MIXED, PD_MAMDANI, PD_SUGENO};

fn pd() -> ControllerSpec {
    let mut spec = ControllerSpec::from_controller("pd", &PD_MAMDANI);
    spec.inputs[0].name = "e".into();
    spec.inputs[1].name = "de".into();
    spec.outputs[0].name = "u".into();
    spec
}

/// Compiles, expecting the engine error `expected` and a message containing `words`.
fn rejects(spec: &ControllerSpec, expected: Error, words: &[&str]) {
    let err = spec.compile().expect_err("must be rejected");
    assert_eq!(err.error, Some(expected), "{}", err.message);
    for w in words {
        assert!(err.message.contains(w), "message '{}' lacks '{w}'", err.message);
    }
}

#[test]
fn inverted_or_non_finite_range() {
    let mut spec = pd();
    spec.inputs[1].min = 2.0;
    rejects(
        &spec,
        Error::InvalidRange(Variable::Input(1)),
        &["input 'de'", "min < max"],
    );
    let mut spec = pd();
    spec.outputs[0].max = f32::INFINITY;
    rejects(&spec, Error::InvalidRange(Variable::Output(0)), &["output 'u'"]);
}

#[test]
fn bad_term_parameters() {
    let mut spec = pd();
    spec.inputs[0].terms[2].shape = Shape::Triangle([0.0, -0.5, 1.0]);
    rejects(
        &spec,
        Error::InvalidParameters {
            variable: Variable::Input(0),
            term: 2,
        },
        &["input 'e'", "term 'mf3'", "a <= b <= c"],
    );
    let mut spec = pd();
    spec.outputs[0].terms[0].shape = Shape::Gaussian([f32::NAN, 0.0]);
    rejects(
        &spec,
        Error::NonFiniteParameter {
            variable: Variable::Output(0),
            term: 0,
        },
        &["NaN, infinite or beyond"],
    );
    let mut spec = pd();
    spec.inputs[1].terms[3].shape = Shape::Trapezoid([-1.0, 0.0, 0.5, 2e30]);
    rejects(
        &spec,
        Error::NonFiniteParameter {
            variable: Variable::Input(1),
            term: 3,
        },
        &["beyond ±1e30"],
    );
    let mut spec = pd();
    spec.inputs[0].terms[0].shape = Shape::Points(vec![[0.0, 0.0], [-1.0, 1.0]]);
    rejects(
        &spec,
        Error::InvalidParameters {
            variable: Variable::Input(0),
            term: 0,
        },
        &["non-decreasing x"],
    );
}

#[test]
fn term_kinds_must_match_the_inference() {
    let mut spec = pd();
    spec.outputs[0].terms[0].shape = Shape::Constant(1.0);
    rejects(
        &spec,
        Error::WrongTermKind {
            variable: Variable::Output(0),
            term: 0,
        },
        &["Sugeno"],
    );
    let mut spec = ControllerSpec::from_controller("s", &PD_SUGENO);
    spec.inputs[0].terms[0].shape = Shape::Linear(vec![1.0, 1.0, 0.0]);
    rejects(
        &spec,
        Error::WrongTermKind {
            variable: Variable::Input(0),
            term: 0,
        },
        &[],
    );
    let mut spec = ControllerSpec::from_controller("s", &PD_SUGENO);
    spec.outputs[0].terms[0].shape = Shape::Linear(vec![1.0]);
    rejects(
        &spec,
        Error::InvalidParameters {
            variable: Variable::Output(0),
            term: 0,
        },
        &[],
    );
    let mut spec = pd();
    spec.outputs[0].defuzzifier = Defuzzifier::WeightedAverage;
    rejects(
        &spec,
        Error::DefuzzifierMismatch(Variable::Output(0)),
        &["output 'u'"],
    );
}

#[test]
fn resolution_and_fallback() {
    let mut spec = pd();
    spec.outputs[0].sampling = Sampling::Endpoints { points: 1 };
    rejects(
        &spec,
        Error::Resolution(Variable::Output(0)),
        &["at least 2 points"],
    );
    let mut spec = pd();
    spec.outputs[0].sampling = Sampling::Midpoints { intervals: 0 };
    rejects(&spec, Error::Resolution(Variable::Output(0)), &[]);
    let mut spec = pd();
    spec.outputs[0].fallback = Fallback::Value(3.0);
    rejects(
        &spec,
        Error::FallbackOutOfRange(Variable::Output(0)),
        &["fallback"],
    );
}

#[test]
fn bad_rules() {
    let mut spec = pd();
    spec.rules[4].antecedent[1] = 8;
    rejects(
        &spec,
        Error::RuleTerm {
            rule: 4,
            variable: Variable::Input(1),
        },
        &["rule 5", "input 'de'"],
    );
    let mut spec = pd();
    spec.rules[0].consequent[0] = -2;
    rejects(
        &spec,
        Error::NegatedConsequent {
            rule: 0,
            variable: Variable::Output(0),
        },
        &["rule 1", "NOT"],
    );
    let mut spec = pd();
    spec.rules[2].antecedent = vec![0, 0];
    rejects(&spec, Error::RuleWithoutAntecedent(2), &["rule 3"]);
    let mut spec = pd();
    spec.rules[2].consequent = vec![0];
    rejects(&spec, Error::RuleWithoutConsequent(2), &["rule 3"]);
    let mut spec = pd();
    spec.rules[6].weight = 1.5;
    rejects(&spec, Error::RuleWeight(6), &["rule 7", "[0, 1]"]);
    let mut spec = pd();
    spec.rules.clear();
    rejects(&spec, Error::NoRules, &[]);
    // Wrong row length is caught before the engine, by name.
    let mut spec = pd();
    spec.rules[1].antecedent.push(1);
    let err = spec.compile().expect_err("rejected");
    assert!(
        err.message.contains("rule 2: 'if' has 3 entries, expected 2"),
        "{}",
        err.message
    );
}

#[test]
fn unbounded_or_is_rejected() {
    let mut spec = pd();
    spec.or = fuzzy_core::SNorm::UnboundedSum;
    rejects(&spec, Error::UnboundedOr, &["OR operator"]);
}

#[test]
fn too_many_items() {
    let mut spec = pd();
    let input = spec.inputs[0].clone();
    spec.inputs = vec![input; fuzzy_core::MAX_INPUTS + 1];
    for rule in &mut spec.rules {
        rule.antecedent = vec![1; fuzzy_core::MAX_INPUTS + 1];
    }
    rejects(&spec, Error::TooManyInputs, &["more than 16 inputs"]);
    let mut spec = pd();
    let term = spec.inputs[0].terms[0].clone();
    spec.inputs[0].terms = vec![term; fuzzy_core::MAX_TERMS_PER_VARIABLE + 1];
    rejects(
        &spec,
        Error::TermCount(Variable::Input(0)),
        &["input 'e'", "1 to 127 terms"],
    );
}

#[test]
fn stale_derived_tables_are_rejected() {
    let def = *PD_MAMDANI.def();
    // 101 points in blocks of 16 (x86-64; 8 on other targets, see SAMPLE_BLOCK); the 7 evenly
    // spaced triangles leave 2 to 3 non-zero rows per block: 7 headers + 19 rows of 17
    // values (13 headers + 31 rows of 9 with blocks of 8).
    let expected = if fuzzy_core::SAMPLE_BLOCK == 16 {
        7 + 19 * 17
    } else {
        13 + 31 * 9
    };
    assert_eq!(def.samples.len(), expected);
    let mut samples = def.samples.to_vec();
    samples[150] += 1e-3;
    let stale = fuzzy_core::ControllerDef {
        samples: &samples,
        ..def
    };
    assert_eq!(Controller::new(stale), Err(Error::SampleTable { expected }));
    let short = fuzzy_core::ControllerDef {
        samples: &def.samples[1..],
        ..def
    };
    assert_eq!(Controller::new(short), Err(Error::SampleTable { expected }));
    let mut slots = def.rule_slots.to_vec();
    slots.swap(0, 7); // rule 1 and rule 8 read different terms of input 1
    let stale = fuzzy_core::ControllerDef {
        rule_slots: &slots,
        ..def
    };
    assert_eq!(Controller::new(stale), Err(Error::RuleSlots));
    // Evaluation tables: two inputs of 7 triangles -> 2 x 4 rows of 8 edge values, then one
    // concluded-term position per rule, then (a two-input grid) per input its window block:
    // the rising feet of terms 3 to 7 padded to 8, and 8 edge values per pair of
    // neighbouring terms.
    let windows = 2 * (8 + 6 * 8);
    assert_eq!(def.tables.len(), 64 + 49 + windows);
    let mut tables = def.tables.to_vec();
    tables[9] = f32::from_bits(tables[9].to_bits() + 1); // one ulp off a rising slope
    let stale = fuzzy_core::ControllerDef {
        tables: &tables,
        ..def
    };
    assert_eq!(
        Controller::new(stale),
        Err(Error::EvaluationTables {
            expected: 64 + 49 + windows
        })
    );
    let short = fuzzy_core::ControllerDef {
        tables: &def.tables[1..],
        ..def
    };
    assert_eq!(
        Controller::new(short),
        Err(Error::EvaluationTables {
            expected: 64 + 49 + windows
        })
    );
    // A Sugeno controller adds two rows of rule constants and flags per output; a 2-input
    // grid has them in the grid layout: eight entries per row of rules, rows padded to a
    // multiple of four (7 rows -> 8 x 8 entries), then the window blocks.
    let sugeno = *PD_SUGENO.def();
    assert_eq!(sugeno.tables.len(), 64 + 2 * 64 + windows);
    assert!(PD_SUGENO.uses_window_kernel());
    for k in [64 + 2 * 64 + 5, 64 + 2 * 64 + 8 + 13, sugeno.tables.len() - 1] {
        let mut tables = sugeno.tables.to_vec();
        tables[k] = f32::from_bits(tables[k].to_bits() ^ 1);
        let stale = fuzzy_core::ControllerDef {
            tables: &tables,
            ..sugeno
        };
        assert_eq!(
            Controller::new(stale),
            Err(Error::EvaluationTables {
                expected: sugeno.tables.len()
            }),
            "entry {k}"
        );
    }
    let mut rules = def.rules.to_vec();
    rules[3].connective = Connective::Or;
    // An OR rule maps an unused antecedent elsewhere: the table no longer matches... but the
    // PD rules use every input, so the table is still right and the controller valid.
    assert!(Controller::new(fuzzy_core::ControllerDef { rules: &rules, ..def }).is_ok());
}

#[test]
fn json_round_trip_and_defaults() {
    for (name, c) in [("pd", &PD_MAMDANI), ("sugeno", &PD_SUGENO), ("mixed", &MIXED)] {
        let spec = ControllerSpec::from_controller(name, c);
        let json = serde_json::to_string_pretty(&spec).expect("serializes");
        let back: ControllerSpec = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, spec, "{name}");
        assert_eq!(
            back.compile().expect("valid").controller().def(),
            spec.compile().expect("valid").controller().def()
        );
    }
    let minimal = r#"{
        "name": "tiny",
        "inference": {"mamdani": {"implication": "minimum", "aggregation": "maximum"}},
        "inputs": [{"name": "x", "min": 0, "max": 1,
                    "terms": [{"name": "lo", "triangle": [0, 0, 1]}, {"name": "hi", "triangle": [0, 1, 1]}]}],
        "outputs": [{"name": "y", "min": 0, "max": 1, "defuzzifier": "centroid",
                     "terms": [{"name": "lo", "trapezoid": [0, 0, 0.2, 0.6]}, {"name": "hi", "s_shape": [0.4, 1]}]}],
        "rules": [{"if": [1], "then": [1]}, {"if": [-1], "then": [2], "weight": 0.5}]
    }"#;
    let spec: ControllerSpec = serde_json::from_str(minimal).expect("parses");
    assert_eq!(spec.outputs[0].sampling, Sampling::MATLAB);
    assert_eq!(spec.outputs[0].fallback, Fallback::Midpoint);
    assert_eq!(spec.rules[1].connective, Connective::And);
    assert!(matches!(spec.inference, Inference::Mamdani { .. }));
    let c = spec.compile().expect("valid");
    let (y, status) = c.evaluate(&[0.0]);
    assert!(status.is_ok() && y[0] < 0.3, "{y:?}");
}

#[test]
fn json_errors_name_the_field() {
    let bad = r#"{"name": "x", "inference": "sugeno", "inputs": [{"name": "a", "min": 0, "max": 1,
        "terms": [{"name": "t", "triangel": [0, 0, 1]}]}], "outputs": [], "rules": []}"#;
    let err = serde_json::from_str::<ControllerSpec>(bad).expect_err("unknown shape");
    let message = err.to_string();
    assert!(
        message.contains("unknown field `triangel`") && message.contains("triangle"),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn json_messages_use_a_users_words_and_one_position() {
    let cases = [
        (
            r#"{"inputs": [{"name": "e", "min": 0, "max": "a"}]}"#,
            "expected a number",
        ),
        (r#"{"inputs": 5}"#, "expected a list [...]"),
    ];
    for (text, words) in cases {
        let error = serde_json::from_str::<ControllerSpec>(text).unwrap_err();
        let message = fuzzy_files::json_message(&error);
        assert!(message.contains(words), "{message}");
        assert!(
            !message.contains(" at line ") && !message.contains("f32"),
            "{message}"
        );
    }
}
