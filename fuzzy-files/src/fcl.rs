//! Reading and writing IEC 61131-7 Fuzzy Control Language (`.fcl`).
//!
//! Read: `FUNCTION_BLOCK`, `VAR_INPUT`/`VAR_OUTPUT` (type `REAL`), `FUZZIFY`/`DEFUZZIFY` with
//! `TERM`s, `RANGE := (min .. max)`, `METHOD` (`COG`, `COGS`, `COA`, `LM`, `RM`, and `MM` as
//! jFuzzyLogic writes it), `DEFAULT := value | NC`, `ACCU` in the rule block or in
//! `DEFUZZIFY`, `RULEBLOCK` with `AND`, `OR`, `ACT`, `ACCU` and `RULE n : IF … THEN …
//! [WITH w];` (`IS NOT`, `AND`/`OR`, parentheses), comments `(* *)` and `//`.
//!
//! Terms: points `(x, y) (x, y) …` (IEC), a singleton `:= 5` (Sugeno outputs), and the named
//! shapes of jFuzzyLogic: `trian a b c`, `trape a b c d`, `gauss mean sigma`,
//! `gbell a b mean`, `sigm gain centre`, `dsigm gain1 centre1 gain2 centre2`.
//!
//! fuzzylite's FCL exporter writes its own dialect, which is read too: terms as fuzzylite's
//! classes with FLL's parameter order (`TERM NB := Triangle -1 -1 -0.667;`, `Constant`,
//! `Linear` for Sugeno outputs), rules ended by the line instead of `;`, its operator names
//! (`DPROD EPROD HPROD NMIN`, `DSUM ESUM HSUM NMAX NSUM`, `UnboundedSum`), `METHOD : COGSS`
//! (weighted sum) and `DEFAULT := nan` (no default: the midpoint). A file with fuzzylite's
//! term classes is evaluated as fuzzylite evaluates it: Mamdani outputs at the midpoints of
//! 100 intervals, inputs outside their range not clamped (its FCL has no lock-range).
//!
//! Conventions where IEC 61131-7 leaves a choice (written down because other tools differ):
//! - a variable without `RANGE` spans its terms (first to last point; only for points,
//!   triangles, trapezoids and singletons — other shapes need a `RANGE`);
//! - inputs outside their range are clamped (a PLC block's usual behaviour);
//! - Mamdani outputs are sampled at 101 points with both ends (MATLAB's convention);
//! - no `DEFAULT` means the range midpoint when no rule fires; `NC` holds the last output;
//! - outputs whose terms are all singletons make a Sugeno controller (weighted average,
//!   IEC's `COGS`); singletons mixed with other shapes are an error;
//! - `AND : MIN` alone implies `OR : MAX` (and `PROD`/`ASUM`, `BDIF`/`BSUM`), as IEC pairs
//!   them.
//!
//! One module holds both directions of the format (over 700 lines): the writer must emit
//! exactly what the reader accepts, and the round-trip tests read both side by side.

use fuzzy_core::{
    ControllerSpec, Defuzzifier, Fallback, Inference, InputSpec, OutOfRange, OutputSpec, SNorm, Sampling,
    Shape, TNorm, TermSpec,
};

use super::text::{
    Cursor, ParseError, RuleWords, Token, check_names, check_names_located, is_identifier, parse_rule,
    rule_text, tokenize,
};

/// IEC's T-norm names, then the ones fuzzylite's FCL exporter writes for its other norms.
const AND: [(&str, TNorm); 7] = [
    ("MIN", TNorm::Minimum),
    ("PROD", TNorm::Product),
    ("BDIF", TNorm::BoundedDifference),
    ("DPROD", TNorm::DrasticProduct),
    ("EPROD", TNorm::EinsteinProduct),
    ("HPROD", TNorm::HamacherProduct),
    ("NMIN", TNorm::NilpotentMinimum),
];
/// IEC's S-norm names, then fuzzylite's (its exporter writes `UnboundedSum` by class name).
const OR: [(&str, SNorm); 8] = [
    ("MAX", SNorm::Maximum),
    ("ASUM", SNorm::ProbabilisticSum),
    ("BSUM", SNorm::BoundedSum),
    ("DSUM", SNorm::DrasticSum),
    ("ESUM", SNorm::EinsteinSum),
    ("HSUM", SNorm::HamacherSum),
    ("NMAX", SNorm::NilpotentMaximum),
    ("NSUM", SNorm::NormalizedSum),
];
/// Activations: IEC's (`MIN`, `PROD`), then every other T-norm by the names of [`AND`].
const ACT: [(&str, TNorm); 7] = AND;
const ACCU: [(&str, SNorm); 10] = [
    ("MAX", SNorm::Maximum),
    ("BSUM", SNorm::BoundedSum),
    ("NSUM", SNorm::NormalizedSum),
    ("ASUM", SNorm::ProbabilisticSum),
    ("SUM", SNorm::UnboundedSum),
    ("UnboundedSum", SNorm::UnboundedSum),
    ("DSUM", SNorm::DrasticSum),
    ("ESUM", SNorm::EinsteinSum),
    ("HSUM", SNorm::HamacherSum),
    ("NMAX", SNorm::NilpotentMaximum),
];
const METHODS: [(&str, Defuzzifier); 7] = [
    ("COG", Defuzzifier::Centroid),
    ("COGS", Defuzzifier::WeightedAverage),
    ("COA", Defuzzifier::Bisector),
    ("LM", Defuzzifier::SmallestOfMaximum),
    ("RM", Defuzzifier::LargestOfMaximum),
    ("MM", Defuzzifier::MeanOfMaximum),
    ("COGSS", Defuzzifier::WeightedSum),
];

/// Words FCL reserves (blocks, declarations, rule grammar, settings).
pub(crate) const KEYWORDS: &[&str] = &[
    "FUNCTION_BLOCK",
    "END_FUNCTION_BLOCK",
    "VAR_INPUT",
    "VAR_OUTPUT",
    "END_VAR",
    "FUZZIFY",
    "END_FUZZIFY",
    "DEFUZZIFY",
    "END_DEFUZZIFY",
    "RULEBLOCK",
    "END_RULEBLOCK",
    "TERM",
    "RANGE",
    "METHOD",
    "DEFAULT",
    "ACCU",
    "ACT",
    "AND",
    "OR",
    "NOT",
    "VERY",
    "SOMEWHAT",
    "SELDOM",
    "EXTREMELY",
    "ANY",
    "IF",
    "IS",
    "THEN",
    "WITH",
    "RULE",
    "REAL",
    "NC",
    "trian",
    "trape",
    "gauss",
    "gbell",
    "sigm",
    "dsigm",
    "singleton",
];

/// Replaces comments by spaces (line breaks kept, so positions stay right).
fn blank_comments(text: &str) -> Result<String, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut line, mut column) = (0, 1, 1);
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if c == '(' && next == Some('*') {
            let (start_line, start_column) = (line, column);
            let mut j = i + 2;
            out += "  ";
            loop {
                match chars.get(j) {
                    None => {
                        return Err(ParseError {
                            line: start_line,
                            column: start_column,
                            message: "comment '(*' is never closed".into(),
                        });
                    }
                    Some('*') if chars.get(j + 1) == Some(&')') => {
                        out += "  ";
                        j += 2;
                        break;
                    }
                    Some('\n') => {
                        out.push('\n');
                        line += 1;
                        column = 0;
                        j += 1;
                    }
                    Some(_) => {
                        out.push(' ');
                        j += 1;
                    }
                }
            }
            column += j - i;
            i = j;
            continue;
        }
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        out.push(c);
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
        i += 1;
    }
    Ok(out)
}

fn keyword<T: Copy>(token: &Token, table: &[(&str, T)], what: &str) -> Result<T, ParseError> {
    table
        .iter()
        .find(|(k, _)| token.is(k))
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let allowed: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
            token.error(format!(
                "{what} '{}' is not supported ({})",
                token.text,
                allowed.join(", ")
            ))
        })
}

fn identifier<'t>(cursor: &mut Cursor<'t>, what: &str) -> Result<&'t Token, ParseError> {
    let t = cursor.take(what)?;
    if is_identifier(&t.text) {
        Ok(t)
    } else {
        Err(t.error(format!("expected {what}, found '{}'", t.text)))
    }
}

fn number(cursor: &mut Cursor<'_>, what: &str) -> Result<f32, ParseError> {
    cursor.take(what)?.number(what)
}

/// A term's membership function up to (not including) its `;`, and whether it is a Sugeno
/// term (a singleton, or fuzzylite's `Constant`/`Linear`). `inputs` is the number of
/// declared inputs (fuzzylite's `Linear` has a coefficient per input). Sets
/// `fuzzylite_dialect` when the term is written as fuzzylite's FCL exporter writes terms
/// (`Triangle -1 0 1`, fuzzylite's class names and parameter order).
fn membership(
    cursor: &mut Cursor<'_>,
    name: &Token,
    inputs: usize,
    fuzzylite_dialect: &mut bool,
) -> Result<(Shape, bool), ParseError> {
    let first = cursor.take("a membership function")?;
    if crate::fll::FUZZYLITE_TERMS.contains(&first.text.as_str()) {
        *fuzzylite_dialect = true;
        let mut params = Vec::new();
        let mut words = vec![first];
        while cursor.peek().is_some_and(|t| !t.is(";")) {
            let t = cursor.take("a parameter")?;
            params.push(t.number(&format!("{} parameter", first.text))?);
            words.push(t);
        }
        let shape = crate::fll::fuzzylite_shape(&first.text, params, inputs)
            .map_err(|(word, message)| words.get(word).copied().unwrap_or(first).error(message))?;
        let sugeno = matches!(shape, Shape::Constant(_) | Shape::Linear(_));
        return Ok((shape, sugeno));
    }
    if first.is("(") {
        let mut points = Vec::new();
        loop {
            let x = number(cursor, "point x")?;
            cursor.expect(",")?;
            let y = number(cursor, "point degree")?;
            cursor.expect(")")?;
            if !(0.0..=1.0).contains(&y) {
                return Err(name.error(format!("term '{}': degree {y} is outside [0, 1]", name.text)));
            }
            points.push([x, y]);
            if !cursor.accept("(") {
                break;
            }
        }
        // One point is a constant degree, as in the engine and fuzzylite.
        return Ok((Shape::Points(points), false));
    }
    if let Ok(value) = first.number("singleton") {
        return Ok((Shape::Constant(value), true));
    }
    let mut params = |n: usize| -> Result<Vec<f32>, ParseError> {
        (0..n)
            .map(|_| number(cursor, &format!("{} parameter", first.text)))
            .collect()
    };
    let shape = match first.text.to_ascii_lowercase().as_str() {
        "trian" => {
            let p = params(3)?;
            Shape::Triangle([p[0], p[1], p[2]])
        }
        "trape" => {
            let p = params(4)?;
            Shape::Trapezoid([p[0], p[1], p[2], p[3]])
        }
        "gauss" => {
            let p = params(2)?;
            Shape::Gaussian([p[1], p[0]])
        }
        "gbell" => {
            let p = params(3)?;
            Shape::Bell([p[0], p[1], p[2]])
        }
        "sigm" => {
            let p = params(2)?;
            Shape::Sigmoid([p[0], p[1]])
        }
        "dsigm" => {
            let p = params(4)?;
            Shape::DiffSigmoid([p[0], p[1], p[2], p[3]])
        }
        "singleton" => return Ok((Shape::Constant(number(cursor, "singleton")?), true)),
        _ => {
            return Err(first.error(format!(
                "membership function '{}' is not supported (points, a singleton value, trian, trape, gauss, \
                 gbell, sigm, dsigm)",
                first.text
            )));
        }
    };
    Ok((shape, false))
}

/// The span of terms that have one (points, triangles, trapezoids, singletons).
fn span(terms: &[TermSpec]) -> Option<(f32, f32)> {
    let mut xs = Vec::new();
    for t in terms {
        match &t.shape {
            Shape::Points(p) => xs.extend(p.iter().map(|q| q[0])),
            Shape::Triangle(p) => xs.extend(p),
            Shape::Trapezoid(p) => xs.extend(p),
            Shape::Constant(v) => xs.push(*v),
            _ => return None,
        }
    }
    let lo = xs.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    (lo < hi).then_some((lo, hi))
}

/// What one `FUZZIFY` or `DEFUZZIFY` block said.
#[derive(Default)]
struct Block {
    terms: Vec<TermSpec>,
    singletons: Vec<bool>,
    range: Option<(f32, f32)>,
    method: Option<(Defuzzifier, usize)>,
    default: Option<Fallback>,
    accu: Option<SNorm>,
    /// a term was written in fuzzylite's FCL dialect
    fuzzylite: bool,
}

fn declared<'t>(cursor: &mut Cursor<'t>, end: &str) -> Result<Vec<&'t Token>, ParseError> {
    let mut names = Vec::new();
    while !cursor.accept(end) {
        let name = identifier(cursor, "a variable name")?;
        cursor.expect(":")?;
        let ty = cursor.take("a type")?;
        if !ty.is("REAL") {
            return Err(ty.error(format!("variable type '{}' is not supported (REAL)", ty.text)));
        }
        cursor.expect(";")?;
        names.push(name);
    }
    Ok(names)
}

fn block(cursor: &mut Cursor<'_>, end: &str, output: bool, inputs: usize) -> Result<Block, ParseError> {
    let mut b = Block::default();
    loop {
        let t = cursor.take(&format!("TERM, RANGE or {end}"))?;
        if t.is(end) {
            return Ok(b);
        }
        if t.is("TERM") {
            let name = identifier(cursor, "a term name")?;
            cursor.expect(":=")?;
            let (shape, singleton) = membership(cursor, name, inputs, &mut b.fuzzylite)?;
            if b.terms.iter().any(|x| x.name == name.text) {
                return Err(name.error(format!("term '{}' is defined twice", name.text)));
            }
            b.terms.push(TermSpec {
                name: name.text.clone(),
                shape,
            });
            b.singletons.push(singleton);
        } else if t.is("RANGE") {
            cursor.expect(":=")?;
            cursor.expect("(")?;
            let lo = number(cursor, "range start")?;
            cursor.expect("..")?;
            let hi = number(cursor, "range end")?;
            cursor.expect(")")?;
            b.range = Some((lo, hi));
        } else if output && t.is("METHOD") {
            cursor.expect(":")?;
            let m = cursor.take("a method")?;
            b.method = Some((keyword(m, &METHODS, "METHOD")?, m.line));
        } else if output && t.is("DEFAULT") {
            cursor.expect(":=")?;
            let v = cursor.take("a value or NC")?;
            b.default = Some(if v.is("NC") {
                Fallback::Hold
            } else if v.is("nan") {
                // fuzzylite's "no default" (its output is NaN): the engine's midpoint.
                Fallback::Midpoint
            } else {
                Fallback::Value(v.number("DEFAULT")?)
            });
        } else if output && t.is("ACCU") {
            cursor.expect(":")?;
            b.accu = Some(keyword(cursor.take("an accumulation")?, &ACCU, "ACCU")?);
        } else {
            return Err(t.error(format!("unexpected '{}' in this block", t.text)));
        }
        cursor.expect(";")?;
    }
}

/// Reads FCL text (see the module docs for the conventions applied).
pub fn read(text: &str) -> Result<ControllerSpec, ParseError> {
    let clean = blank_comments(text)?;
    let tokens = tokenize(&clean, 1, 1);
    let end = (text.lines().count().max(1), 1);
    let mut cursor = Cursor::new(&tokens, end);
    cursor.expect("FUNCTION_BLOCK")?;
    let name = match cursor.peek() {
        Some(t) if is_identifier(&t.text) && !t.is("VAR_INPUT") && !t.is("VAR_OUTPUT") => {
            cursor.take("a name")?.text.clone()
        }
        _ => "fcl".to_string(),
    };
    let mut input_names: Vec<&Token> = Vec::new();
    let mut output_names: Vec<&Token> = Vec::new();
    let mut fuzzify: Vec<(&Token, Block)> = Vec::new();
    let mut defuzzify: Vec<(&Token, Block)> = Vec::new();
    let mut rule_block: Option<&Token> = None;
    let (mut and, mut or, mut act, mut accu) = (None, None, None, None);
    let mut rule_tokens: Vec<Vec<Token>> = Vec::new();
    loop {
        let t = cursor.take("END_FUNCTION_BLOCK")?;
        if t.is("END_FUNCTION_BLOCK") {
            break;
        } else if t.is("VAR_INPUT") {
            input_names.extend(declared(&mut cursor, "END_VAR")?);
        } else if t.is("VAR_OUTPUT") {
            output_names.extend(declared(&mut cursor, "END_VAR")?);
        } else if t.is("FUZZIFY") {
            let v = identifier(&mut cursor, "an input name")?;
            fuzzify.push((v, block(&mut cursor, "END_FUZZIFY", false, input_names.len())?));
        } else if t.is("DEFUZZIFY") {
            let v = identifier(&mut cursor, "an output name")?;
            defuzzify.push((v, block(&mut cursor, "END_DEFUZZIFY", true, input_names.len())?));
        } else if t.is("RULEBLOCK") {
            if rule_block.is_some() {
                return Err(t.error("a second RULEBLOCK: the engine has one rule base"));
            }
            rule_block = Some(t);
            if cursor
                .peek()
                .is_some_and(|n| is_identifier(&n.text) && !is_rule_block_keyword(n))
            {
                cursor.take("a name")?;
            }
            loop {
                let k = cursor.take("END_RULEBLOCK")?;
                if k.is("END_RULEBLOCK") {
                    break;
                }
                if k.is("RULE") {
                    cursor.take("a rule number")?;
                    cursor.expect(":")?;
                    let mut rule = Vec::new();
                    loop {
                        // fuzzylite's exporter ends a rule with the line, not `;`.
                        if cursor
                            .peek()
                            .is_some_and(|n| n.is("RULE") || n.is("END_RULEBLOCK"))
                        {
                            break;
                        }
                        let r = cursor.take("';' ending the rule")?;
                        if r.is(";") {
                            break;
                        }
                        rule.push(r.clone());
                    }
                    rule_tokens.push(rule);
                    continue;
                }
                cursor.expect(":")?;
                let v = cursor.take("an operator")?;
                if k.is("AND") {
                    and = Some(keyword(v, &AND, "AND")?);
                } else if k.is("OR") {
                    or = Some(keyword(v, &OR, "OR")?);
                } else if k.is("ACT") {
                    act = Some(keyword(v, &ACT, "ACT")?);
                } else if k.is("ACCU") {
                    accu = Some(keyword(v, &ACCU, "ACCU")?);
                } else {
                    return Err(k.error(format!("unexpected '{}' in RULEBLOCK", k.text)));
                }
                cursor.expect(";")?;
            }
        } else {
            return Err(t.error(format!("unexpected '{}'", t.text)));
        }
    }
    if let Some(extra) = cursor.peek() {
        return Err(extra.error(format!("unexpected '{}' after END_FUNCTION_BLOCK", extra.text)));
    }
    let find = |blocks: &mut Vec<(&Token, Block)>, name: &Token, what: &str| -> Result<Block, ParseError> {
        let i = blocks
            .iter()
            .position(|(v, _)| v.text == name.text)
            .ok_or_else(|| {
                name.error(format!(
                    "{what} '{}' has no {} block",
                    name.text,
                    if what == "input" { "FUZZIFY" } else { "DEFUZZIFY" }
                ))
            })?;
        Ok(blocks.remove(i).1)
    };
    // A file in fuzzylite's dialect is evaluated as fuzzylite evaluates it: Mamdani outputs
    // at the midpoints of 100 intervals (fuzzylite's FCL has no resolution).
    let fuzzylite = fuzzify.iter().chain(&defuzzify).any(|(_, b)| b.fuzzylite);
    let mut inputs = Vec::new();
    for name in &input_names {
        let b = find(&mut fuzzify, name, "input")?;
        if b.singletons.iter().any(|s| *s) {
            return Err(name.error(format!("input '{}': singleton terms are for outputs", name.text)));
        }
        let (min, max) = range_of(&b, name)?;
        inputs.push(InputSpec {
            name: name.text.clone(),
            min,
            max,
            // fuzzylite's FCL has no lock-range: it evaluates inputs outside as they are.
            out_of_range: if fuzzylite {
                OutOfRange::Extend
            } else {
                OutOfRange::Clamp
            },
            terms: b.terms,
        });
    }
    if let Some((v, _)) = fuzzify.first() {
        return Err(v.error(format!("FUZZIFY '{}' names no declared input", v.text)));
    }
    let mut outputs = Vec::new();
    let mut singleton_outputs = Vec::new();
    let mut block_accu = None;
    for name in &output_names {
        let b = find(&mut defuzzify, name, "output")?;
        let all = !b.singletons.is_empty() && b.singletons.iter().all(|s| *s);
        if !all && b.singletons.iter().any(|s| *s) {
            return Err(name.error(format!(
                "output '{}' mixes singleton terms with other shapes",
                name.text
            )));
        }
        singleton_outputs.push(all);
        let (min, max) = range_of(&b, name)?;
        let defuzzifier = match b.method {
            Some((Defuzzifier::WeightedAverage, line)) if !all => {
                return Err(ParseError {
                    line,
                    column: 1,
                    message: format!("output '{}': COGS needs singleton terms", name.text),
                });
            }
            Some((Defuzzifier::Centroid, _)) if all => Defuzzifier::WeightedAverage,
            Some((d, line))
                if all && !matches!(d, Defuzzifier::WeightedAverage | Defuzzifier::WeightedSum) =>
            {
                return Err(ParseError {
                    line,
                    column: 1,
                    message: format!(
                        "output '{}': singleton terms are defuzzified by COGS (or COG, or fuzzylite's COGSS)",
                        name.text
                    ),
                });
            }
            Some((d, _)) => d,
            None if all => Defuzzifier::WeightedAverage,
            None => Defuzzifier::Centroid,
        };
        if b.accu.is_some() {
            if block_accu.is_some() && block_accu != b.accu {
                return Err(name.error("outputs accumulate differently; the engine has one accumulation"));
            }
            block_accu = b.accu;
        }
        outputs.push(OutputSpec {
            name: name.text.clone(),
            min,
            max,
            defuzzifier,
            sampling: if fuzzylite {
                Sampling::FUZZYLITE
            } else {
                Sampling::MATLAB
            },
            fallback: b.default.unwrap_or(Fallback::Midpoint),
            lock_range: false,
            terms: b.terms,
        });
    }
    if let Some((v, _)) = defuzzify.first() {
        return Err(v.error(format!("DEFUZZIFY '{}' names no declared output", v.text)));
    }
    let sugeno = singleton_outputs.iter().all(|s| *s);
    if !sugeno && singleton_outputs.iter().any(|s| *s) {
        return Err(output_names[0].error("outputs mix singleton (Sugeno) and shaped (Mamdani) terms"));
    }
    let aggregation = match (accu, block_accu) {
        (Some(a), Some(b)) if a != b => {
            return Err(rule_block
                .unwrap_or(output_names[0])
                .error("ACCU differs between the RULEBLOCK and a DEFUZZIFY block"));
        }
        (a, b) => a.or(b).unwrap_or(SNorm::Maximum),
    };
    let (and, or) = match (and, or) {
        (Some(a), Some(o)) => (a, o),
        (Some(a), None) => (a, dual_of(a)),
        (None, Some(o)) => (dual_of_s(o), o),
        (None, None) => (TNorm::Minimum, SNorm::Maximum),
    };
    let probe = ControllerSpec {
        name: name.clone(),
        inference: Inference::Sugeno,
        and,
        or,
        inputs: inputs.clone(),
        outputs: outputs.clone(),
        rules: Vec::new(),
    };
    check_names_located(&probe, KEYWORDS).map_err(|p| p.at(text))?;
    let words = RuleWords {
        conclusion_separators: &[","],
    };
    let mut rules = Vec::new();
    for tokens in &rule_tokens {
        let last = tokens
            .last()
            .map_or(end, |t| (t.line, t.column + t.text.chars().count()));
        let mut c = Cursor::new(tokens, last);
        rules.push(parse_rule(&mut c, &inputs, &outputs, &words)?);
    }
    Ok(ControllerSpec {
        name,
        inference: if sugeno {
            Inference::Sugeno
        } else {
            Inference::Mamdani {
                implication: act.unwrap_or(TNorm::Minimum),
                aggregation,
            }
        },
        and,
        or,
        inputs,
        outputs,
        rules,
    })
}

fn is_rule_block_keyword(t: &Token) -> bool {
    ["AND", "OR", "ACT", "ACCU", "RULE", "END_RULEBLOCK"]
        .iter()
        .any(|k| t.is(k))
}

fn dual_of(t: TNorm) -> SNorm {
    match t {
        TNorm::Product => SNorm::ProbabilisticSum,
        TNorm::BoundedDifference => SNorm::BoundedSum,
        _ => SNorm::Maximum,
    }
}

fn dual_of_s(s: SNorm) -> TNorm {
    match s {
        SNorm::ProbabilisticSum => TNorm::Product,
        SNorm::BoundedSum => TNorm::BoundedDifference,
        _ => TNorm::Minimum,
    }
}

fn range_of(b: &Block, name: &Token) -> Result<(f32, f32), ParseError> {
    b.range.or_else(|| span(&b.terms)).ok_or_else(|| {
        name.error(format!(
            "variable '{}' needs RANGE := (min .. max); its terms do not bound it",
            name.text
        ))
    })
}

fn num(x: f32) -> String {
    format!("{x}")
}

fn term_text(shape: &Shape) -> Option<String> {
    let list = |p: &[f32]| p.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" ");
    Some(match shape {
        Shape::Triangle(p) => format!("trian {}", list(p)),
        Shape::Trapezoid(p) => format!("trape {}", list(p)),
        Shape::Gaussian([sigma, c]) => format!("gauss {} {}", num(*c), num(*sigma)),
        Shape::Bell(p) => format!("gbell {}", list(p)),
        Shape::Sigmoid(p) => format!("sigm {}", list(p)),
        Shape::DiffSigmoid(p) => format!("dsigm {}", list(p)),
        Shape::Points(points) => points
            .iter()
            .map(|[x, y]| format!("({}, {})", num(*x), num(*y)))
            .collect::<Vec<_>>()
            .join(" "),
        Shape::Constant(v) => num(*v),
        _ => return None,
    })
}

fn name_in<T: PartialEq + Copy>(table: &[(&'static str, T)], value: T) -> Option<&'static str> {
    table.iter().find(|(_, v)| *v == value).map(|(n, _)| *n)
}

/// Writes FCL text; returns it with notes on behaviour the text does not carry. Settings
/// FCL cannot express are errors naming the item: shapes without an FCL form (Gaussian2,
/// product of sigmoids, S/Z/pi shapes, linear Sugeno terms), norms outside IEC's lists,
/// sampling other than 101 points with both ends, weighted sums, clamped Sugeno outputs.
pub fn write(spec: &ControllerSpec) -> Result<(String, Vec<String>), String> {
    check_names(spec, KEYWORDS)?;
    let mut notes = Vec::new();
    let ident = |name: &str| -> Result<String, String> {
        if is_identifier(name) {
            Ok(name.to_string())
        } else {
            Err(format!("name '{name}' is not an FCL identifier"))
        }
    };
    let norm = |what: &str, found: Option<&'static str>| -> Result<&'static str, String> {
        found.ok_or_else(|| format!("the {what} operator has no FCL keyword"))
    };
    let mut out = format!("FUNCTION_BLOCK {}\n\nVAR_INPUT\n", ident(&spec.name)?);
    for v in &spec.inputs {
        out += &format!("    {} : REAL;\n", ident(&v.name)?);
    }
    out += "END_VAR\n\nVAR_OUTPUT\n";
    for v in &spec.outputs {
        out += &format!("    {} : REAL;\n", ident(&v.name)?);
    }
    out += "END_VAR\n";
    let terms = |out: &mut String, owner: &str, terms: &[TermSpec]| -> Result<(), String> {
        for t in terms {
            let text = term_text(&t.shape).ok_or_else(|| {
                format!(
                    "{owner}, term '{}': {} has no FCL form",
                    t.name,
                    crate::fis::shape_text(&t.shape)
                )
            })?;
            *out += &format!("    TERM {} := {text};\n", ident(&t.name)?);
        }
        Ok(())
    };
    for v in &spec.inputs {
        if v.out_of_range == OutOfRange::Extend {
            notes.push(format!(
                "input '{}': values outside the range are evaluated as they are here; an FCL reader (this one \
                 included) clamps them",
                v.name
            ));
        }
        out += &format!("\nFUZZIFY {}\n", v.name);
        terms(&mut out, &format!("input '{}'", v.name), &v.terms)?;
        out += &format!("    RANGE := ({} .. {});\nEND_FUZZIFY\n", num(v.min), num(v.max));
    }
    let sugeno = matches!(spec.inference, Inference::Sugeno);
    for v in &spec.outputs {
        out += &format!("\nDEFUZZIFY {}\n", v.name);
        terms(&mut out, &format!("output '{}'", v.name), &v.terms)?;
        if sugeno && v.defuzzifier != Defuzzifier::WeightedAverage {
            return Err(format!(
                "output '{}': FCL's Sugeno method is COGS (weighted average)",
                v.name
            ));
        }
        if !sugeno && v.sampling != Sampling::MATLAB {
            return Err(format!(
                "output '{}': FCL files read here sample 101 points with both ends; this output uses {}",
                v.name, v.sampling
            ));
        }
        if v.lock_range {
            return Err(format!("output '{}': FCL has no lock_range", v.name));
        }
        let method = name_in(&METHODS, crate::by_value(v)?)
            .ok_or_else(|| format!("output '{}': no FCL method", v.name))?;
        out += &format!("    METHOD : {method};\n");
        match v.fallback {
            Fallback::Midpoint => {
                notes.push(format!(
                    "output '{}': no DEFAULT written (the range midpoint when no rule fires, as read here); other \
                     FCL tools may use 0",
                    v.name
                ));
            }
            Fallback::Value(x) => out += &format!("    DEFAULT := {};\n", num(x)),
            Fallback::Hold => out += "    DEFAULT := NC;\n",
        }
        out += &format!(
            "    RANGE := ({} .. {});\nEND_DEFUZZIFY\n",
            num(v.min),
            num(v.max)
        );
    }
    out += "\nRULEBLOCK rules\n";
    out += &format!("    AND : {};\n", norm("AND", name_in(&AND, spec.and))?);
    out += &format!("    OR : {};\n", norm("OR", name_in(&OR, spec.or))?);
    if let Inference::Mamdani {
        implication,
        aggregation,
    } = spec.inference
    {
        out += &format!(
            "    ACT : {};\n",
            norm("implication", name_in(&ACT, implication))?
        );
        out += &format!(
            "    ACCU : {};\n",
            norm("aggregation", name_in(&ACCU, aggregation))?
        );
    }
    for (r, rule) in spec.rules.iter().enumerate() {
        let text = rule_text(
            rule,
            &spec.inputs,
            &spec.outputs,
            ["IF", "IS", "NOT", "AND", "OR", "THEN", "WITH"],
            ", ",
            num,
        )
        .map_err(|e| format!("rule {}: {e}", r + 1))?;
        out += &format!("    RULE {} : {text};\n", r + 1);
    }
    out += "END_RULEBLOCK\n\nEND_FUNCTION_BLOCK\n";
    Ok((out, notes))
}
