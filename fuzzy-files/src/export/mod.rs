//! Writing tuned controllers as source code for firmware.

pub mod c;
pub mod c_fixed;
pub mod lut;
pub mod rust;
