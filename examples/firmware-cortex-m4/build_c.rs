// Compiles the generated C controller (`c/pd.c`: f32, `c/pd_q.c`: fixed point) for the
// firmware target with clang and links the objects into every binary of the demo, when the
// `c` feature is on. Included by the build scripts of both firmware demos.
//
// Flags: C99 as the exporter promises (-Wall -Wextra -Werror -pedantic), freestanding (no
// libc: the soft-float and memory routines come from Rust's compiler-builtins), and
// -ffp-contract=off so that a*b+c is not fused into one rounding on cores with FMA (the
// Rust engine never fuses: the bits would differ).

/// Compiles `c_dir/{pd,pd_q}.c` for `TARGET` when `CARGO_FEATURE_C` is set.
fn compile_c(c_dir: &std::path::Path) {
    println!("cargo:rerun-if-env-changed=CC_FIRMWARE");
    for file in ["pd.c", "pd_q.c", "pd.h", "pd_q.h"] {
        println!("cargo:rerun-if-changed={}", c_dir.join(file).display());
    }
    if std::env::var_os("CARGO_FEATURE_C").is_none() {
        return;
    }
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let flags: &[&str] = match target.as_str() {
        "thumbv7em-none-eabihf" => &[
            "--target=thumbv7em-none-eabihf",
            "-mcpu=cortex-m4",
            "-mfloat-abi=hard",
            "-mfpu=fpv4-sp-d16",
        ],
        "thumbv6m-none-eabi" => &["--target=thumbv6m-none-eabi", "-mcpu=cortex-m0"],
        "riscv32imac-unknown-none-elf" => &["--target=riscv32-unknown-elf", "-march=rv32imac", "-mabi=ilp32"],
        other => panic!("the C steps are built for the demo targets only, not {other}"),
    };
    let clang = std::env::var("CC_FIRMWARE").unwrap_or_else(|_| "clang".to_string());
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for stem in ["pd", "pd_q"] {
        let object = out.join(format!("{stem}.o"));
        let status = std::process::Command::new(&clang)
            .args(flags)
            .args([
                "-std=c99",
                "-ffreestanding",
                "-O2",
                "-ffp-contract=off",
                "-ffunction-sections",
                "-fdata-sections",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-c",
            ])
            .arg(c_dir.join(format!("{stem}.c")))
            .arg("-o")
            .arg(&object)
            .status()
            .unwrap_or_else(|e| panic!("{clang} not found ({e}): apt-get install -y clang, or set CC_FIRMWARE"));
        assert!(status.success(), "{clang} failed on {stem}.c");
        println!("cargo:rustc-link-arg={}", object.display());
    }
}
