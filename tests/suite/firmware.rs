//! The firmware demo (`examples/firmware-cortex-m4`) runs in QEMU on a Cortex-M4F (hardware
//! float) and on a Cortex-M0 (the BBC micro:bit: soft float, every `f32` operation a library
//! call) and prints what its controller did, in `f32` and in fixed point (`FixedPid`,
//! Q16.16 signals); the host runs the same code (the three files below) with the same
//! engine, and every printed `f32` and integer must be equal bit for bit. The RISC-V demo
//! (`examples/firmware-riscv`) runs the same files and is compared here too.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{target_available, tool_available};

#[rustfmt::skip]
#[path = "../../examples/firmware-cortex-m4/src/pd_controller.rs"]
pub mod pd_controller;

#[path = "../../examples/firmware-cortex-m4/src/demo.rs"]
pub mod demo;

#[path = "../../examples/firmware-cortex-m4/src/fixed_demo.rs"]
pub mod fixed_demo;

/// The demo crate that builds for `target`.
fn firmware_dir(target: &str) -> PathBuf {
    let name = if target.starts_with("riscv") {
        "examples/firmware-riscv"
    } else {
        "examples/firmware-cortex-m4"
    };
    PathBuf::from(testkit::ROOT).join(name)
}

/// Builds the demo (release) for `target` and returns its path.
fn build_firmware(target: &str) -> PathBuf {
    build_firmware_with(target, &[])
}

/// Builds the demo (release) for `target` with extra cargo arguments and returns its path
/// (`--features c` builds go to their own target folder, `target/c`).
fn build_firmware_with(target: &str, extra: &[&str]) -> PathBuf {
    let target_dir = if extra.is_empty() { "target" } else { "target/c" };
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--quiet",
            "--bin",
            "demo",
            "--target",
            target,
            "--target-dir",
            target_dir,
        ])
        .args(extra)
        .current_dir(firmware_dir(target))
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building {} for {target} failed",
        firmware_dir(target).display()
    );
    firmware_dir(target).join(format!("{target_dir}/{target}/release/demo"))
}

/// The host's lines, in the firmware's format.
fn host_lines() -> Vec<String> {
    let line =
        |kind: &str, index: u32, setpoint: f32, measurement: f32, control: &fuzzy_core::ControlOutput| {
            format!(
                "{kind} {index} {:08x} {:08x} {:08x} {:02x}",
                setpoint.to_bits(),
                measurement.to_bits(),
                control.output.to_bits(),
                control.status.bits()
            )
        };
    let mut lines = Vec::new();
    demo::run(
        |state, setpoint, measurement| demo::CONTROLLER.step(state, setpoint, measurement),
        |tick| {
            lines.push(line(
                "tick",
                tick.k,
                tick.setpoint,
                tick.measurement,
                &tick.control,
            ))
        },
    );
    let mut state = demo::INITIAL_STATE;
    for i in 0..demo::SWEEP {
        let (setpoint, measurement) = demo::sweep_input(i);
        let control = demo::CONTROLLER.step(&mut state, setpoint, measurement);
        lines.push(line("sweep", i, setpoint, measurement, &control));
    }
    lines.extend(host_fixed_lines());
    lines
}

/// The host's lines of the fixed-point loop and sweep, in the firmware's format.
pub fn host_fixed_lines() -> Vec<String> {
    use fuzzy_core::fixed::FixedControl;
    let line = |kind: &str, index: u32, setpoint: i32, measurement: i32, control: &FixedControl| {
        format!(
            "{kind} {index} {setpoint:08x} {measurement:08x} {:08x} {:02x}",
            control.output,
            control.status.bits()
        )
    };
    let mut lines = Vec::new();
    fixed_demo::run(
        |state, setpoint, measurement| fixed_demo::FIXED.step(state, setpoint, measurement),
        |tick| {
            lines.push(line(
                "qtick",
                tick.k,
                tick.setpoint,
                tick.measurement,
                &tick.control,
            ))
        },
    );
    let mut state = fixed_demo::FIXED_INITIAL_STATE;
    for i in 0..fixed_demo::SWEEP {
        let (setpoint, measurement) = fixed_demo::sweep_input(i);
        let control = fixed_demo::FIXED.step(&mut state, setpoint, measurement);
        lines.push(line("qsweep", i, setpoint, measurement, &control));
    }
    lines
}

#[test]
fn firmware_in_qemu_matches_the_host_bit_for_bit() {
    firmware_matches_the_host(
        "thumbv7em-none-eabihf",
        &["-machine", "mps2-an386", "-cpu", "cortex-m4"],
    );
}

#[test]
fn cortex_m0_soft_float_firmware_matches_the_host_bit_for_bit() {
    firmware_matches_the_host("thumbv6m-none-eabi", &["-machine", "microbit"]);
}

#[test]
fn risc_v_firmware_matches_the_host_bit_for_bit() {
    firmware_matches_the_host(
        "riscv32imac-unknown-none-elf",
        &["-machine", "virt", "-bios", "none"],
    );
}

/// The QEMU program and its Debian package for `target`.
fn qemu(target: &str) -> (&'static str, &'static str) {
    if target.starts_with("riscv") {
        ("qemu-system-riscv32", "qemu-system-misc")
    } else {
        ("qemu-system-arm", "qemu-system-arm")
    }
}

/// The generated C controller (`examples/firmware-cortex-m4/c`, float and fixed point),
/// compiled with clang into each demo (`--features c`), prints the same lines as the Rust
/// steps, bit for bit, on every target.
#[test]
fn generated_c_in_the_firmware_matches_the_rust_steps() {
    let targets: [(&str, &[&str]); 3] = [
        (
            "thumbv7em-none-eabihf",
            &["-machine", "mps2-an386", "-cpu", "cortex-m4"],
        ),
        ("thumbv6m-none-eabi", &["-machine", "microbit"]),
        (
            "riscv32imac-unknown-none-elf",
            &["-machine", "virt", "-bios", "none"],
        ),
    ];
    for (target, machine) in targets {
        let test = format!("generated C on {target} matches the Rust steps");
        let (qemu, package) = qemu(target);
        if !tool_available(qemu, &test, &format!("apt-get install -y {package}"))
            || !tool_available("clang", &test, "apt-get install -y clang")
            || !target_available(target, &test)
        {
            return;
        }
        let firmware = build_firmware_with(target, &["--features", "c"]);
        let stdout = run_in_qemu(qemu, machine, &firmware);
        let lines = |kind: &str| -> Vec<String> {
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix(kind).map(str::to_string))
                .collect()
        };
        for (rust, c) in [
            ("tick ", "ctick "),
            ("sweep ", "csweep "),
            ("qtick ", "cqtick "),
            ("qsweep ", "cqsweep "),
        ] {
            let (rust_lines, c_lines) = (lines(rust), lines(c));
            assert!(!rust_lines.is_empty(), "{target}: no {rust}lines");
            assert_eq!(
                rust_lines, c_lines,
                "{target}: the C step's {c}lines differ from the Rust {rust}lines"
            );
        }
    }
}

/// Runs `firmware` on the QEMU `machine` (semihosting) and returns what it printed.
fn run_in_qemu(qemu: &str, machine: &[&str], firmware: &std::path::Path) -> String {
    let output = Command::new(qemu)
        .args(machine)
        .arg("-nographic")
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(firmware)
        .output()
        .expect("qemu runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "firmware failed: {}\n{stdout}",
        output.status
    );
    stdout
}

/// Runs the demo built for `target` on the QEMU `machine` and compares it with the host.
fn firmware_matches_the_host(target: &str, machine: &[&str]) {
    let test = format!("firmware on {target} matches the host");
    let (qemu, package) = qemu(target);
    if !tool_available(qemu, &test, &format!("apt-get install -y {package}"))
        || !target_available(target, &test)
    {
        return;
    }
    let stdout = run_in_qemu(qemu, machine, &build_firmware(target));
    let firmware_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            ["tick ", "sweep ", "qtick ", "qsweep "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .collect();
    let host = host_lines();
    assert_eq!(firmware_lines.len(), host.len(), "{target}: line count\n{stdout}");
    for (fw, host) in firmware_lines.iter().zip(&host) {
        assert_eq!(*fw, host, "{target}: firmware (left) and host (right) differ");
    }
    // The demo does its job: the motor settles at the final setpoint.
    let last = host.iter().rfind(|l| l.starts_with("tick ")).unwrap();
    let measurement = u32::from_str_radix(last.split(' ').nth(3).unwrap(), 16).unwrap();
    assert!((f32::from_bits(measurement) + 0.5).abs() < 1e-3, "{last}");
    // So does the fixed-point loop (Q16.16: -0.5 is 0xffff8000).
    let last = host.iter().rfind(|l| l.starts_with("qtick ")).unwrap();
    let measurement = u32::from_str_radix(last.split(' ').nth(3).unwrap(), 16).unwrap() as i32;
    assert!((measurement + 32_768).abs() < 66, "{last}");
}
