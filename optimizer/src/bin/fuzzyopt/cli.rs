//! Command-line options (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Tune fuzzy controllers against plant simulations, and export them for firmware.
#[derive(Debug, Parser)]
#[command(name = "fuzzyopt", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Read .fis files strictly: unknown keys, parameters past a membership function's
    /// count and MFk labels out of order are errors (by default they are read as MATLAB
    /// reads them, with a note)
    #[arg(long, global = true)]
    pub strict: bool,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// the controller file (engine + wrapper), pretty JSON
    Json,
    /// Rust source for fuzzy-core (no_std statics)
    Rust,
    /// C99 header and source (-o names a folder for NAME.h and NAME.c)
    C,
    /// the fixed-point path as C99, integers only, for cores without an FPU (-o as for c:
    /// NAME_q.h and NAME_q.c)
    CFixed,
    /// lookup table of a 2-input controller's surface with bilinear interpolation, Rust
    Lut,
    /// the same lookup table as C99 (-o as for c)
    LutC,
}

/// Controller file formats of `convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// the project's controller JSON
    Json,
    /// MATLAB Fuzzy Logic Toolbox / Octave .fis
    Fis,
    /// IEC 61131-7 Fuzzy Control Language
    Fcl,
    /// fuzzylite FLL
    Fll,
}

impl From<FileFormat> for fuzzy_files::Format {
    fn from(f: FileFormat) -> Self {
        match f {
            FileFormat::Json => Self::Json,
            FileFormat::Fis => Self::Fis,
            FileFormat::Fcl => Self::Fcl,
            FileFormat::Fll => Self::Fll,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in plants with their equations, signals and default parameters.
    Plants,
    /// Write a commented starter job file.
    Init {
        /// where to write it
        #[arg(default_value = "job.toml")]
        path: PathBuf,
        /// overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Tune the controller a job file describes; writes everything into an output folder.
    Tune {
        /// the job file (TOML)
        job: PathBuf,
        /// output folder (default: `out/JOB-FILE-STEM`)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// worker threads for fitness evaluation (overrides the job; 0 = all cores)
        #[arg(long)]
        threads: Option<usize>,
        /// override the job's seed
        #[arg(long)]
        seed: Option<u64>,
        /// override the job's iteration budget
        #[arg(long)]
        iterations: Option<u64>,
        /// no progress bar
        #[arg(short, long)]
        quiet: bool,
        /// save the searches' state every N iterations into OUTPUT/checkpoint (0 = never)
        #[arg(long, default_value_t = 10)]
        checkpoint_every: u64,
        /// continue an interrupted run from OUTPUT/checkpoint (same job file and options);
        /// the result equals that of an uninterrupted run
        #[arg(long)]
        resume: bool,
    },
    /// Evaluate a controller file's engine: input values on the command line or a CSV file
    /// with a header of input names; prints inputs and outputs as CSV (round-trip f32).
    Eval {
        /// controller file (controller.json from a tuning run, a bare engine spec, .fis, .fcl or
        /// .fll)
        controller: PathBuf,
        /// one value per input, in order
        #[arg(allow_negative_numbers = true)]
        values: Vec<f32>,
        /// CSV file with a header of input names
        #[arg(long)]
        inputs: Option<PathBuf>,
        /// per row, print each input's term degrees, each rule's strength (which fired) and
        /// the outputs instead of CSV
        #[arg(long)]
        explain: bool,
    },
    /// Run a controller through a job's plant and scenarios: metrics table (or JSON) and, with
    /// -o, step-response plots. The controller file may be a tuned controller
    /// (controller.json), a bare engine (wrapped with the job's `[controller]` gains), a PID
    /// (`{"kp": .., "ki": .., "kd": .., ...}`) or an open-loop input (`{"open_loop": 1.5}` or
    /// `{"open_loop": [[t, u], ...]}`).
    Simulate {
        /// controller file (JSON, .fis, .fcl or .fll)
        controller: PathBuf,
        /// job file giving plant, simulation and scenarios
        #[arg(long)]
        job: PathBuf,
        /// folder for the plots
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// print the metrics as JSON
        #[arg(long)]
        json: bool,
    },
    /// Rebuild report.html of a tuning run's output folder.
    Report {
        /// the output folder of `fuzzyopt tune`
        dir: PathBuf,
    },
    /// Measure nanoseconds per engine evaluation of a controller on this machine.
    Bench {
        /// controller file (JSON, .fis, .fcl or .fll)
        controller: PathBuf,
        /// evaluations per measurement
        #[arg(long, default_value_t = 200_000)]
        evaluations: u32,
        /// input rows to cycle through: CSV, or fuzzylite's FLD (space-separated), with a
        /// header of input names (default: 64 points spread over each input range)
        #[arg(long)]
        inputs: Option<PathBuf>,
    },
    /// Convert a controller between JSON, MATLAB .fis, IEC 61131-7 .fcl and fuzzylite .fll
    /// (formats from the extensions unless given). What the target format cannot express is
    /// an error; what it only changes at the edges (out-of-range inputs, no rule fired) is
    /// printed as a note.
    Convert {
        /// controller file to read
        input: PathBuf,
        /// file to write (atomically)
        output: PathBuf,
        /// input format (default: from the extension)
        #[arg(long, value_enum)]
        from: Option<FileFormat>,
        /// output format (default: from the extension)
        #[arg(long, value_enum)]
        to: Option<FileFormat>,
        /// switch Mamdani outputs to the target format's sampling (fuzzylite: midpoints of
        /// 100 intervals; MATLAB and FCL: 101 points with both ends) instead of refusing a
        /// sampling the target cannot express
        #[arg(long)]
        resample: bool,
    },
    /// Export a controller for firmware (Rust, C) or as the controller JSON.
    Export {
        /// controller file (controller.json, a bare engine spec, .fis, .fcl or .fll)
        controller: PathBuf,
        /// output format
        #[arg(short, long, value_enum)]
        format: Format,
        /// output file (default: stdout)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// lut: nodes per input, evenly spread (default: a node on every corner of the inputs'
        /// terms, intervals split in 2, 4, ... parts until --max-error is met)
        #[arg(long)]
        nodes: Option<usize>,
        /// lut: largest error allowed, as a fraction of each output's range, measured
        /// against the engine on a grid 4 times as fine
        #[arg(long, default_value_t = 1e-3)]
        max_error: f32,
    },
}
