//! A tuning run: the search (GA or PSO through argmin's `Executor`), the baselines, and the
//! comparison of initial, tuned and PID controllers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use argmin::core::checkpointing::{Checkpoint, CheckpointingFrequency};
use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{Error, Executor, KV, PopulationState, State};
use argmin::solver::particleswarm::{Particle, ParticleSwarm};
use fuzzy_core::OwnedController;
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sim::baseline::{process_models, simc};
use sim::control::{Pid, PidConfig};

use crate::cmaes::CmaEs;
use crate::encoding::Encoding;
use crate::ga::{GeneticAlgorithm, Individual};
use crate::job::{Algorithm, Job};
use crate::objective::{
    FuzzyProblem, GenomeCost, ParallelCost, PidProblem, Run, combine, decode_pid, evaluate_fuzzy, fuzzy_cost,
    run_all,
};
use fuzzy_files::TunedController;

/// One point of the convergence history.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// iteration (0 = initial population)
    pub iteration: u64,
    /// best cost so far
    pub best_cost: f64,
    /// cost evaluations so far
    pub evaluations: u64,
    /// seconds since the start of the search
    pub elapsed_s: f64,
}

/// Options that are not part of the job.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// no progress bar
    pub quiet: bool,
    /// override the job's thread count (0 = all cores)
    pub threads: Option<usize>,
    /// save the searches' state to resume an interrupted run
    pub checkpoint: Option<Checkpointing>,
}

/// Where and how often a run saves its searches' state.
#[derive(Clone, Debug)]
pub struct Checkpointing {
    /// folder of the checkpoint files (`fuzzy.cbor`, `pid.cbor`)
    pub dir: PathBuf,
    /// save every this many iterations (at least 1)
    pub every: u64,
    /// continue from the files found there; otherwise they are removed first
    pub resume: bool,
}

/// A saved search: what it searches ([`fingerprint`]), solver, state and the history so far
/// (CBOR, written atomically).
#[derive(Serialize)]
struct SnapshotRef<'a, S, I> {
    search: &'a serde_json::Value,
    threshold: f64,
    solver: &'a S,
    state: &'a I,
    history: &'a [Progress],
}

#[derive(Deserialize)]
struct Snapshot<S, I> {
    search: serde_json::Value,
    threshold: f64,
    solver: S,
    state: I,
    history: Vec<Progress>,
}

/// argmin checkpoint to one file, sharing the recorder's history.
struct FileCheckpoint {
    path: PathBuf,
    every: u64,
    history: Arc<Mutex<Vec<Progress>>>,
    /// evaluations made before a resume (the resumed problem counts from 0 again)
    evaluations_before: Arc<AtomicU64>,
    /// what this run searches; a snapshot of another search is refused
    search: serde_json::Value,
    /// the cost function's early-stopping threshold (`f64` bits), saved and restored
    threshold: Arc<AtomicU64>,
}

/// What decides a search's course: the job with the command line's overrides (seed,
/// iterations), its engine file's contents and which search (fuzzy, PID, polish). The thread
/// count is left out: it does not change the result.
fn fingerprint(job: &Job, what: &str) -> serde_json::Value {
    let mut job_value = serde_json::to_value(job).unwrap_or(serde_json::Value::Null);
    if let Some(optimizer) = job_value.get_mut("optimizer").and_then(|o| o.as_object_mut()) {
        optimizer.remove("threads");
    }
    let engine = job
        .controller
        .engine_spec
        .as_ref()
        .and_then(|spec| serde_json::to_value(spec).ok());
    serde_json::json!({ "search": what, "job": job_value, "engine": engine })
}

/// The first place where two fingerprints differ, as `path: saved → now`.
fn first_difference(saved: &serde_json::Value, now: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match (saved, now) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                first_difference(
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                    &here,
                )
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        _ if saved == now => None,
        _ => {
            let short = |v: &Value| {
                let text = v.to_string();
                if text.chars().count() > 60 {
                    format!("{}…", text.chars().take(60).collect::<String>())
                } else {
                    text
                }
            };
            Some(format!(
                "{path}: {} in the checkpoint, {} now",
                short(saved),
                short(now)
            ))
        }
    }
}

impl<S: Serialize + DeserializeOwned, I: Serialize + DeserializeOwned> Checkpoint<S, I> for FileCheckpoint {
    fn save(&self, solver: &S, state: &I) -> Result<(), Error> {
        let history = self.history.lock().map(|h| h.clone()).unwrap_or_default();
        let mut bytes = Vec::new();
        ciborium::into_writer(
            &SnapshotRef {
                search: &self.search,
                threshold: f64::from_bits(self.threshold.load(Ordering::Relaxed)),
                solver,
                state,
                history: &history,
            },
            &mut bytes,
        )
        .map_err(|e| Error::msg(format!("{}: {e}", self.path.display())))?;
        sim::files::write_atomically(&self.path, &bytes)?;
        Ok(())
    }

    fn load(&self) -> Result<Option<(S, I)>, Error> {
        if !self.path.exists() {
            return Ok(None);
        }
        let bytes =
            std::fs::read(&self.path).map_err(|e| Error::msg(format!("{}: {e}", self.path.display())))?;
        let snapshot: Snapshot<S, I> = ciborium::from_reader(bytes.as_slice()).map_err(|e| {
            Error::new(CheckpointError(format!(
                "{}: not a checkpoint of this job's search ({e}); delete it or run without --resume",
                self.path.display()
            )))
        })?;
        if let Some(difference) = first_difference(&snapshot.search, &self.search, "") {
            return Err(Error::new(CheckpointError(format!(
                "{}: the checkpoint is of another search than this run's ({difference}); resume \
                 with the same job file and options, or run without --resume to start afresh",
                self.path.display()
            ))));
        }
        self.threshold
            .store(snapshot.threshold.to_bits(), Ordering::Relaxed);
        let before = snapshot.history.last().map_or(0, |p| p.evaluations);
        self.evaluations_before.store(before, Ordering::Relaxed);
        if let Ok(mut history) = self.history.lock() {
            *history = snapshot.history;
        }
        Ok(Some((snapshot.solver, snapshot.state)))
    }

    fn frequency(&self) -> CheckpointingFrequency {
        CheckpointingFrequency::Every(self.every.max(1))
    }
}

/// Records the history and drives the progress bar.
struct Recorder {
    history: Arc<Mutex<Vec<Progress>>>,
    evaluations_before: Arc<AtomicU64>,
    bar: Option<ProgressBar>,
    start: Instant,
    /// iterations of an earlier phase of the same search (the polish continues the count)
    iteration_offset: u64,
}

impl<P: Clone> Observe<PopulationState<P, f64>> for Recorder {
    fn observe_init(&mut self, _name: &str, state: &PopulationState<P, f64>, _kv: &KV) -> Result<(), Error> {
        self.record(state, 0);
        Ok(())
    }

    fn observe_iter(&mut self, state: &PopulationState<P, f64>, _kv: &KV) -> Result<(), Error> {
        // argmin calls the observers before it increments the iteration counter.
        self.record(state, 1);
        Ok(())
    }
}

impl Recorder {
    fn record<P: Clone>(&mut self, state: &PopulationState<P, f64>, offset: u64) {
        let evaluations = state.get_func_counts().get("cost_count").copied().unwrap_or(0)
            + self.evaluations_before.load(Ordering::Relaxed);
        // Seconds since this process started the search (a resumed run starts again at 0).
        let elapsed_s = self.start.elapsed().as_secs_f64();
        let point = Progress {
            iteration: state.get_iter() + offset + self.iteration_offset,
            best_cost: state.get_best_cost().min(state.get_cost()),
            evaluations,
            elapsed_s,
        };
        if let Ok(mut history) = self.history.lock() {
            history.push(point);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(point.iteration);
            bar.set_message(format!(
                "best cost {:.6}  {:.0} evals/s",
                point.best_cost,
                evaluations as f64 / elapsed_s.max(1e-9)
            ));
        }
    }
}

fn progress_bar(quiet: bool, iterations: u64, what: &str) -> Option<ProgressBar> {
    if quiet {
        return None;
    }
    let bar = ProgressBar::new(iterations);
    let style = ProgressStyle::with_template(&format!(
        "{what:>12} [{{bar:30}}] {{pos}}/{{len}} {{msg}} (ETA {{eta}})"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    Some(bar)
}

/// Minimises `problem` over the box with the job's algorithm and budget; returns the best
/// genome and the convergence history.
/// The box a search runs in.
/// Step size of the final polish, as a fraction of each gene's range.
const POLISH_SIGMA: f64 = 0.02;
/// Mixed into the job's seed for the polish's random stream (a stream of its own).
const POLISH_SEED: u64 = 0x706f_6c69_7368;

struct SearchSpace {
    bounds: (Vec<f64>, Vec<f64>),
    integer: Vec<bool>,
    /// genomes put into the first generation (GA) or evaluated first (CMA-ES: it starts at
    /// the best of them)
    seeds: Vec<Vec<f64>>,
}

fn search<C>(
    problem: ParallelCost<C>,
    job: &Job,
    space: SearchSpace,
    seed: u64,
    options: &RunOptions,
    what: &str,
) -> Result<(Vec<f64>, Vec<Progress>), Error>
where
    C: GenomeCost + Clone + Send + Sync + 'static,
{
    let SearchSpace {
        bounds,
        integer,
        seeds,
    } = space;
    let settings = &job.optimizer;
    let history = Arc::new(Mutex::new(Vec::new()));
    let bar = progress_bar(options.quiet, settings.iterations, what);
    let evaluations_before = Arc::new(AtomicU64::new(0));
    let recorder = Recorder {
        history: Arc::clone(&history),
        evaluations_before: Arc::clone(&evaluations_before),
        bar: bar.clone(),
        start: Instant::now(),
        iteration_offset: 0,
    };
    let checkpoint = match &options.checkpoint {
        Some(c) => {
            std::fs::create_dir_all(&c.dir).map_err(|e| Error::msg(format!("{}: {e}", c.dir.display())))?;
            let path = c.dir.join(format!("{}.cbor", what.to_lowercase()));
            // A fresh run starts without the earlier run's snapshots (the search's and the
            // polish's, see below).
            for stale in [&path, &path.with_extension("polish.cbor")] {
                if !c.resume && stale.exists() {
                    std::fs::remove_file(stale)
                        .map_err(|e| Error::msg(format!("{}: {e}", stale.display())))?;
                }
            }
            Some(FileCheckpoint {
                path,
                every: c.every,
                history: Arc::clone(&history),
                evaluations_before: Arc::clone(&evaluations_before),
                search: fingerprint(job, what),
                threshold: problem.threshold(),
            })
        }
        None => None,
    };
    // The polish's share of the iterations (none for CMA-ES itself, and at least one
    // iteration left to the algorithm).
    let polish = match settings.algorithm {
        Algorithm::CmaEs => 0,
        _ => ((settings.iterations as f64 * settings.polish).round() as u64).min(settings.iterations - 1),
    };
    let main_iterations = settings.iterations - polish;
    let polish_phase = (polish > 0).then(|| {
        // One counter for the recorder and the checkpoint, as in the main phase: a resumed
        // polish restores it from its snapshot and the recorder counts on from there.
        let evaluations_before = Arc::new(AtomicU64::new(0));
        (
            problem.clone(),
            bounds.clone(),
            Arc::clone(&evaluations_before),
            Recorder {
                history: Arc::clone(&history),
                evaluations_before: Arc::clone(&evaluations_before),
                bar: bar.clone(),
                start: Instant::now(),
                iteration_offset: main_iterations,
            },
            checkpoint.as_ref().map(|c| FileCheckpoint {
                path: c.path.with_extension("polish.cbor"),
                every: c.every,
                history: Arc::clone(&history),
                evaluations_before,
                search: fingerprint(job, &format!("{what} polish")),
                threshold: problem.threshold(),
            }),
        )
    });
    let best = match settings.algorithm {
        Algorithm::Ga => {
            let solver = GeneticAlgorithm::new(bounds.0, bounds.1, integer, settings.population, seed)
                .map_err(|e| Error::msg(e.to_string()))?
                .with_seeds(seeds);
            execute(problem, solver, main_iterations, recorder, checkpoint)?
                .map(|best: Individual| best.genes)
                .unwrap_or_default()
        }
        Algorithm::CmaEs => {
            let solver = CmaEs::new(bounds.0, bounds.1, settings.population, seed)
                .map_err(|e| Error::msg(e.to_string()))?
                .with_seeds(seeds);
            execute(problem, solver, main_iterations, recorder, checkpoint)?
                .map(|best: Individual| best.genes)
                .unwrap_or_default()
        }
        Algorithm::Pso => {
            // The starts fly in the first swarm, as they sit in the GA's first generation.
            let swarm = first_swarm(&problem, &bounds, seeds, settings.population, seed)?;
            // (Evaluated outside argmin's counter; a resume restores the count from its
            // snapshot instead.)
            evaluations_before.fetch_add(swarm.len() as u64, Ordering::Relaxed);
            let solver = ParticleSwarm::new(bounds, settings.population)
                .with_rng_generator(Xoshiro256PlusPlus::seed_from_u64(seed));
            execute_from(
                problem,
                solver,
                main_iterations,
                recorder,
                checkpoint,
                Some(swarm),
            )?
            .map(|best| best.position)
            .unwrap_or_default()
        }
    };
    // The polish: a local CMA-ES from the best genome, continuing the history and the
    // evaluation count.
    let best = match polish_phase {
        Some((problem, bounds, evaluations_before, recorder, checkpoint)) if !best.is_empty() => {
            let spent = history
                .lock()
                .ok()
                .and_then(|h| h.last().map(|p| p.evaluations))
                .unwrap_or(0);
            evaluations_before.store(spent, Ordering::Relaxed);
            let solver = CmaEs::new(bounds.0, bounds.1, settings.population, seed ^ POLISH_SEED)
                .map_err(|e| Error::msg(e.to_string()))?
                .local(POLISH_SIGMA)
                .with_seeds(vec![best.clone()]);
            execute(problem, solver, polish, recorder, checkpoint)?
                .map(|b: Individual| b.genes)
                .unwrap_or(best)
        }
        _ => best,
    };
    if let Some(bar) = bar {
        bar.finish();
    }
    let history = history.lock().map(|h| h.clone()).unwrap_or_default();
    Ok((best, history))
}

/// Runs `solver` on `problem` through argmin's executor for `iterations` iterations with the
/// recorder (and the checkpoint, if any); returns the best individual.
fn execute<O, S, P>(
    problem: O,
    solver: S,
    iterations: u64,
    recorder: Recorder,
    checkpoint: Option<FileCheckpoint>,
) -> Result<Option<P>, Error>
where
    S: argmin::core::Solver<O, PopulationState<P, f64>> + Serialize + DeserializeOwned + 'static,
    P: Clone + Serialize + DeserializeOwned + 'static,
{
    execute_from(problem, solver, iterations, recorder, checkpoint, None)
}

/// The seeded xoshiro256++ stream of the first swarm's random particles (a stream of its own,
/// next to the swarm's).
const SWARM_SEED: u64 = 0x0073_7761_726d;

/// PSO's first swarm: the starts (as many as fit), then particles drawn uniformly in the box,
/// velocities uniform in ±(box width) as argmin draws them; costs in one parallel batch.
fn first_swarm<C>(
    problem: &ParallelCost<C>,
    bounds: &(Vec<f64>, Vec<f64>),
    seeds: Vec<Vec<f64>>,
    population: usize,
    seed: u64,
) -> Result<Vec<Particle<Vec<f64>, f64>>, Error>
where
    C: GenomeCost,
{
    use argmin::core::CostFunction;
    use rand::Rng;
    let (low, high) = bounds;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ SWARM_SEED);
    let mut uniform = |from: &dyn Fn(f64, f64, f64) -> f64| -> Vec<f64> {
        low.iter()
            .zip(high)
            .map(|(l, h)| from(*l, *h, rng.random::<f64>()))
            .collect()
    };
    let mut positions: Vec<Vec<f64>> = seeds
        .into_iter()
        .filter(|s| s.len() == low.len())
        .take(population)
        .collect();
    while positions.len() < population {
        positions.push(uniform(&|l, h, u| l + (h - l) * u));
    }
    let velocities: Vec<Vec<f64>> = (0..population)
        .map(|_| uniform(&|l, h, u| (h - l) * (2.0 * u - 1.0)))
        .collect();
    let costs = problem.bulk_cost(&positions)?;
    Ok(positions
        .into_iter()
        .zip(velocities)
        .zip(costs)
        .map(|((position, velocity), cost)| Particle::new(position, cost, velocity))
        .collect())
}

/// [`execute`] from a given first population (a resumed run takes the checkpoint's instead).
fn execute_from<O, S, P>(
    problem: O,
    solver: S,
    iterations: u64,
    recorder: Recorder,
    checkpoint: Option<FileCheckpoint>,
    population: Option<Vec<P>>,
) -> Result<Option<P>, Error>
where
    S: argmin::core::Solver<O, PopulationState<P, f64>> + Serialize + DeserializeOwned + 'static,
    P: Clone + Serialize + DeserializeOwned + 'static,
{
    let mut executor = Executor::new(problem, solver)
        .configure(|state| {
            let state = state.max_iters(iterations).counting(true);
            match population {
                Some(population) => state.population(population),
                None => state,
            }
        })
        .add_observer(recorder, ObserverMode::Always)
        .timer(false);
    if let Some(checkpoint) = checkpoint {
        executor = executor.checkpointing(checkpoint);
    }
    let result = executor.run()?;
    Ok(result.state().get_best_param().cloned())
}

/// One controller compared in the final table.
#[derive(Clone, Debug)]
pub struct Contender {
    /// label (`initial fuzzy`, `tuned fuzzy`, `PID (SIMC)`, `PID (tuned)`)
    pub label: String,
    /// its runs through the job's scenarios
    pub runs: Vec<Run>,
    /// combined cost
    pub cost: f64,
    /// PID gains, for PID contenders
    pub pid: Option<PidConfig>,
}

/// Everything a tuning run produced.
pub struct Outcome {
    /// the job
    pub job: Job,
    /// the template's controller
    pub initial: TunedController,
    /// the tuned controller
    pub tuned: TunedController,
    /// compiled tuned controller
    pub tuned_compiled: OwnedController,
    /// compiled initial controller
    pub initial_compiled: OwnedController,
    /// initial fuzzy, PID-equivalent fuzzy (when there is a PID to start from), tuned fuzzy,
    /// then the PIDs that could be made
    pub contenders: Vec<Contender>,
    /// convergence of the fuzzy search
    pub history: Vec<Progress>,
    /// convergence of the PID search
    pub pid_history: Vec<Progress>,
    /// why the SIMC baseline is missing, if it is
    pub simc_note: Option<String>,
    /// how the search started (the PID-equivalent start, widened bounds), for the report
    pub notes: Vec<String>,
    /// wall time of the whole run, s
    pub elapsed_s: f64,
}

/// Errors of a tuning run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The optimizer failed.
    #[error("optimizer: {0}")]
    Optimizer(String),
    /// `--resume` found a checkpoint it cannot continue (unreadable, or of another search).
    #[error("{0}")]
    Checkpoint(String),
    /// The initial or tuned controller could not be built or simulated.
    #[error("{0}")]
    Controller(String),
}

/// A checkpoint that cannot be resumed (a user's mistake, not the optimizer's).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct CheckpointError(String);

impl From<Error> for RunError {
    fn from(error: Error) -> RunError {
        match error.downcast_ref::<CheckpointError>() {
            Some(CheckpointError(message)) => RunError::Checkpoint(message.clone()),
            None => RunError::Optimizer(error.to_string()),
        }
    }
}

fn fuzzy_contender(
    job: &Job,
    label: &str,
    tuned: &TunedController,
) -> Result<(OwnedController, Contender), RunError> {
    let (owned, runs) = evaluate_fuzzy(job, tuned).map_err(|cause| {
        RunError::Controller(format!(
            "the {label} controller cannot be built or simulated: {cause}"
        ))
    })?;
    let cost = fuzzy_cost(job, &owned, &runs);
    Ok((
        owned,
        Contender {
            label: label.to_string(),
            runs,
            cost,
            pid: None,
        },
    ))
}

fn pid_contender(job: &Job, label: &str, config: PidConfig) -> Option<Contender> {
    let mut pid = Pid::new(config, job.simulation.sample_time_s);
    let runs = run_all(job, &mut pid).ok()?;
    let cost = combine(&runs, job.objective.robust);
    Some(Contender {
        label: label.to_string(),
        runs,
        cost,
        pid: Some(config),
    })
}

/// Runs a whole tuning job.
pub fn tune(job: &Job, options: &RunOptions) -> Result<Outcome, RunError> {
    let start = Instant::now();
    let threads = options.threads.unwrap_or(job.optimizer.threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Optimizer(e.to_string()))?;
    pool.install(|| tune_in_pool(job, options, start))
}

fn tune_in_pool(job: &Job, options: &RunOptions, start: Instant) -> Result<Outcome, RunError> {
    let mut encoding = Encoding::new(job);
    let initial = encoding.decode(&encoding.initial());
    let (initial_compiled, initial_contender) = fuzzy_contender(job, "initial fuzzy", &initial)?;
    let mut contenders = vec![initial_contender];

    // The PIDs first: the fuzzy search starts from the best of them.
    let (simc_config, simc_note) = simc_baseline(job);
    let simc_contender = simc_config.and_then(|c| pid_contender(job, "PID (SIMC)", c));
    let (tuned_pid, pid_history) = if job.optimizer.tune_pid {
        let (config, history) = tune_pid(job, options, simc_config)?;
        (pid_contender(job, "PID (tuned)", config), history)
    } else {
        (None, Vec::new())
    };
    let reference = [&tuned_pid, &simc_contender]
        .into_iter()
        .flatten()
        .filter(|c| c.cost < crate::objective::DIVERGED_COST)
        .min_by(|a, b| a.cost.total_cmp(&b.cost));
    let pid_start = reference.and_then(|r| {
        let pid = r.pid?;
        let start = crate::start::pid_equivalent(&mut encoding, job, &pid)?;
        Some((r.label.clone(), start))
    });
    let mut notes = Vec::new();
    let mut seeds = vec![encoding.initial()];
    if let Some((label, start)) = &pid_start {
        let equivalent = encoding.decode(&start.genome);
        let (_, mut contender) = fuzzy_contender(job, "PID-equivalent fuzzy", &equivalent)?;
        contender.label = "PID-equivalent fuzzy".to_string();
        notes.push(format!(
            "The search started from the template's table and from the fuzzy controller equivalent to {label} \
             (surface slopes {:.4}, {:.4}; cost {:.6} against the PID's {:.6}).",
            start.slopes.0,
            start.slopes.1,
            contender.cost,
            reference.map_or(f64::NAN, |r| r.cost)
        ));
        notes.extend(start.notes.iter().cloned());
        contenders.push(contender);
        seeds.push(start.genome.clone());
    }

    let fuzzy_problem = FuzzyProblem {
        job: job.clone(),
        encoding: encoding.clone(),
    };
    let (best, history) = search(
        ParallelCost::for_search(
            FuzzyProblem {
                job: job.clone(),
                encoding: encoding.clone(),
            },
            job.optimizer.early_stop,
        ),
        job,
        SearchSpace {
            bounds: encoding.bounds(),
            integer: encoding.integer_mask(),
            seeds: seeds.clone(),
        },
        job.seed,
        options,
        "fuzzy",
    )?;
    // The best of the search and its starts, compared here for every algorithm (each has them
    // in its first generation; this keeps the promise whatever an algorithm does with them).
    let mut best = (fuzzy_problem.genome_cost(&best), best);
    for seed in seeds {
        let cost = fuzzy_problem.genome_cost(&seed);
        if cost < best.0 {
            best = (cost, seed);
        }
    }
    let tuned = encoding.decode(&best.1);
    let (tuned_compiled, tuned_contender) = fuzzy_contender(job, "tuned fuzzy", &tuned)?;
    contenders.push(tuned_contender);
    contenders.extend(simc_contender);
    contenders.extend(tuned_pid);
    // Every controller diverged in some scenario: the table then compares failures.
    let diverged = |c: &Contender| c.runs.iter().any(|r| r.metrics.diverged);
    if contenders.iter().all(diverged) {
        notes.push(ALL_DIVERGED.to_string());
    }
    Ok(Outcome {
        job: job.clone(),
        initial,
        tuned,
        tuned_compiled,
        initial_compiled,
        contenders,
        history,
        pid_history,
        simc_note,
        notes,
        elapsed_s: start.elapsed().as_secs_f64(),
    })
}

/// The note (and the command line's warning) when every controller diverged somewhere.
pub const ALL_DIVERGED: &str = "Warning: every controller diverged in at least one scenario (see the \
     \"diverged\" column); the comparison is between failures. Check the plant, the actuator limits \
     and the gain bounds.";

/// The SIMC PID of the job's plant (from its identified second-order model), or why there is
/// none.
fn simc_baseline(job: &Job) -> (Option<PidConfig>, Option<String>) {
    let ts = job.simulation.sample_time_s;
    let horizon = job.simulation.horizon_s;
    match process_models(&job.plant, ts, job.simulation.substeps, 0.0, 1.0, 4.0 * horizon) {
        Ok((_, second)) => {
            let mut config = simc(&second, ts);
            config.output_min = job.simulation.actuator.min;
            config.output_max = job.simulation.actuator.max;
            config.derivative_on = job.controller.derivative_on;
            (Some(config), None)
        }
        Err(e) => (None, Some(e.to_string())),
    }
}

/// Tunes the PID baseline with the job's algorithm and budget, starting from SIMC's gains when
/// there are any; returns the best PID and the search's history.
fn tune_pid(
    job: &Job,
    options: &RunOptions,
    simc_config: Option<PidConfig>,
) -> Result<(PidConfig, Vec<Progress>), RunError> {
    // Bounds: 30× around SIMC's gains when there are any, else 1e-3 … 1e3.
    let around = |v: f64| {
        if v > 0.0 && v.is_finite() {
            [v / 30.0, v * 30.0]
        } else {
            [1e-3, 1e3]
        }
    };
    let (kp, ki, kd) = match simc_config {
        Some(c) => (
            around(c.kp),
            around(c.ki),
            around(if c.kd > 0.0 { c.kd } else { c.kp * 0.1 }),
        ),
        None => ([1e-3, 1e3], [1e-3, 1e3], [1e-4, 1e2]),
    };
    // Genes: Kp, Ki, Kd and the derivative filter ratio N (Tf = Td/N), all log10.
    let [n_low, n_high] = crate::objective::PID_FILTER_RATIO;
    let low = vec![kp[0].log10(), ki[0].log10(), kd[0].log10(), n_low.log10()];
    let high = vec![kp[1].log10(), ki[1].log10(), kd[1].log10(), n_high.log10()];
    let seeds = simc_config
        .map(|c| {
            vec![vec![
                c.kp.log10(),
                c.ki.max(ki[0]).log10(),
                c.kd.max(kd[0]).log10(),
                1.0,
            ]]
        })
        .unwrap_or_default();
    let (best, history) = search(
        ParallelCost::for_search(PidProblem { job: job.clone() }, job.optimizer.early_stop),
        job,
        SearchSpace {
            bounds: (low, high),
            integer: vec![false; 4],
            seeds,
        },
        job.seed.wrapping_add(1),
        options,
        "PID",
    )?;
    Ok((decode_pid(&best, job), history))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint(path: &std::path::Path, job: &Job, threshold: f64) -> FileCheckpoint {
        FileCheckpoint {
            path: path.to_path_buf(),
            every: 1,
            history: Arc::new(Mutex::new(vec![Progress {
                iteration: 3,
                best_cost: 1.5,
                evaluations: 42,
                elapsed_s: 0.1,
            }])),
            evaluations_before: Arc::new(AtomicU64::new(0)),
            search: fingerprint(job, "fuzzy"),
            threshold: Arc::new(AtomicU64::new(threshold.to_bits())),
        }
    }

    #[test]
    fn a_checkpoint_restores_the_threshold_and_refuses_another_search() {
        let dir = std::env::temp_dir().join(format!("fuzzyopt-run-checkpoint-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fuzzy.cbor");
        let job = Job::parse(
            include_str!("../../examples/jobs/second-order.toml"),
            "second-order.toml",
        )
        .unwrap();
        let saved = checkpoint(&path, &job, 0.4917);
        Checkpoint::<u32, u64>::save(&saved, &7, &11).unwrap();
        // A new process: threshold unknown (+inf), no history, no evaluations.
        let fresh = checkpoint(&path, &job, f64::INFINITY);
        fresh.history.lock().unwrap().clear();
        let loaded: Option<(u32, u64)> = fresh.load().unwrap();
        assert_eq!(loaded, Some((7, 11)));
        assert_eq!(f64::from_bits(fresh.threshold.load(Ordering::Relaxed)), 0.4917);
        assert_eq!(fresh.evaluations_before.load(Ordering::Relaxed), 42);
        assert_eq!(fresh.history.lock().unwrap().len(), 1);
        // Another job: refused with the difference, as a checkpoint error.
        let mut other = job.clone();
        other.optimizer.population = 61;
        let error = Checkpoint::<u32, u64>::load(&checkpoint(&path, &other, f64::INFINITY)).unwrap_err();
        assert!(matches!(RunError::from(error), RunError::Checkpoint(m)
                if m.contains("job.optimizer.population: 60 in the checkpoint, 61 now")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
