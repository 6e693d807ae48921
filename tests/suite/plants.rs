//! Plant models against analytic responses, python-control and physics.

use sim::closed_loop::{Scenario, SetpointProfile, simulate};
use sim::control::OpenLoop;
use sim::plant::builtin::{BallAndBeam, CartPole, DcMotor, MotorOutput, WaterTank};
use sim::plant::nonlinear::Rk4Plant;
use sim::plant::spec::{
    FirstOrder, HighOrderLag, Integrating, LightlyDamped, NonMinimumPhase, SecondOrder, StateSpace,
    TransferFunction,
};
use sim::plant::{Plant, PlantSpec};

/// Open-loop response to a constant input `u` from the plant's initial state.
fn open_loop(spec: &PlantSpec, u: f64, sample_time_s: f64, horizon_s: f64) -> (Vec<f64>, Vec<f64>) {
    let mut plant = spec.build(sample_time_s, 4).unwrap();
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 0.0, at: 0.0 },
        ..Scenario::step(sample_time_s, horizon_s)
    };
    let trajectory = simulate(plant.as_mut(), &mut OpenLoop::Constant(u), &scenario).unwrap();
    (trajectory.time, trajectory.output)
}

#[test]
fn first_order_with_dead_time_matches_the_analytic_step_response() {
    let spec = PlantSpec::FirstOrder(FirstOrder {
        gain: 2.0,
        time_constant: 3.0,
        delay: 0.5,
    });
    let (t, y) = open_loop(&spec, 1.0, 0.01, 15.0);
    for (t, y) in t.iter().zip(&y) {
        let expected = if *t < 0.5 - 1e-9 {
            0.0
        } else {
            2.0 * (1.0 - (-(t - 0.5) / 3.0).exp())
        };
        assert!((y - expected).abs() < 1e-9, "t = {t}: {y} vs {expected}");
    }
}

#[test]
fn underdamped_second_order_matches_the_analytic_step_response() {
    let (k, zeta, wn) = (1.5, 0.2, 3.0);
    let spec = PlantSpec::SecondOrder(SecondOrder {
        gain: k,
        damping: zeta,
        natural_frequency: wn,
        delay: 0.0,
    });
    let (t, y) = open_loop(&spec, 1.0, 0.01, 10.0);
    let wd = wn * (1.0f64 - zeta * zeta).sqrt();
    let phi = zeta.acos();
    for (t, y) in t.iter().zip(&y) {
        let expected = k * (1.0 - (-zeta * wn * t).exp() / (1.0 - zeta * zeta).sqrt() * (wd * t + phi).sin());
        assert!((y - expected).abs() < 1e-9, "t = {t}: {y} vs {expected}");
    }
}

fn reference(name: &str) -> (Vec<f64>, Vec<f64>) {
    let path = format!("{}/tests/data/python-control/{name}.csv", testkit::ROOT);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let (t, y) = line.split_once(',').unwrap();
            (t.parse::<f64>().unwrap(), y.parse::<f64>().unwrap())
        })
        .unzip()
}

/// The cases of `scripts/python-control-reference.py`, as `sim` plants.
fn python_control_cases() -> Vec<(&'static str, PlantSpec)> {
    vec![
        (
            "first_order",
            PlantSpec::FirstOrder(FirstOrder {
                gain: 2.0,
                time_constant: 3.0,
                delay: 0.5,
            }),
        ),
        (
            "second_order",
            PlantSpec::SecondOrder(SecondOrder {
                gain: 1.0,
                damping: 0.3,
                natural_frequency: 2.0,
                delay: 0.2,
            }),
        ),
        (
            "high_order_lag",
            PlantSpec::HighOrderLag(HighOrderLag { order: 4, delay: 1.0 }),
        ),
        (
            "non_minimum_phase",
            PlantSpec::NonMinimumPhase(NonMinimumPhase {
                alpha: 0.5,
                delay: 0.3,
            }),
        ),
        (
            "integrating",
            PlantSpec::Integrating(Integrating {
                gain: 0.5,
                time_constant: 2.0,
                delay: 0.4,
            }),
        ),
        (
            "lightly_damped",
            PlantSpec::LightlyDamped(LightlyDamped {
                damping: 0.1,
                delay: 0.25,
            }),
        ),
        (
            "transfer_function",
            PlantSpec::TransferFunction(TransferFunction {
                numerator: vec![1.0, 3.0],
                denominator: vec![1.0, 4.0, 6.0, 4.0],
                delay: 0.15,
            }),
        ),
        (
            "state_space",
            PlantSpec::StateSpace(StateSpace {
                a: vec![vec![0.0, 1.0], vec![-2.0, -0.5]],
                b: vec![0.0, 1.0],
                c: vec![1.0, 0.5],
                d: 0.1,
                delay: 0.35,
                initial_state: None,
            }),
        ),
    ]
}

#[test]
fn linear_plants_match_python_control_to_1e_minus_6() {
    let mut worst = 0.0f64;
    for (name, spec) in python_control_cases() {
        let (t_ref, y_ref) = reference(name);
        let (t, y) = open_loop(&spec, 1.0, 0.05, 20.0);
        assert_eq!(t.len(), t_ref.len(), "{name}: sample count");
        // The sensor reads just before the input changes (y[k] = C x[k] + D u(t_k⁻)), python-
        // control's y(t) = C x(t) + D u(t − L) takes the new input at the instant it changes:
        // with a feedthrough D the two differ exactly at k = 0 and at the sample where the
        // delayed step arrives (k = L/Ts), and nowhere else.
        let arrival = match &spec {
            PlantSpec::StateSpace(p) if p.d != 0.0 => (p.delay / 0.05).round() as usize,
            _ => 0,
        };
        for k in (1..t.len()).filter(|&k| k != arrival) {
            assert!((t[k] - t_ref[k]).abs() < 1e-12);
            let error = (y[k] - y_ref[k]).abs();
            worst = worst.max(error / y_ref[k].abs().max(1.0));
            assert!(
                error <= 1e-6 * y_ref[k].abs().max(1.0),
                "{name}, t = {}: sim {} vs python-control {}",
                t[k],
                y[k],
                y_ref[k]
            );
        }
    }
    println!("python-control agreement: worst relative error {worst:.2e}");
}

#[test]
fn dead_time_is_a_buffer_of_round_l_over_ts_samples() {
    // L / Ts = 2.46: 2 samples.
    let spec = PlantSpec::FirstOrder(FirstOrder {
        gain: 1.0,
        time_constant: 1.0,
        delay: 0.123,
    });
    let (_, y) = open_loop(&spec, 1.0, 0.05, 1.0);
    assert_eq!(&y[..3], &[0.0, 0.0, 0.0]);
    assert!(y[3] > 0.0);
    assert!((y[3] - (1.0 - (-0.05f64).exp())).abs() < 1e-12);
}

/// Largest relative drift of the cart-pole's energy over 10 s without force.
fn cart_pole_energy_drift(substeps: u32) -> f64 {
    let dynamics = CartPole {
        failure_limits: false,
        initial_angle: 0.8,
        ..CartPole::default()
    };
    let mut plant = Rk4Plant::new(dynamics.clone(), [0.0, 0.3, 0.8, -0.5], 0.02, substeps, 0.0);
    let e0 = dynamics.energy(plant.x());
    let mut drift = 0.0f64;
    for _ in 0..500 {
        plant.advance(0.0);
        drift = drift.max(((dynamics.energy(plant.x()) - e0) / e0).abs());
    }
    drift
}

#[test]
fn cart_pole_conserves_energy_to_fourth_order() {
    let coarse = cart_pole_energy_drift(2);
    let fine = cart_pole_energy_drift(4);
    assert!(fine < 1e-6, "energy drift {fine:e} with 4 substeps");
    // Halving the step divides RK4's error by about 2^4 = 16.
    let ratio = coarse / fine;
    assert!(
        (10.0..24.0).contains(&ratio),
        "drift ratio {ratio} (expected about 16)"
    );
}

#[test]
fn cart_pole_fails_past_twelve_degrees() {
    let spec = PlantSpec::CartPole(CartPole::default());
    let mut plant = spec.build(0.02, 4).unwrap();
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 0.0, at: 0.0 },
        ..Scenario::step(0.02, 10.0)
    };
    let trajectory = simulate(plant.as_mut(), &mut OpenLoop::Constant(0.0), &scenario).unwrap();
    let k = trajectory.diverged_at.expect("the unbalanced pole falls");
    assert!(trajectory.output[k].abs() > CartPole::ANGLE_LIMIT);
    assert!(trajectory.output[k - 1].abs() <= CartPole::ANGLE_LIMIT);
    assert!(k < 100, "fell after {k} samples");
}

#[test]
fn dc_motor_reaches_the_analytic_speed_and_limits_its_voltage() {
    let motor = DcMotor::default();
    let speed = motor.motor_constant * 12.0
        / (motor.resistance * motor.damping + motor.motor_constant * motor.motor_constant);
    for u in [12.0, 100.0] {
        let (_, y) = open_loop(&PlantSpec::DcMotor(motor.clone()), u, 0.01, 10.0);
        let last = *y.last().unwrap();
        assert!((last - speed).abs() < 1e-6 * speed, "u = {u}: {last} vs {speed}");
    }
    // Position output integrates the speed.
    let position = DcMotor {
        output: MotorOutput::Position,
        ..motor
    };
    let (_, angle) = open_loop(&PlantSpec::DcMotor(position), 12.0, 0.01, 10.0);
    let slope = (angle[1000] - angle[900]) / 1.0;
    assert!((slope - speed).abs() < 1e-4, "{slope} vs {speed}");
}

#[test]
fn water_tank_settles_at_the_equilibrium_level_and_never_goes_negative() {
    let tank = WaterTank::default();
    let voltage = 1.26;
    let level = (tank.inflow_gain * voltage / tank.outflow_coefficient).powi(2);
    let (_, y) = open_loop(&PlantSpec::WaterTank(tank.clone()), voltage, 0.5, 3000.0);
    assert!(
        (y.last().unwrap() - level).abs() < 1e-6,
        "{} vs {level}",
        y.last().unwrap()
    );
    let (_, drained) = open_loop(&PlantSpec::WaterTank(tank), 0.0, 0.5, 3000.0);
    assert!(drained.iter().all(|h| *h >= 0.0));
    assert!(*drained.last().unwrap() < 1e-6);
}

#[test]
fn ball_and_beam_accelerates_as_the_equation_says() {
    let beam = BallAndBeam::default();
    let gear = 0.1;
    let alpha = beam.lever_offset / beam.beam_length * gear;
    let acceleration = -beam.ball_mass * beam.gravity * alpha.sin()
        / (beam.ball_inertia / (beam.ball_radius * beam.ball_radius) + beam.ball_mass);
    let (t, y) = open_loop(&PlantSpec::BallAndBeam(beam), gear, 0.01, 1.0);
    for (t, y) in t.iter().zip(&y) {
        assert!((y - 0.5 * acceleration * t * t).abs() < 1e-12, "t = {t}");
    }
}

#[test]
fn thermal_process_saturates_its_heater_and_delays_its_response() {
    let spec = PlantSpec::default_for("thermal").unwrap();
    let (t, y) = open_loop(&spec, 2.0, 1.0, 4000.0);
    // 10 s dead time: nothing moves before.
    assert!(y[..=10].iter().all(|&v| v == 20.0));
    assert!(y[11] > 20.0);
    // Saturated at u = 1: 20 + 100 W · 0.5 K/W = 70 °C, reached to e^-20 after 20 time
    // constants.
    assert!((y.last().unwrap() - 70.0).abs() < 1e-6, "{}", y.last().unwrap());
    assert_eq!(t.len(), 4001);
}

#[test]
fn invalid_plants_name_the_field() {
    let bad = PlantSpec::FirstOrder(FirstOrder {
        time_constant: -1.0,
        ..FirstOrder::default()
    });
    let message = bad.build(0.1, 4).err().unwrap().to_string();
    assert_eq!(
        message,
        "plant first_order: time_constant must be a finite number > 0 (got -1)"
    );
    let improper = PlantSpec::TransferFunction(TransferFunction {
        numerator: vec![1.0, 0.0, 0.0],
        denominator: vec![1.0, 1.0],
        delay: 0.0,
    });
    let message = improper.build(0.1, 4).err().unwrap().to_string();
    assert!(
        message.contains("numerator degree 2 exceeds the denominator's degree 1"),
        "{message}"
    );
    let ragged = PlantSpec::StateSpace(StateSpace {
        a: vec![vec![0.0, 1.0], vec![1.0]],
        b: vec![0.0, 1.0],
        c: vec![1.0, 0.0],
        d: 0.0,
        delay: 0.0,
        initial_state: None,
    });
    assert!(
        ragged
            .build(0.1, 4)
            .err()
            .unwrap()
            .to_string()
            .contains("plant state_space: a must be square")
    );
    let zero_ts = PlantSpec::default_for("first_order").unwrap().build(0.0, 4);
    assert!(zero_ts.err().unwrap().to_string().contains("sample_time"));
}

#[test]
fn plant_files_parse_with_defaults_and_reject_unknown_fields() {
    let spec: PlantSpec = serde_json::from_str(r#"{"type": "first_order", "gain": 3}"#).unwrap();
    assert_eq!(
        spec,
        PlantSpec::FirstOrder(FirstOrder {
            gain: 3.0,
            ..FirstOrder::default()
        })
    );
    let error = serde_json::from_str::<PlantSpec>(r#"{"type": "first_order", "gian": 3}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown field `gian`"), "{error}");
    let error = serde_json::from_str::<PlantSpec>(r#"{"type": "first_ordre"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown variant `first_ordre`"), "{error}");
}

#[test]
fn the_catalogue_lists_every_built_in_with_defaults() {
    let catalogue = sim::plant::catalogue();
    assert_eq!(catalogue.len(), 11);
    for info in &catalogue {
        let spec = PlantSpec::default_for(info.name).unwrap();
        spec.build(0.01, 4).unwrap();
        assert!(!info.defaults.is_empty() || info.name == "high_order_lag");
    }
    let tank = catalogue.iter().find(|i| i.name == "water_tank").unwrap();
    assert!(tank.defaults.contains("area = 20.0"), "{}", tank.defaults);
}
