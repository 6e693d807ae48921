//! Random valid controllers for differential testing against fuzzylite and for round trips
//! through the file formats.
//!
//! [`controller`] draws 1–4 inputs with 2–9 terms each from every membership family the
//! engine shares with fuzzylite (triangle, trapezoid, Gaussian, two-sided Gaussian, bell,
//! sigmoid, difference and product of sigmoids, S, Z, pi, points), random rules with AND or
//! OR, NOT, fuzzylite's hedges (`very somewhat extremely seldom`, `x IS any`), unused inputs
//! and weights, Mamdani (every implication and aggregation) or Sugeno (constant and linear terms), every defuzzifier, and fuzzylite's sampling
//! (midpoints of 100 intervals). Operators are the continuous norms (see
//! [`CONTINUOUS_T_NORMS`] for why). Parameters keep shapes non-degenerate (strictly ordered
//! breakpoints, slopes bounded away from 0 and ∞), where MATLAB and fuzzylite agree.

use fuzzy_core::{
    Connective, ControllerSpec, Defuzzifier, Fallback, Hedge, Inference, InputSpec, OutOfRange, OutputSpec,
    RuleSpec, SNorm, Sampling, Shape, TNorm, TermSpec,
};

use crate::XorShift;

/// The continuous T-norms: the generator draws every operator from these. A drastic or
/// nilpotent operator switches between 0 (or 1) and its full value when a degree crosses 1
/// (or a sum crosses 1) within a 1e-6 tolerance; an f32 and an f64 engine put degrees and
/// sample points 1e-7 apart, so over 10⁵ evaluations some land on the edge and a rule or a
/// sample switches, moving an output by a fifth of its range. Such controllers are legal,
/// just not comparable between engines at random points; the fuzzylite conformance cases
/// cover those operators on fixed inputs.
pub const CONTINUOUS_T_NORMS: [TNorm; 5] = [
    TNorm::Minimum,
    TNorm::Product,
    TNorm::BoundedDifference,
    TNorm::EinsteinProduct,
    TNorm::HamacherProduct,
];

/// The continuous S-norms (see [`CONTINUOUS_T_NORMS`]) that fuzzylite computes as
/// documented: the normalized sum is left out, fuzzylite 6's code computes
/// `a + b / max(1, max(a, b))` for it (see [`SNorm::NormalizedSum`]).
pub const CONTINUOUS_S_NORMS: [SNorm; 6] = [
    SNorm::Maximum,
    SNorm::ProbabilisticSum,
    SNorm::BoundedSum,
    SNorm::EinsteinSum,
    SNorm::HamacherSum,
    SNorm::UnboundedSum,
];

/// Mamdani defuzzifiers.
pub const MAMDANI_DEFUZZIFIERS: [Defuzzifier; 5] = [
    Defuzzifier::Centroid,
    Defuzzifier::Bisector,
    Defuzzifier::MeanOfMaximum,
    Defuzzifier::SmallestOfMaximum,
    Defuzzifier::LargestOfMaximum,
];

impl XorShift {
    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f32) as usize).min(n.saturating_sub(1))
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }
}

/// `n` sorted values strictly inside `(lo, hi)`, at least `gap` apart.
fn ordered(rng: &mut XorShift, n: usize, lo: f32, hi: f32, gap: f32) -> Vec<f32> {
    let span = hi - lo - gap * (n as f32 + 1.0);
    let mut cuts: Vec<f32> = (0..n).map(|_| rng.range(0.0, span.max(0.0))).collect();
    cuts.sort_by(f32::total_cmp);
    cuts.iter()
        .enumerate()
        .map(|(i, c)| lo + gap * (i as f32 + 1.0) + c)
        .collect()
}

/// A shape centred near `centre` on a variable spanning `[lo, hi]` (width `w` per term).
fn shape(rng: &mut XorShift, lo: f32, hi: f32, centre: f32, w: f32) -> Shape {
    let gap = w * 0.05;
    let window = |rng: &mut XorShift, n: usize| ordered(rng, n, centre - 1.5 * w, centre + 1.5 * w, gap);
    let slope = |rng: &mut XorShift| rng.range(2.0, 12.0) / w * if rng.chance(0.5) { 1.0 } else { -1.0 };
    match rng.below(11) {
        0 => {
            let p = window(rng, 3);
            Shape::Triangle([p[0], p[1], p[2]])
        }
        1 => {
            let p = window(rng, 4);
            Shape::Trapezoid([p[0], p[1], p[2], p[3]])
        }
        2 => Shape::Gaussian([rng.range(0.3, 1.0) * w, centre]),
        3 => {
            let c = window(rng, 2);
            Shape::Gaussian2([rng.range(0.2, 0.8) * w, c[0], rng.range(0.2, 0.8) * w, c[1]])
        }
        4 => Shape::Bell([rng.range(0.4, 1.0) * w, rng.range(1.0, 4.0), centre]),
        5 => Shape::Sigmoid([slope(rng), centre]),
        6 => {
            let c = window(rng, 2);
            let a = rng.range(3.0, 10.0) / w;
            Shape::DiffSigmoid([a, c[0], rng.range(3.0, 10.0) / w, c[1]])
        }
        7 => {
            let c = window(rng, 2);
            let a = rng.range(3.0, 10.0) / w;
            Shape::ProdSigmoid([a, c[0], -rng.range(3.0, 10.0) / w, c[1]])
        }
        8 => {
            let p = window(rng, 2);
            if rng.chance(0.5) {
                Shape::SShape([p[0], p[1]])
            } else {
                Shape::ZShape([p[0], p[1]])
            }
        }
        9 => {
            let p = window(rng, 4);
            Shape::PiShape([p[0], p[1], p[2], p[3]])
        }
        _ => {
            let n = 2 + rng.below(4);
            let xs = ordered(rng, n, centre - 1.5 * w, centre + 1.5 * w, gap);
            let points = xs.iter().map(|x| [*x, rng.unit()]).collect();
            let _ = (lo, hi);
            Shape::Points(points)
        }
    }
}

fn terms(rng: &mut XorShift, prefix: &str, lo: f32, hi: f32, count: usize) -> Vec<TermSpec> {
    let w = (hi - lo) / count as f32;
    (0..count)
        .map(|k| TermSpec {
            name: format!("{prefix}{k}"),
            shape: shape(rng, lo, hi, lo + w * (k as f32 + 0.5), w),
        })
        .collect()
}

/// fuzzylite's hedges apart from `not` (which the sign of a term number carries) and `any`.
pub const HEDGES: [Hedge; 4] = [Hedge::Very, Hedge::Somewhat, Hedge::Extremely, Hedge::Seldom];

/// Hedges for a rule's antecedents: about one used input in six gets one or two of
/// [`HEDGES`] (sometimes with an inner `not`), and about one rule in thirty turns an input it
/// does not use into `x IS any` (or `x IS very any`). Empty when none was drawn.
fn random_hedges(rng: &mut XorShift, antecedent: &mut [i32]) -> Vec<Vec<Hedge>> {
    let mut hedges: Vec<Vec<Hedge>> = vec![Vec::new(); antecedent.len()];
    for (k, chain) in antecedent.iter().zip(hedges.iter_mut()) {
        if *k != 0 && rng.chance(0.18) {
            chain.push(rng.pick(&HEDGES));
            if rng.chance(0.3) {
                chain.push(if rng.chance(0.3) {
                    Hedge::Not
                } else {
                    rng.pick(&HEDGES)
                });
            }
        }
    }
    if rng.chance(0.03)
        && let Some(v) = antecedent.iter().position(|k| *k == 0)
    {
        hedges[v] = if rng.chance(0.5) {
            vec![Hedge::Any]
        } else {
            vec![Hedge::Very, Hedge::Any]
        };
    }
    if hedges.iter().all(Vec::is_empty) {
        hedges.clear();
    }
    hedges
}

/// A random valid controller named `name` (see the module docs).
pub fn controller(rng: &mut XorShift, name: &str) -> ControllerSpec {
    let n_in = 1 + rng.below(4);
    let sugeno = rng.chance(0.4);
    let n_out = 1 + rng.below(2);
    let range = |rng: &mut XorShift| {
        let lo = rng.range(-10.0, 5.0);
        (lo, lo + rng.range(1.0, 20.0))
    };
    let inputs: Vec<InputSpec> = (0..n_in)
        .map(|i| {
            let (lo, hi) = range(rng);
            let count = 2 + rng.below(8);
            InputSpec {
                name: format!("in{i}"),
                min: lo,
                max: hi,
                out_of_range: OutOfRange::Clamp,
                terms: terms(rng, "t", lo, hi, count),
            }
        })
        .collect();
    let outputs: Vec<OutputSpec> = (0..n_out)
        .map(|o| {
            let (lo, hi) = range(rng);
            let count = 2 + rng.below(8);
            let (defuzzifier, terms) = if sugeno {
                let d = if rng.chance(0.7) {
                    Defuzzifier::WeightedAverage
                } else {
                    Defuzzifier::WeightedSum
                };
                let terms = (0..count)
                    .map(|k| TermSpec {
                        name: format!("s{k}"),
                        shape: if rng.chance(0.6) {
                            Shape::Constant(rng.range(lo, hi))
                        } else {
                            Shape::Linear((0..=n_in).map(|_| rng.range(-1.0, 1.0)).collect())
                        },
                    })
                    .collect();
                (d, terms)
            } else {
                (
                    rng.pick(&MAMDANI_DEFUZZIFIERS),
                    self::terms(rng, "m", lo, hi, count),
                )
            };
            OutputSpec {
                name: format!("out{o}"),
                min: lo,
                max: hi,
                defuzzifier,
                sampling: Sampling::FUZZYLITE,
                fallback: Fallback::Midpoint,
                lock_range: false,
                terms,
            }
        })
        .collect();
    let n_rules = 1 + rng.below(24);
    let rules = (0..n_rules)
        .map(|_| {
            let mut antecedent: Vec<i32> = inputs
                .iter()
                .map(|v| {
                    if rng.chance(0.2) {
                        0
                    } else {
                        let k = 1 + rng.below(v.terms.len()) as i32;
                        if rng.chance(0.15) { -k } else { k }
                    }
                })
                .collect();
            if antecedent.iter().all(|k| *k == 0) {
                antecedent[0] = 1;
            }
            let mut consequent: Vec<i32> = outputs
                .iter()
                .map(|v| {
                    if rng.chance(0.2) {
                        0
                    } else {
                        1 + rng.below(v.terms.len()) as i32
                    }
                })
                .collect();
            if consequent.iter().all(|k| *k == 0) {
                consequent[0] = 1;
            }
            let hedges = random_hedges(rng, &mut antecedent);
            RuleSpec {
                antecedent,
                consequent,
                hedges,
                weight: if rng.chance(0.7) { 1.0 } else { rng.range(0.1, 1.0) },
                connective: if rng.chance(0.7) {
                    Connective::And
                } else {
                    Connective::Or
                },
            }
        })
        .collect();
    let inference = if sugeno {
        Inference::Sugeno
    } else {
        Inference::Mamdani {
            implication: rng.pick(&CONTINUOUS_T_NORMS),
            aggregation: rng.pick(&CONTINUOUS_S_NORMS),
        }
    };
    ControllerSpec {
        name: name.to_string(),
        inference,
        and: rng.pick(&CONTINUOUS_T_NORMS),
        // The unbounded sum is an aggregation only (rule strengths must stay in [0, 1]).
        or: rng.pick(&CONTINUOUS_S_NORMS[..5]),
        inputs,
        outputs,
        rules,
    }
}

/// `count` input rows for `spec`: the range corners first, then uniform values inside.
pub fn inputs(rng: &mut XorShift, spec: &ControllerSpec, count: usize) -> Vec<Vec<f32>> {
    (0..count)
        .map(|r| {
            spec.inputs
                .iter()
                .enumerate()
                .map(|(i, v)| match r {
                    0 => v.min,
                    1 => v.max,
                    2 if i % 2 == 0 => v.min,
                    2 => v.max,
                    _ => rng.range(v.min, v.max),
                })
                .collect()
        })
        .collect()
}
