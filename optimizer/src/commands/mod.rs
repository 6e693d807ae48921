//! The work behind each `fuzzyopt` subcommand, as library calls with typed errors: the
//! binary parses the arguments, calls one function here and prints what it returns.
//!
//! Every error says whose it is ([`CommandError::is_internal`]): a user's mistake (a job or
//! controller file, a CSV, an option; exit code 2) or a failure of the tool or its
//! environment (a file that cannot be written, a plot that fails; exit code 1).

use std::fmt::Write as _;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use fuzzy_files::{Format, LoadError};
use sim::plant::PlantError;

use crate::job::{Job, JobError};
use crate::report::{ReportError, mean_itae, write_folder};

mod controllers;
mod table;

/// `--strict`: controller files are read without MATLAB's leniency (unknown keys, padded
/// parameters and `MFk` labels out of order are errors instead of notes; see
/// `fuzzy_files::fis::ReadOptions`). Set once by the command line before any file is read.
static STRICT_FILES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets the `--strict` reading of controller files for this process.
pub fn set_strict_files(strict: bool) {
    STRICT_FILES.store(strict, std::sync::atomic::Ordering::Relaxed);
}

/// Loads a controller file with the `--strict` setting; returns its notes (what was read the
/// way MATLAB reads it), each prefixed with the file's name.
pub fn load_file(
    path: &Path,
    format: Option<Format>,
) -> Result<(fuzzy_core::ControllerSpec, Vec<String>), LoadError> {
    let strict = STRICT_FILES.load(std::sync::atomic::Ordering::Relaxed);
    let (spec, notes) = fuzzy_files::load_with_notes(path, format, strict)?;
    let notes = notes
        .into_iter()
        .map(|n| format!("{}: {n}", path.display()))
        .collect();
    Ok((spec, notes))
}

/// [`load_file`], printing the notes on stderr (for commands that return no notes).
pub(crate) fn load_file_noting(
    path: &Path,
    format: Option<Format>,
) -> Result<fuzzy_core::ControllerSpec, LoadError> {
    let (spec, notes) = load_file(path, format)?;
    for note in notes {
        eprintln!("fuzzyopt: note: {note}");
    }
    Ok(spec)
}

use crate::run::{Checkpointing, Outcome, RunError, RunOptions, tune};
pub use controllers::{
    AnyController, ExportFormat, Exported, Simulation, bench, eval, export, export_text, load_any,
    load_controller, simulate, simulation_json, simulation_plots, simulation_table, write_export,
};
pub use table::read_inputs;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The job file is wrong (it names the file, line and field).
    #[error(transparent)]
    Job(#[from] JobError),
    /// A controller file could not be read or is not a valid controller.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// the file
        path: String,
        /// the cause
        source: std::io::Error,
    },
    /// A JSON file does not parse or has the wrong fields.
    #[error("{path}: line {line}, column {column}: {message}")]
    Json {
        /// the file
        path: String,
        /// 1-based line
        line: usize,
        /// 1-based column
        column: usize,
        /// what is wrong
        message: String,
    },
    /// A controller (or controller file) is not usable here.
    #[error("{path}: {message}")]
    Controller {
        /// the file
        path: String,
        /// what is wrong
        message: String,
    },
    /// An input table (CSV or fuzzylite FLD) is wrong.
    #[error("{path}: line {line}{}: {message}", .column.as_ref().map_or(String::new(), |c| format!(", column `{c}`")))]
    Table {
        /// the file
        path: String,
        /// 1-based line (1 is the header)
        line: u64,
        /// the column, when one is at fault
        column: Option<String>,
        /// what is wrong
        message: String,
    },
    /// A command-line option or combination of options is wrong.
    #[error("{0}")]
    Usage(String),
    /// The job's plant cannot be simulated with this controller.
    #[error(transparent)]
    Plant(#[from] PlantError),
    /// The tuning run failed.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The output folder could not be written.
    #[error("writing {dir}: {source}")]
    Report {
        /// the folder
        dir: String,
        /// the cause
        source: ReportError,
    },
    /// A file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// the file or folder
        path: String,
        /// the cause
        source: std::io::Error,
    },
    /// A plot could not be drawn.
    #[error(transparent)]
    Plot(#[from] sim::plot::PlotError),
}

impl CommandError {
    /// Whether the failure is the tool's or its environment's (exit code 1) rather than a
    /// mistake in what the user gave it (exit code 2).
    pub fn is_internal(&self) -> bool {
        match self {
            // A path the user can correct (a missing folder, no permission, a folder where a
            // file should go) is theirs; a full disk or an I/O failure is not.
            CommandError::Write { source, .. } => !matches!(
                source.kind(),
                ErrorKind::NotFound
                    | ErrorKind::PermissionDenied
                    | ErrorKind::AlreadyExists
                    | ErrorKind::IsADirectory
                    | ErrorKind::NotADirectory
                    | ErrorKind::ReadOnlyFilesystem
                    | ErrorKind::InvalidInput
            ),
            CommandError::Run(RunError::Optimizer(_))
            | CommandError::Report { .. }
            | CommandError::Plot(_) => true,
            CommandError::Job(_)
            | CommandError::Load(_)
            | CommandError::Read { .. }
            | CommandError::Json { .. }
            | CommandError::Controller { .. }
            | CommandError::Table { .. }
            | CommandError::Usage(_)
            | CommandError::Plant(_)
            | CommandError::Run(RunError::Controller(_) | RunError::Checkpoint(_)) => false,
        }
    }

    /// The process exit code for this error: 2 for a user's mistake, 1 for an internal
    /// failure.
    pub fn exit_code(&self) -> u8 {
        if self.is_internal() { 1 } else { 2 }
    }
}

/// `path`'s display form.
pub(super) fn shown(path: &Path) -> String {
    path.display().to_string()
}

pub(super) fn read_text(path: &Path) -> Result<String, CommandError> {
    std::fs::read_to_string(path).map_err(|source| CommandError::Read {
        path: shown(path),
        source,
    })
}

pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CommandError> {
    sim::files::write_atomically(path, bytes).map_err(|source| CommandError::Write {
        path: shown(path),
        source,
    })
}

pub(super) fn create_dir(dir: &Path) -> Result<(), CommandError> {
    std::fs::create_dir_all(dir).map_err(|source| CommandError::Write {
        path: shown(dir),
        source,
    })
}

pub(super) fn json_error(path: &Path, e: &serde_json::Error) -> CommandError {
    CommandError::Json {
        path: shown(path),
        line: e.line(),
        column: e.column(),
        message: fuzzy_files::json_message(e),
    }
}

pub(super) fn invalid(path: &Path, message: impl std::fmt::Display) -> CommandError {
    CommandError::Controller {
        path: shown(path),
        message: message.to_string(),
    }
}

/// The format of `path`: `given`, or from the extension. `role` is "input" or "output"
/// (it names the option that sets it: `--from` or `--to`).
pub fn format_of(path: &Path, given: Option<Format>, role: &str) -> Result<Format, CommandError> {
    match given {
        Some(f) => Ok(f),
        None => Format::of_path(path).ok_or_else(|| {
            CommandError::Usage(format!(
                "{}: cannot tell the {role} format from the extension (.json, .fis, .fcl, .fll); use --{}",
                path.display(),
                if role == "input" { "from" } else { "to" }
            ))
        }),
    }
}

/// `convert IN OUT`: reads any format, checks the controller and writes it in another.
/// Returns the notes on what changed or what the target format leaves out.
pub fn convert(
    input: &Path,
    output: &Path,
    from: Option<Format>,
    to: Option<Format>,
    resample: bool,
) -> Result<Vec<String>, CommandError> {
    let (source, target) = (format_of(input, from, "input")?, format_of(output, to, "output")?);
    let (mut spec, mut notes) = load_file(input, Some(source))?;
    // A tuning run's controller.json also holds the wrapper (structure and gains): JSON keeps
    // it, the interchange formats have no place for it (said, not dropped silently).
    let tuned = match source {
        Format::Json => serde_json::from_str::<fuzzy_files::TunedController>(&read_text(input)?).ok(),
        _ => None,
    };
    if resample {
        let sampling = fuzzy_files::native_sampling(target);
        for o in spec.outputs.iter_mut().filter(|o| o.sampling != sampling) {
            notes.push(format!(
                "output '{}': resampled from {} to {}; Mamdani outputs change by up to a sample spacing",
                o.name, o.sampling, sampling
            ));
            o.sampling = sampling;
        }
    }
    let written = fuzzy_files::write(&spec, target)
        .map_err(|e| invalid(input, format!("cannot be written as {}: {e}", target.extension())))?;
    notes.extend(written.notes);
    match tuned {
        Some(tuned) if target == Format::Json => {
            let kept = fuzzy_files::TunedController {
                controller: spec,
                wrapper: tuned.wrapper,
            };
            let text = serde_json::to_string_pretty(&kept)
                .map_err(|e| invalid(input, format!("cannot be written as JSON: {e}")))?;
            write_file(output, format!("{text}\n").as_bytes())?;
        }
        Some(tuned) => {
            let w = tuned.wrapper;
            let structure = serde_json::to_value(w.structure)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            notes.push(format!(
                "{}: the tuned wrapper (structure {structure}, Ts {} s, Ke {}, Kd {}, Ku {}, Ki {}, output [{}, {}]) \
                 has no place in a .{} file: only the engine is written (controller.json and \
                 `fuzzyopt export --format rust|c` keep it)",
                input.display(),
                w.sample_time_s,
                w.error_gain,
                w.rate_gain,
                w.output_gain,
                w.integral_gain,
                w.output_min,
                w.output_max,
                target.extension()
            ));
            write_file(output, written.text.as_bytes())?;
        }
        None => write_file(output, written.text.as_bytes())?,
    }
    Ok(notes)
}

/// The built-in plants with their equations, signals and default parameters, and the two
/// user-defined model kinds, as `fuzzyopt plants` prints them.
pub fn plants_text() -> String {
    let mut out = String::new();
    for info in sim::plant::catalogue() {
        let _ = writeln!(
            out,
            "{}\n  model:   {}\n  signals: {}\n  source:  {}",
            info.name, info.equation, info.signals, info.source
        );
        if !info.defaults.is_empty() {
            let _ = writeln!(out, "  defaults:");
            for line in info.defaults.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        let _ = writeln!(out);
    }
    out.push_str(
        "transfer_function\n  model:   numerator(s)/denominator(s) e^(-delay s); fields numerator, denominator, delay\n\n\
         state_space\n  model:   x' = A x + B u, y = C x + D u, input delay; fields a (rows), b, c, d, delay, initial_state\n",
    );
    out
}

/// The starter job `fuzzyopt init` writes (also `examples/jobs/second-order.toml`).
pub const STARTER_JOB: &str = include_str!("../../../examples/jobs/second-order.toml");

/// `init PATH`: writes the starter job, refusing to overwrite a file unless `force`.
pub fn init(path: &Path, force: bool) -> Result<(), CommandError> {
    if path.exists() && !force {
        return Err(CommandError::Usage(format!(
            "{} exists; use --force to overwrite it",
            path.display()
        )));
    }
    write_file(path, STARTER_JOB.as_bytes())
}

/// What `tune` was asked for besides the job.
#[derive(Clone, Debug, Default)]
pub struct TuneRequest {
    /// output folder (default `out/<job file stem>`)
    pub output: Option<PathBuf>,
    /// worker threads (default: the job's)
    pub threads: Option<usize>,
    /// random seed (default: the job's)
    pub seed: Option<u64>,
    /// optimizer iterations (default: the job's)
    pub iterations: Option<u64>,
    /// no progress bar
    pub quiet: bool,
    /// write a checkpoint every this many iterations (0: none)
    pub checkpoint_every: u64,
    /// continue from the output folder's checkpoint
    pub resume: bool,
}

/// A finished tuning run: the job as run, where its files went, and the outcome.
pub struct Tuned {
    /// the job (with the command line's overrides)
    pub job: Job,
    /// the output folder
    pub dir: PathBuf,
    /// the files written
    pub files: Vec<PathBuf>,
    /// the run's result
    pub outcome: Outcome,
}

/// `tune JOB`: runs the job and writes its output folder.
pub fn tune_job(path: &Path, request: &TuneRequest) -> Result<Tuned, CommandError> {
    let mut job = Job::load(path)?;
    if let Some(seed) = request.seed {
        job.seed = seed;
    }
    // The command line's overrides obey the job file's limits ([optimizer] in job.rs).
    if let Some(iterations) = request.iterations {
        if !(1..=100_000).contains(&iterations) {
            return Err(CommandError::Usage("--iterations must be 1 to 100000".into()));
        }
        job.optimizer.iterations = iterations;
    }
    if let Some(threads) = request.threads
        && threads > 1024
    {
        return Err(CommandError::Usage(
            "--threads must be 0 (all cores) to 1024".into(),
        ));
    }
    let dir = request.output.clone().unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "job".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("out").join(stem)
    });
    let checkpoint_dir = dir.join("checkpoint");
    if request.resume && !checkpoint_dir.exists() {
        return Err(CommandError::Usage(format!(
            "--resume: no checkpoint in {} (run without --resume first)",
            checkpoint_dir.display()
        )));
    }
    if request.resume && request.checkpoint_every == 0 {
        return Err(CommandError::Usage(
            "--resume needs checkpoints (--checkpoint-every must be at least 1)".into(),
        ));
    }
    // Temporary files of an earlier run that was killed mid-write (never complete files).
    for folder in [&dir, &checkpoint_dir] {
        sim::files::remove_stale_temporaries(folder).map_err(|source| CommandError::Write {
            path: shown(folder),
            source,
        })?;
    }
    let options = RunOptions {
        quiet: request.quiet,
        threads: request.threads,
        checkpoint: (request.checkpoint_every > 0).then_some(Checkpointing {
            dir: checkpoint_dir,
            every: request.checkpoint_every,
            resume: request.resume,
        }),
    };
    let outcome = tune(&job, &options)?;
    let files = write_folder(&outcome, &dir).map_err(|source| CommandError::Report {
        dir: shown(&dir),
        source,
    })?;
    Ok(Tuned {
        job,
        dir,
        files,
        outcome,
    })
}

/// The table `tune` prints: cost and mean ITAE per controller, then how the tuned fuzzy
/// controller compares with the initial table and the PIDs.
pub fn tune_summary(tuned: &Tuned) -> String {
    let outcome = &tuned.outcome;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{}: {} files in {}",
        tuned.job.name,
        tuned.files.len(),
        tuned.dir.display()
    );
    let _ = writeln!(out, "{:<20} {:>12} {:>12}", "controller", "cost", "mean ITAE");
    for c in &outcome.contenders {
        let _ = writeln!(out, "{:<20} {:>12.6} {:>12.6}", c.label, c.cost, mean_itae(c));
    }
    let itae = |label: &str| {
        outcome
            .contenders
            .iter()
            .find(|c| c.label == label)
            .map(mean_itae)
    };
    let compare = |tuned: f64, other: f64| {
        let change = 100.0 * (1.0 - tuned / other);
        if change >= 0.0 {
            format!("{change:.1} % below")
        } else {
            format!("{:.1} % above", -change)
        }
    };
    if let (Some(initial), Some(fuzzy)) = (itae("initial fuzzy"), itae("tuned fuzzy")) {
        let _ = writeln!(
            out,
            "tuned fuzzy ITAE is {} the initial table's{}",
            compare(fuzzy, initial),
            [("PID (SIMC)", "SIMC PID's"), ("PID (tuned)", "the tuned PID's")]
                .iter()
                .filter_map(|(label, name)| itae(label).map(|v| format!(", {} {name}", compare(fuzzy, v))))
                .collect::<String>()
        );
    }
    let _ = writeln!(out, "report: {}", tuned.dir.join("report.html").display());
    let _ = writeln!(out, "({:.1} s)", outcome.elapsed_s);
    out
}

/// The run's warnings for stderr (they are in the report's notes too).
pub fn tune_warnings(tuned: &Tuned) -> Vec<&str> {
    tuned
        .outcome
        .notes
        .iter()
        .map(String::as_str)
        .filter(|n| *n == crate::run::ALL_DIVERGED)
        .collect()
}

/// `report DIR`: rebuilds `report.html` from the files of an output folder.
pub fn rebuild_report(dir: &Path) -> Result<PathBuf, CommandError> {
    for name in ["run.json", "metrics.md"] {
        if !dir.join(name).is_file() {
            return Err(CommandError::Usage(format!(
                "{}: not a tuning run's output folder (no {name})",
                dir.display()
            )));
        }
    }
    crate::report::rebuild_report(dir).map_err(|source| CommandError::Report {
        dir: shown(dir),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_error(kind: ErrorKind) -> CommandError {
        CommandError::Write {
            path: "out/x".into(),
            source: std::io::Error::new(kind, "test"),
        }
    }

    #[test]
    fn user_mistakes_exit_2_and_internal_failures_exit_1() {
        assert_eq!(
            CommandError::Usage("--iterations must be at least 1".into()).exit_code(),
            2
        );
        assert_eq!(CommandError::Run(RunError::Controller("x".into())).exit_code(), 2);
        assert_eq!(CommandError::Run(RunError::Checkpoint("x".into())).exit_code(), 2);
        assert_eq!(write_error(ErrorKind::NotFound).exit_code(), 2);
        assert_eq!(write_error(ErrorKind::PermissionDenied).exit_code(), 2);
        assert_eq!(CommandError::Run(RunError::Optimizer("x".into())).exit_code(), 1);
        assert_eq!(write_error(ErrorKind::StorageFull).exit_code(), 1);
        assert_eq!(write_error(ErrorKind::Other).exit_code(), 1);
    }
}
