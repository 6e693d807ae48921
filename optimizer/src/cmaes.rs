//! CMA-ES with IPOP restarts as an argmin [`Solver`].
//!
//! The covariance matrix adaptation evolution strategy follows N. Hansen, "The CMA Evolution
//! Strategy: A Tutorial" (arXiv:1604.00772, 2016): (μ/μ_w, λ) selection with the tutorial's
//! default weights and learning rates, cumulative step-size adaptation, rank-one and rank-μ
//! updates of the covariance. Restarts follow Auger & Hansen, "A restart CMA evolution
//! strategy with increasing population size" (CEC 2005, IPOP): when a run stalls (step size
//! below 1e-10 of the box, no improvement of its best cost over `10 + 30 n / λ` generations,
//! or the covariance ill-conditioned beyond 1e14) it restarts from a uniform random mean with
//! twice the population (at most eight times the larger of the default population and the
//! evaluations per iteration).
//!
//! The search runs in the unit box: gene `i` is `low_i + x_i (high_i − low_i)`. Samples outside
//! `[0, 1]` are reflected back (and the reflected sample is what the update sees), so every
//! evaluated genome is inside the job's bounds. Integer genes are treated as real and
//! decoded by `floor`, as the encoding does for every algorithm.
//!
//! The first run starts at the best of the seed genomes (the job's initial controller and the
//! PID-equivalent start, evaluated first) with step size 0.1 of the box: a local search around
//! the tuned PID, which is where the benchmark plants' good controllers are; the restarts
//! explore. One argmin iteration runs as many generations as fit in `budget` evaluations (the
//! job's population size), so a CMA-ES run spends the same number of evaluations per
//! iteration as the GA and its convergence history, progress bar and checkpoints line up.
//!
//! Deterministic: every random number comes from one seeded xoshiro256++ stream in the solver
//! (serialised with checkpoints), and a generation's costs come back in order from
//! [`Problem::bulk_cost`] whatever the thread count.

use argmin::core::{CostFunction, Error, KV, PopulationState, Problem, Solver, SyncAlias};
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::ga::{Individual, evaluate};

/// Step size of the first run, as a fraction of the box.
const FIRST_SIGMA: f64 = 0.1;
/// Step size of the restarts.
const RESTART_SIGMA: f64 = 0.3;

/// A CMA-ES setting out of range.
#[derive(Debug, thiserror::Error)]
#[error("CMA-ES: {0}")]
pub struct CmaEsError(String);

/// The state of one CMA-ES run (between restarts), in the unit box.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Run {
    lambda: usize,
    mu: usize,
    weights: Vec<f64>,
    mu_eff: f64,
    c_sigma: f64,
    d_sigma: f64,
    c_c: f64,
    c_1: f64,
    c_mu: f64,
    mean: Vec<f64>,
    sigma: f64,
    /// covariance, row-major n × n
    c: Vec<f64>,
    p_sigma: Vec<f64>,
    p_c: Vec<f64>,
    generation: u64,
    best: f64,
    /// generation at which `best` last improved
    improved_at: u64,
}

impl Run {
    fn new(n: usize, lambda: usize, mean: Vec<f64>, sigma: f64) -> Run {
        let nf = n as f64;
        let mu = lambda / 2;
        let raw: Vec<f64> = (0..mu)
            .map(|i| ((lambda as f64 + 1.0) / 2.0).ln() - ((i + 1) as f64).ln())
            .collect();
        let sum: f64 = raw.iter().sum();
        let weights: Vec<f64> = raw.iter().map(|w| w / sum).collect();
        let mu_eff = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        let c_sigma = (mu_eff + 2.0) / (nf + mu_eff + 5.0);
        let d_sigma = 1.0 + 2.0 * (((mu_eff - 1.0) / (nf + 1.0)).sqrt() - 1.0).max(0.0) + c_sigma;
        let c_c = (4.0 + mu_eff / nf) / (nf + 4.0 + 2.0 * mu_eff / nf);
        let c_1 = 2.0 / ((nf + 1.3).powi(2) + mu_eff);
        let c_mu = (1.0 - c_1).min(2.0 * (mu_eff - 2.0 + 1.0 / mu_eff) / ((nf + 2.0).powi(2) + mu_eff));
        let mut c = vec![0.0; n * n];
        for i in 0..n {
            c[i * n + i] = 1.0;
        }
        Run {
            lambda,
            mu,
            weights,
            mu_eff,
            c_sigma,
            d_sigma,
            c_c,
            c_1,
            c_mu,
            mean,
            sigma,
            c,
            p_sigma: vec![0.0; n],
            p_c: vec![0.0; n],
            generation: 0,
            best: f64::INFINITY,
            improved_at: 0,
        }
    }
}

/// CMA-ES with IPOP restarts (see the [module docs](self)).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CmaEs {
    low: Vec<f64>,
    high: Vec<f64>,
    /// evaluations per argmin iteration
    budget: usize,
    seeds: Vec<Vec<f64>>,
    run: Option<Run>,
    restarts: u32,
    rng: Xoshiro256PlusPlus,
    best: Option<Individual>,
    /// step size of the first run (fraction of the box)
    first_sigma: f64,
    /// local restarts: from the best genome so far, same population and first step size
    /// (a polish), instead of IPOP's random mean and doubled population
    local: bool,
}

impl CmaEs {
    /// CMA-ES over the box `[low, high]`, spending about `budget` evaluations per iteration,
    /// seeded by `seed`.
    pub fn new(low: Vec<f64>, high: Vec<f64>, budget: usize, seed: u64) -> Result<CmaEs, CmaEsError> {
        if low.len() != high.len() || low.is_empty() {
            return Err(CmaEsError("bounds need one entry per gene (at least one)".into()));
        }
        if low
            .iter()
            .zip(&high)
            .any(|(l, h)| !(l.is_finite() && h.is_finite() && l < h))
        {
            return Err(CmaEsError(
                "every gene needs finite bounds with low < high".into(),
            ));
        }
        if budget < 4 {
            return Err(CmaEsError(
                "population (evaluations per iteration) must be at least 4".into(),
            ));
        }
        Ok(CmaEs {
            low,
            high,
            budget,
            seeds: Vec::new(),
            run: None,
            restarts: 0,
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            best: None,
            first_sigma: FIRST_SIGMA,
            local: false,
        })
    }

    /// A local search for polishing a result: the first run starts at the best seed with
    /// step size `sigma` (fraction of the box), and a stalled run restarts there again (from
    /// the best genome so far) with the same population and step size.
    pub fn local(mut self, sigma: f64) -> CmaEs {
        self.first_sigma = sigma;
        self.local = true;
        self
    }

    /// Genomes evaluated first; the first run starts at the best of them.
    pub fn with_seeds(mut self, seeds: Vec<Vec<f64>>) -> CmaEs {
        self.seeds = seeds;
        self
    }

    /// Restarts so far.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    fn dim(&self) -> usize {
        self.low.len()
    }

    /// The default population size of the tutorial, `4 + floor(3 ln n)`.
    fn default_lambda(&self) -> usize {
        4 + (3.0 * (self.dim() as f64).ln()).floor() as usize
    }

    fn to_unit(&self, genes: &[f64]) -> Vec<f64> {
        genes
            .iter()
            .enumerate()
            .map(|(i, g)| ((g - self.low[i]) / (self.high[i] - self.low[i])).clamp(0.0, 1.0))
            .collect()
    }

    fn to_genes(&self, x: &[f64]) -> Vec<f64> {
        x.iter()
            .enumerate()
            .map(|(i, v)| self.low[i] + v * (self.high[i] - self.low[i]))
            .collect()
    }

    /// A standard normal number (Box–Muller; one of the pair is used, so the stream's use does
    /// not depend on earlier calls' parity).
    fn normal(&mut self) -> f64 {
        let u1: f64 = 1.0 - self.rng.random::<f64>();
        let u2: f64 = self.rng.random();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    fn note_best(&mut self, candidates: &[Individual]) {
        for c in candidates {
            if self.best.as_ref().is_none_or(|b| c.cost < b.cost) {
                self.best = Some(c.clone());
            }
        }
    }

    /// A new run after a stall: twice the population, a uniform random mean.
    fn restart(&mut self) {
        self.restarts += 1;
        if self.local {
            let mean = self
                .best
                .as_ref()
                .map_or(vec![0.5; self.dim()], |b| self.to_unit(&b.genes));
            self.run = Some(Run::new(
                self.dim(),
                self.default_lambda(),
                mean,
                self.first_sigma,
            ));
            return;
        }
        // Doubling stops at eight times the larger of the default and the per-iteration
        // budget: a landscape that stalls every few generations would otherwise make one
        // generation cost thousands of evaluations.
        let cap = 8 * self.default_lambda().max(self.budget);
        let lambda = self
            .run
            .as_ref()
            .map_or(self.default_lambda(), |r| (2 * r.lambda).min(cap));
        let mean: Vec<f64> = (0..self.dim()).map(|_| self.rng.random::<f64>()).collect();
        self.run = Some(Run::new(self.dim(), lambda, mean, RESTART_SIGMA));
    }

    /// One generation of the current run; returns the evaluated individuals.
    fn generation<O>(&mut self, problem: &mut Problem<O>) -> Result<Vec<Individual>, Error>
    where
        O: CostFunction<Param = Vec<f64>, Output = f64> + SyncAlias,
    {
        let n = self.dim();
        let Some(run) = self.run.clone() else {
            return Ok(Vec::new());
        };
        let c = DMatrix::from_row_slice(n, n, &run.c);
        let eigen = SymmetricEigen::new(c.clone());
        let d: Vec<f64> = eigen.eigenvalues.iter().map(|v| v.max(1e-300).sqrt()).collect();
        let b = eigen.eigenvectors;
        // Samples x = m + σ B D z, reflected into the unit box.
        let mut xs = Vec::with_capacity(run.lambda);
        for _ in 0..run.lambda {
            let z = DVector::from_iterator(n, (0..n).map(|_| self.normal()));
            let dz = DVector::from_iterator(n, z.iter().zip(&d).map(|(z, d)| z * d));
            let y = &b * dz;
            let x: Vec<f64> = (0..n).map(|i| reflect(run.mean[i] + run.sigma * y[i])).collect();
            xs.push(x);
        }
        let genomes: Vec<Vec<f64>> = xs.iter().map(|x| self.to_genes(x)).collect();
        let evaluated = evaluate(problem, genomes)?;
        let mut order: Vec<usize> = (0..run.lambda).collect();
        order.sort_by(|a, b| evaluated[*a].cost.total_cmp(&evaluated[*b].cost));

        let mut next = run.clone();
        let old_mean = DVector::from_column_slice(&run.mean);
        let mut mean = DVector::zeros(n);
        for (w, k) in run.weights.iter().zip(&order) {
            mean += DVector::from_column_slice(&xs[*k]) * *w;
        }
        let step = (&mean - &old_mean) / run.sigma;
        // C^(-1/2) step = B D^-1 B^T step
        let bt_step = b.transpose() * &step;
        let scaled = DVector::from_iterator(n, bt_step.iter().zip(&d).map(|(v, d)| v / d));
        let c_inv_half_step = &b * scaled;
        let p_sigma = DVector::from_column_slice(&run.p_sigma) * (1.0 - run.c_sigma)
            + c_inv_half_step * (run.c_sigma * (2.0 - run.c_sigma) * run.mu_eff).sqrt();
        let nf = n as f64;
        let chi_n = nf.sqrt() * (1.0 - 1.0 / (4.0 * nf) + 1.0 / (21.0 * nf * nf));
        let generation = (run.generation + 1) as f64;
        let ps_norm = p_sigma.norm();
        let h_sigma = ps_norm / (1.0 - (1.0 - run.c_sigma).powf(2.0 * generation)).sqrt()
            < (1.4 + 2.0 / (nf + 1.0)) * chi_n;
        let h = if h_sigma { 1.0 } else { 0.0 };
        let p_c = DVector::from_column_slice(&run.p_c) * (1.0 - run.c_c)
            + &step * (h * (run.c_c * (2.0 - run.c_c) * run.mu_eff).sqrt());
        let mut c_new = c * (1.0 - run.c_1 - run.c_mu + (1.0 - h) * run.c_1 * run.c_c * (2.0 - run.c_c));
        c_new += &p_c * p_c.transpose() * run.c_1;
        for (w, k) in run.weights.iter().zip(&order) {
            let y = (DVector::from_column_slice(&xs[*k]) - &old_mean) / run.sigma;
            c_new += &y * y.transpose() * (run.c_mu * w);
        }
        // Keep it exactly symmetric.
        let c_sym = (&c_new + c_new.transpose()) * 0.5;
        next.sigma = run.sigma * ((run.c_sigma / run.d_sigma) * (ps_norm / chi_n - 1.0)).exp();
        next.mean = mean.iter().copied().collect();
        next.c = c_sym.transpose().iter().copied().collect();
        next.p_sigma = p_sigma.iter().copied().collect();
        next.p_c = p_c.iter().copied().collect();
        next.generation += 1;
        let generation_best = evaluated[order[0]].cost;
        let improved = if next.best.is_finite() {
            generation_best < next.best - 1e-12 * next.best.abs()
        } else {
            generation_best < next.best
        };
        if improved {
            next.best = generation_best;
            next.improved_at = next.generation;
        }
        let stall = 10 + (30.0 * nf / run.lambda as f64).ceil() as u64;
        let max_d = d.iter().cloned().fold(0.0, f64::max);
        let min_d = d.iter().cloned().fold(f64::INFINITY, f64::min);
        let step = next.sigma * max_d;
        let stalled = step.is_nan()
            || step < 1e-10
            || c_sym.iter().any(|v| !v.is_finite())
            || next.generation - next.improved_at > stall
            || (max_d / min_d).powi(2) > 1e14
            || !next.sigma.is_finite();
        self.run = Some(next);
        if stalled {
            self.restart();
        }
        Ok(evaluated)
    }
}

/// `x` reflected into `[0, 1]` (a triangle wave of period 2).
fn reflect(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.5;
    }
    let t = x.rem_euclid(2.0);
    if t > 1.0 { 2.0 - t } else { t }
}

impl<O> Solver<O, PopulationState<Individual, f64>> for CmaEs
where
    O: CostFunction<Param = Vec<f64>, Output = f64> + SyncAlias,
{
    fn name(&self) -> &str {
        "CMA-ES (IPOP)"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: PopulationState<Individual, f64>,
    ) -> Result<(PopulationState<Individual, f64>, Option<KV>), Error> {
        // A resumed run brings its own state (the solver is restored from the checkpoint).
        if self.run.is_none() {
            let seeds: Vec<Vec<f64>> = self
                .seeds
                .iter()
                .map(|s| self.to_genes(&self.to_unit(s)))
                .collect();
            let start = if seeds.is_empty() {
                vec![0.5; self.dim()]
            } else {
                let evaluated = evaluate(problem, seeds)?;
                self.note_best(&evaluated);
                let best = evaluated
                    .iter()
                    .min_by(|a, b| a.cost.total_cmp(&b.cost))
                    .map(|b| b.genes.clone())
                    .unwrap_or_default();
                self.to_unit(&best)
            };
            let lambda = self.default_lambda();
            self.run = Some(Run::new(self.dim(), lambda, start, self.first_sigma));
        }
        let state = match self.best.clone() {
            Some(best) => state
                .individual(best.clone())
                .cost(best.cost)
                .population(vec![best]),
            None => state,
        };
        Ok((state, None))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: PopulationState<Individual, f64>,
    ) -> Result<(PopulationState<Individual, f64>, Option<KV>), Error> {
        let mut spent = 0;
        while spent < self.budget {
            let evaluated = self.generation(problem)?;
            if evaluated.is_empty() {
                break;
            }
            spent += evaluated.len();
            self.note_best(&evaluated);
        }
        let Some(best) = self.best.clone() else {
            return Err(argmin::core::ArgminError::NotInitialized {
                text: "CMA-ES: nothing evaluated".to_string(),
            }
            .into());
        };
        Ok((
            state
                .individual(best.clone())
                .cost(best.cost)
                .population(vec![best]),
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argmin::core::{Executor, State};

    struct Function(fn(&[f64]) -> f64);

    impl CostFunction for Function {
        type Param = Vec<f64>;
        type Output = f64;
        fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
            Ok((self.0)(x))
        }
    }

    fn minimise(f: fn(&[f64]) -> f64, n: usize, low: f64, high: f64, iterations: u64) -> Individual {
        let solver = CmaEs::new(vec![low; n], vec![high; n], 40, 7).unwrap();
        let result = Executor::new(Function(f), solver)
            .configure(|s| s.max_iters(iterations))
            .run()
            .unwrap();
        result.state().get_best_param().cloned().unwrap()
    }

    #[test]
    fn finds_the_minimum_of_a_shifted_sphere() {
        let best = minimise(|x| x.iter().map(|v| (v - 1.5).powi(2)).sum(), 10, -5.0, 5.0, 100);
        assert!(best.cost < 1e-10, "{best:?}");
        assert!(best.genes.iter().all(|g| (g - 1.5).abs() < 1e-4));
    }

    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let rosenbrock = |x: &[f64]| {
            x.windows(2)
                .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
                .sum()
        };
        let best = minimise(rosenbrock, 6, -5.0, 5.0, 300);
        assert!(best.cost < 1e-8, "{best:?}");
        assert!(best.genes.iter().all(|g| (g - 1.0).abs() < 1e-3), "{best:?}");
    }

    #[test]
    fn restarts_find_the_global_minimum_of_rastrigin() {
        let rastrigin = |x: &[f64]| {
            10.0 * x.len() as f64
                + x.iter()
                    .map(|v| v * v - 10.0 * (std::f64::consts::TAU * v).cos())
                    .sum::<f64>()
        };
        let best = minimise(rastrigin, 4, -5.12, 5.12, 600);
        assert!(best.cost < 1e-6, "{best:?}");
    }
}
