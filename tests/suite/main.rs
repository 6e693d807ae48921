//! Cross-crate integration tests, one module per area.

mod conformance;
mod engine;
mod properties;
mod util;
mod validation;
