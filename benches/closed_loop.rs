//! Closed-loop simulation speed: what one candidate evaluation of the optimizer costs.
//!
//! Run: `cargo bench --bench closed_loop`.
//! - `fuzzy_pd_second_order`: 10 s at 1 kHz (10 001 samples) of the 7×7 Mamdani fuzzy PD
//!   (`FuzzyPid`, f32 engine) on a second-order plant (exact ZOH), with trajectory recording;
//!   target ≤ 3 ms.
//! - `pid_second_order`: the same loop with a PID, to separate the engine's share.
//! - `cart_pole_rk4`: 10 s at 1 kHz of the nonlinear cart-pole (RK4, 4 substeps per sample)
//!   under a PD on the angle; target ≤ 5 ms.

// criterion's macros generate undocumented functions; a benchmark whose setup fails should
// stop loudly.
#![allow(missing_docs, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fuzzy_core::{FuzzyPidConfig, Structure};
use sim::closed_loop::{Scenario, simulate};
use sim::control::{FuzzyController, Pid, PidConfig};
use sim::plant::PlantSpec;
use sim::plant::builtin::CartPole;
use sim::plant::spec::SecondOrder;
use testkit::reference::PD_MAMDANI;

fn closed_loop(c: &mut Criterion) {
    let ts = 0.001;
    let scenario = Scenario::step(ts, 10.0);
    let mut group = c.benchmark_group("closed_loop_10s_at_1kHz");
    group.throughput(Throughput::Elements(scenario.samples() as u64));

    let plant = PlantSpec::SecondOrder(SecondOrder {
        gain: 1.0,
        damping: 0.7,
        natural_frequency: 5.0,
        delay: 0.0,
    });
    let mut model = plant.build(ts, 4).expect("valid plant");
    let config = FuzzyPidConfig {
        rate_gain: 0.2,
        output_gain: 2.0,
        output_min: -5.0,
        output_max: 5.0,
        ..FuzzyPidConfig::new(Structure::Pd, ts as f32)
    };
    let mut fuzzy = FuzzyController::new(PD_MAMDANI, config).expect("valid controller");
    group.bench_function("fuzzy_pd_second_order", |b| {
        b.iter(|| simulate(model.as_mut(), &mut fuzzy, black_box(&scenario)).expect("valid scenario"))
    });
    let mut pid = Pid::new(
        PidConfig {
            kp: 2.0,
            ki: 1.0,
            kd: 0.1,
            derivative_filter_s: 0.01,
            ..PidConfig::default()
        },
        ts,
    );
    group.bench_function("pid_second_order", |b| {
        b.iter(|| simulate(model.as_mut(), &mut pid, black_box(&scenario)).expect("valid scenario"))
    });

    let pole = PlantSpec::CartPole(CartPole {
        failure_limits: false,
        ..CartPole::default()
    });
    let mut model = pole.build(ts, 4).expect("valid plant");
    let balance = Scenario {
        setpoint: sim::closed_loop::SetpointProfile::Step { value: 0.0, at: 0.0 },
        ..scenario.clone()
    };
    // Force = −(40 θ + 5 θ̇)·…: a PD on the angle (u = −Kp e with e = −θ).
    let mut pd = Pid::new(
        PidConfig {
            kp: -40.0,
            kd: -5.0,
            derivative_filter_s: 0.005,
            ..PidConfig::default()
        },
        ts,
    );
    group.bench_function("cart_pole_rk4", |b| {
        b.iter(|| simulate(model.as_mut(), &mut pd, black_box(&balance)).expect("valid scenario"))
    });
    group.finish();
}

criterion_group!(benches, closed_loop);
criterion_main!(benches);
