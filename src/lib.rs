//! Reference controllers shared by the workspace's integration tests, benchmarks, examples
//! and instruction-count harness. They are written by hand as `static`s, exactly as a
//! firmware engineer (or the optimizer's Rust exporter) would write them, and validated at
//! compile time.

pub mod conformance;
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
