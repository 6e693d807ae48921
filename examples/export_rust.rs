//! Writes a reference controller as Rust source for `fuzzy-core` (the optimizer's Rust
//! exporter, `optimizer::export::rust`), to stdout.
//!
//! Usage: `export_rust pd|mixed`. The committed outputs, which `tests/suite/export.rs` keeps
//! up to date and compiles:
//! - `pd` → `examples/firmware-cortex-m4/src/pd_controller.rs` (the firmware demo's controller)
//! - `mixed` → `tests/data/rust/mixed.rs`

use std::process::ExitCode;

use fuzzy_core::ControllerSpec;
use fuzzy_suite::reference::{MIXED, pd_mamdani_spec};

fn main() -> ExitCode {
    let spec = match std::env::args().nth(1).as_deref() {
        Some("pd") => pd_mamdani_spec(),
        Some("mixed") => ControllerSpec::from_controller("mixed", &MIXED),
        _ => {
            eprintln!("usage: export_rust pd|mixed");
            return ExitCode::from(2);
        }
    };
    match spec.compile() {
        Ok(controller) => {
            print!("{}", optimizer::export::rust::write(&controller));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", spec.name);
            ExitCode::FAILURE
        }
    }
}
