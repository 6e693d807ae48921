//! Engine behaviour against hand-computed values, defined behaviour for bad inputs, and
//! agreement between a hand-written `static` controller and one compiled from its spec.

use fuzzy_core::{ControllerSpec, Fallback, OutOfRange, Shape, Status};
use testkit::reference::{GRID_5X5X5, MIXED, PD_MAMDANI, PD_SUGENO};

use crate::util::{assert_close, evaluate};

/// Centroid of the PS triangle (0, 1/3, 2/3) sampled at MATLAB's 101 points of [-1, 1],
/// computed independently in f64: Σ x μ(x) / Σ μ(x).
fn sampled_triangle_centroid(a: f64, b: f64, c: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..101 {
        let x = -1.0 + 2.0 * f64::from(i) / 100.0;
        let mu = ((x - a) / (b - a)).min((c - x) / (c - b)).max(0.0);
        num += x * mu;
        den += mu;
    }
    num / den
}

#[test]
fn pd_mamdani_single_rule_gives_the_sampled_term_centroid() {
    // e = 1/3 is fully PS, de = 0 fully ZE: only rule (PS, ZE) -> PS fires, with strength 1.
    let (u, status) = evaluate(&PD_MAMDANI, &[1.0 / 3.0, 0.0]);
    assert!(status.is_ok(), "{status:?}");
    assert_close(u[0], sampled_triangle_centroid(0.0, 1.0 / 3.0, 2.0 / 3.0), 1e-6);
}

#[test]
fn pd_mamdani_is_zero_at_the_origin_and_odd() {
    let (u, _) = evaluate(&PD_MAMDANI, &[0.0, 0.0]);
    assert_close(u[0], 0.0, 1e-6);
    for (e, de) in [(0.3f32, -0.1f32), (0.75, 0.2), (-0.05, 0.9), (1.0, 1.0)] {
        let (pos, _) = evaluate(&PD_MAMDANI, &[e, de]);
        let (neg, _) = evaluate(&PD_MAMDANI, &[-e, -de]);
        assert_close(pos[0], -f64::from(neg[0]), 1e-5);
    }
    // Saturated corner: only PB fires; the centroid of the right shoulder (2/3, 1, 1).
    let (u, _) = evaluate(&PD_MAMDANI, &[1.0, 1.0]);
    assert_close(u[0], sampled_triangle_centroid(2.0 / 3.0, 1.0, 1.0 + 1e-12), 1e-5);
}

#[test]
fn pd_sugeno_hand_values() {
    // Grid points: a single rule with strength 1.
    let (u, _) = evaluate(&PD_SUGENO, &[1.0 / 3.0, 0.0]);
    assert_close(u[0], 1.0 / 3.0, 1e-7);
    // e = 1/6: ZE and PS at 0.5 each, de = 0 (ZE): rules -> ZE (0) and PS (1/3), equal weights.
    let (u, _) = evaluate(&PD_SUGENO, &[1.0 / 6.0, 0.0]);
    assert_close(u[0], 1.0 / 6.0, 1e-6);
    // e = 1/6, de = -1/6: strengths 0.25 each for (ZE,NS)->NS, (ZE,ZE)->ZE, (PS,NS)->ZE,
    // (PS,ZE)->PS: (0.25(-1/3) + 0.5 * 0 + 0.25(1/3)) / 1 = 0.
    let (u, _) = evaluate(&PD_SUGENO, &[1.0 / 6.0, -1.0 / 6.0]);
    assert_close(u[0], 0.0, 1e-6);
}

#[test]
fn first_order_sugeno_hand_value() {
    let mut spec = ControllerSpec::from_controller("linear", &PD_SUGENO);
    for term in &mut spec.outputs[0].terms {
        term.shape = Shape::Linear(vec![2.0, -1.0, 0.5]);
    }
    let controller = spec.compile().expect("valid");
    // Every rule proposes 2e - de + 0.5, so the weighted average is that value.
    let (u, _) = controller.evaluate(&[0.3, -0.2]);
    assert_close(u[0], 2.0 * 0.3 + 0.2 + 0.5, 1e-6);
}

#[test]
fn nan_input_takes_the_fallback_and_flags_it() {
    let (u, status) = evaluate(&PD_MAMDANI, &[f32::NAN, 0.2]);
    assert!(status.contains(Status::NAN_INPUT) && status.contains(Status::FALLBACK));
    assert_eq!(u[0], 0.0, "midpoint of [-1, 1]");

    let mut spec = ControllerSpec::from_controller("pd", &PD_MAMDANI);
    spec.outputs[0].fallback = Fallback::Value(-0.25);
    let fixed = spec.compile().expect("valid");
    assert_eq!(fixed.evaluate(&[0.1, f32::NAN]).0[0], -0.25);

    spec.outputs[0].fallback = Fallback::Hold;
    let hold = spec.compile().expect("valid");
    let c = hold.controller();
    let mut scratch = vec![0.0; c.scratch_len()];
    let mut out = [0.0f32];
    c.evaluate(&[0.5, 0.5], &mut scratch, &mut out);
    let before = out[0];
    assert!(before > 0.3);
    let status = c.evaluate(&[0.5, f32::NAN], &mut scratch, &mut out);
    assert!(status.contains(Status::FALLBACK));
    assert_eq!(out[0], before, "held");
    out[0] = f32::INFINITY;
    c.evaluate(&[f32::NAN, 0.0], &mut scratch, &mut out);
    assert_eq!(
        out[0], 0.0,
        "a non-finite previous value is replaced by the midpoint"
    );
}

#[test]
fn no_rule_fired_takes_the_fallback() {
    // Only keep the rules for e = NB: for e = 0.5 nothing fires.
    let mut spec = ControllerSpec::from_controller("gap", &PD_SUGENO);
    spec.rules.retain(|r| r.antecedent[0] == 1);
    spec.outputs[0].fallback = Fallback::Value(0.125);
    let c = spec.compile().expect("valid");
    let (u, status) = c.evaluate(&[0.5, 0.0]);
    assert!(
        status.contains(Status::NO_RULE_FIRED) && status.contains(Status::FALLBACK),
        "{status:?}"
    );
    assert_eq!(u[0], 0.125);
    let (_, status) = c.evaluate(&[-1.0, 0.0]);
    assert!(status.is_ok());

    // The grid kernels: a range wider than the terms leaves e = 1.5 uncovered (Sugeno: the
    // weighted average is 0 / 0; Mamdani: the centroid of an empty set is 0 / 0).
    for reference in [&PD_SUGENO, &PD_MAMDANI] {
        let mut spec = ControllerSpec::from_controller("wide", reference);
        spec.inputs[0].max = 2.0;
        spec.outputs[0].fallback = Fallback::Value(0.125);
        let c = spec.compile().expect("valid");
        assert!(c.controller().uses_grid_kernel());
        let (u, status) = c.evaluate(&[1.5, 0.0]);
        assert!(
            status.contains(Status::NO_RULE_FIRED) && status.contains(Status::FALLBACK),
            "{status:?}"
        );
        assert_eq!(u[0], 0.125);
        let (u, status) = c.evaluate(&[0.5, 0.0]);
        assert!(status.is_ok() && u[0].is_finite(), "{status:?}");
    }
}

#[test]
fn out_of_range_inputs_are_clamped_or_extended() {
    let (clamped, status) = evaluate(&PD_MAMDANI, &[7.0, -0.25]);
    assert!(status.contains(Status::INPUT_OUT_OF_RANGE));
    assert_eq!(clamped, evaluate(&PD_MAMDANI, &[1.0, -0.25]).0);
    let (inf, _) = evaluate(&PD_MAMDANI, &[f32::NEG_INFINITY, f32::INFINITY]);
    assert_eq!(inf, evaluate(&PD_MAMDANI, &[-1.0, 1.0]).0);

    let mut spec = ControllerSpec::from_controller("extend", &PD_SUGENO);
    spec.inputs[0].out_of_range = OutOfRange::Extend;
    spec.inputs[0].terms[6].shape = Shape::Triangle([2.0 / 3.0, 1.0, 1.5]);
    let c = spec.compile().expect("valid");
    // e = 1.25 lies on the falling edge of the extended PB: degree 0.5, still alone.
    let (u, status) = c.evaluate(&[1.25, 0.0]);
    assert!(status.contains(Status::INPUT_OUT_OF_RANGE));
    assert_close(u[0], 1.0, 1e-6);
}

#[test]
fn short_buffers_and_missing_inputs_are_reported() {
    let mut scratch = vec![0.0; PD_MAMDANI.scratch_len() - 1];
    let mut out = [9.0f32];
    let status = PD_MAMDANI.evaluate(&[0.1, 0.1], &mut scratch, &mut out);
    assert_eq!(status, Status::BUFFER_TOO_SMALL);
    assert_eq!(out[0], 0.0);
    let (u, status) = evaluate(&PD_MAMDANI, &[0.1]);
    assert!(status.contains(Status::INPUT_COUNT) && status.contains(Status::NAN_INPUT));
    assert_eq!(u[0], 0.0);
}

#[test]
fn rule_strengths_are_degrees_combined() {
    let c = &PD_SUGENO;
    let mut scratch = vec![0.0; c.scratch_len()];
    let mut strengths = [0.0f32; 49];
    c.rule_strengths(&[1.0 / 6.0, -1.0 / 6.0], &mut scratch, &mut strengths);
    // Product AND of 0.5 and 0.5 for the four rules around (ZE/PS, NS/ZE), zero elsewhere.
    let fired: Vec<usize> = (0..49).filter(|&r| strengths[r] > 0.0).collect();
    assert_eq!(fired, vec![3 * 7 + 2, 3 * 7 + 3, 4 * 7 + 2, 4 * 7 + 3]);
    for r in fired {
        assert_close(strengths[r], 0.25, 1e-6);
    }
}

#[test]
fn static_controllers_equal_their_compiled_specs_bit_for_bit() {
    for (name, c) in [
        ("pd", &PD_MAMDANI),
        ("sugeno", &PD_SUGENO),
        ("mixed", &MIXED),
        ("grid", &GRID_5X5X5),
    ] {
        let owned = ControllerSpec::from_controller(name, c).compile().expect("valid");
        for k in 0..200 {
            let inputs: Vec<f32> = c
                .def()
                .inputs
                .iter()
                .enumerate()
                .map(|(i, v)| v.min + (v.max - v.min) * (((k * (3 + 2 * i)) % 97) as f32 / 80.0 - 0.1))
                .collect();
            let (a, sa) = evaluate(c, &inputs);
            let (b, sb) = owned.evaluate(&inputs);
            assert_eq!(sa, sb);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "{name} at {inputs:?}");
        }
    }
}

#[test]
fn per_rule_aggregation_path_matches_definition() {
    // Probabilistic-sum aggregation with min implication cannot combine rules per term:
    // check the aggregated set against S(I(w_r, μ_c(r)(x))) computed here from the strengths.
    let mut spec = ControllerSpec::from_controller("probor", &PD_MAMDANI);
    spec.inference = fuzzy_core::Inference::Mamdani {
        implication: fuzzy_core::TNorm::Minimum,
        aggregation: fuzzy_core::SNorm::ProbabilisticSum,
    };
    let owned = spec.compile().expect("valid");
    let c = owned.controller();
    let inputs = [0.2f32, -0.45];
    let mut scratch = vec![0.0; c.scratch_len()];
    let mut strengths = [0.0f32; 49];
    c.rule_strengths(&inputs, &mut scratch, &mut strengths);
    let set = c.aggregated_set(&inputs, &mut scratch, 0).to_vec();
    let out_terms = &c.def().terms[14..21];
    for (i, g) in set.iter().enumerate() {
        let x = -1.0 + 0.02 * i as f32;
        let mut expected = 0.0f64;
        for (r, w) in strengths.iter().enumerate() {
            let term = &out_terms[(spec.rules[r].consequent[0] - 1) as usize];
            let implied = f64::from(w.min(term.membership(x, &[])));
            expected = expected + implied - expected * implied;
        }
        assert_close(*g, expected, 1e-6);
    }
}

#[test]
fn large_controller_8_inputs_4_outputs_16_terms_256_rules() {
    use fuzzy_core::{
        Connective, Defuzzifier, Inference, InputSpec, OutputSpec, RuleSpec, Sampling, TermSpec,
    };
    let sixteen = |min: f32, max: f32| -> Vec<TermSpec> {
        let step = (max - min) / 15.0;
        (0..16)
            .map(|k| {
                let c = min + step * k as f32;
                TermSpec {
                    name: format!("t{k}"),
                    shape: Shape::Triangle([c - step, c, c + step]),
                }
            })
            .collect()
    };
    let spec = ControllerSpec {
        name: "large".into(),
        inference: Inference::Mamdani {
            implication: fuzzy_core::TNorm::Product,
            aggregation: fuzzy_core::SNorm::Maximum,
        },
        and: fuzzy_core::TNorm::Minimum,
        or: fuzzy_core::SNorm::Maximum,
        inputs: (0..8)
            .map(|i| InputSpec {
                name: format!("x{i}"),
                min: -1.0,
                max: 1.0,
                out_of_range: OutOfRange::Clamp,
                terms: sixteen(-1.0, 1.0),
            })
            .collect(),
        outputs: (0..4)
            .map(|o| OutputSpec {
                name: format!("y{o}"),
                min: 0.0,
                max: 10.0,
                defuzzifier: [
                    Defuzzifier::Centroid,
                    Defuzzifier::Bisector,
                    Defuzzifier::MeanOfMaximum,
                    Defuzzifier::LargestOfMaximum,
                ][o],
                sampling: Sampling::MATLAB,
                fallback: Fallback::Midpoint,
                lock_range: false,
                terms: sixteen(0.0, 10.0),
            })
            .collect(),
        rules: (0..256)
            .map(|r: i32| RuleSpec {
                antecedent: (0..8)
                    .map(|i| {
                        if (r + i) % 3 == 0 {
                            0
                        } else {
                            1 + (r * (i + 1)) % 16
                        }
                    })
                    .collect(),
                consequent: (0..4).map(|o| 1 + (r + 5 * o) % 16).collect(),
                weight: 1.0,
                connective: if r % 5 == 0 {
                    Connective::Or
                } else {
                    Connective::And
                },
                hedges: Vec::new(),
            })
            .collect(),
    };
    let owned = spec.compile().expect("the limits of the issue are supported");
    let c = owned.controller();
    assert_eq!(
        (c.input_count(), c.output_count(), c.def().rules.len()),
        (8, 4, 256)
    );
    for k in 0..50 {
        let inputs: Vec<f32> = (0..8)
            .map(|i| ((k * 7 + i * 3) % 21) as f32 / 10.0 - 1.0)
            .collect();
        let (y, status) = owned.evaluate(&inputs);
        for v in &y {
            assert!((0.0..=10.0).contains(v), "{y:?} ({status:?})");
        }
    }
}

/// A random complete 2-input grid of triangles and trapezoids (1 to 16 terms per input),
/// AND minimum or product, Sugeno constants or a combinable Mamdani, optional weights and
/// rules that conclude nothing for one of two outputs. Half of the inputs have terms at
/// random places; the other half a chain (term `t` ends where term `t + 2` starts or
/// before, as in a partition), the shape the Sugeno window kernel takes.
fn random_grid(rng: &mut testkit::XorShift, k: usize) -> ControllerSpec {
    use fuzzy_core::{
        Connective, Defuzzifier, Inference, InputSpec, OutputSpec, RuleSpec, SNorm, Sampling, TNorm, TermSpec,
    };
    let sugeno = rng.chance(0.5);
    // Term `t` on four sorted points: a triangle (the middle two merged) or a trapezoid.
    let term = |rng: &mut testkit::XorShift, t: usize, p: &[f32]| TermSpec {
        name: format!("t{t}"),
        shape: if rng.chance(0.5) {
            Shape::Triangle([p[0], p[1], p[3]])
        } else {
            Shape::Trapezoid([p[0], p[1], p[2], p[3]])
        },
    };
    let shapes = |rng: &mut testkit::XorShift, lo: f32, hi: f32, n: usize| -> Vec<TermSpec> {
        (0..n)
            .map(|t| {
                let mut p: Vec<f32> = (0..4).map(|_| rng.range(lo - 0.2, hi + 0.2)).collect();
                p.sort_by(f32::total_cmp);
                if rng.chance(0.2) {
                    p[1] = p[0]; // a shoulder
                }
                term(rng, t, &p)
            })
            .collect()
    };
    // Term t spans points 2t to 2t + 3 of 2n + 2 sorted points (some repeated: shoulders,
    // triangles, terms t and t + 2 touching), so that neighbours overlap and no three do.
    let chain = |rng: &mut testkit::XorShift, lo: f32, hi: f32, n: usize| -> Vec<TermSpec> {
        let mut x: Vec<f32> = (0..2 * n + 2).map(|_| rng.range(lo - 0.2, hi + 0.2)).collect();
        x.sort_by(f32::total_cmp);
        for k in 1..x.len() {
            if rng.chance(0.15) {
                x[k] = x[k - 1];
            }
        }
        (0..n).map(|t| term(rng, t, &x[2 * t..2 * t + 4])).collect()
    };
    let counts = [1 + rng.below(16), 1 + rng.below(16)];
    let chained = rng.chance(0.5);
    let inputs: Vec<InputSpec> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let lo = rng.range(-5.0, 0.0);
            let hi = lo + rng.range(0.5, 5.0);
            InputSpec {
                name: format!("in{i}"),
                min: lo,
                max: hi,
                out_of_range: if rng.chance(0.2) {
                    OutOfRange::Extend
                } else {
                    OutOfRange::Clamp
                },
                terms: if chained {
                    chain(rng, lo, hi, *n)
                } else {
                    shapes(rng, lo, hi, *n)
                },
            }
        })
        .collect();
    let n_out = 1 + rng.below(2);
    let outputs: Vec<OutputSpec> = (0..n_out)
        .map(|o| {
            let n = 1 + rng.below(9);
            let terms = if sugeno {
                (0..n)
                    .map(|t| TermSpec {
                        name: format!("z{t}"),
                        shape: Shape::Constant(rng.range(-3.0, 3.0)),
                    })
                    .collect()
            } else {
                shapes(rng, -1.0, 1.0, n)
            };
            OutputSpec {
                name: format!("out{o}"),
                min: -1.0,
                max: 1.0,
                defuzzifier: match (sugeno, rng.below(3)) {
                    (true, 0) => Defuzzifier::WeightedSum,
                    (true, _) => Defuzzifier::WeightedAverage,
                    (false, 0) => Defuzzifier::Bisector,
                    (false, _) => Defuzzifier::Centroid,
                },
                sampling: if rng.chance(0.5) {
                    Sampling::MATLAB
                } else {
                    Sampling::FUZZYLITE
                },
                fallback: match rng.below(3) {
                    0 => Fallback::Midpoint,
                    1 => Fallback::Value(rng.range(-1.0, 1.0)),
                    _ => Fallback::Hold,
                },
                lock_range: false,
                terms,
            }
        })
        .collect();
    let weights = rng.chance(0.3);
    let rules = (0..counts[0] * counts[1])
        .map(|r| RuleSpec {
            antecedent: vec![(r / counts[1] + 1) as i32, (r % counts[1] + 1) as i32],
            consequent: outputs
                .iter()
                .enumerate()
                .map(|(o, v)| {
                    // The first output is always concluded (every rule concludes something).
                    if o > 0 && rng.chance(0.2) {
                        0
                    } else {
                        1 + rng.below(v.terms.len()) as i32
                    }
                })
                .collect(),
            weight: if weights { rng.range(0.0, 1.0) } else { 1.0 },
            connective: Connective::And,
            hedges: Vec::new(),
        })
        .collect();
    ControllerSpec {
        name: format!("grid{k}"),
        inference: if sugeno {
            Inference::Sugeno
        } else {
            match rng.below(3) {
                0 => Inference::Mamdani {
                    implication: TNorm::Product,
                    aggregation: SNorm::UnboundedSum,
                },
                1 => Inference::Mamdani {
                    implication: TNorm::Product,
                    aggregation: SNorm::Maximum,
                },
                _ => Inference::Mamdani {
                    implication: TNorm::Minimum,
                    aggregation: SNorm::Maximum,
                },
            }
        },
        and: if rng.chance(0.5) {
            TNorm::Minimum
        } else {
            TNorm::Product
        },
        or: SNorm::Maximum,
        inputs,
        outputs,
        rules,
    }
}

/// The grid kernel (a faster path for complete 2-input grids) gives the general path's
/// outputs and status bit for bit, for random grids and inputs including range ends,
/// values outside, NaN and infinities.
#[test]
fn grid_kernel_equals_the_general_path_bit_for_bit() {
    use fuzzy_core::{Defuzzifier, Inference, SNorm};
    let mut rng = testkit::XorShift(0x6772_6964);
    let specials = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        -f32::MAX,
        0.0,
        -0.0,
    ];
    let mut compared = 0;
    let mut sugeno_kernels = 0;
    let mut mamdani_kernels = 0;
    let mut window_kernels = [0, 0]; // Sugeno, Mamdani
    for k in 0..300 {
        let spec = random_grid(&mut rng, k);
        let owned = spec.compile().unwrap_or_else(|e| panic!("{e}"));
        let fast = owned.controller();
        assert!(fast.uses_grid_kernel(), "{}", spec.name);
        if fast.sugeno_partials() < 8 {
            // At most 7 columns: the Sugeno kernel (the rows of the grid as vectors).
            sugeno_kernels += 1;
        }
        if fast.uses_window_kernel() {
            window_kernels[usize::from(spec.inference != Inference::Sugeno)] += 1;
        }
        let centroids = spec
            .outputs
            .iter()
            .all(|o| o.defuzzifier == Defuzzifier::Centroid);
        if let (Inference::Mamdani { aggregation, .. }, true) = (spec.inference, centroids)
            && aggregation == SNorm::Maximum
        {
            // Maximum aggregation and centroids only: the Mamdani kernel.
            mamdani_kernels += 1;
        }
        let general = fast.without_kernels();
        assert!(!general.uses_grid_kernel());
        // The grid kernel itself where the window kernel would take over.
        let dense = fast.without_window_kernels();
        assert!(dense.uses_grid_kernel() && !dense.uses_window_kernel());
        let mut scratch = vec![0.0f32; fast.scratch_len()];
        for n in 0..60 {
            let input: Vec<f32> = spec
                .inputs
                .iter()
                .map(|v| match n % 6 {
                    0 => specials[rng.below(specials.len())],
                    1 => {
                        if rng.chance(0.5) {
                            v.min
                        } else {
                            v.max
                        }
                    }
                    // A corner of a term: where a window begins or ends.
                    2 => match &v.terms[rng.below(v.terms.len())].shape {
                        Shape::Triangle(p) => p[rng.below(3)],
                        Shape::Trapezoid(p) => p[rng.below(4)],
                        _ => v.min,
                    },
                    _ => rng.range(v.min - 1.0, v.max + 1.0),
                })
                .collect();
            let previous = vec![0.25f32; fast.output_count()];
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let mut b = previous.clone();
            let status_b = general.evaluate(&input, &mut scratch, &mut b);
            for kernel in [fast, dense] {
                let mut a = previous.clone();
                let status_a = kernel.evaluate(&input, &mut scratch, &mut a);
                assert_eq!(status_a, status_b, "{} at {input:?}", spec.name);
                assert_eq!(bits(&a), bits(&b), "{} at {input:?}: {a:?} vs {b:?}", spec.name);
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 300 * 60);
    assert!(
        sugeno_kernels >= 40,
        "only {sugeno_kernels} Sugeno grids with at most 7 columns"
    );
    assert!(
        window_kernels.iter().all(|n| *n >= 15),
        "only {window_kernels:?} Sugeno and Mamdani grids with the window kernels"
    );
    assert!(
        mamdani_kernels >= 30,
        "only {mamdani_kernels} Mamdani grids with maximum aggregation and centroids"
    );
}

/// A 2-input Sugeno controller with one rule per pair of terms is summed in the grid layout
/// (rule `r` into partial `r mod cols`) whatever its rules say: here shuffled antecedents,
/// NOT, OR rules, weights, linear and constant terms, an output some rules leave out. The
/// outputs equal `Σ w z / Σ w` over the rules, recomputed in f64 from the rule strengths.
#[test]
fn sugeno_grid_layout_with_any_rules_gives_the_weighted_average() {
    use fuzzy_core::{Connective, RuleSpec};
    let mut rng = testkit::XorShift(0x5347_4c59);
    for case in 0..40 {
        let mut spec = ControllerSpec::from_controller("pd_sugeno", &PD_SUGENO);
        // Second output: half constants, half linear in (e, de).
        let mut second = spec.outputs[0].clone();
        second.name = "v".into();
        for (t, term) in second.terms.iter_mut().enumerate() {
            if t % 2 == 1 {
                term.shape = Shape::Linear(vec![
                    rng.range(-1.0, 1.0),
                    rng.range(-1.0, 1.0),
                    rng.range(-0.5, 0.5),
                ]);
            }
        }
        spec.outputs.push(second);
        let cols = spec.inputs[1].terms.len();
        let rules = spec.rules.len();
        let mut order: Vec<usize> = (0..rules).collect();
        for i in (1..rules).rev() {
            order.swap(i, rng.below(i + 1));
        }
        spec.rules = order
            .iter()
            .map(|&r| {
                let (i, j) = ((r / cols + 1) as i32, (r % cols + 1) as i32);
                RuleSpec {
                    antecedent: vec![
                        if rng.chance(0.2) { -i } else { i },
                        if rng.chance(0.2) { 0 } else { j },
                    ],
                    consequent: vec![
                        1 + rng.below(7) as i32,
                        if rng.chance(0.3) {
                            0
                        } else {
                            1 + rng.below(7) as i32
                        },
                    ],
                    weight: if case % 2 == 0 { 1.0 } else { rng.range(0.1, 1.0) },
                    connective: if rng.chance(0.3) {
                        Connective::Or
                    } else {
                        Connective::And
                    },
                    hedges: Vec::new(),
                }
            })
            .collect();
        let owned = spec.compile().unwrap_or_else(|e| panic!("{e}"));
        let controller = owned.controller();
        assert_eq!(controller.sugeno_partials(), cols);
        assert!(!controller.uses_grid_kernel(), "not a grid pattern");
        let mut scratch = vec![0.0f32; controller.scratch_len()];
        let mut strengths = vec![0.0f32; rules];
        for _ in 0..50 {
            let x = [rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)];
            controller.rule_strengths(&x, &mut scratch, &mut strengths);
            let mut outputs = [0.0f32; 2];
            controller.evaluate(&x, &mut scratch, &mut outputs);
            for (o, output) in spec.outputs.iter().enumerate() {
                let (mut num, mut den) = (0.0f64, 0.0f64);
                for (rule, w) in spec.rules.iter().zip(&strengths) {
                    let n = rule.consequent[o];
                    if n <= 0 {
                        continue;
                    }
                    let z = match &output.terms[n as usize - 1].shape {
                        Shape::Constant(c) => f64::from(*c),
                        Shape::Linear(c) => {
                            f64::from(c[0]) * f64::from(x[0])
                                + f64::from(c[1]) * f64::from(x[1])
                                + f64::from(c[2])
                        }
                        other => panic!("{other:?}"),
                    };
                    num += f64::from(*w) * z;
                    den += f64::from(*w);
                }
                if den > 0.0 {
                    // f32 sums of at most 49 terms of magnitude <= 2.5: well inside 1e-5.
                    assert_close(outputs[o], num / den, 1e-5);
                }
            }
        }
    }
}

#[test]
fn the_reference_pd_controllers_take_the_grid_kernel() {
    assert!(PD_MAMDANI.uses_grid_kernel());
    assert!(PD_SUGENO.uses_grid_kernel());
    // Evenly spaced triangles sharing their corners: the window kernels.
    assert!(PD_MAMDANI.uses_window_kernel());
    assert!(PD_SUGENO.uses_window_kernel());
    assert!(!MIXED.uses_window_kernel());
    assert!(!GRID_5X5X5.uses_window_kernel());
    assert!(!MIXED.uses_grid_kernel());
    assert!(!GRID_5X5X5.uses_grid_kernel());
}

#[test]
fn an_output_is_never_negative_zero() {
    // AND minimum, both inputs halfway between two peaks: four rules fire with 0.5 each
    // (Σ s = 2) and only rule (3, 3) concludes a non-zero constant, -2 times the smallest
    // subnormal. Σ s z = -1 subnormal step, and the weighted average -0.5 steps rounds
    // (to even) to -0, which the engine must report as +0, on the kernel and on the general
    // path.
    let mut spec = ControllerSpec::from_controller("zero", &PD_SUGENO);
    spec.and = fuzzy_core::TNorm::Minimum;
    for input in &mut spec.inputs {
        (input.min, input.max) = (-3.0, 3.0);
        for (k, term) in input.terms.iter_mut().enumerate() {
            let peak = k as f32 - 3.0;
            term.shape = Shape::Triangle([peak - 1.0, peak, peak + 1.0]);
        }
    }
    let tiny = f32::from_bits(2);
    for (t, term) in spec.outputs[0].terms.iter_mut().enumerate() {
        term.shape = Shape::Constant(if t == 3 { -tiny } else { 0.0 });
    }
    let owned = spec.compile().expect("valid");
    let kernel = owned.controller();
    assert!(kernel.uses_grid_kernel());
    // The same division in f32 gives -0 (the case is real).
    assert_eq!((-f32::from_bits(1) / 2.0).to_bits(), (-0.0f32).to_bits());
    for controller in [kernel, kernel.without_kernels()] {
        let mut scratch = vec![0.0f32; controller.scratch_len()];
        let mut out = [f32::NAN];
        let status = controller.evaluate(&[0.5, 0.5], &mut scratch, &mut out);
        assert!(status.is_ok(), "{status:?}");
        assert_eq!(out[0].to_bits(), 0, "{} (bits {:#x})", out[0], out[0].to_bits());
    }
}
