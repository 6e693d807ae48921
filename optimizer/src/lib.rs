//! Tuning of `fuzzy-core` controllers, reports, and the `fuzzyopt` CLI.
//!
//! - [`job`]: the TOML job file (plant, scenarios, template, what to tune, objective,
//!   algorithm) with checked values;
//! - [`encoding`]: genome ↔ controller, every genome valid;
//! - [`objective`]: closed-loop cost from `sim`;
//! - [`ga`]: the genetic algorithm as an argmin solver (PSO is argmin's);
//! - [`cmaes`]: CMA-ES with IPOP restarts as an argmin solver, also the final polish;
//! - [`start`]: the PID-equivalent fuzzy controller every search starts from;
//! - [`run`]: a whole tuning run with baselines;
//! - [`surface`]: monotonicity, roughness and the rule table of a 2-input controller;
//! - [`report`]: the output folder (controller files, metrics, plots, convergence);
//! - [`bench`](mod@bench): timing a controller (`fuzzyopt bench`, the criterion benchmark);
//! - [`commands`]: the work behind each `fuzzyopt` subcommand, with typed errors and exit
//!   codes (the binary in `src/bin/fuzzyopt` parses arguments and prints);
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
