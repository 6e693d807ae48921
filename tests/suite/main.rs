//! Cross-crate integration tests, one module per area.

// Tests may panic on unexpected errors: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod baselines;
mod closed_loop;
mod conformance;
mod corpus;
mod differential;
mod engine;
mod export;
mod firmware;
mod fixed_point;
mod fuzzy_pid;
mod hedges;
mod interop;
mod optimizer;
mod plants;
mod plots;
mod properties;
mod tuning;
mod util;
mod validation;
