//! The job file: what to tune, on which plant, against which objective (TOML).
//!
//! Every section and field is documented in the README ("Job file"); `fuzzyopt init` writes a
//! commented example. Parsing rejects unknown fields and names the line and column;
//! [`Job::validate`] names the section and field of a value out of range.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sim::closed_loop::{Actuator, LoadDisturbance, Noise, Scenario, SetpointProfile};
use sim::plant::PlantSpec;

/// A job file that could not be used: the file and what is wrong, with the line and column
/// or the section and field, and what is allowed.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct JobError {
    /// the job file
    pub file: String,
    /// what is wrong
    pub message: String,
}

/// A complete job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Name of the run (used in titles and the exported controller's name).
    #[serde(default = "default_name")]
    pub name: String,
    /// Seed of every random choice (same job and seed: bit-identical results).
    #[serde(default)]
    pub seed: u64,
    /// The plant.
    pub plant: PlantSpec,
    /// Sampling, horizon and actuator.
    pub simulation: Simulation,
    /// The scenarios the cost is computed over (at least one).
    #[serde(rename = "scenario")]
    pub scenarios: Vec<ScenarioSpec>,
    /// The controller template and its initial values.
    pub controller: Template,
    /// What is free, with bounds.
    #[serde(default)]
    pub tune: Tune,
    /// Cost weights and penalties.
    #[serde(default)]
    pub objective: Objective,
    /// Algorithm and budget.
    #[serde(default)]
    pub optimizer: OptimizerSettings,
}

fn default_name() -> String {
    "controller".to_string()
}

/// `[simulation]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    /// Controller sample time, s.
    pub sample_time_s: f64,
    /// Simulated time per scenario, s.
    pub horizon_s: f64,
    /// RK4 substeps per sample for nonlinear plants.
    #[serde(default = "default_substeps")]
    pub substeps: u32,
    /// Actuator saturation and rate limit (shared by all scenarios).
    #[serde(default)]
    pub actuator: Actuator,
}

fn default_substeps() -> u32 {
    4
}

/// `[[scenario]]`: one closed-loop experiment.
///
/// Why a type of its own rather than `sim::Scenario`: the job file splits what a
/// `sim::Scenario` holds into the shared `[simulation]` (sample time, horizon, actuator) and
/// the per-experiment `[[scenario]]` tables (this type, plus a name and the plant variations
/// of robust tuning), and serde cannot merge the two with `flatten` while refusing unknown
/// fields and keeping TOML's line numbers in errors. [`ScenarioSpec::scenario`] is the one
/// place that joins them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Label in tables and plots.
    #[serde(default)]
    pub name: String,
    /// Setpoint profile.
    pub setpoint: SetpointProfile,
    /// Step load disturbances at the plant input.
    #[serde(default)]
    pub disturbances: Vec<LoadDisturbance>,
    /// Measurement noise.
    #[serde(default)]
    pub noise: Option<Noise>,
    /// Initial plant state.
    #[serde(default)]
    pub initial_state: Option<Vec<f64>>,
    /// Plant parameter variations for robust tuning: the scenario is run once per factor,
    /// with every gain-like parameter of the plant multiplied by it (see
    /// [`crate::objective::vary_plant`]); empty = the nominal plant only.
    #[serde(default)]
    pub plant_gain_factors: Vec<f64>,
}

impl ScenarioSpec {
    /// The `sim` scenario.
    pub fn scenario(&self, simulation: &Simulation) -> Scenario {
        Scenario {
            sample_time_s: simulation.sample_time_s,
            horizon_s: simulation.horizon_s,
            setpoint: self.setpoint.clone(),
            disturbances: self.disturbances.clone(),
            noise: self.noise,
            actuator: simulation.actuator,
            initial_state: self.initial_state.clone(),
        }
    }
}

/// Inference in job files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InferenceName {
    /// Mamdani, min/max, centroid over 101 points
    Mamdani,
    /// zero-order Sugeno, product AND, weighted average
    Sugeno,
}

/// `[controller]`: the template. Inputs `e` and `de` and output `u` each span [−1, 1] with
/// `terms` triangles (shoulders at the ends); the gains scale engineering units to that range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// `pd`, `pi`, `pd_plus_i`, `pid` (MATLAB's fuzzy PID: `u = Ku·F + Ki·∫F`) or
    /// `gain_scheduled` (a 3-output engine scales the PID gains `Ku`, `Ki`, `derivative_gain`)
    pub structure: fuzzy_core::Structure,
    /// `mamdani` or `sugeno`
    #[serde(default = "default_inference")]
    pub inference: InferenceName,
    /// Terms per variable: odd, 3 to 9.
    #[serde(default = "default_terms")]
    pub terms: u32,
    /// Initial `Ke`.
    pub error_gain: f64,
    /// Initial `Kd`.
    pub rate_gain: f64,
    /// Initial `Ku`.
    pub output_gain: f64,
    /// Initial `Ki` (`pd_plus_i`: on the error; `pid`: on the engine output;
    /// `gain_scheduled`: the base integral gain).
    #[serde(default)]
    pub integral_gain: f64,
    /// Initial base derivative gain `Kd_pid` of `gain_scheduled` (s); unused otherwise.
    #[serde(default)]
    pub derivative_gain: f64,
    /// Rate filter time constant, s.
    #[serde(default)]
    pub derivative_filter_s: f64,
    /// Derivative on `error` or `measurement` (default).
    #[serde(default)]
    pub derivative_on: fuzzy_core::DerivativeOn,
    /// `direct` (a positive error raises the output) or `reverse` (it lowers it: the output
    /// gain is negated, e.g. a cart-pole pushed towards the side the pole leans to).
    #[serde(default)]
    pub action: Action,
    /// A controller file to start from instead of the template's triangles and diagonal
    /// table: `.json`, `.fis`, `.fcl` or `.fll`, relative to the job file. It must have 2
    /// inputs (scaled error, scaled rate) and 1 output; `terms` and `inference` are then
    /// taken from it, and `[tune] membership` must be false (see `encoding` for what is tuned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<std::path::PathBuf>,
    /// The engine file as read by [`Job::parse`].
    #[serde(skip)]
    pub engine_spec: Option<fuzzy_core::ControllerSpec>,
}

/// Controller action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `u` grows with the error
    #[default]
    Direct,
    /// `u` falls with the error (negated output gain)
    Reverse,
}

fn default_inference() -> InferenceName {
    InferenceName::Mamdani
}

fn default_terms() -> u32 {
    7
}

/// Bounds `[low, high]` of a gain, searched on a log scale (both > 0).
pub type Bounds = [f64; 2];

/// `[tune]`: what is free.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tune {
    /// Bounds of `Ke` (absent: fixed at its initial value).
    pub error_gain: Option<Bounds>,
    /// Bounds of `Kd`.
    pub rate_gain: Option<Bounds>,
    /// Bounds of `Ku`.
    pub output_gain: Option<Bounds>,
    /// Bounds of `Ki`.
    pub integral_gain: Option<Bounds>,
    /// Bounds of the gain-scheduled PID's base derivative gain.
    pub derivative_gain: Option<Bounds>,
    /// Bounds of the rate filter's time constant `Tf`, s (absent: fixed at
    /// `[controller] derivative_filter_s`). Free it to let the PID-equivalent start carry the
    /// tuned PID's own filter.
    pub derivative_filter_s: Option<Bounds>,
    /// Tune the term peaks of every variable (ordered, covering the range).
    pub membership: bool,
    /// Keep the terms symmetric about zero.
    pub symmetric: bool,
    /// How the rule consequents are tuned: `"monotone"` (default; also `true`), `"free"` or
    /// `"fixed"` (also `false`). See [`RuleTuning`].
    pub rules: RuleTuning,
    /// Tune the rule weights in [0, 1].
    pub weights: bool,
}

impl Default for Tune {
    fn default() -> Self {
        Tune {
            error_gain: Some([0.1, 10.0]),
            rate_gain: Some([0.01, 10.0]),
            output_gain: Some([0.1, 100.0]),
            integral_gain: None,
            derivative_gain: None,
            derivative_filter_s: None,
            membership: true,
            symmetric: true,
            rules: RuleTuning::Monotone,
            weights: false,
        }
    }
}

/// How the rule table of the template is tuned.
///
/// `Monotone` keeps the table readable: every genome decodes to a table whose consequents
/// never decrease along either input (the direct-acting shape of a PD table; reverse action
/// negates the output gain, not the table). `Free` lets every cell take any consequent, as
/// the tuner did before monotone tables existed. With `[controller] engine` (a controller
/// file, whose rules need not form a grid) `Monotone` tunes the rules like `Free`.
/// `Additive` is the few-parameter smooth option: the table is `clamp(a_i + b_j)` with two
/// non-decreasing per-input curves `a` (along `e`) and `b` (along `de`), `2n` genes instead of
/// `n²`, monotone by construction (on the benchmark it ends above `Monotone` except at the
/// smallest budget tried; README, "Benchmark").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleTuning {
    /// the rules stay as the template (or the engine file) has them
    Fixed,
    /// consequents never decrease along either input
    Monotone,
    /// every consequent free
    Free,
    /// `clamp(a_i + b_j)`: one non-decreasing curve per input (`2n` genes)
    Additive,
}

impl RuleTuning {
    /// Whether the rules are tuned at all.
    pub fn tuned(self) -> bool {
        self != RuleTuning::Fixed
    }
}

// `rules = true` (monotone, the default kind of tuning) and `false` (fixed) are accepted
// besides the names, so job files from before the names still read.
impl<'de> Deserialize<'de> for RuleTuning {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RuleTuning;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "\"monotone\", \"free\", \"additive\", \"fixed\", true (= \"monotone\") or false (= \"fixed\")",
                )
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RuleTuning, E> {
                Ok(if v {
                    RuleTuning::Monotone
                } else {
                    RuleTuning::Fixed
                })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RuleTuning, E> {
                match v {
                    "monotone" => Ok(RuleTuning::Monotone),
                    "free" => Ok(RuleTuning::Free),
                    "additive" => Ok(RuleTuning::Additive),
                    "fixed" => Ok(RuleTuning::Fixed),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// How scenario costs combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Robust {
    /// mean over scenarios
    Mean,
    /// worst scenario
    Worst,
}

/// `[objective]`: cost = Σ weight·metric + penalties, per scenario, then mean or worst.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Objective {
    /// weight of ITAE
    pub itae: f64,
    /// weight of IAE
    pub iae: f64,
    /// weight of ISE
    pub ise: f64,
    /// weight per % of overshoot
    pub overshoot: f64,
    /// weight per second of settling time (the horizon when never settled)
    pub settling_time: f64,
    /// weight of the control energy Σu²·Ts
    pub control_energy: f64,
    /// weight of the control signal's total variation Σ|Δu| (penalises chattering)
    pub total_variation: f64,
    /// weight of the plant output's peak-to-peak over the last fifth of each run (penalises
    /// an oscillation that does not die out)
    pub late_oscillation: f64,
    /// weight of the fuzzy controller's surface roughness (mean absolute second difference
    /// on a 41 × 41 grid, fraction of the output range; once per controller, not per run)
    pub roughness: f64,
    /// weight of the fuzzy controller's largest decrease between neighbouring grid points
    /// of its surface (fraction of the output range; 0 for a monotone surface)
    pub monotonicity: f64,
    /// overshoot allowed before the penalty, %
    pub overshoot_limit_percent: f64,
    /// fraction of the run allowed at the actuator limits before the penalty
    pub saturation_limit: f64,
    /// penalty per unit of violation
    pub penalty: f64,
    /// `mean` or `worst` over scenarios
    pub robust: Robust,
}

impl Default for Objective {
    fn default() -> Self {
        Objective {
            itae: 1.0,
            iae: 0.0,
            ise: 0.0,
            overshoot: 0.0,
            settling_time: 0.0,
            control_energy: 0.0,
            total_variation: 0.0,
            late_oscillation: 0.0,
            roughness: 0.0,
            monotonicity: 0.0,
            overshoot_limit_percent: f64::INFINITY,
            saturation_limit: 1.0,
            penalty: 10.0,
            robust: Robust::Mean,
        }
    }
}

/// Search algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// real-coded genetic algorithm
    Ga,
    /// particle swarm (argmin)
    Pso,
    /// CMA-ES with IPOP restarts, starting from the best seed (see [`crate::cmaes`])
    #[serde(rename = "cmaes")]
    CmaEs,
}

/// The default share of the budget given to the final polish: measured on the benchmark
/// plants (README, "Benchmark"), the GA's exploration finds the rule tables and a local CMA-ES
/// then refines the gains and constants together.
pub const DEFAULT_POLISH: f64 = 0.25;

/// `[optimizer]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerSettings {
    /// `ga`, `pso` or `cmaes`
    pub algorithm: Algorithm,
    /// individuals or particles
    pub population: usize,
    /// generations or iterations
    pub iterations: u64,
    /// worker threads for fitness evaluation (0 = all cores)
    pub threads: usize,
    /// also tune a PID with the same algorithm and budget (the fair baseline)
    pub tune_pid: bool,
    /// Fraction of the iterations spent on a final local polish of the best genome by
    /// CMA-ES (see [`crate::cmaes::CmaEs::local`]); the algorithm gets the rest. 0 = none.
    /// Not applied when the algorithm is CMA-ES itself.
    pub polish: f64,
    /// Stop a candidate's runs once its cost can no longer beat the median of the previous
    /// generation (see [`crate::objective`]): about a fifth less wall time for the same
    /// iterations, but the stopped candidates are ranked by a bound, and on the benchmark the
    /// same budget then ends slightly worse, so it is off by default.
    pub early_stop: bool,
}

impl Default for OptimizerSettings {
    fn default() -> Self {
        OptimizerSettings {
            algorithm: Algorithm::Ga,
            population: 40,
            iterations: 50,
            threads: 0,
            tune_pid: true,
            polish: DEFAULT_POLISH,
            early_stop: false,
        }
    }
}

/// `[plant]` is an internally tagged table (`type` picks the plant), and TOML's error for a
/// field inside it points at the `[plant]` header. This finds the field: the one whose removal
/// changes the error (an unknown or mistyped field, a malformed required one), and returns the
/// message with that field's line and column. `None` when the error is not inside `[plant]`
/// or no single field explains it.
fn plant_field_error(text: &str, error: &toml::de::Error) -> Option<String> {
    let document: toml::Table = text.parse().ok()?;
    let plant = document.get("plant")?.as_table()?;
    let header = text.lines().position(|l| l.trim() == "[plant]")?;
    let header_start: usize = text.lines().take(header).map(|l| l.len() + 1).sum();
    let span = error.span()?;
    if !(header_start..header_start + "[plant]".len() + 1).contains(&span.start) {
        return None;
    }
    let outcome = |table: &toml::Table| -> Option<String> {
        sim::plant::PlantSpec::deserialize(toml::Value::Table(table.clone()))
            .err()
            .map(|e| e.message().to_string())
    };
    let whole = outcome(plant)?;
    let key = plant.keys().filter(|k| *k != "type").find(|k| {
        let mut without = plant.clone();
        without.remove(*k);
        outcome(&without) != Some(whole.clone())
    })?;
    // The key's line inside the [plant] section, and where its value starts.
    let (offset, line) = text
        .lines()
        .enumerate()
        .skip(header + 1)
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })?;
    let column = line.find('=').map_or(1, |eq| {
        eq + 2 + line[eq + 1..].len() - line[eq + 1..].trim_start().len()
    });
    Some(format!(
        "line {}, column {column}: [plant] {key}: {whole}",
        offset + 1
    ))
}

fn check(ok: bool, file: &str, field: &str, allowed: &str) -> Result<(), JobError> {
    if ok {
        Ok(())
    } else {
        Err(JobError {
            file: file.to_string(),
            message: format!("{field} must be {allowed}"),
        })
    }
}

fn check_bounds(bounds: Option<Bounds>, file: &str, field: &str) -> Result<(), JobError> {
    match bounds {
        None => Ok(()),
        Some([lo, hi]) => check(
            lo.is_finite() && hi.is_finite() && lo > 0.0 && lo < hi,
            file,
            field,
            "[low, high] with 0 < low < high (searched on a log scale)",
        ),
    }
}

impl Job {
    /// Parses a job from TOML text; `file` names it in errors (TOML errors carry line and
    /// column).
    pub fn parse(text: &str, file: &str) -> Result<Job, JobError> {
        let mut job: Job = toml::from_str(text).map_err(|e| JobError {
            file: file.to_string(),
            message: fuzzy_files::plain_type_names(
                &plant_field_error(text, &e).unwrap_or_else(|| e.to_string().trim_end().to_string()),
            ),
        })?;
        if let Some(engine) = &job.controller.engine {
            let path = Path::new(file).parent().unwrap_or(Path::new("")).join(engine);
            let spec = crate::commands::load_file_noting(&path, None).map_err(|e| JobError {
                file: file.to_string(),
                message: format!("[controller] engine: {e}"),
            })?;
            job.controller.engine_spec = Some(spec);
        }
        job.validate(file)?;
        Ok(job)
    }

    /// Reads and parses a job file.
    pub fn load(path: &Path) -> Result<Job, JobError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| JobError {
            file: file.clone(),
            message: format!("cannot read: {e}"),
        })?;
        Job::parse(&text, &file)
    }

    /// Checks every value that parsing alone does not (names section and field).
    pub fn validate(&self, file: &str) -> Result<(), JobError> {
        let err = |message: String| JobError {
            file: file.to_string(),
            message,
        };
        self.plant.validate().map_err(|e| err(format!("[plant] {e}")))?;
        let s = &self.simulation;
        check(
            s.sample_time_s.is_finite() && s.sample_time_s > 0.0,
            file,
            "[simulation] sample_time_s",
            "a number > 0",
        )?;
        check(
            s.horizon_s.is_finite()
                && s.horizon_s >= 10.0 * s.sample_time_s
                && s.horizon_s / s.sample_time_s <= 1e8,
            file,
            "[simulation] horizon_s",
            "at least 10 and at most 1e8 sample times",
        )?;
        // The actuator is [simulation]'s, shared by every scenario: its errors name it there.
        let a = &s.actuator;
        check(
            !a.min.is_nan() && !a.max.is_nan() && a.min < a.max,
            file,
            "[simulation] actuator",
            "{ min, max } with min < max (absent = unlimited)",
        )?;
        check(
            !a.rate_limit.is_nan() && a.rate_limit > 0.0,
            file,
            "[simulation] actuator.rate_limit",
            "> 0 (absent = no limit)",
        )?;
        self.plant
            .check_delay(s.sample_time_s)
            .map_err(|e| err(format!("[plant] {e}")))?;
        check(
            (1..=1000).contains(&s.substeps),
            file,
            "[simulation] substeps",
            "1 to 1000",
        )?;
        check(
            !self.scenarios.is_empty(),
            file,
            "[[scenario]]",
            "given at least once",
        )?;
        for (i, scenario) in self.scenarios.iter().enumerate() {
            let label = if scenario.name.is_empty() {
                format!("[[scenario]] number {}", i + 1)
            } else {
                format!("[[scenario]] number {} ('{}')", i + 1, scenario.name)
            };
            scenario
                .scenario(s)
                .validate()
                .map_err(|e| err(format!("{label}: {} {}", e.field, e.message)))?;
            for f in &scenario.plant_gain_factors {
                check(
                    f.is_finite() && *f > 0.0,
                    file,
                    &format!("[[scenario]] number {}: plant_gain_factors", i + 1),
                    "numbers > 0",
                )?;
            }
        }
        let c = &self.controller;
        check(
            !(c.structure == fuzzy_core::Structure::GainScheduled && self.tune.rules == RuleTuning::Additive),
            file,
            "[tune] rules",
            "\"free\" or \"fixed\" for structure = \"gain_scheduled\" (its gain tables are not control surfaces)",
        )?;
        check(
            !(c.structure == fuzzy_core::Structure::GainScheduled && c.engine.is_some()),
            file,
            "[controller] engine",
            "absent for structure = \"gain_scheduled\" (its 3-output engine is the template's)",
        )?;
        match &c.engine_spec {
            None => check(
                c.terms % 2 == 1 && (3..=9).contains(&c.terms),
                file,
                "[controller] terms",
                "odd, 3 to 9",
            )?,
            Some(spec) => {
                check(
                    spec.inputs.len() == 2 && spec.outputs.len() == 1,
                    file,
                    "[controller] engine",
                    "a controller with 2 inputs (scaled error, scaled rate) and 1 output",
                )?;
                check(
                    !self.tune.membership,
                    file,
                    "[tune] membership",
                    "false with [controller] engine (membership tuning moves the template's triangles)",
                )?;
                let constants = spec.outputs[0]
                    .terms
                    .iter()
                    .all(|t| matches!(t.shape, fuzzy_core::Shape::Constant(_)));
                check(
                    !(self.tune.rules.tuned()
                        && matches!(spec.inference, fuzzy_core::Inference::Sugeno)
                        && !constants),
                    file,
                    "[tune] rules",
                    "false for a Sugeno engine with linear output terms (only constants are tuned)",
                )?;
            }
        }
        for (field, value) in [
            ("error_gain", c.error_gain),
            ("rate_gain", c.rate_gain),
            ("output_gain", c.output_gain),
        ] {
            check(
                value.is_finite() && value > 0.0,
                file,
                &format!("[controller] {field}"),
                "a number > 0",
            )?;
        }
        for (field, value) in [
            ("integral_gain", c.integral_gain),
            ("derivative_gain", c.derivative_gain),
        ] {
            check(
                value.is_finite() && value >= 0.0,
                file,
                &format!("[controller] {field}"),
                "a number >= 0",
            )?;
        }
        check(
            c.derivative_filter_s.is_finite() && c.derivative_filter_s >= 0.0,
            file,
            "[controller] derivative_filter_s",
            "a number >= 0",
        )?;
        let t = &self.tune;
        check_bounds(t.error_gain, file, "[tune] error_gain")?;
        check_bounds(t.rate_gain, file, "[tune] rate_gain")?;
        check_bounds(t.output_gain, file, "[tune] output_gain")?;
        check_bounds(t.integral_gain, file, "[tune] integral_gain")?;
        check_bounds(t.derivative_gain, file, "[tune] derivative_gain")?;
        check_bounds(t.derivative_filter_s, file, "[tune] derivative_filter_s")?;
        let o = &self.objective;
        for (field, value) in [
            ("itae", o.itae),
            ("iae", o.iae),
            ("ise", o.ise),
            ("overshoot", o.overshoot),
            ("settling_time", o.settling_time),
            ("control_energy", o.control_energy),
            ("total_variation", o.total_variation),
            ("late_oscillation", o.late_oscillation),
            ("roughness", o.roughness),
            ("monotonicity", o.monotonicity),
            ("penalty", o.penalty),
        ] {
            check(
                value.is_finite() && value >= 0.0,
                file,
                &format!("[objective] {field}"),
                "a number >= 0",
            )?;
        }
        check(
            o.overshoot_limit_percent >= 0.0,
            file,
            "[objective] overshoot_limit_percent",
            ">= 0",
        )?;
        check(
            (0.0..=1.0).contains(&o.saturation_limit),
            file,
            "[objective] saturation_limit",
            "between 0 and 1",
        )?;
        let p = &self.optimizer;
        check(
            (4..=10_000).contains(&p.population),
            file,
            "[optimizer] population",
            "4 to 10000",
        )?;
        check(
            (1..=100_000).contains(&p.iterations),
            file,
            "[optimizer] iterations",
            "1 to 100000",
        )?;
        check(
            (0.0..=0.9).contains(&p.polish),
            file,
            "[optimizer] polish",
            "a fraction of the iterations from 0 (no polish) to 0.9",
        )?;
        check(
            p.threads <= 1024,
            file,
            "[optimizer] threads",
            "0 (all cores) to 1024",
        )?;
        Ok(())
    }
}
