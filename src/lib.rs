//! Reference controllers shared by the workspace's integration tests, benchmarks, examples
//! and instruction-count harness. They are written by hand as `static`s, exactly as a
//! firmware engineer (or the optimizer's Rust exporter) would write them, and validated at
//! compile time.

pub mod conformance;
pub mod reference;
