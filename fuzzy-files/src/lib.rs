//! Controller files: the project's JSON, MATLAB `.fis`, IEC 61131-7 `.fcl` and fuzzylite
//! `.fll`, read into and written from a [`ControllerSpec`]; the tuned controller file
//! ([`TunedController`]); and the exporters that write a controller as source code for
//! firmware ([`export::rust`], [`export::c`]). Depends on `fuzzy-core` only, so the file
//! fuzzers and any tool that reads controllers need nothing of the optimizer.
//!
//! Each reader accepts what its format's usual tools write and maps it onto the engine
//! exactly; whatever the engine cannot do exactly (a hedge, an unknown term type, a norm
//! given as a user function, mixed AND/OR in one rule) is a [`text::ParseError`] naming the
//! line and column, never a silent approximation. Each writer refuses what its format
//! cannot express in a way that would change ordinary outputs, and returns notes for what
//! only changes the edge cases (inputs outside the range, no rule fired).

use std::path::Path;

use fuzzy_core::{ControllerSpec, Defuzzifier, OutputSpec};

pub mod export;
pub mod fcl;
pub mod fis;
pub mod fll;
pub mod text;
pub mod tuned;

pub use text::ParseError;
pub use tuned::TunedController;

/// A controller file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// the project's controller JSON (`ControllerSpec`, or a tuned controller file)
    Json,
    /// MATLAB Fuzzy Logic Toolbox / Octave `.fis`
    Fis,
    /// IEC 61131-7 Fuzzy Control Language `.fcl`
    Fcl,
    /// fuzzylite `.fll`
    Fll,
}

impl Format {
    /// Every format, with its file extension.
    pub const ALL: [(Format, &'static str); 4] = [
        (Format::Json, "json"),
        (Format::Fis, "fis"),
        (Format::Fcl, "fcl"),
        (Format::Fll, "fll"),
    ];

    /// The format a file name's extension names (case-insensitive), if any.
    pub fn of_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL.iter().find(|(_, e)| *e == ext).map(|(f, _)| *f)
    }

    /// The usual extension.
    pub fn extension(self) -> &'static str {
        Format::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("json", |(_, e)| e)
    }
}

/// MATLAB's `som`/`lom` pick the maximising point of smallest/largest magnitude, fuzzylite's
/// and FCL's by value. On a range that does not reach below 0 the two agree; on one that
/// does not reach above 0 smallest and largest swap; across 0 they differ.
fn magnitude_swap(output: &OutputSpec, to_magnitude: bool) -> Result<Defuzzifier, String> {
    use fuzzy_core::Defuzzifier::{
        LargestOfMaximum, LargestOfMaximumMagnitude, SmallestOfMaximum, SmallestOfMaximumMagnitude,
    };
    let (same, swapped) = (output.min >= 0.0, output.max <= 0.0);
    let mapped = match (output.defuzzifier, to_magnitude) {
        (SmallestOfMaximumMagnitude, false) if same => SmallestOfMaximum,
        (SmallestOfMaximumMagnitude, false) if swapped => LargestOfMaximum,
        (LargestOfMaximumMagnitude, false) if same => LargestOfMaximum,
        (LargestOfMaximumMagnitude, false) if swapped => SmallestOfMaximum,
        (SmallestOfMaximum, true) if same => SmallestOfMaximumMagnitude,
        (SmallestOfMaximum, true) if swapped => LargestOfMaximumMagnitude,
        (LargestOfMaximum, true) if same => LargestOfMaximumMagnitude,
        (LargestOfMaximum, true) if swapped => SmallestOfMaximumMagnitude,
        (d @ (SmallestOfMaximumMagnitude | LargestOfMaximumMagnitude), false)
        | (d @ (SmallestOfMaximum | LargestOfMaximum), true) => {
            let (has, wants) = if to_magnitude {
                ("by value", "by magnitude (MATLAB's som/lom)")
            } else {
                ("by magnitude (MATLAB's som/lom)", "by value")
            };
            let method = if matches!(d, SmallestOfMaximum | SmallestOfMaximumMagnitude) {
                "smallest of maximum"
            } else {
                "largest of maximum"
            };
            return Err(format!(
                "output '{}': its {method} picks the maximising point {has}, the format's {wants}; \
                 on the range [{}, {}] across 0 they differ",
                output.name, output.min, output.max
            ));
        }
        (other, _) => other,
    };
    Ok(mapped)
}

/// The output's defuzzifier as a by-value method (FLL, FCL).
pub(crate) fn by_value(output: &OutputSpec) -> Result<Defuzzifier, String> {
    magnitude_swap(output, false)
}

/// The output's defuzzifier as a by-magnitude method (`.fis`).
pub(crate) fn by_magnitude(output: &OutputSpec) -> Result<Defuzzifier, String> {
    magnitude_swap(output, true)
}

/// Reads a controller from text in `format`, with notes on what was read the way MATLAB
/// reads it rather than as written (`.fis`: padded parameters, unknown keys, labels out of
/// order; see [`fis::read_with`]); `strict` refuses those instead. The other formats have
/// no such notes.
pub fn read_with_notes(
    text: &str,
    format: Format,
    strict: bool,
) -> Result<(ControllerSpec, Vec<String>), ParseError> {
    match format {
        Format::Fis => fis::read_with(text, fis::ReadOptions { strict }),
        _ => read(text, format).map(|spec| (spec, Vec::new())),
    }
}

/// Reads a controller from text in `format`. JSON accepts a bare controller description
/// and a tuning run's controller file (whose `controller` field is taken).
pub fn read(text: &str, format: Format) -> Result<ControllerSpec, ParseError> {
    match format {
        Format::Json => read_json(text),
        Format::Fis => fis::read(text),
        Format::Fcl => fcl::read(text),
        Format::Fll => fll::read(text),
    }
}

fn read_json(text: &str) -> Result<ControllerSpec, ParseError> {
    #[derive(serde::Deserialize)]
    struct Tuned {
        controller: ControllerSpec,
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    let result = if value.get("controller").is_some() && value.get("inputs").is_none() {
        serde_json::from_value::<Tuned>(value).map(|t| t.controller)
    } else {
        serde_json::from_value::<ControllerSpec>(value)
    };
    // serde_json's value-level errors carry no position; re-parse from the text for one.
    result.map_err(|_| match serde_json::from_str::<ControllerSpec>(text) {
        Err(e) => json_error(&e),
        Ok(_) => ParseError {
            line: 1,
            column: 1,
            message: "not a controller description".into(),
        },
    })
}

fn json_error(e: &serde_json::Error) -> ParseError {
    ParseError {
        line: e.line(),
        column: e.column(),
        message: json_message(e),
    }
}

/// serde_json's message in a user's words: without its own " at line L column C" (callers
/// show the position once) and with Rust's type names (`f32`, `u32`, …) as "a number".
pub fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) if e.line() > 0 => &text[..at],
        _ => &text,
    };
    plain_type_names(text)
        .replace("expected a sequence", "expected a list [...]")
        .replace("expected a map", "expected an object {...}")
}

/// serde's Rust type names in a user's words: "expected f64" (or `f32`, `u32`, …) becomes
/// "expected a number". For JSON and TOML messages alike.
pub fn plain_type_names(message: &str) -> String {
    let mut text = message.to_string();
    for name in [
        "f32", "f64", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64",
    ] {
        text = text.replace(&format!("expected {name}"), "expected a number");
    }
    text
}

/// A controller written in some format, with notes on behaviour the format does not carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// the file's text
    pub text: String,
    /// what the format leaves out (only edge cases: inputs outside the range, no rule fired)
    pub notes: Vec<String>,
}

/// Writes a controller as text in `format`; an error says what the format cannot express,
/// or why the controller is invalid (only controllers that compile are written: a file
/// must read back).
pub fn write(spec: &ControllerSpec, format: Format) -> Result<Written, String> {
    spec.compile().map_err(|e| e.to_string())?;
    // FCL and FLL refer to variables and terms by name: names they cannot hold are turned
    // into identifiers (said in the notes) instead of refusing the controller.
    let (renamed, mut renames) = match format {
        Format::Fcl => text::with_identifiers(spec, fcl::KEYWORDS),
        Format::Fll => text::with_identifiers(spec, fll::KEYWORDS),
        Format::Json | Format::Fis => (spec.clone(), Vec::new()),
    };
    let spec = &renamed;
    let (text, notes) = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(spec).map_err(|e| e.to_string())?;
            text.push('\n');
            (text, Vec::new())
        }
        Format::Fis => fis::write(spec)?,
        Format::Fcl => fcl::write(spec)?,
        Format::Fll => {
            let text = fll::write(spec).map_err(|e| e.0)?;
            let mut notes: Vec<String> = spec
                .outputs
                .iter()
                .filter(|o| o.fallback == fuzzy_core::Fallback::Midpoint)
                .map(|o| {
                    format!(
                        "output '{}': written with default nan (fuzzylite returns nan when no rule fires; this \
                         engine returns the range midpoint and flags it)",
                        o.name
                    )
                })
                .collect();
            let normalized = matches!(
                spec.inference,
                fuzzy_core::Inference::Mamdani {
                    aggregation: fuzzy_core::SNorm::NormalizedSum,
                    ..
                }
            ) || spec.or == fuzzy_core::SNorm::NormalizedSum;
            if normalized {
                notes.push(
                    "NormalizedSum: fuzzylite 6 computes a + b / max(1, max(a, b)) (an operator-precedence slip in \
                     its code), this engine the documented (a + b) / max(1, a + b); results differ where degrees \
                     overlap"
                        .to_string(),
                );
            }
            (text, notes)
        }
    };
    renames.extend(notes);
    Ok(Written { text, notes: renames })
}

/// The sampling a format evaluates Mamdani outputs with: fuzzylite's midpoints of 100
/// intervals for FLL, MATLAB's 101 points with both ends for `.fis` and `.fcl` (and JSON's
/// default).
pub fn native_sampling(format: Format) -> fuzzy_core::Sampling {
    match format {
        Format::Fll => fuzzy_core::Sampling::FUZZYLITE,
        _ => fuzzy_core::Sampling::MATLAB,
    }
}

/// Why a controller file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// the file could not be read
    #[error("{path}: cannot read")]
    Io {
        /// the file
        path: String,
        /// the cause
        source: std::io::Error,
    },
    /// unknown extension
    #[error("{path}: unknown controller format (extensions: .json, .fis, .fcl, .fll)")]
    Format {
        /// the file
        path: String,
    },
    /// the text does not parse
    #[error("{path}: {error}")]
    Parse {
        /// the file
        path: String,
        /// where and what
        error: ParseError,
    },
    /// the description is not a valid controller
    #[error("{path}: {message}")]
    Invalid {
        /// the file
        path: String,
        /// the engine's message naming the item
        message: String,
    },
}

/// Loads a controller file in any format (by extension, or `format` when given) and checks
/// that it compiles.
pub fn load(path: &Path, format: Option<Format>) -> Result<ControllerSpec, LoadError> {
    load_with_notes(path, format, false).map(|(spec, _)| spec)
}

/// [`load`] with [`read_with_notes`]'s notes and `strict` option.
pub fn load_with_notes(
    path: &Path,
    format: Option<Format>,
    strict: bool,
) -> Result<(ControllerSpec, Vec<String>), LoadError> {
    let shown = path.display().to_string();
    let format = format
        .or_else(|| Format::of_path(path))
        .ok_or_else(|| LoadError::Format { path: shown.clone() })?;
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    let (spec, notes) = read_with_notes(&text, format, strict).map_err(|error| LoadError::Parse {
        path: shown.clone(),
        error,
    })?;
    spec.compile().map_err(|e| LoadError::Invalid {
        path: shown,
        message: e.to_string(),
    })?;
    Ok((spec, notes))
}
