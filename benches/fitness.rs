//! Fitness evaluation speed of the README's main job, and its scaling with worker threads.
//!
//! Run: `cargo bench --bench fitness`. One iteration is what the genetic algorithm does per
//! generation: the cost of a whole population (60 genomes of `examples/jobs/second-order.toml`,
//! drawn uniformly within the genome bounds with a fixed seed, plus the initial controller)
//! through argmin's `Problem::bulk_cost`, which spreads the genomes over rayon's workers.
//! `threads/1` and `threads/2` run it in pools of one and two threads; the speedup is their
//! ratio (issue target: ≥ 1.7× on the 2-core machine). The search's own serial work
//! (selection, crossover, mutation, argmin's bookkeeping) is not included; the whole run,
//! PID search and report included, is measured by `scripts/tune-bench.sh`.

// criterion's macros generate undocumented functions; a benchmark whose setup fails should
// stop loudly.
#![allow(missing_docs, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use argmin::core::Problem;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use optimizer::encoding::Encoding;
use optimizer::job::Job;
use optimizer::objective::{FuzzyProblem, ParallelCost};
use testkit::XorShift;

const POPULATION: usize = 60;
/// Populations timed by [`paired_speedup`], each with one and with two threads.
const PAIRS: usize = 41;

/// The problem and a population: `POPULATION - 1` random genomes and the initial one.
fn setup() -> (Problem<ParallelCost<FuzzyProblem>>, Vec<Vec<f64>>) {
    let path = Path::new(testkit::ROOT).join("examples/jobs/second-order.toml");
    let job = Job::load(&path).expect("the main job loads");
    let encoding = Encoding::new(&job);
    let (lower, upper) = encoding.bounds();
    let mut random = XorShift(0x5eed);
    let mut genomes: Vec<Vec<f64>> = (1..POPULATION)
        .map(|_| {
            lower
                .iter()
                .zip(&upper)
                .map(|(lo, hi)| lo + (hi - lo) * f64::from(random.unit()))
                .collect()
        })
        .collect();
    genomes.push(encoding.initial());
    (
        Problem::new(ParallelCost::exact(FuzzyProblem { job, encoding })),
        genomes,
    )
}

fn fitness(c: &mut Criterion) {
    let (mut problem, genomes) = setup();

    let mut group = c.benchmark_group("fitness_population_of_60");
    group.throughput(Throughput::Elements(POPULATION as u64));
    group.sample_size(20);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| pool.install(|| problem.bulk_cost(black_box(&genomes)).expect("costs")))
        });
    }
    group.finish();
}

/// The speedup measured pair by pair: one population with one thread, then the same with two,
/// [`PAIRS`] times; prints the median and quartiles of the ratios, and the ratio of the
/// fastest times (the least disturbed runs). Pairing cancels the virtual machine's slow
/// drifts in speed, which make the ratio of criterion's two separate estimates swing by
/// ±15 % from run to run.
fn paired_speedup() {
    let (mut problem, genomes) = setup();
    let pools = [1, 2].map(|threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    });
    let mut time = |pool: &rayon::ThreadPool| {
        let start = Instant::now();
        black_box(pool.install(|| problem.bulk_cost(&genomes)).expect("costs"));
        start.elapsed().as_secs_f64()
    };
    // Warm-up: caches, allocator, the workers' first jobs.
    time(&pools[1]);
    let pairs: Vec<[f64; 2]> = (0..PAIRS).map(|_| [time(&pools[0]), time(&pools[1])]).collect();
    let mut ratios: Vec<f64> = pairs.iter().map(|[one, two]| one / two).collect();
    ratios.sort_by(f64::total_cmp);
    let fastest = |k: usize| pairs.iter().map(|p| p[k]).fold(f64::INFINITY, f64::min);
    println!(
        "fitness speedup with 2 threads over {PAIRS} paired populations: median of the ratios {:.2}x \
         (quartiles {:.2}x, {:.2}x); fastest 1-thread / fastest 2-thread population {:.2}x ({:.1} ms / {:.1} ms)",
        ratios[PAIRS / 2],
        ratios[PAIRS / 4],
        ratios[3 * PAIRS / 4],
        fastest(0) / fastest(1),
        fastest(0) * 1e3,
        fastest(1) * 1e3,
    );
}

criterion_group!(benches, fitness);

fn main() {
    benches();
    paired_speedup();
    Criterion::default().configure_from_args().final_summary();
}
