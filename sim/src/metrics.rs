//! Performance measures of a [`Trajectory`].
//!
//! Integrals use the rectangle rule over the samples `k = 0 … N`, `e[k] = r[k] − y[k]` (true
//! output, without noise): `IAE = Σ |e|·Ts`, `ISE = Σ e²·Ts`, `ITAE = Σ t_k·|e|·Ts`,
//! `ITSE = Σ t_k·e²·Ts`; control energy `Σ u²·Ts`, total variation `Σ |u[k+1] − u[k]|`.
//!
//! Step-response measures refer to the first setpoint step of the scenario, from the output
//! at the step, `y0`, to the new setpoint `r`, `Δ = r − y0`, over the window up to the next
//! setpoint step (or the end):
//! - overshoot: `max(0, max over the window of (y − r)·sign Δ) / |Δ|` in %;
//! - rise time: from the first crossing of `y0 + 0.1Δ` to the first crossing of
//!   `y0 + 0.9Δ` (crossing times linearly interpolated between samples);
//! - settling time: from the step to the moment after which `|y − r|` stays within
//!   `band·|Δ|` (default band 2 %; the last exit interpolated);
//! - steady-state error: mean of `r − y` over the last 10 % of the window.
//!
//! Late oscillation: peak-to-peak of `y` over the last fifth of the run.
//!
//! Disturbance measures refer to the first load disturbance: peak deviation `max |r − y|`
//! after it (up to the next setpoint step or the end; later disturbances, such as the second
//! edge of a pulse, stay in the window), and recovery time from the disturbance until
//! `|r − y|` stays within `band ×` the peak deviation.

use serde::Serialize;

use crate::closed_loop::{Scenario, Trajectory};

/// Every measure of one run. Times in seconds; `None` where a measure does not apply or was
/// not reached (no step, never settled).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// integral of absolute error
    pub iae: f64,
    /// integral of squared error
    pub ise: f64,
    /// integral of time-weighted absolute error
    pub itae: f64,
    /// integral of time-weighted squared error
    pub itse: f64,
    /// overshoot of the first step, %
    pub overshoot_percent: Option<f64>,
    /// 10–90 % rise time of the first step
    pub rise_time_s: Option<f64>,
    /// settling time of the first step
    pub settling_time_s: Option<f64>,
    /// steady-state error of the first step's window
    pub steady_state_error: Option<f64>,
    /// `Σ u²·Ts`
    pub control_energy: f64,
    /// `Σ |Δu|`
    pub total_variation: f64,
    /// peak `|r − y|` after the first load disturbance
    pub peak_deviation: Option<f64>,
    /// recovery time after the first load disturbance
    pub recovery_time_s: Option<f64>,
    /// samples spent at the actuator limits (fraction of the run)
    pub saturated_fraction: f64,
    /// peak-to-peak of the output over the last fifth of the run: a sustained oscillation
    /// shows here when every other measure has settled
    pub late_peak_to_peak: f64,
    /// the plant diverged (the run stopped early)
    pub diverged: bool,
}

/// The running sums of a run (IAE, ISE, ITAE, ITSE, control energy, total variation), one
/// sample at a time: [`measure`] adds every sample; a search adds them as the run goes, and
/// since every term is ≥ 0 the sums so far never exceed the final ones (a lower bound that
/// lets it stop a hopeless run early).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Integrals {
    /// `Σ |e|·Ts`
    pub iae: f64,
    /// `Σ e²·Ts`
    pub ise: f64,
    /// `Σ t·|e|·Ts`
    pub itae: f64,
    /// `Σ t·e²·Ts`
    pub itse: f64,
    /// `Σ u²·Ts`
    pub control_energy: f64,
    /// `Σ |Δu|`
    pub total_variation: f64,
    previous_control: Option<f64>,
}

impl Integrals {
    /// Adds sample `k` of a run: time `t`, error `e = r − y`, control `u`, sample time `ts`.
    pub fn add(&mut self, t: f64, e: f64, u: f64, ts: f64) {
        self.iae += e.abs() * ts;
        self.ise += e * e * ts;
        self.itae += t * e.abs() * ts;
        self.itse += t * e * e * ts;
        self.control_energy += u * u * ts;
        if let Some(previous) = self.previous_control {
            self.total_variation += (u - previous).abs();
        }
        self.previous_control = Some(u);
    }

    /// Adds the last sample of `trajectory` (nothing if it is empty).
    pub fn add_last(&mut self, trajectory: &Trajectory) {
        let k = trajectory.len().wrapping_sub(1);
        if let (Some(t), Some(r), Some(y), Some(u)) = (
            trajectory.time.get(k),
            trajectory.setpoint.get(k),
            trajectory.output.get(k),
            trajectory.control.get(k),
        ) {
            self.add(*t, r - y, *u, trajectory.sample_time_s);
        }
    }
}

/// Options of the measures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricOptions {
    /// settling band, fraction of the step (0.02 = 2 %)
    pub settling_band: f64,
}

impl Default for MetricOptions {
    fn default() -> Self {
        MetricOptions { settling_band: 0.02 }
    }
}

/// Time at which the segment from `(t0, a)` to `(t1, b)` crosses `level` (linear).
fn crossing(t0: f64, a: f64, t1: f64, b: f64, level: f64) -> f64 {
    if a == b {
        t1
    } else {
        t0 + (level - a) / (b - a) * (t1 - t0)
    }
}

/// Index of the first sample at or after time `t`.
fn index_at(trajectory: &Trajectory, t: f64) -> usize {
    let ts = trajectory.sample_time_s;
    ((t / ts) - 1e-9).ceil().max(0.0) as usize
}

/// Computes every measure of `trajectory`, run under `scenario`.
pub fn measure(trajectory: &Trajectory, scenario: &Scenario, options: MetricOptions) -> Metrics {
    let ts = trajectory.sample_time_s;
    let mut sums = Integrals::default();
    for ((t, e), u) in trajectory
        .time
        .iter()
        .zip(trajectory.error())
        .zip(&trajectory.control)
    {
        sums.add(*t, e, *u, ts);
    }
    let mut m = Metrics {
        diverged: trajectory.diverged_at.is_some(),
        iae: sums.iae,
        ise: sums.ise,
        itae: sums.itae,
        itse: sums.itse,
        control_energy: sums.control_energy,
        total_variation: sums.total_variation,
        ..Metrics::default()
    };
    let at_limit = trajectory
        .control
        .iter()
        .filter(|&&u| u <= scenario.actuator.min || u >= scenario.actuator.max)
        .count();
    m.saturated_fraction = if trajectory.is_empty() {
        0.0
    } else {
        at_limit as f64 / trajectory.len() as f64
    };

    let n = trajectory.len();
    let tail = &trajectory.output[n - n / 5..];
    m.late_peak_to_peak = if tail.is_empty() {
        0.0
    } else {
        tail.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - tail.iter().copied().fold(f64::INFINITY, f64::min)
    };
    let mut events: Vec<f64> = scenario.setpoint.step_times();
    events.extend(scenario.disturbances.iter().map(|d| d.at));
    events.sort_by(f64::total_cmp);
    let window_end = |start: f64| -> usize {
        events
            .iter()
            .find(|&&t| t > start + 1e-9)
            .map_or(n, |&t| index_at(trajectory, t).min(n))
    };

    if let Some(&step_time) = scenario.setpoint.step_times().first() {
        let start = index_at(trajectory, step_time);
        let end = window_end(step_time);
        if start < end && start < n {
            step_measures(trajectory, start, end, options.settling_band, &mut m);
        }
    }
    if let Some(first) = scenario.disturbances.iter().map(|d| d.at).min_by(f64::total_cmp) {
        let start = index_at(trajectory, first);
        let end = scenario
            .setpoint
            .step_times()
            .into_iter()
            .filter(|&t| t > first + 1e-9)
            .min_by(f64::total_cmp)
            .map_or(n, |t| index_at(trajectory, t).min(n));
        if start < end && start < n {
            disturbance_measures(trajectory, start, end, options.settling_band, &mut m);
        }
    }
    m
}

fn step_measures(tr: &Trajectory, start: usize, end: usize, band: f64, m: &mut Metrics) {
    let y0 = tr.output[start];
    let r = tr.setpoint[start];
    let delta = r - y0;
    if delta == 0.0 {
        return;
    }
    let sign = delta.signum();
    let t0 = tr.time[start];
    let window = start..end;
    // Overshoot.
    let peak = window
        .clone()
        .map(|k| (tr.output[k] - r) * sign)
        .fold(0.0f64, f64::max);
    m.overshoot_percent = Some(peak / delta.abs() * 100.0);
    // Rise time: normalised progress p = (y − y0)/Δ crossing 0.1 and 0.9.
    let progress = |k: usize| (tr.output[k] - y0) / delta;
    let first_crossing = |level: f64| -> Option<f64> {
        (start + 1..end)
            .find(|&k| progress(k) >= level)
            .map(|k| crossing(tr.time[k - 1], progress(k - 1), tr.time[k], progress(k), level))
    };
    if let (Some(t10), Some(t90)) = (first_crossing(0.1), first_crossing(0.9)) {
        m.rise_time_s = Some(t90 - t10);
    }
    // Settling time: after the last sample outside the band.
    let tolerance = band * delta.abs();
    let outside = |k: usize| (tr.output[k] - r).abs() > tolerance;
    m.settling_time_s = match (start..end).rev().find(|&k| outside(k)) {
        None => Some(0.0),
        Some(last) if last + 1 < end => {
            // Interpolate where |y − r| returns to the band between `last` and `last + 1`.
            let (a, b) = ((tr.output[last] - r).abs(), (tr.output[last + 1] - r).abs());
            Some(crossing(tr.time[last], a, tr.time[last + 1], b, tolerance) - t0)
        }
        Some(_) => None,
    };
    // Steady-state error: last 10 % of the window.
    let tail = ((end - start) / 10).max(1);
    let sum: f64 = (end - tail..end).map(|k| tr.setpoint[k] - tr.output[k]).sum();
    m.steady_state_error = Some(sum / tail as f64);
}

fn disturbance_measures(tr: &Trajectory, start: usize, end: usize, band: f64, m: &mut Metrics) {
    let deviation = |k: usize| (tr.setpoint[k] - tr.output[k]).abs();
    let peak = (start..end).map(deviation).fold(0.0f64, f64::max);
    m.peak_deviation = Some(peak);
    let tolerance = band * peak;
    m.recovery_time_s = match (start..end).rev().find(|&k| deviation(k) > tolerance) {
        None => Some(0.0),
        Some(last) if last + 1 < end => Some(tr.time[last + 1] - tr.time[start]),
        Some(_) => None,
    };
}
