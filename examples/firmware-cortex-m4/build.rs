//! Puts `memory.x` where the `cortex-m-rt` linker script finds it; with `--features c`,
//! compiles the generated C controller and links it (see `build_c.rs`).

use std::path::PathBuf;

include!("build_c.rs");

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::copy("memory.x", out.join("memory.x")).expect("memory.x is readable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    compile_c(std::path::Path::new("c"));
}
