//! Writes a reference controller as Rust source for `fuzzy-core` (the optimizer's Rust
//! exporter, `fuzzy_files::export::rust`), to stdout.
//!
//! Usage: `export_rust pd|mixed|tuned|lut`. The committed outputs, which `tests/suite/export.rs`
//! keeps up to date and compiles:
//! - `pd` → `examples/firmware-cortex-m4/src/pd_controller.rs` (the firmware demo's controller)
//! - `mixed` → `tests/data/rust/mixed.rs`
//! - `tuned` → `tests/data/rust/tuned.rs`: engine and `FuzzyPid` of the tuned controller in
//!   `tests/data/rust/tuned.json` (a `fuzzyopt tune` result for the README's main job)
//! - `lut` → `tests/data/rust/lut.rs`: the `pd` controller as a 17 × 17 lookup table

use std::process::ExitCode;

use fuzzy_core::ControllerSpec;
use testkit::reference::{MIXED, pd_mamdani_spec};

/// The committed tuned controller.
const TUNED: &str = include_str!("../tests/data/rust/tuned.json");

fn main() -> ExitCode {
    let mode = std::env::args().nth(1);
    let (spec, wrapper) = match mode.as_deref() {
        Some("pd") => (pd_mamdani_spec(), None),
        Some("mixed") => (ControllerSpec::from_controller("mixed", &MIXED), None),
        Some("lut") => {
            // The PD Mamdani controller as a uniform 17 x 17 lookup table.
            let pd = match pd_mamdani_spec().compile() {
                Ok(pd) => pd,
                Err(e) => {
                    eprintln!("pd: {e}");
                    return ExitCode::FAILURE;
                }
            };
            return match fuzzy_files::export::lut::Lut::sample(&pd, 17, 17) {
                Ok(lut) => {
                    print!("{}", lut.rust(lut.max_error(&pd)));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("tuned") => match serde_json::from_str::<fuzzy_files::TunedController>(TUNED) {
            Ok(tuned) => (tuned.controller, Some(tuned.wrapper)),
            Err(e) => {
                eprintln!("tests/data/rust/tuned.json: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: export_rust pd|mixed|tuned|lut");
            return ExitCode::from(2);
        }
    };
    match spec.compile() {
        Ok(controller) => {
            match wrapper {
                Some(wrapper) => print!(
                    "{}",
                    fuzzy_files::export::rust::write_tuned(&controller, &wrapper)
                ),
                None => print!("{}", fuzzy_files::export::rust::write(&controller)),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", spec.name);
            ExitCode::FAILURE
        }
    }
}
