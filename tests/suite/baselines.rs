//! Process models (half rule, step fit) and SIMC / AMIGO tunings against hand calculations.

use sim::baseline::{
    ProcessModel, amigo, fit_step_response, half_rule, identify_by_step, process_models, simc,
};
use sim::closed_loop::{Scenario, simulate};
use sim::control::Pid;
use sim::metrics::{MetricOptions, measure};
use sim::plant::PlantSpec;
use sim::plant::spec::{FirstOrder, NonMinimumPhase};

fn close(a: f64, b: f64, tolerance: f64) {
    assert!((a - b).abs() <= tolerance, "{a} vs {b}");
}

fn self_regulating(model: ProcessModel) -> (f64, f64, f64, f64) {
    match model {
        ProcessModel::SelfRegulating {
            gain,
            tau1,
            tau2,
            delay,
        } => (gain, tau1, tau2, delay),
        ProcessModel::Integrating { .. } => panic!("expected a self-regulating model"),
    }
}

#[test]
fn half_rule_reduces_real_lags_by_hand() {
    // 2 e^{-0.3s} / ((5s+1)(2s+1)(s+1)(0.5s+1)).
    let mut den = vec![1.0];
    for tau in [5.0, 2.0, 1.0, 0.5] {
        let mut next = vec![0.0; den.len() + 1];
        for (i, c) in den.iter().enumerate() {
            next[i] += c * tau;
            next[i + 1] += c;
        }
        den = next;
    }
    let (first, second) = half_rule(&[2.0], &den, 0.3).unwrap();
    let (k, t1, t2, theta) = self_regulating(first);
    close(k, 2.0, 1e-12);
    close(t1, 6.0, 1e-9); // 5 + 2/2
    close(t2, 0.0, 0.0);
    close(theta, 2.8, 1e-9); // 0.3 + 1 + 1 + 0.5
    let (_, t1, t2, theta) = self_regulating(second);
    close(t1, 5.0, 1e-9);
    close(t2, 2.5, 1e-9); // 2 + 1/2
    close(theta, 1.3, 1e-9); // 0.3 + 0.5 + 0.5
}

#[test]
fn half_rule_adds_a_right_half_plane_zero_to_the_delay() {
    let spec = PlantSpec::NonMinimumPhase(NonMinimumPhase {
        alpha: 0.5,
        delay: 0.0,
    });
    let (num, den, delay) = spec.transfer_function().unwrap();
    let (first, _) = half_rule(&num, &den, delay).unwrap();
    let (k, t1, _, theta) = self_regulating(first);
    close(k, 1.0, 1e-9);
    close(t1, 1.5, 1e-6);
    close(theta, 2.0, 1e-6); // 0.5 (half of the second lag) + 1 (third) + 0.5 (zero)
}

#[test]
fn half_rule_keeps_the_integrator() {
    let spec = PlantSpec::default_for("integrating").unwrap(); // 1 e^{-0.5s} / (s (s + 1))
    let (num, den, delay) = spec.transfer_function().unwrap();
    let (first, second) = half_rule(&num, &den, delay).unwrap();
    let integrating = |model| match model {
        ProcessModel::Integrating { gain, tau2, delay } => (gain, tau2, delay),
        ProcessModel::SelfRegulating { .. } => panic!("expected an integrating model"),
    };
    // First order: the lag joins the dead time; second order keeps it.
    let (k, tau2, theta) = integrating(first);
    close(k, 1.0, 1e-12);
    close(tau2, 0.0, 0.0);
    close(theta, 1.5, 1e-12);
    let (k, tau2, theta) = integrating(second);
    close(k, 1.0, 1e-12);
    close(tau2, 1.0, 1e-12);
    close(theta, 0.5, 1e-12);
}

#[test]
fn half_rule_refuses_complex_poles() {
    let spec = PlantSpec::default_for("lightly_damped").unwrap();
    let (num, den, delay) = spec.transfer_function().unwrap();
    let error = half_rule(&num, &den, delay).unwrap_err().to_string();
    assert!(error.contains("complex poles"), "{error}");
}

#[test]
fn simc_and_amigo_match_hand_calculations() {
    let model = ProcessModel::SelfRegulating {
        gain: 2.0,
        tau1: 6.0,
        tau2: 0.0,
        delay: 2.8,
    };
    // SIMC, τc = θ: Kc = 6 / (2 · 5.6), τI = min(6, 22.4) = 6 (sample time 0: the pure rule).
    let pid = simc(&model, 0.0);
    close(pid.kp, 6.0 / 11.2, 1e-12);
    close(pid.ki, 6.0 / 11.2 / 6.0, 1e-12);
    close(pid.kd, 0.0, 0.0);
    // AMIGO: K Kp = 0.2 + 0.45 T/L, Ti = L (0.4L + 0.8T)/(L + 0.1T), Td = 0.5LT/(0.3L + T).
    let (t, l) = (6.0, 2.8);
    let kp = (0.2 + 0.45 * t / l) / 2.0;
    let ti = l * (0.4 * l + 0.8 * t) / (l + 0.1 * t);
    let td = 0.5 * l * t / (0.3 * l + t);
    let pid = amigo(&model, 0.0);
    close(pid.kp, kp, 1e-12);
    close(pid.ki, kp / ti, 1e-12);
    close(pid.kd, kp * td, 1e-12);
    close(pid.derivative_filter_s, td / 10.0, 1e-12);
    // SIMC PID from a second-order model: series (Kc, τI, τD) → parallel.
    let pid = simc(
        &ProcessModel::SelfRegulating {
            gain: 1.0,
            tau1: 5.0,
            tau2: 2.5,
            delay: 1.3,
        },
        0.0,
    );
    let (kc, ti, td) = (5.0 / 2.6, 5.0f64.min(4.0 * 2.6), 2.5);
    close(pid.kp, kc * (1.0 + td / ti), 1e-12);
    close(pid.ki, kc / ti, 1e-12);
    close(pid.kd, kc * td, 1e-12);
}

#[test]
fn the_step_fit_recovers_a_first_order_plus_dead_time_plant() {
    let spec = PlantSpec::FirstOrder(FirstOrder {
        gain: 2.0,
        time_constant: 3.0,
        delay: 0.5,
    });
    let model = identify_by_step(&spec, 0.01, 4, 0.0, 1.5, 1.0, 40.0).unwrap();
    let (k, tau, _, theta) = self_regulating(model);
    // Smith's points on an exact exponential: τ = 1.5 (0.9997 − 0.3327) T = 1.0005 T.
    close(k, 2.0, 1e-4);
    close(tau, 3.0015, 2e-3);
    close(theta, 0.5, 5e-3);
}

#[test]
fn a_nonlinear_plant_is_identified_by_a_step_and_an_unstable_one_is_refused() {
    let tank = PlantSpec::default_for("water_tank").unwrap();
    let (first, _) = process_models(&tank, 0.5, 4, 1.0, 0.2, 600.0).unwrap();
    let (k, tau, _, _) = self_regulating(first);
    assert!(k > 0.0 && tau > 10.0, "{first:?}");
    let pole = PlantSpec::default_for("cart_pole").unwrap();
    let error = process_models(&pole, 0.02, 4, 0.0, 0.1, 10.0)
        .unwrap_err()
        .to_string();
    assert!(error.contains("step-response fit failed"), "{error}");
    let error = fit_step_response(&[0.0, 1.0], &[0.0, 1.0], 1.0)
        .unwrap_err()
        .to_string();
    assert!(error.contains("at least 10 samples"), "{error}");
}

#[test]
fn simc_and_amigo_pids_control_the_high_order_lag() {
    let spec = PlantSpec::default_for("high_order_lag").unwrap();
    let ts = 0.05;
    let (first, second) = process_models(&spec, ts, 4, 0.0, 1.0, 50.0).unwrap();
    for (name, config) in [("simc", simc(&second, ts)), ("amigo", amigo(&first, ts))] {
        let mut plant = spec.build(ts, 4).unwrap();
        let scenario = Scenario::step(ts, 60.0);
        let trajectory = simulate(plant.as_mut(), &mut Pid::new(config, ts), &scenario).unwrap();
        let m = measure(&trajectory, &scenario, MetricOptions::default());
        let overshoot = m.overshoot_percent.unwrap();
        assert!(overshoot < 25.0, "{name}: overshoot {overshoot} %");
        assert!(m.settling_time_s.unwrap() < 40.0, "{name}: {m:?}");
        assert!(m.steady_state_error.unwrap().abs() < 1e-3, "{name}: {m:?}");
    }
}
