//! Cortex-M4F demo: the 7×7 fuzzy PD controller from the optimizer's Rust export runs a motor
//! position loop for 400 ticks, then every (setpoint, measurement) pair of the
//! instruction-count sweep, then one step under stack painting. Everything is printed over
//! semihosting (f32 values as bit patterns, so the host can compare them exactly) and the
//! program exits through semihosting.
//!
//! Output lines:
//! - `tick K SETPOINT MEASUREMENT OUTPUT STATUS` (hex bits, status as hex flags)
//! - `sweep I SETPOINT MEASUREMENT OUTPUT STATUS`
//! - `stack BYTES` (stack used by one step), `state BYTES` (the controller state the
//!   firmware owns: engine scratch, integrator, filter, previous samples)
//!
//! `scripts/firmware.sh` builds and runs it; `scripts/firmware-instructions.sh` counts the
//! instructions of every `measured_step` call in a QEMU execution trace.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use firmware_cortex_m4::demo::{self, CONTROLLER, INITIAL_STATE, SCRATCH, SWEEP};
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

fn print(kind: &str, index: u32, setpoint: f32, measurement: f32, control: &ControlOutput) {
    hprintln!(
        "{} {} {:08x} {:08x} {:08x} {:02x}",
        kind,
        index,
        setpoint.to_bits(),
        measurement.to_bits(),
        control.output.to_bits(),
        control.status.bits()
    );
}

/// Bytes of stack below the caller's stack pointer that `f` writes, found by painting the
/// region first and looking for the lowest word that changed.
fn stack_used_by(f: impl FnOnce()) -> usize {
    const PAINT: u32 = 0xdead_beef;
    // 4 KiB: the micro:bit has 16 KiB of RAM in all; a step uses a few hundred bytes.
    const DEPTH: usize = 4 * 1024;
    // Leave room for this function's own calls below the stack pointer it reads.
    const MARGIN: usize = 64;
    let top = cortex_m::register::msp::read() as usize - MARGIN;
    let bottom = top - DEPTH;
    for address in (bottom..top).step_by(4) {
        // SAFETY: [bottom, top) is below the stack pointer, inside RAM (16 KiB, the stack
        // starts at its end; the statics take a few bytes) and unused: no interrupts are
        // enabled, nothing else runs.
        unsafe { (address as *mut u32).write_volatile(PAINT) };
    }
    f();
    let lowest = (bottom..top)
        .step_by(4)
        // SAFETY: as above; reading the painted words back.
        .find(|&address| unsafe { (address as *const u32).read_volatile() } != PAINT)
        .unwrap_or(top);
    top + MARGIN - lowest
}

#[entry]
fn main() -> ! {
    hprintln!(
        "fuzzy PD demo: 7x7 Mamdani engine, motor position loop, {} ticks",
        demo::STEPS
    );
    demo::run(measured_step, |tick| {
        print("tick", tick.k, tick.setpoint, tick.measurement, &tick.control)
    });

    let mut state = INITIAL_STATE;
    for i in 0..SWEEP {
        let (setpoint, measurement) = demo::sweep_input(i);
        let control = measured_step(&mut state, setpoint, measurement);
        print("sweep", i, setpoint, measurement, &control);
    }

    let mut state = INITIAL_STATE;
    let used = stack_used_by(|| {
        black_box(measured_step(
            black_box(&mut state),
            black_box(0.5),
            black_box(0.1),
        ));
    });
    hprintln!("stack {}", used);
    hprintln!("state {}", core::mem::size_of::<FuzzyPidState<[f32; SCRATCH]>>());
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
