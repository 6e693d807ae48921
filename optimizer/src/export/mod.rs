//! Writing tuned controllers as source code for firmware.

pub mod rust;
