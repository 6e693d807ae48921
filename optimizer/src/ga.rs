//! A real-coded genetic algorithm as an argmin [`Solver`].
//!
//! Each generation keeps the `elite` best individuals and fills the rest with children:
//! two parents chosen by tournament (size `tournament`); real genes recombined by simulated
//! binary crossover (SBX, Deb & Agrawal 1995, distribution index `eta_crossover`) with
//! probability `crossover_rate`, integer genes (rule consequents) by uniform crossover; then
//! each real gene mutated with probability `mutation_rate` (default `1/genes`) by polynomial
//! mutation (Deb, index `eta_mutation`) and each integer gene reset to a random value with
//! the same probability. Children are evaluated together through
//! [`Problem::bulk_cost`] (in parallel with rayon; results keep their order, so a run is
//! bit-identical for any thread count). Every random choice comes from one seeded
//! xoshiro256++ stream owned by the solver (serialisable, for checkpoints).

use argmin::core::{CostFunction, Error, KV, PopulationState, Problem, Solver, SyncAlias};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// A genome and its cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Individual {
    /// the genes
    pub genes: Vec<f64>,
    /// the cost
    pub cost: f64,
}

/// The genetic algorithm (see the [module docs](self)).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GeneticAlgorithm {
    low: Vec<f64>,
    high: Vec<f64>,
    integer: Vec<bool>,
    population: usize,
    elite: usize,
    tournament: usize,
    crossover_rate: f64,
    eta_crossover: f64,
    mutation_rate: f64,
    eta_mutation: f64,
    seeds: Vec<Vec<f64>>,
    rng: Xoshiro256PlusPlus,
}

/// A GA setting out of range.
#[derive(Debug, thiserror::Error)]
#[error("genetic algorithm: {0}")]
pub struct GaError(String);

impl GeneticAlgorithm {
    /// A GA over the box `[low, high]` (integer genes decode by `floor`, `high` exclusive),
    /// `population` individuals, seeded by `seed`.
    pub fn new(
        low: Vec<f64>,
        high: Vec<f64>,
        integer: Vec<bool>,
        population: usize,
        seed: u64,
    ) -> Result<GeneticAlgorithm, GaError> {
        if low.len() != high.len() || low.len() != integer.len() || low.is_empty() {
            return Err(GaError(
                "bounds and integer mask need one entry per gene (at least one)".into(),
            ));
        }
        if low
            .iter()
            .zip(&high)
            .any(|(l, h)| !(l.is_finite() && h.is_finite() && l < h))
        {
            return Err(GaError("every gene needs finite bounds with low < high".into()));
        }
        if population < 4 {
            return Err(GaError("population must be at least 4".into()));
        }
        let genes = low.len();
        Ok(GeneticAlgorithm {
            low,
            high,
            integer,
            population,
            elite: (population / 20).max(1),
            tournament: 3,
            crossover_rate: 0.9,
            eta_crossover: 15.0,
            mutation_rate: 1.0 / genes as f64,
            eta_mutation: 20.0,
            seeds: Vec::new(),
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        })
    }

    /// Genomes placed in the first generation (e.g. the initial controller); the rest is
    /// drawn uniformly inside the bounds.
    pub fn with_seeds(mut self, seeds: Vec<Vec<f64>>) -> GeneticAlgorithm {
        self.seeds = seeds;
        self
    }

    fn clamp(&self, i: usize, v: f64) -> f64 {
        if self.integer[i] {
            // Keep integer genes at the centre of their bin, strictly below `high`.
            (v.floor().clamp(self.low[i], self.high[i] - 1.0)) + 0.5
        } else {
            v.clamp(self.low[i], self.high[i])
        }
    }

    fn random_genome(&mut self) -> Vec<f64> {
        (0..self.low.len())
            .map(|i| {
                let v = self.rng.random_range(self.low[i]..self.high[i]);
                self.clamp(i, v)
            })
            .collect()
    }

    fn tournament_pick<'a>(&mut self, population: &'a [Individual]) -> &'a Individual {
        let mut best = &population[self.rng.random_range(0..population.len())];
        for _ in 1..self.tournament {
            let other = &population[self.rng.random_range(0..population.len())];
            if other.cost < best.cost {
                best = other;
            }
        }
        best
    }

    /// SBX on one pair of real genes.
    fn sbx(&mut self, i: usize, a: f64, b: f64) -> (f64, f64) {
        let u: f64 = self.rng.random();
        let eta = self.eta_crossover;
        let beta = if u <= 0.5 {
            (2.0 * u).powf(1.0 / (eta + 1.0))
        } else {
            (1.0 / (2.0 * (1.0 - u))).powf(1.0 / (eta + 1.0))
        };
        let c1 = 0.5 * ((1.0 + beta) * a + (1.0 - beta) * b);
        let c2 = 0.5 * ((1.0 - beta) * a + (1.0 + beta) * b);
        (self.clamp(i, c1), self.clamp(i, c2))
    }

    /// Polynomial mutation of one real gene.
    fn mutate(&mut self, i: usize, v: f64) -> f64 {
        let (lo, hi) = (self.low[i], self.high[i]);
        let u: f64 = self.rng.random();
        let eta = self.eta_mutation;
        let delta = if u < 0.5 {
            (2.0 * u).powf(1.0 / (eta + 1.0)) - 1.0
        } else {
            1.0 - (2.0 * (1.0 - u)).powf(1.0 / (eta + 1.0))
        };
        self.clamp(i, v + delta * (hi - lo))
    }

    fn children(&mut self, population: &[Individual], count: usize) -> Vec<Vec<f64>> {
        let genes = self.low.len();
        let mut out = Vec::with_capacity(count + 1);
        while out.len() < count {
            let a = self.tournament_pick(population).genes.clone();
            let b = self.tournament_pick(population).genes.clone();
            let (mut c1, mut c2) = (a.clone(), b.clone());
            if self.rng.random::<f64>() < self.crossover_rate {
                for i in 0..genes {
                    if self.integer[i] {
                        if self.rng.random::<bool>() {
                            std::mem::swap(&mut c1[i], &mut c2[i]);
                        }
                    } else if self.rng.random::<bool>() {
                        (c1[i], c2[i]) = self.sbx(i, a[i], b[i]);
                    }
                }
            }
            for child in [&mut c1, &mut c2] {
                for (i, gene) in child.iter_mut().enumerate() {
                    if self.rng.random::<f64>() < self.mutation_rate {
                        *gene = if self.integer[i] {
                            let v = self.rng.random_range(self.low[i]..self.high[i]);
                            self.clamp(i, v)
                        } else {
                            self.mutate(i, *gene)
                        };
                    }
                }
            }
            out.push(c1);
            out.push(c2);
        }
        out.truncate(count);
        out
    }
}

fn sort(population: &mut [Individual]) {
    population.sort_by(|a, b| a.cost.total_cmp(&b.cost));
}

/// The genomes with their costs, evaluated together (in parallel, in order); a NaN cost
/// counts as infinite. Shared with CMA-ES.
pub(crate) fn evaluate<O>(problem: &mut Problem<O>, genomes: Vec<Vec<f64>>) -> Result<Vec<Individual>, Error>
where
    O: CostFunction<Param = Vec<f64>, Output = f64> + SyncAlias,
{
    let costs = problem.bulk_cost(&genomes)?;
    Ok(genomes
        .into_iter()
        .zip(costs)
        .map(|(genes, cost)| Individual {
            genes,
            cost: if cost.is_nan() { f64::INFINITY } else { cost },
        })
        .collect())
}

impl<O> Solver<O, PopulationState<Individual, f64>> for GeneticAlgorithm
where
    O: CostFunction<Param = Vec<f64>, Output = f64> + SyncAlias,
{
    fn name(&self) -> &str {
        "Genetic algorithm"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        mut state: PopulationState<Individual, f64>,
    ) -> Result<(PopulationState<Individual, f64>, Option<KV>), Error> {
        // A resumed run brings its population.
        if let Some(population) = state.take_population().filter(|p| p.len() == self.population) {
            let best = population[0].clone();
            return Ok((
                state
                    .individual(best.clone())
                    .cost(best.cost)
                    .population(population),
                None,
            ));
        }
        let mut genomes: Vec<Vec<f64>> = self
            .seeds
            .clone()
            .into_iter()
            .take(self.population)
            .map(|g| g.iter().enumerate().map(|(i, v)| self.clamp(i, *v)).collect())
            .collect();
        while genomes.len() < self.population {
            let genome = self.random_genome();
            genomes.push(genome);
        }
        let mut population = evaluate(problem, genomes)?;
        sort(&mut population);
        let best = population[0].clone();
        Ok((
            state
                .individual(best.clone())
                .cost(best.cost)
                .population(population),
            None,
        ))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        mut state: PopulationState<Individual, f64>,
    ) -> Result<(PopulationState<Individual, f64>, Option<KV>), Error> {
        let population = state.take_population().unwrap_or_default();
        if population.is_empty() {
            return Err(argmin::core::ArgminError::NotInitialized {
                text: "genetic algorithm: no population".to_string(),
            }
            .into());
        }
        let elite = self.elite.min(population.len());
        let children = self.children(&population, self.population - elite);
        let mut next: Vec<Individual> = population[..elite].to_vec();
        next.extend(evaluate(problem, children)?);
        sort(&mut next);
        let best = next[0].clone();
        Ok((
            state.individual(best.clone()).cost(best.cost).population(next),
            None,
        ))
    }
}
