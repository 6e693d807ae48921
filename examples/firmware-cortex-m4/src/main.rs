//! Cortex-M demo: the 7×7 fuzzy PD controller from the optimizer's Rust export runs a motor
//! position loop for 400 ticks, then every (setpoint, measurement) pair of the
//! instruction-count sweep, first with the `f32` engine and then in fixed point
//! ([`fuzzy_core::fixed::FixedPid`]), then one step of each under stack painting.
//! Everything is printed over semihosting (see [`firmware_cortex_m4::report`] for the
//! lines) and the program exits through semihosting. Runs on a Cortex-M4F (hardware float)
//! and on a Cortex-M0 (soft float).
//!
//! `scripts/firmware.sh` builds and runs it; `scripts/firmware-instructions.sh` counts the
//! instructions of every `measured_step` and `measured_fixed_step` call (and of the C
//! steps with `--features c`) in a QEMU trace; the steps are defined by
//! [`firmware_cortex_m4::measured_steps`].
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio, hprintln};

firmware_cortex_m4::measured_steps!();

#[entry]
fn main() -> ! {
    match hio::hstdout() {
        Ok(mut out) => run_all(&mut out, || cortex_m::register::msp::read() as usize),
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
