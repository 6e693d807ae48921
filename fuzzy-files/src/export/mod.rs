//! Writing tuned controllers as source code for firmware.

pub mod c;
pub mod lut;
pub mod rust;
