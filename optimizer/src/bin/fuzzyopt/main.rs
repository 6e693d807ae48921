//! `fuzzyopt`: the command-line front end. Thin: options are parsed and checked here, the
//! work is one library call per subcommand. User mistakes print one error (file, line, field)
//! and exit with code 2; no backtraces.

mod cli;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;
use fuzzy_core::ControllerSpec;
use fuzzy_files::TunedController;
use optimizer::job::Job;
use optimizer::report::{mean_itae, write_folder};
use optimizer::run::{Checkpointing, RunOptions, tune};

use cli::{Cli, Command, FileFormat, Format as ExportFormat};
use fuzzy_files::{self as interop, Format};

/// The starter job `fuzzyopt init` writes (also `examples/jobs/second-order.toml`).
const STARTER_JOB: &str = include_str!("../../../../examples/jobs/second-order.toml");

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fuzzyopt: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Plants => plants(),
        Command::Init { path, force } => init(&path, force),
        Command::Tune {
            job,
            output,
            threads,
            seed,
            iterations,
            quiet,
            checkpoint_every,
            resume,
        } => tune_command(
            &job,
            output,
            TuneFlags {
                threads,
                seed,
                iterations,
                quiet,
                checkpoint_every,
                resume,
            },
        ),
        Command::Eval {
            controller,
            values,
            inputs,
        } => eval(&controller, &values, inputs.as_deref()),
        Command::Export {
            controller,
            format,
            output,
        } => export(&controller, format, output.as_deref()),
        Command::Simulate {
            controller,
            job,
            output,
            json,
        } => simulate(&controller, &job, output.as_deref(), json),
        Command::Report { dir } => {
            let path = optimizer::report::rebuild_report(&dir)?;
            println!("wrote {}", path.display());
            Ok(())
        }
        Command::Bench {
            controller,
            evaluations,
            inputs,
        } => bench(&controller, evaluations, inputs.as_deref()),
        Command::Convert {
            input,
            output,
            from,
            to,
            resample,
        } => convert(&input, &output, from, to, resample),
    }
}

fn format_of(path: &Path, given: Option<FileFormat>, role: &str) -> Result<Format> {
    match given {
        Some(f) => Ok(f.into()),
        None => Format::of_path(path).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: cannot tell the {role} format from the extension (.json, .fis, .fcl, .fll); use --{}",
                path.display(),
                if role == "input" { "from" } else { "to" }
            )
        }),
    }
}

/// `convert IN OUT`: reads any format, checks the controller, writes it in another; notes on
/// what the target format leaves out go to stderr.
fn convert(
    input: &Path,
    output: &Path,
    from: Option<FileFormat>,
    to: Option<FileFormat>,
    resample: bool,
) -> Result<()> {
    let (source, target) = (format_of(input, from, "input")?, format_of(output, to, "output")?);
    let mut spec = interop::load(input, Some(source))?;
    if resample {
        let sampling = interop::native_sampling(target);
        for o in spec.outputs.iter_mut().filter(|o| o.sampling != sampling) {
            eprintln!(
                "fuzzyopt: note: output '{}': resampled from {:?} to {:?}; Mamdani outputs change by up to a \
                 sample spacing",
                o.name, o.sampling, sampling
            );
            o.sampling = sampling;
        }
    }
    let written = interop::write(&spec, target).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot be written as {}: {e}",
            input.display(),
            target.extension()
        )
    })?;
    for note in &written.notes {
        eprintln!("fuzzyopt: note: {note}");
    }
    sim::files::write_atomically(output, written.text.as_bytes())?;
    println!("wrote {}", output.display());
    Ok(())
}

fn plants() -> Result<()> {
    let mut out = std::io::stdout().lock();
    for info in sim::plant::catalogue() {
        writeln!(
            out,
            "{}\n  model:   {}\n  signals: {}\n  source:  {}",
            info.name, info.equation, info.signals, info.source
        )?;
        if !info.defaults.is_empty() {
            writeln!(out, "  defaults:")?;
            for line in info.defaults.lines() {
                writeln!(out, "    {line}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "transfer_function\n  model:   numerator(s)/denominator(s) e^(-delay s); fields numerator, denominator, delay\n\n\
         state_space\n  model:   x' = A x + B u, y = C x + D u, input delay; fields a (rows), b, c, d, delay, initial_state"
    )?;
    Ok(())
}

fn init(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!("{} exists; use --force to overwrite it", path.display());
    }
    sim::files::write_atomically(path, STARTER_JOB.as_bytes())?;
    println!(
        "wrote {} (run it with `fuzzyopt tune {}`)",
        path.display(),
        path.display()
    );
    Ok(())
}

/// `tune`'s options besides the job and the output folder.
struct TuneFlags {
    threads: Option<usize>,
    seed: Option<u64>,
    iterations: Option<u64>,
    quiet: bool,
    checkpoint_every: u64,
    resume: bool,
}

fn tune_command(path: &Path, output: Option<PathBuf>, flags: TuneFlags) -> Result<()> {
    let mut job = Job::load(path)?;
    if let Some(seed) = flags.seed {
        job.seed = seed;
    }
    if let Some(iterations) = flags.iterations {
        if iterations == 0 {
            bail!("--iterations must be at least 1");
        }
        job.optimizer.iterations = iterations;
    }
    let dir = output.unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "job".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("out").join(stem)
    });
    let checkpoint_dir = dir.join("checkpoint");
    if flags.resume && !checkpoint_dir.exists() {
        bail!(
            "--resume: no checkpoint in {} (run without --resume first)",
            checkpoint_dir.display()
        );
    }
    if flags.resume && flags.checkpoint_every == 0 {
        bail!("--resume needs checkpoints (--checkpoint-every must be at least 1)");
    }
    let options = RunOptions {
        quiet: flags.quiet,
        threads: flags.threads,
        checkpoint: (flags.checkpoint_every > 0).then_some(Checkpointing {
            dir: checkpoint_dir,
            every: flags.checkpoint_every,
            resume: flags.resume,
        }),
    };
    let outcome = tune(&job, &options)?;
    let written = write_folder(&outcome, &dir).with_context(|| format!("writing {}", dir.display()))?;

    println!("\n{}: {} files in {}", job.name, written.len(), dir.display());
    println!("{:<20} {:>12} {:>12}", "controller", "cost", "mean ITAE");
    for c in &outcome.contenders {
        println!("{:<20} {:>12.6} {:>12.6}", c.label, c.cost, mean_itae(c));
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
    if let (Some(initial), Some(tuned)) = (itae("initial fuzzy"), itae("tuned fuzzy")) {
        println!(
            "tuned fuzzy ITAE is {} the initial table's{}",
            compare(tuned, initial),
            [("PID (SIMC)", "SIMC PID's"), ("PID (tuned)", "the tuned PID's")]
                .iter()
                .filter_map(|(label, name)| itae(label).map(|v| format!(", {} {name}", compare(tuned, v))))
                .collect::<String>()
        );
    }
    println!("report: {}", dir.join("report.html").display());
    println!("({:.1} s)", outcome.elapsed_s);
    Ok(())
}

/// The controller kinds `simulate` accepts.
enum AnyController {
    Fuzzy(Box<(ControllerSpec, Option<TunedController>)>),
    Pid(sim::control::PidConfig),
    OpenLoop(sim::control::OpenLoop),
}

/// A JSON error with the file, line and column.
fn json_error(path: &Path, e: &serde_json::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: line {}, column {}: {e}",
        path.display(),
        e.line(),
        e.column()
    )
}

fn load_any(path: &Path) -> Result<AnyController> {
    if let Some(spec) = load_interchange(path)? {
        return Ok(AnyController::Fuzzy(Box::new((spec, None))));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    let located = |e: serde_json::Error| anyhow::anyhow!("{}: {e}", path.display());
    if value.get("open_loop").is_some() {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct OpenLoopFile {
            open_loop: sim::control::OpenLoop,
        }
        let file: OpenLoopFile = serde_json::from_value(value).map_err(located)?;
        return Ok(AnyController::OpenLoop(file.open_loop));
    }
    if value.get("kp").is_some() {
        return Ok(AnyController::Pid(
            serde_json::from_value(value).map_err(located)?,
        ));
    }
    if value.get("wrapper").is_some() {
        let tuned: TunedController = serde_json::from_value(value).map_err(located)?;
        return Ok(AnyController::Fuzzy(Box::new((
            tuned.controller.clone(),
            Some(tuned),
        ))));
    }
    if value.get("inputs").is_some() {
        let spec: ControllerSpec = serde_json::from_value(value).map_err(located)?;
        return Ok(AnyController::Fuzzy(Box::new((spec, None))));
    }
    bail!(
        "{}: not a controller file: expected a tuned controller (\"controller\" and \"wrapper\"), an engine \
         (\"inputs\", \"outputs\", \"rules\"), a PID (\"kp\", \"ki\", \"kd\") or an open-loop input (\"open_loop\")",
        path.display()
    )
}

fn simulate(path: &Path, job_path: &Path, output: Option<&Path>, json: bool) -> Result<()> {
    let job = Job::load(job_path)?;
    let ts = job.simulation.sample_time_s;
    let (label, runs) = match load_any(path)? {
        AnyController::Fuzzy(fuzzy) => {
            let (spec, tuned) = *fuzzy;
            let owned = spec
                .compile()
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let wrapper = match tuned {
                Some(t) => t.wrapper,
                None => {
                    let encoding = optimizer::encoding::Encoding::new(&job);
                    encoding.decode(&encoding.initial()).wrapper
                }
            };
            let mut controller = sim::control::FuzzyController::new(owned.controller(), wrapper)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            ("fuzzy", optimizer::objective::run_all(&job, &mut controller)?)
        }
        AnyController::Pid(config) => {
            let mut pid = sim::control::Pid::new(config, ts);
            ("PID", optimizer::objective::run_all(&job, &mut pid)?)
        }
        AnyController::OpenLoop(mut open) => ("open loop", optimizer::objective::run_all(&job, &mut open)?),
    };
    if json {
        #[derive(serde::Serialize)]
        struct Record<'a> {
            scenario: &'a str,
            cost: f64,
            metrics: &'a sim::metrics::Metrics,
        }
        let records: Vec<Record<'_>> = runs
            .iter()
            .map(|r| Record {
                scenario: &r.label,
                cost: r.cost,
                metrics: &r.metrics,
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&records)?);
    } else {
        println!(
            "{:<28} {:>12} {:>10} {:>10} {:>10} {:>10} {:>9}",
            "scenario", "cost", "ITAE", "IAE", "overshoot%", "settling", "diverged"
        );
        for r in &runs {
            let m = &r.metrics;
            println!(
                "{:<28} {:>12.6} {:>10.5} {:>10.5} {:>10} {:>10} {:>9}",
                r.label,
                r.cost,
                m.itae,
                m.iae,
                m.overshoot_percent.map_or("-".to_string(), |v| format!("{v:.2}")),
                m.settling_time_s.map_or("-".to_string(), |v| format!("{v:.3}")),
                if m.diverged { "yes" } else { "no" }
            );
        }
    }
    if let Some(dir) = output {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
        for (i, run) in runs.iter().enumerate() {
            let paths = sim::plot::step_response(
                &dir.join(format!("step-{}", i + 1)),
                &format!("{} — {}", job.name, run.label),
                &[sim::plot::Series {
                    label,
                    trajectory: &run.trajectory,
                }],
                "plant output y",
                "control u",
            )?;
            for p in paths {
                eprintln!("wrote {}", p.display());
            }
        }
    }
    Ok(())
}

fn bench(path: &Path, evaluations: u32, inputs: Option<&Path>) -> Result<()> {
    let (spec, _) = load_controller(path)?;
    let owned = spec
        .compile()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let engine = owned.controller();
    let names: Vec<&str> = spec.inputs.iter().map(|v| v.name.as_str()).collect();
    let points: Vec<Vec<f32>> = match inputs {
        Some(file) => read_csv(file, &names)?,
        None => optimizer::bench::input_points(&engine),
    };
    if points.is_empty() {
        bail!("{}: no input rows", inputs.map_or(path, |p| p).display());
    }
    let mut scratch = vec![0.0f32; engine.scratch_len()];
    let mut outputs = vec![0.0f32; engine.output_count()];
    let mut samples = Vec::new();
    for _ in 0..7 {
        let start = std::time::Instant::now();
        for k in 0..evaluations as usize {
            let status = engine.evaluate(
                std::hint::black_box(&points[k % points.len()]),
                &mut scratch,
                &mut outputs,
            );
            std::hint::black_box((status, &outputs));
        }
        samples.push(start.elapsed().as_nanos() as f64 / f64::from(evaluations.max(1)));
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "{}: {:.1} ns per evaluation (median of 7 runs of {evaluations}; min {:.1}, max {:.1})",
        path.display(),
        samples[3],
        samples[0],
        samples[6]
    );
    Ok(())
}

/// A `.fis`, `.fcl` or `.fll` controller file, read and checked; `None` for other
/// extensions (JSON).
fn load_interchange(path: &Path) -> Result<Option<ControllerSpec>> {
    match Format::of_path(path) {
        Some(Format::Json) | None => Ok(None),
        Some(format) => Ok(Some(interop::load(path, Some(format))?)),
    }
}

/// Reads a controller file: a tuning run's `controller.json`, a bare engine spec (JSON), or
/// a `.fis`, `.fcl` or `.fll` file.
fn load_controller(path: &Path) -> Result<(ControllerSpec, Option<TunedController>)> {
    if let Some(spec) = load_interchange(path)? {
        return Ok((spec, None));
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if let Ok(tuned) = serde_json::from_str::<TunedController>(&text) {
        return Ok((tuned.controller.clone(), Some(tuned)));
    }
    let spec: ControllerSpec = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    Ok((spec, None))
}

fn eval(path: &Path, values: &[f32], inputs: Option<&Path>) -> Result<()> {
    let (spec, _) = load_controller(path)?;
    let owned = spec
        .compile()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let names: Vec<&str> = spec.inputs.iter().map(|v| v.name.as_str()).collect();
    let rows: Vec<Vec<f32>> = match inputs {
        Some(csv) => read_csv(csv, &names)?,
        None => {
            if values.len() != names.len() {
                bail!(
                    "{} has {} inputs ({}); got {} values",
                    path.display(),
                    names.len(),
                    names.join(", "),
                    values.len()
                );
            }
            vec![values.to_vec()]
        }
    };
    let mut out = std::io::stdout().lock();
    let header: Vec<&str> = names
        .iter()
        .copied()
        .chain(spec.outputs.iter().map(|v| v.name.as_str()))
        .collect();
    writeln!(out, "{}", header.join(","))?;
    for row in rows {
        let (outputs, _) = owned.evaluate(&row);
        let cells: Vec<String> = row.iter().chain(&outputs).map(|v| format!("{v:?}")).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// A CSV file with a header naming the inputs (any order; extra columns are an error).
fn read_csv(path: &Path, names: &[&str]) -> Result<Vec<Vec<f32>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        bail!(
            "{}: empty file (expected a header of input names: {})",
            path.display(),
            names.join(",")
        );
    };
    // CSV, or fuzzylite's FLD (the same with spaces): the header says which.
    let split = |line: &'_ str| -> Vec<String> {
        if header.contains(',') {
            line.split(',').map(|c| c.trim().to_string()).collect()
        } else {
            line.split_whitespace().map(str::to_string).collect()
        }
    };
    let columns: Vec<String> = split(header);
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut order = Vec::new();
    for name in names {
        let Some(index) = columns.iter().position(|c| c == name) else {
            bail!(
                "{}: line 1: no column `{name}` (columns: {})",
                path.display(),
                columns.join(", ")
            );
        };
        order.push(index);
    }
    if let Some(extra) = columns.iter().find(|c| !names.contains(c)) {
        bail!(
            "{}: line 1: unknown column `{extra}` (inputs: {})",
            path.display(),
            names.join(", ")
        );
    }
    lines
        .map(|(number, line)| {
            let cells = split(line);
            if cells.len() != columns.len() {
                bail!(
                    "{}: line {}: {} values, expected {}",
                    path.display(),
                    number + 1,
                    cells.len(),
                    columns.len()
                );
            }
            order
                .iter()
                .map(|&i| {
                    cells[i].parse::<f32>().map_err(|_| {
                        anyhow::anyhow!(
                            "{}: line {}, column `{}`: not a number: `{}`",
                            path.display(),
                            number + 1,
                            columns[i],
                            cells[i]
                        )
                    })
                })
                .collect()
        })
        .collect()
}

fn export(path: &Path, format: ExportFormat, output: Option<&Path>) -> Result<()> {
    let (spec, tuned) = load_controller(path)?;
    let owned = spec
        .compile()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let wrapper = tuned.as_ref().map(|t| &t.wrapper);
    let text = match format {
        ExportFormat::Json => match &tuned {
            Some(tuned) => serde_json::to_string_pretty(tuned)?,
            None => serde_json::to_string_pretty(&spec)?,
        },
        ExportFormat::Rust => match wrapper {
            Some(wrapper) => fuzzy_files::export::rust::write_tuned(&owned, wrapper),
            None => fuzzy_files::export::rust::write(&owned),
        },
        ExportFormat::C => {
            let pair = fuzzy_files::export::c::write(&owned, wrapper)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if let Some(dir) = output {
                std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
                sim::files::write_atomically(&dir.join(format!("{}.h", pair.stem)), pair.header.as_bytes())?;
                sim::files::write_atomically(&dir.join(format!("{}.c", pair.stem)), pair.source.as_bytes())?;
                return Ok(());
            }
            format!(
                "/* ---- {stem}.h ---- */\n{}\n/* ---- {stem}.c ---- */\n{}",
                pair.header,
                pair.source,
                stem = pair.stem
            )
        }
    };
    match output {
        Some(out) => sim::files::write_atomically(out, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(())
}
