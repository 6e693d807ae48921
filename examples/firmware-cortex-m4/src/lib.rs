//! The firmware demo's code that does not touch the hardware: the exported controller and the
//! closed loop. The host test (`tests/suite/firmware.rs` in the main workspace) compiles the
//! same two files and compares its results with what the firmware prints under QEMU.
#![no_std]

#[cfg(feature = "c")]
pub mod c_steps;
pub mod demo;
pub mod fixed_demo;
pub mod report;
#[rustfmt::skip]
pub mod pd_controller;
