//! RISC-V demo (RV32IMAC, no FPU: `f32` is soft float): the Cortex demo's controller, loop
//! and sweep, in `f32` and in fixed point, printed over semihosting (the lines of
//! `firmware_cortex_m4::report`, shared with this crate), under QEMU's `virt` board.
//!
//! `scripts/firmware.sh riscv32imac-unknown-none-elf` builds and runs it;
//! `scripts/firmware-instructions.sh riscv32imac-unknown-none-elf` counts the instructions
//! of every `measured_step` and `measured_fixed_step` call in a QEMU trace.
#![no_std]
#![no_main]

use riscv_semihosting::{debug, hio, hprintln};

firmware_riscv::measured_steps!();

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
        Ok(mut out) => run_all(&mut out, stack_pointer),
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
