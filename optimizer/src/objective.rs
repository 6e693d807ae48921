//! The cost of a candidate: closed-loop runs from `sim`, metrics, weights and penalties.
//!
//! Per scenario (and per plant gain factor of the scenario):
//!
//! ```text
//! cost = itae·ITAE + iae·IAE + ise·ISE + overshoot·OS% + settling_time·Ts(2 %)
//!      + control_energy·Σu²Ts + total_variation·Σ|Δu|
//!      + late_oscillation·(peak-to-peak of y over the last fifth of the run)
//!      + penalty·max(0, OS% − overshoot_limit_percent)
//!      + penalty·100·max(0, saturated fraction − saturation_limit)
//! ```
//!
//! A fuzzy controller's combined cost also has its surface's shape added once
//! ([`surface_penalty`]): `roughness·(mean |second difference|) + monotonicity·(largest
//! decrease)`, both on a 41 × 41 grid as fractions of the output range
//! ([`crate::surface::quality`]).
//!
//! (a run that never settles counts the horizon as its settling time). A run whose plant
//! diverged costs `1e6·(2 − t_div/horizon)`: large, finite, and smaller the later it diverged,
//! so that the search still has a slope to follow. Scenario costs are combined by their mean
//! or their maximum (`robust`). A candidate that cannot be built costs `1e9`.

use std::borrow::Borrow;

use argmin::core::{CostFunction, Error, SyncAlias};
use fuzzy_core::OwnedController;
use rayon::prelude::*;
use sim::closed_loop::{Scenario, Trajectory, simulate};
use sim::control::{ControlLaw, FuzzyController, Pid, PidConfig};
use sim::metrics::{MetricOptions, Metrics, measure};
use sim::plant::{Plant, PlantError, PlantSpec};

use crate::encoding::Encoding;
use crate::job::{Job, Objective, Robust};
use fuzzy_files::TunedController;

/// Cost of a candidate that cannot be built.
pub const INVALID_COST: f64 = 1e9;
/// Base cost of a diverged run.
pub const DIVERGED_COST: f64 = 1e6;

/// A plant whose input is multiplied by a factor (a gain variation for robust tuning).
pub struct ScaledInput {
    inner: Box<dyn Plant>,
    factor: f64,
}

impl Plant for ScaledInput {
    fn output(&self) -> f64 {
        self.inner.output()
    }
    fn advance(&mut self, u: f64) {
        self.inner.advance(self.factor * u);
    }
    fn reset(&mut self) {
        self.inner.reset();
    }
    fn state(&self) -> Vec<f64> {
        self.inner.state()
    }
    fn set_state(&mut self, state: &[f64]) -> Result<(), PlantError> {
        self.inner.set_state(state)
    }
    fn diverged(&self) -> bool {
        self.inner.diverged()
    }
    fn sample_time_s(&self) -> f64 {
        self.inner.sample_time_s()
    }
}

/// The plant of a job, with its input scaled by `factor` (1 = nominal).
pub fn vary_plant(
    plant: &PlantSpec,
    sample_time_s: f64,
    substeps: u32,
    factor: f64,
) -> Result<Box<dyn Plant>, PlantError> {
    let inner = plant.build(sample_time_s, substeps)?;
    if factor == 1.0 {
        Ok(inner)
    } else {
        Ok(Box::new(ScaledInput { inner, factor }))
    }
}

/// Cost of one run (see the [module docs](self)).
pub fn run_cost(
    metrics: &Metrics,
    trajectory: &Trajectory,
    scenario: &Scenario,
    objective: &Objective,
) -> f64 {
    if let Some(k) = trajectory.diverged_at {
        let fraction = (k as f64 * scenario.sample_time_s / scenario.horizon_s).clamp(0.0, 1.0);
        return DIVERGED_COST * (2.0 - fraction);
    }
    let overshoot = metrics.overshoot_percent.unwrap_or(0.0);
    let settling = metrics.settling_time_s.unwrap_or(scenario.horizon_s);
    let cost = objective.itae * metrics.itae
        + objective.iae * metrics.iae
        + objective.ise * metrics.ise
        + objective.overshoot * overshoot
        + objective.settling_time * settling
        + objective.control_energy * metrics.control_energy
        + objective.total_variation * metrics.total_variation
        + objective.late_oscillation * metrics.late_peak_to_peak
        + objective.penalty * (overshoot - objective.overshoot_limit_percent).max(0.0)
        + objective.penalty * 100.0 * (metrics.saturated_fraction - objective.saturation_limit).max(0.0);
    if cost.is_finite() { cost } else { INVALID_COST }
}

/// One evaluated run of a candidate.
#[derive(Clone, Debug)]
pub struct Run {
    /// scenario label (with the plant factor when varied)
    pub label: String,
    /// the scenario
    pub scenario: Scenario,
    /// what happened
    pub trajectory: Trajectory,
    /// its measures
    pub metrics: Metrics,
    /// its cost
    pub cost: f64,
}

/// Every (scenario, plant factor) pair of a job, labelled.
pub fn experiments(job: &Job) -> Vec<(String, Scenario, f64)> {
    let mut out = Vec::new();
    for (i, spec) in job.scenarios.iter().enumerate() {
        let name = if spec.name.is_empty() {
            format!("scenario {}", i + 1)
        } else {
            spec.name.clone()
        };
        let scenario = spec.scenario(&job.simulation);
        if spec.plant_gain_factors.is_empty() {
            out.push((name, scenario, 1.0));
        } else {
            for f in &spec.plant_gain_factors {
                out.push((format!("{name} (plant gain ×{f})"), scenario.clone(), *f));
            }
        }
    }
    out
}

/// Runs `controller` through every experiment of `job`.
pub fn run_all(job: &Job, controller: &mut dyn ControlLaw) -> Result<Vec<Run>, PlantError> {
    let mut runs = Vec::new();
    for (label, scenario, factor) in experiments(job) {
        let mut plant = vary_plant(
            &job.plant,
            job.simulation.sample_time_s,
            job.simulation.substeps,
            factor,
        )?;
        let trajectory = simulate(plant.as_mut(), controller, &scenario)?;
        let metrics = measure(&trajectory, &scenario, MetricOptions::default());
        let cost = run_cost(&metrics, &trajectory, &scenario, &job.objective);
        runs.push(Run {
            label,
            scenario,
            trajectory,
            metrics,
            cost,
        });
    }
    Ok(runs)
}

/// Mean or worst of the runs' costs.
pub fn combine(runs: &[Run], robust: Robust) -> f64 {
    if runs.is_empty() {
        return INVALID_COST;
    }
    match robust {
        Robust::Mean => runs.iter().map(|r| r.cost).sum::<f64>() / runs.len() as f64,
        Robust::Worst => runs.iter().map(|r| r.cost).fold(0.0, f64::max),
    }
}

/// Compiles a tuned controller and runs it through the job; `None` if it cannot be built.
pub fn evaluate_fuzzy(job: &Job, tuned: &TunedController) -> Option<(OwnedController, Vec<Run>)> {
    let owned = tuned.controller.compile().ok()?;
    let runs = {
        let mut controller = FuzzyController::new(owned.controller(), tuned.wrapper).ok()?;
        run_all(job, &mut controller).ok()?
    };
    Some((owned, runs))
}

/// The costs of a population in parallel, in order. Each genome is its own rayon task
/// (argmin's default hands rayon the slice to split as it likes): candidates differ a lot in
/// cost (a diverging one stops early), so fine-grained stealing keeps both workers busy to
/// the end of a generation.
fn one_task_per_genome<P>(
    genomes: &[P],
    cost: impl Fn(&[f64]) -> Result<f64, Error> + Sync,
) -> Result<Vec<f64>, Error>
where
    P: Borrow<Vec<f64>> + SyncAlias,
{
    genomes
        .par_iter()
        .with_max_len(1)
        .map(|g| cost(g.borrow().as_slice()))
        .collect()
}

/// What a search minimises: the cost of one genome (never fails: a genome that cannot be
/// built or simulated costs [`INVALID_COST`]).
pub trait GenomeCost: Sync {
    /// The cost of `genome`.
    fn genome_cost(&self, genome: &[f64]) -> f64;
}

/// argmin's view of a [`GenomeCost`]: a population's costs in parallel, in order, one rayon
/// task per genome (see `one_task_per_genome`).
#[derive(Clone)]
pub struct ParallelCost<C>(pub C);

impl<C: GenomeCost> CostFunction for ParallelCost<C> {
    type Param = Vec<f64>;
    type Output = f64;

    fn bulk_cost<P>(&self, genomes: &[P]) -> Result<Vec<f64>, Error>
    where
        P: Borrow<Vec<f64>> + SyncAlias,
    {
        one_task_per_genome(genomes, |g| Ok(self.0.genome_cost(g)))
    }

    fn cost(&self, genome: &Self::Param) -> Result<Self::Output, Error> {
        Ok(self.0.genome_cost(genome))
    }
}

/// The fuzzy controller's tuning problem: genome → controller → cost.
#[derive(Clone)]
pub struct FuzzyProblem {
    /// the job
    pub job: Job,
    /// its genome layout
    pub encoding: Encoding,
}

impl GenomeCost for FuzzyProblem {
    fn genome_cost(&self, genome: &[f64]) -> f64 {
        let tuned = self.encoding.decode(genome);
        match evaluate_fuzzy(&self.job, &tuned) {
            Some((owned, runs)) => fuzzy_cost(&self.job, &owned, &runs),
            None => INVALID_COST,
        }
    }
}

/// The combined cost of a fuzzy controller's runs plus its [`surface_penalty`].
pub fn fuzzy_cost(job: &Job, controller: &OwnedController, runs: &[Run]) -> f64 {
    combine(runs, job.objective.robust) + surface_penalty(&job.objective, controller)
}

/// `roughness·roughness + monotonicity·largest decrease` of the controller's surface (see
/// the [module docs](self)); 0 when both weights are 0 (the surface is then not sampled) or
/// the controller has no 2-input surface.
pub fn surface_penalty(objective: &Objective, controller: &OwnedController) -> f64 {
    if objective.roughness == 0.0 && objective.monotonicity == 0.0 {
        return 0.0;
    }
    match crate::surface::quality(controller) {
        Some(q) => objective.roughness * q.roughness + objective.monotonicity * q.max_decrease,
        None => 0.0,
    }
}

/// Range of the PID's filter ratio `N` (`Tf = Td / N`, `Td = Kd / Kp`), `log10` in the genome.
pub const PID_FILTER_RATIO: [f64; 2] = [2.0, 50.0];

/// PID genome: `log10` of `Kp`, `Ki`, `Kd` and of the filter ratio `N` (`Tf = Td/N`, 10 when
/// the gene is absent); output limits and anti-windup (conditional integration) as the job's
/// actuator, derivative on error or measurement as the job's fuzzy controller.
pub fn decode_pid(genome: &[f64], job: &Job) -> PidConfig {
    let value = |i: usize, default: f64| 10f64.powf(genome.get(i).copied().unwrap_or(default));
    let (kp, ki, kd) = (value(0, -3.0), value(1, -3.0), value(2, -3.0));
    let ratio = value(3, 1.0).clamp(PID_FILTER_RATIO[0], PID_FILTER_RATIO[1]);
    PidConfig {
        kp,
        ki,
        kd,
        derivative_filter_s: kd / kp / ratio,
        // The derivative acts on what the fuzzy controller's rate input acts on.
        derivative_on: job.controller.derivative_on,
        output_min: job.simulation.actuator.min,
        output_max: job.simulation.actuator.max,
        ..PidConfig::default()
    }
}

/// The PID baseline's tuning problem: same job, same objective.
#[derive(Clone)]
pub struct PidProblem {
    /// the job
    pub job: Job,
}

impl GenomeCost for PidProblem {
    fn genome_cost(&self, genome: &[f64]) -> f64 {
        let mut pid = Pid::new(decode_pid(genome, &self.job), self.job.simulation.sample_time_s);
        match run_all(&self.job, &mut pid) {
            Ok(runs) => combine(&runs, self.job.objective.robust),
            Err(_) => INVALID_COST,
        }
    }
}
