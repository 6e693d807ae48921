//! The controller firmware calls every tick: fuzzy PD, fuzzy PI, fuzzy PD + I, MATLAB's fuzzy
//! PID and the gain-scheduled (self-tuning) fuzzy PID around a two-input inference engine.
//!
//! The engine sees two scaled inputs, the error `Ke·e` and its rate `Kd·ė`, and produces one
//! value `F` (its single output; three for `GainScheduled`). The structures turn `F` into the
//! control signal `u`:
//!
//! | [`Structure`] | control law (before limits) | integrator state `I` |
//! |---|---|---|
//! | `Pd` | `u = Ku·F + I` | a constant bias, set by [`FuzzyPid::reset`] |
//! | `Pi` (incremental) | `u = I + Ku·F·Ts` | the previous `u`: `F` is a *rate of change* of `u` |
//! | `PdPlusI` | `u = Ku·F + I + Ki·e·Ts` | `Σ Ki·e·Ts` |
//! | `Pid` | `u = Ku·F + I + Ki·F·Ts` | `Σ Ki·F·Ts` |
//! | `GainScheduled` | `u = Kp·e + Kdp·ė + I + Kip·e·Ts` | `Σ Kip·e·Ts` |
//!
//! `Pid` is the structure of MATLAB's *Fuzzy PID Controller* block: one engine on
//! `(Ce·e, Cd·ė)` whose output feeds a PD branch (`C1 = Ku`) and a PI branch integrated
//! (`C0 = Ki`). With a linear surface `F = a·x + b·y` it is the PID
//! `Kp = Ku·a·Ke + Ki·b·Kd`, `Ki_pid = Ki·a·Ke`, `Kd_pid = Ku·b·Kd` (a PID with real zeros).
//!
//! `GainScheduled` is the classic self-tuning fuzzy PID: an engine with three outputs
//! `(Fp, Fi, Fd)` on `(Ke·e, Kd·ė)` schedules the gains of a PID around base values,
//! `Kp = Ku·(1 + Fp)`, `Kip = Ki·(1 + Fi)`, `Kdp = Kd_pid·(1 + Fd)` (`Kd_pid` is
//! [`FuzzyPidConfig::derivative_gain`]; an output range of `[-0.5, 0.5]` lets each gain move by
//! ±50 %). With every output 0 it is exactly the PID `(Ku, Ki, Kd_pid)`; `ė` is the same
//! filtered rate the engine sees.
//!
//! Then, in this order: NaN guard, output saturation to `[output_min, output_max]`, rate limit
//! to `±rate_limit·Ts` around the previous output, anti-windup on `I` ([`AntiWindup`]).
//!
//! The error rate `ė` is the backward difference of the error ([`DerivativeOn::Error`]) or of
//! the negated measurement ([`DerivativeOn::Measurement`], no kick on setpoint steps), passed
//! through a first-order low-pass with time constant `Tf`, discretised by backward Euler:
//! `d_k = a·d_{k-1} + (1 − a)·raw_k` with `a = Tf / (Tf + Ts)` (`Tf = 0`: no filter). The first
//! step after [`FuzzyPid::state`] or [`FuzzyPid::reset`] has no previous sample; its raw rate
//! is 0.
//!
//! **Invalid measurements.** A NaN or infinite setpoint or measurement leaves the state as it
//! was (integrator, filter, previous samples), returns the previous output and sets
//! [`Status::INVALID_MEASUREMENT`]. The output is never NaN: an unsaturated value that came
//! out NaN (only possible with gains near `f32::MAX`) is replaced by the previous output, and
//! every state value stays finite.
//!
//! **Fixed time.** [`FuzzyPid::step`] executes the same instructions for every setpoint and
//! measurement: the decisions above are branch-free selects, the structure and anti-windup
//! choices are fixed per controller, and the engine evaluation is fixed-time itself. The
//! Cortex-M4 firmware demo counts the instructions of one step in QEMU
//! (`scripts/firmware-instructions.sh`).
//!
//! # Example
//!
//! A 2×2 Sugeno engine whose output is exactly `F(e, d) = (e + d) / 2` on `[-1, 1]²`
//! (ramps `N = (1 − x)/2`, `P = (1 + x)/2`, product AND, outputs −1, 0, 0, 1), so the step
//! can be checked by hand:
//!
//! ```
//! use fuzzy_core::*;
//!
//! const TERMS: [Term; 8] = [
//!     Term::triangle(-1.0, -1.0, 1.0), Term::triangle(-1.0, 1.0, 1.0), // e: N P
//!     Term::triangle(-1.0, -1.0, 1.0), Term::triangle(-1.0, 1.0, 1.0), // d: N P
//!     Term::constant(-1.0), Term::constant(0.0), Term::constant(0.0), Term::constant(1.0),
//! ];
//! const INPUTS: [InputVariable; 2] = [
//!     InputVariable::new(-1.0, 1.0, TermRange::new(0, 2)),
//!     InputVariable::new(-1.0, 1.0, TermRange::new(2, 2)),
//! ];
//! const OUTPUTS: [OutputVariable; 1] =
//!     [OutputVariable::new(-1.0, 1.0, TermRange::new(4, 4), Defuzzifier::WeightedAverage)];
//! const RULES: [Rule; 4] = [Rule::AND; 4];
//! const TABLE: [i8; 12] = [1, 1, 1, 1, 2, 2, 2, 1, 3, 2, 2, 4];
//! const SLOTS: [u16; 12] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE, &[]);
//! const TABLES: [f32; table_len(Inference::Sugeno, &INPUTS, 1, &TERMS, 4)] =
//!     tables(Inference::Sugeno, &INPUTS, &OUTPUTS, &TERMS, &TABLE);
//!
//! static PD: FuzzyPid<'static> = match Controller::new(ControllerDef {
//!     inference: Inference::Sugeno, and: TNorm::Product, or: SNorm::Maximum,
//!     inputs: &INPUTS, outputs: &OUTPUTS, terms: &TERMS, params: &[],
//!     rules: &RULES, rule_terms: &TABLE, hedged: &[], rule_slots: &SLOTS, samples: &[],
//!     tables: &TABLES,
//! }) {
//!     Ok(engine) => match FuzzyPid::new(engine, FuzzyPidConfig {
//!         error_gain: 1.0,  // 1 unit of error = full scale
//!         rate_gain: 0.1,   // 10 units per second = full scale
//!         output_gain: 4.0, // u = 4 F
//!         output_min: -2.0,
//!         output_max: 2.0,
//!         ..FuzzyPidConfig::new(Structure::Pd, 0.01)
//!     }) {
//!         Ok(pid) => pid,
//!         Err(_) => panic!("invalid configuration"),
//!     },
//!     Err(_) => panic!("invalid engine"),
//! };
//!
//! const N: usize = 64; // at least the engine's scratch_len()
//! let mut state = PD.state::<N>().unwrap();
//! // Tick 1: e = 0.5, no previous sample so no rate: u = 4 · (0.5 + 0) / 2 = 1.
//! let control = PD.step(&mut state, 0.5, 0.0);
//! assert!((control.output - 1.0).abs() < 1e-6);
//! // Tick 2: e = 0.49, rate on measurement −0.01 / 0.01 s = −1, scaled −0.1:
//! // u = 4 · (0.49 − 0.1) / 2 = 0.78.
//! let control = PD.step(&mut state, 0.5, 0.01);
//! assert!((control.output - 0.78).abs() < 1e-6);
//! assert!(control.status.is_ok() && !control.saturated);
//! ```

use core::fmt;

use crate::Controller;
use crate::math::is_finite;
use crate::math::rt::{clamp, select};
use crate::status::Status;

/// How the fuzzy output becomes the control signal (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Structure {
    /// Fuzzy PD: `u = Ku·F + bias`.
    Pd,
    /// Incremental fuzzy PI: the fuzzy output is a rate of change of `u`, integrated.
    Pi,
    /// Fuzzy PD plus a separate integral term: `u = Ku·F + Ki·∫e dt`.
    PdPlusI,
    /// Fuzzy PID (MATLAB's Fuzzy PID Controller block): `u = Ku·F + Ki·∫F dt`, the engine's
    /// output feeding a PD branch and an integrated PI branch.
    Pid,
    /// Gain-scheduled (self-tuning) fuzzy PID: a 3-output engine scales the PID gains,
    /// `u = Ku·(1 + Fp)·e + Ki·(1 + Fi)·∫e dt + Kd_pid·(1 + Fd)·ė`.
    GainScheduled,
}

impl Structure {
    /// Whether [`FuzzyPidConfig::integral_gain`] takes part in the control law
    /// ([`Structure::PdPlusI`] and [`Structure::Pid`]).
    pub const fn uses_integral_gain(self) -> bool {
        matches!(
            self,
            Structure::PdPlusI | Structure::Pid | Structure::GainScheduled
        )
    }

    /// Outputs the engine must have: 3 (`Fp`, `Fi`, `Fd`) for [`Structure::GainScheduled`],
    /// 1 for the others.
    pub const fn engine_outputs(self) -> usize {
        match self {
            Structure::GainScheduled => 3,
            _ => 1,
        }
    }
}

/// Which signal the rate input is the derivative of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DerivativeOn {
    /// `ė = d(setpoint − measurement)/dt`: setpoint steps reach the rate input.
    Error,
    /// `ė = −d(measurement)/dt`: equal to the error rate for a constant setpoint, without the
    /// kick of a setpoint step.
    #[default]
    Measurement,
}

/// How the integrator state reacts to a limited output (saturation or rate limit).
/// Ignored by [`Structure::Pd`], which has no integrator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AntiWindup {
    /// Integrate regardless of the limits.
    None,
    /// Conditional integration: while the output is limited, an increment that would drive
    /// it further into the limit is dropped.
    #[default]
    Clamping,
    /// Back-calculation: `I += increment + (Ts / tracking_time_s)·(u − u_unsaturated)`.
    /// With `tracking_time_s = Ts` the integrator of [`Structure::Pi`] tracks the limited
    /// output exactly.
    BackCalculation {
        /// tracking time constant, seconds (> 0)
        tracking_time_s: f32,
    },
}

/// Parameters of a [`FuzzyPid`]; all gains and times in engineering units.
///
/// With the `serde` feature this is the `wrapper` object of a tuned controller file: enum
/// values in snake case (`"pd_plus_i"`, `"measurement"`), `rate_limit` absent for no limit,
/// `anti_windup` absent for [`AntiWindup::Clamping`]; unknown fields are errors.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct FuzzyPidConfig {
    /// Control law.
    pub structure: Structure,
    /// Sample time `Ts`, seconds (> 0).
    pub sample_time_s: f32,
    /// `Ke`: error (engineering units) to the engine's first input.
    pub error_gain: f32,
    /// `Kd`: error rate (units per second) to the engine's second input.
    pub rate_gain: f32,
    /// `Ku`: engine output to control signal (per second for [`Structure::Pi`]).
    pub output_gain: f32,
    /// `Ki`: integral gain (per second) of [`Structure::PdPlusI`] (on `e`), of
    /// [`Structure::Pid`] (on `F`) and the base integral gain of [`Structure::GainScheduled`];
    /// unused otherwise.
    pub integral_gain: f32,
    /// `Kd_pid`: base derivative gain (seconds) of [`Structure::GainScheduled`]; unused
    /// otherwise. Absent from files when 0.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_zero"))]
    pub derivative_gain: f32,
    /// Signal differentiated for the rate input.
    pub derivative_on: DerivativeOn,
    /// Time constant `Tf` of the rate filter, seconds (0 = unfiltered).
    pub derivative_filter_s: f32,
    /// Lowest control signal (finite).
    pub output_min: f32,
    /// Highest control signal (finite, > `output_min`).
    pub output_max: f32,
    /// Largest change of the control signal per second (> 0; `f32::INFINITY` = no limit).
    #[cfg_attr(
        feature = "serde",
        serde(
            default = "no_rate_limit",
            with = "rate_limit_field",
            skip_serializing_if = "no_limit"
        )
    )]
    pub rate_limit: f32,
    /// Integrator behaviour at the limits.
    #[cfg_attr(feature = "serde", serde(default))]
    pub anti_windup: AntiWindup,
}

#[cfg(feature = "serde")]
fn is_zero(value: &f32) -> bool {
    *value == 0.0
}

#[cfg(feature = "serde")]
fn no_rate_limit() -> f32 {
    f32::INFINITY
}

#[cfg(feature = "serde")]
fn no_limit(rate_limit: &f32) -> bool {
    *rate_limit == f32::INFINITY
}

/// `rate_limit` in files: a number, or absent / `null` for none (JSON has no infinity).
#[cfg(feature = "serde")]
mod rate_limit_field {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f32(*value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
        Ok(Option::<f32>::deserialize(deserializer)?.unwrap_or(f32::INFINITY))
    }
}

impl FuzzyPidConfig {
    /// Unit gains, no filter, no rate limit, output limits `[-1, 1]`, derivative on
    /// measurement, conditional integration.
    pub const fn new(structure: Structure, sample_time_s: f32) -> FuzzyPidConfig {
        FuzzyPidConfig {
            structure,
            sample_time_s,
            error_gain: 1.0,
            rate_gain: 1.0,
            output_gain: 1.0,
            integral_gain: 0.0,
            derivative_gain: 0.0,
            derivative_on: DerivativeOn::Measurement,
            derivative_filter_s: 0.0,
            output_min: -1.0,
            output_max: 1.0,
            rate_limit: f32::INFINITY,
            anti_windup: AntiWindup::Clamping,
        }
    }
}

/// A configuration parameter, named in a [`ConfigError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Parameter {
    /// [`FuzzyPidConfig::sample_time_s`]
    SampleTime,
    /// [`FuzzyPidConfig::error_gain`]
    ErrorGain,
    /// [`FuzzyPidConfig::rate_gain`]
    RateGain,
    /// [`FuzzyPidConfig::output_gain`]
    OutputGain,
    /// [`FuzzyPidConfig::integral_gain`]
    IntegralGain,
    /// [`FuzzyPidConfig::derivative_gain`]
    DerivativeGain,
    /// [`FuzzyPidConfig::derivative_filter_s`]
    DerivativeFilter,
    /// [`FuzzyPidConfig::output_min`] / [`FuzzyPidConfig::output_max`]
    OutputLimits,
    /// [`FuzzyPidConfig::rate_limit`]
    RateLimit,
    /// [`AntiWindup::BackCalculation::tracking_time_s`]
    TrackingTime,
}

impl Parameter {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Parameter::SampleTime => "sample_time_s",
            Parameter::ErrorGain => "error_gain",
            Parameter::RateGain => "rate_gain",
            Parameter::OutputGain => "output_gain",
            Parameter::IntegralGain => "integral_gain",
            Parameter::DerivativeGain => "derivative_gain",
            Parameter::DerivativeFilter => "derivative_filter_s",
            Parameter::OutputLimits => "output_min/output_max",
            Parameter::RateLimit => "rate_limit",
            Parameter::TrackingTime => "tracking_time_s",
        }
    }

    const fn allowed(self) -> &'static str {
        match self {
            Parameter::SampleTime | Parameter::TrackingTime => "finite and > 0",
            Parameter::ErrorGain
            | Parameter::RateGain
            | Parameter::OutputGain
            | Parameter::IntegralGain
            | Parameter::DerivativeGain => "finite",
            Parameter::DerivativeFilter => "finite and >= 0",
            Parameter::OutputLimits => "finite with output_min < output_max",
            Parameter::RateLimit => "> 0 (infinity for no limit)",
        }
    }
}

/// Why a [`FuzzyPid`] (or its state) could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigError {
    /// A parameter is out of its allowed range.
    Invalid(Parameter),
    /// The engine must have exactly 2 inputs (error, rate) and the structure's outputs
    /// ([`Structure::engine_outputs`]: 1, or 3 for the gain-scheduled PID).
    EngineShape {
        /// inputs of the engine given
        inputs: u8,
        /// outputs of the engine given
        outputs: u8,
        /// outputs the structure needs
        needed_outputs: u8,
    },
    /// The state's scratch array is shorter than the engine needs.
    ScratchTooSmall {
        /// [`Controller::scratch_len`] of the engine
        needed: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConfigError::Invalid(p) => write!(f, "{} must be {}", p.name(), p.allowed()),
            ConfigError::EngineShape {
                inputs,
                outputs,
                needed_outputs,
            } => write!(
                f,
                "the {} needs an engine with 2 inputs (error, error rate) and {needed_outputs} {}, \
                 this one has {inputs} inputs and {outputs} outputs",
                if needed_outputs == 3 {
                    "gain-scheduled PID"
                } else {
                    "fuzzy PD/PI/PID"
                },
                if needed_outputs == 3 {
                    "outputs (Kp, Ki and Kd factors)"
                } else {
                    "output"
                },
            ),
            ConfigError::ScratchTooSmall { needed } => {
                write!(f, "the state's scratch array needs at least {needed} values")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConfigError {}

/// What one [`FuzzyPid::step`] did (like the `pid` crate's `ControlOutput`): each part of the
/// control signal, for plots, logs and tuning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControlOutput {
    /// Error `setpoint − measurement` used (engineering units).
    pub error: f32,
    /// Scaled error fed to the engine, `Ke·e` (before the engine's range handling).
    pub error_input: f32,
    /// Scaled filtered rate fed to the engine, `Kd·ė`.
    pub rate_input: f32,
    /// The engine's output `F` (the gain-scheduled PID: `Fp`, its first output).
    pub fuzzy: f32,
    /// The proportional-derivative part `Ku·F` (0 for [`Structure::Pi`]; the gain-scheduled
    /// PID: `Kp·e + Kdp·ė`).
    pub proportional: f32,
    /// The integrator state after this step (the bias for [`Structure::Pd`]).
    pub integral: f32,
    /// The control signal before saturation and rate limit.
    pub unsaturated: f32,
    /// The control signal to apply: within the output limits, never NaN.
    pub output: f32,
    /// The output limits cut the signal.
    pub saturated: bool,
    /// The rate limit cut the signal.
    pub rate_limited: bool,
    /// The engine's status, plus [`Status::INVALID_MEASUREMENT`].
    pub status: Status,
}

/// Room for the engine's outputs in a [`FuzzyPidState`]: the most any structure needs.
const ENGINE_OUTPUTS: usize = 3;

/// Run-time state of a [`FuzzyPid`]: integrator, filter, previous samples and the engine's
/// scratch `S`, at least [`Controller::scratch_len`] values: a `[f32; N]` in firmware
/// ([`FuzzyPid::state`]), any buffer such as a `Vec<f32>` on a host
/// ([`FuzzyPid::state_with`]). Owned by the caller. Comparison and `Debug` leave out the
/// scratch, whose contents are not state (the engine overwrites them before reading).
#[derive(Clone)]
pub struct FuzzyPidState<S> {
    scratch: S,
    /// The engine's outputs (the first [`Structure::engine_outputs`] are used).
    engine_output: [f32; ENGINE_OUTPUTS],
    integral: f32,
    rate: f32,
    previous_error: f32,
    previous_measurement: f32,
    previous_output: f32,
    primed: bool,
}

impl<S> PartialEq for FuzzyPidState<S> {
    fn eq(&self, other: &Self) -> bool {
        self.engine_output == other.engine_output
            && self.integral == other.integral
            && self.rate == other.rate
            && self.previous_error == other.previous_error
            && self.previous_measurement == other.previous_measurement
            && self.previous_output == other.previous_output
            && self.primed == other.primed
    }
}

impl<S> fmt::Debug for FuzzyPidState<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FuzzyPidState")
            .field("engine_output", &self.engine_output)
            .field("integral", &self.integral)
            .field("rate", &self.rate)
            .field("previous_error", &self.previous_error)
            .field("previous_measurement", &self.previous_measurement)
            .field("previous_output", &self.previous_output)
            .field("primed", &self.primed)
            .finish_non_exhaustive()
    }
}

impl<S> FuzzyPidState<S> {
    /// The output of the last step (or the one set by a reset).
    pub const fn output(&self) -> f32 {
        self.previous_output
    }

    /// The integrator state (the bias for [`Structure::Pd`]).
    pub const fn integral(&self) -> f32 {
        self.integral
    }

    /// The filtered error rate (units per second) of the last step.
    pub const fn rate(&self) -> f32 {
        self.rate
    }
}

/// A fuzzy PD, PI, PD + I, PID or gain-scheduled PID controller: a validated [`FuzzyPidConfig`] around a two-input
/// [`Controller`]. Immutable; the state lives in a [`FuzzyPidState`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FuzzyPid<'a> {
    engine: Controller<'a>,
    config: FuzzyPidConfig,
    inverse_sample_time: f32,
    filter_keep: f32,
    filter_take: f32,
    /// `Ku·Ts` for [`Structure::Pi`].
    output_gain_ts: f32,
    /// `Ki·Ts` for [`Structure::PdPlusI`] and [`Structure::Pid`].
    integral_gain_ts: f32,
    /// `rate_limit·Ts`.
    max_change: f32,
    /// `Ts / tracking_time_s`.
    tracking: f32,
}

const fn finite(x: f32) -> bool {
    is_finite(x)
}

const fn positive(x: f32) -> bool {
    is_finite(x) && x > 0.0
}

impl<'a> FuzzyPid<'a> {
    /// Checks the configuration and the engine's shape (2 inputs, 1 output) once; a `const
    /// fn`, so a `static` controller is checked at compile time.
    pub const fn new(engine: Controller<'a>, config: FuzzyPidConfig) -> Result<FuzzyPid<'a>, ConfigError> {
        let needed_outputs = config.structure.engine_outputs();
        if engine.input_count() != 2 || engine.output_count() != needed_outputs {
            return Err(ConfigError::EngineShape {
                inputs: engine.input_count() as u8,
                outputs: engine.output_count() as u8,
                needed_outputs: needed_outputs as u8,
            });
        }
        let c = &config;
        let invalid = if !positive(c.sample_time_s) {
            Some(Parameter::SampleTime)
        } else if !finite(c.error_gain) {
            Some(Parameter::ErrorGain)
        } else if !finite(c.rate_gain) {
            Some(Parameter::RateGain)
        } else if !finite(c.output_gain) {
            Some(Parameter::OutputGain)
        } else if !finite(c.integral_gain) {
            Some(Parameter::IntegralGain)
        } else if !finite(c.derivative_gain) {
            Some(Parameter::DerivativeGain)
        } else if !(finite(c.derivative_filter_s) && c.derivative_filter_s >= 0.0) {
            Some(Parameter::DerivativeFilter)
        } else if !(finite(c.output_min) && finite(c.output_max) && c.output_min < c.output_max) {
            Some(Parameter::OutputLimits)
        } else if !(c.rate_limit > 0.0) {
            Some(Parameter::RateLimit)
        } else if let AntiWindup::BackCalculation { tracking_time_s } = c.anti_windup
            && !positive(tracking_time_s)
        {
            Some(Parameter::TrackingTime)
        } else {
            None
        };
        if let Some(parameter) = invalid {
            return Err(ConfigError::Invalid(parameter));
        }
        let ts = c.sample_time_s;
        let filter_keep = c.derivative_filter_s / (c.derivative_filter_s + ts);
        let tracking = match c.anti_windup {
            AntiWindup::BackCalculation { tracking_time_s } => ts / tracking_time_s,
            _ => 0.0,
        };
        Ok(FuzzyPid {
            engine,
            config,
            inverse_sample_time: 1.0 / ts,
            filter_keep,
            filter_take: 1.0 - filter_keep,
            output_gain_ts: c.output_gain * ts,
            integral_gain_ts: c.integral_gain * ts,
            max_change: c.rate_limit * ts,
            tracking,
        })
    }

    /// The engine.
    pub const fn engine(&self) -> &Controller<'a> {
        &self.engine
    }

    /// The configuration.
    pub const fn config(&self) -> &FuzzyPidConfig {
        &self.config
    }

    /// A fresh state: output 0 clamped into the limits, integrator at that output for
    /// [`Structure::Pi`] and 0 otherwise, no previous sample. `N` must be at least
    /// [`Controller::scratch_len`] of the engine (a `const` item:
    /// `const N: usize = ENGINE.scratch_len();`).
    pub const fn state<const N: usize>(&self) -> Result<FuzzyPidState<[f32; N]>, ConfigError> {
        if N < self.engine.scratch_len() {
            return Err(ConfigError::ScratchTooSmall {
                needed: self.engine.scratch_len(),
            });
        }
        Ok(self.initial_state([0.0; N]))
    }

    /// A fresh state (as [`FuzzyPid::state`]) around a caller-provided scratch buffer of at
    /// least [`Controller::scratch_len`] values, e.g. `vec![0.0; engine.scratch_len()]`.
    pub fn state_with<S: AsMut<[f32]>>(&self, mut scratch: S) -> Result<FuzzyPidState<S>, ConfigError> {
        if scratch.as_mut().len() < self.engine.scratch_len() {
            return Err(ConfigError::ScratchTooSmall {
                needed: self.engine.scratch_len(),
            });
        }
        Ok(self.initial_state(scratch))
    }

    const fn initial_state<S>(&self, scratch: S) -> FuzzyPidState<S> {
        let output = crate::math::ct::clamp(0.0, self.config.output_min, self.config.output_max);
        FuzzyPidState {
            scratch,
            engine_output: [0.0; ENGINE_OUTPUTS],
            integral: match self.config.structure {
                Structure::Pi => output,
                Structure::Pd | Structure::PdPlusI | Structure::Pid | Structure::GainScheduled => 0.0,
            },
            rate: 0.0,
            previous_error: 0.0,
            previous_measurement: 0.0,
            previous_output: output,
            primed: false,
        }
    }

    /// Bumpless start or transfer: sets the state so that the next step, with this setpoint
    /// and measurement and no change since, outputs `output` (clamped into the limits; for
    /// [`Structure::PdPlusI`] plus one integral increment `Ki·e·Ts`, for [`Structure::Pid`]
    /// plus `Ki·F·Ts`, for [`Structure::GainScheduled`] plus `Ki·(1 + Fi)·e·Ts`). Clears the
    /// rate filter
    /// and forgets the previous sample. A non-finite setpoint or measurement counts as zero
    /// error.
    pub fn reset<S: AsMut<[f32]>>(
        &self,
        state: &mut FuzzyPidState<S>,
        output: f32,
        setpoint: f32,
        measurement: f32,
    ) {
        let c = &self.config;
        let output = clamp(select(is_finite(output), output, 0.0), c.output_min, c.output_max);
        let error = setpoint - measurement;
        let error = select(is_finite(error), error, 0.0);
        self.engine.evaluate(
            &[c.error_gain * error, 0.0],
            state.scratch.as_mut(),
            &mut state.engine_output,
        );
        let fuzzy = state.engine_output[0];
        state.integral = match c.structure {
            Structure::Pi => output,
            Structure::Pd | Structure::PdPlusI | Structure::Pid => output - c.output_gain * fuzzy,
            // The rate is 0 after a reset: only the scheduled proportional part.
            Structure::GainScheduled => output - c.output_gain * (1.0 + fuzzy) * error,
        };
        state.rate = 0.0;
        state.previous_error = error;
        state.previous_measurement = select(is_finite(measurement), measurement, 0.0);
        state.previous_output = output;
        state.primed = false;
    }

    /// One control tick: reads the setpoint and the measurement, returns the control signal
    /// and how it was made. Fixed time, never fails, never NaN (see the [module docs](self)).
    pub fn step<S: AsMut<[f32]>>(
        &self,
        state: &mut FuzzyPidState<S>,
        setpoint: f32,
        measurement: f32,
    ) -> ControlOutput {
        let c = &self.config;
        let valid = is_finite(setpoint) & is_finite(measurement);
        // Invalid samples are replaced by the previous ones so that everything below stays
        // finite; their results are discarded at the end.
        let measurement = select(valid, measurement, state.previous_measurement);
        let error = clamp(setpoint - measurement, -f32::MAX, f32::MAX);
        let error = select(valid, error, state.previous_error);
        let previous_error = select(state.primed, state.previous_error, error);
        let previous_measurement = select(state.primed, state.previous_measurement, measurement);
        let difference = match c.derivative_on {
            DerivativeOn::Error => error - previous_error,
            DerivativeOn::Measurement => previous_measurement - measurement,
        };
        let raw_rate = clamp(difference * self.inverse_sample_time, -f32::MAX, f32::MAX);
        let rate = clamp(
            self.filter_keep * state.rate + self.filter_take * raw_rate,
            -f32::MAX,
            f32::MAX,
        );

        let error_input = c.error_gain * error;
        let rate_input = c.rate_gain * rate;
        let previous_outputs = state.engine_output;
        let status = self.engine.evaluate(
            &[error_input, rate_input],
            state.scratch.as_mut(),
            &mut state.engine_output,
        );
        let fuzzy = state.engine_output[0];

        let integral = state.integral;
        let (proportional, increment) = match c.structure {
            Structure::Pd => (c.output_gain * fuzzy, 0.0),
            Structure::Pi => (0.0, self.output_gain_ts * fuzzy),
            Structure::PdPlusI => (c.output_gain * fuzzy, self.integral_gain_ts * error),
            Structure::Pid => (c.output_gain * fuzzy, self.integral_gain_ts * fuzzy),
            Structure::GainScheduled => {
                let [proportional, integral, derivative] = state.engine_output;
                (
                    c.output_gain * (1.0 + proportional) * error
                        + c.derivative_gain * (1.0 + derivative) * rate,
                    self.integral_gain_ts * (1.0 + integral) * error,
                )
            }
        };
        let previous_output = state.previous_output;
        let unsaturated = proportional + integral + increment;
        let unsaturated = select(!unsaturated.is_nan(), unsaturated, previous_output);
        let saturated_output = clamp(unsaturated, c.output_min, c.output_max);
        let output = clamp(
            saturated_output,
            previous_output - self.max_change,
            previous_output + self.max_change,
        );

        let new_integral = match (c.structure, c.anti_windup) {
            (Structure::Pd, _) => integral,
            (_, AntiWindup::None) => integral + increment,
            (_, AntiWindup::Clamping) => {
                let deeper = ((unsaturated > output) & (increment > 0.0))
                    | ((unsaturated < output) & (increment < 0.0));
                integral + select(deeper, 0.0, increment)
            }
            (_, AntiWindup::BackCalculation { .. }) => {
                integral + increment + self.tracking * (output - unsaturated)
            }
        };
        let new_integral = clamp(new_integral, -f32::MAX, f32::MAX);

        // Commit only a valid sample.
        state.integral = select(valid, new_integral, integral);
        state.rate = select(valid, rate, state.rate);
        state.previous_error = error;
        state.previous_measurement = measurement;
        state.previous_output = select(valid, output, previous_output);
        // (Only the outputs the structure's engine has: one for all but the gain-scheduled PID.)
        let used = c.structure.engine_outputs();
        for (output, previous) in state.engine_output.iter_mut().zip(previous_outputs).take(used) {
            *output = select(valid, *output, previous);
        }
        state.primed |= valid;

        ControlOutput {
            error,
            error_input,
            rate_input,
            fuzzy,
            proportional,
            integral: state.integral,
            unsaturated,
            output: state.previous_output,
            saturated: saturated_output != unsaturated,
            rate_limited: output != saturated_output,
            status: status.with_if(Status::INVALID_MEASUREMENT, !valid),
        }
    }
}
