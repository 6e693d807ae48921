//! The controller description: [`ControllerDef`], its [`Inference`] and the size limits.

#[cfg(doc)]
use crate::Controller;
use crate::membership::Term;
use crate::norm::{SNorm, TNorm};
use crate::rule::{Hedged, Rule};
use crate::variable::{InputVariable, OutputVariable};

/// Most inputs a controller may have.
pub const MAX_INPUTS: usize = 16;
/// Most outputs a controller may have.
pub const MAX_OUTPUTS: usize = 8;
/// Most terms one variable may have (rule rows store term numbers as `i8`).
pub const MAX_TERMS_PER_VARIABLE: usize = 127;
/// Most rules a controller may have.
pub const MAX_RULES: usize = 4096;
/// Most sample points of one Mamdani output.
pub const MAX_SAMPLES: usize = 16_384;

/// Inference method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Inference {
    /// Mamdani: each rule clips or scales its consequent set (`implication`), the sets are
    /// combined point-wise (`aggregation`) and defuzzified.
    Mamdani {
        /// T-norm applied between a rule's activation and its consequent set
        implication: TNorm,
        /// S-norm combining the implied sets
        aggregation: SNorm,
    },
    /// Takagi–Sugeno (zero or first order): each rule proposes a constant or a linear
    /// function of the inputs, weighted by its activation.
    Sugeno,
}

/// Everything that describes a controller, in flat, exactly sized slices, so that it can be
/// a `static` in flash, written by hand or by a generator.
///
/// `terms` holds the terms of input 1, input 2, …, then of output 1, …; each variable names
/// its slice with a [`crate::TermRange`]. Rule `r` has settings `rules[r]` and term numbers
/// `rule_terms[r * (I + O) ..][.. I + O]` (see [`crate::rule`]). `rule_slots`, `samples`
/// and `tables` are derived from the rest by the `const fn`s of [`crate::layout`]
/// ([`crate::rule_slots`], [`crate::sample_table`], [`crate::tables`]) or by
/// [`crate::OwnedController`]; their layout is described there.
///
/// The derived tables are checked by [`Controller::new`] against a fresh computation,
/// so a stale table is an error, never a wrong result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControllerDef<'a> {
    /// Mamdani or Sugeno
    pub inference: Inference,
    /// T-norm of AND rules
    pub and: TNorm,
    /// S-norm of OR rules
    pub or: SNorm,
    /// input variables
    pub inputs: &'a [InputVariable],
    /// output variables
    pub outputs: &'a [OutputVariable],
    /// all terms, inputs first
    pub terms: &'a [Term],
    /// parameter pool of points and linear terms
    pub params: &'a [f32],
    /// per-rule settings
    pub rules: &'a [Rule],
    /// per-rule term numbers, one row of `inputs + outputs` entries per rule
    pub rule_terms: &'a [i8],
    /// the antecedents that carry hedges, in column order (by input, then rule); empty for
    /// most controllers (see [`Hedged`])
    pub hedged: &'a [Hedged],
    /// `rule_terms` compiled to working-array positions (derived, see [`crate::layout::rule_slots`])
    pub rule_slots: &'a [u16],
    /// sampled output terms (Mamdani)
    pub samples: &'a [f32],
    /// input edges and Sugeno rule constants laid out for vector code (derived, see
    /// [`crate::layout::tables`])
    pub tables: &'a [f32],
}
