//! Helpers shared by the test modules.

use fuzzy_core::{Controller, Status};

/// `|actual - expected| <= tolerance`, with a message naming both.
pub fn assert_close(actual: f32, expected: f64, tolerance: f64) {
    let error = (f64::from(actual) - expected).abs();
    assert!(
        error <= tolerance,
        "got {actual}, expected {expected} (|error| {error:e} > {tolerance:e})"
    );
}

/// Evaluates with fresh buffers (outputs start at 0).
pub fn evaluate(controller: &Controller<'_>, inputs: &[f32]) -> (Vec<f32>, Status) {
    let mut scratch = vec![0.0; controller.scratch_len()];
    let mut outputs = vec![0.0; controller.output_count()];
    let status = controller.evaluate(inputs, &mut scratch, &mut outputs);
    (outputs, status)
}
