//! Writing fuzzylite 6 FLL files.
//!
//! Parameter orders differ between MATLAB (our [`Shape`]) and fuzzylite; this module maps
//! them: `gaussmf [sigma c]` → `Gaussian c sigma`, `gbellmf [a b c]` → `Bell c a b`,
//! `sigmf [a c]` → `Sigmoid c a`, `dsigmf`/`psigmf [a1 c1 a2 c2]` →
//! `SigmoidDifference`/`SigmoidProduct c1 a1 a2 c2`, `gauss2mf [s1 c1 s2 c2]` →
//! `GaussianProduct c1 s1 c2 s2`, points → `Discrete x y …`.
//!
//! Semantics that FLL expresses differently:
//! - fuzzylite samples Mamdani outputs at interval midpoints: only
//!   [`Sampling::Midpoints`] can be written (its `intervals` is fuzzylite's resolution).
//! - Inputs that we clamp are written with `lock-range: true`.
//! - Fallbacks: fuzzylite returns its `default` (written as `nan`) when nothing fired; we
//!   return the configured fallback and flag it.

use core::fmt::Write as _;

use fuzzy_core::{
    Connective, ControllerSpec, Defuzzifier, Inference, OutOfRange, SNorm, Sampling, Shape, TNorm,
};

/// Why a controller cannot be written as FLL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FllError(pub String);

impl core::fmt::Display for FllError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FllError {}

/// fuzzylite's class name of a T-norm.
pub fn t_norm_name(norm: TNorm) -> &'static str {
    match norm {
        TNorm::Minimum => "Minimum",
        TNorm::Product => "AlgebraicProduct",
        TNorm::BoundedDifference => "BoundedDifference",
        TNorm::DrasticProduct => "DrasticProduct",
        TNorm::EinsteinProduct => "EinsteinProduct",
        TNorm::HamacherProduct => "HamacherProduct",
        TNorm::NilpotentMinimum => "NilpotentMinimum",
    }
}

/// fuzzylite's class name of an S-norm.
pub fn s_norm_name(norm: SNorm) -> &'static str {
    match norm {
        SNorm::Maximum => "Maximum",
        SNorm::ProbabilisticSum => "AlgebraicSum",
        SNorm::BoundedSum => "BoundedSum",
        SNorm::DrasticSum => "DrasticSum",
        SNorm::EinsteinSum => "EinsteinSum",
        SNorm::HamacherSum => "HamacherSum",
        SNorm::NilpotentMaximum => "NilpotentMaximum",
        SNorm::NormalizedSum => "NormalizedSum",
        SNorm::UnboundedSum => "UnboundedSum",
    }
}

fn defuzzifier_name(d: Defuzzifier) -> &'static str {
    match d {
        Defuzzifier::Centroid => "Centroid",
        Defuzzifier::Bisector => "Bisector",
        Defuzzifier::MeanOfMaximum => "MeanOfMaximum",
        Defuzzifier::SmallestOfMaximum => "SmallestOfMaximum",
        Defuzzifier::LargestOfMaximum => "LargestOfMaximum",
        Defuzzifier::WeightedAverage => "WeightedAverage",
        Defuzzifier::WeightedSum => "WeightedSum",
    }
}

/// A number as fuzzylite reads it: the exact decimal value of the `f32`, shortest form.
fn num(x: f32) -> String {
    format!("{}", f64::from(x))
}

fn nums(values: &[f32]) -> String {
    values.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" ")
}

fn term_text(shape: &Shape) -> String {
    match shape {
        Shape::Triangle(p) => format!("Triangle {}", nums(p)),
        Shape::Trapezoid(p) => format!("Trapezoid {}", nums(p)),
        Shape::Gaussian([sigma, c]) => format!("Gaussian {}", nums(&[*c, *sigma])),
        Shape::Gaussian2([s1, c1, s2, c2]) => format!("GaussianProduct {}", nums(&[*c1, *s1, *c2, *s2])),
        Shape::Bell([a, b, c]) => format!("Bell {}", nums(&[*c, *a, *b])),
        Shape::Sigmoid([a, c]) => format!("Sigmoid {}", nums(&[*c, *a])),
        Shape::DiffSigmoid([a1, c1, a2, c2]) => format!("SigmoidDifference {}", nums(&[*c1, *a1, *a2, *c2])),
        Shape::ProdSigmoid([a1, c1, a2, c2]) => format!("SigmoidProduct {}", nums(&[*c1, *a1, *a2, *c2])),
        Shape::SShape(p) => format!("SShape {}", nums(p)),
        Shape::ZShape(p) => format!("ZShape {}", nums(p)),
        Shape::PiShape(p) => format!("PiShape {}", nums(p)),
        Shape::Points(points) => {
            let flat: Vec<f32> = points.iter().flatten().copied().collect();
            format!("Discrete {}", nums(&flat))
        }
        Shape::Constant(v) => format!("Constant {}", num(*v)),
        Shape::Linear(c) => format!("Linear {}", nums(c)),
    }
}

fn check_name(name: &str) -> Result<&str, FllError> {
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(name)
    } else {
        Err(FllError(format!(
            "name '{name}' is not an FLL identifier (letters, digits, '_')"
        )))
    }
}

/// The controller as FLL text.
pub fn write(spec: &ControllerSpec) -> Result<String, FllError> {
    let mut out = String::new();
    let w = &mut out;
    // Writing into a String cannot fail.
    let _ = writeln!(w, "Engine: {}", check_name(&spec.name)?);
    for input in &spec.inputs {
        let _ = writeln!(w, "InputVariable: {}", check_name(&input.name)?);
        let _ = writeln!(w, "  enabled: true");
        let _ = writeln!(w, "  range: {} {}", num(input.min), num(input.max));
        let _ = writeln!(w, "  lock-range: {}", input.out_of_range == OutOfRange::Clamp);
        for term in &input.terms {
            let _ = writeln!(
                w,
                "  term: {} {}",
                check_name(&term.name)?,
                term_text(&term.shape)
            );
        }
    }
    let mamdani = match spec.inference {
        Inference::Mamdani {
            implication,
            aggregation,
        } => Some((implication, aggregation)),
        Inference::Sugeno => None,
    };
    for output in &spec.outputs {
        let _ = writeln!(w, "OutputVariable: {}", check_name(&output.name)?);
        let _ = writeln!(w, "  enabled: true");
        let _ = writeln!(w, "  range: {} {}", num(output.min), num(output.max));
        let _ = writeln!(w, "  lock-range: {}", output.lock_range);
        match mamdani {
            Some((_, aggregation)) => {
                let resolution = match output.sampling {
                    Sampling::Midpoints { intervals } => intervals,
                    Sampling::Endpoints { .. } => {
                        return Err(FllError(format!(
                            "output '{}': fuzzylite samples interval midpoints; \
                             set sampling to midpoints to write FLL",
                            output.name
                        )));
                    }
                };
                let _ = writeln!(w, "  aggregation: {}", s_norm_name(aggregation));
                let _ = writeln!(
                    w,
                    "  defuzzifier: {} {resolution}",
                    defuzzifier_name(output.defuzzifier)
                );
            }
            None => {
                let _ = writeln!(w, "  aggregation: none");
                let _ = writeln!(
                    w,
                    "  defuzzifier: {} TakagiSugeno",
                    defuzzifier_name(output.defuzzifier)
                );
            }
        }
        let _ = writeln!(w, "  default: nan");
        let _ = writeln!(w, "  lock-previous: false");
        for term in &output.terms {
            let _ = writeln!(
                w,
                "  term: {} {}",
                check_name(&term.name)?,
                term_text(&term.shape)
            );
        }
    }
    let _ = writeln!(w, "RuleBlock: rules");
    let _ = writeln!(w, "  enabled: true");
    let _ = writeln!(w, "  conjunction: {}", t_norm_name(spec.and));
    let _ = writeln!(w, "  disjunction: {}", s_norm_name(spec.or));
    let _ = writeln!(
        w,
        "  implication: {}",
        mamdani.map_or("none", |(i, _)| t_norm_name(i))
    );
    let _ = writeln!(w, "  activation: General");
    for (r, rule) in spec.rules.iter().enumerate() {
        let term = |terms: &[fuzzy_core::TermSpec], k: i32| -> Result<String, FllError> {
            terms
                .get(k.unsigned_abs() as usize - 1)
                .map(|t| t.name.clone())
                .ok_or_else(|| FllError(format!("rule {}: no term {k}", r + 1)))
        };
        let mut antecedents = Vec::new();
        for (input, &k) in spec.inputs.iter().zip(&rule.antecedent) {
            if k != 0 {
                let not = if k < 0 { "not " } else { "" };
                antecedents.push(format!("{} is {not}{}", input.name, term(&input.terms, k)?));
            }
        }
        let mut consequents = Vec::new();
        for (output, &k) in spec.outputs.iter().zip(&rule.consequent) {
            if k > 0 {
                consequents.push(format!("{} is {}", output.name, term(&output.terms, k)?));
            }
        }
        let connective = match rule.connective {
            Connective::And => " and ",
            Connective::Or => " or ",
        };
        let weight = if rule.weight == 1.0 {
            String::new()
        } else {
            format!(" with {}", num(rule.weight))
        };
        let _ = writeln!(
            w,
            "  rule: if {} then {}{weight}",
            antecedents.join(connective),
            consequents.join(" and ")
        );
    }
    Ok(out)
}
