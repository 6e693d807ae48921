//! The fuzzy PD, PI, PD + I and PID structures of [`FuzzyPid`] in fixed point, around a
//! [`FixedController`]: what a Cortex-M0 or a small RISC-V core calls every tick.
//!
//! # Numbers
//!
//! - Setpoint, measurement and control signal are **Q16.16** `i32`s in the same engineering
//!   units as the [`FuzzyPidConfig`](crate::FuzzyPidConfig) (`1.0` = [`SIGNAL_ONE`] = 65 536;
//!   range ±32 768, resolution 1.5e-5). [`MISSING`] marks a measurement (or setpoint) that
//!   failed: the step then behaves as the `f32` step does for a NaN (state kept, previous
//!   output returned, [`Status::INVALID_MEASUREMENT`]).
//! - The error rate and its filter state are Q16.16; the integrator, the previous output and
//!   everything between the engine and the output limits are Q32.32 `i64`s, so that an
//!   integral increment of `Ki·e·Ts` far below one Q16.16 step still accumulates.
//! - Every gain is a 32-bit multiplier with its own shift, chosen at construction for the most
//!   significant bits (a relative error below 2^-29); multiplications are 32 × 32 → 64 bits.
//! - Everything saturates: the error and the rate at the Q16.16 range, the proportional part,
//!   the increment and the integrator at ±32 768 units, so no step overflows whatever the
//!   inputs; the output is always within `[output_min, output_max]` and the rate limit.
//!
//! The control law, order of limits and anti-windup are those of [`FuzzyPid`] (see
//! [`crate::fuzzy_pid`]); [`Structure::GainScheduled`] (a three-output engine) has no fixed-point
//! form. The step has no branch on data: the same instructions run for every input
//! (`scripts/firmware-instructions.sh` counts them on a Cortex-M0 and a RISC-V core).
//!
//! # Difference from the `f32` step
//!
//! The engine's part is bounded in [`super`]; the structure adds the quantisation of the
//! signals to Q16.16 (≤ 2^-17 units each), which the rate sees multiplied by `1/Ts` and
//! `Kd` (for the firmware demo's `Ts = 10 ms`, `Kd = 0.1`: ≤ 1.5e-5 of the rate input's
//! range), and the rounding of each gain (relative 2^-29). `tests/suite/fixed_point.rs`
//! measures both controllers on the same measurement sequences.

use super::{FixedController, FixedError, MISSING, POSITION_ONE, Sign};
use crate::fuzzy_pid::{AntiWindup, DerivativeOn, FuzzyPid, Structure};
use crate::status::Status;

/// `1.0` in a signal (Q16.16).
pub const SIGNAL_ONE: i32 = 1 << 16;

/// `1.0` in the Q32.32 values between the engine and the output.
const WIDE_ONE: f64 = 4_294_967_296.0;
/// ±32 768 units in Q32.32: where the proportional part, the increment and the integrator
/// saturate (a Q16.16 signal's range).
const WIDE_LIMIT: i64 = 1 << 47;
/// Filter coefficients are Q30.
const FILTER_ONE: i64 = 1 << 30;
/// Engine input positions saturate here (far outside the range, which the engine clamps,
/// and never [`MISSING`]).
const POSITION_LIMIT: i64 = 1 << 30;

/// Why a [`FuzzyPid`] has no fixed-point form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedPidError {
    /// The engine has none ([`FixedError`] says why).
    Engine(FixedError),
    /// [`Structure::GainScheduled`] needs three engine outputs; fixed point has one.
    Structure,
    /// A gain (named by its [`crate::Parameter`]) times its scale is too large for a 32-bit
    /// multiplier, or an output limit lies beyond ±32 767 units.
    Range(crate::Parameter),
}

impl core::fmt::Display for FixedPidError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FixedPidError::Engine(e) => write!(f, "the engine has no fixed-point form: {e}"),
            FixedPidError::Structure => {
                f.write_str("the gain-scheduled PID (three engine outputs) has no fixed-point form")
            }
            FixedPidError::Range(p) => write!(
                f,
                "{}: too large for the fixed-point formats (gains times their scale below 2^30, \
                 output limits within ±32 767)",
                p.name()
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FixedPidError {}

/// A gain as `(x · mul + 2^(shift−1)) >> shift` (rounded half up; no rounding term for
/// `shift = 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedGain {
    /// the multiplier (|mul| < 2^30)
    pub mul: i32,
    /// the shift (0 … 62)
    pub shift: u32,
}

use FixedGain as Gain;

impl Gain {
    /// The multiplier for `gain · 2^bits` (`bits` converts between the fixed-point formats of
    /// input and result), or `None` if it does not fit.
    const fn new(gain: f64, bits: i32) -> Option<Gain> {
        let mut v = gain;
        let mut b = bits;
        while b > 0 {
            v *= 2.0;
            b -= 1;
        }
        while b < 0 {
            v *= 0.5;
            b += 1;
        }
        let magnitude = if v < 0.0 { -v } else { v };
        if !(magnitude < (1u32 << 30) as f64) {
            return None;
        }
        if magnitude == 0.0 {
            return Some(Gain { mul: 0, shift: 0 });
        }
        let mut shift = 0u32;
        let mut scaled = v;
        let mut scaled_magnitude = magnitude;
        while shift < 62 && scaled_magnitude * 2.0 < (1u32 << 30) as f64 {
            scaled *= 2.0;
            scaled_magnitude *= 2.0;
            shift += 1;
        }
        Some(Gain {
            mul: round64(scaled) as i32,
            shift,
        })
    }

    /// `x · gain`, rounded half up, for `|x| < 2^32`.
    #[inline(always)]
    fn apply(self, x: i64) -> i64 {
        let half = (1i64 << self.shift) >> 1;
        (x * self.mul as i64 + half) >> self.shift
    }
}

/// Rounds a finite `f64` to the nearest `i64` (ties away from zero), in `const`.
const fn round64(x: f64) -> i64 {
    if x >= 0.0 {
        (x + 0.5) as i64
    } else {
        (x - 0.5) as i64
    }
}

/// All ones when `x < 0`, else 0 (from the high word, through [`Sign`]).
#[inline(always)]
fn negative(x: i64, sg: Sign) -> i64 {
    sg.of((x >> 32) as i32) as i32 as i64
}

/// `x` limited to `[-limit, limit]`, without a branch (`|x| < 2^62`, `limit >= 0`).
#[inline(always)]
fn saturate(x: i64, limit: i64, sg: Sign) -> i64 {
    min_i(max_i(x, -limit, sg), limit, sg)
}

/// `min(a, b)` for `|a - b| < 2^63`, without a branch.
#[inline(always)]
fn min_i(a: i64, b: i64, sg: Sign) -> i64 {
    let d = a.wrapping_sub(b);
    b.wrapping_add(d & negative(d, sg))
}

/// `max(a, b)` for `|a - b| < 2^63`, without a branch.
#[inline(always)]
fn max_i(a: i64, b: i64, sg: Sign) -> i64 {
    let d = a.wrapping_sub(b);
    a.wrapping_sub(d & negative(d, sg))
}

/// `if keep { a } else { b }` for an all-ones / zero mask.
#[inline(always)]
fn pick(keep: u32, a: i64, b: i64) -> i64 {
    let m = keep as i32 as i64;
    (a & m) | (b & !m)
}

/// Whether `a != b`, without a branch.
#[inline(always)]
fn differ(a: i64, b: i64, sg: Sign) -> bool {
    let x = a ^ b;
    sg.nonzero(x as u32 | (x >> 32) as u32) & 1 != 0
}

/// Run-time state of a [`FixedPid`]: 32 bytes, owned by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedPidState {
    /// Q32.32
    integral: i64,
    /// Q32.32
    previous_output: i64,
    /// filtered rate, Q16.16
    rate: i32,
    /// Q16.16
    previous_error: i32,
    /// Q16.16
    previous_measurement: i32,
    /// all ones after the first valid sample
    primed: u32,
}

impl FixedPidState {
    /// The output of the last step (or the one set by a reset), Q16.16.
    pub const fn output(&self) -> i32 {
        ((self.previous_output + (1 << 15)) >> 16) as i32
    }

    /// The integrator state (the bias for [`Structure::Pd`]), Q16.16.
    pub const fn integral(&self) -> i32 {
        ((self.integral + (1 << 15)) >> 16) as i32
    }

    /// The filtered error rate (units per second) of the last step, Q16.16.
    pub const fn rate(&self) -> i32 {
        self.rate
    }
}

/// What one [`FixedPid::step`] did (the fixed-point [`crate::ControlOutput`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedControl {
    /// The control signal to apply, Q16.16: within the output limits.
    pub output: i32,
    /// Error `setpoint − measurement` used, Q16.16.
    pub error: i32,
    /// The engine's input positions (error, rate), before its clamping.
    pub inputs: [i32; 2],
    /// The engine's output position `F` (0 = its `min`, [`POSITION_ONE`] = its `max`).
    pub fuzzy: u32,
    /// The control signal before saturation and rate limit, Q16.16 (saturated at ±32 768).
    pub unsaturated: i32,
    /// The output limits cut the signal.
    pub saturated: bool,
    /// The rate limit cut the signal.
    pub rate_limited: bool,
    /// The engine's status, plus [`Status::INVALID_MEASUREMENT`].
    pub status: Status,
}

/// A [`FuzzyPid`] (PD, PI, PD + I or PID) in fixed point: `T` input terms, `R` rules, `K`
/// output terms and `N` output samples of its engine, as for [`FixedController`]. Build it
/// with [`FixedPid::new`] in a `static` (an unsupported controller is then a compile error):
///
/// ```rust,ignore
/// static PD_Q: FixedPid<14, 49, 7, 101> = match FixedPid::new(&PD) {
///     Ok(pid) => pid,
///     Err(_) => panic!("no fixed-point form"),
/// };
/// let mut state = PD_Q.state();
/// let control = PD_Q.step(&mut state, setpoint_q16, measurement_q16);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedPid<const T: usize, const R: usize, const K: usize, const N: usize> {
    engine: FixedController<2, T, R, K, N>,
    law: FixedLaw,
}

/// The control law of a [`FixedPid`] around its engine: every gain, offset and limit in
/// its fixed-point format (the numbers a code generator writes; [`FixedLaw::new`] computes
/// them from a [`FuzzyPid`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedLaw {
    /// the structure (not [`Structure::GainScheduled`])
    pub structure: Structure,
    /// what the rate differentiates
    pub derivative_on: DerivativeOn,
    /// the anti-windup
    pub anti_windup: AntiWindup,
    /// `1/Ts`: difference (Q16.16) → raw rate (Q16.16)
    pub inverse_sample_time: FixedGain,
    /// rate filter `a`, Q30
    pub filter_keep: i64,
    /// rate filter `1 − a`, Q30 (`filter_keep + filter_take = 2^30`)
    pub filter_take: i64,
    /// error (Q16.16) → engine position: `gain(e) + error_offset`
    pub error_position: FixedGain,
    /// see `error_position`
    pub error_offset: i64,
    /// rate (Q16.16) → engine position: `gain(rate) + rate_offset`
    pub rate_position: FixedGain,
    /// see `rate_position`
    pub rate_offset: i64,
    /// engine position → `Ku·F` (Q32.32): `gain(p) + proportional_offset`
    pub proportional: FixedGain,
    /// see `proportional`
    pub proportional_offset: i64,
    /// engine position (`Pi`, `Pid`: `gain(p) + increment_offset`) or error (`PdPlusI`:
    /// `gain(e)`) → increment (Q32.32)
    pub increment: FixedGain,
    /// see `increment`
    pub increment_offset: i64,
    /// `out − unsaturated` (Q16.16) → back-calculation term (Q32.32)
    pub tracking: FixedGain,
    /// output limits, Q32.32
    pub output_min: i64,
    /// see `output_min`
    pub output_max: i64,
    /// largest output change per step, Q32.32
    pub max_change: i64,
}

impl FixedLaw {
    /// The output of a fresh state, Q32.32: 0 clamped into the output limits (also the
    /// integrator's start for [`Structure::Pi`]).
    pub const fn initial_output(&self) -> i64 {
        if self.output_min > 0 {
            self.output_min
        } else if self.output_max < 0 {
            self.output_max
        } else {
            0
        }
    }

    /// The law of `pid` in fixed point, or why it has none (the engine is not checked
    /// here: see [`super::FixedPlan::new`]).
    pub const fn new(pid: &FuzzyPid<'_>) -> Result<FixedLaw, FixedPidError> {
        use crate::Parameter as P;
        let def = pid.engine().def();
        if def.inputs.len() != 2 || def.outputs.len() != 1 {
            return Err(FixedPidError::Engine(FixedError::Outputs));
        }
        let c = pid.config();
        if matches!(c.structure, Structure::GainScheduled) {
            return Err(FixedPidError::Structure);
        }
        let ts = c.sample_time_s as f64;
        let (emin, emax) = (def.inputs[0].min, def.inputs[0].max);
        let (rmin, rmax) = (def.inputs[1].min, def.inputs[1].max);
        let (omin, omax) = (def.outputs[0].min, def.outputs[0].max);
        let (emin, espan) = (emin as f64, emax as f64 - emin as f64);
        let (rmin, rspan) = (rmin as f64, rmax as f64 - rmin as f64);
        let (omin, ospan) = (omin as f64, omax as f64 - omin as f64);
        let position = POSITION_ONE as f64;
        let ku = c.output_gain as f64;
        let ki = c.integral_gain as f64;

        let Some(inverse_sample_time) = Gain::new(1.0 / ts, 0) else {
            return Err(FixedPidError::Range(P::SampleTime));
        };
        let Some(error_position) = Gain::new(c.error_gain as f64 / espan, 0) else {
            return Err(FixedPidError::Range(P::ErrorGain));
        };
        let Some(rate_position) = Gain::new(c.rate_gain as f64 / rspan, 0) else {
            return Err(FixedPidError::Range(P::RateGain));
        };
        // Ku·F in Q32.32 from the position p: Ku·(omin + ospan·p/2^16)·2^32.
        let Some(proportional) = Gain::new(ku * ospan, 16) else {
            return Err(FixedPidError::Range(P::OutputGain));
        };
        let proportional_offset = round64(ku * omin * WIDE_ONE);
        let (increment, increment_offset, parameter) = match c.structure {
            Structure::Pi => (
                Gain::new(ku * ts * ospan, 16),
                round64(ku * ts * omin * WIDE_ONE),
                P::OutputGain,
            ),
            Structure::Pid => (
                Gain::new(ki * ts * ospan, 16),
                round64(ki * ts * omin * WIDE_ONE),
                P::IntegralGain,
            ),
            Structure::PdPlusI => (Gain::new(ki * ts, 16), 0, P::IntegralGain),
            Structure::Pd | Structure::GainScheduled => (Some(Gain { mul: 0, shift: 0 }), 0, P::IntegralGain),
        };
        let Some(increment) = increment else {
            return Err(FixedPidError::Range(parameter));
        };
        if increment_offset.unsigned_abs() > WIDE_LIMIT as u64
            || proportional_offset.unsigned_abs() > WIDE_LIMIT as u64
        {
            return Err(FixedPidError::Range(parameter));
        }
        let tracking = match c.anti_windup {
            AntiWindup::BackCalculation { tracking_time_s } => Gain::new(ts / tracking_time_s as f64, 16),
            _ => Some(Gain { mul: 0, shift: 0 }),
        };
        let Some(tracking) = tracking else {
            return Err(FixedPidError::Range(P::TrackingTime));
        };
        let limit = 32_767.0;
        let (lo, hi) = (c.output_min as f64, c.output_max as f64);
        if !(lo >= -limit && hi <= limit) {
            return Err(FixedPidError::Range(P::OutputLimits));
        }
        // No limit (infinity) or more than the Q16.16 range per step: the limits decide.
        let change = c.rate_limit as f64 * ts;
        let max_change = if change < 2.0 * limit {
            round64(change * WIDE_ONE)
        } else {
            2 * WIDE_LIMIT
        };
        let tf = c.derivative_filter_s as f64;
        let filter_keep = round64(tf / (tf + ts) * FILTER_ONE as f64);
        Ok(FixedLaw {
            structure: c.structure,
            derivative_on: c.derivative_on,
            anti_windup: c.anti_windup,
            inverse_sample_time,
            filter_keep,
            filter_take: FILTER_ONE - filter_keep,
            error_position,
            error_offset: round64(-emin / espan * position),
            rate_position,
            rate_offset: round64(-rmin / rspan * position),
            proportional,
            proportional_offset,
            increment,
            increment_offset,
            tracking,
            output_min: round64(lo * WIDE_ONE),
            output_max: round64(hi * WIDE_ONE),
            max_change,
        })
    }
}

impl<const T: usize, const R: usize, const K: usize, const N: usize> FixedPid<T, R, K, N> {
    /// The fixed-point form of `pid`, or why it has none.
    pub const fn new(pid: &FuzzyPid<'_>) -> Result<Self, FixedPidError> {
        let engine = match FixedController::new(pid.engine()) {
            Ok(engine) => engine,
            Err(e) => return Err(FixedPidError::Engine(e)),
        };
        match FixedLaw::new(pid) {
            Ok(law) => Ok(FixedPid { engine, law }),
            Err(e) => Err(e),
        }
    }

    /// The control law around the engine.
    pub const fn law(&self) -> &FixedLaw {
        &self.law
    }

    /// The fixed-point engine.
    pub const fn engine(&self) -> &FixedController<2, T, R, K, N> {
        &self.engine
    }

    /// A fresh state, as [`FuzzyPid::state`]: output 0 clamped into the limits, the
    /// integrator at that output for [`Structure::Pi`] and 0 otherwise, no previous sample.
    pub const fn state(&self) -> FixedPidState {
        let output = self.law.initial_output();
        FixedPidState {
            integral: if matches!(self.law.structure, Structure::Pi) {
                output
            } else {
                0
            },
            previous_output: output,
            rate: 0,
            previous_error: 0,
            previous_measurement: 0,
            primed: 0,
        }
    }

    /// Bumpless start or transfer, as [`FuzzyPid::reset`]: the next step with this setpoint
    /// and measurement (Q16.16) and no change since outputs `output` (Q16.16, clamped into the
    /// limits; plus one increment for [`Structure::PdPlusI`] and [`Structure::Pid`]). Clears
    /// the rate filter and forgets the previous sample; a [`MISSING`] signal counts as zero
    /// error.
    pub fn reset(&self, state: &mut FixedPidState, output: i32, setpoint: i32, measurement: i32) {
        let sg = Sign::new();
        let output = min_i(
            max_i((output as i64) << 16, self.law.output_min, sg),
            self.law.output_max,
            sg,
        );
        let valid = !((setpoint == MISSING) | (measurement == MISSING));
        let error = if valid {
            saturate(setpoint as i64 - measurement as i64, i32::MAX as i64, sg) as i32
        } else {
            0
        };
        let (fuzzy, _) = self
            .engine
            .evaluate(&[self.error_input(error, sg), self.rate_input(0, sg)]);
        state.integral = match self.law.structure {
            Structure::Pi => output,
            _ => saturate(output - self.proportional_part(fuzzy, sg), WIDE_LIMIT, sg),
        };
        state.rate = 0;
        state.previous_error = error;
        state.previous_measurement = if measurement == MISSING { 0 } else { measurement };
        state.previous_output = output;
        state.primed = 0;
    }

    #[inline(always)]
    fn error_input(&self, error: i32, sg: Sign) -> i32 {
        saturate(
            self.law.error_position.apply(error as i64) + self.law.error_offset,
            POSITION_LIMIT,
            sg,
        ) as i32
    }

    #[inline(always)]
    fn rate_input(&self, rate: i32, sg: Sign) -> i32 {
        saturate(
            self.law.rate_position.apply(rate as i64) + self.law.rate_offset,
            POSITION_LIMIT,
            sg,
        ) as i32
    }

    #[inline(always)]
    fn proportional_part(&self, fuzzy: u32, sg: Sign) -> i64 {
        match self.law.structure {
            Structure::Pi => 0,
            _ => saturate(
                self.law.proportional.apply(fuzzy as i64) + self.law.proportional_offset,
                WIDE_LIMIT,
                sg,
            ),
        }
    }

    /// One control tick: setpoint and measurement in Q16.16 ([`MISSING`] for a failed one),
    /// returns the control signal and how it was made. Same instructions for every input,
    /// no panic, never outside the limits.
    pub fn step(&self, state: &mut FixedPidState, setpoint: i32, measurement: i32) -> FixedControl {
        let sg = Sign::new();
        let invalid = !sg.nonzero((setpoint ^ MISSING) as u32) | !sg.nonzero((measurement ^ MISSING) as u32);
        let valid = !invalid;
        let limit32 = i32::MAX as i64;
        let measurement = pick(valid, measurement as i64, state.previous_measurement as i64);
        let error = saturate(setpoint as i64 - measurement, limit32, sg);
        let error = pick(valid, error, state.previous_error as i64);
        let previous_error = pick(state.primed, state.previous_error as i64, error);
        let previous_measurement = pick(state.primed, state.previous_measurement as i64, measurement);
        let difference = match self.law.derivative_on {
            DerivativeOn::Error => error - previous_error,
            DerivativeOn::Measurement => previous_measurement - measurement,
        };
        let difference = saturate(difference, limit32, sg);
        let raw_rate = saturate(self.law.inverse_sample_time.apply(difference), limit32, sg);
        let rate =
            (self.law.filter_keep * state.rate as i64 + self.law.filter_take * raw_rate + (FILTER_ONE >> 1))
                >> 30;
        let rate = saturate(rate, limit32, sg) as i32;
        let error = error as i32;

        let inputs = [self.error_input(error, sg), self.rate_input(rate, sg)];
        let (fuzzy, status) = self.engine.evaluate(&inputs);

        let proportional = self.proportional_part(fuzzy, sg);
        let increment = match self.law.structure {
            Structure::Pd | Structure::GainScheduled => 0,
            Structure::PdPlusI => self.law.increment.apply(error as i64),
            Structure::Pi | Structure::Pid => {
                self.law.increment.apply(fuzzy as i64) + self.law.increment_offset
            }
        };
        let increment = saturate(increment, WIDE_LIMIT, sg);
        let integral = state.integral;
        let previous_output = state.previous_output;
        let unsaturated = proportional + integral + increment;
        let saturated_output = min_i(
            max_i(unsaturated, self.law.output_min, sg),
            self.law.output_max,
            sg,
        );
        let output = min_i(
            max_i(saturated_output, previous_output - self.law.max_change, sg),
            previous_output + self.law.max_change,
            sg,
        );

        let new_integral = match (self.law.structure, self.law.anti_windup) {
            (Structure::Pd, _) => integral,
            (_, AntiWindup::None) => integral + increment,
            (_, AntiWindup::Clamping) => {
                // Drop an increment that drives the output further into a limit.
                let above = negative(output - unsaturated, sg) & negative(-increment, sg);
                let below = negative(unsaturated - output, sg) & negative(increment, sg);
                integral + (increment & !(above | below))
            }
            (_, AntiWindup::BackCalculation { .. }) => {
                let cut = saturate((output - unsaturated) >> 16, limit32, sg);
                integral + increment + self.law.tracking.apply(cut)
            }
        };
        let new_integral = saturate(new_integral, WIDE_LIMIT, sg);

        // Commit only a valid sample.
        state.integral = pick(valid, new_integral, integral);
        state.rate = pick(valid, rate as i64, state.rate as i64) as i32;
        state.previous_error = error;
        state.previous_measurement = measurement as i32;
        state.previous_output = pick(valid, output, previous_output);
        state.primed |= valid;

        let flags = status.bits() | (invalid as u8 & Status::INVALID_MEASUREMENT.bits());
        FixedControl {
            output: state.output(),
            error,
            inputs,
            fuzzy,
            unsaturated: ((saturate(unsaturated, WIDE_LIMIT, sg) + (1 << 15)) >> 16) as i32,
            saturated: differ(saturated_output, unsaturated, sg),
            rate_limited: differ(output, saturated_output, sg),
            status: Status::from_bits(flags),
        }
    }

    /// `x` (engineering units) as a Q16.16 signal, rounded, saturated; NaN → [`MISSING`]
    /// (host side, or firmware with an FPU).
    pub fn signal(x: f32) -> i32 {
        if x.is_nan() {
            return MISSING;
        }
        let scaled = x as f64 * SIGNAL_ONE as f64;
        let limit = i32::MAX as f64;
        let scaled = if scaled > limit {
            limit
        } else if scaled < -limit {
            -limit
        } else {
            scaled
        };
        round64(scaled) as i32
    }

    /// A Q16.16 signal in engineering units (host side).
    pub fn signal_value(q: i32) -> f32 {
        (q as f64 / SIGNAL_ONE as f64) as f32
    }
}
