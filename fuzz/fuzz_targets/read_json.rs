//! The .json reader on arbitrary bytes (see src/body.rs).
#![no_main]

#[path = "../src/body.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::read_and_use(fuzzy_files::Format::Json, data));
