//! Timing a controller: the input points shared by `fuzzyopt bench`, the criterion benchmark
//! (`benches/inference.rs`) and `examples/eval_blocks.rs`, so that all three time the same
//! inputs, and the timing loop of `fuzzyopt bench`.

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

/// Nanoseconds per evaluation: the median, fastest and slowest of seven timed runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    /// median of the seven runs
    pub median_ns: f64,
    /// fastest run
    pub min_ns: f64,
    /// slowest run
    pub max_ns: f64,
    /// evaluations per run
    pub evaluations: u32,
}

/// Times `evaluations` evaluations (cycling through `points`) seven times.
pub fn time_evaluations(controller: &Controller<'_>, points: &[Vec<f32>], evaluations: u32) -> Timing {
    let mut scratch = vec![0.0f32; controller.scratch_len()];
    let mut outputs = vec![0.0f32; controller.output_count()];
    let mut samples = [0.0f64; 7];
    for sample in &mut samples {
        let start = std::time::Instant::now();
        for point in points.iter().cycle().take(evaluations as usize) {
            let status = controller.evaluate(std::hint::black_box(point), &mut scratch, &mut outputs);
            std::hint::black_box((status, &outputs));
        }
        *sample = start.elapsed().as_nanos() as f64 / f64::from(evaluations.max(1));
    }
    samples.sort_by(f64::total_cmp);
    Timing {
        median_ns: samples[3],
        min_ns: samples[0],
        max_ns: samples[6],
        evaluations,
    }
}
