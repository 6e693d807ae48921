//! Harness for `scripts/instruction-count.sh`: evaluates one reference controller on many
//! inputs, one call of `evaluate_once` per input, so that callgrind can count the
//! instructions of every single evaluation (`--toggle-collect` + `--dump-after`).
//!
//! Inputs (per controller, at least COUNT): every combination of the range ends, the range
//! midpoint, values 50 % outside the range on both sides, ±0, ±inf and NaN, then
//! pseudo-random values over the range widened by 50 %, with every tenth value replaced by a
//! special one (NaN, ±inf, a subnormal, ±0, ±f32::MAX): up to COUNT rows and never fewer than
//! 300 (a 3-input controller's grid alone has 1000 rows).
//!
//! `pd_mamdani_general` and `pd_sugeno_general` are the same engines with
//! [`Controller::without_window_kernels`] (the grid kernels, as firmware that wants every
//! read position independent of the input uses them).
//!
//! `pid_pd_mamdani` steps a [`FuzzyPid`] (PD + I with rate filter, rate limit and
//! back-calculation around the 7×7 Mamdani PD engine) through the same kind of inputs, read as
//! (setpoint, measurement) pairs, one call of `step_once` per pair.
//!
//! Usage: `fixed_time CONTROLLER [COUNT]` (the names in [`USAGE`]); prints the number of
//! evaluations.

use std::hint::black_box;
use std::process::ExitCode;

use fuzzy_core::{AntiWindup, Controller, FuzzyPid, FuzzyPidConfig, FuzzyPidState, Status, Structure};
use testkit::reference::{GRID_5X5X5, MIXED, PD_MAMDANI, PD_SUGENO};
use testkit::{XorShift, grid_rows};

#[inline(never)]
fn evaluate_once(
    controller: &Controller<'_>,
    inputs: &[f32],
    scratch: &mut [f32],
    outputs: &mut [f32],
) -> Status {
    controller.evaluate(black_box(inputs), scratch, outputs)
}

#[inline(never)]
fn step_once<const N: usize>(
    pid: &FuzzyPid<'_>,
    state: &mut FuzzyPidState<[f32; N]>,
    setpoint: f32,
    measurement: f32,
) -> f32 {
    pid.step(state, black_box(setpoint), black_box(measurement))
        .output
}

/// The controllers this harness evaluates.
const USAGE: &str =
    "pd_mamdani|pd_sugeno|pd_mamdani_general|pd_sugeno_general|mixed|grid_5x5x5|pid_pd_mamdani";

const PID_SCRATCH: usize = PD_MAMDANI.scratch_len();

/// Every option that adds work switched on.
const PID_CONFIG: FuzzyPidConfig = FuzzyPidConfig {
    integral_gain: 0.5,
    derivative_filter_s: 0.05,
    rate_limit: 50.0,
    anti_windup: AntiWindup::BackCalculation { tracking_time_s: 0.1 },
    ..FuzzyPidConfig::new(Structure::PdPlusI, 0.01)
};

fn run_pid(count: usize) -> ExitCode {
    let Ok(pid) = FuzzyPid::new(PD_MAMDANI, PID_CONFIG) else {
        return ExitCode::FAILURE;
    };
    let Ok(mut state) = pid.state::<PID_SCRATCH>() else {
        return ExitCode::FAILURE;
    };
    let rows = input_rows(&PD_MAMDANI, count);
    for row in &rows {
        let u = step_once(&pid, &mut state, row[0], row[1]);
        if !u.is_finite() {
            eprintln!("non-finite output for {row:?}");
            return ExitCode::FAILURE;
        }
    }
    println!("{} steps", rows.len());
    ExitCode::SUCCESS
}

const SPECIAL: [f32; 7] = [
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    1e-40,
    -0.0,
    f32::MAX,
    -f32::MAX,
];

/// Random rows after the grid of special values, however large the grid.
const MIN_RANDOM_ROWS: usize = 300;

fn input_rows(controller: &Controller<'_>, count: usize) -> Vec<Vec<f32>> {
    let ranges: Vec<(f32, f32)> = controller.def().inputs.iter().map(|v| (v.min, v.max)).collect();
    let axes: Vec<Vec<f32>> = ranges
        .iter()
        .map(|&(min, max)| {
            let width = max - min;
            [
                min,
                max,
                0.5 * (min + max),
                min - 0.5 * width,
                max + 0.5 * width,
                0.0,
                -0.0,
            ]
            .into_iter()
            .chain(SPECIAL[..3].iter().copied())
            .collect()
        })
        .collect();
    let mut rows = grid_rows(&axes);
    let mut rng = XorShift(0x9e37_79b9);
    let mut k = 0;
    let total = count.max(rows.len() + MIN_RANDOM_ROWS);
    while rows.len() < total {
        let row = ranges
            .iter()
            .map(|&(min, max)| {
                k += 1;
                if k % 10 == 0 {
                    SPECIAL[(k / 10) % SPECIAL.len()]
                } else {
                    min + (max - min) * (2.0 * rng.unit() - 0.5)
                }
            })
            .collect();
        rows.push(row);
    }
    rows
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let count = args.get(2).and_then(|c| c.parse().ok()).unwrap_or(1000);
    let controller = match args.get(1).map(String::as_str) {
        Some("pd_mamdani") => PD_MAMDANI,
        Some("pd_sugeno") => PD_SUGENO,
        Some("pd_mamdani_general") => PD_MAMDANI.without_window_kernels(),
        Some("pd_sugeno_general") => PD_SUGENO.without_window_kernels(),
        Some("mixed") => MIXED,
        Some("grid_5x5x5") => GRID_5X5X5,
        Some("pid_pd_mamdani") => return run_pid(count),
        _ => {
            eprintln!("usage: fixed_time {USAGE} [COUNT]");
            return ExitCode::from(2);
        }
    };
    let controller = &controller;
    let rows = input_rows(controller, count);
    let mut scratch = vec![0.0f32; controller.scratch_len()];
    let mut outputs = vec![0.0f32; controller.output_count()];
    let mut flagged = 0;
    for row in &rows {
        let status = evaluate_once(controller, row, &mut scratch, &mut outputs);
        flagged += usize::from(!status.is_ok());
        if outputs.iter().any(|y| !y.is_finite()) {
            eprintln!("non-finite output for {row:?}");
            return ExitCode::FAILURE;
        }
    }
    println!("{} evaluations ({flagged} with status flags)", rows.len());
    ExitCode::SUCCESS
}
