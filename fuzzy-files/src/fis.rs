//! Reading and writing MATLAB `.fis` files (Fuzzy Logic Toolbox, and Octave's
//! fuzzy-logic-toolkit, which writes the same format).
//!
//! A `.fis` file read here evaluates with MATLAB's conventions: Mamdani outputs sampled at
//! 101 points with both range ends included, the range midpoint when no rule fires, inputs
//! outside their range evaluated on the membership functions (MATLAB warns and goes on; it
//! does not clamp), Sugeno outputs not clamped to their range.
//!
//! Keys missing from `[System]` take MATLAB's defaults: `Type='mamdani'`, `AndMethod='min'`,
//! `OrMethod='max'`, `ImpMethod='min'`, `AggMethod='max'`, `DefuzzMethod='centroid'`
//! (`'wtaver'` for Sugeno). Both rule-line forms are read: `1 -2, 3 (0.5) : 1` and the older
//! `1 -2 3 (0.5) : 1` without the comma. Method names are MATLAB's (`min`, `prod`, `max`,
//! `probor`, `sum`) plus Octave's (`algebraic_product`, `bounded_difference`,
//! `einstein_product`, …); a user-defined function name is an error.
//!
//! What MATLAB reads, this reads, with a note naming the line ([`read_with`]): keys it
//! ignores (fuzzylite's exporter writes `Enabled`, `LockValid`, `LockRange`), parameter
//! lists padded past a function's count (old files pad every list with zeros; the first n
//! are used), `MFk` labels that repeat or skip (the lines are taken in file order).
//! [`ReadOptions::strict`] refuses these instead. A byte-order mark and CRLF line ends are
//! read as nothing and as line ends; vector entries may be expressions of numbers and `pi`
//! (`Range=[-pi/4 pi/4]`); a repeated section is an error. Rule entries carry Octave's hedge
//! decimals (`2.20` = very term 2). A negated Mamdani conclusion (`-3` in an output column)
//! implies the term's complement, as MATLAB does: it is read as an added points term `not
//! NAME` holding `1 − μ` at the output's 101 sample points (exact there, which is where the
//! engine aggregates), with a note; the writer folds such a term back into `-k`.
//!
//! One module holds both directions of the format (over 700 lines): the writer must emit
//! exactly what the reader accepts, and the round-trip tests read both side by side.

use fuzzy_core::{
    Connective, ControllerSpec, Defuzzifier, Fallback, Hedge, Inference, InputSpec, OutOfRange, OutputSpec,
    RuleSpec, SNorm, Sampling, Shape, TNorm, TermSpec,
};

use super::text::{ParseError, parse_number};

const T_NORMS: [(&str, TNorm); 9] = [
    ("min", TNorm::Minimum),
    ("prod", TNorm::Product),
    ("algebraic_product", TNorm::Product),
    ("bounded_difference", TNorm::BoundedDifference),
    ("drastic_product", TNorm::DrasticProduct),
    ("einstein_product", TNorm::EinsteinProduct),
    ("hamacher_product", TNorm::HamacherProduct),
    ("nilpotent_minimum", TNorm::NilpotentMinimum),
    ("minimum", TNorm::Minimum),
];

const S_NORMS: [(&str, SNorm); 12] = [
    ("max", SNorm::Maximum),
    ("probor", SNorm::ProbabilisticSum),
    ("sum", SNorm::UnboundedSum),
    ("algebraic_sum", SNorm::ProbabilisticSum),
    ("bounded_sum", SNorm::BoundedSum),
    ("drastic_sum", SNorm::DrasticSum),
    ("einstein_sum", SNorm::EinsteinSum),
    ("hamacher_sum", SNorm::HamacherSum),
    ("nilpotent_maximum", SNorm::NilpotentMaximum),
    ("normalized_sum", SNorm::NormalizedSum),
    ("maximum", SNorm::Maximum),
    ("unbounded_sum", SNorm::UnboundedSum),
];

const DEFUZZIFIERS: [(&str, Defuzzifier); 7] = [
    ("centroid", Defuzzifier::Centroid),
    ("bisector", Defuzzifier::Bisector),
    ("mom", Defuzzifier::MeanOfMaximum),
    ("som", Defuzzifier::SmallestOfMaximumMagnitude),
    ("lom", Defuzzifier::LargestOfMaximumMagnitude),
    ("wtaver", Defuzzifier::WeightedAverage),
    ("wtsum", Defuzzifier::WeightedSum),
];

fn name_of<T: PartialEq + Copy>(table: &[(&'static str, T)], value: T) -> &'static str {
    table.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| n)
}

/// One `key=value` line.
struct Entry<'t> {
    line: usize,
    key: &'t str,
    value: &'t str,
    value_column: usize,
}

impl Entry<'_> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            column: self.value_column,
            message: format!("{}: {}", self.key, message.into()),
        }
    }

    /// A quoted string `'…'` (quotes optional).
    fn string(&self) -> Result<String, ParseError> {
        let v = self.value;
        if let Some(inner) = v.strip_prefix('\'') {
            return inner
                .strip_suffix('\'')
                .map(str::to_string)
                .ok_or_else(|| self.error("missing closing quote"));
        }
        Ok(v.to_string())
    }

    /// A count up to `most` (the engine's limit; a larger count could not load anyway and
    /// must not size an allocation).
    fn count(&self, most: usize) -> Result<usize, ParseError> {
        let n = self
            .value
            .parse::<usize>()
            .map_err(|_| self.error(format!("expected a count, found '{}'", self.value)))?;
        if n > most {
            return Err(self.error(format!("{n} is more than the engine's {most}")));
        }
        Ok(n)
    }

    /// `[a b …]` (commas allowed) as numbers.
    fn vector(&self, text: &str) -> Result<Vec<f32>, ParseError> {
        let inner = text
            .trim()
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .ok_or_else(|| self.error(format!("expected [numbers], found '{text}'")))?;
        inner
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(|w| {
                parse_number(w).or_else(|| expression(w)).ok_or_else(|| {
                    self.error(format!(
                        "expected a finite number or an expression of numbers and pi (-pi/4, 2*pi), found '{w}'"
                    ))
                })
            })
            .collect()
    }
}

/// A number written as MATLAB evaluates it in a vector (`Range=[-pi/4 pi/4]`): numbers,
/// `pi`, `+ - * /`, parentheses and signs, without spaces (a space separates elements).
/// `None` for anything else or a result that is not a finite `f32`.
fn expression(text: &str) -> Option<f32> {
    /// Recursive descent over the bytes; `at` is the position.
    struct P<'a> {
        b: &'a [u8],
        at: usize,
    }
    impl P<'_> {
        fn peek(&self) -> Option<u8> {
            self.b.get(self.at).copied()
        }
        fn sum(&mut self, depth: usize) -> Option<f64> {
            let mut x = self.product(depth)?;
            while let Some(op @ (b'+' | b'-')) = self.peek() {
                self.at += 1;
                let y = self.product(depth)?;
                x = if op == b'+' { x + y } else { x - y };
            }
            Some(x)
        }
        fn product(&mut self, depth: usize) -> Option<f64> {
            let mut x = self.factor(depth)?;
            while let Some(op @ (b'*' | b'/')) = self.peek() {
                self.at += 1;
                let y = self.factor(depth)?;
                x = if op == b'*' { x * y } else { x / y };
            }
            Some(x)
        }
        fn factor(&mut self, depth: usize) -> Option<f64> {
            // Nesting is bounded: hostile input cannot exhaust the stack.
            if depth > 32 {
                return None;
            }
            match self.peek()? {
                b'-' => {
                    self.at += 1;
                    self.factor(depth + 1).map(|x| -x)
                }
                b'+' => {
                    self.at += 1;
                    self.factor(depth + 1)
                }
                b'(' => {
                    self.at += 1;
                    let x = self.sum(depth + 1)?;
                    (self.peek()? == b')').then(|| self.at += 1)?;
                    Some(x)
                }
                _ if self.b[self.at..].starts_with(b"pi") => {
                    self.at += 2;
                    Some(std::f64::consts::PI)
                }
                _ => {
                    let start = self.at;
                    while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                        self.at += 1;
                    }
                    // An exponent: 1e-3, 2.5E+4.
                    if matches!(self.peek(), Some(b'e' | b'E')) {
                        self.at += 1;
                        if matches!(self.peek(), Some(b'+' | b'-')) {
                            self.at += 1;
                        }
                        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                            self.at += 1;
                        }
                    }
                    std::str::from_utf8(&self.b[start..self.at]).ok()?.parse().ok()
                }
            }
        }
    }
    let mut p = P {
        b: text.as_bytes(),
        at: 0,
    };
    let x = p.sum(0)?;
    let x = x as f32;
    (p.at == text.len() && x.is_finite() && x.abs() <= fuzzy_core::MAX_PARAMETER).then_some(x)
}

/// A section: its name, the line of its header and its entries.
struct Section<'t> {
    name: &'t str,
    line: usize,
    entries: Vec<Entry<'t>>,
}

impl<'t> Section<'t> {
    fn get(&self, key: &str) -> Option<&Entry<'t>> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn require(&self, key: &str) -> Result<&Entry<'t>, ParseError> {
        self.get(key).ok_or_else(|| ParseError {
            line: self.line,
            column: 1,
            message: format!("[{}] has no {key}=", self.name),
        })
    }
}

/// The sections of a file, and the raw lines of its `[Rules]` section with their numbers.
type Parsed<'t> = (Vec<Section<'t>>, Vec<(usize, &'t str)>);

fn sections(text: &str) -> Result<Parsed<'_>, ParseError> {
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut rules = Vec::new();
    // A byte-order mark (Windows editors write one) is not part of the text; `lines`
    // takes CRLF line ends as well.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('%') || trimmed.starts_with('#') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            if let Some(first) = sections.iter().find(|s| s.name == name) {
                return Err(ParseError {
                    line,
                    column: 1,
                    message: format!("section [{name}] repeated (first at line {})", first.line),
                });
            }
            sections.push(Section {
                name,
                line,
                entries: Vec::new(),
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            return Err(ParseError {
                line,
                column: 1,
                message: "text before the first [Section]".into(),
            });
        };
        if section.name == "Rules" {
            rules.push((line, raw));
            continue;
        }
        let Some(eq) = raw.find('=') else {
            return Err(ParseError {
                line,
                column: raw.len() - raw.trim_start().len() + 1,
                message: format!("expected key=value in [{}], found '{trimmed}'", section.name),
            });
        };
        let value_raw = &raw[eq + 1..];
        section.entries.push(Entry {
            line,
            key: raw[..eq].trim(),
            value: value_raw.trim(),
            value_column: raw[..eq + 1].chars().count() + value_raw.len() - value_raw.trim_start().len() + 1,
        });
    }
    Ok((sections, rules))
}

/// The keys MATLAB and Octave write in `[System]`.
const SYSTEM_KEYS: [&str; 11] = [
    "Name",
    "Type",
    "Version",
    "NumInputs",
    "NumOutputs",
    "NumRules",
    "AndMethod",
    "OrMethod",
    "ImpMethod",
    "AggMethod",
    "DefuzzMethod",
];

/// How a `.fis` file is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Refuse what MATLAB reads but ignores (unknown keys, parameters past a membership
    /// function's count, `MFk` labels out of order) instead of reading on with a note.
    pub strict: bool,
}

/// Checks the keys of a section. Unknown keys are ignored with a note, as MATLAB ignores
/// them (fuzzylite's exporter writes `Enabled`, `LockValid`, `LockRange`, …), or refused
/// under [`ReadOptions::strict`] (a misspelt `DefuzzMethod` then cannot silently become the
/// default). A repeated key is an error, except `MFk` labels, which are read in file order
/// (see [`range_and_terms`]).
fn check_keys(
    section: &Section<'_>,
    options: ReadOptions,
    notes: &mut Vec<String>,
) -> Result<(), ParseError> {
    for (i, e) in section.entries.iter().enumerate() {
        let mf = is_mf_key(e.key);
        let known = if section.name == "System" {
            SYSTEM_KEYS.contains(&e.key)
        } else {
            matches!(e.key, "Name" | "Range" | "NumMFs") || mf
        };
        if !known {
            let allowed = if section.name == "System" {
                SYSTEM_KEYS.join(", ")
            } else {
                "Name, Range, NumMFs, MF1, MF2, …".to_string()
            };
            if options.strict {
                return Err(ParseError {
                    line: e.line,
                    column: 1,
                    message: format!("unknown key '{}' in [{}] (known: {allowed})", e.key, section.name),
                });
            }
            notes.push(format!(
                "line {}: unknown key '{}' in [{}] ignored, as MATLAB does (known: {allowed})",
                e.line, e.key, section.name
            ));
            continue;
        }
        if !mf && section.entries[..i].iter().any(|p| p.key == e.key) {
            return Err(ParseError {
                line: e.line,
                column: 1,
                message: format!("key '{}' repeated in [{}]", e.key, section.name),
            });
        }
    }
    Ok(())
}

/// `MF1`, `MF2`, …
fn is_mf_key(key: &str) -> bool {
    key.strip_prefix("MF")
        .is_some_and(|k| k.parse::<usize>().is_ok_and(|k| k >= 1))
}

fn method<T: Copy>(
    system: &Section<'_>,
    key: &str,
    table: &[(&str, T)],
    default: T,
) -> Result<T, ParseError> {
    let Some(entry) = system.get(key) else {
        return Ok(default);
    };
    let name = entry.string()?;
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let allowed: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
            entry.error(format!(
                "'{name}' is not supported (user-defined functions cannot be imported); allowed: {}",
                allowed.join(", ")
            ))
        })
}

/// `MFk='name':'type',[params]`.
fn term(
    entry: &Entry<'_>,
    inputs: usize,
    options: ReadOptions,
    notes: &mut Vec<String>,
) -> Result<TermSpec, ParseError> {
    let v = entry.value;
    let (name, rest) = split_quoted(v).ok_or_else(|| entry.error("expected 'name':'type',[parameters]"))?;
    let rest = rest
        .trim_start()
        .strip_prefix(':')
        .ok_or_else(|| entry.error("expected ':' after the term name"))?;
    let (kind, rest) =
        split_quoted(rest.trim_start()).ok_or_else(|| entry.error("expected the quoted type"))?;
    let params_text = rest
        .trim_start()
        .strip_prefix(',')
        .ok_or_else(|| entry.error("expected ',' and [parameters] after the type"))?;
    let p = entry.vector(params_text)?;
    // Old MATLAB files pad every list to one length with zeros; MATLAB uses the first n.
    let mut used = p.len();
    let mut need = |n: usize| -> Result<(), ParseError> {
        if p.len() == n || (p.len() > n && !options.strict) {
            used = n;
            Ok(())
        } else {
            Err(entry.error(format!("{kind} takes {n} parameters, found {}", p.len())))
        }
    };
    let shape = match kind {
        "trimf" => need(3).map(|_| Shape::Triangle([p[0], p[1], p[2]]))?,
        "trapmf" => need(4).map(|_| Shape::Trapezoid([p[0], p[1], p[2], p[3]]))?,
        "gaussmf" => need(2).map(|_| Shape::Gaussian([p[0], p[1]]))?,
        "gauss2mf" => need(4).map(|_| Shape::Gaussian2([p[0], p[1], p[2], p[3]]))?,
        "gbellmf" => need(3).map(|_| Shape::Bell([p[0], p[1], p[2]]))?,
        "sigmf" => need(2).map(|_| Shape::Sigmoid([p[0], p[1]]))?,
        "dsigmf" => need(4).map(|_| Shape::DiffSigmoid([p[0], p[1], p[2], p[3]]))?,
        "psigmf" => need(4).map(|_| Shape::ProdSigmoid([p[0], p[1], p[2], p[3]]))?,
        "smf" => need(2).map(|_| Shape::SShape([p[0], p[1]]))?,
        "zmf" => need(2).map(|_| Shape::ZShape([p[0], p[1]]))?,
        "pimf" => need(4).map(|_| Shape::PiShape([p[0], p[1], p[2], p[3]]))?,
        "constant" => need(1).map(|_| Shape::Constant(p[0]))?,
        "linear" => {
            need(inputs + 1)?;
            Shape::Linear(p[..inputs + 1].to_vec())
        }
        other => {
            return Err(entry.error(format!(
                "membership function '{other}' is not supported (trimf, trapmf, gaussmf, gauss2mf, gbellmf, \
                 sigmf, dsigmf, psigmf, smf, zmf, pimf, constant, linear); a function MATLAB \
                 calls by name cannot be imported"
            )));
        }
    };
    if used < p.len() {
        notes.push(format!(
            "line {}: {kind} '{name}' has {} parameters; the first {used} are used, as MATLAB does",
            entry.line,
            p.len(),
        ));
    }
    Ok(TermSpec {
        name: name.to_string(),
        shape,
    })
}

/// `'text'rest` → (`text`, `rest`).
fn split_quoted(v: &str) -> Option<(&str, &str)> {
    let inner = v.strip_prefix('\'')?;
    let end = inner.find('\'')?;
    Some((&inner[..end], &inner[end + 1..]))
}

fn variable<'s>(
    sections: &'s [Section<'s>],
    kind: &str,
    index: usize,
    system: &Section<'_>,
) -> Result<&'s Section<'s>, ParseError> {
    let name = format!("{kind}{index}");
    sections
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| ParseError {
            line: system.line,
            column: 1,
            message: format!("[System] announces {kind} {index} but there is no [{name}] section"),
        })
}

/// A variable section's name, range and terms. The terms are the section's first `NumMFs`
/// `MFk=` lines in file order, as MATLAB reads them: labels that repeat or skip a number
/// are read on with a note (refused under [`ReadOptions::strict`]).
fn range_and_terms(
    section: &Section<'_>,
    inputs: usize,
    options: ReadOptions,
    notes: &mut Vec<String>,
) -> Result<(String, f32, f32, Vec<TermSpec>), ParseError> {
    let name = section.require("Name")?.string()?;
    let range_entry = section.require("Range")?;
    let range = range_entry.vector(range_entry.value)?;
    let [min, max] = range[..] else {
        return Err(range_entry.error(format!("expected [min max], found {} numbers", range.len())));
    };
    let count = section
        .require("NumMFs")?
        .count(fuzzy_core::MAX_TERMS_PER_VARIABLE)?;
    let lines: Vec<&Entry<'_>> = section.entries.iter().filter(|e| is_mf_key(e.key)).collect();
    if lines.len() < count {
        return Err(ParseError {
            line: section.line,
            column: 1,
            message: format!(
                "[{}] announces {count} membership functions but has {} MFk= lines",
                section.name,
                lines.len()
            ),
        });
    }
    let mut terms = Vec::with_capacity(count);
    for (k, entry) in lines.iter().take(count).enumerate() {
        let label = format!("MF{}", k + 1);
        if entry.key != label {
            if options.strict {
                return Err(ParseError {
                    line: entry.line,
                    column: 1,
                    message: format!(
                        "expected {label}=, found {}= (labels must count 1, 2, …)",
                        entry.key
                    ),
                });
            }
            notes.push(format!(
                "line {}: {}= read as [{}]'s membership function {} (MATLAB reads them in file order)",
                entry.line,
                entry.key,
                section.name,
                k + 1
            ));
        }
        terms.push(term(entry, inputs, options, notes)?);
    }
    if lines.len() > count {
        notes.push(format!(
            "line {}: [{}] has {} MFk= lines but NumMFs={count}; the rest are ignored, as MATLAB does",
            lines[count].line,
            section.name,
            lines.len()
        ));
    }
    Ok((name, min, max, terms))
}

/// Reads `.fis` text (see the module docs for the conventions applied), leniently like
/// MATLAB; the notes are dropped (see [`read_with`]).
pub fn read(text: &str) -> Result<ControllerSpec, ParseError> {
    read_with(text, ReadOptions::default()).map(|(spec, _)| spec)
}

/// Reads `.fis` text with `options`; returns the controller and notes on what was read
/// the way MATLAB reads it rather than as written (padded parameters, unknown keys,
/// labels out of order), each with its line.
pub fn read_with(text: &str, options: ReadOptions) -> Result<(ControllerSpec, Vec<String>), ParseError> {
    let mut notes = Vec::new();
    let (sections, rule_lines) = sections(text)?;
    let system = sections
        .iter()
        .find(|s| s.name == "System")
        .ok_or_else(|| ParseError {
            line: 1,
            column: 1,
            message: "no [System] section".into(),
        })?;
    let known = |s: &Section<'_>| {
        s.name == "System"
            || s.name == "Rules"
            || ["Input", "Output"]
                .iter()
                .any(|k| s.name.strip_prefix(k).is_some_and(|n| n.parse::<usize>().is_ok()))
    };
    if let Some(s) = sections.iter().find(|s| !known(s)) {
        return Err(ParseError {
            line: s.line,
            column: 1,
            message: format!("unknown section [{}]", s.name),
        });
    }
    for section in &sections {
        check_keys(section, options, &mut notes)?;
    }
    let name = system
        .get("Name")
        .map(Entry::string)
        .transpose()?
        .unwrap_or_else(|| "fis".into());
    let kind = system
        .get("Type")
        .map(Entry::string)
        .transpose()?
        .unwrap_or_else(|| "mamdani".into());
    let sugeno = match kind.as_str() {
        "mamdani" => false,
        "sugeno" => true,
        other => {
            return Err(system
                .require("Type")?
                .error(format!("'{other}' is not supported (mamdani or sugeno)")));
        }
    };
    let and = method(
        system,
        "AndMethod",
        &T_NORMS,
        if sugeno { TNorm::Product } else { TNorm::Minimum },
    )?;
    let or = method(
        system,
        "OrMethod",
        &S_NORMS,
        if sugeno {
            SNorm::ProbabilisticSum
        } else {
            SNorm::Maximum
        },
    )?;
    let implication = method(system, "ImpMethod", &T_NORMS, TNorm::Minimum)?;
    let aggregation = method(system, "AggMethod", &S_NORMS, SNorm::Maximum)?;
    let defuzzifier = method(
        system,
        "DefuzzMethod",
        &DEFUZZIFIERS,
        if sugeno {
            Defuzzifier::WeightedAverage
        } else {
            Defuzzifier::Centroid
        },
    )?;
    let count = |key: &str, prefix: &str, most: usize| -> Result<usize, ParseError> {
        match system.get(key) {
            Some(e) => e.count(most),
            None => Ok(sections.iter().filter(|s| s.name.starts_with(prefix)).count()),
        }
    };
    let (n_in, n_out) = (
        count("NumInputs", "Input", fuzzy_core::MAX_INPUTS)?,
        count("NumOutputs", "Output", fuzzy_core::MAX_OUTPUTS)?,
    );
    let mut inputs = Vec::with_capacity(n_in);
    for i in 1..=n_in {
        let (name, min, max, terms) = range_and_terms(
            variable(&sections, "Input", i, system)?,
            n_in,
            options,
            &mut notes,
        )?;
        inputs.push(InputSpec {
            name,
            min,
            max,
            out_of_range: OutOfRange::Extend,
            terms,
        });
    }
    let mut outputs = Vec::with_capacity(n_out);
    for o in 1..=n_out {
        let (name, min, max, terms) = range_and_terms(
            variable(&sections, "Output", o, system)?,
            n_in,
            options,
            &mut notes,
        )?;
        outputs.push(OutputSpec {
            name,
            min,
            max,
            defuzzifier,
            sampling: Sampling::MATLAB,
            fallback: Fallback::Midpoint,
            lock_range: false,
            terms,
        });
    }
    let mut rules = Vec::new();
    for (line, raw) in &rule_lines {
        rules.push(rule(*line, raw, n_in, n_out)?);
    }
    complement_conclusions(&mut rules, &rule_lines, &mut outputs, sugeno, &mut notes)?;
    if let Some(e) = system.get("NumRules") {
        let announced = e.count(fuzzy_core::MAX_RULES)?;
        if announced != rules.len() {
            return Err(e.error(format!(
                "announces {announced} rules, [Rules] has {}",
                rules.len()
            )));
        }
    }
    let spec = ControllerSpec {
        name,
        inference: if sugeno {
            Inference::Sugeno
        } else {
            Inference::Mamdani {
                implication,
                aggregation,
            }
        },
        and,
        or,
        inputs,
        outputs,
        rules,
    };
    Ok((spec, notes))
}

/// MATLAB's negated conclusions (`-2` in an output column): a Mamdani rule then implies the
/// complement `1 − μ` of the output term. Each negated (output, term) becomes one more
/// output term, `not NAME`, the complement sampled at the output's 101 points as a points
/// term: the engine aggregates outputs at exactly those points, so the result is MATLAB's.
/// A Sugeno output has no complement: refused with the rule's line.
fn complement_conclusions(
    rules: &mut [RuleSpec],
    lines: &[(usize, &str)],
    outputs: &mut [OutputSpec],
    sugeno: bool,
    notes: &mut Vec<String>,
) -> Result<(), ParseError> {
    // (output, negated term number, the complement's term number)
    let mut made: Vec<(usize, i32, i32)> = Vec::new();
    for (r, rule) in rules.iter_mut().enumerate() {
        let line = lines.get(r).map_or(0, |(l, _)| *l);
        for (o, k) in rule.consequent.iter_mut().enumerate() {
            if *k >= 0 {
                continue;
            }
            let Some(output) = outputs.get_mut(o) else {
                continue;
            };
            let position = k.unsigned_abs() as usize;
            let Some(term) = output.terms.get(position.wrapping_sub(1)).cloned() else {
                continue; // no such term: the engine's check names it
            };
            if sugeno {
                return Err(ParseError {
                    line,
                    column: 1,
                    message: format!(
                        "rule: NOT '{}' of output '{}': a Sugeno output has no complement (MATLAB \
                         allows negated conclusions in Mamdani systems only)",
                        term.name, output.name
                    ),
                });
            }
            if let Some((_, _, index)) = made.iter().find(|(mo, mk, _)| *mo == o && *mk == *k) {
                *k = *index;
                continue;
            }
            let Some(points) = complement_points(output, &term) else {
                continue; // an invalid term: the engine's check names it
            };
            output.terms.push(TermSpec {
                name: format!("not {}", term.name),
                shape: Shape::Points(points),
            });
            let index = output.terms.len() as i32;
            notes.push(format!(
                "line {line}: NOT '{}' of output '{}' read as MATLAB does: the complement of the term at \
                 the output's 101 sample points, as the points term 'not {}'",
                term.name, output.name, term.name
            ));
            made.push((o, *k, index));
            *k = index;
        }
    }
    Ok(())
}

/// The reverse of [`complement_conclusions`] for writing: an output term `not NAME` that
/// holds exactly the complement of the output's term `NAME` at its sample points is dropped,
/// and the rules concluding it conclude NOT `NAME` again (`-k`), as MATLAB writes it. Other
/// terms keep their order; everything else is unchanged.
fn fold_complements(spec: &ControllerSpec) -> ControllerSpec {
    let mut folded = spec.clone();
    for (o, output) in spec.outputs.iter().enumerate() {
        // (complement's term number, complemented term's term number), both 1-based
        let pairs: Vec<(usize, usize)> = output
            .terms
            .iter()
            .enumerate()
            .filter_map(|(c, term)| {
                let (Shape::Points(points), Some(name)) = (&term.shape, term.name.strip_prefix("not "))
                else {
                    return None;
                };
                let k = output.terms.iter().position(|t| t.name == name)?;
                (complement_points(output, &output.terms[k]).as_ref() == Some(points))
                    .then_some((c + 1, k + 1))
            })
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let kept: Vec<usize> = (1..=output.terms.len())
            .filter(|t| !pairs.iter().any(|(c, _)| c == t))
            .collect();
        let renumber = |t: usize| kept.iter().position(|k| *k == t).map_or(0, |p| p as i32 + 1);
        folded.outputs[o].terms = kept.iter().map(|t| output.terms[t - 1].clone()).collect();
        for rule in &mut folded.rules {
            if let Some(k) = rule.consequent.get_mut(o) {
                let t = k.unsigned_abs() as usize;
                *k = match pairs.iter().find(|(c, _)| *c == t) {
                    Some((_, complemented)) => -renumber(*complemented),
                    None if t > 0 => renumber(t),
                    None => 0,
                };
            }
        }
    }
    folded
}

/// `1 − μ` of `term` at `output`'s sample points (MATLAB's 101 with both ends), from the
/// engine's own degrees; `None` when the term does not compile.
fn complement_points(output: &OutputSpec, term: &TermSpec) -> Option<Vec<[f32; 2]>> {
    let xs: Vec<f32> = (0..output.sampling.count())
        .map(|i| output.sampling.position(i, output.min, output.max))
        .collect();
    let input = InputSpec {
        name: output.name.clone(),
        min: output.min,
        max: output.max,
        out_of_range: OutOfRange::Extend,
        terms: vec![term.clone()],
    };
    let degrees = input.degrees(&xs).ok()?;
    Some(xs.iter().zip(degrees).map(|(x, d)| [*x, 1.0 - d[0]]).collect())
}

/// A rule entry's hedges from the decimal part of its term number, as Octave's
/// fuzzy-logic-toolkit reads it (`get_mf_index_and_hedge`): the two decimals `xy` raise the
/// degree to the power `x.y` (`.05` somewhat = √, `.20` very = ², `.30` extremely = ³,
/// `.40` very very = ⁴, any other custom), and a minus sign takes NOT of the result.
/// `.05` and `.20` become the named hedges and `.40` two `very`, which are the same
/// functions; the rest become [`Hedge::Power`]. A term number 0 ignores its decimals (as
/// Octave does).
fn hedges_of_code(code: u32) -> Vec<Hedge> {
    match code {
        0 => Vec::new(),
        5 => vec![Hedge::Somewhat],
        20 => vec![Hedge::Very],
        40 => vec![Hedge::Very, Hedge::Very],
        c => vec![Hedge::Power(c as f32 / 10.0)],
    }
}

/// The two-decimal code of a hedge chain for a `.fis` rule entry ([`hedges_of_code`]'s
/// inverse), or `None` when the chain has no code: only one power (√, ², ³, ⁴ or a custom
/// power with one decimal from 0.1 to 9.9) can be written.
fn code_of_hedges(chain: &[Hedge]) -> Option<u32> {
    let power = match chain {
        [] => return Some(0),
        [Hedge::Somewhat] => 0.5,
        [Hedge::Very] => 2.0,
        [Hedge::Very, Hedge::Very] => 4.0,
        [Hedge::Power(p)] => *p,
        _ => return None,
    };
    let code = (power * 10.0).round();
    ((1.0..=99.0).contains(&code) && (power * 10.0 - code).abs() < 1e-4).then_some(code as u32)
}

/// One rule entry as written: the term number and the hedges of its decimals.
type RuleEntry = (i32, Vec<Hedge>);

/// `a1 … an, c1 … cm (w) : k` (or without the comma).
fn rule(line: usize, raw: &str, inputs: usize, outputs: usize) -> Result<RuleSpec, ParseError> {
    let at = |column: usize, message: String| ParseError {
        line,
        column,
        message,
    };
    let open = raw
        .find('(')
        .ok_or_else(|| at(1, "rule: expected '(weight)'".into()))?;
    let close = raw
        .find(')')
        .filter(|c| *c > open)
        .ok_or_else(|| at(open + 1, "rule: expected ')'".into()))?;
    let colon = raw
        .find(':')
        .filter(|c| *c > close)
        .ok_or_else(|| at(close + 1, "rule: expected ': connection'".into()))?;
    // Columns of the entries, for messages.
    let mut columns = Vec::new();
    let numbers =
        |text: &str, offset: usize, columns: &mut Vec<usize>| -> Result<Vec<RuleEntry>, ParseError> {
            let mut rest = 0;
            text.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let found = text[rest..].find(w).map_or(0, |p| p + rest);
                    rest = found + w.len();
                    let column = offset + found + 1;
                    columns.push(column);
                    let bad = || {
                        at(
                            column,
                            format!(
                                "rule: expected a term number (an integer, or with two decimals for \
                             a hedge: 2.05 somewhat, 2.20 very, 2.30 extremely, 2.40 very very), found '{w}'"
                            ),
                        )
                    };
                    if let Ok(k) = w.parse::<i32>() {
                        return Ok((k, Vec::new()));
                    }
                    let x = w
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite() && x.abs() < 1e9)
                        .ok_or_else(bad)?;
                    let whole = x.abs().trunc();
                    let code = (100.0 * (x.abs() - whole)).round() as u32;
                    let k = whole as i32 * if x < 0.0 { -1 } else { 1 };
                    // Decimals that round to 1.00 (2.999) would be a power of 10: refused.
                    if code >= 100 {
                        return Err(bad());
                    }
                    Ok((k, if k == 0 { Vec::new() } else { hedges_of_code(code) }))
                })
                .collect()
        };
    let head = &raw[..open];
    let (antecedent, consequent) = match head.find(',') {
        Some(comma) => (
            numbers(&head[..comma], 0, &mut columns)?,
            numbers(&head[comma + 1..], comma + 1, &mut columns)?,
        ),
        None => {
            let all = numbers(head, 0, &mut columns)?;
            if all.len() != inputs + outputs {
                return Err(at(
                    1,
                    format!(
                        "rule: expected {} term numbers, found {}",
                        inputs + outputs,
                        all.len()
                    ),
                ));
            }
            let (a, c) = all.split_at(inputs);
            (a.to_vec(), c.to_vec())
        }
    };
    if antecedent.len() != inputs || consequent.len() != outputs {
        return Err(at(
            1,
            format!(
                "rule: expected {inputs} input and {outputs} output term numbers, found {} and {}",
                antecedent.len(),
                consequent.len()
            ),
        ));
    }
    let column = |i: usize| columns.get(i).copied().unwrap_or(1);
    for (o, (_, hedges)) in consequent.iter().enumerate() {
        if !hedges.is_empty() {
            return Err(at(
                column(inputs + o),
                "rule: a hedge on an output (decimals of an output's term number) is not supported".into(),
            ));
        }
    }
    let mut hedges: Vec<Vec<Hedge>> = antecedent.iter().map(|(_, h)| h.clone()).collect();
    if hedges.iter().all(Vec::is_empty) {
        hedges.clear();
    }
    let antecedent: Vec<i32> = antecedent.iter().map(|(k, _)| *k).collect();
    let consequent: Vec<i32> = consequent.iter().map(|(k, _)| *k).collect();
    let weight_text = raw[open + 1..close].trim();
    let weight = parse_number(weight_text)
        .filter(|w| (0.0..=1.0).contains(w))
        .ok_or_else(|| {
            at(
                open + 2,
                format!("rule weight: expected a number in [0, 1], found '{weight_text}'"),
            )
        })?;
    let connection = raw[colon + 1..].trim();
    let connective = match connection {
        "1" => Connective::And,
        "2" => Connective::Or,
        other => {
            return Err(at(
                colon + 2,
                format!("rule connection: expected 1 (AND) or 2 (OR), found '{other}'"),
            ));
        }
    };
    Ok(RuleSpec {
        antecedent,
        consequent,
        weight,
        connective,
        hedges,
    })
}

/// A number as MATLAB reads it back to the same `f32` (shortest round-trip form).
fn num(x: f32) -> String {
    format!("{x}")
}

fn nums(values: &[f32]) -> String {
    values.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" ")
}

/// A shape in a user's words for messages: MATLAB's function name and parameters
/// (`zmf [1 4]`), `points (3)` for a points term.
pub fn shape_text(shape: &Shape) -> String {
    match (shape, mf_text(shape)) {
        (Shape::Points(p), _) => format!("points ({})", p.len()),
        (_, (kind, params)) => format!("{kind} [{params}]"),
    }
}

fn mf_text(shape: &Shape) -> (&'static str, String) {
    match shape {
        Shape::Triangle(p) => ("trimf", nums(p)),
        Shape::Trapezoid(p) => ("trapmf", nums(p)),
        Shape::Gaussian(p) => ("gaussmf", nums(p)),
        Shape::Gaussian2(p) => ("gauss2mf", nums(p)),
        Shape::Bell(p) => ("gbellmf", nums(p)),
        Shape::Sigmoid(p) => ("sigmf", nums(p)),
        Shape::DiffSigmoid(p) => ("dsigmf", nums(p)),
        Shape::ProdSigmoid(p) => ("psigmf", nums(p)),
        Shape::SShape(p) => ("smf", nums(p)),
        Shape::ZShape(p) => ("zmf", nums(p)),
        Shape::PiShape(p) => ("pimf", nums(p)),
        Shape::Points(_) => ("", String::new()),
        Shape::Constant(v) => ("constant", num(*v)),
        Shape::Linear(c) => ("linear", nums(c)),
    }
}

/// Writes `.fis` text; returns it with notes on behaviour the format cannot carry (they
/// change only what happens outside the input ranges or when no rule fires). Settings that
/// would change ordinary outputs are errors: sampling other than 101 points with both ends,
/// outputs with different defuzzifiers, points terms, clamped Sugeno outputs, names with a
/// quote.
pub fn write(spec: &ControllerSpec) -> Result<(String, Vec<String>), String> {
    let folded = fold_complements(spec);
    let spec = &folded;
    let mut notes = Vec::new();
    let sugeno = matches!(spec.inference, Inference::Sugeno);
    // MATLAB's som/lom pick by magnitude: a by-value method is written as the one that
    // agrees on its output's range (or refused across 0).
    let methods = spec
        .outputs
        .iter()
        .map(crate::by_magnitude)
        .collect::<Result<Vec<_>, _>>()?;
    let defuzzifier = methods.first().copied().unwrap_or(if sugeno {
        Defuzzifier::WeightedAverage
    } else {
        Defuzzifier::Centroid
    });
    if let Some((o, _)) = spec
        .outputs
        .iter()
        .zip(&methods)
        .find(|(_, m)| **m != defuzzifier)
    {
        return Err(format!(
            "output '{}': a .fis file has one defuzzification method for all outputs",
            o.name
        ));
    }
    let quoted = |name: &str| -> Result<String, String> {
        if name.contains('\'') || name.contains('\n') {
            Err(format!("name '{name}' contains a quote or a line break"))
        } else {
            Ok(format!("'{name}'"))
        }
    };
    let (implication, aggregation) = match spec.inference {
        Inference::Mamdani {
            implication,
            aggregation,
        } => (implication, aggregation),
        Inference::Sugeno => (TNorm::Product, SNorm::UnboundedSum),
    };
    let mut out = String::new();
    out += "[System]\n";
    out += &format!("Name={}\n", quoted(&spec.name)?);
    out += &format!("Type='{}'\n", if sugeno { "sugeno" } else { "mamdani" });
    out += "Version=2.0\n";
    out += &format!("NumInputs={}\n", spec.inputs.len());
    out += &format!("NumOutputs={}\n", spec.outputs.len());
    out += &format!("NumRules={}\n", spec.rules.len());
    out += &format!("AndMethod='{}'\n", name_of(&T_NORMS, spec.and));
    out += &format!("OrMethod='{}'\n", name_of(&S_NORMS, spec.or));
    out += &format!("ImpMethod='{}'\n", name_of(&T_NORMS, implication));
    out += &format!("AggMethod='{}'\n", name_of(&S_NORMS, aggregation));
    out += &format!("DefuzzMethod='{}'\n", name_of(&DEFUZZIFIERS, defuzzifier));
    let terms = |out: &mut String, owner: &str, terms: &[TermSpec]| -> Result<(), String> {
        *out += &format!("NumMFs={}\n", terms.len());
        for (k, t) in terms.iter().enumerate() {
            let (kind, params) = mf_text(&t.shape);
            if kind.is_empty() {
                return Err(format!(
                    "{owner}, term '{}': points terms have no .fis membership function",
                    t.name
                ));
            }
            *out += &format!("MF{}={}:'{kind}',[{params}]\n", k + 1, quoted(&t.name)?);
        }
        Ok(())
    };
    for (i, input) in spec.inputs.iter().enumerate() {
        if input.out_of_range == OutOfRange::Clamp {
            notes.push(format!(
                "input '{}': clamped to [{}, {}] here; MATLAB evaluates values outside the range as they are",
                input.name, input.min, input.max
            ));
        }
        out += &format!("\n[Input{}]\n", i + 1);
        out += &format!("Name={}\n", quoted(&input.name)?);
        out += &format!("Range=[{} {}]\n", num(input.min), num(input.max));
        terms(&mut out, &format!("input '{}'", input.name), &input.terms)?;
    }
    for (o, output) in spec.outputs.iter().enumerate() {
        if !sugeno && output.sampling != Sampling::MATLAB {
            return Err(format!(
                "output '{}': MATLAB samples 101 points with both ends; this output uses {}",
                output.name, output.sampling
            ));
        }
        if output.lock_range {
            return Err(format!(
                "output '{}': MATLAB does not clamp Sugeno outputs to their range (lock_range)",
                output.name
            ));
        }
        if output.fallback != Fallback::Midpoint {
            notes.push(format!(
                "output '{}': when no rule fires MATLAB returns the range midpoint, not {}",
                output.name,
                match output.fallback {
                    Fallback::Hold => "the previous output".to_string(),
                    Fallback::Value(v) => format!("the value {v}"),
                    Fallback::Midpoint => "the midpoint".to_string(),
                }
            ));
        }
        out += &format!("\n[Output{}]\n", o + 1);
        out += &format!("Name={}\n", quoted(&output.name)?);
        out += &format!("Range=[{} {}]\n", num(output.min), num(output.max));
        terms(&mut out, &format!("output '{}'", output.name), &output.terms)?;
    }
    out += "\n[Rules]\n";
    for (r, rule) in spec.rules.iter().enumerate() {
        let list = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(" ");
        let mut antecedent = Vec::new();
        for (v, &k) in rule.antecedent.iter().enumerate() {
            let chain = rule.hedges.get(v).map_or(&[][..], Vec::as_slice);
            let code = code_of_hedges(chain)
                .filter(|_| k != 0 || chain.is_empty())
                .ok_or_else(|| {
                    let names: Vec<String> = chain.iter().map(ToString::to_string).collect();
                    format!(
                        "rule {}: the hedges '{}' on input '{}' have no .fis code (a .fis rule \
                     holds one power: somewhat, very, very very or power p with one decimal, \
                     and a leading NOT)",
                        r + 1,
                        names.join(" "),
                        spec.inputs.get(v).map_or("?", |i| i.name.as_str())
                    )
                })?;
            antecedent.push(match code {
                0 => k.to_string(),
                c => format!("{}{}.{c:02}", if k < 0 { "-" } else { "" }, k.unsigned_abs()),
            });
        }
        out += &format!(
            "{}, {} ({}) : {}\n",
            antecedent.join(" "),
            list(&rule.consequent),
            num(rule.weight),
            match rule.connective {
                Connective::And => 1,
                Connective::Or => 2,
            }
        );
    }
    Ok((out, notes))
}
