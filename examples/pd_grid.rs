//! Evaluates the reference 7×7 PD controllers (Mamdani and Sugeno) over a grid of error and
//! error-rate values and prints the control surface as a table, with the status of any
//! evaluation that took a fallback.
//!
//! `cargo run --release --example pd_grid [POINTS]` (default 11 points per axis).

use std::process::ExitCode;

use fuzzy_core::Controller;
use testkit::reference::{PD_MAMDANI, PD_SUGENO};

fn print_surface(name: &str, controller: &Controller<'_>, points: usize) {
    let mut scratch = vec![0.0f32; controller.scratch_len()];
    let mut u = [0.0f32];
    let axis: Vec<f32> = (0..points)
        .map(|i| -1.0 + 2.0 * i as f32 / (points - 1) as f32)
        .collect();
    println!("{name}: u(e, de), e down, de across");
    print!("{:>7} |", "e \\ de");
    for de in &axis {
        print!("{de:>7.2}");
    }
    println!();
    println!("{}", "-".repeat(9 + 7 * points));
    for e in &axis {
        print!("{e:>7.2} |");
        for de in &axis {
            let status = controller.evaluate(&[*e, *de], &mut scratch, &mut u);
            let mark = if status.is_ok() { ' ' } else { '*' };
            // Print values that round to zero as 0.000, not -0.000.
            let shown = if u[0].abs() < 5e-4 { 0.0 } else { u[0] };
            print!("{shown:>6.3}{mark}");
        }
        println!();
    }
    println!();
}

fn main() -> ExitCode {
    let points = match std::env::args().nth(1).map(|p| p.parse::<usize>()) {
        None => 11,
        Some(Ok(p)) if (2..=41).contains(&p) => p,
        Some(_) => {
            eprintln!("usage: pd_grid [POINTS]   (POINTS per axis, 2 to 41)");
            return ExitCode::from(2);
        }
    };
    print_surface(
        "7x7 PD Mamdani (min/max, centroid, 101 points)",
        &PD_MAMDANI,
        points,
    );
    print_surface(
        "7x7 PD Sugeno (product AND, weighted average)",
        &PD_SUGENO,
        points,
    );
    println!("(* = status flag set; none expected on this grid)");
    ExitCode::SUCCESS
}
