//! Input points for timing a controller, shared by `fuzzyopt bench`, the criterion benchmark
//! (`benches/inference.rs`) and `examples/eval_blocks.rs`, so that all three time the same
//! inputs.

use fuzzy_core::Controller;

/// 64 input points spread over (and 5 % beyond) every input range, each input on its own
/// stride so that the points cover the input space rather than its diagonal; range
/// handling is included in what is timed.
pub fn input_points(controller: &Controller<'_>) -> Vec<Vec<f32>> {
    (0..64)
        .map(|k| {
            controller
                .def()
                .inputs
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let t = ((k * (2 * i + 3) + i * 7) % 64) as f32 / 63.0;
                    v.min + (v.max - v.min) * (1.1 * t - 0.05)
                })
                .collect()
        })
        .collect()
}
