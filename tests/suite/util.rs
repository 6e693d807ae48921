//! Helpers shared by the test modules.

use fuzzy_core::{Controller, Status};

/// `|actual - expected| <= tolerance`, with a message naming both.
pub fn assert_close(actual: f32, expected: f64, tolerance: f64) {
    let error = (f64::from(actual) - expected).abs();
    assert!(
        error <= tolerance,
        "got {actual}, expected {expected} (|error| {error:e} > {tolerance:e})"
    );
}

/// Evaluates with fresh buffers (outputs start at 0).
pub fn evaluate(controller: &Controller<'_>, inputs: &[f32]) -> (Vec<f32>, Status) {
    let mut scratch = vec![0.0; controller.scratch_len()];
    let mut outputs = vec![0.0; controller.output_count()];
    let status = controller.evaluate(inputs, &mut scratch, &mut outputs);
    (outputs, status)
}

/// Environment variable that turns a skipped tool-dependent test into a failure (set by
/// `.ci/run`, so that CI never skips silently).
pub const REQUIRE_TOOLS: &str = "FUZZY_REQUIRE_TOOLS";

/// Prints a SKIPPED line where a person sees it: straight to the process's stderr, which the
/// test harness does not capture (it captures `println!`/`eprintln!`, hiding them for tests
/// that pass).
fn skipped(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// True when `program` runs; otherwise prints a SKIPPED line (or panics when
/// [`REQUIRE_TOOLS`] is set).
pub fn tool_available(program: &str, test: &str, install: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--help")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var_os(REQUIRE_TOOLS).is_some() {
            panic!("{test}: `{program}` not found and {REQUIRE_TOOLS} is set (install: {install})");
        }
        skipped(&format!(
            "SKIPPED {test}: `{program}` not found (install: {install})"
        ));
    }
    found
}

/// True when the Rust standard library for `target` is installed (`rustup target add`);
/// otherwise prints a SKIPPED line (or panics when [`REQUIRE_TOOLS`] is set).
pub fn target_available(target: &str, test: &str) -> bool {
    let sysroot = std::process::Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let found = sysroot
        .map(|root| {
            std::path::Path::new(&root)
                .join("lib/rustlib")
                .join(target)
                .join("lib")
                .is_dir()
        })
        .unwrap_or(false);
    if !found {
        if std::env::var_os(REQUIRE_TOOLS).is_some() {
            panic!(
                "{test}: Rust target {target} not installed and {REQUIRE_TOOLS} is set (install: rustup target add {target})"
            );
        }
        skipped(&format!(
            "SKIPPED {test}: Rust target {target} not installed (install: rustup target add {target})"
        ));
    }
    found
}
