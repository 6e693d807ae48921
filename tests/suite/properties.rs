//! Property tests: random valid controllers and random inputs (NaN and infinities
//! included) never give a non-finite output, a Mamdani output outside its range, a rule
//! strength outside [0, 1], or a panic; the run-time and `const` membership functions agree.

use fuzzy_core::{
    Connective, ControllerSpec, Defuzzifier, Fallback, Inference, InputSpec, OutOfRange, OutputSpec,
    RuleSpec, SNorm, Sampling, Shape, Status, TNorm, TermSpec,
};
use proptest::prelude::*;

const T_NORMS: [TNorm; 7] = TNorm::ALL;
const S_NORMS: [SNorm; 9] = SNorm::ALL;
const MAMDANI_DEFUZZIFIERS: [Defuzzifier; 5] = [
    Defuzzifier::Centroid,
    Defuzzifier::Bisector,
    Defuzzifier::MeanOfMaximum,
    Defuzzifier::SmallestOfMaximum,
    Defuzzifier::LargestOfMaximum,
];

/// A shape over `[min, max]` from eight unit-interval numbers `u`.
fn shape(kind: usize, min: f32, max: f32, u: [f32; 8]) -> Shape {
    let w = max - min;
    let at = |v: f32| min + w * (1.4 * v - 0.2);
    let mut sorted = [at(u[0]), at(u[1]), at(u[2]), at(u[3])];
    sorted.sort_by(f32::total_cmp);
    let [a, b, c, d] = sorted;
    let width = w * (0.01 + u[4]);
    let slope = (u[5] - 0.5) * 40.0 / w;
    match kind {
        0 => Shape::Triangle([a, b, c]),
        1 => Shape::Trapezoid([a, b, c, d]),
        2 => Shape::Gaussian([width * (u[6] - 0.1), b]),
        3 => Shape::Gaussian2([width, b, width * u[6], c]),
        4 => Shape::Bell([width * (u[6] - 0.1), 0.2 + 4.0 * u[7], b]),
        5 => Shape::Sigmoid([slope, b]),
        6 => Shape::DiffSigmoid([slope, a, slope * u[6], d]),
        7 => Shape::ProdSigmoid([slope, a, -slope * u[6], d]),
        8 => Shape::SShape([b, c]),
        9 => Shape::ZShape([c, b]),
        10 => Shape::PiShape([a, b, c, d]),
        _ => Shape::Points(vec![[a, u[5]], [b, u[6]], [b, u[7]], [d, u[4]]]),
    }
}

fn unit8() -> impl Strategy<Value = [f32; 8]> {
    prop::array::uniform8(0.0f32..1.0)
}

fn terms(min: f32, max: f32, sugeno_inputs: Option<usize>) -> impl Strategy<Value = Vec<TermSpec>> {
    prop::collection::vec(
        (0usize..12, unit8(), prop::collection::vec(-5.0f32..5.0, 9)),
        2..=7,
    )
    .prop_map(move |raw| {
        raw.into_iter()
            .enumerate()
            .map(|(t, (kind, u, coefficients))| TermSpec {
                name: format!("t{t}"),
                shape: match sugeno_inputs {
                    None => shape(kind, min, max, u),
                    Some(n) if kind % 2 == 0 => Shape::Linear(coefficients[..=n].to_vec()),
                    Some(_) => Shape::Constant(min + (max - min) * u[0]),
                },
            })
            .collect()
    })
}

fn range() -> impl Strategy<Value = (f32, f32)> {
    (-10.0f32..10.0, 0.1f32..20.0).prop_map(|(min, width)| (min, min + width))
}

prop_compose! {
    fn controller()(
        n_in in 1usize..=4,
        n_out in 1usize..=3,
        sugeno in any::<bool>(),
    )(
        inputs in prop::collection::vec(
            range().prop_flat_map(|(min, max)| (Just(min), Just(max), terms(min, max, None), any::<bool>())),
            n_in,
        ),
        outputs in prop::collection::vec(
            range().prop_flat_map(move |(min, max)| (
                Just(min), Just(max),
                terms(min, max, if sugeno { Some(n_in) } else { None }),
                0usize..5, any::<bool>(), 2u16..202, 0usize..3, any::<bool>(),
            )),
            n_out,
        ),
        raw_rules in prop::collection::vec(
            (prop::collection::vec(-7i32..=7, n_in), prop::collection::vec(0i32..=7, n_out), 0.0f32..=1.0, any::<bool>()),
            1..30,
        ),
        // OR excludes the last S-norm (unbounded sum), which validation rejects.
        norms in (0usize..7, 0usize..8, 0usize..7, 0usize..9),
        sugeno in Just(sugeno),
    ) -> ControllerSpec {
        let inputs: Vec<InputSpec> = inputs.into_iter().enumerate().map(|(i, (min, max, terms, extend))| InputSpec {
            name: format!("in{i}"),
            min,
            max,
            out_of_range: if extend { OutOfRange::Extend } else { OutOfRange::Clamp },
            terms,
        }).collect();
        let outputs: Vec<OutputSpec> = outputs.into_iter().enumerate().map(
            |(o, (min, max, terms, defuzzifier, endpoints, points, fallback, lock))| OutputSpec {
                name: format!("out{o}"),
                min,
                max,
                defuzzifier: if sugeno {
                    [Defuzzifier::WeightedAverage, Defuzzifier::WeightedSum][defuzzifier % 2]
                } else {
                    MAMDANI_DEFUZZIFIERS[defuzzifier]
                },
                sampling: if endpoints { Sampling::Endpoints { points } } else { Sampling::Midpoints { intervals: points - 1 } },
                fallback: [Fallback::Midpoint, Fallback::Hold, Fallback::Value(min)][fallback],
                lock_range: lock,
                terms,
            },
        ).collect();
        // Bring term numbers into range; make sure every rule uses an input and concludes an
        // output.
        let rules = raw_rules.into_iter().map(|(mut antecedent, mut consequent, weight, or)| {
            for (k, input) in antecedent.iter_mut().zip(&inputs) {
                let n = input.terms.len() as i32;
                *k = (*k).clamp(-n, n);
            }
            if antecedent.iter().all(|k| *k == 0) {
                antecedent[0] = 1;
            }
            for (k, output) in consequent.iter_mut().zip(&outputs) {
                *k = (*k).min(output.terms.len() as i32);
            }
            if consequent.iter().all(|k| *k == 0) {
                consequent[0] = 1;
            }
            RuleSpec { antecedent, consequent, weight, connective: if or { Connective::Or } else { Connective::And }, hedges: Vec::new() }
        }).collect();
        ControllerSpec {
            name: "random".into(),
            inference: if sugeno {
                Inference::Sugeno
            } else {
                Inference::Mamdani { implication: T_NORMS[norms.2], aggregation: S_NORMS[norms.3] }
            },
            and: T_NORMS[norms.0],
            or: S_NORMS[norms.1],
            inputs,
            outputs,
            rules,
        }
    }
}

fn any_input() -> impl Strategy<Value = f32> {
    prop_oneof![
        8 => -30.0f32..30.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => any::<f32>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn outputs_are_finite_and_in_range(spec in controller(), rows in prop::collection::vec(prop::collection::vec(any_input(), 4), 1..8)) {
        let owned = spec.compile().map_err(|e| TestCaseError::fail(e.message))?;
        let c = owned.controller();
        let mut scratch = vec![0.0; c.scratch_len()];
        let mut outputs: Vec<f32> = spec.outputs.iter().map(|o| o.min).collect();
        let mut strengths = vec![0.0f32; spec.rules.len()];
        for row in rows {
            let inputs = &row[..spec.inputs.len()];
            let status = c.evaluate(inputs, &mut scratch, &mut outputs);
            prop_assert_eq!(status.contains(Status::NAN_INPUT), inputs.iter().any(|x| x.is_nan()));
            for (y, o) in outputs.iter().zip(&spec.outputs) {
                prop_assert!(y.is_finite(), "output {} = {} for {:?}", o.name, y, inputs);
                if o.lock_range || matches!(spec.inference, Inference::Mamdani { .. }) {
                    prop_assert!(*y >= o.min && *y <= o.max, "output {} = {} outside [{}, {}]", o.name, y, o.min, o.max);
                }
            }
            c.rule_strengths(inputs, &mut scratch, &mut strengths);
            for s in &strengths {
                prop_assert!((0.0..=1.0).contains(s), "strength {} for {:?}", s, inputs);
            }
        }
    }

    #[test]
    fn runtime_and_const_membership_agree(kind in 0usize..12, u in unit8(), (min, max) in range(), x in any_input()) {
        let spec = ControllerSpec {
            name: "one".into(),
            inference: Inference::Mamdani { implication: TNorm::Minimum, aggregation: SNorm::Maximum },
            and: TNorm::Minimum,
            or: SNorm::Maximum,
            inputs: vec![InputSpec { name: "x".into(), min, max, out_of_range: OutOfRange::Clamp,
                terms: vec![TermSpec { name: "t".into(), shape: shape(kind, min, max, u) }] }],
            outputs: vec![OutputSpec { name: "y".into(), min, max, defuzzifier: Defuzzifier::Centroid,
                sampling: Sampling::MATLAB, fallback: Fallback::Midpoint, lock_range: false,
                terms: vec![TermSpec { name: "t".into(), shape: shape(kind, min, max, u) }] }],
            rules: vec![RuleSpec { antecedent: vec![1], consequent: vec![1], weight: 1.0, connective: Connective::And, hedges: Vec::new() }],
        };
        let owned = spec.compile().map_err(|e| TestCaseError::fail(e.message))?;
        let def = *owned.controller().def();
        let term = &def.terms[0];
        let (rt, ct) = (term.membership(x, def.params), term.membership_const(x, def.params));
        if !x.is_nan() {
            prop_assert!((0.0..=1.0).contains(&rt), "{:?} at {}: {}", term.description(), x, rt);
        }
        prop_assert!(rt == ct || (rt.is_nan() && ct.is_nan()), "{:?} at {}: {} vs {}", term.description(), x, rt, ct);
    }
}
