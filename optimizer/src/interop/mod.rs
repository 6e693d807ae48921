//! Controller file formats.

pub mod fll;
