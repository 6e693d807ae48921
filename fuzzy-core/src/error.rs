//! Why a controller description was rejected.

use core::fmt;

/// A variable, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variable {
    /// input number `n` (0-based)
    Input(u8),
    /// output number `n` (0-based)
    Output(u8),
}

impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variable::Input(i) => write!(f, "input {}", i + 1),
            Variable::Output(o) => write!(f, "output {}", o + 1),
        }
    }
}

/// An invalid controller, found once when it is built ([`crate::Controller::new`]).
/// Indices are 0-based; the messages count from 1 like MATLAB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// A controller needs at least one input.
    NoInputs,
    /// A controller needs at least one output.
    NoOutputs,
    /// A controller needs at least one rule.
    NoRules,
    /// More inputs than [`crate::MAX_INPUTS`].
    TooManyInputs,
    /// More outputs than [`crate::MAX_OUTPUTS`].
    TooManyOutputs,
    /// More rules than [`crate::MAX_RULES`].
    TooManyRules,
    /// The term list is longer than 32766 or the parameter pool longer than 65535.
    TooManyTerms,
    /// A variable has no terms or more than [`crate::MAX_TERMS_PER_VARIABLE`].
    TermCount(Variable),
    /// A variable's range is inverted, empty or not finite.
    InvalidRange(Variable),
    /// A variable's term range lies outside the term list.
    TermsOutOfList(Variable),
    /// A term has a NaN or infinite parameter, or one beyond ±[`crate::MAX_PARAMETER`].
    NonFiniteParameter {
        /// the variable owning the term
        variable: Variable,
        /// term index within the variable
        term: u16,
    },
    /// A term's parameters are out of order or out of bounds (triangle `a <= b <= c`,
    /// points with decreasing `x` or degrees outside [0, 1], pool index out of range).
    InvalidParameters {
        /// the variable owning the term
        variable: Variable,
        /// term index within the variable
        term: u16,
    },
    /// A term of the wrong kind: a Sugeno function on an input or Mamdani output, a shape on
    /// a Sugeno output.
    WrongTermKind {
        /// the variable owning the term
        variable: Variable,
        /// term index within the variable
        term: u16,
    },
    /// A Sugeno defuzzifier on a Mamdani controller or the other way round.
    DefuzzifierMismatch(Variable),
    /// A Mamdani output sampled at fewer points than the sampling allows (or more than
    /// [`crate::MAX_SAMPLES`]).
    Resolution(Variable),
    /// A fallback value outside the output range or not finite.
    FallbackOutOfRange(Variable),
    /// `rules.len() * (inputs + outputs) != rule_terms.len()`.
    RuleTableLength {
        /// expected length of `rule_terms`
        expected: usize,
    },
    /// A rule names a term the variable does not have.
    RuleTerm {
        /// rule index
        rule: u16,
        /// the variable
        variable: Variable,
    },
    /// A rule concludes `output IS NOT term`, which neither engine defines.
    NegatedConsequent {
        /// rule index
        rule: u16,
        /// the output
        variable: Variable,
    },
    /// A hedged antecedent with no hedges or more than [`crate::rule::MAX_HEDGES`], a power
    /// outside (0, 16], or `any` innermost on a term number other than 0 (or a term number 0
    /// without `any` innermost).
    Hedge {
        /// rule index
        rule: u16,
        /// the input
        variable: Variable,
    },
    /// The hedged antecedents are not listed once each by input then rule, name a rule or
    /// input that does not exist, or are too many for the working array.
    HedgeList,
    /// A rule uses no input.
    RuleWithoutAntecedent(u16),
    /// A rule concludes no output.
    RuleWithoutConsequent(u16),
    /// A rule weight outside [0, 1] or not finite.
    RuleWeight(u16),
    /// `UnboundedSum` as the OR operator: rule strengths must stay in [0, 1] (it is allowed
    /// as an aggregation).
    UnboundedOr,
    /// The compiled rule table (`rule_slots`) does not match the rule terms.
    RuleSlots,
    /// The sampled output table does not have the expected length, or its values differ from
    /// the output terms sampled afresh (a table written for another controller).
    SampleTable {
        /// expected number of samples
        expected: usize,
    },
    /// The evaluation tables do not have the expected length, or their values differ from
    /// the ones computed afresh from the terms and rules.
    EvaluationTables {
        /// expected number of values
        expected: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::NoInputs => write!(f, "the controller has no inputs"),
            Error::NoOutputs => write!(f, "the controller has no outputs"),
            Error::NoRules => write!(f, "the controller has no rules"),
            Error::TooManyInputs => write!(f, "more than {} inputs", crate::MAX_INPUTS),
            Error::TooManyOutputs => write!(f, "more than {} outputs", crate::MAX_OUTPUTS),
            Error::TooManyRules => write!(f, "more than {} rules", crate::MAX_RULES),
            Error::TooManyTerms => write!(f, "more than 32766 terms or 65535 pool parameters"),
            Error::TermCount(v) => {
                write!(f, "{v}: needs 1 to {} terms", crate::MAX_TERMS_PER_VARIABLE)
            }
            Error::InvalidRange(v) => write!(f, "{v}: range must be finite with min < max"),
            Error::TermsOutOfList(v) => write!(f, "{v}: term range lies outside the term list"),
            Error::NonFiniteParameter { variable, term } => {
                write!(
                    f,
                    "{variable}, term {}: parameter is NaN, infinite or beyond ±1e30",
                    term + 1
                )
            }
            Error::InvalidParameters { variable, term } => write!(
                f,
                "{variable}, term {}: parameters out of order or out of bounds \
                 (e.g. triangle needs a <= b <= c, points need non-decreasing x and degrees in [0, 1])",
                term + 1
            ),
            Error::WrongTermKind { variable, term } => write!(
                f,
                "{variable}, term {}: constant/linear terms are only allowed on Sugeno outputs, \
                 and Sugeno outputs allow only constant/linear terms",
                term + 1
            ),
            Error::DefuzzifierMismatch(v) => write!(
                f,
                "{v}: Mamdani outputs need centroid/bisector/mom/som/lom, Sugeno outputs \
                 weighted average/sum"
            ),
            Error::Resolution(v) => write!(
                f,
                "{v}: sampling needs at least 2 points (1 interval) and at most {}",
                crate::MAX_SAMPLES
            ),
            Error::FallbackOutOfRange(v) => write!(f, "{v}: fallback value must lie in the range"),
            Error::RuleTableLength { expected } => {
                write!(f, "rule table must hold {expected} entries (rules x variables)")
            }
            Error::RuleTerm { rule, variable } => {
                write!(f, "rule {}: {variable} has no such term", rule + 1)
            }
            Error::NegatedConsequent { rule, variable } => {
                write!(f, "rule {}: {variable} cannot be concluded with NOT", rule + 1)
            }
            Error::Hedge { rule, variable } => write!(
                f,
                "rule {}: the hedges on {variable} must be 1 to {} of not/very/somewhat/\
                 extremely/seldom/any/power p (0 < p <= 16), with 'any' innermost exactly \
                 when no term is named",
                rule + 1,
                crate::rule::MAX_HEDGES
            ),
            Error::HedgeList => write!(
                f,
                "hedged antecedents must be listed once each, by input then by rule, for \
                 existing rules and inputs (and at most 65532 - 2 x terms of them)"
            ),
            Error::RuleWithoutAntecedent(r) => write!(f, "rule {}: uses no input", r + 1),
            Error::RuleWithoutConsequent(r) => write!(f, "rule {}: concludes no output", r + 1),
            Error::RuleWeight(r) => write!(f, "rule {}: weight must be in [0, 1]", r + 1),
            Error::UnboundedOr => write!(
                f,
                "OR operator: unbounded sum lets rule strengths exceed 1; use maximum, \
                 probabilistic or bounded sum (unbounded sum is allowed as aggregation)"
            ),
            Error::RuleSlots => write!(
                f,
                "compiled rule table must be the one rule_slots() computes from these rules"
            ),
            Error::SampleTable { expected } => write!(
                f,
                "sampled output table must hold the {expected} values computed by \
                 sample_table() for these outputs"
            ),
            Error::EvaluationTables { expected } => write!(
                f,
                "evaluation tables must hold the {expected} values computed by tables() \
                 for these inputs, outputs, terms and rules"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
