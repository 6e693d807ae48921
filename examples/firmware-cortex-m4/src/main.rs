//! Cortex-M demo: the 7×7 fuzzy PD controller from the optimizer's Rust export runs a motor
//! position loop for 400 ticks, then every (setpoint, measurement) pair of the
//! instruction-count sweep, first with the `f32` engine and then in fixed point
//! ([`fuzzy_core::fixed::FixedPid`]), then one step of each under stack painting.
//! Everything is printed over semihosting (see [`firmware_cortex_m4::report`] for the
//! lines) and the program exits through semihosting. Runs on a Cortex-M4F (hardware float)
//! and on a Cortex-M0 (soft float).
//!
//! `scripts/firmware.sh` builds and runs it; `scripts/firmware-instructions.sh` counts the
//! instructions of every `measured_step` and `measured_fixed_step` call in a QEMU trace.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio, hprintln};
use firmware_cortex_m4::demo::{CONTROLLER, SCRATCH};
use firmware_cortex_m4::fixed_demo::FIXED;
use firmware_cortex_m4::report;
use fuzzy_core::fixed::{FixedControl, FixedPidState};
use fuzzy_core::{ControlOutput, FuzzyPidState};

/// One controller step, kept out of line so that the instruction-count script can find its
/// entry and return in the trace.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_step(
    state: &mut FuzzyPidState<[f32; SCRATCH]>,
    setpoint: f32,
    measurement: f32,
) -> ControlOutput {
    CONTROLLER.step(state, setpoint, measurement)
}

/// The generated C step (`--features c`), out of line for the same reason.
#[cfg(feature = "c")]
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_c_step(
    state: &mut firmware_cortex_m4::c_steps::CState,
    setpoint: f32,
    measurement: f32,
) -> (f32, u8) {
    firmware_cortex_m4::c_steps::c_step(state, setpoint, measurement)
}

/// The generated C fixed-point step (`--features c`), out of line for the same reason.
#[cfg(feature = "c")]
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_c_fixed_step(
    state: &mut firmware_cortex_m4::c_steps::CFixedState,
    setpoint: i32,
    measurement: i32,
) -> (i32, u8) {
    firmware_cortex_m4::c_steps::c_fixed_step(state, setpoint, measurement)
}

/// The same step in fixed point (Q16.16 signals), out of line for the same reason.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_fixed_step(state: &mut FixedPidState, setpoint: i32, measurement: i32) -> FixedControl {
    FIXED.step(state, setpoint, measurement)
}

#[entry]
fn main() -> ! {
    match hio::hstdout() {
        Ok(mut out) => {
            report::run(
                &mut out,
                || cortex_m::register::msp::read() as usize,
                measured_step,
                measured_fixed_step,
            );
            #[cfg(feature = "c")]
            report::run_c(&mut out, measured_c_step, measured_c_fixed_step);
        }
        Err(()) => debug::exit(debug::EXIT_FAILURE),
    }
    debug::exit(debug::EXIT_SUCCESS);
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
