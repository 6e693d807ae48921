//! The same motor loop with the controller in fixed point ([`fuzzy_core::fixed::FixedPid`]):
//! what a core without an FPU runs. The controller is the demo's 7×7 PD ([`PID`]) converted
//! at compile time; setpoint, measurement and control signal are Q16.16 integers.
//!
//! The motor model stays in `f32` (on a core without an FPU it is soft float, as a real
//! plant would not be inside the firmware at all): the firmware converts the angle to
//! Q16.16 as an ADC driver would, and the Q16.16 voltage back to the model's `f32`. Both
//! conversions are exact IEEE operations, so the host reproduces them bit for bit.
//!
//! Sensor faults as in [`super::demo`]: ticks 300 and 301 report [`MISSING`].

use fuzzy_core::fixed::{FixedControl, FixedPid, FixedPidState, MISSING, SIGNAL_ONE};

use super::demo::{Motor, PID, STEPS, setpoint};

/// The fixed-point controller type for the demo's engine: 14 input terms, 49 rules, 7 output
/// terms, 101 output samples.
pub type FixedPd = FixedPid<14, 49, 7, 101>;

const FIXED_PD: FixedPd = match FixedPid::new(&PID) {
    Ok(pid) => pid,
    // A compile error, not a run-time panic.
    Err(_) => panic!("the demo controller has no fixed-point form"),
};

/// The demo's controller in fixed point, built at compile time.
pub static FIXED: FixedPd = FIXED_PD;

/// A fresh state (each use is a new copy).
pub const FIXED_INITIAL_STATE: FixedPidState = FIXED_PD.state();

/// `x` in Q16.16, truncated toward zero (what the firmware does: one soft-float call).
pub fn to_q16(x: f32) -> i32 {
    (x * SIGNAL_ONE as f32) as i32
}

/// A Q16.16 value as `f32` (exact for |q| < 2^24, correctly rounded beyond).
pub fn from_q16(q: i32) -> f32 {
    q as f32 * (1.0 / SIGNAL_ONE as f32)
}

/// What the Q16.16 sensor reports at tick `k`.
pub fn sensor(k: u32, angle: f32) -> i32 {
    match k {
        300 | 301 => MISSING,
        _ => to_q16(angle),
    }
}

/// What the loop needs from a fixed-point step's result: the Q16.16 voltage to apply.
pub trait AppliedQ {
    /// the control signal, Q16.16 V
    fn output(&self) -> i32;
}

impl AppliedQ for FixedControl {
    fn output(&self) -> i32 {
        self.output
    }
}

impl AppliedQ for (i32, u8) {
    fn output(&self) -> i32 {
        self.0
    }
}

/// One tick of the fixed-point loop as the firmware prints it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FixedTick<C = FixedControl> {
    /// tick number
    pub k: u32,
    /// setpoint, Q16.16
    pub setpoint: i32,
    /// measured angle, Q16.16
    pub measurement: i32,
    /// what the controller did
    pub control: C,
}

/// Runs the closed loop for [`STEPS`] ticks, handing every tick to `emit`.
pub fn run(step: impl FnMut(&mut FixedPidState, i32, i32) -> FixedControl, emit: impl FnMut(&FixedTick)) {
    run_with(FIXED_INITIAL_STATE, step, emit)
}

/// [`run`] for any step with its own state (the generated C step).
pub fn run_with<S, C: AppliedQ>(
    mut state: S,
    mut step: impl FnMut(&mut S, i32, i32) -> C,
    mut emit: impl FnMut(&FixedTick<C>),
) {
    let mut motor = Motor::default();
    for k in 0..STEPS {
        let setpoint = to_q16(setpoint(k));
        let measurement = sensor(k, motor.angle);
        let control = step(&mut state, setpoint, measurement);
        motor.advance(from_q16(control.output()));
        emit(&FixedTick {
            k,
            setpoint,
            measurement,
            control,
        });
    }
}

/// Number of (setpoint, measurement) pairs in the instruction-count sweep.
pub const SWEEP: u32 = 256;

const SPECIAL: [i32; 12] = [
    0,
    SIGNAL_ONE,
    -SIGNAL_ONE,
    SIGNAL_ONE / 2,
    -SIGNAL_ONE / 4,
    3 * SIGNAL_ONE,
    -15 * SIGNAL_ONE / 2,
    MISSING,
    i32::MAX,
    i32::MIN + 1,
    1,
    -1,
];

/// Pair number `i` of the sweep: the first 144 combine range ends, out-of-range values,
/// [`MISSING`], the extremes of `i32` and one LSB; the rest are pseudo-random in ±2 units.
pub fn sweep_input(i: u32) -> (i32, i32) {
    let n = SPECIAL.len() as u32;
    if i < n * n {
        (SPECIAL[(i / n) as usize], SPECIAL[(i % n) as usize])
    } else {
        // xorshift32, seeded by the index: reproducible on every machine.
        let mut x = i.wrapping_mul(0x9e37_79b9) | 1;
        let mut unit = || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 14) as i32 - (1 << 17)
        };
        (unit(), unit())
    }
}
