//! Reference controllers shared by the workspace's integration tests, benchmarks, examples
//! and instruction-count harness. They are written by hand as `static`s, exactly as a
//! firmware engineer (or the optimizer's Rust exporter) would write them, and validated at
//! compile time.
//!
//! - [`reference`](mod@reference): the hand-written reference controllers;
//! - [`conformance`]: the conformance cases checked against fuzzylite's outputs;
//! - [`random`]: the random controller generator of the property and differential tests.
//!
//! The package also declares the workspace's integration tests (`tests/suite/`), criterion
//! benchmarks (`benches/`) and examples (`examples/`), which live at the top of the
//! repository.

pub mod conformance;
pub mod random;
pub mod reference;

/// A small deterministic generator (xorshift32) for reproducible input sets in tests,
/// benchmarks and harnesses.
pub struct XorShift(pub u32);

impl XorShift {
    /// Next value, uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32
    }
}

/// Every combination of one value per axis (the rows of a grid), first axis slowest.
pub fn grid_rows(axes: &[Vec<f32>]) -> Vec<Vec<f32>> {
    axes.iter().fold(vec![Vec::new()], |rows, axis| {
        rows.into_iter()
            .flat_map(|row| {
                axis.iter().map(move |x| {
                    let mut r = row.clone();
                    r.push(*x);
                    r
                })
            })
            .collect()
    })
}

/// The repository's top directory (tests read `tests/data/`, `examples/jobs/` and the
/// README from there).
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
