//! Tuning, export and interoperability for `fuzzy-core` controllers.
//!
//! So far: Rust source for firmware ([`export::rust`]) and fuzzylite's FLL format
//! ([`interop::fll`], used to run fuzzylite as a differential oracle). The genetic
//! algorithm, particle swarm, the other exporters and the `fuzzyopt` CLI build on this crate.

pub mod export;
pub mod interop;
