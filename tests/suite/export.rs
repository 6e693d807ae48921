//! The Rust exporter: generated files are up to date, compile, and describe the same
//! controller bit for bit.

use fuzzy_core::ControllerSpec;
use fuzzy_suite::reference::{MIXED, PD_MAMDANI, pd_mamdani_spec};

#[rustfmt::skip]
#[path = "../data/rust/mixed.rs"]
mod mixed_generated;

fn root(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn assert_up_to_date(spec: &ControllerSpec, path: &str, regenerate: &str) {
    let generated = optimizer::export::rust::write(&spec.compile().unwrap());
    let committed = std::fs::read_to_string(root(path)).unwrap();
    assert!(
        committed == generated,
        "{path} differs from the exporter's output; regenerate it with `{regenerate}`"
    );
}

#[test]
fn committed_rust_exports_are_up_to_date() {
    assert_up_to_date(
        &pd_mamdani_spec(),
        "examples/firmware-cortex-m4/src/pd_controller.rs",
        "cargo run --example export_rust pd > examples/firmware-cortex-m4/src/pd_controller.rs",
    );
    assert_up_to_date(
        &ControllerSpec::from_controller("mixed", &MIXED),
        "tests/data/rust/mixed.rs",
        "cargo run --example export_rust mixed > tests/data/rust/mixed.rs",
    );
}

#[test]
fn exported_statics_equal_the_originals() {
    // Every field, including the tables the compiler computed from the generated source.
    assert_eq!(crate::firmware::pd_controller::PD, PD_MAMDANI);
    assert_eq!(mixed_generated::MIXED, MIXED);
}

#[test]
fn item_names_are_identifiers() {
    use optimizer::export::rust::item_name;
    assert_eq!(item_name("pd"), "PD");
    assert_eq!(item_name("tank level-2"), "TANK_LEVEL_2");
    assert_eq!(item_name("7x7"), "_7X7");
    assert_eq!(item_name(""), "_");
    assert_eq!(item_name("Ωmega"), "_MEGA");
}
