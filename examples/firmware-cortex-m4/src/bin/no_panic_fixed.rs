//! Link-time proof that the fixed-point controller step cannot panic, and the binary whose
//! size is the fixed-point engine + controller + step (`scripts/firmware.sh` prints it).
//!
//! Like `no-panic`: the program builds a state and calls the step on opaque inputs; its
//! panic handler calls a function declared but defined nowhere, so the release build links
//! only if no panic is reachable.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use firmware_cortex_m4::fixed_demo::{FIXED, FIXED_INITIAL_STATE};

#[entry]
fn main() -> ! {
    let mut state = FIXED_INITIAL_STATE;
    loop {
        let control = FIXED.step(&mut state, black_box(0), black_box(0));
        black_box(control);
    }
}

firmware_cortex_m4::no_panic_handler!();
