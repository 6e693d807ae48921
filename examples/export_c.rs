//! Writes the firmware demo's controller (the 7×7 PD engine in the demo's `FuzzyPid`) as C,
//! in `f32` (`fuzzy_files::export::c`) and in fixed point (`fuzzy_files::export::c_fixed`),
//! into `examples/firmware-cortex-m4/c/`: `pd.h`, `pd.c`, `pd_q.h`, `pd_q.c`. The firmware
//! demos link them with `--features c` and run them next to the Rust steps;
//! `tests/suite/export.rs` checks that the committed files are what this writes.
//!
//! Usage: `cargo run --example export_c` (from the repository root).

use std::path::Path;
use std::process::ExitCode;

#[allow(dead_code)]
#[rustfmt::skip]
#[path = "firmware-cortex-m4/src/pd_controller.rs"]
mod pd_controller;

#[allow(dead_code)]
#[path = "firmware-cortex-m4/src/demo.rs"]
mod demo;

fn main() -> ExitCode {
    let dir = Path::new(testkit::ROOT).join("examples/firmware-cortex-m4/c");
    let wrapper = *demo::PID.config();
    let owned = match testkit::reference::pd_mamdani_spec().compile() {
        Ok(owned) => owned,
        Err(e) => {
            eprintln!("pd: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pairs = [
        fuzzy_files::export::c::write(&owned, Some(&wrapper)),
        fuzzy_files::export::c_fixed::write(&owned, Some(&wrapper)),
    ];
    for pair in pairs {
        let pair = match pair {
            Ok(pair) => pair,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        for (extension, text) in [("h", &pair.header), ("c", &pair.source)] {
            let path = dir.join(format!("{}.{extension}", pair.stem));
            if let Err(e) = sim::files::write_atomically(&path, text.as_bytes()) {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        }
    }
    ExitCode::SUCCESS
}
