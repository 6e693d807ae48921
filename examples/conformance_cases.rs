//! Writes the fuzzylite conformance cases: `DIR/<case>.fll` and `DIR/<case>.inputs.fld`.
//! Used by `scripts/fuzzylite-reference.sh`; see `testkit/src/conformance.rs`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: conformance_cases DIR");
        return ExitCode::from(2);
    };
    for case in testkit::conformance::cases() {
        let fll = match fuzzy_files::fll::write(&case.spec) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{}: {e}", case.name);
                return ExitCode::FAILURE;
            }
        };
        let header: Vec<&str> = case.spec.inputs.iter().map(|v| v.name.as_str()).collect();
        let mut fld = header.join(" ") + "\n";
        for row in &case.inputs {
            let line: Vec<String> = row.iter().map(|x| format!("{}", f64::from(*x))).collect();
            fld += &(line.join(" ") + "\n");
        }
        for (path, text) in [
            (format!("{dir}/{}.fll", case.name), fll),
            (format!("{dir}/{}.inputs.fld", case.name), fld),
        ] {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
