//! Input and output variables: ranges, terms, out-of-range policy, defuzzification settings.

use crate::defuzzify::{Defuzzifier, Sampling};

/// The terms of one variable: `count` consecutive entries of the controller's term list
/// starting at `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermRange {
    /// index of the variable's first term in [`crate::ControllerDef::terms`]
    pub start: u16,
    /// number of terms (at least 1)
    pub count: u16,
}

impl TermRange {
    /// `count` terms from `start` on.
    pub const fn new(start: u16, count: u16) -> TermRange {
        TermRange { start, count }
    }

    /// One past the last term index.
    pub const fn end(&self) -> usize {
        self.start as usize + self.count as usize
    }
}

/// What an input outside `[min, max]` is evaluated as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum OutOfRange {
    /// Clamp to the nearest range end (default; the status reports `INPUT_CLAMPED`).
    #[default]
    Clamp,
    /// Evaluate the membership functions at the value itself (MATLAB's and fuzzylite's
    /// behaviour). Infinite inputs are still clamped to the range ends.
    Extend,
}

/// Output used when an output cannot be computed: an input is NaN (or missing), or no rule
/// fired (the aggregated fuzzy set is empty / the Sugeno weights sum to zero).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Fallback {
    /// The middle of the output range (MATLAB's convention; default).
    #[default]
    Midpoint,
    /// A fixed value (must lie inside the output range).
    Value(f32),
    /// Keep the previous output (the value found in the caller's output buffer); a
    /// non-finite previous value is replaced by the range midpoint.
    Hold,
}

/// An input variable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputVariable {
    /// lower end of the range
    pub min: f32,
    /// upper end of the range (greater than `min`)
    pub max: f32,
    /// the variable's terms
    pub terms: TermRange,
    /// evaluation of values outside the range
    pub out_of_range: OutOfRange,
}

impl InputVariable {
    /// Input over `[min, max]` with `terms`, clamping out-of-range values.
    pub const fn new(min: f32, max: f32, terms: TermRange) -> InputVariable {
        InputVariable {
            min,
            max,
            terms,
            out_of_range: OutOfRange::Clamp,
        }
    }
}

/// An output variable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutputVariable {
    /// lower end of the range
    pub min: f32,
    /// upper end of the range (greater than `min`)
    pub max: f32,
    /// the variable's terms
    pub terms: TermRange,
    /// how the aggregated result becomes a crisp value
    pub defuzzifier: Defuzzifier,
    /// where Mamdani defuzzifiers sample the output range (ignored by Sugeno)
    pub sampling: Sampling,
    /// output when it cannot be computed
    pub fallback: Fallback,
    /// clamp the crisp output to `[min, max]`. Mamdani outputs always lie in the range;
    /// for Sugeno outputs this is fuzzylite's `lock-range` (off in MATLAB and fuzzylite).
    pub lock_range: bool,
}

impl OutputVariable {
    /// Output over `[min, max]` with MATLAB's defaults: 101 sample points with both ends
    /// included, midpoint fallback, range not locked.
    pub const fn new(min: f32, max: f32, terms: TermRange, defuzzifier: Defuzzifier) -> OutputVariable {
        OutputVariable {
            min,
            max,
            terms,
            defuzzifier,
            sampling: Sampling::MATLAB,
            fallback: Fallback::Midpoint,
            lock_range: false,
        }
    }

    /// Range midpoint.
    pub const fn midpoint(&self) -> f32 {
        0.5 * self.min + 0.5 * self.max
    }
}
