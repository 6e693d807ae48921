#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
// `!(a < b)` is deliberate throughout: it is true for NaN, which is what validation wants.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod controller;
mod def;
pub mod defuzzify;
mod error;
mod eval;
pub mod fixed;
pub mod fuzzy_pid;
pub mod layout;
pub mod math;
pub mod membership;
pub mod norm;
pub mod rule;
#[cfg(feature = "alloc")]
pub mod spec;
mod status;
mod variable;

pub use controller::{Controller, MAX_PARAMETER};
pub use def::{
    ControllerDef, Inference, MAX_INPUTS, MAX_OUTPUTS, MAX_RULES, MAX_SAMPLES, MAX_TERMS_PER_VARIABLE,
};
pub use defuzzify::{Defuzzifier, MAXIMUM_TOLERANCE, Sampling};
pub use error::{Error, Variable};
pub use fuzzy_pid::{
    AntiWindup, ConfigError, ControlOutput, DerivativeOn, FuzzyPid, FuzzyPidConfig, FuzzyPidState, Parameter,
    Structure,
};
pub use layout::{
    EDGE_LANES, SAMPLE_BLOCK, SAMPLE_ROW, Slots, fill_rule_slots, fill_sample_table, fill_tables, rule_slots,
    sample_len, sample_table, table_len, tables,
};
pub use membership::{Membership, Term};
pub use norm::{NORM_TOLERANCE, SNorm, TNorm};
pub use rule::{Connective, Hedge, Hedged, MAX_HEDGES, Rule};
#[cfg(feature = "alloc")]
pub use spec::{
    ControllerSpec, InputSpec, OutputSpec, OwnedController, RuleSpec, Shape, SpecError, TermSpec,
};
pub use status::Status;
pub use variable::{Fallback, InputVariable, OutOfRange, OutputVariable, TermRange};
