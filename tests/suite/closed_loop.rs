//! The closed loop, the controllers and the metrics.

use fuzzy_core::{FuzzyPid, FuzzyPidConfig, Structure};
use sim::closed_loop::{Actuator, LoadDisturbance, Noise, Scenario, SetpointProfile, Trajectory, simulate};
use sim::control::{ControlLaw, FuzzyController, OpenLoop, Pid, PidAntiWindup, PidConfig};
use sim::metrics::{MetricOptions, measure};
use sim::plant::PlantSpec;
use sim::plant::spec::{FirstOrder, Integrating, SecondOrder};
use testkit::reference::PD_MAMDANI;

fn first_order(gain: f64, time_constant: f64) -> PlantSpec {
    PlantSpec::FirstOrder(FirstOrder {
        gain,
        time_constant,
        delay: 0.0,
    })
}

fn run(spec: &PlantSpec, controller: &mut dyn ControlLaw, scenario: &Scenario) -> Trajectory {
    let mut plant = spec.build(scenario.sample_time_s, 4).unwrap();
    simulate(plant.as_mut(), controller, scenario).unwrap()
}

#[test]
fn proportional_loop_follows_the_discrete_recursion() {
    // y[k+1] = a y[k] + K (1 − a) Kp (r − y[k]), a = exp(−Ts/T).
    let (gain, tau, kp, ts) = (2.0, 1.5, 0.8, 0.1);
    let mut pid = Pid::new(
        PidConfig {
            kp,
            ..PidConfig::default()
        },
        ts,
    );
    let trajectory = run(&first_order(gain, tau), &mut pid, &Scenario::step(ts, 10.0));
    let a = (-ts / tau).exp();
    let mut y = 0.0;
    for (k, measured) in trajectory.output.iter().enumerate() {
        assert!((measured - y).abs() < 1e-12, "k = {k}: {measured} vs {y}");
        y = a * y + gain * (1.0 - a) * kp * (1.0 - y);
    }
    // The proportional loop's offset: y∞ = K Kp / (1 + K Kp).
    let expected = gain * kp / (1.0 + gain * kp);
    assert!((trajectory.output.last().unwrap() - expected).abs() < 1e-6);
}

#[test]
fn actuator_limits_saturate_and_rate_limit_the_control() {
    let scenario = Scenario {
        actuator: Actuator {
            min: -1.0,
            max: 2.0,
            rate_limit: 5.0,
        },
        ..Scenario::step(0.1, 3.0)
    };
    let mut pid = Pid::new(
        PidConfig {
            kp: 50.0,
            ..PidConfig::default()
        },
        0.1,
    );
    let trajectory = run(&first_order(1.0, 1.0), &mut pid, &scenario);
    // Ramps by 0.5 per sample from the first request, then holds at the limit.
    assert_eq!(trajectory.control[0], 2.0_f64.min(50.0));
    for w in trajectory.control.windows(2) {
        assert!((w[1] - w[0]).abs() <= 0.5 + 1e-12);
    }
    assert!(trajectory.control.iter().all(|u| (-1.0..=2.0).contains(u)));
    let metrics = measure(&trajectory, &scenario, MetricOptions::default());
    assert!(metrics.saturated_fraction > 0.0);
}

#[test]
fn measurement_noise_is_reproducible_and_has_its_standard_deviation() {
    let scenario = |seed| Scenario {
        noise: Some(Noise { std_dev: 0.3, seed }),
        setpoint: SetpointProfile::Step { value: 0.0, at: 0.0 },
        ..Scenario::step(0.01, 200.0)
    };
    let noise = |seed| {
        let t = run(
            &first_order(1.0, 1.0),
            &mut OpenLoop::Constant(0.0),
            &scenario(seed),
        );
        t.measurement
            .iter()
            .zip(&t.output)
            .map(|(m, y)| m - y)
            .collect::<Vec<f64>>()
    };
    let a = noise(7);
    assert_eq!(a, noise(7), "same seed, same noise");
    assert_ne!(a, noise(8));
    let n = a.len() as f64;
    let mean = a.iter().sum::<f64>() / n;
    let std = (a.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    // 20 001 samples: the sample standard deviation is within 2 % with overwhelming odds.
    assert!(
        (std - 0.3).abs() < 0.006 && mean.abs() < 0.01,
        "mean {mean}, std {std}"
    );
}

#[test]
fn a_diverging_loop_stops_and_is_flagged() {
    let spec = PlantSpec::Integrating(Integrating {
        gain: 1.0,
        time_constant: 1.0,
        delay: 1.0,
    });
    let mut pid = Pid::new(
        PidConfig {
            kp: 20.0,
            ..PidConfig::default()
        },
        0.05,
    );
    let scenario = Scenario::step(0.05, 1000.0);
    let trajectory = run(&spec, &mut pid, &scenario);
    let k = trajectory.diverged_at.expect("unstable loop");
    assert_eq!(trajectory.len(), k + 1);
    assert!(trajectory.len() < scenario.samples());
    assert!(measure(&trajectory, &scenario, MetricOptions::default()).diverged);
}

#[test]
fn integral_metrics_follow_the_rectangle_rule() {
    // Constant error 1 over 11 samples of 0.1 s: IAE = ISE = 1.1, ITAE = ITSE = 0.1 · Σ t_k.
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 1.0, at: 0.0 },
        ..Scenario::step(0.1, 1.0)
    };
    let trajectory = Trajectory {
        time: (0..11).map(|k| k as f64 * 0.1).collect(),
        setpoint: vec![1.0; 11],
        output: vec![0.0; 11],
        measurement: vec![0.0; 11],
        control: (0..11).map(|k| k as f64).collect(),
        disturbance: vec![0.0; 11],
        diverged_at: None,
        sample_time_s: 0.1,
    };
    let m = measure(&trajectory, &scenario, MetricOptions::default());
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    close(m.iae, 1.1);
    close(m.ise, 1.1);
    close(m.itae, 0.55);
    close(m.itse, 0.55);
    close(
        m.control_energy,
        0.1 * (0..11).map(|k| (k * k) as f64).sum::<f64>(),
    );
    close(m.total_variation, 10.0);
    assert_eq!(m.settling_time_s, None);
    close(m.steady_state_error.unwrap(), 1.0);
}

#[test]
fn step_metrics_of_a_first_order_response_are_analytic() {
    // Open loop, u = 1 into K/(Ts + 1) with setpoint 1: rise 10–90 % = T ln 9, settling 2 %
    // = T ln 50, no overshoot.
    let tau = 2.0;
    let scenario = Scenario::step(0.001, 20.0);
    let trajectory = run(&first_order(1.0, tau), &mut OpenLoop::Constant(1.0), &scenario);
    let m = measure(&trajectory, &scenario, MetricOptions::default());
    assert!(
        (m.rise_time_s.unwrap() - tau * 9f64.ln()).abs() < 1e-5,
        "{:?}",
        m.rise_time_s
    );
    assert!(
        (m.settling_time_s.unwrap() - tau * 50f64.ln()).abs() < 1e-5,
        "{:?}",
        m.settling_time_s
    );
    assert_eq!(m.overshoot_percent, Some(0.0));
    // IAE of e[k] = exp(−k Ts/T) by the rectangle rule: a geometric sum over k = 0..N.
    let q = (-0.001f64 / tau).exp();
    let expected = 0.001 * (1.0 - q.powi(20_001)) / (1.0 - q);
    assert!((m.iae - expected).abs() < 1e-9, "{} vs {expected}", m.iae);
}

#[test]
fn overshoot_of_an_underdamped_response_is_analytic() {
    let zeta = 0.3f64;
    let spec = PlantSpec::SecondOrder(SecondOrder {
        gain: 1.0,
        damping: zeta,
        natural_frequency: 2.0,
        delay: 0.0,
    });
    let scenario = Scenario::step(0.001, 30.0);
    let trajectory = run(&spec, &mut OpenLoop::Constant(1.0), &scenario);
    let m = measure(&trajectory, &scenario, MetricOptions::default());
    let expected = 100.0 * (-std::f64::consts::PI * zeta / (1.0 - zeta * zeta).sqrt()).exp();
    assert!(
        (m.overshoot_percent.unwrap() - expected).abs() < 1e-3,
        "{:?} vs {expected}",
        m.overshoot_percent
    );
}

#[test]
fn pi_rejects_a_load_disturbance_and_reports_peak_and_recovery() {
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 1.0, at: 0.0 },
        disturbances: vec![LoadDisturbance {
            at: 20.0,
            value: -0.5,
        }],
        ..Scenario::step(0.05, 40.0)
    };
    let mut pid = Pid::new(
        PidConfig {
            kp: 1.0,
            ki: 0.5,
            anti_windup: PidAntiWindup::Clamping,
            ..PidConfig::default()
        },
        0.05,
    );
    let trajectory = run(&first_order(1.0, 2.0), &mut pid, &scenario);
    let m = measure(&trajectory, &scenario, MetricOptions::default());
    let peak = m.peak_deviation.unwrap();
    assert!(peak > 0.05 && peak < 0.5, "{peak}");
    let recovery = m.recovery_time_s.unwrap();
    assert!(recovery > 1.0 && recovery < 20.0, "{recovery}");
    assert!((trajectory.output.last().unwrap() - 1.0).abs() < 1e-3);
    // The step window ends at the disturbance: the first step had settled by then.
    assert!(m.settling_time_s.unwrap() < 20.0);
}

#[test]
fn the_fuzzy_controller_in_the_loop_is_the_firmware_step() {
    let config = FuzzyPidConfig {
        output_gain: 2.0,
        rate_gain: 0.1,
        output_min: -2.0,
        output_max: 2.0,
        ..FuzzyPidConfig::new(Structure::Pd, 0.05)
    };
    let mut controller = FuzzyController::new(PD_MAMDANI, config).unwrap();
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 0.5, at: 0.0 },
        ..Scenario::step(0.05, 5.0)
    };
    let trajectory = run(&first_order(1.0, 0.5), &mut controller, &scenario);
    // Replay the measurements through the f32 wrapper directly.
    let pid = FuzzyPid::new(PD_MAMDANI, config).unwrap();
    let mut state = pid.state::<{ PD_MAMDANI.scratch_len() }>().unwrap();
    for (m, u) in trajectory.measurement.iter().zip(&trajectory.control) {
        let expected = pid.step(&mut state, 0.5, *m as f32).output;
        assert_eq!(*u, f64::from(expected));
    }
    // PD on a first-order plant: a proportional offset remains, but it moved.
    let last = *trajectory.output.last().unwrap();
    assert!(last > 0.2 && last < 0.5, "{last}");
}

#[test]
fn open_loop_profiles_are_piecewise_constant() {
    let mut profile = OpenLoop::Profile(vec![(1.0, 2.0), (3.0, -1.0)]);
    let values: Vec<f64> = [0.0, 0.99, 1.0, 2.5, 3.0, 10.0]
        .iter()
        .map(|&t| profile.step(t, 0.0, 0.0))
        .collect();
    assert_eq!(values, vec![0.0, 0.0, 2.0, 2.0, -1.0, -1.0]);
}

#[test]
fn invalid_scenarios_name_the_field() {
    let bad = Scenario {
        horizon_s: -1.0,
        ..Scenario::step(0.1, 1.0)
    };
    let mut plant = first_order(1.0, 1.0).build(0.1, 4).unwrap();
    let error = simulate(plant.as_mut(), &mut OpenLoop::Constant(0.0), &bad).unwrap_err();
    assert_eq!(
        error.to_string(),
        "plant scenario: horizon_s must be finite and at least one sample time"
    );
}

/// Inputs that used to panic or abort (a backwards ramp in `f64::clamp`, a horizon whose
/// sample count overflowed, a dead-time buffer of 800 GB, `inf - inf` rate-limit bounds) are
/// errors that name the field, or run.
#[test]
fn inputs_that_crashed_are_errors_or_run() {
    let mut plant = first_order(1.0, 1.0).build(0.1, 4).unwrap();
    let run = |plant: &mut dyn sim::plant::Plant, scenario: &Scenario| {
        simulate(plant, &mut OpenLoop::Constant(0.0), scenario).map(|_| ())
    };
    let backwards = Scenario {
        setpoint: SetpointProfile::Ramp {
            slope: 1.0,
            start: 5.0,
            until: 1.0,
        },
        ..Scenario::step(0.1, 1.0)
    };
    assert_eq!(
        run(plant.as_mut(), &backwards).unwrap_err().to_string(),
        "plant scenario: setpoint.until must not be before start"
    );
    // The profile itself does not panic either.
    assert_eq!(backwards.setpoint.at(3.0), -4.0);
    let huge = Scenario::step(0.01, 1e20);
    assert_eq!(
        run(plant.as_mut(), &huge).unwrap_err().to_string(),
        "plant scenario: horizon_s gives more than 1e8 samples"
    );
    let nan = Scenario {
        setpoint: SetpointProfile::Step {
            value: f64::NAN,
            at: 0.0,
        },
        ..Scenario::step(0.1, 1.0)
    };
    assert!(
        run(plant.as_mut(), &nan)
            .unwrap_err()
            .to_string()
            .contains("setpoint.value")
    );
    let empty = Scenario {
        setpoint: SetpointProfile::Steps { points: Vec::new() },
        ..Scenario::step(0.1, 1.0)
    };
    assert!(
        run(plant.as_mut(), &empty)
            .unwrap_err()
            .to_string()
            .contains("setpoint.points")
    );
    let late_nan = Scenario {
        disturbances: vec![LoadDisturbance {
            at: f64::NAN,
            value: 1.0,
        }],
        ..Scenario::step(0.1, 1.0)
    };
    assert!(
        run(plant.as_mut(), &late_nan)
            .unwrap_err()
            .to_string()
            .contains("disturbances")
    );

    let far = PlantSpec::FirstOrder(FirstOrder {
        gain: 1.0,
        time_constant: 1.0,
        delay: 1e9,
    });
    let error = far.build(0.01, 4).err().unwrap().to_string();
    assert!(error.contains("delay is more than 10 000 000 samples"), "{error}");

    // An unlimited actuator with an infinite control signal: no NaN bounds, no panic.
    let t = simulate(
        plant.as_mut(),
        &mut OpenLoop::Constant(f64::INFINITY),
        &Scenario::step(0.1, 1.0),
    )
    .unwrap();
    assert!(t.control.iter().all(|u| *u == f64::INFINITY));
}
