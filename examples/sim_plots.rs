//! Writes one plot of each kind into a folder (default `target/plots`): a step-response
//! overlay of a fuzzy PD + I controller against SIMC and AMIGO PIDs on a second-order plant
//! with dead time, the 7×7 controller's control surface and membership functions, and a
//! time-series plot of the three runs' absolute errors on a log scale.
//!
//! Usage: `cargo run --release --example sim_plots [DIR]`

use std::path::Path;
use std::process::ExitCode;

use fuzzy_core::{FuzzyPidConfig, Structure};
use sim::baseline::{amigo, process_models, simc};
use sim::closed_loop::{Actuator, LoadDisturbance, Scenario, SetpointProfile, simulate};
use sim::control::{ControlLaw, FuzzyController, Pid};
use sim::plant::PlantSpec;
use sim::plant::spec::SecondOrder;
use sim::plot::{Curve, Series, control_surface, membership_functions, step_response, time_series};
use testkit::reference::{PD_MAMDANI, pd_mamdani_spec};

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/plots".to_string());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    let ts = 0.02;
    let plant = PlantSpec::SecondOrder(SecondOrder {
        gain: 1.0,
        damping: 0.7,
        natural_frequency: 1.5,
        delay: 0.2,
    });
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 1.0, at: 0.5 },
        disturbances: vec![LoadDisturbance {
            at: 12.0,
            value: -0.3,
        }],
        actuator: Actuator {
            min: -3.0,
            max: 3.0,
            rate_limit: f64::INFINITY,
        },
        ..Scenario::step(ts, 20.0)
    };
    let (first, second) = process_models(&plant, ts, 4, 0.0, 1.0, 30.0)?;
    let mut fuzzy = FuzzyController::new(
        PD_MAMDANI,
        FuzzyPidConfig {
            error_gain: 1.0,
            rate_gain: 0.5,
            output_gain: 2.0,
            integral_gain: 1.0,
            derivative_filter_s: 0.05,
            output_min: -3.0,
            output_max: 3.0,
            ..FuzzyPidConfig::new(Structure::PdPlusI, ts as f32)
        },
    )?;
    let mut simc_pid = Pid::new(simc(&second, ts), ts);
    let mut amigo_pid = Pid::new(amigo(&first, ts), ts);
    let mut runs = Vec::new();
    for (label, controller) in [
        ("fuzzy PD + I (7×7)", &mut fuzzy as &mut dyn ControlLaw),
        ("PID, SIMC", &mut simc_pid),
        ("PID, AMIGO", &mut amigo_pid),
    ] {
        let mut model = plant.build(ts, 4)?;
        runs.push((label, simulate(model.as_mut(), controller, &scenario)?));
    }
    let series: Vec<Series<'_>> = runs
        .iter()
        .map(|(label, t)| Series { label, trajectory: t })
        .collect();
    let mut written = step_response(
        &dir.join("step"),
        "Second order (ζ = 0.7, ωn = 1.5 rad/s) + 0.2 s dead time",
        &series,
        "output y",
        "control u",
    )?;
    written.extend(control_surface(
        &dir.join("surface"),
        "7×7 PD controller: u(e, Δe)",
        &PD_MAMDANI,
        ["e", "Δe", "u"],
        101,
    )?);
    let owned = pd_mamdani_spec().compile()?;
    written.extend(membership_functions(
        &dir.join("membership"),
        "7×7 PD controller",
        &owned,
    )?);
    let curves: Vec<Curve> = runs
        .iter()
        .map(|(label, t)| Curve {
            label: label.to_string(),
            points: t
                .time
                .iter()
                .zip(t.error())
                .map(|(x, e)| (*x, e.abs().max(1e-6)))
                .collect(),
        })
        .collect();
    written.extend(time_series(
        &dir.join("errors"),
        "Absolute error",
        "time (s)",
        "|r − y|",
        &curves,
        true,
    )?);
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
