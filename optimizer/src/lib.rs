//! Tuning, export and interoperability for `fuzzy-core` controllers, and the `fuzzyopt` CLI.
//!
//! - [`job`]: the TOML job file (plant, scenarios, template, what to tune, objective,
//!   algorithm) with checked values;
//! - [`encoding`]: genome ↔ controller, every genome valid;
//! - [`objective`]: closed-loop cost from `sim`;
//! - [`ga`]: the genetic algorithm as an argmin solver (PSO is argmin's);
//! - [`run`]: a whole tuning run with baselines;
//! - [`report`]: the output folder (controller files, metrics, plots, convergence);
//! - [`export`]: Rust source for firmware; [`interop`]: fuzzylite FLL.

pub mod bench;
pub mod encoding;
pub mod export;
pub mod ga;
pub mod interop;
pub mod job;
pub mod objective;
pub mod report;
pub mod run;
