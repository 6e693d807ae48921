//! What every fuzz target does with its input, shared with the corpus replay test
//! (`tests/suite/interop.rs` includes this file), so CI replays exactly what was fuzzed.

// Each target calls one of the two entry points.
#![allow(dead_code)]

use fuzzy_core::ControllerSpec;
use fuzzy_files::{self as interop, Format};

/// Reads `data` as `format`; a controller that compiles is evaluated on inputs taken from
/// the end of `data` (and on NaN and ±inf), written back in every format, and each text
/// that writes is read again. Nothing may panic; outputs must be finite.
pub fn read_and_use(format: Format, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = interop::read(text, format) else {
        return;
    };
    evaluate(&spec, data);
    for (target, _) in Format::ALL {
        if let Ok(written) = interop::write(&spec, target) {
            // What we write, we read.
            if let Err(e) = interop::read(&written.text, target) {
                panic!("{target:?} written but unreadable: {e}\n{}", written.text);
            }
        }
    }
}

/// `data` as any format (the first byte picks it), then evaluated at many points.
pub fn evaluate_any(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(*first) % Format::ALL.len()].0;
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if let Ok(spec) = interop::read(text, format) {
        evaluate(&spec, rest);
    }
}

fn evaluate(spec: &ControllerSpec, data: &[u8]) {
    let Ok(owned) = spec.compile() else {
        return;
    };
    let c = owned.controller();
    let mut scratch = vec![0.0f32; c.scratch_len()];
    let mut outputs = vec![0.0f32; c.output_count()];
    let tail: Vec<f32> = data
        .rchunks_exact(4)
        .take(16)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let specials = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, -0.0];
    for row in 0..8 {
        let inputs: Vec<f32> = (0..c.input_count())
            .map(|i| match tail.get(row * 2 + i) {
                Some(x) if row < 6 => *x,
                _ => specials[(row + i) % specials.len()],
            })
            .collect();
        c.evaluate(&inputs, &mut scratch, &mut outputs);
        assert!(
            outputs.iter().all(|y| y.is_finite()),
            "{:?} -> {outputs:?}",
            inputs
        );
    }
}
