//! The firmware demo (`examples/firmware-cortex-m4`) runs in QEMU on a Cortex-M4F (hardware
//! float) and on a Cortex-M0 (the BBC micro:bit: soft float, every `f32` operation a library
//! call) and prints what its controller did; the host runs the same code (the two files
//! below) with the same engine, and every printed `f32` must be equal bit for bit.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{target_available, tool_available};

#[rustfmt::skip]
#[path = "../../examples/firmware-cortex-m4/src/pd_controller.rs"]
pub mod pd_controller;

#[path = "../../examples/firmware-cortex-m4/src/demo.rs"]
pub mod demo;

fn firmware_dir() -> PathBuf {
    PathBuf::from(testkit::ROOT).join("examples/firmware-cortex-m4")
}

/// Builds the demo (release) for `target` and returns its path.
fn build_firmware(target: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--quiet",
            "--bin",
            "demo",
            "--target",
            target,
        ])
        .current_dir(firmware_dir())
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building examples/firmware-cortex-m4 for {target} failed"
    );
    firmware_dir().join(format!("target/{target}/release/demo"))
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

/// Runs the demo built for `target` on the QEMU `machine` and compares it with the host.
fn firmware_matches_the_host(target: &str, machine: &[&str]) {
    let test = format!("firmware on {target} matches the host");
    if !tool_available("qemu-system-arm", &test, "apt-get install -y qemu-system-arm")
        || !target_available(target, &test)
    {
        return;
    }
    let firmware = build_firmware(target);
    let output = Command::new("qemu-system-arm")
        .args(machine)
        .arg("-nographic")
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(&firmware)
        .output()
        .expect("qemu runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "firmware failed: {}\n{stdout}",
        output.status
    );
    let firmware_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("tick ") || l.starts_with("sweep "))
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
}
