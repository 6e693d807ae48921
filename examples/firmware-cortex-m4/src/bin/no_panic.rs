//! Link-time proof that the controller step cannot panic.
//!
//! This program only builds a controller state and calls the step on opaque inputs. Its
//! panic handler calls a function that is declared but defined nowhere: if any panic is
//! reachable from the step (or from the start-up code), the handler is kept and the link
//! fails with an undefined symbol `controller_step_can_panic`. A successful release build is
//! the proof. (`.ci/run` builds it; `scripts/firmware.sh` too.)
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use firmware_cortex_m4::demo::{CONTROLLER, INITIAL_STATE};

#[entry]
fn main() -> ! {
    let mut state = INITIAL_STATE;
    loop {
        let control = CONTROLLER.step(&mut state, black_box(0.0), black_box(0.0));
        black_box(control);
    }
}

firmware_cortex_m4::no_panic_handler!();
