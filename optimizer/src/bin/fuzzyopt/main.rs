//! `fuzzyopt`: the command-line front end. It parses the arguments, calls one function of
//! [`optimizer::commands`] per subcommand and prints what it returns. Errors print one line
//! (file, line, field) and exit with code 2 for a user's mistake, 1 for an internal failure
//! ([`optimizer::commands::CommandError::exit_code`]); no backtraces.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use optimizer::commands::{self, CommandError, ExportFormat, TuneRequest};

use cli::{Cli, Command, Format};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fuzzyopt: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn note(text: &str) {
    eprintln!("fuzzyopt: note: {text}");
}

fn run(cli: Cli) -> Result<(), CommandError> {
    commands::set_strict_files(cli.strict);
    match cli.command {
        Command::Plants => print!("{}", commands::plants_text()),
        Command::Init { path, force } => {
            commands::init(&path, force)?;
            println!(
                "wrote {} (run it with `fuzzyopt tune {}`)",
                path.display(),
                path.display()
            );
        }
        Command::Tune {
            job,
            output,
            threads,
            seed,
            iterations,
            quiet,
            checkpoint_every,
            resume,
        } => {
            let request = TuneRequest {
                output,
                threads,
                seed,
                iterations,
                quiet,
                checkpoint_every,
                resume,
            };
            let tuned = commands::tune_job(&job, &request)?;
            print!("{}", commands::tune_summary(&tuned));
            for warning in commands::tune_warnings(&tuned) {
                eprintln!("fuzzyopt: {}", warning.replacen("Warning", "warning", 1));
            }
        }
        Command::Eval {
            controller,
            values,
            inputs,
            explain,
        } => print!(
            "{}",
            commands::eval(&controller, &values, inputs.as_deref(), explain)?
        ),
        Command::Export {
            controller,
            format,
            output,
            nodes,
            max_error,
        } => {
            let lut = |c| ExportFormat::Lut { c, nodes, max_error };
            let format = match format {
                Format::Json => ExportFormat::Json,
                Format::Rust => ExportFormat::Rust,
                Format::C => ExportFormat::C,
                Format::CFixed => ExportFormat::CFixed,
                Format::Lut => lut(false),
                Format::LutC => lut(true),
            };
            let exported = commands::export(&controller, format)?;
            if let commands::Exported::Lut(_, text) = &exported {
                note(text);
            }
            match output {
                Some(out) => {
                    commands::write_export(&exported, &out)?;
                }
                None => print!("{}", commands::export_text(&exported)),
            }
        }
        Command::Simulate {
            controller,
            job,
            output,
            json,
        } => {
            let simulation = commands::simulate(&controller, &job)?;
            for text in &simulation.notes {
                note(text);
            }
            if json {
                println!("{}", commands::simulation_json(&simulation));
            } else {
                print!("{}", commands::simulation_table(&simulation));
            }
            if let Some(dir) = output {
                for path in commands::simulation_plots(&simulation, &dir)? {
                    eprintln!("wrote {}", path.display());
                }
            }
        }
        Command::Report { dir } => {
            let path = commands::rebuild_report(&dir)?;
            println!("wrote {}", path.display());
        }
        Command::Bench {
            controller,
            evaluations,
            inputs,
        } => {
            let t = commands::bench(&controller, evaluations, inputs.as_deref())?;
            println!(
                "{}: {:.1} ns per evaluation (median of 7 runs of {}; min {:.1}, max {:.1})",
                controller.display(),
                t.median_ns,
                t.evaluations,
                t.min_ns,
                t.max_ns
            );
        }
        Command::Convert {
            input,
            output,
            from,
            to,
            resample,
        } => {
            let notes = commands::convert(
                &input,
                &output,
                from.map(Into::into),
                to.map(Into::into),
                resample,
            )?;
            for text in &notes {
                note(text);
            }
            println!("wrote {}", output.display());
        }
    }
    Ok(())
}
