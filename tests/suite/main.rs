//! Cross-crate integration tests, one module per area.

mod conformance;
mod engine;
mod util;
mod validation;
