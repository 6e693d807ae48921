//! Controllers the closed loop can run: the fuzzy controller, PID and open loop, through one
//! [`ControlLaw`] trait (the engine is `fuzzy_core::Controller`; this is what the loop calls).

use fuzzy_core::{AntiWindup, Controller as Engine, FuzzyPid, FuzzyPidConfig, FuzzyPidState};
use serde::{Deserialize, Serialize};

/// Anything that turns (setpoint, measurement) into a control signal every sample.
pub trait ControlLaw {
    /// Back to the initial state.
    fn reset(&mut self);
    /// One sample: the control signal for `setpoint` and `measurement` at time `time_s`.
    fn step(&mut self, time_s: f64, setpoint: f64, measurement: f64) -> f64;
}

/// The fuzzy controller of `fuzzy-core` ([`FuzzyPid`], in `f32` exactly as firmware runs
/// it) around an engine borrowed from its owner.
#[derive(Clone, Debug)]
pub struct FuzzyController<'a> {
    pid: FuzzyPid<'a>,
    state: FuzzyPidState<Vec<f32>>,
}

impl<'a> FuzzyController<'a> {
    /// Wraps `engine` (2 inputs, 1 output) with `config`.
    pub fn new(
        engine: Engine<'a>,
        config: FuzzyPidConfig,
    ) -> Result<FuzzyController<'a>, fuzzy_core::ConfigError> {
        let pid = FuzzyPid::new(engine, config)?;
        let state = pid.state_with(vec![0.0; engine.scratch_len()])?;
        Ok(FuzzyController { pid, state })
    }

    /// The wrapped controller.
    pub fn pid(&self) -> &FuzzyPid<'a> {
        &self.pid
    }
}

impl ControlLaw for FuzzyController<'_> {
    fn reset(&mut self) {
        if let Ok(state) = self.pid.state_with(vec![0.0; self.pid.engine().scratch_len()]) {
            self.state = state;
        }
    }

    fn step(&mut self, _time_s: f64, setpoint: f64, measurement: f64) -> f64 {
        f64::from(
            self.pid
                .step(&mut self.state, setpoint as f32, measurement as f32)
                .output,
        )
    }
}

/// Which signal the derivative acts on: the fuzzy controller's and the PID's are one type.
pub use fuzzy_core::DerivativeOn;

/// Anti-windup of the PID's integrator (the same options as the fuzzy controller's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PidAntiWindup {
    /// integrate regardless of the limits
    None,
    /// conditional integration
    #[default]
    Clamping,
    /// back-calculation with tracking time `Tt` (s)
    BackCalculation {
        /// tracking time constant, s
        tracking_time_s: f64,
    },
}

impl From<AntiWindup> for PidAntiWindup {
    fn from(value: AntiWindup) -> Self {
        match value {
            AntiWindup::None => PidAntiWindup::None,
            AntiWindup::Clamping => PidAntiWindup::Clamping,
            AntiWindup::BackCalculation { tracking_time_s } => PidAntiWindup::BackCalculation {
                tracking_time_s: f64::from(tracking_time_s),
            },
        }
    }
}

/// PID gains and options, parallel form
/// `u = Kp e + Ki ∫e dt + Kd·(filtered derivative)`, the derivative filtered by
/// `1 / (Tf s + 1)` (backward Euler, like the fuzzy controller's rate filter), output limits
/// and anti-windup.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PidConfig {
    /// proportional gain Kp
    pub kp: f64,
    /// integral gain Ki, 1/s
    pub ki: f64,
    /// derivative gain Kd, s
    pub kd: f64,
    /// derivative filter time constant Tf, s (0 = unfiltered)
    pub derivative_filter_s: f64,
    /// derivative on error or measurement
    pub derivative_on: DerivativeOn,
    /// lowest output
    pub output_min: f64,
    /// highest output
    pub output_max: f64,
    /// integrator behaviour at the limits
    pub anti_windup: PidAntiWindup,
}

impl Default for PidConfig {
    fn default() -> Self {
        PidConfig {
            kp: 1.0,
            ki: 0.0,
            kd: 0.0,
            derivative_filter_s: 0.0,
            derivative_on: DerivativeOn::Measurement,
            output_min: f64::NEG_INFINITY,
            output_max: f64::INFINITY,
            anti_windup: PidAntiWindup::Clamping,
        }
    }
}

/// The PID's parts in one step (like the `pid` crate's `ControlOutput`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PidOutput {
    /// `Kp e`
    pub p: f64,
    /// integrator state after the step
    pub i: f64,
    /// `Kd · filtered derivative`
    pub d: f64,
    /// limited output
    pub output: f64,
}

/// A discrete PID (see [`PidConfig`]), sample time fixed at construction.
#[derive(Clone, Debug, PartialEq)]
pub struct Pid {
    config: PidConfig,
    sample_time_s: f64,
    integral: f64,
    derivative: f64,
    previous: Option<(f64, f64)>,
}

impl Pid {
    /// A PID sampled every `sample_time_s`.
    pub fn new(config: PidConfig, sample_time_s: f64) -> Pid {
        Pid {
            config,
            sample_time_s,
            integral: 0.0,
            derivative: 0.0,
            previous: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &PidConfig {
        &self.config
    }

    /// One step with every part reported.
    pub fn update(&mut self, setpoint: f64, measurement: f64) -> PidOutput {
        let c = &self.config;
        let ts = self.sample_time_s;
        let error = setpoint - measurement;
        let (previous_error, previous_measurement) = self.previous.unwrap_or((error, measurement));
        let raw = match c.derivative_on {
            DerivativeOn::Error => (error - previous_error) / ts,
            DerivativeOn::Measurement => (previous_measurement - measurement) / ts,
        };
        let keep = c.derivative_filter_s / (c.derivative_filter_s + ts);
        self.derivative = keep * self.derivative + (1.0 - keep) * raw;
        let p = c.kp * error;
        let d = c.kd * self.derivative;
        let increment = c.ki * error * ts;
        let unsaturated = p + self.integral + increment + d;
        let output = unsaturated.clamp(c.output_min, c.output_max);
        self.integral += match c.anti_windup {
            PidAntiWindup::None => increment,
            PidAntiWindup::Clamping => {
                let deeper =
                    (unsaturated > output && increment > 0.0) || (unsaturated < output && increment < 0.0);
                if deeper { 0.0 } else { increment }
            }
            PidAntiWindup::BackCalculation { tracking_time_s } => {
                increment + ts / tracking_time_s * (output - unsaturated)
            }
        };
        self.previous = Some((error, measurement));
        PidOutput {
            p,
            i: self.integral,
            d,
            output,
        }
    }
}

impl ControlLaw for Pid {
    fn reset(&mut self) {
        self.integral = 0.0;
        self.derivative = 0.0;
        self.previous = None;
    }

    fn step(&mut self, _time_s: f64, setpoint: f64, measurement: f64) -> f64 {
        self.update(setpoint, measurement).output
    }
}

/// Open loop: a control signal that ignores the measurement, constant or piecewise constant
/// over time (`[(t0, u0), (t1, u1), …]`: `u0` from `t0` on, `u1` from `t1` on, …; 0 before
/// the first time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OpenLoop {
    /// the same `u` at every sample
    Constant(f64),
    /// `(time_s, u)` pairs, times increasing
    Profile(Vec<(f64, f64)>),
}

impl ControlLaw for OpenLoop {
    fn reset(&mut self) {}

    fn step(&mut self, time_s: f64, _setpoint: f64, _measurement: f64) -> f64 {
        match self {
            OpenLoop::Constant(u) => *u,
            OpenLoop::Profile(points) => points
                .iter()
                .take_while(|(t, _)| *t <= time_s + 1e-12)
                .last()
                .map_or(0.0, |(_, u)| *u),
        }
    }
}
