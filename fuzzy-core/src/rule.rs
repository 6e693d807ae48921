//! Rules in MATLAB's numeric form.
//!
//! A rule is a row of term indices, one per input then one per output: `k > 0` means
//! "variable IS term k" (1-based, in the variable's own term list), `-k` means "IS NOT term k",
//! `0` means "input not used" / "output not concluded by this rule". The rows of all rules are
//! stored back to back in [`crate::ControllerDef::rule_terms`]; per-rule settings are in
//! [`Rule`].

/// How a rule combines its antecedents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Connective {
    /// The controller's AND T-norm over the used antecedents.
    #[default]
    And,
    /// The controller's OR S-norm over the used antecedents.
    Or,
}

/// Per-rule settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// weight in [0, 1] multiplying the firing strength
    pub weight: f32,
    /// AND or OR rule
    pub connective: Connective,
}

impl Rule {
    /// An AND rule with weight 1.
    pub const AND: Rule = Rule {
        weight: 1.0,
        connective: Connective::And,
    };
    /// An OR rule with weight 1.
    pub const OR: Rule = Rule {
        weight: 1.0,
        connective: Connective::Or,
    };
}

/// Most hedges on one antecedent ([`Hedged::hedges`]).
pub const MAX_HEDGES: usize = 4;

/// A linguistic hedge: a function of a degree in [0, 1] that modifies an antecedent
/// (`x IS very small`). fuzzylite's set with its formulas, plus the powers of Octave's
/// fuzzy-logic-toolkit, which a `.fis` rule line encodes in the decimal part of a term
/// number (`2.20` = "very term 2", see `fuzzy-files`).
///
/// Every hedge is computed with a fixed instruction sequence (the two-sided ones select
/// between their halves), maps [0, 1] into [0, 1] and keeps 0 and 1 where its formula does.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Hedge {
    /// `1 - x`
    Not,
    /// `x²`
    Very,
    /// `√x`
    Somewhat,
    /// fuzzylite's contrast intensification: `2x²` for `x <= 0.5`, else `1 - 2(1 - x)²`
    Extremely,
    /// fuzzylite's contrast diffusion: `√(x/2)` for `x <= 0.5`, else `1 - √((1 - x)/2)`
    Seldom,
    /// `1` whatever the degree (`x IS any`: the term is not evaluated)
    Any,
    /// `x^p` for `0 < p <= 16` (Octave's hedges: 0.5 "somewhat", 2 "very", 3 "extremely",
    /// 4 "very very", other values custom)
    Power(f32),
}

impl Hedge {
    /// Largest [`Hedge::Power`] exponent accepted.
    pub const MAX_POWER: f32 = 16.0;

    /// The hedge applied to degree `x` (a value in [0, 1]).
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        // `select` (opaque mask), not a compare-driven select: LLVM would otherwise turn the
        // two halves of `extremely`/`seldom` into two branches with a square root each.
        use crate::math::rt::{exp2, log2, select, sqrt};
        match self {
            Hedge::Not => 1.0 - x,
            Hedge::Very => x * x,
            Hedge::Somewhat => sqrt(x),
            Hedge::Extremely => {
                let low = x <= 0.5;
                let d = select(low, x, 1.0 - x);
                let y = 2.0 * d * d;
                select(low, y, 1.0 - y)
            }
            Hedge::Seldom => {
                let low = x <= 0.5;
                let y = sqrt(0.5 * select(low, x, 1.0 - x));
                select(low, y, 1.0 - y)
            }
            Hedge::Any => 1.0,
            // 0^p = 0; log2 would give -127 there and exp2 a tiny positive number.
            Hedge::Power(p) => select(x > 0.0, exp2(p * log2(x)), 0.0),
        }
    }

    /// Whether the hedge is usable: a [`Hedge::Power`] exponent must be finite, positive
    /// and at most [`Hedge::MAX_POWER`].
    pub const fn is_valid(self) -> bool {
        match self {
            Hedge::Power(p) => p > 0.0 && p <= Self::MAX_POWER,
            _ => true,
        }
    }

    /// fuzzylite's name of the hedge (`not`, `very`, …); `None` for a power, which
    /// fuzzylite does not have.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Hedge::Not => "not",
            Hedge::Very => "very",
            Hedge::Somewhat => "somewhat",
            Hedge::Extremely => "extremely",
            Hedge::Seldom => "seldom",
            Hedge::Any => "any",
            Hedge::Power(_) => return None,
        })
    }

    /// The hedge with fuzzylite name `name` (not a power).
    pub fn from_name(name: &str) -> Option<Hedge> {
        [
            Hedge::Not,
            Hedge::Very,
            Hedge::Somewhat,
            Hedge::Extremely,
            Hedge::Seldom,
            Hedge::Any,
        ]
        .into_iter()
        .find(|h| h.name().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }
}

impl core::fmt::Display for Hedge {
    /// fuzzylite's name, or `power p`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match (self.name(), self) {
            (Some(name), _) => f.write_str(name),
            (None, Hedge::Power(p)) => write!(f, "power {p}"),
            (None, _) => Ok(()),
        }
    }
}

/// Hedges on one antecedent: input `input` of rule `rule` reads
/// `hedges[0](hedges[1](…(degree)))` (written order, the last one next to the term) instead
/// of the plain degree, and `1 -` that when its term number is negative (NOT outside the
/// hedges, as in Octave's `-2.20` = "not very term 2").
///
/// A term number 0 with `Any` as the innermost hedge is `x IS any` (degree 1 whatever the
/// input, then the outer hedges). [`crate::ControllerDef::hedged`] lists the hedged
/// antecedents in column order: by input, then by rule.
#[derive(Clone, Copy, Debug)]
pub struct Hedged {
    /// rule index
    pub rule: u16,
    /// input index
    pub input: u8,
    /// how many entries of `hedges` are used (1 to [`MAX_HEDGES`])
    pub count: u8,
    /// the hedges in written order; entries past `count` are ignored
    pub hedges: [Hedge; MAX_HEDGES],
}

/// Equal when rule, input and the used hedges are (entries past `count` are ignored).
impl PartialEq for Hedged {
    fn eq(&self, other: &Self) -> bool {
        (self.rule, self.input, self.count) == (other.rule, other.input, other.count)
            && self.chain() == other.chain()
    }
}

impl Hedged {
    /// The used hedges, in written order.
    pub fn chain(&self) -> &[Hedge] {
        self.hedges.get(..self.count as usize).unwrap_or(&self.hedges)
    }

    /// The hedges applied to degree `x`, innermost first.
    #[inline]
    pub fn apply(&self, x: f32) -> f32 {
        self.chain().iter().rev().fold(x, |x, h| h.apply(x))
    }
}
