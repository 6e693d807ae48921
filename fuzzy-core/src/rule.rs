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
