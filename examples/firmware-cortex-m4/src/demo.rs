//! The closed loop the firmware runs every tick, and the inputs of the instruction-count sweep.
//!
//! Plant: a DC motor position servo `G(s) = K / (s (τ s + 1))` with `K = 2 rad/s per V` and
//! `τ = 0.1 s`, input voltage `u`, output angle `θ` (rad). Discretised exactly (zero-order
//! hold) at `Ts = 10 ms`, with `a = exp(−Ts/τ)`:
//!
//! ```text
//! ω[k+1] = a ω[k] + K (1 − a) u[k]
//! θ[k+1] = θ[k] + τ (1 − a) ω[k] + K (Ts − τ (1 − a)) u[k]
//! ```
//!
//! Controller: the optimizer's 7×7 PD engine (`pd_controller.rs`, generated) in a
//! [`FuzzyPid`] PD: error full scale 1 rad, rate full scale 10 rad/s (derivative on
//! measurement, filtered with `Tf = 20 ms`), output `±12 V`, rate limit 2000 V/s.
//!
//! Scenario (`STEPS` ticks): setpoint 1 rad, then −0.5 rad from tick 200; the sensor fails at
//! ticks 300 (NaN) and 301 (+inf), where the controller holds its output.

use fuzzy_core::math::ct::exp;
use fuzzy_core::{ControlOutput, DerivativeOn, FuzzyPid, FuzzyPidConfig, FuzzyPidState, Structure};

use super::pd_controller::PD;

/// Sample time, seconds.
pub const SAMPLE_TIME_S: f32 = 0.01;
/// Ticks of the closed-loop run.
pub const STEPS: u32 = 400;
/// Scratch the engine needs.
pub const SCRATCH: usize = PD.scratch_len();

const MOTOR_GAIN: f32 = 2.0;
const MOTOR_TIME_CONSTANT_S: f32 = 0.1;
const DECAY: f32 = exp(-SAMPLE_TIME_S / MOTOR_TIME_CONSTANT_S);

/// The controller, checked at compile time.
pub static CONTROLLER: FuzzyPid<'static> = PID;

pub const PID: FuzzyPid<'static> = match FuzzyPid::new(
    PD,
    FuzzyPidConfig {
        error_gain: 1.0,
        rate_gain: 0.1,
        output_gain: 12.0,
        derivative_on: DerivativeOn::Measurement,
        derivative_filter_s: 0.02,
        output_min: -12.0,
        output_max: 12.0,
        rate_limit: 2000.0,
        ..FuzzyPidConfig::new(Structure::Pd, SAMPLE_TIME_S)
    },
) {
    Ok(controller) => controller,
    Err(_) => panic!("invalid demo controller"),
};

/// A fresh controller state (built at compile time; each use is a new copy).
pub const INITIAL_STATE: FuzzyPidState<[f32; SCRATCH]> = match PID.state::<SCRATCH>() {
    Ok(state) => state,
    Err(_) => panic!("scratch too small"),
};

/// The motor: angle (rad) and speed (rad/s).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Motor {
    /// angle, rad
    pub angle: f32,
    /// speed, rad/s
    pub speed: f32,
}

impl Motor {
    /// Applies `voltage` for one sample time.
    pub fn advance(&mut self, voltage: f32) {
        let lag = MOTOR_TIME_CONSTANT_S * (1.0 - DECAY);
        let angle = self.angle + lag * self.speed + MOTOR_GAIN * (SAMPLE_TIME_S - lag) * voltage;
        self.speed = DECAY * self.speed + MOTOR_GAIN * (1.0 - DECAY) * voltage;
        self.angle = angle;
    }
}

/// Setpoint at tick `k`, rad.
pub fn setpoint(k: u32) -> f32 {
    if k < 200 { 1.0 } else { -0.5 }
}

/// What the sensor reports at tick `k` for the true angle.
pub fn sensor(k: u32, angle: f32) -> f32 {
    match k {
        300 => f32::NAN,
        301 => f32::INFINITY,
        _ => angle,
    }
}

/// What the loop needs from a step's result: the voltage to apply. The Rust step returns a
/// [`ControlOutput`]; the generated C step (`--features c`) its output and status bits.
pub trait Applied {
    /// the control signal, V
    fn output(&self) -> f32;
}

impl Applied for ControlOutput {
    fn output(&self) -> f32 {
        self.output
    }
}

impl Applied for (f32, u8) {
    fn output(&self) -> f32 {
        self.0
    }
}

/// One tick of the closed loop as the firmware prints it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick<C = ControlOutput> {
    /// tick number
    pub k: u32,
    /// setpoint, rad
    pub setpoint: f32,
    /// measured angle, rad
    pub measurement: f32,
    /// what the controller did
    pub control: C,
}

/// Runs the closed loop for [`STEPS`] ticks, handing every tick to `emit`.
pub fn run(
    step: impl FnMut(&mut FuzzyPidState<[f32; SCRATCH]>, f32, f32) -> ControlOutput,
    emit: impl FnMut(&Tick),
) {
    run_with(INITIAL_STATE, step, emit)
}

/// [`run`] for any step with its own state (the generated C step).
pub fn run_with<S, C: Applied>(
    mut state: S,
    mut step: impl FnMut(&mut S, f32, f32) -> C,
    mut emit: impl FnMut(&Tick<C>),
) {
    let mut motor = Motor::default();
    for k in 0..STEPS {
        let setpoint = setpoint(k);
        let measurement = sensor(k, motor.angle);
        let control = step(&mut state, setpoint, measurement);
        motor.advance(control.output());
        emit(&Tick {
            k,
            setpoint,
            measurement,
            control,
        });
    }
}

/// Number of (setpoint, measurement) pairs in the instruction-count sweep.
pub const SWEEP: u32 = 256;

const SPECIAL: [f32; 12] = [
    0.0,
    1.0,
    -1.0,
    0.5,
    -0.25,
    3.0,
    -7.5,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MAX,
    1e-40,
];

/// Pair number `i` of the sweep: the first 144 combine range ends, out-of-range values, NaN,
/// ±inf, `f32::MAX` and a subnormal; the rest are pseudo-random in ±2 rad.
pub fn sweep_input(i: u32) -> (f32, f32) {
    let n = SPECIAL.len() as u32;
    if i < n * n {
        (SPECIAL[(i / n) as usize], SPECIAL[(i % n) as usize])
    } else {
        // xorshift32, seeded by the index: reproducible on both machines.
        let mut x = i.wrapping_mul(0x9e37_79b9) | 1;
        let mut unit = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as f32 * (1.0 / 16_777_216.0)
        };
        (4.0 * unit() - 2.0, 4.0 * unit() - 2.0)
    }
}
