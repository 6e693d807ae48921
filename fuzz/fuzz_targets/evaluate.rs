//! Any reader, then evaluation of what it read at inputs taken from the bytes (see src/body.rs).
#![no_main]

#[path = "../src/body.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::evaluate_any(data));
