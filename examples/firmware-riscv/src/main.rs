//! RISC-V demo (RV32IMAC, no FPU: `f32` is soft float): the Cortex demo's controller, loop
//! and sweep, in `f32` and in fixed point, printed over semihosting (the lines of
//! `firmware_cortex_m4::report`, shared with this crate), under QEMU's `virt` board.
//!
//! `scripts/firmware.sh riscv32imac-unknown-none-elf` builds and runs it;
//! `scripts/firmware-instructions.sh riscv32imac-unknown-none-elf` counts the instructions
//! of every `measured_step` and `measured_fixed_step` call in a QEMU trace.
#![no_std]
#![no_main]

use firmware_riscv::demo::{CONTROLLER, SCRATCH};
use firmware_riscv::fixed_demo::FIXED;
use firmware_riscv::report;
use fuzzy_core::fixed::{FixedControl, FixedPidState};
use fuzzy_core::{ControlOutput, FuzzyPidState};
use riscv_semihosting::{debug, hio, hprintln};

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
    state: &mut firmware_riscv::c_steps::CState,
    setpoint: f32,
    measurement: f32,
) -> (f32, u8) {
    firmware_riscv::c_steps::c_step(state, setpoint, measurement)
}

/// The generated C fixed-point step (`--features c`), out of line for the same reason.
#[cfg(feature = "c")]
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_c_fixed_step(
    state: &mut firmware_riscv::c_steps::CFixedState,
    setpoint: i32,
    measurement: i32,
) -> (i32, u8) {
    firmware_riscv::c_steps::c_fixed_step(state, setpoint, measurement)
}

/// The same step in fixed point (Q16.16 signals), out of line for the same reason.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn measured_fixed_step(state: &mut FixedPidState, setpoint: i32, measurement: i32) -> FixedControl {
    FIXED.step(state, setpoint, measurement)
}

/// The stack pointer.
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads a register, touches nothing.
    unsafe { core::arch::asm!("mv {}, sp", out(reg) sp, options(nomem, nostack)) };
    sp
}

#[riscv_rt::entry]
fn main() -> ! {
    match hio::hstdout() {
        Ok(mut out) => {
            report::run(&mut out, stack_pointer, measured_step, measured_fixed_step);
            #[cfg(feature = "c")]
            report::run_c(&mut out, measured_c_step, measured_c_fixed_step);
        }
        Err(()) => debug::exit(debug::EXIT_FAILURE),
    }
    debug::exit(debug::EXIT_SUCCESS);
    loop {
        riscv::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        riscv::asm::wfi();
    }
}
