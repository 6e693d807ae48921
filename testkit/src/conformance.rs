//! The controllers and inputs of the fuzzylite conformance check.
//!
//! `examples/conformance_cases.rs` writes each case as FLL plus an input data set;
//! `scripts/fuzzylite-reference.sh` runs fuzzylite 6 on them and commits its outputs under
//! `tests/data/fuzzylite/`; `tests/suite/conformance.rs` evaluates the same specs with our
//! engine and compares.
//!
//! Integration matches fuzzylite: Mamdani outputs are sampled at the midpoints of 100
//! intervals (fuzzylite's resolution 100). The bisector is defined differently by fuzzylite
//! (a two-sided sweep with interpolation) and by MATLAB (first sample reaching half the
//! area, which we implement), so bisector outputs are compared with fuzzylite run at a fine
//! resolution (the `_fine` cases) instead.

use fuzzy_core::{ControllerSpec, Inference, SNorm, Sampling, Shape, TNorm};

use crate::XorShift;
use crate::reference::{MIXED, PD_MAMDANI, PD_SUGENO};

/// fuzzylite resolution of the "fine" reference cases.
pub const FINE_RESOLUTION: u16 = 10_000;

/// One conformance case.
pub struct Case {
    /// file stem under `tests/data/fuzzylite/`
    pub name: &'static str,
    /// the controller
    pub spec: ControllerSpec,
    /// input rows
    pub inputs: Vec<Vec<f32>>,
}

fn with_sampling(mut spec: ControllerSpec, sampling: Sampling) -> ControllerSpec {
    for output in &mut spec.outputs {
        output.sampling = sampling;
    }
    spec
}

fn named(mut spec: ControllerSpec, inputs: &[&str], outputs: &[&str]) -> ControllerSpec {
    for (v, name) in spec.inputs.iter_mut().zip(inputs) {
        v.name = (*name).to_string();
    }
    for (v, name) in spec.outputs.iter_mut().zip(outputs) {
        v.name = (*name).to_string();
    }
    spec
}

fn pd(name: &str) -> ControllerSpec {
    let spec = ControllerSpec::from_controller(name, &PD_MAMDANI);
    named(with_sampling(spec, Sampling::FUZZYLITE), &["e", "de"], &["u"])
}

fn pd_with(name: &str, and: TNorm, or: SNorm, implication: TNorm, aggregation: SNorm) -> ControllerSpec {
    let mut spec = pd(name);
    spec.and = and;
    spec.or = or;
    spec.inference = Inference::Mamdani {
        implication,
        aggregation,
    };
    spec
}

/// A grid of `per_axis` points per input over each range, extended by 10 % on both sides (so
/// out-of-range values are included), plus `random` uniform points in the same box.
fn input_set(ranges: &[(f32, f32)], per_axis: usize, random: usize, seed: u32) -> Vec<Vec<f32>> {
    let axes: Vec<Vec<f32>> = ranges
        .iter()
        .map(|&(min, max)| {
            let margin = 0.1 * (max - min);
            let (lo, hi) = (min - margin, max + margin);
            (0..per_axis)
                .map(|i| lo + (hi - lo) * i as f32 / (per_axis - 1) as f32)
                // also the exact range ends
                .chain([min, max])
                .collect()
        })
        .collect();
    let mut rows = if per_axis > 1 {
        crate::grid_rows(&axes)
    } else {
        Vec::new()
    };
    let mut rng = XorShift(seed);
    for _ in 0..random {
        rows.push(
            ranges
                .iter()
                .map(|&(min, max)| min + (max - min) * (1.2 * rng.unit() - 0.1))
                .collect(),
        );
    }
    rows
}

/// All conformance cases.
pub fn cases() -> Vec<Case> {
    let pd_inputs = input_set(&[(-1.0, 1.0), (-1.0, 1.0)], 23, 200, 7);
    let mixed_inputs = input_set(&[(0.0, 10.0), (-5.0, 5.0), (0.0, 1.0)], 9, 300, 11);

    let sugeno = named(
        ControllerSpec::from_controller("pd_sugeno", &PD_SUGENO),
        &["e", "de"],
        &["u"],
    );
    let mut linear = sugeno.clone();
    linear.name = "pd_sugeno_linear".to_string();
    for (k, term) in linear.outputs[0].terms.iter_mut().enumerate() {
        let level = -1.0 + k as f32 / 3.0;
        term.shape = Shape::Linear(vec![0.25 * level, -0.5, level]);
    }
    linear.outputs[0].defuzzifier = fuzzy_core::Defuzzifier::WeightedSum;

    let mixed = |name: &str, sampling| {
        named(
            with_sampling(ControllerSpec::from_controller(name, &MIXED), sampling),
            &["x1", "x2", "x3"],
            &["y1", "y2", "y3", "y4"],
        )
    };

    vec![
        Case {
            name: "pd_mamdani",
            spec: pd("pd_mamdani"),
            inputs: pd_inputs.clone(),
        },
        Case {
            name: "pd_sugeno",
            spec: sugeno,
            inputs: pd_inputs.clone(),
        },
        Case {
            name: "pd_sugeno_linear",
            spec: linear,
            inputs: pd_inputs.clone(),
        },
        Case {
            name: "pd_product_probor",
            spec: pd_with(
                "pd_product_probor",
                TNorm::Product,
                SNorm::ProbabilisticSum,
                TNorm::Product,
                SNorm::ProbabilisticSum,
            ),
            inputs: pd_inputs.clone(),
        },
        Case {
            name: "pd_einstein_hamacher",
            spec: pd_with(
                "pd_einstein_hamacher",
                TNorm::EinsteinProduct,
                SNorm::EinsteinSum,
                TNorm::HamacherProduct,
                SNorm::BoundedSum,
            ),
            inputs: pd_inputs.clone(),
        },
        Case {
            name: "pd_nilpotent",
            spec: pd_with(
                "pd_nilpotent",
                TNorm::NilpotentMinimum,
                SNorm::NilpotentMaximum,
                TNorm::BoundedDifference,
                SNorm::HamacherSum,
            ),
            // Random points only: on the symmetric grid points, degrees of adjacent terms sum to
            // exactly 1, the threshold of the nilpotent norms, where f32 and f64 rounding
            // legitimately fall on different sides.
            inputs: input_set(&[(-1.0, 1.0), (-1.0, 1.0)], 0, 600, 13),
        },
        Case {
            name: "pd_drastic",
            spec: pd_with(
                "pd_drastic",
                TNorm::DrasticProduct,
                SNorm::DrasticSum,
                TNorm::Minimum,
                SNorm::DrasticSum,
            ),
            // Random points only, as for pd_nilpotent: drastic product fires a rule only where
            // one degree is 1, and the drastic sum saturates wherever two clipped terms overlap.
            inputs: input_set(&[(-1.0, 1.0), (-1.0, 1.0)], 0, 600, 17),
        },
        Case {
            name: "pd_sum",
            spec: pd_with(
                "pd_sum",
                TNorm::Minimum,
                SNorm::Maximum,
                TNorm::Product,
                SNorm::UnboundedSum,
            ),
            inputs: pd_inputs,
        },
        Case {
            name: "mixed",
            spec: mixed("mixed", Sampling::FUZZYLITE),
            inputs: mixed_inputs.clone(),
        },
        Case {
            name: "mixed_fine",
            spec: mixed(
                "mixed_fine",
                Sampling::Midpoints {
                    intervals: FINE_RESOLUTION,
                },
            ),
            inputs: mixed_inputs,
        },
    ]
}
