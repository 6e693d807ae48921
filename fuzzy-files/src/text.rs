//! What the three text formats share: located errors, a tokenizer, numbers, and the rule
//! grammar (`if … then … with …`) of FLL and FCL.

use fuzzy_core::{Connective, Hedge, InputSpec, MAX_HEDGES, OutputSpec, RuleSpec, TermSpec};

/// A parse error at a line and column (both 1-based) of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// line of the offending text
    pub line: usize,
    /// column (in characters) of the offending text
    pub column: usize,
    /// what is wrong and what is allowed
    pub message: String,
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A word, number or punctuation mark, with where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// the text
    pub text: String,
    /// line (1-based)
    pub line: usize,
    /// column (1-based, in characters)
    pub column: usize,
}

impl Token {
    /// An error located at this token.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }

    /// Case-insensitive keyword test.
    pub fn is(&self, keyword: &str) -> bool {
        self.text.eq_ignore_ascii_case(keyword)
    }

    /// The token as an `f32` (finite), or an error naming `what`.
    pub fn number(&self, what: &str) -> Result<f32, ParseError> {
        parse_number(&self.text)
            .ok_or_else(|| self.error(format!("{what}: expected a finite number, found '{}'", self.text)))
    }
}

/// A finite decimal number (`1`, `-0.5`, `2.5e-3`, `+3.`); `None` for anything else,
/// `nan` and `inf` included.
pub fn parse_number(text: &str) -> Option<f32> {
    let plausible = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if !plausible {
        return None;
    }
    text.parse::<f32>().ok().filter(|x| x.is_finite())
}

/// Splits `text` into tokens: runs of letters, digits, `_`, `.`, `+`, `-` (words and numbers;
/// `..` is always its own token), the two-character marks `:=` and `..`, and every other
/// visible character on its own. Whitespace separates. `line` and `first_column` say where
/// `text` starts in its file.
pub fn tokenize(text: &str, line: usize, first_column: usize) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut line, mut column) = (line, first_column);
    let mut i = 0;
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '+' | '-');
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            column = 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            column += 1;
            i += 1;
            continue;
        }
        let start = (line, column);
        let next = chars.get(i + 1).copied();
        let len = if (c == ':' && next == Some('=')) || (c == '.' && next == Some('.')) {
            2
        } else if word(c) {
            let mut j = i;
            while j < chars.len() && word(chars[j]) && !(chars[j] == '.' && chars.get(j + 1) == Some(&'.')) {
                j += 1;
            }
            j - i
        } else {
            1
        };
        tokens.push(Token {
            text: chars[i..i + len].iter().collect(),
            line: start.0,
            column: start.1,
        });
        i += len;
        column += len;
    }
    tokens
}

/// A cursor over tokens, with the position of the end of the text for errors there.
pub struct Cursor<'t> {
    tokens: &'t [Token],
    next: usize,
    end: (usize, usize),
}

impl<'t> Cursor<'t> {
    /// A cursor at the first token; `end` is where the text ends (line, column).
    pub fn new(tokens: &'t [Token], end: (usize, usize)) -> Cursor<'t> {
        Cursor { tokens, next: 0, end }
    }

    /// The next token without taking it.
    pub fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.next)
    }

    /// Takes the next token.
    pub fn take(&mut self, expected: &str) -> Result<&'t Token, ParseError> {
        match self.tokens.get(self.next) {
            Some(t) => {
                self.next += 1;
                Ok(t)
            }
            None => Err(self.at_end(format!("expected {expected}, found the end"))),
        }
    }

    /// Takes the next token if it is `keyword` (case-insensitive).
    pub fn accept(&mut self, keyword: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.is(keyword));
        if found {
            self.next += 1;
        }
        found
    }

    /// Takes the next token, which must be `keyword`.
    pub fn expect(&mut self, keyword: &str) -> Result<&'t Token, ParseError> {
        let t = self.take(&format!("'{keyword}'"))?;
        if t.is(keyword) {
            Ok(t)
        } else {
            Err(t.error(format!("expected '{keyword}', found '{}'", t.text)))
        }
    }

    /// An error at the end of the text.
    pub fn at_end(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.end.0,
            column: self.end.1,
            message: message.into(),
        }
    }

    /// Whether every token has been taken.
    pub fn done(&self) -> bool {
        self.next >= self.tokens.len()
    }
}

/// The 1-based number of the term called `name` in `terms` (exact match first, then
/// case-insensitive).
fn term_number(terms: &[TermSpec], name: &str) -> Option<i32> {
    let exact = terms.iter().position(|t| t.name == name);
    exact
        .or_else(|| terms.iter().position(|t| t.name.eq_ignore_ascii_case(name)))
        .and_then(|i| i32::try_from(i + 1).ok())
}

fn variable_index<T>(variables: &[T], name: &str, name_of: impl Fn(&T) -> &str) -> Option<usize> {
    variables.iter().position(|v| name_of(v) == name).or_else(|| {
        variables
            .iter()
            .position(|v| name_of(v).eq_ignore_ascii_case(name))
    })
}

/// Keywords of the rule grammar; FLL writes them in lower case, FCL in upper case, both
/// are accepted in either.
pub struct RuleWords {
    /// separators allowed between conclusions besides `and`
    pub conclusion_separators: &'static [&'static str],
}

/// Parses one rule from `if` to its end (the cursor must be exhausted afterwards):
/// `IF a IS [hedge …] t (AND|OR) … THEN y IS t [(AND|,) …] [WITH w]`, parentheses allowed
/// around antecedents as long as one rule uses one connective (the engine's rule form: an
/// AND rule or an OR rule over the inputs it uses, each input at most once).
///
/// Hedges are fuzzylite's (`not very somewhat extremely seldom any`, read before term names
/// as fuzzylite does); a leading `not` becomes a negative term number, `any` ends the
/// proposition (`a IS any`, `a IS not any`). Hedges in a conclusion are refused: fuzzylite
/// applies them to the rule's activation, Octave to the output set.
pub fn parse_rule(
    cursor: &mut Cursor<'_>,
    inputs: &[InputSpec],
    outputs: &[OutputSpec],
    words: &RuleWords,
) -> Result<RuleSpec, ParseError> {
    cursor.expect("if")?;
    let mut antecedent = vec![0i32; inputs.len()];
    let mut hedges: Vec<Vec<Hedge>> = vec![Vec::new(); inputs.len()];
    let mut connective: Option<(Connective, &Token)> = None;
    let mut depth = 0usize;
    loop {
        while cursor.accept("(") {
            depth += 1;
        }
        let var = cursor.take("an input variable")?;
        let Some(v) = variable_index(inputs, &var.text, |i| &i.name) else {
            let known: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            return Err(var.error(format!(
                "'{}' is not an input variable (inputs: {})",
                var.text,
                known.join(", ")
            )));
        };
        cursor.expect("is")?;
        let mut chain = Vec::new();
        let k = loop {
            let word = cursor.take("a hedge or a term")?;
            if let Some(hedge) = Hedge::from_name(&word.text) {
                // One more than the engine holds: a leading `not` becomes the sign.
                if chain.len() > MAX_HEDGES {
                    return Err(word.error(format!(
                        "more than {MAX_HEDGES} hedges on one proposition (besides a leading 'not')"
                    )));
                }
                chain.push(hedge);
                if hedge == Hedge::Any {
                    break 0;
                }
                continue;
            }
            let Some(k) = term_number(&inputs[v].terms, &word.text) else {
                return Err(word.error(format!(
                    "input '{}' has no term '{}' (terms: {}; hedges: not, very, somewhat, \
                     extremely, seldom, any)",
                    inputs[v].name,
                    word.text,
                    names(&inputs[v].terms)
                )));
            };
            break k;
        };
        let k = if k != 0 && chain.first() == Some(&Hedge::Not) {
            chain.remove(0);
            -k
        } else {
            k
        };
        if chain.len() > MAX_HEDGES {
            return Err(var.error(format!(
                "more than {MAX_HEDGES} hedges on input '{}' (besides a leading 'not')",
                inputs[v].name
            )));
        }
        if antecedent[v] != 0 || !hedges[v].is_empty() {
            return Err(var.error(format!(
                "input '{}' appears twice in one rule; the engine's rules test each input once",
                inputs[v].name
            )));
        }
        antecedent[v] = k;
        hedges[v] = chain;
        while cursor.peek().is_some_and(|t| t.is(")")) {
            let close = cursor.take("')'")?;
            depth = depth
                .checked_sub(1)
                .ok_or_else(|| close.error("')' without a matching '('"))?;
        }
        let next = cursor.take("'and', 'or' or 'then'")?;
        let this = if next.is("and") {
            Connective::And
        } else if next.is("or") {
            Connective::Or
        } else if next.is("then") {
            break;
        } else {
            return Err(next.error(format!("expected 'and', 'or' or 'then', found '{}'", next.text)));
        };
        match connective {
            Some((c, _)) if c != this => {
                return Err(next.error(
                    "a rule mixing AND and OR is not supported: the engine's rules use one \
                     connective (split it into several rules)",
                ));
            }
            _ => connective = Some((this, next)),
        }
    }
    if depth != 0 {
        return Err(cursor.at_end("unbalanced parentheses in the rule's condition"));
    }
    let mut consequent = vec![0i32; outputs.len()];
    let mut weight = 1.0f32;
    loop {
        let var = cursor.take("an output variable")?;
        let Some(o) = variable_index(outputs, &var.text, |o| &o.name) else {
            let known: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
            return Err(var.error(format!(
                "'{}' is not an output variable (outputs: {})",
                var.text,
                known.join(", ")
            )));
        };
        cursor.expect("is")?;
        let term = cursor.take("a term")?;
        if Hedge::from_name(&term.text).is_some() {
            return Err(term.error(format!(
                "'{}' is not supported in a conclusion (hedges and NOT only in conditions: \
                 fuzzylite applies them to the rule's activation, MATLAB and Octave to the \
                 output set)",
                term.text
            )));
        }
        let Some(k) = term_number(&outputs[o].terms, &term.text) else {
            return Err(term.error(format!(
                "output '{}' has no term '{}' (terms: {})",
                outputs[o].name,
                term.text,
                names(&outputs[o].terms)
            )));
        };
        if consequent[o] != 0 {
            return Err(var.error(format!(
                "output '{}' is concluded twice in one rule",
                outputs[o].name
            )));
        }
        consequent[o] = k;
        let Some(next) = cursor.peek() else { break };
        if next.is("with") {
            cursor.take("'with'")?;
            let w = cursor.take("a weight")?;
            weight = w.number("rule weight")?;
            if !(0.0..=1.0).contains(&weight) {
                return Err(w.error(format!("rule weight {weight} is outside [0, 1]")));
            }
            break;
        }
        if next.is("and") || words.conclusion_separators.iter().any(|s| next.is(s)) {
            cursor.take("a separator")?;
            continue;
        }
        return Err(next.error(format!(
            "expected 'and', 'with' or the end of the rule, found '{}'",
            next.text
        )));
    }
    if let Some(extra) = cursor.peek() {
        return Err(extra.error(format!("unexpected '{}' after the rule", extra.text)));
    }
    if hedges.iter().all(Vec::is_empty) {
        hedges.clear();
    }
    Ok(RuleSpec {
        antecedent,
        consequent,
        weight,
        connective: connective.map_or(Connective::And, |(c, _)| c),
        hedges,
    })
}

/// `a, b, c` of the terms' names.
pub fn names(terms: &[TermSpec]) -> String {
    terms
        .iter()
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rule's text in the FLL/FCL grammar with the given keyword spellings
/// (`[if, is, not, and, or, then, with]`) and separator between conclusions.
pub fn rule_text(
    rule: &RuleSpec,
    inputs: &[InputSpec],
    outputs: &[OutputSpec],
    words: [&str; 7],
    conclusion_separator: &str,
    number: impl Fn(f32) -> String,
) -> Result<String, String> {
    let [kw_if, kw_is, kw_not, kw_and, kw_or, kw_then, kw_with] = words;
    let term = |terms: &[TermSpec], k: i32| -> Result<String, String> {
        terms
            .get((k.unsigned_abs() as usize).wrapping_sub(1))
            .map(|t| t.name.clone())
            .ok_or_else(|| format!("no term {k}"))
    };
    // Hedge names in the case of the format's `not`.
    let upper = kw_not.starts_with(|c: char| c.is_ascii_uppercase());
    let mut antecedents = Vec::new();
    for (v, (input, &k)) in inputs.iter().zip(&rule.antecedent).enumerate() {
        let chain = rule.hedges.get(v).map_or(&[][..], Vec::as_slice);
        if k == 0 && chain.is_empty() {
            continue;
        }
        let mut words = Vec::new();
        if k < 0 {
            words.push(kw_not.to_string());
        }
        for hedge in chain {
            let name = hedge.name().ok_or_else(|| {
                format!(
                    "input '{}': the hedge '{hedge}' has no name in this format",
                    input.name
                )
            })?;
            words.push(if upper {
                name.to_ascii_uppercase()
            } else {
                name.to_string()
            });
        }
        if k != 0 {
            words.push(term(&input.terms, k)?);
        }
        antecedents.push(format!("{} {kw_is} {}", input.name, words.join(" ")));
    }
    if antecedents.is_empty() {
        return Err("a rule without antecedents cannot be written".into());
    }
    let mut consequents = Vec::new();
    for (output, &k) in outputs.iter().zip(&rule.consequent) {
        if k > 0 {
            consequents.push(format!("{} {kw_is} {}", output.name, term(&output.terms, k)?));
        }
    }
    if consequents.is_empty() {
        return Err("a rule without conclusions cannot be written".into());
    }
    let connective = match rule.connective {
        Connective::And => format!(" {kw_and} "),
        Connective::Or => format!(" {kw_or} "),
    };
    let weight = if rule.weight == 1.0 {
        String::new()
    } else {
        format!(" {kw_with} {}", number(rule.weight))
    };
    Ok(format!(
        "{kw_if} {} {kw_then} {}{weight}",
        antecedents.join(&connective),
        consequents.join(conclusion_separator)
    ))
}

/// A name the three formats accept as an identifier: a letter or `_`, then letters,
/// digits or `_`.
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// `name` as an identifier of a format with these `keywords`: every character other than
/// ASCII letters, digits and `_` becomes `_`, a leading digit (or nothing) gets a `_` before
/// it, a keyword (any case) gets one after it.
fn identifier_from(name: &str, keywords: &[&str]) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    if keywords.iter().any(|k| k.eq_ignore_ascii_case(&id)) {
        id.push('_');
    }
    id
}

/// `candidate`, or with `_2`, `_3`, … appended until no name in `taken` equals it (any case).
fn unique(candidate: String, taken: &[String]) -> String {
    let clash = |name: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(name));
    if !clash(&candidate) {
        return candidate;
    }
    (2..)
        .map(|k| format!("{candidate}_{k}"))
        .find(|name| !clash(name))
        .unwrap_or(candidate)
}

/// A copy of `spec` whose names a format that refers to variables and terms by name (FLL,
/// FCL) can hold: names that are not identifiers, are one of its `keywords` or repeat
/// (variables, or terms within a variable, ignoring case) are turned into identifiers
/// (`identifier_from`, then `_2`, `_3`, … for a repeat). Rules refer to terms by position,
/// so their meaning is kept. Returns the notes on every renamed item (none when nothing
/// changed).
pub fn with_identifiers(
    spec: &fuzzy_core::ControllerSpec,
    keywords: &[&str],
) -> (fuzzy_core::ControllerSpec, Vec<String>) {
    let mut out = spec.clone();
    let mut notes = Vec::new();
    let mut rename = |what: String, name: &mut String, taken: &[String]| {
        let fixed = unique(
            if is_identifier(name) && !keywords.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                name.clone()
            } else {
                identifier_from(name, keywords)
            },
            taken,
        );
        if fixed != *name {
            notes.push(format!(
                "{what} '{name}' written as '{fixed}' (names in this format are identifiers)"
            ));
            *name = fixed;
        }
    };
    rename("controller name".to_string(), &mut out.name, &[]);
    let mut variables: Vec<String> = Vec::new();
    let all = out
        .inputs
        .iter_mut()
        .map(|v| (&mut v.name, &mut v.terms))
        .chain(out.outputs.iter_mut().map(|v| (&mut v.name, &mut v.terms)));
    for (name, terms) in all {
        rename("variable".to_string(), name, &variables);
        variables.push(name.clone());
        let mut seen: Vec<String> = Vec::new();
        for term in terms.iter_mut() {
            rename(format!("variable '{name}': term"), &mut term.name, &seen);
            seen.push(term.name.clone());
        }
    }
    (out, notes)
}

/// Checks that a controller's names can be written in a format that refers to variables
/// and terms by name (FLL, FCL): identifiers, not one of the format's `keywords`
/// (case-insensitive), variable names unique, term names unique within their variable. A
/// `.fis` file (which refers to terms by number) or a JSON file may hold names that break
/// these rules; writing them by name would change which term a rule means.
pub fn check_names(spec: &fuzzy_core::ControllerSpec, keywords: &[&str]) -> Result<(), String> {
    check_names_located(spec, keywords).map_err(|p| p.message)
}

/// A name [`check_names`] refuses: the message, the name, and which occurrence of it in
/// the file is the offending one (1, or 2 for a name used twice).
pub struct NameProblem {
    /// what is wrong and what is allowed
    pub message: String,
    name: String,
    occurrence: usize,
}

impl NameProblem {
    /// The problem as a parse error at the offending occurrence of the name in `text` (the
    /// file it was read from): its first whole-word, case-insensitive match outside the
    /// part of a line after `#`, counted from the top; line 1 if it cannot be found.
    pub fn at(self, text: &str) -> ParseError {
        let (line, column) = word_position(text, &self.name, self.occurrence).unwrap_or((1, 1));
        ParseError {
            line,
            column,
            message: self.message,
        }
    }
}

/// Line and column (1-based, in characters) of the `nth` whole-word occurrence of `word`.
fn word_position(text: &str, word: &str, nth: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    for (number, line) in (1..).zip(text.lines()) {
        let code = line.split('#').next().unwrap_or("");
        let mut start = 0;
        while let Some(found) = code[start..].to_lowercase().find(&word.to_lowercase()) {
            let at = start + found;
            let end = at + word.len();
            let before = code[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after = code
                .get(end..)
                .and_then(|s| s.chars().next())
                .is_none_or(|c| !is_word(c));
            if before && after {
                seen += 1;
                if seen == nth {
                    return Some((number, code[..at].chars().count() + 1));
                }
            }
            start = end.min(code.len());
            if start == code.len() || !code.is_char_boundary(start) {
                break;
            }
        }
    }
    None
}

/// [`check_names`] saying which name is refused, so that a reader can point at it.
pub fn check_names_located(spec: &fuzzy_core::ControllerSpec, keywords: &[&str]) -> Result<(), NameProblem> {
    let problem = |message: String, name: &str, occurrence: usize| NameProblem {
        message,
        name: name.to_string(),
        occurrence,
    };
    let check = |what: &str, name: &str| -> Result<(), NameProblem> {
        if !is_identifier(name) {
            return Err(problem(
                format!("{what} '{name}' is not an identifier (letters, digits, '_')"),
                name,
                1,
            ));
        }
        if keywords.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            return Err(problem(
                format!("{what} '{name}' is a keyword of the format"),
                name,
                1,
            ));
        }
        Ok(())
    };
    check("controller name", &spec.name)?;
    let variables = spec
        .inputs
        .iter()
        .map(|v| (&v.name, &v.terms))
        .chain(spec.outputs.iter().map(|v| (&v.name, &v.terms)));
    let mut seen: Vec<&str> = Vec::new();
    for (name, terms) in variables {
        check("variable", name)?;
        if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
            return Err(problem(format!("variable name '{name}' is used twice"), name, 2));
        }
        seen.push(name);
        for (k, t) in terms.iter().enumerate() {
            check(&format!("variable '{name}': term"), &t.name)?;
            if terms[..k].iter().any(|u| u.name.eq_ignore_ascii_case(&t.name)) {
                return Err(problem(
                    format!("variable '{name}': term name '{}' is used twice", t.name),
                    &t.name,
                    2,
                ));
            }
        }
    }
    Ok(())
}
