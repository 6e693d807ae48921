//! The commands that read a controller: `simulate`, `eval`, `bench` and `export`.

use std::path::{Path, PathBuf};

use fuzzy_core::ControllerSpec;
use fuzzy_files::{Format, TunedController};
use sim::control::{FuzzyController, OpenLoop, Pid, PidConfig};

use super::{CommandError, create_dir, invalid, json_error, read_inputs, read_text, shown, write_file};
use crate::job::Job;
use crate::objective::{Run, run_all};
use std::fmt::Write as _;

/// The controller kinds `simulate` accepts.
pub enum AnyController {
    /// an engine, with the tuned wrapper when the file is a tuning run's `controller.json`
    Fuzzy(Box<(ControllerSpec, Option<TunedController>)>),
    /// a PID (`{"kp": …, "ki": …, "kd": …}`)
    Pid(PidConfig),
    /// an open-loop input (`{"open_loop": …}`)
    OpenLoop(OpenLoop),
}

/// A `.fis`, `.fcl` or `.fll` controller file, read and checked; `None` for other
/// extensions (JSON).
fn load_interchange(path: &Path) -> Result<Option<ControllerSpec>, CommandError> {
    match Format::of_path(path) {
        Some(Format::Json) | None => Ok(None),
        Some(format) => Ok(Some(super::load_file_noting(path, Some(format))?)),
    }
}

/// An open-loop input file: `{"open_loop": …}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenLoopFile {
    open_loop: OpenLoop,
}

/// Reads any controller `simulate` runs: a fuzzy controller file of any format, a PID or an
/// open-loop input (JSON; which one is told by its keys).
pub fn load_any(path: &Path) -> Result<AnyController, CommandError> {
    if let Some(spec) = load_interchange(path)? {
        return Ok(AnyController::Fuzzy(Box::new((spec, None))));
    }
    let text = read_text(path)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    // The keys tell the kind; the text is then read as that kind, so that an error has a
    // line and column.
    let located = |e: serde_json::Error| json_error(path, &e);
    if value.get("open_loop").is_some() {
        let file: OpenLoopFile = serde_json::from_str(&text).map_err(located)?;
        return Ok(AnyController::OpenLoop(file.open_loop));
    }
    if value.get("kp").is_some() {
        return Ok(AnyController::Pid(serde_json::from_str(&text).map_err(located)?));
    }
    if value.get("wrapper").is_some() {
        let tuned: TunedController = serde_json::from_str(&text).map_err(located)?;
        return Ok(AnyController::Fuzzy(Box::new((
            tuned.controller.clone(),
            Some(tuned),
        ))));
    }
    if value.get("inputs").is_some() {
        let spec: ControllerSpec = serde_json::from_str(&text).map_err(located)?;
        return Ok(AnyController::Fuzzy(Box::new((spec, None))));
    }
    Err(invalid(
        path,
        "not a controller file: expected a tuned controller (\"controller\" and \"wrapper\"), an engine \
         (\"inputs\", \"outputs\", \"rules\"), a PID (\"kp\", \"ki\", \"kd\") or an open-loop input (\"open_loop\")",
    ))
}

/// Reads a fuzzy controller file: a tuning run's `controller.json`, a bare engine spec
/// (JSON), or a `.fis`, `.fcl` or `.fll` file.
pub fn load_controller(path: &Path) -> Result<(ControllerSpec, Option<TunedController>), CommandError> {
    if let Some(spec) = load_interchange(path)? {
        return Ok((spec, None));
    }
    let text = read_text(path)?;
    if let Ok(tuned) = serde_json::from_str::<TunedController>(&text) {
        return Ok((tuned.controller.clone(), Some(tuned)));
    }
    let spec: ControllerSpec = serde_json::from_str(&text).map_err(|e| json_error(path, &e))?;
    Ok((spec, None))
}

/// A `simulate` run: the controller kind's label, the job and one run per scenario.
pub struct Simulation {
    /// "fuzzy", "PID" or "open loop"
    pub label: &'static str,
    /// the job
    pub job: Job,
    /// one run per scenario (and robustness variant)
    pub runs: Vec<Run>,
    /// what was adapted to run the controller in this job
    pub notes: Vec<String>,
}

/// `simulate CONTROLLER JOB`: runs the controller in the job's scenarios.
pub fn simulate(path: &Path, job_path: &Path) -> Result<Simulation, CommandError> {
    let job = Job::load(job_path)?;
    let ts = job.simulation.sample_time_s;
    let mut notes = Vec::new();
    let (label, runs) = match load_any(path)? {
        AnyController::Fuzzy(fuzzy) => {
            let (spec, tuned) = *fuzzy;
            let owned = spec.compile().map_err(|e| invalid(path, e))?;
            let wrapper = match tuned {
                // A controller tuned at another sample time runs at the job's: its gains and
                // time constants are per second, only the discretisation changes.
                Some(t) if t.wrapper.sample_time_s != ts as f32 => {
                    notes.push(format!(
                        "{}: tuned at Ts = {} s, run here at the job's Ts = {} s (gains and time \
                         constants are per second; the sampled behaviour differs from the tuned one)",
                        path.display(),
                        t.wrapper.sample_time_s,
                        ts as f32
                    ));
                    fuzzy_core::FuzzyPidConfig {
                        sample_time_s: ts as f32,
                        ..t.wrapper
                    }
                }
                Some(t) => t.wrapper,
                None => {
                    let encoding = crate::encoding::Encoding::new(&job);
                    encoding.decode(&encoding.initial()).wrapper
                }
            };
            let mut controller =
                FuzzyController::new(owned.controller(), wrapper).map_err(|e| invalid(path, e))?;
            ("fuzzy", run_all(&job, &mut controller)?)
        }
        AnyController::Pid(config) => {
            let mut pid = Pid::new(config, ts);
            ("PID", run_all(&job, &mut pid)?)
        }
        AnyController::OpenLoop(mut open) => ("open loop", run_all(&job, &mut open)?),
    };
    Ok(Simulation {
        label,
        job,
        runs,
        notes,
    })
}

/// The simulation's metrics as a table, one row per scenario.
pub fn simulation_table(simulation: &Simulation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<28} {:>12} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "scenario", "cost", "ITAE", "IAE", "overshoot%", "settling", "diverged"
    );
    for r in &simulation.runs {
        let m = &r.metrics;
        let _ = writeln!(
            out,
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
    out
}

/// The simulation's metrics as pretty JSON, one record per scenario.
pub fn simulation_json(simulation: &Simulation) -> String {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        scenario: &'a str,
        cost: f64,
        metrics: &'a sim::metrics::Metrics,
    }
    let records: Vec<Record<'_>> = simulation
        .runs
        .iter()
        .map(|r| Record {
            scenario: &r.label,
            cost: r.cost,
            metrics: &r.metrics,
        })
        .collect();
    // Plain numbers, strings and options: serialising cannot fail.
    serde_json::to_string_pretty(&records).unwrap_or_default()
}

/// Plots each scenario's response (`step-N.svg`/`.png`) into `dir`; returns the files.
pub fn simulation_plots(simulation: &Simulation, dir: &Path) -> Result<Vec<PathBuf>, CommandError> {
    create_dir(dir)?;
    let mut written = Vec::new();
    for (i, run) in simulation.runs.iter().enumerate() {
        written.extend(sim::plot::step_response(
            &dir.join(format!("step-{}", i + 1)),
            &format!("{} — {}", simulation.job.name, run.label),
            &[sim::plot::Series {
                label: simulation.label,
                trajectory: &run.trajectory,
            }],
            "plant output y",
            "control u",
        )?);
    }
    Ok(written)
}

/// `eval CONTROLLER`: the controller's outputs for each row (`values`, one per input, or the
/// rows of the `inputs` table), as CSV with a header of input and output names; with
/// `explain`, per row the inputs' term degrees, every rule's strength and the outputs (what
/// MATLAB's rule viewer and fuzzylite's activation listing show), as text.
pub fn eval(
    path: &Path,
    values: &[f32],
    inputs: Option<&Path>,
    explain: bool,
) -> Result<String, CommandError> {
    let (spec, _) = load_controller(path)?;
    let owned = spec.compile().map_err(|e| invalid(path, e))?;
    let names: Vec<&str> = spec.inputs.iter().map(|v| v.name.as_str()).collect();
    let rows: Vec<Vec<f32>> = match inputs {
        Some(table) => read_inputs(table, &names)?,
        None => {
            if values.len() != names.len() {
                return Err(CommandError::Usage(format!(
                    "{} has {} inputs ({}); got {} values",
                    path.display(),
                    names.len(),
                    names.join(", "),
                    values.len()
                )));
            }
            vec![values.to_vec()]
        }
    };
    if explain {
        return Ok(explain_rows(&spec, &owned, &rows));
    }
    let header: Vec<&str> = names
        .iter()
        .copied()
        .chain(spec.outputs.iter().map(|v| v.name.as_str()))
        .collect();
    let mut out = header.join(",") + "\n";
    for row in rows {
        let (outputs, _) = owned.evaluate(&row);
        let cells: Vec<String> = row.iter().chain(&outputs).map(|v| format!("{v:?}")).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// A degree for `--explain`: 0 as `0`, below 1e-3 in scientific form (a rule that barely
/// fired must not read as 0.0000), else four decimals.
fn degree_text(d: f32) -> String {
    if d == 0.0 {
        "0".into()
    } else if d.abs() < 1e-3 {
        format!("{d:.1e}")
    } else {
        format!("{d:.4}")
    }
}

/// `eval --explain`'s text: per row the inputs, each input's term degrees, each rule's
/// strength (firing × weight, `*` where it fired, in the rule's FLL wording) and the outputs
/// with the status flags.
fn explain_rows(spec: &ControllerSpec, owned: &fuzzy_core::OwnedController, rows: &[Vec<f32>]) -> String {
    let controller = owned.controller();
    let mut scratch = vec![0.0f32; controller.scratch_len()];
    let term_count: usize = spec.inputs.iter().map(|v| v.terms.len()).sum();
    let mut degrees = vec![0.0f32; term_count];
    let mut strengths = vec![0.0f32; spec.rules.len()];
    let words = ["if", "is", "not", "and", "or", "then", "with"];
    let texts: Vec<String> = spec
        .rules
        .iter()
        .map(|r| {
            fuzzy_files::text::rule_text(r, &spec.inputs, &spec.outputs, words, " and ", |w| format!("{w}"))
                .unwrap_or_else(|e| format!("(rule not shown: {e})"))
        })
        .collect();
    let width = texts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        let assignments: Vec<String> = spec
            .inputs
            .iter()
            .zip(row)
            .map(|(v, x)| format!("{} = {x}", v.name))
            .collect();
        let _ = writeln!(out, "row {}: {}", n + 1, assignments.join(", "));
        controller.input_degrees(row, &mut scratch, &mut degrees);
        let mut offset = 0;
        for input in &spec.inputs {
            let cells: Vec<String> = input
                .terms
                .iter()
                .zip(&degrees[offset..])
                .map(|(t, d)| format!("{} {}", t.name, degree_text(*d)))
                .collect();
            offset += input.terms.len();
            let _ = writeln!(out, "  {}: {}", input.name, cells.join("  "));
        }
        controller.rule_strengths(row, &mut scratch, &mut strengths);
        let fired = strengths.iter().filter(|s| **s > 0.0).count();
        let _ = writeln!(
            out,
            "  rules ({fired} of {} fired; strength = firing x weight):",
            spec.rules.len()
        );
        for (r, (text, strength)) in texts.iter().zip(&strengths).enumerate() {
            let mark = if *strength > 0.0 { '*' } else { ' ' };
            let _ = writeln!(
                out,
                "  {mark} {:>3}  {text:<width$}  {}",
                r + 1,
                degree_text(*strength)
            );
        }
        let (outputs, status) = owned.evaluate(row);
        let values: Vec<String> = spec
            .outputs
            .iter()
            .zip(&outputs)
            .map(|(v, y)| format!("{} = {y:?}", v.name))
            .collect();
        let flags = if status.is_ok() {
            String::new()
        } else {
            format!("  (status: {status})")
        };
        let _ = writeln!(out, "  {}{flags}\n", values.join(", "));
    }
    out
}

/// `bench CONTROLLER`: times `evaluations` evaluations over the input rows (the `inputs`
/// table, or [`crate::bench::input_points`]) seven times.
pub fn bench(
    path: &Path,
    evaluations: u32,
    inputs: Option<&Path>,
) -> Result<crate::bench::Timing, CommandError> {
    let (spec, _) = load_controller(path)?;
    let owned = spec.compile().map_err(|e| invalid(path, e))?;
    let engine = owned.controller();
    let names: Vec<&str> = spec.inputs.iter().map(|v| v.name.as_str()).collect();
    let points: Vec<Vec<f32>> = match inputs {
        Some(file) => read_inputs(file, &names)?,
        None => crate::bench::input_points(&engine),
    };
    if points.is_empty() {
        return Err(CommandError::Table {
            path: shown(inputs.unwrap_or(path)),
            line: 2,
            column: None,
            message: "no input rows".into(),
        });
    }
    Ok(crate::bench::time_evaluations(&engine, &points, evaluations))
}

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExportFormat {
    /// the controller file (engine and wrapper), pretty JSON
    Json,
    /// Rust source for fuzzy-core (`no_std` statics)
    Rust,
    /// a C99 header and source
    C,
    /// the fixed-point path (`fuzzy_core::fixed`) as a C99 header and source
    CFixed,
    /// a lookup table of a 2-input controller's surface, as Rust (`c: false`) or C: `nodes`
    /// evenly spread per input, or nodes on the inputs' term corners, refined until the
    /// measured error meets `max_error` (a fraction of each output's range)
    Lut {
        /// C instead of Rust
        c: bool,
        /// node count per input, when given
        nodes: Option<usize>,
        /// the largest error allowed when choosing the node count
        max_error: f32,
    },
}

/// What `export` produced: text for one file (or stdout), or a C pair; with a note to show
/// (a lookup table's size and measured error).
pub enum Exported {
    /// one text
    Text(String),
    /// a C header and source, with their file stem
    C(fuzzy_files::export::c::CSource),
    /// a lookup table's source, and what to tell about it
    Lut(Box<Exported>, String),
}

/// `export CONTROLLER --format F`: the controller as JSON, Rust or C.
pub fn export(path: &Path, format: ExportFormat) -> Result<Exported, CommandError> {
    let (spec, tuned) = load_controller(path)?;
    let owned = spec.compile().map_err(|e| invalid(path, e))?;
    let wrapper = tuned.as_ref().map(|t| &t.wrapper);
    Ok(match format {
        // Plain data: serialising cannot fail.
        ExportFormat::Json => Exported::Text(match &tuned {
            Some(tuned) => serde_json::to_string_pretty(tuned).unwrap_or_default(),
            None => serde_json::to_string_pretty(&spec).unwrap_or_default(),
        }),
        ExportFormat::Rust => Exported::Text(match wrapper {
            Some(wrapper) => fuzzy_files::export::rust::write_tuned(&owned, wrapper),
            None => fuzzy_files::export::rust::write(&owned),
        }),
        ExportFormat::C => {
            Exported::C(fuzzy_files::export::c::write(&owned, wrapper).map_err(|e| invalid(path, e))?)
        }
        ExportFormat::CFixed => {
            Exported::C(fuzzy_files::export::c_fixed::write(&owned, wrapper).map_err(|e| invalid(path, e))?)
        }
        ExportFormat::Lut { c, nodes, max_error } => {
            use fuzzy_files::export::lut::Lut;
            if !(max_error > 0.0 && max_error < 1.0) {
                return Err(CommandError::Usage(format!(
                    "--max-error {max_error}: expected a fraction of the output range in (0, 1)"
                )));
            }
            let (lut, error) = match nodes {
                Some(n) => {
                    let lut = Lut::sample(&owned, n, n).map_err(|e| invalid(path, e))?;
                    let error = lut.max_error(&owned);
                    (lut, error)
                }
                None => Lut::for_error(&owned, max_error).map_err(|e| invalid(path, e))?,
            };
            let (n, m) = (lut.axes[0].len(), lut.axes[1].len());
            let note = format!(
                "lookup table: {n} x {m} nodes, {} bytes of tables; measured maximum error {error:.3e} of the \
                 output range (engine on a grid 4 times as fine)",
                lut.bytes()
            );
            let source = if c {
                Exported::C(lut.c(error))
            } else {
                Exported::Text(lut.rust(error))
            };
            Exported::Lut(Box::new(source), note)
        }
    })
}

/// Writes an export: a text into `output`; a C pair into the folder `output` (as
/// `<stem>.h` and `<stem>.c`), or, when `output` names a `.c` or `.h` file, as that file and
/// its partner next to it (`-o src/motor.c` writes `src/motor.c` and `src/motor.h`, and the
/// source includes `motor.h`). Returns the files written.
pub fn write_export(exported: &Exported, output: &Path) -> Result<Vec<PathBuf>, CommandError> {
    match exported {
        Exported::Text(text) => {
            write_file(output, text.as_bytes())?;
            Ok(vec![output.to_path_buf()])
        }
        Exported::C(pair) => {
            let named = output
                .extension()
                .is_some_and(|e| e == "c" || e == "h")
                .then(|| output.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .flatten();
            let (dir, stem, source_text) = match named {
                Some(stem) => {
                    let dir = output
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                    let include = format!("#include \"{}.h\"", pair.stem);
                    let text = pair
                        .source
                        .replacen(&include, &format!("#include \"{stem}.h\""), 1);
                    (dir, stem, text)
                }
                None => (output.to_path_buf(), pair.stem.clone(), pair.source.clone()),
            };
            create_dir(&dir)?;
            let header = dir.join(format!("{stem}.h"));
            let source = dir.join(format!("{stem}.c"));
            write_file(&header, pair.header.as_bytes())?;
            write_file(&source, source_text.as_bytes())?;
            Ok(vec![header, source])
        }
        Exported::Lut(inner, _) => write_export(inner, output),
    }
}

/// An export as one text for stdout (a C pair with a comment line before each file).
pub fn export_text(exported: &Exported) -> String {
    match exported {
        Exported::Text(text) => text.clone(),
        Exported::C(pair) => format!(
            "/* ---- {stem}.h ---- */\n{}\n/* ---- {stem}.c ---- */\n{}",
            pair.header,
            pair.source,
            stem = pair.stem
        ),
        Exported::Lut(inner, _) => export_text(inner),
    }
}
