//! Puts `memory.x` where the linker finds it (`riscv-rt`'s `link.x` uses its regions); with
//! `--features c`, compiles the generated C controller of the Cortex demo and links it (see
//! `build_c.rs` there).

use std::path::PathBuf;

include!("../firmware-cortex-m4/build_c.rs");

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy("memory.x", out.join("memory.x")).expect("memory.x is readable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    compile_c(std::path::Path::new("../firmware-cortex-m4/c"));
}
