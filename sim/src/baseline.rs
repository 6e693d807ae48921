//! Classical baselines: process models and PID tuning by SIMC and AMIGO.
//!
//! Models:
//! - **Half rule** (Skogestad 2003, "Simple analytic rules for model reduction and PID
//!   controller tuning", J. Process Control 13): for a transfer function with real, stable
//!   poles (at most one integrator) and right-half-plane real zeros, time constants
//!   `τ0 ≥ τ1 ≥ …`: first-order model `τ = τ0 + τ1/2`, `θ = L + τ1/2 + Σ τ_{i≥2} + Σ T_rhp`;
//!   second-order model `τ1' = τ0`, `τ2' = τ1 + τ2/2`, `θ = L + τ2/2 + Σ τ_{i≥3} + Σ T_rhp`
//!   (with an integrator, the integrator takes the place of `τ0`). Complex poles or
//!   left-half-plane zeros are not reduced: use the step-response fit.
//! - **Step-response fit** (Smith's two-point method, 1972): for an open-loop step `Δu` from
//!   a steady state, `K = Δy/Δu`, `τ = 1.5 (t63 − t28)`, `θ = t63 − τ`, where `t28`, `t63`
//!   are the times the output reaches 28.3 % and 63.2 % of its change.
//!
//! Tunings (parallel PID `Kp + Ki/s + Kd s/(Tf s + 1)`); a sampled loop adds `Ts/2` to the
//! model's dead time (the zero-order hold's average delay), which also keeps the rules
//! defined for plants without dead time:
//! - **SIMC** with `τc = θ`: `Kc = τ1/(K(τc + θ))`, `τI = min(τ1, 4(τc + θ))`, `τD = τ2`
//!   (series form, converted to parallel); integrating `K/s`: `Kc = 1/(K(τc + θ))`,
//!   `τI = 4(τc + θ)`. For a first-order model `τD = 0` (SIMC's PI).
//! - **AMIGO** (Åström & Hägglund 2004, "Revisiting the Ziegler–Nichols step response method
//!   for PID control", J. Process Control 14): `K·Kp = 0.2 + 0.45 T/L`,
//!   `Ti = L (0.4L + 0.8T)/(L + 0.1T)`, `Td = 0.5 L T/(0.3L + T)`; integrating:
//!   `Kp = 0.45/(K L)`, `Ti = 8L`, `Td = 0.5L`.
//!
//! The derivative filter is `Tf = Td/10` for both.

use nalgebra::DMatrix;

use crate::closed_loop::{Scenario, SetpointProfile, simulate};
use crate::control::{OpenLoop, PidConfig};
use crate::plant::{PlantError, PlantSpec};

/// A low-order process model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProcessModel {
    /// `K e^{−θs} / ((τ1 s + 1)(τ2 s + 1))`; `τ2 = 0` for first order.
    SelfRegulating {
        /// static gain K
        gain: f64,
        /// dominant time constant τ1, s
        tau1: f64,
        /// second time constant τ2, s
        tau2: f64,
        /// dead time θ, s
        delay: f64,
    },
    /// `K e^{−θs} / (s (τ2 s + 1))`.
    Integrating {
        /// velocity gain K, 1/s
        gain: f64,
        /// lag τ2, s
        tau2: f64,
        /// dead time θ, s
        delay: f64,
    },
}

/// Why a model could not be obtained.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BaselineError {
    /// The plant description itself is invalid.
    #[error(transparent)]
    Plant(#[from] PlantError),
    /// The half rule does not apply to this transfer function.
    #[error("half rule not applicable: {0}")]
    HalfRule(String),
    /// The open-loop step response is not a stable, monotone approach to a new steady state.
    #[error("step-response fit failed: {0}")]
    StepFit(String),
}

/// Roots of a polynomial (descending coefficients) as `(re, im)` pairs.
fn roots(poly: &[f64]) -> Vec<(f64, f64)> {
    let p: Vec<f64> = poly.iter().copied().skip_while(|&c| c == 0.0).collect();
    if p.len() < 2 {
        return Vec::new();
    }
    let n = p.len() - 1;
    let mut companion = DMatrix::zeros(n, n);
    for j in 0..n {
        companion[(0, j)] = -p[j + 1] / p[0];
    }
    for i in 1..n {
        companion[(i, i - 1)] = 1.0;
    }
    let mut roots: Vec<(f64, f64)> = companion
        .complex_eigenvalues()
        .iter()
        .map(|c| (c.re, c.im))
        .collect();
    // A root of multiplicity m comes out of the eigenvalue solver as a cluster of radius
    // about ε^(1/m) (9e-6 for a triple root); the cluster's mean is accurate to about ε.
    // Roots closer than 1e-3 (relative) to the first of a run are taken as one repeated root.
    roots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut polished = Vec::with_capacity(roots.len());
    let mut start = 0;
    while start < roots.len() {
        let (re0, im0) = roots[start];
        let radius = 1e-3 * re0.hypot(im0).max(1e-12);
        let end = (start..roots.len())
            .take_while(|&i| (roots[i].0 - re0).hypot(roots[i].1 - im0) <= radius)
            .last()
            .map_or(start + 1, |i| i + 1);
        let count = (end - start) as f64;
        let re = roots[start..end].iter().map(|r| r.0).sum::<f64>() / count;
        let im = roots[start..end].iter().map(|r| r.1).sum::<f64>() / count;
        polished.extend(std::iter::repeat_n((re, im), end - start));
        start = end;
    }
    polished
}

fn eval(poly: &[f64], s: f64) -> f64 {
    poly.iter().fold(0.0, |acc, c| acc * s + c)
}

/// First- and second-order models of `numerator/denominator · e^{−delay·s}` by the half
/// rule (see the [module docs](self)).
pub fn half_rule(
    numerator: &[f64],
    denominator: &[f64],
    delay: f64,
) -> Result<(ProcessModel, ProcessModel), BaselineError> {
    let fail = |m: String| Err(BaselineError::HalfRule(m));
    let poles = roots(denominator);
    let scale = poles.iter().map(|(re, im)| re.hypot(*im)).fold(1.0f64, f64::max);
    let tiny = 1e-9 * scale;
    let mut integrators = 0;
    let mut taus = Vec::new();
    for &(re, im) in &poles {
        if im.abs() > tiny.max(1e-9 * re.abs()) {
            return fail(format!("complex poles ({re:.4} ± {:.4}i)", im.abs()));
        }
        if re.abs() <= tiny {
            integrators += 1;
        } else if re > 0.0 {
            return fail(format!("unstable pole at {re:.4}"));
        } else {
            taus.push(-1.0 / re);
        }
    }
    if integrators > 1 {
        return fail("more than one integrator".to_string());
    }
    let mut inverse_response = 0.0;
    for (re, im) in roots(numerator) {
        if im.abs() > 1e-9 * re.abs().max(1.0) {
            return fail("complex zeros".to_string());
        }
        if re > 0.0 {
            inverse_response += 1.0 / re;
        } else {
            return fail(format!("left-half-plane zero at {re:.4}"));
        }
    }
    taus.sort_by(|a, b| b.total_cmp(a));
    let tau = |i: usize| taus.get(i).copied().unwrap_or(0.0);
    let rest = |from: usize| taus.iter().skip(from).sum::<f64>();
    if integrators == 1 {
        // Velocity gain: lim s→0 of s·G(s) = num(0) / (den(s)/s)(0).
        let den: Vec<f64> = denominator.iter().copied().skip_while(|&c| c == 0.0).collect();
        let reduced = &den[..den.len() - 1];
        let gain = eval(numerator, 0.0) / eval(reduced, 0.0);
        let first = ProcessModel::Integrating {
            gain,
            tau2: 0.0,
            delay: delay + rest(0) + inverse_response,
        };
        let second = ProcessModel::Integrating {
            gain,
            tau2: tau(0) + tau(1) / 2.0,
            delay: delay + tau(1) / 2.0 + rest(2) + inverse_response,
        };
        return Ok((first, second));
    }
    let gain = eval(numerator, 0.0) / eval(denominator, 0.0);
    let first = ProcessModel::SelfRegulating {
        gain,
        tau1: tau(0) + tau(1) / 2.0,
        tau2: 0.0,
        delay: delay + tau(1) / 2.0 + rest(2) + inverse_response,
    };
    let second = ProcessModel::SelfRegulating {
        gain,
        tau1: tau(0),
        tau2: tau(1) + tau(2) / 2.0,
        delay: delay + tau(2) / 2.0 + rest(3) + inverse_response,
    };
    Ok((first, second))
}

/// First-order model from an open-loop step response sampled at `time` (see the [module
/// docs](self)); `output[0]` is the steady value before the step of size `step` applied at
/// `time[0]`.
pub fn fit_step_response(time: &[f64], output: &[f64], step: f64) -> Result<ProcessModel, BaselineError> {
    let fail = |m: &str| Err(BaselineError::StepFit(m.to_string()));
    if time.len() < 10 || time.len() != output.len() || step == 0.0 {
        return fail("needs at least 10 samples and a non-zero step");
    }
    if output.iter().any(|y| !y.is_finite()) {
        return fail("the response is not finite");
    }
    let y0 = output[0];
    let n = output.len();
    let tail = &output[n - n / 10..];
    let y_end = tail.iter().sum::<f64>() / tail.len() as f64;
    let change = y_end - y0;
    let spread = tail.iter().map(|y| (y - y_end).abs()).fold(0.0, f64::max);
    if change == 0.0 || spread > 0.02 * change.abs() {
        return fail("the output does not settle to a new steady state (integrating or unstable plant?)");
    }
    let reach = |fraction: f64| -> Option<f64> {
        let level = fraction;
        (1..n).find(|&k| (output[k] - y0) / change >= level).map(|k| {
            let (a, b) = ((output[k - 1] - y0) / change, (output[k] - y0) / change);
            time[k - 1] + (level - a) / (b - a) * (time[k] - time[k - 1])
        })
    };
    let (Some(t28), Some(t63)) = (reach(0.283), reach(0.632)) else {
        return fail("the output never reaches 63 % of its change");
    };
    let tau = 1.5 * (t63 - t28);
    Ok(ProcessModel::SelfRegulating {
        gain: change / step,
        tau1: tau,
        tau2: 0.0,
        delay: (t63 - tau - time[0]).max(0.0),
    })
}

/// Identifies a plant by an open-loop step: holds `u0` for `settle_s`, then steps to
/// `u0 + step` for `horizon_s`, and fits [`fit_step_response`] to the second part.
pub fn identify_by_step(
    plant: &PlantSpec,
    sample_time_s: f64,
    substeps: u32,
    u0: f64,
    step: f64,
    settle_s: f64,
    horizon_s: f64,
) -> Result<ProcessModel, BaselineError> {
    let mut model = plant.build(sample_time_s, substeps)?;
    let mut input = OpenLoop::Profile(vec![(0.0, u0), (settle_s, u0 + step)]);
    let scenario = Scenario {
        setpoint: SetpointProfile::Step { value: 0.0, at: 0.0 },
        ..Scenario::step(sample_time_s, settle_s + horizon_s)
    };
    let trajectory = simulate(model.as_mut(), &mut input, &scenario)?;
    if trajectory.diverged_at.is_some() {
        return Err(BaselineError::StepFit(
            "the plant diverged during the open-loop step".to_string(),
        ));
    }
    let start = (settle_s / sample_time_s).round() as usize;
    fit_step_response(&trajectory.time[start..], &trajectory.output[start..], step)
}

/// A process model for `plant`: the half rule's (first-order, second-order) pair when the
/// plant is a transfer function the rule applies to, otherwise the step fit (first order
/// twice) around `u0` with a step `step`.
pub fn process_models(
    plant: &PlantSpec,
    sample_time_s: f64,
    substeps: u32,
    u0: f64,
    step: f64,
    horizon_s: f64,
) -> Result<(ProcessModel, ProcessModel), BaselineError> {
    plant.validate()?;
    if let Some((num, den, delay)) = plant.transfer_function()
        && let Ok(models) = half_rule(&num, &den, delay)
    {
        return Ok(models);
    }
    let model = identify_by_step(plant, sample_time_s, substeps, u0, step, horizon_s, horizon_s)?;
    Ok((model, model))
}

/// Parallel PID gains from series-form (`Kc`, `τI`, `τD`) ones.
fn series_to_parallel(kc: f64, ti: f64, td: f64) -> PidConfig {
    let factor = 1.0 + td / ti;
    let kp = kc * factor;
    let ti_p = ti + td;
    let td_p = ti * td / (ti + td);
    PidConfig {
        kp,
        ki: kp / ti_p,
        kd: kp * td_p,
        derivative_filter_s: td_p / 10.0,
        ..PidConfig::default()
    }
}

/// SIMC tuning with `τc = θ` (see the [module docs](self)).
pub fn simc(model: &ProcessModel, sample_time_s: f64) -> PidConfig {
    match *model {
        ProcessModel::SelfRegulating {
            gain,
            tau1,
            tau2,
            delay,
        } => {
            let theta = delay + sample_time_s / 2.0;
            let tc = theta;
            let kc = tau1 / (gain * (tc + theta));
            let ti = tau1.min(4.0 * (tc + theta));
            series_to_parallel(kc, ti, tau2)
        }
        ProcessModel::Integrating { gain, tau2, delay } => {
            let theta = delay + sample_time_s / 2.0;
            let tc = theta;
            let kc = 1.0 / (gain * (tc + theta));
            series_to_parallel(kc, 4.0 * (tc + theta), tau2)
        }
    }
}

/// AMIGO tuning from the first-order part of `model` (see the [module docs](self)).
pub fn amigo(model: &ProcessModel, sample_time_s: f64) -> PidConfig {
    let (kp, ti, td) = match *model {
        ProcessModel::SelfRegulating {
            gain, tau1, delay, ..
        } => {
            let l = delay + sample_time_s / 2.0;
            let t = tau1;
            (
                (0.2 + 0.45 * t / l) / gain,
                l * (0.4 * l + 0.8 * t) / (l + 0.1 * t),
                0.5 * l * t / (0.3 * l + t),
            )
        }
        ProcessModel::Integrating { gain, delay, .. } => {
            let l = delay + sample_time_s / 2.0;
            (0.45 / (gain * l), 8.0 * l, 0.5 * l)
        }
    };
    PidConfig {
        kp,
        ki: kp / ti,
        kd: kp * td,
        derivative_filter_s: td / 10.0,
        ..PidConfig::default()
    }
}
