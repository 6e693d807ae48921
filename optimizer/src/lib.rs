//! Tuning, export and interoperability for `fuzzy-core` controllers.
//!
//! So far: writing controllers in fuzzylite's FLL format ([`interop::fll`]), used to run
//! fuzzylite as a differential oracle. The genetic algorithm, particle swarm, exporters and
//! the `fuzzyopt` CLI build on this crate.

pub mod interop;
