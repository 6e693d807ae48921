//! What every firmware demo does and prints, for any target: the `f32` loop and sweep, the
//! fixed-point loop and sweep, and the stack of one step of each. The target's `main`
//! supplies the output stream, its stack pointer and the two out-of-line steps (whose
//! instructions `scripts/firmware-instructions.sh` counts).
//!
//! Output lines (values as hex bit patterns, so that the host can compare them exactly;
//! status as hex flags):
//! - `tick K SETPOINT MEASUREMENT OUTPUT STATUS`, `sweep I ...`: the `f32` step
//! - `qtick K ...`, `qsweep I ...`: the fixed-point step (Q16.16 signals)
//! - `stack BYTES` / `qstack BYTES`: stack used by one step; `state BYTES` / `qstate BYTES`:
//!   the controller state the firmware owns

use core::fmt::Write;
use core::hint::black_box;

use fuzzy_core::fixed::{FixedControl, FixedPidState};
use fuzzy_core::{ControlOutput, FuzzyPidState};

use super::demo::{self, INITIAL_STATE, SCRATCH};
use super::fixed_demo::{self, FIXED_INITIAL_STATE};

/// Whether the `f32` steps run: not with the `fixed-only` feature, which
/// `scripts/firmware-instructions.sh` uses on cores without an FPU so that its execution
/// trace (every instruction logged) holds only the fixed-point steps and stays short.
const WITH_F32: bool = !cfg!(feature = "fixed-only");

/// The `f32` step.
pub type Step = fn(&mut FuzzyPidState<[f32; SCRATCH]>, f32, f32) -> ControlOutput;
/// The fixed-point step.
pub type FixedStep = fn(&mut FixedPidState, i32, i32) -> FixedControl;

/// Runs everything and prints it to `out` (write errors are ignored: the host sees the
/// missing lines). `stack_pointer` reads the current stack pointer.
pub fn run(out: &mut impl Write, stack_pointer: fn() -> usize, step: Step, fixed_step: FixedStep) {
    let _ = writeln!(
        out,
        "fuzzy PD demo: 7x7 Mamdani engine, motor position loop, {} ticks",
        demo::STEPS
    );
    let mut line =
        |kind: &str, index: u32, bits: [u32; 3], status: u8| print_line(out, kind, index, bits, status);
    if WITH_F32 {
        demo::run(step, |tick| {
            let c = &tick.control;
            let bits = [
                tick.setpoint.to_bits(),
                tick.measurement.to_bits(),
                c.output.to_bits(),
            ];
            line("tick", tick.k, bits, c.status.bits());
        });
        let mut state = INITIAL_STATE;
        for i in 0..demo::SWEEP {
            let (setpoint, measurement) = demo::sweep_input(i);
            let c = step(&mut state, setpoint, measurement);
            line(
                "sweep",
                i,
                [setpoint.to_bits(), measurement.to_bits(), c.output.to_bits()],
                c.status.bits(),
            );
        }
    }
    fixed_demo::run(fixed_step, |tick| {
        let c = &tick.control;
        let bits = [tick.setpoint as u32, tick.measurement as u32, c.output as u32];
        line("qtick", tick.k, bits, c.status.bits());
    });
    let mut state = FIXED_INITIAL_STATE;
    for i in 0..fixed_demo::SWEEP {
        let (setpoint, measurement) = fixed_demo::sweep_input(i);
        let c = fixed_step(&mut state, setpoint, measurement);
        line(
            "qsweep",
            i,
            [setpoint as u32, measurement as u32, c.output as u32],
            c.status.bits(),
        );
    }

    if WITH_F32 {
        let mut state = INITIAL_STATE;
        let used = stack_used_by(stack_pointer, || {
            black_box(step(black_box(&mut state), black_box(0.5), black_box(0.1)));
        });
        let _ = writeln!(out, "stack {used}");
        let _ = writeln!(
            out,
            "state {}",
            core::mem::size_of::<FuzzyPidState<[f32; SCRATCH]>>()
        );
    }
    let mut state = FIXED_INITIAL_STATE;
    let used = stack_used_by(stack_pointer, || {
        black_box(fixed_step(
            black_box(&mut state),
            black_box(32_768),
            black_box(6_554),
        ));
    });
    let _ = writeln!(out, "qstack {used}");
    let _ = writeln!(out, "qstate {}", core::mem::size_of::<FixedPidState>());
}

/// The generated C steps (`--features c`): the same loops and sweeps, printed as `ctick`,
/// `csweep` (f32) and `cqtick`, `cqsweep` (fixed point) lines, which must equal the Rust
/// steps' lines bit for bit.
#[cfg(feature = "c")]
pub fn run_c(
    out: &mut impl Write,
    c_step: fn(&mut super::c_steps::CState, f32, f32) -> (f32, u8),
    c_fixed_step: fn(&mut super::c_steps::CFixedState, i32, i32) -> (i32, u8),
) {
    use super::c_steps::{c_fixed_state, c_state};
    let mut line =
        |kind: &str, index: u32, bits: [u32; 3], status: u8| print_line(out, kind, index, bits, status);
    if WITH_F32 {
        demo::run_with(c_state(), c_step, |tick| {
            let bits = [
                tick.setpoint.to_bits(),
                tick.measurement.to_bits(),
                tick.control.0.to_bits(),
            ];
            line("ctick", tick.k, bits, tick.control.1);
        });
        let mut state = c_state();
        for i in 0..demo::SWEEP {
            let (setpoint, measurement) = demo::sweep_input(i);
            let (u, status) = c_step(&mut state, setpoint, measurement);
            line(
                "csweep",
                i,
                [setpoint.to_bits(), measurement.to_bits(), u.to_bits()],
                status,
            );
        }
    }
    fixed_demo::run_with(c_fixed_state(), c_fixed_step, |tick| {
        let bits = [
            tick.setpoint as u32,
            tick.measurement as u32,
            tick.control.0 as u32,
        ];
        line("cqtick", tick.k, bits, tick.control.1);
    });
    let mut state = c_fixed_state();
    for i in 0..fixed_demo::SWEEP {
        let (setpoint, measurement) = fixed_demo::sweep_input(i);
        let (u, status) = c_fixed_step(&mut state, setpoint, measurement);
        line(
            "cqsweep",
            i,
            [setpoint as u32, measurement as u32, u as u32],
            status,
        );
    }
}

/// One printed step: kind, index, setpoint, measurement and output as hex bit patterns,
/// status bits (write errors ignored, as everywhere here).
fn print_line(out: &mut impl Write, kind: &str, index: u32, bits: [u32; 3], status: u8) {
    let _ = writeln!(
        out,
        "{kind} {index} {:08x} {:08x} {:08x} {status:02x}",
        bits[0], bits[1], bits[2]
    );
}

/// Bytes of stack below the caller's stack pointer that `f` writes, found by painting the
/// region first and looking for the lowest word that changed.
#[inline(never)]
fn stack_used_by(stack_pointer: fn() -> usize, f: impl FnOnce()) -> usize {
    const PAINT: u32 = 0xdead_beef;
    // 4 KiB: the smallest board (the micro:bit) has 16 KiB of RAM in all; a step uses a few
    // hundred bytes.
    const DEPTH: usize = 4 * 1024;
    // Leave room for this function's own calls below the stack pointer it reads.
    const MARGIN: usize = 64;
    let top = stack_pointer() - MARGIN;
    let bottom = top - DEPTH;
    for address in (bottom..top).step_by(4) {
        // SAFETY: [bottom, top) is below the stack pointer, inside RAM (the stack starts at
        // its end; the statics take a few bytes) and unused: no interrupts are enabled,
        // nothing else runs.
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

/// Defines, in the calling firmware binary, the out-of-line steps that
/// `scripts/firmware-instructions.sh` finds by name (`measured_step`, `measured_fixed_step`
/// and, with `--features c`, `measured_c_step`, `measured_c_fixed_step`: each kept out of
/// line so that its entry and return show in the trace), and `run_all`, which runs and
/// prints everything with them.
#[macro_export]
macro_rules! measured_steps {
    () => {
        /// The `f32` controller step, out of line.
        #[inline(never)]
        #[unsafe(no_mangle)]
        pub fn measured_step(
            state: &mut ::fuzzy_core::FuzzyPidState<[f32; $crate::demo::SCRATCH]>,
            setpoint: f32,
            measurement: f32,
        ) -> ::fuzzy_core::ControlOutput {
            $crate::demo::CONTROLLER.step(state, setpoint, measurement)
        }

        /// The same step in fixed point (Q16.16 signals), out of line.
        #[inline(never)]
        #[unsafe(no_mangle)]
        pub fn measured_fixed_step(
            state: &mut ::fuzzy_core::fixed::FixedPidState,
            setpoint: i32,
            measurement: i32,
        ) -> ::fuzzy_core::fixed::FixedControl {
            $crate::fixed_demo::FIXED.step(state, setpoint, measurement)
        }

        /// The generated C `f32` step, out of line.
        #[cfg(feature = "c")]
        #[inline(never)]
        #[unsafe(no_mangle)]
        pub fn measured_c_step(
            state: &mut $crate::c_steps::CState,
            setpoint: f32,
            measurement: f32,
        ) -> (f32, u8) {
            $crate::c_steps::c_step(state, setpoint, measurement)
        }

        /// The generated C fixed-point step, out of line.
        #[cfg(feature = "c")]
        #[inline(never)]
        #[unsafe(no_mangle)]
        pub fn measured_c_fixed_step(
            state: &mut $crate::c_steps::CFixedState,
            setpoint: i32,
            measurement: i32,
        ) -> (i32, u8) {
            $crate::c_steps::c_fixed_step(state, setpoint, measurement)
        }

        /// Runs and prints everything: the Rust steps, then the C steps (`--features c`).
        fn run_all(out: &mut impl core::fmt::Write, stack_pointer: fn() -> usize) {
            $crate::report::run(out, stack_pointer, measured_step, measured_fixed_step);
            #[cfg(feature = "c")]
            $crate::report::run_c(out, measured_c_step, measured_c_fixed_step);
        }
    };
}

/// The panic handler of the link-proof binaries (`no-panic`, `no-panic-fixed`, ...): it
/// calls a function that is declared but defined nowhere, so a binary links only if no
/// panic is reachable from what it runs; the undefined symbol in the linker's error,
/// `controller_step_can_panic`, says why it did not.
#[macro_export]
macro_rules! no_panic_handler {
    () => {
        unsafe extern "C" {
            /// Deliberately undefined.
            fn controller_step_can_panic() -> !;
        }

        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo) -> ! {
            // SAFETY: never runs: the program only links when this handler is unreachable.
            unsafe { controller_step_can_panic() }
        }
    };
}
