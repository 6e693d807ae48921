//! The owned, named controller description and its compiled, owned form (feature `alloc`).
//!
//! [`ControllerSpec`] is what files hold (JSON through `serde`, and the `.fis`/`.fcl`/`.fll`
//! readers build it); [`OwnedController`] is its compiled form on the heap, which hands out a
//! borrowed [`Controller`] that evaluates with exactly the same code as a `static` one in
//! firmware.
//!
//! JSON shape (every field without a default must be present):
//! ```json
//! { "name": "pd",
//!   "inference": { "mamdani": { "implication": "minimum", "aggregation": "maximum" } },
//!   "and": "minimum", "or": "maximum",
//!   "inputs": [ { "name": "e", "min": -1, "max": 1,
//!                 "terms": [ { "name": "N", "triangle": [-1, -1, 0] }, … ] } ],
//!   "outputs": [ { "name": "u", "min": -1, "max": 1, "defuzzifier": "centroid",
//!                  "terms": [ … ] } ],
//!   "rules": [ { "if": [1, -2], "then": [1], "weight": 1.0, "connective": "and" } ] }
//! ```
//! Defaults: `and` minimum, `or` maximum, `out_of_range` clamp, `sampling`
//! `{"endpoints": {"points": 101}}`, `fallback` midpoint, `lock_range` false, rule `weight` 1,
//! `connective` and.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::controller::Controller;
use crate::def::{ControllerDef, Inference};
use crate::error::{Error, Variable};
use crate::layout::{fill_rule_slots, fill_sample_table, fill_tables, sample_len, table_len};
use crate::membership::{Membership, Term};
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Hedge, Hedged, MAX_HEDGES, Rule};
use crate::variable::{Fallback, InputVariable, OutOfRange, OutputVariable, TermRange};
use crate::{Defuzzifier, Sampling};

/// A membership function with MATLAB's parameter lists.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Shape {
    /// `[a, b, c]`
    Triangle([f32; 3]),
    /// `[a, b, c, d]`
    Trapezoid([f32; 4]),
    /// `[sigma, c]`
    Gaussian([f32; 2]),
    /// `[sigma1, c1, sigma2, c2]`
    Gaussian2([f32; 4]),
    /// `[a, b, c]`
    Bell([f32; 3]),
    /// `[a, c]`
    Sigmoid([f32; 2]),
    /// `[a1, c1, a2, c2]`
    DiffSigmoid([f32; 4]),
    /// `[a1, c1, a2, c2]`
    ProdSigmoid([f32; 4]),
    /// `[a, b]`
    SShape([f32; 2]),
    /// `[a, b]`
    ZShape([f32; 2]),
    /// `[a, b, c, d]`
    PiShape([f32; 4]),
    /// `[[x, degree], …]`
    Points(Vec<[f32; 2]>),
    /// Sugeno constant
    Constant(f32),
    /// Sugeno linear: one coefficient per input, then the constant
    Linear(Vec<f32>),
}

/// A named term: `{"name": "NB", "triangle": [-1, -1, 0]}` (one shape key beside the name).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TermSpec {
    /// term name
    pub name: String,
    /// membership function
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub shape: Shape,
}

/// The JSON keys of the shapes, in [`Shape`] order.
pub const SHAPE_KEYS: [&str; 14] = [
    "triangle",
    "trapezoid",
    "gaussian",
    "gaussian2",
    "bell",
    "sigmoid",
    "diff_sigmoid",
    "prod_sigmoid",
    "s_shape",
    "z_shape",
    "pi_shape",
    "points",
    "constant",
    "linear",
];

// Hand-written so that a misspelt shape gets an error naming the key and the allowed ones
// (serde's flattened enums only say "no variant found").
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TermSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error as _, MapAccess, Visitor};

        struct TermVisitor;

        impl<'de> Visitor<'de> for TermVisitor {
            type Value = TermSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a term: {\"name\": ..., \"<shape>\": [parameters]}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TermSpec, A::Error> {
                let mut name: Option<String> = None;
                let mut shape: Option<Shape> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "name" {
                        name = Some(map.next_value()?);
                        continue;
                    }
                    if shape.is_some() {
                        return Err(A::Error::custom(format!(
                            "term has a second shape '{key}'; one per term"
                        )));
                    }
                    shape = Some(match key.as_str() {
                        "triangle" => Shape::Triangle(map.next_value()?),
                        "trapezoid" => Shape::Trapezoid(map.next_value()?),
                        "gaussian" => Shape::Gaussian(map.next_value()?),
                        "gaussian2" => Shape::Gaussian2(map.next_value()?),
                        "bell" => Shape::Bell(map.next_value()?),
                        "sigmoid" => Shape::Sigmoid(map.next_value()?),
                        "diff_sigmoid" => Shape::DiffSigmoid(map.next_value()?),
                        "prod_sigmoid" => Shape::ProdSigmoid(map.next_value()?),
                        "s_shape" => Shape::SShape(map.next_value()?),
                        "z_shape" => Shape::ZShape(map.next_value()?),
                        "pi_shape" => Shape::PiShape(map.next_value()?),
                        "points" => Shape::Points(map.next_value()?),
                        "constant" => Shape::Constant(map.next_value()?),
                        "linear" => Shape::Linear(map.next_value()?),
                        other => return Err(A::Error::unknown_field(other, &SHAPE_KEYS)),
                    });
                }
                let name = name.ok_or_else(|| A::Error::missing_field("name"))?;
                let shape = shape.ok_or_else(|| {
                    A::Error::custom(format!(
                        "term '{name}' has no shape (one of {})",
                        SHAPE_KEYS.join(", ")
                    ))
                })?;
                Ok(TermSpec { name, shape })
            }
        }

        deserializer.deserialize_map(TermVisitor)
    }
}

/// A named input variable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InputSpec {
    /// variable name
    pub name: String,
    /// range start
    pub min: f32,
    /// range end
    pub max: f32,
    /// out-of-range policy
    #[cfg_attr(feature = "serde", serde(default))]
    pub out_of_range: OutOfRange,
    /// terms
    pub terms: Vec<TermSpec>,
}

impl InputSpec {
    /// The degree of each of the input's terms at each of `xs`, as the engine computes them
    /// (with the input's range handling): `degrees[k][t]` for `xs[k]` and term `t`. An error
    /// when the input does not compile (a term with invalid parameters, an empty range).
    /// For tools: plots, explanations, sampled complements.
    pub fn degrees(&self, xs: &[f32]) -> Result<Vec<Vec<f32>>, SpecError> {
        let probe = ControllerSpec {
            name: self.name.clone(),
            inference: Inference::Sugeno,
            and: TNorm::Minimum,
            or: SNorm::Maximum,
            inputs: alloc::vec![self.clone()],
            outputs: alloc::vec![OutputSpec {
                name: "probe".into(),
                min: 0.0,
                max: 1.0,
                defuzzifier: Defuzzifier::WeightedAverage,
                sampling: Sampling::MATLAB,
                fallback: Fallback::Midpoint,
                lock_range: false,
                terms: alloc::vec![TermSpec {
                    name: "one".into(),
                    shape: Shape::Constant(1.0),
                }],
            }],
            rules: alloc::vec![RuleSpec {
                antecedent: alloc::vec![1],
                consequent: alloc::vec![1],
                weight: 1.0,
                connective: Connective::And,
                hedges: Vec::new(),
            }],
        }
        .compile()?;
        let controller = probe.controller();
        let mut scratch = alloc::vec![0.0f32; controller.scratch_len()];
        Ok(xs
            .iter()
            .map(|x| {
                let mut degrees = alloc::vec![0.0f32; self.terms.len()];
                controller.input_degrees(&[*x], &mut scratch, &mut degrees);
                degrees
            })
            .collect())
    }
}

/// A named output variable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OutputSpec {
    /// variable name
    pub name: String,
    /// range start
    pub min: f32,
    /// range end
    pub max: f32,
    /// defuzzification method
    pub defuzzifier: Defuzzifier,
    /// sample points of Mamdani defuzzification
    #[cfg_attr(feature = "serde", serde(default = "default_sampling"))]
    pub sampling: Sampling,
    /// value when the output cannot be computed
    #[cfg_attr(feature = "serde", serde(default))]
    pub fallback: Fallback,
    /// clamp Sugeno outputs to the range
    #[cfg_attr(feature = "serde", serde(default))]
    pub lock_range: bool,
    /// terms
    pub terms: Vec<TermSpec>,
}

#[cfg(feature = "serde")]
fn default_sampling() -> Sampling {
    Sampling::MATLAB
}

/// A rule: 1-based term numbers per input (`if`, negative = NOT, 0 = unused) and per output
/// (`then`, 0 = not concluded).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleSpec {
    /// antecedent term numbers, one per input
    #[cfg_attr(feature = "serde", serde(rename = "if"))]
    pub antecedent: Vec<i32>,
    /// consequent term numbers, one per output
    #[cfg_attr(feature = "serde", serde(rename = "then"))]
    pub consequent: Vec<i32>,
    /// weight in [0, 1]
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub weight: f32,
    /// AND or OR
    #[cfg_attr(feature = "serde", serde(default))]
    pub connective: Connective,
    /// hedges per input, in written order (`[["very"], [], ["not", "somewhat"]]`); empty
    /// when no antecedent has any (see [`Hedged`]: a negative term number puts NOT outside
    /// them, a term number 0 with `any` innermost is `x IS any`)
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub hedges: Vec<Vec<Hedge>>,
}

#[cfg(feature = "serde")]
fn one() -> f32 {
    1.0
}

#[cfg(feature = "serde")]
fn default_and() -> TNorm {
    TNorm::Minimum
}

#[cfg(feature = "serde")]
fn default_or() -> SNorm {
    SNorm::Maximum
}

/// A complete, named controller description.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ControllerSpec {
    /// controller name
    pub name: String,
    /// Mamdani (with implication and aggregation) or Sugeno
    pub inference: Inference,
    /// AND T-norm
    #[cfg_attr(feature = "serde", serde(default = "default_and"))]
    pub and: TNorm,
    /// OR S-norm
    #[cfg_attr(feature = "serde", serde(default = "default_or"))]
    pub or: SNorm,
    /// inputs
    pub inputs: Vec<InputSpec>,
    /// outputs
    pub outputs: Vec<OutputSpec>,
    /// rules
    pub rules: Vec<RuleSpec>,
}

/// A rejected [`ControllerSpec`], with the names of the offending items.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecError {
    /// the engine's error, when the engine found it
    pub error: Option<Error>,
    /// message naming the controller, variable, term or rule
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SpecError {}

/// A compiled controller that owns its tables.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedController {
    spec: ControllerSpec,
    inference: Inference,
    and: TNorm,
    or: SNorm,
    inputs: Vec<InputVariable>,
    outputs: Vec<OutputVariable>,
    terms: Vec<Term>,
    params: Vec<f32>,
    rules: Vec<Rule>,
    rule_terms: Vec<i8>,
    hedged: Vec<Hedged>,
    rule_slots: Vec<u16>,
    samples: Vec<f32>,
    tables: Vec<f32>,
}

fn to_u16(value: usize) -> Result<u16, SpecError> {
    u16::try_from(value).map_err(|_| SpecError {
        error: Some(Error::TooManyTerms),
        message: "term list or parameter pool longer than 65535".to_string(),
    })
}

/// Appends `values` to the pool and returns their offset.
fn pool(params: &mut Vec<f32>, values: impl IntoIterator<Item = f32>) -> Result<u16, SpecError> {
    let offset = to_u16(params.len())?;
    params.extend(values);
    Ok(offset)
}

fn compile_term(shape: &Shape, params: &mut Vec<f32>) -> Result<Term, SpecError> {
    let m = match *shape {
        Shape::Triangle([a, b, c]) => Membership::Triangle { a, b, c },
        Shape::Trapezoid([a, b, c, d]) => Membership::Trapezoid { a, b, c, d },
        Shape::Gaussian([sigma, c]) => Membership::Gaussian { sigma, c },
        Shape::Gaussian2([sigma1, c1, sigma2, c2]) => Membership::Gaussian2 {
            sigma1,
            c1,
            sigma2,
            c2,
        },
        Shape::Bell([a, b, c]) => Membership::Bell { a, b, c },
        Shape::Sigmoid([a, c]) => Membership::Sigmoid { a, c },
        Shape::DiffSigmoid([a1, c1, a2, c2]) => Membership::DiffSigmoid { a1, c1, a2, c2 },
        Shape::ProdSigmoid([a1, c1, a2, c2]) => Membership::ProdSigmoid { a1, c1, a2, c2 },
        Shape::SShape([a, b]) => Membership::SShape { a, b },
        Shape::ZShape([a, b]) => Membership::ZShape { a, b },
        Shape::PiShape([a, b, c, d]) => Membership::PiShape { a, b, c, d },
        Shape::Points(ref points) => {
            let count = to_u16(points.len())?;
            let offset = pool(params, points.iter().flat_map(|p| *p))?;
            Membership::Points { offset, count }
        }
        Shape::Constant(value) => Membership::Constant { value },
        Shape::Linear(ref coefficients) => Membership::Linear {
            offset: pool(params, coefficients.iter().copied())?,
        },
    };
    Ok(Term::new(m))
}

impl Shape {
    /// The shape of a compiled term; `params` is the controller's pool and `inputs` its
    /// input count (the length of a linear term is `inputs + 1`).
    pub fn from_term(term: &Term, params: &[f32], inputs: usize) -> Shape {
        let slice = |offset: u16, len: usize| -> Vec<f32> {
            params
                .get(offset as usize..offset as usize + len)
                .unwrap_or(&[])
                .to_vec()
        };
        match term.description() {
            Membership::Triangle { a, b, c } => Shape::Triangle([a, b, c]),
            Membership::Trapezoid { a, b, c, d } => Shape::Trapezoid([a, b, c, d]),
            Membership::Gaussian { sigma, c } => Shape::Gaussian([sigma, c]),
            Membership::Gaussian2 {
                sigma1,
                c1,
                sigma2,
                c2,
            } => Shape::Gaussian2([sigma1, c1, sigma2, c2]),
            Membership::Bell { a, b, c } => Shape::Bell([a, b, c]),
            Membership::Sigmoid { a, c } => Shape::Sigmoid([a, c]),
            Membership::DiffSigmoid { a1, c1, a2, c2 } => Shape::DiffSigmoid([a1, c1, a2, c2]),
            Membership::ProdSigmoid { a1, c1, a2, c2 } => Shape::ProdSigmoid([a1, c1, a2, c2]),
            Membership::SShape { a, b } => Shape::SShape([a, b]),
            Membership::ZShape { a, b } => Shape::ZShape([a, b]),
            Membership::PiShape { a, b, c, d } => Shape::PiShape([a, b, c, d]),
            Membership::Points { offset, count } => Shape::Points(
                slice(offset, 2 * count as usize)
                    .chunks_exact(2)
                    .map(|p| [p[0], p[1]])
                    .collect(),
            ),
            Membership::Constant { value } => Shape::Constant(value),
            Membership::Linear { offset } => Shape::Linear(slice(offset, inputs + 1)),
        }
    }
}

impl ControllerSpec {
    /// The description of a validated controller, with generated names: inputs `in1`…,
    /// outputs `out1`…, terms `mf1`… per variable. Compiling it gives back an equal
    /// controller.
    pub fn from_controller(name: &str, controller: &Controller<'_>) -> ControllerSpec {
        let def = controller.def();
        let terms = |range: TermRange| -> Vec<TermSpec> {
            def.terms
                .get(range.start as usize..range.end())
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(t, term)| TermSpec {
                    name: format!("mf{}", t + 1),
                    shape: Shape::from_term(term, def.params, def.inputs.len()),
                })
                .collect()
        };
        let stride = def.inputs.len() + def.outputs.len();
        ControllerSpec {
            name: name.to_string(),
            inference: def.inference,
            and: def.and,
            or: def.or,
            inputs: def
                .inputs
                .iter()
                .enumerate()
                .map(|(i, v)| InputSpec {
                    name: format!("in{}", i + 1),
                    min: v.min,
                    max: v.max,
                    out_of_range: v.out_of_range,
                    terms: terms(v.terms),
                })
                .collect(),
            outputs: def
                .outputs
                .iter()
                .enumerate()
                .map(|(o, v)| OutputSpec {
                    name: format!("out{}", o + 1),
                    min: v.min,
                    max: v.max,
                    defuzzifier: v.defuzzifier,
                    sampling: v.sampling,
                    fallback: v.fallback,
                    lock_range: v.lock_range,
                    terms: terms(v.terms),
                })
                .collect(),
            rules: def
                .rules
                .iter()
                .zip(def.rule_terms.chunks_exact(stride.max(1)))
                .enumerate()
                .map(|(r, (rule, row))| {
                    let (antecedent, consequent) = row.split_at(def.inputs.len());
                    let mut hedges: Vec<Vec<Hedge>> = alloc::vec![Vec::new(); def.inputs.len()];
                    for entry in def.hedged.iter().filter(|e| e.rule as usize == r) {
                        if let Some(list) = hedges.get_mut(entry.input as usize) {
                            *list = entry.chain().to_vec();
                        }
                    }
                    if hedges.iter().all(Vec::is_empty) {
                        hedges.clear();
                    }
                    RuleSpec {
                        antecedent: antecedent.iter().map(|&k| i32::from(k)).collect(),
                        consequent: consequent.iter().map(|&k| i32::from(k)).collect(),
                        weight: rule.weight,
                        connective: rule.connective,
                        hedges,
                    }
                })
                .collect(),
        }
    }

    /// The display name of a variable.
    fn variable_name(&self, v: Variable) -> String {
        let name = match v {
            Variable::Input(i) => self.inputs.get(i as usize).map(|x| x.name.as_str()),
            Variable::Output(o) => self.outputs.get(o as usize).map(|x| x.name.as_str()),
        };
        let kind = if matches!(v, Variable::Input(_)) {
            "input"
        } else {
            "output"
        };
        match name {
            Some(n) => format!("{kind} '{n}'"),
            None => v.to_string(),
        }
    }

    fn term_name(&self, v: Variable, term: u16) -> String {
        let terms = match v {
            Variable::Input(i) => self.inputs.get(i as usize).map(|x| &x.terms),
            Variable::Output(o) => self.outputs.get(o as usize).map(|x| &x.terms),
        };
        match terms.and_then(|t| t.get(term as usize)) {
            Some(t) => format!("term '{}'", t.name),
            None => format!("term {}", term + 1),
        }
    }

    /// Turns an engine error into a message with this spec's names.
    pub fn describe(&self, error: Error) -> SpecError {
        let detail = error.to_string();
        let message = match error {
            Error::TermCount(v)
            | Error::InvalidRange(v)
            | Error::TermsOutOfList(v)
            | Error::DefuzzifierMismatch(v)
            | Error::Resolution(v)
            | Error::FallbackOutOfRange(v) => {
                let name = self.variable_name(v);
                format!(
                    "{name}: {}",
                    detail.split_once(": ").map_or(detail.as_str(), |(_, d)| d)
                )
            }
            Error::NonFiniteParameter { variable, term }
            | Error::InvalidParameters { variable, term }
            | Error::WrongTermKind { variable, term } => {
                let what = detail.split_once(": ").map_or(detail.as_str(), |(_, d)| d);
                format!(
                    "{}, {}: {what}",
                    self.variable_name(variable),
                    self.term_name(variable, term)
                )
            }
            Error::RuleTerm { rule, variable }
            | Error::NegatedConsequent { rule, variable }
            | Error::Hedge { rule, variable } => {
                let what = detail.split_once(": ").map_or(detail.as_str(), |(_, d)| d);
                let what = what.replace(&variable.to_string(), &self.variable_name(variable));
                format!("rule {}: {what}", rule + 1)
            }
            _ => detail,
        };
        SpecError {
            error: Some(error),
            message: format!("controller '{}': {message}", self.name),
        }
    }

    fn error(&self, message: String) -> SpecError {
        SpecError {
            error: None,
            message: format!("controller '{}': {message}", self.name),
        }
    }

    /// The rules' hedges as the engine's list (column order), or an error naming the rule
    /// whose `hedges` does not have one list per input or more than [`MAX_HEDGES`] hedges
    /// on one input. The engine checks the rest (powers, `any`).
    fn hedged(&self, inputs: usize) -> Result<Vec<Hedged>, SpecError> {
        let mut hedged = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            if !rule.hedges.is_empty() && rule.hedges.len() != inputs {
                return Err(self.error(format!(
                    "rule {}: 'hedges' has {} lists, expected {inputs} (one per input, [] for none)",
                    r + 1,
                    rule.hedges.len()
                )));
            }
            for (v, list) in rule.hedges.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
                let input = self.variable_name(Variable::Input(v as u8));
                if list.len() > MAX_HEDGES {
                    return Err(self.error(format!(
                        "rule {}: {input} has {} hedges, at most {MAX_HEDGES} are allowed",
                        r + 1,
                        list.len()
                    )));
                }
                let mut hedges = [Hedge::Any; MAX_HEDGES];
                hedges[..list.len()].copy_from_slice(list);
                hedged.push(Hedged {
                    rule: u16::try_from(r).unwrap_or(u16::MAX),
                    input: v as u8,
                    count: list.len() as u8,
                    hedges,
                });
            }
        }
        hedged.sort_by_key(|h| (h.input, h.rule));
        Ok(hedged)
    }

    /// Validates and compiles the description.
    pub fn compile(&self) -> Result<OwnedController, SpecError> {
        let mut terms = Vec::new();
        let mut params = Vec::new();
        let mut range = |specs: &[TermSpec], terms: &mut Vec<Term>| -> Result<TermRange, SpecError> {
            let start = to_u16(terms.len())?;
            for t in specs {
                terms.push(compile_term(&t.shape, &mut params)?);
            }
            Ok(TermRange::new(start, to_u16(specs.len())?))
        };
        let mut inputs = Vec::with_capacity(self.inputs.len());
        for input in &self.inputs {
            inputs.push(InputVariable {
                min: input.min,
                max: input.max,
                terms: range(&input.terms, &mut terms)?,
                out_of_range: input.out_of_range,
            });
        }
        let mut outputs = Vec::with_capacity(self.outputs.len());
        for output in &self.outputs {
            outputs.push(OutputVariable {
                min: output.min,
                max: output.max,
                terms: range(&output.terms, &mut terms)?,
                defuzzifier: output.defuzzifier,
                sampling: output.sampling,
                fallback: output.fallback,
                lock_range: output.lock_range,
            });
        }
        let mut rules = Vec::with_capacity(self.rules.len());
        let mut rule_terms = Vec::with_capacity(self.rules.len() * (inputs.len() + outputs.len()));
        for (r, rule) in self.rules.iter().enumerate() {
            for (what, got, want) in [
                ("if", rule.antecedent.len(), inputs.len()),
                ("then", rule.consequent.len(), outputs.len()),
            ] {
                if got != want {
                    return Err(self.error(format!(
                        "rule {}: '{what}' has {got} entries, expected {want} (one per {})",
                        r + 1,
                        if what == "if" { "input" } else { "output" }
                    )));
                }
            }
            for (v, &k) in rule.antecedent.iter().chain(&rule.consequent).enumerate() {
                let k = i8::try_from(k).map_err(|_| {
                    let variable = if v < inputs.len() {
                        Variable::Input(v as u8)
                    } else {
                        Variable::Output((v - inputs.len()) as u8)
                    };
                    self.error(format!(
                        "rule {}: {} has no term {k}",
                        r + 1,
                        self.variable_name(variable)
                    ))
                })?;
                rule_terms.push(k);
            }
            rules.push(Rule {
                weight: rule.weight,
                connective: rule.connective,
            });
        }
        let hedged = self.hedged(inputs.len())?;
        let mut rule_slots = alloc::vec![0u16; rule_terms.len()];
        fill_rule_slots(
            &mut rule_slots,
            &inputs,
            &outputs,
            terms.len(),
            &rules,
            &rule_terms,
            &hedged,
        );
        let mamdani = matches!(self.inference, Inference::Mamdani { .. });
        let mut samples = Vec::new();
        if mamdani {
            samples.resize(sample_len(&outputs, &terms, &params), 0.0);
            fill_sample_table(&mut samples, &outputs, &terms, &params);
        }
        let mut tables =
            alloc::vec![0.0f32; table_len(self.inference, &inputs, outputs.len(), &terms, rules.len())];
        fill_tables(
            &mut tables,
            self.inference,
            &inputs,
            &outputs,
            &terms,
            &rule_terms,
        );
        let owned = OwnedController {
            spec: self.clone(),
            inference: self.inference,
            and: self.and,
            or: self.or,
            inputs,
            outputs,
            terms,
            params,
            rules,
            rule_terms,
            hedged,
            rule_slots,
            samples,
            tables,
        };
        match Controller::new(owned.def()) {
            Ok(_) => Ok(owned),
            Err(e) => Err(self.describe(e)),
        }
    }
}

impl OwnedController {
    fn def(&self) -> ControllerDef<'_> {
        ControllerDef {
            inference: self.inference,
            and: self.and,
            or: self.or,
            inputs: &self.inputs,
            outputs: &self.outputs,
            terms: &self.terms,
            params: &self.params,
            rules: &self.rules,
            rule_terms: &self.rule_terms,
            hedged: &self.hedged,
            rule_slots: &self.rule_slots,
            samples: &self.samples,
            tables: &self.tables,
        }
    }

    /// The controller, ready to evaluate (validated when this value was compiled).
    pub fn controller(&self) -> Controller<'_> {
        Controller::from_validated(self.def())
    }

    /// The description it was compiled from.
    pub fn spec(&self) -> &ControllerSpec {
        &self.spec
    }

    /// Evaluates with freshly allocated buffers (a held fallback holds the range midpoint).
    /// Convenience for tools and tests; loops should keep their buffers and call
    /// [`Controller::evaluate`].
    pub fn evaluate(&self, inputs: &[f32]) -> (Vec<f32>, crate::Status) {
        let controller = self.controller();
        let mut scratch = alloc::vec![0.0; controller.scratch_len()];
        let mut outputs: Vec<f32> = self.outputs.iter().map(OutputVariable::midpoint).collect();
        let status = controller.evaluate(inputs, &mut scratch, &mut outputs);
        (outputs, status)
    }
}
