//! Time per evaluation of the reference controllers, measured in many blocks, with the
//! spread: on a shared or noisy machine the criterion estimate (`cargo bench --bench
//! inference`) mixes quiet and disturbed periods; this prints the fastest block (the
//! machine at its quietest), the median block and the slowest.
//!
//! Usage: `cargo run --release --example eval_blocks [CONTROLLER...]` with controllers out of
//! `pd_mamdani pd_sugeno grid_5x5x5 mixed` (default: the first two). Inputs cycle through
//! the same 64 points as the criterion benchmark (spread over and slightly beyond each
//! range); the controller is reached through a reference, as firmware would, so nothing
//! about it is known at compile time.
//!
//! Two rows per controller: `independent` evaluations (as the criterion benchmark: the
//! processor may overlap consecutive ones) and `serial` ones, where the first input of each
//! evaluation depends on the previous output (`x + 1e-30 · u`, which leaves `x` unchanged),
//! as in a control loop where the plant closes the loop: the latency of one evaluation.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use fuzzy_core::Controller;
use optimizer::bench::input_points;
use testkit::reference::{GRID_5X5X5, MIXED, PD_MAMDANI, PD_SUGENO};

/// Blocks per controller.
const BLOCKS: usize = 60;

fn main() -> ExitCode {
    let mut names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        names = vec!["pd_mamdani".into(), "pd_sugeno".into()];
    }
    println!(
        "{:<12} {:<12} {:>10} {:>10} {:>10}   (ns per evaluation, {BLOCKS} blocks)",
        "controller", "evaluations", "fastest", "median", "slowest"
    );
    for name in names {
        let controller: &Controller<'static> = match name.as_str() {
            "pd_mamdani" => &PD_MAMDANI,
            "pd_sugeno" => &PD_SUGENO,
            "grid_5x5x5" => &GRID_5X5X5,
            "mixed" => &MIXED,
            other => {
                eprintln!(
                    "unknown controller {other:?}: expected pd_mamdani, pd_sugeno, grid_5x5x5 or mixed"
                );
                return ExitCode::FAILURE;
            }
        };
        let controller = black_box(controller);
        let points = input_points(controller);
        let mut scratch = vec![0.0f32; controller.scratch_len()];
        let mut outputs = vec![0.0f32; controller.output_count()];
        // About 0.05 s per block and mode whatever the controller's cost; the two modes
        // alternate block by block, so both see the same moments of the machine.
        let per_block = (10_000_000 / (controller.scratch_len() + 100)).max(5_000);
        let mut input = points[0].clone();
        let (mut independent, mut serial) = (Vec::new(), Vec::new());
        for _ in 0..BLOCKS {
            let start = Instant::now();
            let mut k = 0usize;
            for _ in 0..per_block {
                k = (k + 1) & 63;
                let status = controller.evaluate(black_box(&points[k]), &mut scratch, &mut outputs);
                black_box((status, outputs[0]));
            }
            independent.push(start.elapsed().as_secs_f64() * 1e9 / per_block as f64);
            let start = Instant::now();
            for _ in 0..per_block {
                k = (k + 1) & 63;
                input.copy_from_slice(&points[k]);
                input[0] += outputs[0] * 1e-30;
                let status = controller.evaluate(&input, &mut scratch, &mut outputs);
                black_box(status);
            }
            serial.push(start.elapsed().as_secs_f64() * 1e9 / per_block as f64);
        }
        for (mode, times) in [("independent", &mut independent), ("serial", &mut serial)] {
            times.sort_by(f64::total_cmp);
            println!(
                "{name:<12} {mode:<12} {:>10.1} {:>10.1} {:>10.1}",
                times[0],
                times[BLOCKS / 2],
                times[BLOCKS - 1]
            );
        }
    }
    ExitCode::SUCCESS
}
