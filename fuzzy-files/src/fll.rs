//! Reading and writing fuzzylite 6 FLL files.
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
//!
//! One module holds both directions of the format (over 700 lines): the writer must emit
//! exactly what the reader accepts, and the round-trip tests read both side by side.

use core::fmt::Write as _;

use super::text::{
    Cursor, ParseError, RuleWords, check_names, check_names_located, is_identifier, parse_number, parse_rule,
    rule_text, tokenize,
};

use fuzzy_core::{
    Connective, ControllerSpec, Defuzzifier, Inference, InputSpec, OutOfRange, OutputSpec, SNorm, Sampling,
    Shape, TNorm, TermSpec,
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
        // Written as a by-value method (`crate::by_value`); not a fuzzylite name.
        Defuzzifier::SmallestOfMaximumMagnitude => "SmallestOfMaximumMagnitude",
        Defuzzifier::LargestOfMaximumMagnitude => "LargestOfMaximumMagnitude",
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
    if is_identifier(name) {
        Ok(name)
    } else {
        Err(FllError(format!(
            "name '{name}' is not an FLL identifier (letters, digits, '_')"
        )))
    }
}

/// Words the FLL rule grammar reserves (fuzzylite's rule keywords and hedges; `none` is a
/// value of some keys, not a rule word, and fuzzylite accepts it as a term name).
pub(crate) const KEYWORDS: &[&str] = &[
    "if",
    "is",
    "and",
    "or",
    "then",
    "with",
    "not",
    "very",
    "somewhat",
    "seldom",
    "extremely",
    "any",
];

/// The controller as FLL text.
pub fn write(spec: &ControllerSpec) -> Result<String, FllError> {
    check_names(spec, KEYWORDS).map_err(FllError)?;
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
        let defuzzifier = crate::by_value(output).map_err(FllError)?;
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
                let _ = writeln!(w, "  defuzzifier: {} {resolution}", defuzzifier_name(defuzzifier));
            }
            None => {
                let _ = writeln!(w, "  aggregation: none");
                let _ = writeln!(w, "  defuzzifier: {} TakagiSugeno", defuzzifier_name(defuzzifier));
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
        let text = rule_text(
            rule,
            &spec.inputs,
            &spec.outputs,
            ["if", "is", "not", "and", "or", "then", "with"],
            " and ",
            num,
        )
        .map_err(|e| FllError(format!("rule {}: {e}", r + 1)))?;
        let _ = writeln!(w, "  rule: {text}");
    }
    Ok(out)
}

fn t_norm_named(name: &str) -> Option<TNorm> {
    TNorm::ALL.into_iter().find(|n| t_norm_name(*n) == name)
}

fn s_norm_named(name: &str) -> Option<SNorm> {
    SNorm::ALL.into_iter().find(|n| s_norm_name(*n) == name)
}

fn defuzzifier_named(name: &str) -> Option<Defuzzifier> {
    [
        Defuzzifier::Centroid,
        Defuzzifier::Bisector,
        Defuzzifier::MeanOfMaximum,
        Defuzzifier::SmallestOfMaximum,
        Defuzzifier::LargestOfMaximum,
        Defuzzifier::WeightedAverage,
        Defuzzifier::WeightedSum,
    ]
    .into_iter()
    .find(|d| defuzzifier_name(*d) == name)
}

/// One `key: value` line: the value's words with their columns.
struct Line<'t> {
    number: usize,
    key: &'t str,
    key_column: usize,
    value_column: usize,
    value: &'t str,
}

impl Line<'_> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.number,
            column: self.key_column,
            message: message.into(),
        }
    }

    /// The value's whitespace-separated words with their 1-based columns.
    fn words(&self) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut column = self.value_column;
        let mut rest = self.value;
        while !rest.is_empty() {
            let trimmed = rest.trim_start();
            column += rest[..rest.len() - trimmed.len()].chars().count();
            if trimmed.is_empty() {
                break;
            }
            let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            out.push((column, &trimmed[..end]));
            column += trimmed[..end].chars().count();
            rest = &trimmed[end..];
        }
        out
    }

    fn word_error(&self, column: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.number,
            column,
            message: message.into(),
        }
    }

    fn flag(&self) -> Result<bool, ParseError> {
        match self.value {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(self.word_error(
                self.value_column,
                format!("{}: expected true or false, found '{other}'", self.key),
            )),
        }
    }

    fn range(&self) -> Result<(f32, f32), ParseError> {
        match self.words().as_slice() {
            [(c1, a), (c2, b)] => {
                let number = |c: usize, w: &str| {
                    parse_number(w).ok_or_else(|| {
                        self.word_error(c, format!("range: expected a finite number, found '{w}'"))
                    })
                };
                Ok((number(*c1, a)?, number(*c2, b)?))
            }
            _ => Err(self.error("range: expected two numbers, 'range: MIN MAX'")),
        }
    }
}

/// Splits a line into `key: value` (comments after `#` removed); `None` for blank lines.
fn split_line(number: usize, raw: &str) -> Result<Option<Line<'_>>, ParseError> {
    let text = raw.split('#').next().unwrap_or("");
    let trimmed = text.trim_start();
    if trimmed.trim().is_empty() {
        return Ok(None);
    }
    let key_column = text[..text.len() - trimmed.len()].chars().count() + 1;
    let Some(colon) = trimmed.find(':') else {
        return Err(ParseError {
            line: number,
            column: key_column,
            message: format!("expected 'key: value', found '{}'", trimmed.trim()),
        });
    };
    let key = trimmed[..colon].trim();
    let after = &trimmed[colon + 1..];
    let value = after.trim();
    let value_column =
        key_column + trimmed[..colon + 1].chars().count() + (after.len() - after.trim_start().len());
    Ok(Some(Line {
        number,
        key,
        key_column,
        value_column,
        value,
    }))
}

/// A term line's shape: fuzzylite's parameter order mapped back to MATLAB's (see the module
/// docs). `inputs` is the number of input variables (a `Linear` term has one coefficient
/// per input and a constant).
fn shape_of(line: &Line<'_>, words: &[(usize, &str)], inputs: usize) -> Result<Shape, ParseError> {
    let Some(&(_, kind)) = words.first() else {
        return Err(line.error("term: expected 'term: NAME TYPE PARAMETERS'"));
    };
    let mut params = Vec::new();
    for &(c, w) in &words[1..] {
        params.push(parse_number(w).ok_or_else(|| {
            line.word_error(
                c,
                format!("term parameter: expected a finite number, found '{w}'"),
            )
        })?);
    }
    fuzzylite_shape(kind, params, inputs)
        .map_err(|(word, message)| line.word_error(words.get(word).map_or(words[0].0, |w| w.0), message))
}

/// fuzzylite's term `kind` (`Triangle`, `Gaussian`, …) with its `params` in fuzzylite's
/// order, as a shape in MATLAB's order (see the module docs); shared with the FCL reader,
/// which reads fuzzylite's FCL exports. `inputs` is the number of input variables (a
/// `Linear` term has one coefficient per input and a constant). An error names the word
/// to blame (0 = the kind, `k` = parameter `k`) and what is wrong.
pub(crate) fn fuzzylite_shape(kind: &str, params: Vec<f32>, inputs: usize) -> Result<Shape, (usize, String)> {
    // Shapes with a fixed count may carry fuzzylite's optional height as one more number;
    // only height 1 has a meaning in the engine.
    let fixed = |n: usize| -> Result<Vec<f32>, (usize, String)> {
        match params.len() {
            k if k == n => Ok(params.clone()),
            k if k == n + 1 && params[n] == 1.0 => Ok(params[..n].to_vec()),
            k if k == n + 1 => Err((
                n + 1,
                format!("{kind}: height {} is not supported (only 1)", params[n]),
            )),
            k => Err((
                0,
                format!("{kind} takes {n} parameters (and an optional height of 1), found {k}"),
            )),
        }
    };
    let p4 = |v: Vec<f32>| [v[0], v[1], v[2], v[3]];
    Ok(match kind {
        "Triangle" => {
            let p = fixed(3)?;
            Shape::Triangle([p[0], p[1], p[2]])
        }
        "Trapezoid" => Shape::Trapezoid(p4(fixed(4)?)),
        "Gaussian" => {
            let p = fixed(2)?;
            Shape::Gaussian([p[1], p[0]])
        }
        "GaussianProduct" => {
            let p = fixed(4)?;
            Shape::Gaussian2([p[1], p[0], p[3], p[2]])
        }
        "Bell" => {
            let p = fixed(3)?;
            Shape::Bell([p[1], p[2], p[0]])
        }
        "Sigmoid" => {
            let p = fixed(2)?;
            Shape::Sigmoid([p[1], p[0]])
        }
        "SigmoidDifference" => {
            let p = fixed(4)?;
            Shape::DiffSigmoid([p[1], p[0], p[2], p[3]])
        }
        "SigmoidProduct" => {
            let p = fixed(4)?;
            Shape::ProdSigmoid([p[1], p[0], p[2], p[3]])
        }
        "SShape" => {
            let p = fixed(2)?;
            Shape::SShape([p[0], p[1]])
        }
        "ZShape" => {
            let p = fixed(2)?;
            Shape::ZShape([p[0], p[1]])
        }
        "PiShape" => Shape::PiShape(p4(fixed(4)?)),
        "Constant" => Shape::Constant(fixed(1)?[0]),
        "Linear" => {
            if params.len() != inputs + 1 {
                return Err((
                    0,
                    format!(
                        "Linear takes one coefficient per input ({inputs}) and a constant, found {} numbers",
                        params.len()
                    ),
                ));
            }
            Shape::Linear(params)
        }
        "Discrete" => {
            let pairs = if params.len() % 2 == 1 {
                if params[params.len() - 1] != 1.0 {
                    return Err((params.len(), "Discrete: height is not supported (only 1)".into()));
                }
                &params[..params.len() - 1]
            } else {
                &params[..]
            };
            // One pair is a constant, as in fuzzylite and the engine.
            if pairs.len() < 2 {
                return Err((0, "Discrete needs at least one x y pair".into()));
            }
            Shape::Points(pairs.chunks_exact(2).map(|p| [p[0], p[1]]).collect())
        }
        other => {
            return Err((
                0,
                format!(
                    "term type '{other}' is not supported (supported: Triangle, Trapezoid, Gaussian, \
                     GaussianProduct, Bell, Sigmoid, SigmoidDifference, SigmoidProduct, SShape, ZShape, \
                     PiShape, Discrete, Constant, Linear)"
                ),
            ));
        }
    })
}

/// fuzzylite's term kinds that [`fuzzylite_shape`] reads.
pub(crate) const FUZZYLITE_TERMS: [&str; 14] = [
    "Triangle",
    "Trapezoid",
    "Gaussian",
    "GaussianProduct",
    "Bell",
    "Sigmoid",
    "SigmoidDifference",
    "SigmoidProduct",
    "SShape",
    "ZShape",
    "PiShape",
    "Discrete",
    "Constant",
    "Linear",
];

fn term_of(line: &Line<'_>, inputs: usize) -> Result<TermSpec, ParseError> {
    let words = line.words();
    let Some(&(name_column, name)) = words.first() else {
        return Err(line.error("term: expected 'term: NAME TYPE PARAMETERS'"));
    };
    if !is_identifier(name) {
        return Err(line.word_error(name_column, format!("term name '{name}' is not an identifier")));
    }
    Ok(TermSpec {
        name: name.to_string(),
        shape: shape_of(line, &words[1..], inputs)?,
    })
}

/// What an output line set, before inference is known.
struct OutputDraft {
    spec: OutputSpec,
    line: usize,
    aggregation: Option<(SNorm, usize)>,
    resolution: Option<u16>,
    default: Option<f32>,
    lock_previous: bool,
}

enum Section {
    None,
    Engine,
    Input,
    Output,
    Rules,
}

/// Reads fuzzylite 6 FLL text (fuzzylite 5's `accumulation` is read as `aggregation`, its
/// `activation: <T-norm>` as `implication`).
///
/// Mapping (see also the module docs): input `lock-range: true` clamps, `false` (fuzzylite's
/// default) evaluates the terms at the value; output `default: nan` is the range-midpoint
/// fallback (the engine never returns NaN; it flags the case), a number is that fallback,
/// `lock-previous: true` holds the last output; Mamdani outputs sample the midpoints of
/// `resolution` intervals (fuzzylite's rule, default 100). Outputs defuzzified by
/// `WeightedAverage`/`WeightedSum` make a Sugeno controller, the integral defuzzifiers a
/// Mamdani one. Anything the engine cannot do exactly — hedges, other term types, term
/// heights other than 1, activation methods other than `General`, several rule blocks,
/// disabled variables, per-output aggregations that differ — is an error at its line and
/// column.
pub fn read(text: &str) -> Result<ControllerSpec, ParseError> {
    let mut name = String::from("controller");
    let mut inputs: Vec<InputSpec> = Vec::new();
    let mut outputs: Vec<OutputDraft> = Vec::new();
    let mut section = Section::None;
    let mut rule_block: Option<usize> = None;
    let (mut conjunction, mut disjunction, mut implication) = (None, None, None);
    let mut rules: Vec<(usize, usize, &str)> = Vec::new();
    let mut last_line = 0;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        last_line = number;
        let Some(line) = split_line(number, raw)? else {
            continue;
        };
        let value = line.value;
        match line.key {
            "Engine" => {
                section = Section::Engine;
                if !value.is_empty() {
                    name = value.to_string();
                }
                continue;
            }
            "InputVariable" => {
                section = Section::Input;
                inputs.push(InputSpec {
                    name: variable_name(&line)?,
                    min: 0.0,
                    max: 1.0,
                    out_of_range: OutOfRange::Extend,
                    terms: Vec::new(),
                });
                continue;
            }
            "OutputVariable" => {
                section = Section::Output;
                outputs.push(OutputDraft {
                    spec: OutputSpec {
                        name: variable_name(&line)?,
                        min: 0.0,
                        max: 1.0,
                        defuzzifier: Defuzzifier::Centroid,
                        sampling: Sampling::FUZZYLITE,
                        fallback: fuzzy_core::Fallback::Midpoint,
                        lock_range: false,
                        terms: Vec::new(),
                    },
                    line: number,
                    aggregation: None,
                    resolution: None,
                    default: None,
                    lock_previous: false,
                });
                continue;
            }
            "RuleBlock" => {
                if rule_block.is_some() {
                    return Err(line.error("a second RuleBlock: the engine has one rule base"));
                }
                rule_block = Some(number);
                section = Section::Rules;
                continue;
            }
            "description" => continue,
            _ => {}
        }
        let unknown = |line: &Line<'_>, what: &str| {
            Err(line.error(format!(
                "unknown or unsupported property '{}' of {what}",
                line.key
            )))
        };
        match section {
            Section::None | Section::Engine => return unknown(&line, "the engine"),
            Section::Input => {
                let input = inputs.last_mut().ok_or_else(|| line.error("no input variable"))?;
                match line.key {
                    "enabled" => require_enabled(&line)?,
                    "range" => (input.min, input.max) = line.range()?,
                    "lock-range" => {
                        input.out_of_range = if line.flag()? {
                            OutOfRange::Clamp
                        } else {
                            OutOfRange::Extend
                        }
                    }
                    "term" => {
                        let count = inputs.len();
                        let term = term_of(&line, count)?;
                        if let Some(input) = inputs.last_mut() {
                            input.terms.push(term);
                        }
                    }
                    _ => return unknown(&line, "an input variable"),
                }
            }
            Section::Output => {
                let count = inputs.len();
                let draft = outputs
                    .last_mut()
                    .ok_or_else(|| line.error("no output variable"))?;
                match line.key {
                    "enabled" => require_enabled(&line)?,
                    "range" => (draft.spec.min, draft.spec.max) = line.range()?,
                    "lock-range" => draft.spec.lock_range = line.flag()?,
                    "lock-previous" => draft.lock_previous = line.flag()?,
                    "aggregation" | "accumulation" => {
                        if value != "none" && !value.is_empty() {
                            let norm = s_norm_named(value).ok_or_else(|| {
                                line.word_error(
                                    line.value_column,
                                    format!("unknown aggregation '{value}' (an S-norm: Maximum, AlgebraicSum, ...)"),
                                )
                            })?;
                            draft.aggregation = Some((norm, number));
                        }
                    }
                    "defuzzifier" => {
                        let words = line.words();
                        let Some(&(c, kind)) = words.first() else {
                            return Err(line.error("defuzzifier: expected a name"));
                        };
                        draft.spec.defuzzifier = defuzzifier_named(kind).ok_or_else(|| {
                            line.word_error(
                                c,
                                format!(
                                    "defuzzifier '{kind}' is not supported (Centroid, Bisector, MeanOfMaximum, \
                                     SmallestOfMaximum, LargestOfMaximum, WeightedAverage, WeightedSum)"
                                ),
                            )
                        })?;
                        if let Some(&(c, arg)) = words.get(1) {
                            match arg {
                                "TakagiSugeno" | "Automatic" => {}
                                "Tsukamoto" => {
                                    return Err(line.word_error(c, "Tsukamoto inference is not supported"));
                                }
                                _ => {
                                    draft.resolution = Some(
                                        arg.parse::<u16>().ok().filter(|r| *r >= 1).ok_or_else(|| {
                                            line.word_error(
                                                c,
                                                format!("resolution: expected 1 to 65535, found '{arg}'"),
                                            )
                                        })?,
                                    )
                                }
                            }
                        }
                    }
                    "default" => {
                        draft.default = match value {
                            "nan" | "NaN" => None,
                            _ => Some(parse_number(value).ok_or_else(|| {
                                line.word_error(
                                    line.value_column,
                                    format!("default: expected nan or a finite number, found '{value}'"),
                                )
                            })?),
                        }
                    }
                    "term" => {
                        let term = term_of(&line, count)?;
                        draft.spec.terms.push(term);
                    }
                    _ => return unknown(&line, "an output variable"),
                }
            }
            Section::Rules => match line.key {
                "enabled" => require_enabled(&line)?,
                "conjunction" => conjunction = norm_setting(&line, t_norm_named, "T-norm")?,
                "disjunction" => disjunction = norm_setting(&line, s_norm_named, "S-norm")?,
                "implication" => implication = norm_setting(&line, t_norm_named, "T-norm")?,
                // fuzzylite 5 named the implication T-norm `activation`; fuzzylite 6 reads
                // such a line as `implication` (with a warning), and so does this reader.
                "activation" if t_norm_named(value).is_some() => {
                    implication = norm_setting(&line, t_norm_named, "T-norm")?;
                }
                "activation" => {
                    if !matches!(value, "General" | "" | "none") {
                        return Err(line.word_error(
                            line.value_column,
                            format!("activation '{value}' is not supported (only General: every rule fires)"),
                        ));
                    }
                }
                "rule" => rules.push((number, line.value_column, value)),
                _ => return unknown(&line, "a rule block"),
            },
        }
    }
    let sugeno = outputs.iter().all(|o| {
        matches!(
            o.spec.defuzzifier,
            Defuzzifier::WeightedAverage | Defuzzifier::WeightedSum
        )
    });
    let mamdani = outputs.iter().all(|o| {
        !matches!(
            o.spec.defuzzifier,
            Defuzzifier::WeightedAverage | Defuzzifier::WeightedSum
        )
    });
    let at = |line: usize, message: String| ParseError {
        line,
        column: 1,
        message,
    };
    let inference = if outputs.is_empty() || (sugeno && !mamdani) {
        Inference::Sugeno
    } else if mamdani {
        let first = outputs.first().map_or(1, |o| o.line);
        let aggregation = match outputs[0].aggregation {
            Some((a, _)) => a,
            None => {
                return Err(at(
                    first,
                    format!(
                        "output '{}': a Mamdani output needs an aggregation",
                        outputs[0].spec.name
                    ),
                ));
            }
        };
        for o in &outputs {
            match o.aggregation {
                Some((a, _)) if a == aggregation => {}
                Some((_, line)) => {
                    return Err(at(
                        line,
                        format!(
                            "output '{}': aggregation differs from the first output's; the engine has one aggregation",
                            o.spec.name
                        ),
                    ));
                }
                None => {
                    return Err(at(
                        o.line,
                        format!("output '{}': a Mamdani output needs an aggregation", o.spec.name),
                    ));
                }
            }
        }
        let implication = implication.ok_or_else(|| {
            at(
                rule_block.unwrap_or(last_line),
                "a Mamdani rule block needs an implication".to_string(),
            )
        })?;
        Inference::Mamdani {
            implication,
            aggregation,
        }
    } else {
        return Err(at(
            outputs[0].line,
            "outputs mix Sugeno (WeightedAverage/WeightedSum) and Mamdani defuzzifiers".to_string(),
        ));
    };
    let outputs: Vec<OutputSpec> = outputs
        .into_iter()
        .map(|d| {
            let mut spec = d.spec;
            if let Some(r) = d.resolution {
                spec.sampling = Sampling::Midpoints { intervals: r };
            }
            spec.fallback = match (d.lock_previous, d.default) {
                (true, _) => fuzzy_core::Fallback::Hold,
                (false, Some(v)) => fuzzy_core::Fallback::Value(v),
                (false, None) => fuzzy_core::Fallback::Midpoint,
            };
            spec
        })
        .collect();
    let probe = ControllerSpec {
        name: name.clone(),
        inference,
        and: TNorm::Minimum,
        or: SNorm::Maximum,
        inputs: inputs.clone(),
        outputs: outputs.clone(),
        rules: Vec::new(),
    };
    check_names_located(&probe, KEYWORDS).map_err(|p| p.at(text))?;
    let words = RuleWords {
        conclusion_separators: &[],
    };
    let mut parsed = Vec::new();
    for (number, column, text) in rules {
        let tokens = tokenize(text, number, column);
        let mut cursor = Cursor::new(&tokens, (number, column + text.chars().count()));
        let rule = parse_rule(&mut cursor, &inputs, &outputs, &words)?;
        let needs = match rule.connective {
            Connective::And => (conjunction.is_none(), "conjunction"),
            Connective::Or => (disjunction.is_none(), "disjunction"),
        };
        if needs.0 && rule.antecedent.iter().filter(|k| **k != 0).count() > 1 {
            return Err(at(
                number,
                format!("the rule block has no {} for this rule", needs.1),
            ));
        }
        parsed.push(rule);
    }
    Ok(ControllerSpec {
        name,
        inference,
        and: conjunction.unwrap_or(TNorm::Minimum),
        or: disjunction.unwrap_or(SNorm::Maximum),
        inputs,
        outputs,
        rules: parsed,
    })
}

fn variable_name(line: &Line<'_>) -> Result<String, ParseError> {
    if is_identifier(line.value) {
        Ok(line.value.to_string())
    } else {
        Err(line.word_error(
            line.value_column,
            format!(
                "variable name '{}' is not an identifier (letters, digits, '_')",
                line.value
            ),
        ))
    }
}

fn require_enabled(line: &Line<'_>) -> Result<(), ParseError> {
    if line.flag()? {
        Ok(())
    } else {
        Err(line.error("disabled variables and rule blocks are not supported"))
    }
}

fn norm_setting<N>(
    line: &Line<'_>,
    named: fn(&str) -> Option<N>,
    kind: &str,
) -> Result<Option<N>, ParseError> {
    if matches!(line.value, "none" | "") {
        return Ok(None);
    }
    named(line.value).map(Some).ok_or_else(|| {
        line.word_error(
            line.value_column,
            format!("{}: unknown {kind} '{}'", line.key, line.value),
        )
    })
}
