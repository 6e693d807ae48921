//! Control quality of the tuner: monotone rule tables, the PID-equivalent start, the
//! surface measures, and the promise that the tuned controller is never worse than its starts.

use fuzzy_core::{OwnedController, Shape};
use fuzzy_files::TunedController;
use optimizer::encoding::Encoding;
use optimizer::job::{Algorithm, InferenceName, Job, RuleTuning};
use optimizer::objective::{evaluate_fuzzy, run_all};
use optimizer::run::{RunOptions, tune};
use optimizer::start::pid_equivalent;
use optimizer::surface::quality;
use proptest::prelude::*;
use sim::control::{Pid, PidConfig};

const MAIN_JOB: &str = include_str!("../../examples/jobs/second-order.toml");

fn job(inference: InferenceName, rules: RuleTuning, terms: u32) -> Job {
    let mut job = Job::parse(MAIN_JOB, "second-order.toml").unwrap();
    job.controller.inference = inference;
    job.tune.rules = rules;
    job.controller.terms = terms;
    job
}

/// The rule table as numbers: the concluded term's index (Mamdani) or constant (Sugeno), by
/// (e term, de term).
fn table(tuned: &TunedController) -> Vec<Vec<f64>> {
    let spec = &tuned.controller;
    let n = spec.inputs[0].terms.len();
    let mut grid = vec![vec![f64::NAN; n]; n];
    for rule in &spec.rules {
        let (i, j) = (rule.antecedent[0] as usize - 1, rule.antecedent[1] as usize - 1);
        let k = rule.consequent[0] as usize - 1;
        grid[i][j] = match spec.outputs[0].terms[k].shape {
            Shape::Constant(c) => f64::from(c),
            _ => k as f64,
        };
    }
    grid
}

/// A genome at fractions `raw` of each gene's range (cycled; outside [0, 1] beyond the bounds).
fn genome_from(encoding: &Encoding, raw: &[f64]) -> Vec<f64> {
    let (low, high) = encoding.bounds();
    low.iter()
        .zip(&high)
        .enumerate()
        .map(|(k, (l, h))| l + (h - l) * raw[k % raw.len()])
        .collect()
}

fn is_monotone(grid: &[Vec<f64>]) -> bool {
    let n = grid.len();
    (0..n).all(|i| {
        (0..n).all(|j| {
            (i + 1 >= n || grid[i + 1][j] >= grid[i][j]) && (j + 1 >= n || grid[i][j + 1] >= grid[i][j])
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_monotone_genome_decodes_to_a_monotone_table(
        raw in prop::collection::vec(-0.5f64..1.5, 120),
        sugeno in any::<bool>(),
        additive in any::<bool>(),
        terms in prop_oneof![Just(3u32), Just(5), Just(7), Just(9)],
    ) {
        let inference = if sugeno { InferenceName::Sugeno } else { InferenceName::Mamdani };
        let rules = if additive { RuleTuning::Additive } else { RuleTuning::Monotone };
        let job = job(inference, rules, terms);
        let encoding = Encoding::new(&job);
        // Genes anywhere, even outside their bounds (decoding clamps).
        let genome = genome_from(&encoding, &raw);
        let tuned = encoding.decode(&genome);
        let compiled = tuned.controller.compile();
        prop_assert!(compiled.is_ok());
        let grid = table(&tuned);
        prop_assert!(grid.iter().flatten().all(|v| v.is_finite()));
        prop_assert!(is_monotone(&grid), "{:?}", grid);
        // And the surface between the rules: monotone too (evenly spaced or tuned triangles
        // with degrees summing to 1 interpolate a monotone table monotonically).
        if sugeno {
            let q = quality(&compiled.unwrap()).unwrap();
            prop_assert_eq!(q.violations, 0);
        }
    }
}

#[test]
fn additive_rules_are_two_curves_and_hold_both_classic_tables() {
    for (inference, terms) in [(InferenceName::Mamdani, 7u32), (InferenceName::Sugeno, 5)] {
        let job = job(inference, RuleTuning::Additive, terms);
        let encoding = Encoding::new(&job);
        let n = terms as usize;
        let rule_genes: Vec<&str> = encoding
            .genes()
            .iter()
            .map(|g| g.name.as_str())
            .filter(|name| name.contains("curve_"))
            .collect();
        assert_eq!(rule_genes.len(), 2 * n, "{inference:?}");
        assert!(!encoding.genes().iter().any(|g| g.name.starts_with("rule(")));
        // The template's own start: the diagonal table (Mamdani) exactly.
        let grid = table(&encoding.decode(&encoding.initial()));
        if inference == InferenceName::Mamdani {
            for (i, row) in grid.iter().enumerate() {
                for (j, cell) in row.iter().enumerate() {
                    assert_eq!(*cell, Encoding::diagonal(i, j, n) as f64, "({i}, {j})");
                }
            }
        }
        // A genome by hand: a = [-1, -0.5, 0, 0.25, 1] (clamped at the top), b = [0.5, …].
        if inference == InferenceName::Sugeno {
            let mut genome = encoding.initial();
            let start = encoding
                .genes()
                .iter()
                .position(|g| g.name == "e.curve_offset")
                .unwrap();
            let genes = [-1.0, 0.5, 0.5, 0.25, 0.75, 0.5, 0.0, 0.0, 0.25, 0.5];
            genome[start..start + 10].copy_from_slice(&genes);
            let grid = table(&encoding.decode(&genome));
            let a: [f64; 5] = [-1.0, -0.5, 0.0, 0.25, 1.0];
            let b = [0.5, 0.5, 0.5, 0.75, 1.25];
            for i in 0..n {
                for j in 0..n {
                    let expected = (a[i] + b[j]).clamp(-1.0, 1.0);
                    assert!((grid[i][j] - expected).abs() < 1e-6, "({i}, {j}) {}", grid[i][j]);
                }
            }
        }
    }
}

#[test]
fn the_additive_sugeno_start_is_the_pid() {
    let (mut job, pid) = pid_case();
    job.tune.rules = RuleTuning::Additive;
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
    assert!(
        (start.slopes.0 - 0.5).abs() < 1e-6 && (start.slopes.1 - 0.5).abs() < 1e-6,
        "{:?}",
        start.slopes
    );
    assert_runs_are_the_pids(&job, &encoding.decode(&start.genome), pid);
}

#[test]
fn free_rules_decode_every_cell_on_its_own() {
    // Mamdani, free: each cell's gene is its term index (floor), whatever its neighbours hold.
    let job = job(InferenceName::Mamdani, RuleTuning::Free, 3);
    let encoding = Encoding::new(&job);
    let mut genome = encoding.initial();
    let start = encoding
        .genes()
        .iter()
        .position(|g| g.name == "rule(1,1)")
        .unwrap();
    genome[start..start + 9].copy_from_slice(&[2.9, 0.0, 1.5, 0.2, 2.0, 0.99, 1.0, 2.5, 0.0]);
    let grid = table(&encoding.decode(&genome));
    assert_eq!(
        grid,
        vec![vec![2.0, 0.0, 1.0], vec![0.0, 2.0, 0.0], vec![1.0, 2.0, 0.0]]
    );
    // Monotone: the first cell, then increments over the larger of the upper and left cells.
    let job = self::job(InferenceName::Mamdani, RuleTuning::Monotone, 3);
    let encoding = Encoding::new(&job);
    let grid = table(&encoding.decode(&genome));
    assert_eq!(
        grid,
        vec![vec![2.0, 2.0, 2.0], vec![2.0, 2.0, 2.0], vec![2.0, 2.0, 2.0]]
    );
    genome[start..start + 9].copy_from_slice(&[0.0, 1.2, 0.5, 0.0, 0.0, 1.0, 2.1, 0.3, 0.0]);
    let grid = table(&encoding.decode(&genome));
    // Row 1: 0, 0+1, 1+0; row 2: 0+0, max(1,0)+0, max(1,1)+1; row 3: 0+2, max(1,2)+0, max(2,2)+0.
    assert_eq!(
        grid,
        vec![vec![0.0, 1.0, 1.0], vec![0.0, 1.0, 2.0], vec![2.0, 2.0, 2.0]]
    );
}

#[test]
fn the_initial_genome_is_the_diagonal_table_in_every_rule_mode() {
    for rules in [RuleTuning::Monotone, RuleTuning::Free, RuleTuning::Fixed] {
        let job = job(InferenceName::Mamdani, rules, 7);
        let encoding = Encoding::new(&job);
        let grid = table(&encoding.decode(&encoding.initial()));
        for (i, row) in grid.iter().enumerate() {
            for (j, k) in row.iter().enumerate() {
                assert_eq!(*k, Encoding::diagonal(i, j, 7) as f64, "{rules:?} ({i}, {j})");
            }
        }
    }
}

#[test]
fn rules_accept_names_and_booleans_and_name_the_field_otherwise() {
    for (text, expected) in [
        ("\"monotone\"", RuleTuning::Monotone),
        ("\"free\"", RuleTuning::Free),
        ("\"additive\"", RuleTuning::Additive),
        ("\"fixed\"", RuleTuning::Fixed),
        ("true", RuleTuning::Monotone),
        ("false", RuleTuning::Fixed),
    ] {
        let source = MAIN_JOB.replace("rules = \"monotone\"", &format!("rules = {text}"));
        assert_eq!(
            Job::parse(&source, "job.toml").unwrap().tune.rules,
            expected,
            "{text}"
        );
    }
    let source = MAIN_JOB.replace("rules = \"monotone\"", "rules = \"sideways\"");
    let error = Job::parse(&source, "job.toml").unwrap_err().to_string();
    assert!(error.contains("job.toml") && error.contains("rules"), "{error}");
    assert!(
        error.contains("\"monotone\", \"free\", \"additive\", \"fixed\""),
        "{error}"
    );
    // Gain schedules are not control surfaces: no additive curves for them.
    let source = MAIN_JOB
        .replace("rules = \"monotone\"", "rules = \"additive\"")
        .replace("structure = \"pd_plus_i\"", "structure = \"gain_scheduled\"");
    let error = Job::parse(&source, "job.toml").unwrap_err().to_string();
    assert!(
        error.contains("[tune] rules must be \"free\" or \"fixed\" for structure = \"gain_scheduled\""),
        "{error}"
    );
}

/// A PID with its own filter, and the main job (Sugeno, Tf tuned) cut short.
fn pid_case() -> (Job, PidConfig) {
    let mut job = Job::parse(MAIN_JOB, "second-order.toml").unwrap();
    job.simulation.horizon_s = 4.0;
    job.scenarios[1].disturbances[0].at = 2.0;
    let pid = PidConfig {
        kp: 3.0,
        ki: 2.5,
        kd: 0.4,
        derivative_filter_s: 0.02,
        derivative_on: job.controller.derivative_on,
        output_min: job.simulation.actuator.min,
        output_max: job.simulation.actuator.max,
        ..PidConfig::default()
    };
    (job, pid)
}

#[test]
fn the_sugeno_pid_equivalent_start_is_the_pid() {
    let (job, pid) = pid_case();
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
    assert!(
        (start.slopes.0 - 0.5).abs() < 1e-6 && (start.slopes.1 - 0.5).abs() < 1e-6,
        "{:?}",
        start.slopes
    );
    let tuned = encoding.decode(&start.genome);
    let w = tuned.wrapper;
    // The gains: Ku·Ke/2 = Kp, Ku·Kd/2 = Kd_pid, Ki and Tf the PID's (f32 rounding only).
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs();
    assert!(
        close(f64::from(w.output_gain * w.error_gain) / 2.0, pid.kp),
        "{w:?}"
    );
    assert!(
        close(f64::from(w.output_gain * w.rate_gain) / 2.0, pid.kd),
        "{w:?}"
    );
    assert!(close(f64::from(w.integral_gain), pid.ki), "{w:?}");
    assert!(
        close(f64::from(w.derivative_filter_s), pid.derivative_filter_s),
        "{w:?}"
    );
    // The surface is (x + y)/2 on the whole input square.
    let engine: OwnedController = tuned.controller.compile().unwrap();
    for i in 0..=20 {
        for j in 0..=20 {
            let (x, y) = (-1.0 + i as f32 / 10.0, -1.0 + j as f32 / 10.0);
            let (out, _) = engine.evaluate(&[x, y]);
            assert!((out[0] - (x + y) / 2.0).abs() < 1e-6, "F({x}, {y}) = {}", out[0]);
        }
    }
    assert_runs_are_the_pids(&job, &tuned, pid);
}

/// In the loop: the fuzzy controller's runs are the PID's (f32 against f64).
fn assert_runs_are_the_pids(job: &Job, tuned: &TunedController, pid: PidConfig) {
    let (_, fuzzy_runs) = evaluate_fuzzy(job, tuned).unwrap();
    let pid_runs = run_all(job, &mut Pid::new(pid, job.simulation.sample_time_s)).unwrap();
    assert_eq!(fuzzy_runs.len(), pid_runs.len());
    for (f, p) in fuzzy_runs.iter().zip(&pid_runs) {
        let worst = f
            .trajectory
            .control
            .iter()
            .zip(&p.trajectory.control)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-4, "{}: control differs by {worst}", f.label);
        assert!(
            (f.metrics.itae - p.metrics.itae).abs() < 1e-6 * p.metrics.itae.max(1.0),
            "{}",
            f.label
        );
    }
}

#[test]
fn the_sugeno_fuzzy_pid_start_is_the_pid() {
    // MATLAB's structure u = C1·F + C0·∫F with F = (x + y)/2: Kp = (C1·Ke + C0·Kd)/2,
    // Ki = C0·Ke/2, Kd = C1·Kd/2. The case's PID (3, 2.5, 0.4) has real zeros. The loops
    // agree where the structure is a PID (see optimizer::start): derivative on error, no rate
    // filter, no saturation, and no error before the first step.
    let (mut job, pid) = pid_case();
    job.controller.structure = fuzzy_core::Structure::Pid;
    job.controller.derivative_on = sim::control::DerivativeOn::Error;
    job.controller.derivative_filter_s = 0.0;
    job.tune.derivative_filter_s = None;
    job.tune.integral_gain = Some([0.1, 100.0]);
    job.simulation.actuator.min = -1000.0;
    job.simulation.actuator.max = 1000.0;
    for scenario in &mut job.scenarios {
        scenario.setpoint = sim::closed_loop::SetpointProfile::Step { value: 1.0, at: 0.5 };
    }
    let pid = PidConfig {
        derivative_filter_s: 0.0,
        derivative_on: sim::control::DerivativeOn::Error,
        output_min: -1000.0,
        output_max: 1000.0,
        ..pid
    };
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
    // (Derivative on error: the setpoint step's rate kick needs small gains, so bounds widen.)
    assert!(
        !start
            .notes
            .iter()
            .any(|n| n.contains("complex zeros") || n.contains("not tuned")),
        "{:?}",
        start.notes
    );
    let tuned = encoding.decode(&start.genome);
    let w = tuned.wrapper;
    let (ke, kd, c1, c0) = (
        f64::from(w.error_gain),
        f64::from(w.rate_gain),
        f64::from(w.output_gain),
        f64::from(w.integral_gain),
    );
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs();
    assert!(close((c1 * ke + c0 * kd) / 2.0, pid.kp), "{w:?}");
    assert!(close(c0 * ke / 2.0, pid.ki), "{w:?}");
    assert!(close(c1 * kd / 2.0, pid.kd), "{w:?}");
    assert_runs_are_the_pids(&job, &tuned, pid);

    // Complex zeros (Kp² < 4·Ki·Kd): Kp and Ki kept, Kd lowered to Kp²/(4·Ki), with a note.
    let complex = PidConfig { kd: 2.0, ..pid };
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &complex).expect("a start");
    assert!(
        start
            .notes
            .iter()
            .any(|n| n.contains("complex zeros") && n.contains("0.900000")),
        "{:?}",
        start.notes
    );
    let w = encoding.decode(&start.genome).wrapper;
    let (ke, kd, c1, c0) = (
        f64::from(w.error_gain),
        f64::from(w.rate_gain),
        f64::from(w.output_gain),
        f64::from(w.integral_gain),
    );
    assert!(close((c1 * ke + c0 * kd) / 2.0, complex.kp), "{w:?}");
    assert!(close(c0 * ke / 2.0, complex.ki), "{w:?}");
    assert!(close(c1 * kd / 2.0, 0.9), "{w:?}");
}

#[test]
fn the_gain_scheduled_start_is_the_pid_for_either_inference() {
    // Zero gain tables: Kp = Ku, Ki and Kd the PID's; the loop is the PID's with the main
    // job's saturation, filter and derivative on measurement (nothing approximated).
    for inference in [InferenceName::Sugeno, InferenceName::Mamdani] {
        let (mut job, pid) = pid_case();
        job.controller.structure = fuzzy_core::Structure::GainScheduled;
        job.controller.inference = inference;
        job.tune.derivative_gain = Some([0.01, 10.0]);
        let mut encoding = Encoding::new(&job);
        let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
        assert!(start.notes.is_empty(), "{inference:?}: {:?}", start.notes);
        let tuned = encoding.decode(&start.genome);
        let w = tuned.wrapper;
        assert_eq!(tuned.controller.outputs.len(), 3);
        let close = |a: f32, b: f64| (f64::from(a) - b).abs() <= 1e-6 * b.abs();
        assert!(
            close(w.output_gain, pid.kp) && close(w.integral_gain, pid.ki),
            "{w:?}"
        );
        assert!(close(w.derivative_gain, pid.kd), "{w:?}");
        let engine: OwnedController = tuned.controller.compile().unwrap();
        for i in 0..=10 {
            for j in 0..=10 {
                let (x, y) = (-1.0 + i as f32 / 5.0, -1.0 + j as f32 / 5.0);
                let (out, _) = engine.evaluate(&[x, y]);
                assert!(
                    out.iter().all(|f| f.abs() < 1e-6),
                    "{inference:?}: F({x}, {y}) = {out:?}"
                );
            }
        }
        assert_runs_are_the_pids(&job, &tuned, pid);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn every_gain_scheduled_genome_decodes_to_a_valid_three_output_controller(
        raw in prop::collection::vec(-0.5f64..1.5, 200),
        sugeno in any::<bool>(),
        terms in prop_oneof![Just(3u32), Just(5), Just(7)],
    ) {
        let inference = if sugeno { InferenceName::Sugeno } else { InferenceName::Mamdani };
        let mut job = job(inference, RuleTuning::Monotone, terms);
        job.controller.structure = fuzzy_core::Structure::GainScheduled;
        job.tune.derivative_gain = Some([0.01, 10.0]);
        let encoding = Encoding::new(&job);
        let genome = genome_from(&encoding, &raw);
        let tuned = encoding.decode(&genome);
        let owned = tuned.controller.compile().unwrap();
        let pid = fuzzy_core::FuzzyPid::new(owned.controller(), tuned.wrapper);
        prop_assert!(pid.is_ok(), "{:?}", pid.err());
        // Gain tables are free, one per factor, rule genes named by output.
        let rules = encoding.genes().iter().filter(|g| g.name.contains("rule(")).count();
        prop_assert_eq!(rules, 3 * (terms * terms) as usize);
        prop_assert!(encoding.genes().iter().any(|g| g.name == "kd.rule(1,1)"));
        prop_assert!(encoding.genes().iter().any(|g| g.name == "Kdp"));
    }
}

#[test]
fn a_start_outside_the_bounds_widens_them_and_says_so() {
    let (mut job, pid) = pid_case();
    job.tune.output_gain = Some([0.5, 1.0]);
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
    assert!(
        start.notes.iter().any(|n| n.starts_with("Ku bounds widened")),
        "{:?}",
        start.notes
    );
    let w = encoding.decode(&start.genome).wrapper;
    assert!((f64::from(w.output_gain * w.error_gain) / 2.0 - pid.kp).abs() < 1e-5);
}

#[test]
fn the_mamdani_start_fits_the_surface_slopes() {
    let (mut job, pid) = pid_case();
    job.controller.inference = InferenceName::Mamdani;
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).expect("a start");
    // The diagonal table's centroid surface rises a little slower than x + y near the origin.
    assert!(start.slopes.0 > 0.8 && start.slopes.0 < 1.0, "{:?}", start.slopes);
    assert!(
        (start.slopes.0 - start.slopes.1).abs() < 1e-9,
        "symmetric table: {:?}",
        start.slopes
    );
    let w = encoding.decode(&start.genome).wrapper;
    let kp = f64::from(w.output_gain * w.error_gain) * start.slopes.0;
    assert!((kp - pid.kp).abs() < 1e-5 * pid.kp, "{kp}");
}

#[test]
fn the_tuned_controller_never_costs_more_than_its_starts() {
    for algorithm in [Algorithm::Ga, Algorithm::Pso, Algorithm::CmaEs] {
        let (mut job, _) = pid_case();
        job.optimizer.population = 8;
        job.optimizer.iterations = 3;
        job.optimizer.algorithm = algorithm;
        let outcome = tune(
            &job,
            &RunOptions {
                quiet: true,
                ..RunOptions::default()
            },
        )
        .unwrap();
        let cost = |label: &str| outcome.contenders.iter().find(|c| c.label == label).unwrap().cost;
        let tuned = cost("tuned fuzzy");
        assert!(tuned <= cost("initial fuzzy"), "{algorithm:?}");
        assert!(tuned <= cost("PID-equivalent fuzzy"), "{algorithm:?}");
        // The PID-equivalent start costs what its PID costs, to f32 rounding.
        let pid = cost("PID (tuned)");
        assert!(
            (cost("PID-equivalent fuzzy") - pid).abs() < 1e-4 * pid,
            "{algorithm:?}"
        );
        assert!(tuned <= pid * (1.0 + 1e-4), "{algorithm:?}: {tuned} > {pid}");
        // Every algorithm has the starts in its first generation (PSO: its first swarm), so
        // the search's own best is never above them, from the first record on.
        let first = outcome.history.first().expect("a history").best_cost;
        assert!(
            first <= cost("PID-equivalent fuzzy") * (1.0 + 1e-12),
            "{algorithm:?}: first best {first}"
        );
    }
}

#[test]
fn surface_quality_sees_a_reversed_table_and_a_plane() {
    let job = job(InferenceName::Mamdani, RuleTuning::Free, 5);
    let encoding = Encoding::new(&job);
    let mut genome = encoding.initial();
    let diagonal = quality(&encoding.decode(&genome).controller.compile().unwrap()).unwrap();
    // Mamdani centroid of a monotone table: monotone up to small dips where clipped terms meet.
    assert_eq!(diagonal.pairs, 2 * 41 * 40);
    assert!(diagonal.max_decrease < 0.02, "{diagonal:?}");
    // Reverse the table along e: now it decreases along e almost everywhere.
    let start = encoding
        .genes()
        .iter()
        .position(|g| g.name == "rule(1,1)")
        .unwrap();
    for i in 0..5 {
        for j in 0..5 {
            genome[start + i * 5 + j] = Encoding::diagonal(4 - i, j, 5) as f64 + 0.5;
        }
    }
    let reversed = quality(&encoding.decode(&genome).controller.compile().unwrap()).unwrap();
    assert!(reversed.violations > 41 * 20, "{reversed:?}");
    assert!(reversed.max_decrease > 0.05, "{reversed:?}");
    // The PID-equivalent Sugeno surface is a plane: no roughness.
    let (job, pid) = pid_case();
    let mut encoding = Encoding::new(&job);
    let start = pid_equivalent(&mut encoding, &job, &pid).unwrap();
    let plane = quality(&encoding.decode(&start.genome).controller.compile().unwrap()).unwrap();
    assert_eq!((plane.violations, plane.max_decrease), (0, 0.0));
    assert!(plane.roughness < 1e-6, "{plane:?}");
    assert!(
        diagonal.roughness > 100.0 * plane.roughness.max(1e-9),
        "{diagonal:?}"
    );
}

#[test]
fn a_sustained_oscillation_shows_in_the_late_peak_to_peak() {
    use sim::closed_loop::{Actuator, Scenario, SetpointProfile, Trajectory};
    use sim::metrics::{MetricOptions, measure};
    // 10 s at 0.01 s: the output reaches 1 at once, then oscillates ±0.05 around it (period
    // 1 s) forever; the last fifth (t ≥ 8 s) holds whole periods, so peak-to-peak is 0.1.
    let ts = 0.01;
    let time: Vec<f64> = (0..=1000).map(|k| k as f64 * ts).collect();
    let output: Vec<f64> = time
        .iter()
        .map(|t| {
            if *t == 0.0 {
                0.0
            } else {
                1.0 + 0.05 * (2.0 * std::f64::consts::PI * t).sin()
            }
        })
        .collect();
    let n = time.len();
    let trajectory = Trajectory {
        setpoint: vec![1.0; n],
        measurement: output.clone(),
        control: vec![0.0; n],
        disturbance: vec![0.0; n],
        output,
        time,
        diverged_at: None,
        sample_time_s: ts,
    };
    let scenario = Scenario {
        sample_time_s: ts,
        horizon_s: 10.0,
        setpoint: SetpointProfile::Step { value: 1.0, at: 0.0 },
        disturbances: Vec::new(),
        noise: None,
        actuator: Actuator::default(),
        initial_state: None,
    };
    let m = measure(&trajectory, &scenario, MetricOptions::default());
    assert!(
        (m.late_peak_to_peak - 0.1).abs() < 1e-3,
        "{}",
        m.late_peak_to_peak
    );
    // ±5 % leaves the 2 % band every half period: "settled" only in the last samples.
    assert!(
        m.settling_time_s.is_some_and(|t| t > 9.5),
        "{:?}",
        m.settling_time_s
    );
}

#[test]
fn objective_weights_penalise_surface_shape_and_late_oscillation() {
    use optimizer::objective::{FuzzyProblem, GenomeCost, combine, surface_penalty};
    let mut base = job(InferenceName::Sugeno, RuleTuning::Free, 7);
    base.simulation.horizon_s = 3.0;
    base.scenarios[1].disturbances[0].at = 1.5;
    let encoding = Encoding::new(&base);
    // A free table drawn at random: rough and not monotone.
    let mut rng = 12345u64;
    let genome: Vec<f64> = encoding
        .bounds()
        .0
        .iter()
        .zip(&encoding.bounds().1)
        .map(|(lo, hi)| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            lo + (hi - lo) * ((rng >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect();
    let tuned = encoding.decode(&genome);
    let (owned, runs) = evaluate_fuzzy(&base, &tuned).unwrap();
    let q = quality(&owned).unwrap();
    assert!(q.roughness > 0.0 && q.max_decrease > 0.0, "{q:?}");
    let cost = |f: &dyn Fn(&mut Job)| {
        let mut j = base.clone();
        f(&mut j);
        FuzzyProblem {
            job: j,
            encoding: encoding.clone(),
        }
        .genome_cost(&genome)
    };
    let plain = cost(&|_| {});
    assert_eq!(plain, combine(&runs, base.objective.robust));
    let rough = cost(&|j| j.objective.roughness = 3.0);
    assert!((rough - plain - 3.0 * q.roughness).abs() < 1e-12 * rough.abs().max(1.0));
    let reversed = cost(&|j| j.objective.monotonicity = 2.0);
    assert!((reversed - plain - 2.0 * q.max_decrease).abs() < 1e-12 * reversed.abs().max(1.0));
    assert_eq!(surface_penalty(&base.objective, &owned), 0.0);
    // Late oscillation: per run, the weight times the output's late peak-to-peak.
    let late = cost(&|j| j.objective.late_oscillation = 5.0);
    let expected = runs
        .iter()
        .map(|r| 5.0 * r.metrics.late_peak_to_peak)
        .sum::<f64>()
        / runs.len() as f64;
    assert!(
        (late - plain - expected).abs() < 1e-9 * late.abs().max(1.0),
        "{late} {plain} {expected}"
    );

    let negative = MAIN_JOB.replace("robust = \"mean\"", "robust = \"mean\"\nlate_oscillation = -1.0");
    let error = Job::parse(&negative, "job.toml").unwrap_err().to_string();
    assert_eq!(
        error,
        "job.toml: [objective] late_oscillation must be a number >= 0"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Early stopping never changes a candidate that beats the threshold, and a stopped one
    /// costs at least the threshold and at most its true cost (a lower bound).
    #[test]
    fn a_stopped_candidate_costs_a_bound_between_the_threshold_and_its_cost(
        raw in prop::collection::vec(0.0f64..1.0, 120),
        fraction in 0.05f64..2.0,
        worst in any::<bool>(),
    ) {
        use optimizer::objective::{FuzzyProblem, GenomeCost};
        let (mut job, _) = pid_case();
        if worst {
            job.objective.robust = optimizer::job::Robust::Worst;
        }
        let encoding = Encoding::new(&job);
        let genome = genome_from(&encoding, &raw);
        let problem = FuzzyProblem { job: job.clone(), encoding: encoding.clone() };
        let exact = problem.genome_cost(&genome);
        // The full evaluation is the reported cost, to the bit.
        let tuned = encoding.decode(&genome);
        if let Ok((owned, runs)) = evaluate_fuzzy(&job, &tuned) {
            prop_assert_eq!(exact.to_bits(), optimizer::objective::fuzzy_cost(&job, &owned, &runs).to_bits());
        }
        let threshold = exact * fraction;
        let bounded = problem.genome_cost_below(&genome, threshold);
        if exact < threshold {
            prop_assert_eq!(bounded.to_bits(), exact.to_bits());
        } else {
            prop_assert!(bounded >= threshold && bounded <= exact, "{threshold} {bounded} {exact}");
        }
    }
}
