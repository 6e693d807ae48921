//! The Cortex demo's hardware-independent code, compiled again for RISC-V: the exported
//! controller, the `f32` and fixed-point loops and sweeps. The host test
//! (`tests/suite/firmware.rs`) compares what this firmware prints with the host running the
//! same files.
#![no_std]

#[cfg(feature = "c")]
#[path = "../../firmware-cortex-m4/src/c_steps.rs"]
pub mod c_steps;
#[path = "../../firmware-cortex-m4/src/demo.rs"]
pub mod demo;
#[path = "../../firmware-cortex-m4/src/fixed_demo.rs"]
pub mod fixed_demo;
#[path = "../../firmware-cortex-m4/src/report.rs"]
pub mod report;
#[rustfmt::skip]
#[path = "../../firmware-cortex-m4/src/pd_controller.rs"]
pub mod pd_controller;
