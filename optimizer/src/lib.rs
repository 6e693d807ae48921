//! Tuning of `fuzzy-core` controllers, reports, and the `fuzzyopt` CLI.
//!
//! - [`job`]: the TOML job file (plant, scenarios, template, what to tune, objective,
//!   algorithm) with checked values;
//! - [`encoding`]: genome ↔ controller, every genome valid;
//! - [`objective`]: closed-loop cost from `sim`;
//! - [`ga`]: the genetic algorithm as an argmin solver (PSO is argmin's);
//! - [`start`]: the PID-equivalent fuzzy controller every search starts from;
//! - [`run`]: a whole tuning run with baselines;
//! - [`surface`]: monotonicity, roughness and the rule table of a 2-input controller;
//! - [`report`]: the output folder (controller files, metrics, plots, convergence);
//!
//! Controller files (JSON, `.fis`, `.fcl`, `.fll`) and the Rust/C exporters are the
//! `fuzzy-files` crate's.

pub mod bench;
pub mod cmaes;
pub mod commands;
pub mod encoding;
pub mod ga;
pub mod job;
pub mod objective;
pub mod report;
pub mod run;
pub mod start;
pub mod surface;
