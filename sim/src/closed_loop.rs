//! The sampled closed loop.
//!
//! Every `Ts`, at `t_k = k·Ts` for `k = 0 … N` with `N = round(horizon / Ts)`:
//! 1. the plant's output `y[k]` is read and sensor noise added (`m[k] = y[k] + n[k]`);
//! 2. the controller computes `u[k]` from `r[k]` and `m[k]`;
//! 3. the actuator limits it (rate limit around the previous applied value, then
//!    saturation);
//! 4. `u[k]` plus the load disturbance `d[k]` is applied to the plant over `[t_k, t_{k+1})`
//!    (zero-order hold).
//!
//! A plant whose state becomes non-finite or leaves its valid region ([`Plant::diverged`])
//! stops the run; the trajectory ends there and records where.

use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::control::ControlLaw;
use crate::plant::{Plant, PlantError};

/// Setpoint over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SetpointProfile {
    /// `value` from `at` on (0 before).
    Step {
        /// final value
        value: f64,
        /// step time, s
        #[serde(default)]
        at: f64,
    },
    /// A sequence of steps: `[(t0, r0), (t1, r1), …]`, `r_i` from `t_i` on (0 before `t0`).
    Steps {
        /// `(time_s, value)` pairs, times increasing
        points: Vec<(f64, f64)>,
    },
    /// `slope·(t − start)` from `start` to `until`, constant afterwards.
    Ramp {
        /// units per second
        slope: f64,
        /// start time, s
        #[serde(default)]
        start: f64,
        /// end of the ramp, s
        until: f64,
    },
}

impl SetpointProfile {
    /// The setpoint at time `t`.
    pub fn at(&self, t: f64) -> f64 {
        const EPS: f64 = 1e-9;
        match self {
            SetpointProfile::Step { value, at } => {
                if t + EPS >= *at {
                    *value
                } else {
                    0.0
                }
            }
            SetpointProfile::Steps { points } => points
                .iter()
                .take_while(|(time, _)| t + EPS >= *time)
                .last()
                .map_or(0.0, |(_, v)| *v),
            // max/min rather than clamp: no panic even for a ramp that `validate` refuses.
            SetpointProfile::Ramp { slope, start, until } => slope * (t.max(*start).min(*until) - start),
        }
    }

    /// Checks the profile's numbers (names the field): finite values and times, a
    /// non-empty list of steps in time order, a ramp that ends after it starts. Values
    /// beyond ±1e12 are refused too: they overflow the metrics' sums.
    pub fn validate(&self) -> Result<(), PlantError> {
        let bad = |field: &str, message: &str| Err(PlantError::new("scenario", field, message));
        let ok = |v: f64| v.is_finite() && v.abs() <= 1e12;
        match self {
            SetpointProfile::Step { value, at } => {
                if !ok(*value) {
                    return bad("setpoint.value", "must be a finite number within ±1e12");
                }
                if !ok(*at) {
                    return bad("setpoint.at", "must be a finite time");
                }
            }
            SetpointProfile::Steps { points } => {
                if points.is_empty() {
                    return bad("setpoint.points", "needs at least one [time, value] pair");
                }
                if points.iter().any(|(t, v)| !ok(*t) || !ok(*v)) {
                    return bad(
                        "setpoint.points",
                        "must be finite [time, value] pairs within ±1e12",
                    );
                }
                if points.windows(2).any(|w| w[1].0 < w[0].0) {
                    return bad("setpoint.points", "must be in time order");
                }
            }
            SetpointProfile::Ramp { slope, start, until } => {
                if !ok(*slope) {
                    return bad("setpoint.slope", "must be a finite number within ±1e12");
                }
                if !ok(*start) || !ok(*until) {
                    return bad("setpoint.start", "and until must be finite times");
                }
                if until < start {
                    return bad("setpoint.until", "must not be before start");
                }
            }
        }
        Ok(())
    }

    /// The times at which the setpoint jumps (for step metrics).
    pub fn step_times(&self) -> Vec<f64> {
        match self {
            SetpointProfile::Step { at, .. } => vec![*at],
            SetpointProfile::Steps { points } => points.iter().map(|(t, _)| *t).collect(),
            SetpointProfile::Ramp { .. } => Vec::new(),
        }
    }
}

/// A step load disturbance added to the plant input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadDisturbance {
    /// start time, s
    pub at: f64,
    /// size, in plant input units
    pub value: f64,
}

/// Gaussian measurement noise, reproducible from its seed (ChaCha8 stream, Box–Muller).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// standard deviation, output units
    pub std_dev: f64,
    /// seed
    #[serde(default)]
    pub seed: u64,
}

/// Actuator limits applied to every controller's output.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Actuator {
    /// lowest control signal
    pub min: f64,
    /// highest control signal
    pub max: f64,
    /// largest change per second (infinite = none)
    pub rate_limit: f64,
}

impl Default for Actuator {
    fn default() -> Self {
        Actuator {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            rate_limit: f64::INFINITY,
        }
    }
}

/// One closed-loop experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// sample time Ts, s
    pub sample_time_s: f64,
    /// simulated time, s
    pub horizon_s: f64,
    /// setpoint profile
    pub setpoint: SetpointProfile,
    /// load disturbances
    #[serde(default)]
    pub disturbances: Vec<LoadDisturbance>,
    /// measurement noise
    #[serde(default)]
    pub noise: Option<Noise>,
    /// actuator limits
    #[serde(default)]
    pub actuator: Actuator,
    /// initial plant state (the plant's own when absent)
    #[serde(default)]
    pub initial_state: Option<Vec<f64>>,
}

impl Scenario {
    /// A unit step at t = 0 over `horizon_s`, no disturbance, no noise, no limits.
    pub fn step(sample_time_s: f64, horizon_s: f64) -> Scenario {
        Scenario {
            sample_time_s,
            horizon_s,
            setpoint: SetpointProfile::Step { value: 1.0, at: 0.0 },
            disturbances: Vec::new(),
            noise: None,
            actuator: Actuator::default(),
            initial_state: None,
        }
    }

    /// Number of samples: `round(horizon / Ts) + 1`.
    pub fn samples(&self) -> usize {
        (self.horizon_s / self.sample_time_s).round().max(0.0) as usize + 1
    }

    /// Checks times, limits and noise (names the field).
    pub fn validate(&self) -> Result<(), PlantError> {
        let bad = |field: &str, message: &str| Err(PlantError::new("scenario", field, message));
        if !(self.sample_time_s.is_finite() && self.sample_time_s > 0.0) {
            return bad("sample_time_s", "must be a finite number > 0");
        }
        if !(self.horizon_s.is_finite() && self.horizon_s >= self.sample_time_s) {
            return bad("horizon_s", "must be finite and at least one sample time");
        }
        // In floating point: the sample count of a huge horizon does not fit a usize.
        if self.horizon_s / self.sample_time_s > 1e8 {
            return bad("horizon_s", "gives more than 1e8 samples");
        }
        self.setpoint.validate()?;
        if self
            .disturbances
            .iter()
            .any(|d| !(d.at.is_finite() && d.value.is_finite() && d.value.abs() <= 1e12))
        {
            return bad("disturbances", "need finite times and values within ±1e12");
        }
        if self.actuator.min.is_nan() || self.actuator.max.is_nan() || self.actuator.min >= self.actuator.max
        {
            return bad("actuator", "needs min < max");
        }
        if self.actuator.rate_limit.is_nan() || self.actuator.rate_limit <= 0.0 {
            return bad("actuator.rate_limit", "must be > 0 (infinite for none)");
        }
        if let Some(noise) = self.noise
            && !(noise.std_dev.is_finite() && noise.std_dev >= 0.0)
        {
            return bad("noise.std_dev", "must be a finite number >= 0");
        }
        Ok(())
    }
}

/// What happened: one entry per sample.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trajectory {
    /// `t_k`, s
    pub time: Vec<f64>,
    /// `r[k]`
    pub setpoint: Vec<f64>,
    /// plant output `y[k]` (without noise)
    pub output: Vec<f64>,
    /// measurement `y[k] + n[k]` the controller saw
    pub measurement: Vec<f64>,
    /// applied control `u[k]` (after the actuator)
    pub control: Vec<f64>,
    /// load disturbance `d[k]`
    pub disturbance: Vec<f64>,
    /// sample at which the plant diverged (the run stopped there)
    pub diverged_at: Option<usize>,
    /// sample time, s
    pub sample_time_s: f64,
}

impl Trajectory {
    /// Number of recorded samples.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The error `r[k] − y[k]` (true output).
    pub fn error(&self) -> impl Iterator<Item = f64> + '_ {
        self.setpoint.iter().zip(&self.output).map(|(r, y)| r - y)
    }
}

/// Standard normal samples from a seeded stream (Box–Muller; both values used).
struct Gaussian {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Gaussian {
    fn new(seed: u64) -> Gaussian {
        Gaussian {
            rng: ChaCha8Rng::seed_from_u64(seed),
            spare: None,
        }
    }

    fn sample(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // u1 in (0, 1] so that ln is finite.
        let u1 = 1.0 - self.rng.random::<f64>();
        let u2 = self.rng.random::<f64>();
        let radius = (-2.0 * u1.ln()).sqrt();
        let angle = std::f64::consts::TAU * u2;
        self.spare = Some(radius * angle.sin());
        radius * angle.cos()
    }
}

/// Runs `scenario` with `controller` on `plant` (both reset first; the scenario's initial
/// state applied). Returns the trajectory, or an error for an invalid scenario.
pub fn simulate(
    plant: &mut dyn Plant,
    controller: &mut dyn ControlLaw,
    scenario: &Scenario,
) -> Result<Trajectory, PlantError> {
    simulate_until(plant, controller, scenario, |_| true).map(|(trajectory, _)| trajectory)
}

/// [`simulate`], asking `keep_going` after each recorded sample whether to go on: a search
/// stops a run whose cost can no longer matter. Returns the trajectory so far and whether
/// the run went to its end (or to a divergence) rather than being stopped.
pub fn simulate_until(
    plant: &mut dyn Plant,
    controller: &mut dyn ControlLaw,
    scenario: &Scenario,
    mut keep_going: impl FnMut(&Trajectory) -> bool,
) -> Result<(Trajectory, bool), PlantError> {
    scenario.validate()?;
    plant.reset();
    if let Some(x0) = &scenario.initial_state {
        plant.set_state(x0)?;
    }
    controller.reset();
    let n = scenario.samples();
    let ts = scenario.sample_time_s;
    let mut noise = scenario.noise.map(|n| (n.std_dev, Gaussian::new(n.seed)));
    let mut trajectory = Trajectory {
        sample_time_s: ts,
        ..Trajectory::default()
    };
    for v in [
        &mut trajectory.time,
        &mut trajectory.setpoint,
        &mut trajectory.output,
        &mut trajectory.measurement,
        &mut trajectory.control,
        &mut trajectory.disturbance,
    ] {
        v.reserve_exact(n);
    }
    let actuator = scenario.actuator;
    let max_change = actuator.rate_limit * ts;
    let mut previous_u: Option<f64> = None;
    for k in 0..n {
        let t = k as f64 * ts;
        let r = scenario.setpoint.at(t);
        let y = plant.output();
        let m = y + noise.as_mut().map_or(0.0, |(std_dev, g)| *std_dev * g.sample());
        let requested = controller.step(t, r, m);
        let requested = if requested.is_nan() {
            previous_u.unwrap_or(0.0)
        } else {
            requested
        };
        // Rate limit: only a finite limit around a finite previous output (an unlimited rate
        // or an infinite previous output would make the bounds NaN, `inf - inf`).
        let limited = match previous_u {
            Some(p) if max_change.is_finite() && p.is_finite() => {
                requested.clamp(p - max_change, p + max_change)
            }
            _ => requested,
        };
        let u = limited.clamp(actuator.min, actuator.max);
        let d: f64 = scenario
            .disturbances
            .iter()
            .filter(|dist| t + 1e-9 >= dist.at)
            .map(|dist| dist.value)
            .sum();
        trajectory.time.push(t);
        trajectory.setpoint.push(r);
        trajectory.output.push(y);
        trajectory.measurement.push(m);
        trajectory.control.push(u);
        trajectory.disturbance.push(d);
        previous_u = Some(u);
        if plant.diverged() || !y.is_finite() {
            trajectory.diverged_at = Some(k);
            break;
        }
        if !keep_going(&trajectory) {
            return Ok((trajectory, false));
        }
        plant.advance(u + d);
    }
    Ok((trajectory, true))
}
