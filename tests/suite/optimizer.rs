//! The optimizer: job files, the genome encoding, the searches and the output folder.

use fuzzy_core::Shape;
use fuzzy_files::TunedController;
use optimizer::encoding::Encoding;
use optimizer::job::{Algorithm, Job};
use optimizer::objective::{combine, evaluate_fuzzy};
use optimizer::run::{RunOptions, tune};
use proptest::prelude::*;
use testkit::reference::PD_MAMDANI;

const MAIN_JOB: &str = include_str!("../../examples/jobs/second-order.toml");

/// The README's main job with a small budget.
fn small_job(algorithm: Algorithm) -> Job {
    let mut job = Job::parse(MAIN_JOB, "second-order.toml").unwrap();
    job.optimizer.population = 10;
    job.optimizer.iterations = 4;
    job.optimizer.algorithm = algorithm;
    job.simulation.horizon_s = 3.0;
    job.scenarios[1].disturbances[0].at = 1.5;
    job
}

/// A tuning run without progress bar, all cores, no checkpoints.
fn tune_quietly(job: &Job) -> optimizer::run::Outcome {
    tune(
        job,
        &RunOptions {
            quiet: true,
            ..RunOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn job_errors_name_the_line_or_the_field() {
    let typo = MAIN_JOB.replace("damping = 0.6", "dampnig = 0.6");
    let error = Job::parse(&typo, "job.toml").unwrap_err().to_string();
    assert!(error.starts_with("job.toml: "), "{error}");
    // The plant table is internally tagged, so TOML points at its header; the job reader
    // finds the field's own line and column.
    assert_eq!(
        error,
        "job.toml: line 13, column 11: [plant] dampnig: unknown field `dampnig`, expected one of \
         `gain`, `damping`, `natural_frequency`, `delay`"
    );
    let typed = MAIN_JOB.replace("natural_frequency = 2.0", "natural_frequency = [2.0]");
    let error = Job::parse(&typed, "job.toml").unwrap_err().to_string();
    assert_eq!(
        error,
        "job.toml: line 14, column 21: [plant] natural_frequency: invalid type: sequence, expected a number"
    );
    // A user-defined plant's required field, mistyped.
    let tf = MAIN_JOB.replace(
        "type = \"second_order\"\ngain = 1.0\ndamping = 0.6\nnatural_frequency = 2.0\ndelay = 0.1",
        "type = \"transfer_function\"\nnumerator = \"1\"\ndenominator = [1.0, 1.0]",
    );
    let error = Job::parse(&tf, "job.toml").unwrap_err().to_string();
    assert!(
        error.starts_with("job.toml: line 12, column 13: [plant] numerator: invalid type"),
        "{error}"
    );

    let even = MAIN_JOB.replace("terms = 7", "terms = 6");
    let error = Job::parse(&even, "job.toml").unwrap_err().to_string();
    assert_eq!(error, "job.toml: [controller] terms must be odd, 3 to 9");

    let bounds = MAIN_JOB.replace("rate_gain = [0.02, 5.0]", "rate_gain = [0.0, 5.0]");
    let error = Job::parse(&bounds, "job.toml").unwrap_err().to_string();
    assert!(
        error.contains("[tune] rate_gain must be [low, high] with 0 < low < high"),
        "{error}"
    );

    let polish = MAIN_JOB.replace("polish = 0.25", "polish = 1.5");
    let error = Job::parse(&polish, "job.toml").unwrap_err().to_string();
    assert_eq!(
        error,
        "job.toml: [optimizer] polish must be a fraction of the iterations from 0 (no polish) to 0.9"
    );
    let algorithm = MAIN_JOB.replace("algorithm = \"ga\"", "algorithm = \"cma\"");
    let error = Job::parse(&algorithm, "job.toml").unwrap_err().to_string();
    assert!(
        error.contains("unknown variant `cma`") && error.contains("`cmaes`"),
        "{error}"
    );

    let far = MAIN_JOB.replace("delay = 0.1", "delay = 1e9");
    let error = Job::parse(&far, "job.toml").unwrap_err().to_string();
    assert_eq!(
        error,
        "job.toml: [plant] plant second_order: delay is more than 10 000 000 samples at this sample time"
    );
    let ramp = MAIN_JOB.replacen(
        "setpoint = { type = \"step\", value = 1.0, at = 0.0 }",
        "setpoint = { type = \"ramp\", slope = 1.0, start = 5.0, until = 1.0 }",
        1,
    );
    let error = Job::parse(&ramp, "job.toml").unwrap_err().to_string();
    assert_eq!(
        error,
        "job.toml: [[scenario]] number 1 ('setpoint step'): setpoint.until must not be before start"
    );
    // A wrong type in words a user knows.
    let typed = MAIN_JOB.replace("damping = 0.6", "damping = \"x\"");
    let error = Job::parse(&typed, "job.toml").unwrap_err().to_string();
    assert!(
        error.ends_with("invalid type: string \"x\", expected a number"),
        "{error}"
    );
    // The actuator and the horizon belong to [simulation], not to the first scenario.
    for (from, to, message) in [
        (
            "actuator = { min = -5.0, max = 5.0 }",
            "actuator = { min = 5.0, max = -5.0 }",
            "job.toml: [simulation] actuator must be { min, max } with min < max (absent = unlimited)",
        ),
        (
            "actuator = { min = -5.0, max = 5.0 }",
            "actuator = { min = -5.0, max = 5.0, rate_limit = 0.0 }",
            "job.toml: [simulation] actuator.rate_limit must be > 0 (absent = no limit)",
        ),
        (
            "horizon_s = 8.0",
            "horizon_s = 1e20",
            "job.toml: [simulation] horizon_s must be at least 10 and at most 1e8 sample times",
        ),
    ] {
        let error = Job::parse(&MAIN_JOB.replace(from, to), "job.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(error, message);
    }

    let plant = MAIN_JOB.replace("natural_frequency = 2.0", "natural_frequency = -2.0");
    let error = Job::parse(&plant, "job.toml").unwrap_err().to_string();
    assert!(
        error.contains("[plant] plant second_order: natural_frequency must be"),
        "{error}"
    );
}

#[test]
fn the_initial_genome_is_the_classic_7x7_controller() {
    let mut job = Job::parse(MAIN_JOB, "job.toml").unwrap();
    job.controller.inference = optimizer::job::InferenceName::Mamdani;
    let encoding = Encoding::new(&job);
    let initial = encoding.decode(&encoding.initial());
    let owned = initial.controller.compile().unwrap();
    let (ours, reference) = (owned.controller(), PD_MAMDANI);
    // Evenly spaced triangles and the diagonal table: the reference controller, term for
    // term and rule for rule.
    assert_eq!(ours.def().terms, reference.def().terms);
    assert_eq!(ours.def().rule_terms, reference.def().rule_terms);
    assert_eq!(initial.wrapper.error_gain, 1.0);
    assert_eq!(initial.wrapper.output_gain, 2.0);
    assert_eq!(Encoding::term_names(7).join(" "), "NB NM NS ZE PS PM PB");
    assert_eq!(Encoding::term_names(9).join(" "), "NH NB NM NS ZE PS PM PB PH");
}

fn peaks(tuned: &TunedController) -> Vec<Vec<f32>> {
    tuned
        .controller
        .inputs
        .iter()
        .map(|v| &v.terms)
        .chain(tuned.controller.outputs.iter().map(|v| &v.terms))
        .map(|terms| {
            terms
                .iter()
                .map(|t| match t.shape {
                    Shape::Triangle([_, b, _]) => b,
                    Shape::Constant(c) => c,
                    _ => f32::NAN,
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_genome_decodes_to_a_valid_controller(
        raw in prop::collection::vec(-3.0f64..3.0, 80),
        symmetric in any::<bool>(),
        weights in any::<bool>(),
        terms in prop_oneof![Just(3u32), Just(5), Just(7), Just(9)],
    ) {
        let mut job = Job::parse(MAIN_JOB, "job.toml").unwrap();
        // Mamdani: the output's terms are triangles with tuned peaks too (the Sugeno
        // template's one constant per rule is checked in `tuning`).
        job.controller.inference = optimizer::job::InferenceName::Mamdani;
        job.tune.symmetric = symmetric;
        job.tune.weights = weights;
        job.controller.terms = terms;
        let encoding = Encoding::new(&job);
        let (low, high) = encoding.bounds();
        // Genes anywhere (even outside their bounds: decoding clamps).
        let genome: Vec<f64> = (0..low.len())
            .map(|i| low[i] + (high[i] - low[i]) * raw[i % raw.len()])
            .collect();
        let tuned = encoding.decode(&genome);
        prop_assert!(tuned.controller.compile().is_ok());
        for p in peaks(&tuned) {
            prop_assert_eq!(p.len(), terms as usize);
            prop_assert!(p.windows(2).all(|w| w[0] < w[1]), "{:?}", p);
            prop_assert_eq!(p[0], -1.0);
            prop_assert_eq!(p[p.len() - 1], 1.0);
            if symmetric {
                for k in 0..p.len() {
                    prop_assert!((p[k] + p[p.len() - 1 - k]).abs() < 1e-6);
                }
            }
        }
        prop_assert!(tuned.wrapper.output_gain > 0.0);
    }
}

#[test]
fn tuning_is_identical_with_one_thread_or_two() {
    // Every algorithm, and the GA with early stopping (its threshold comes from the previous
    // generation's costs only).
    let cases = [
        (Algorithm::Ga, false),
        (Algorithm::Pso, false),
        (Algorithm::CmaEs, false),
        (Algorithm::Ga, true),
    ];
    for (algorithm, early_stop) in cases {
        let mut job = small_job(algorithm);
        job.optimizer.early_stop = early_stop;
        let quiet = |threads| RunOptions {
            quiet: true,
            threads: Some(threads),
            checkpoint: None,
        };
        let one = tune(&job, &quiet(1)).unwrap();
        let two = tune(&job, &quiet(2)).unwrap();
        assert_eq!(one.tuned, two.tuned, "{algorithm:?}, early stop {early_stop}");
        let costs = |o: &optimizer::run::Outcome| o.history.iter().map(|p| p.best_cost).collect::<Vec<_>>();
        assert_eq!(costs(&one), costs(&two), "{algorithm:?}, early stop {early_stop}");
        let pid = |o: &optimizer::run::Outcome| {
            o.contenders
                .iter()
                .find_map(|c| c.pid.filter(|_| c.label == "PID (tuned)"))
        };
        assert_eq!(pid(&one), pid(&two));
    }
}

#[test]
fn the_ga_never_loses_the_initial_controller_and_improves_on_it() {
    let job = small_job(Algorithm::Ga);
    let outcome = tune_quietly(&job);
    let cost = |label: &str| outcome.contenders.iter().find(|c| c.label == label).unwrap().cost;
    assert!(cost("tuned fuzzy") < cost("initial fuzzy"));
    // The recorded history is the best so far: never increasing.
    assert!(
        outcome
            .history
            .windows(2)
            .all(|w| w[1].best_cost <= w[0].best_cost)
    );
    assert_eq!(
        outcome.history.last().unwrap().iteration,
        job.optimizer.iterations
    );
    // The reported cost is the objective's value for the tuned controller, recomputed here
    // from the trajectories with the main job's objective written out by hand (ITAE + 0.01
    // total variation + 0.05 per % of overshoot beyond 10 %, mean over the scenarios), not
    // with the code under test.
    let o = &job.objective;
    assert_eq!(
        (o.itae, o.total_variation, o.penalty, o.overshoot_limit_percent),
        (1.0, 0.01, 0.05, 10.0)
    );
    assert!(o.iae == 0.0 && o.ise == 0.0 && o.overshoot == 0.0 && o.settling_time == 0.0);
    assert!(o.control_energy == 0.0 && o.late_oscillation == 0.0 && o.roughness == 0.0);
    assert!(o.monotonicity == 0.0 && o.saturation_limit == 1.0);
    let (_, runs) = evaluate_fuzzy(&job, &outcome.tuned).unwrap();
    let by_hand: Vec<f64> = runs
        .iter()
        .map(|run| {
            let t = &run.trajectory;
            let ts = t.sample_time_s;
            let itae: f64 = (0..t.len())
                .map(|k| t.time[k] * (t.setpoint[k] - t.output[k]).abs() * ts)
                .sum();
            let variation: f64 = t.control.windows(2).map(|w| (w[1] - w[0]).abs()).sum();
            // Overshoot of the step at 0 (to 1.0 from 0.0), up to the first disturbance.
            let end = run.scenario.disturbances.first().map_or(t.len(), |d| {
                t.time.iter().position(|&x| x >= d.at - 1e-9).unwrap()
            });
            let peak = t.output[..end].iter().map(|y| y - 1.0).fold(0.0, f64::max);
            itae + 0.01 * variation + 0.05 * (peak * 100.0 - 10.0).max(0.0)
        })
        .collect();
    let mean = by_hand.iter().sum::<f64>() / by_hand.len() as f64;
    let reported = cost("tuned fuzzy");
    assert!(
        (mean - reported).abs() <= 1e-9 * reported,
        "{mean} by hand, {reported} reported"
    );
}

#[test]
fn the_output_folder_holds_every_file() {
    let job = small_job(Algorithm::Ga);
    let outcome = tune_quietly(&job);
    let dir = std::env::temp_dir().join(format!("fuzzyopt-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    optimizer::report::write_folder(&outcome, &dir).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let expected = [
        "controller.json",
        "controller.rs",
        "convergence.csv",
        "convergence.png",
        "convergence.svg",
        "initial-controller.json",
        "membership-initial.png",
        "membership-initial.svg",
        "membership-tuned.png",
        "membership-tuned.svg",
        "metrics.json",
        "metrics.md",
        "report.html",
        "rules.png",
        "rules.svg",
        "run.json",
        "second_order.c",
        "second_order.h",
        "step-1.png",
        "step-1.svg",
        "step-2.png",
        "step-2.svg",
        "surface.png",
        "surface.svg",
    ];
    assert_eq!(names, expected);
    let tuned: TunedController =
        serde_json::from_str(&std::fs::read_to_string(dir.join("controller.json")).unwrap()).unwrap();
    assert_eq!(tuned, outcome.tuned);
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics.as_array().unwrap().len(), outcome.contenders.len());
    let csv = std::fs::read_to_string(dir.join("convergence.csv")).unwrap();
    assert!(csv.starts_with("search,iteration,best_cost,evaluations,elapsed_s\nfuzzy,0,"));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for link in [
        "step-1.svg",
        "surface.svg",
        "membership-tuned.svg",
        "rules.svg",
        "convergence.svg",
        "<table>",
    ] {
        assert!(html.contains(link), "report lacks {link}");
    }
    let rust = std::fs::read_to_string(dir.join("controller.rs")).unwrap();
    assert!(rust.contains("pub static SECOND_ORDER_PID: FuzzyPid<'static>"));
    if crate::util::tool_available(
        "cc",
        "the_output_folder_holds_every_file (C part)",
        "apt-get install -y gcc",
    ) {
        let status = std::process::Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "-o"])
            .arg(dir.join("second_order.o"))
            .arg(dir.join("second_order.c"))
            .status()
            .unwrap();
        assert!(status.success(), "the folder's C pair does not compile");
    }
}

#[test]
fn the_readme_shows_the_main_job_verbatim() {
    let readme = std::fs::read_to_string(format!("{}/README.md", testkit::ROOT)).unwrap();
    let section = &readme[readme
        .find("### Job file")
        .expect("README has a Job file section")..];
    let start = section.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    assert_eq!(
        block, MAIN_JOB,
        "README's job file differs from examples/jobs/second-order.toml"
    );
}

#[test]
fn every_example_job_is_valid() {
    let dir = format!("{}/examples/jobs", testkit::ROOT);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let job = Job::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let tuned = Encoding::new(&job).decode(&Encoding::new(&job).initial());
        tuned.controller.compile().unwrap();
        if job.name == "cart-pole-balance" {
            // Reverse action: the output gain is negated (and every other gain of the law).
            assert!(tuned.wrapper.output_gain < 0.0 && tuned.wrapper.integral_gain <= 0.0);
        }
        if job.controller.structure == fuzzy_core::Structure::GainScheduled {
            assert_eq!(tuned.controller.outputs.len(), 3);
            fuzzy_core::FuzzyPid::new(tuned.controller.compile().unwrap().controller(), tuned.wrapper)
                .unwrap();
        }
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "cart-pole-balance.toml",
            "dc-motor-position.toml",
            "dead-time-transfer-function.toml",
            "from-matlab-fis.toml",
            "gain-scheduled-dead-time.toml",
            "second-order.toml",
            "water-tank-level.toml"
        ]
    );
}

#[test]
fn every_benchmark_job_is_valid_and_the_optimal_pids_are_listed() {
    let dir = format!("{}/examples/benchmarks", testkit::ROOT);
    let csv = std::fs::read_to_string(format!("{dir}/itae-optimal-pid.csv")).unwrap();
    let mut linear = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let job = Job::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let initial = Encoding::new(&job).decode(&Encoding::new(&job).initial());
        initial.controller.compile().unwrap();
        assert_eq!(job.objective.itae, 1.0, "{}", job.name);
        assert!(job.optimizer.tune_pid, "{}", job.name);
        if job.plant.type_name() == "transfer_function" {
            linear += 1;
            // Every linear plant has its independent ITAE-optimal PID (scripts/itae-optimal-pid.py).
            assert!(
                csv.lines().any(|l| l.starts_with(&format!("{},", job.name))),
                "{} is missing from itae-optimal-pid.csv",
                job.name
            );
        }
    }
    assert!(linear >= 8, "{linear} linear benchmark plants");
}

#[test]
fn sugeno_rules_are_real_constants_one_per_rule() {
    let mut job = Job::parse(MAIN_JOB, "job.toml").unwrap();
    job.controller.inference = optimizer::job::InferenceName::Sugeno;
    // Free rules: each gene is its cell's constant (monotone genes are increments, see `tuning`).
    job.tune.rules = optimizer::job::RuleTuning::Free;
    let encoding = Encoding::new(&job);
    let rule_genes: Vec<_> = encoding
        .genes()
        .iter()
        .filter(|g| g.name.starts_with("rule("))
        .collect();
    assert_eq!(rule_genes.len(), 49);
    assert!(
        rule_genes
            .iter()
            .all(|g| !g.integer && g.low == -1.0 && g.high == 1.0)
    );
    // No tuned output peaks: only e and de have gap genes.
    assert!(!encoding.genes().iter().any(|g| g.name.starts_with("u.gap")));
    let initial = encoding.decode(&encoding.initial());
    let output = &initial.controller.outputs[0];
    assert_eq!(output.terms.len(), 49);
    // The initial constants are the diagonal table's: cell (i, j) concludes -1 + 2k/6 with
    // k = clamp(i + j - 3, 0, 6).
    for (cell, term) in output.terms.iter().enumerate() {
        let k = Encoding::diagonal(cell / 7, cell % 7, 7) as f32;
        assert_eq!(
            term.shape,
            Shape::Constant((-1.0 + 2.0 * f64::from(k) / 6.0) as f32)
        );
        assert_eq!(initial.controller.rules[cell].consequent, vec![cell as i32 + 1]);
    }
    // Same controller as the reference Sugeno PD, rule for rule.
    let owned = initial.controller.compile().unwrap();
    let reference = testkit::reference::PD_SUGENO;
    for e in [-0.9f32, -0.3, 0.0, 0.45, 1.0] {
        for de in [-1.0f32, -0.2, 0.3, 0.8] {
            let (ours, _) = crate::util::evaluate(&owned.controller(), &[e, de]);
            let (theirs, _) = crate::util::evaluate(&reference, &[e, de]);
            assert!(
                (ours[0] - theirs[0]).abs() < 1e-6,
                "({e}, {de}): {} vs {}",
                ours[0],
                theirs[0]
            );
        }
    }
}

/// A job that starts from a controller file: the MATLAB tipper's shapes are not the
/// template's, so this checks that the file (not the template) is what is tuned.
fn job_with_engine(
    engine_file: &str,
    engine_text: &str,
    extra: &[(&str, &str)],
) -> (std::path::PathBuf, Result<Job, String>) {
    let dir = std::env::temp_dir().join(format!("engine-job-{}-{}", std::process::id(), engine_file));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(engine_file), engine_text).expect("engine file");
    let mut text = MAIN_JOB
        .replace("population = 60", "population = 6")
        .replace("iterations = 200", "iterations = 2")
        .replace("horizon_s = 8.0", "horizon_s = 2.0")
        .replace("at = 4.0", "at = 1.0")
        .replace(
            "derivative_on = \"measurement\"",
            &format!("derivative_on = \"measurement\"\nengine = \"{engine_file}\""),
        );
    text = text.replace("membership = true", "membership = false");
    for (from, to) in extra {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let path = dir.join("job.toml");
    std::fs::write(&path, &text).expect("job file");
    let job = Job::load(&path).map_err(|e| e.to_string());
    (dir, job)
}

#[test]
fn a_job_can_start_from_a_controller_file_in_any_format() {
    let mut pd = testkit::reference::pd_mamdani_spec();
    pd.outputs[0].terms.reverse(); // not the template's table any more
    for (file, format) in [
        ("start.fis", fuzzy_files::Format::Fis),
        ("start.fcl", fuzzy_files::Format::Fcl),
        ("start.json", fuzzy_files::Format::Json),
    ] {
        let text = fuzzy_files::write(&pd, format).expect("writes").text;
        let (dir, job) = job_with_engine(file, &text, &[]);
        let job = job.unwrap_or_else(|e| panic!("{file}: {e}"));
        let engine = job.controller.engine_spec.clone().expect("read");
        let encoding = Encoding::new(&job);
        // Gains (Ki: the main job is a PD + I), then one consequent gene per rule.
        let names: Vec<&str> = encoding.genes().iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names.len(), 5 + 49, "{names:?}");
        assert_eq!(names[..6], ["Ke", "Kd", "Ku", "Ki", "Tf", "rule1"]);
        // The initial genome is the file itself.
        assert_eq!(encoding.decode(&encoding.initial()).controller, engine, "{file}");
        let outcome = tune_quietly(&job);
        assert_eq!(
            outcome.initial.controller, engine,
            "{file}: the run starts from the file"
        );
        let tuned = &outcome.tuned.controller;
        assert_eq!(tuned.inputs, engine.inputs, "{file}: membership functions kept");
        assert_eq!(tuned.outputs, engine.outputs);
        let (initial_cost, tuned_cost) = (outcome.contenders[0].cost, outcome.contenders[1].cost);
        assert!(tuned_cost <= initial_cost, "{file}: never worse than the file");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn an_engine_file_that_does_not_fit_is_refused_with_the_field() {
    let tipper = include_str!("../data/interop/tipper.fis");
    let (dir, job) = job_with_engine("tipper.fis", tipper, &[]);
    job.expect("the tipper has 2 inputs and 1 output");
    let _ = std::fs::remove_dir_all(&dir);
    let (dir, job) = job_with_engine(
        "tipper.fis",
        tipper,
        &[("membership = false", "membership = true")],
    );
    let e = job.expect_err("membership tuning needs the template");
    assert!(e.contains("[tune] membership"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
    let three = tipper.replace("NumInputs=2", "NumInputs=3").replace(
        "[Output1]",
        "[Input3]\nName='x'\nRange=[0 1]\nNumMFs=1\nMF1='a':'trimf',[0 0 1]\n\n[Output1]",
    );
    let three = three
        .replace("1 1, 1 (1) : 2", "1 1 0, 1 (1) : 2")
        .replace("2 0, 2 (1) : 1", "2 0 0, 2 (1) : 1")
        .replace("3 2, 3 (1) : 2", "3 2 0, 3 (1) : 2");
    let (dir, job) = job_with_engine("three.fis", &three, &[]);
    let e = job.expect_err("three inputs");
    assert!(e.contains("[controller] engine") && e.contains("2 inputs"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
    let (dir, job) = job_with_engine("broken.fis", "[System]\nType='other'\n", &[]);
    let e = job.expect_err("bad file");
    assert!(
        e.contains("[controller] engine") && e.contains("broken.fis: line 2"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Robust tuning's parts, checked by their numbers: a plant gain factor scales the plant's
/// input (the same run as a plant whose gain is multiplied), `robust = "worst"` takes the
/// largest run cost, and scenario noise reaches the measurement only, reproducibly.
#[test]
fn gain_factors_worst_case_and_noise_do_what_the_job_says() {
    use optimizer::job::Robust;
    use optimizer::objective::run_all;
    use sim::control::{Pid, PidConfig};
    use sim::plant::PlantSpec;

    let text = MAIN_JOB
        .replace(
            "name = \"setpoint step\"",
            "name = \"setpoint step\"\nplant_gain_factors = [0.8, 1.0, 1.2]",
        )
        .replace("robust = \"mean\"", "robust = \"worst\"");
    let job = Job::parse(&text, "job.toml").unwrap();
    assert_eq!(job.objective.robust, Robust::Worst);
    let pid = PidConfig {
        kp: 2.0,
        ki: 1.5,
        kd: 0.3,
        output_min: -5.0,
        output_max: 5.0,
        ..PidConfig::default()
    };
    let ts = job.simulation.sample_time_s;
    let runs = run_all(&job, &mut Pid::new(pid, ts)).unwrap();
    let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "setpoint step (plant gain ×0.8)",
            "setpoint step (plant gain ×1)",
            "setpoint step (plant gain ×1.2)",
            "load disturbance"
        ]
    );
    // ×1.2 on the input is the plant with gain 1.2.
    let mut heavier = job.clone();
    heavier.scenarios.truncate(1);
    heavier.scenarios[0].plant_gain_factors.clear();
    if let PlantSpec::SecondOrder(p) = &mut heavier.plant {
        p.gain *= 1.2;
    } else {
        panic!("the main job's plant is second order");
    }
    let reference = run_all(&heavier, &mut Pid::new(pid, ts)).unwrap();
    let (a, b) = (&runs[2].trajectory.output, &reference[0].trajectory.output);
    assert_eq!(a.len(), b.len());
    let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-9, "{worst}");
    assert!(runs[0].metrics.itae != runs[2].metrics.itae);
    // Worst case: the largest of the four run costs.
    let largest = runs.iter().map(|r| r.cost).fold(0.0, f64::max);
    assert_eq!(combine(&runs, Robust::Worst), largest);
    assert!(combine(&runs, Robust::Mean) < largest);

    // Noise: measurement = output + noise with the scenario's seed; the same seed twice gives
    // the same run, the plant output stays the noiseless trajectory's neighbour.
    let noisy_text = MAIN_JOB.replace(
        "name = \"setpoint step\"",
        "name = \"setpoint step\"\nnoise = { std_dev = 0.05, seed = 3 }",
    );
    let noisy = Job::parse(&noisy_text, "job.toml").unwrap();
    let first = run_all(&noisy, &mut Pid::new(pid, ts)).unwrap();
    let again = run_all(&noisy, &mut Pid::new(pid, ts)).unwrap();
    assert_eq!(first[0].trajectory, again[0].trajectory);
    let t = &first[0].trajectory;
    let deviations: Vec<f64> = t.measurement.iter().zip(&t.output).map(|(m, y)| m - y).collect();
    let rms = (deviations.iter().map(|d| d * d).sum::<f64>() / deviations.len() as f64).sqrt();
    assert!((rms - 0.05).abs() < 0.005, "noise rms {rms}");
    // The second scenario has no noise.
    let t = &first[1].trajectory;
    assert!(t.measurement.iter().zip(&t.output).all(|(m, y)| m == y));
}

/// Numeric fields of the main job a user can get wrong, as `(its line in the job, key)`: the
/// value of the first line that sets `key` is replaced.
const NUMERIC_FIELDS: [(&str, &str); 16] = [
    ("gain = 1.0", "gain"),
    ("damping = 0.6", "damping"),
    ("natural_frequency = 2.0", "natural_frequency"),
    ("delay = 0.1", "delay"),
    ("sample_time_s = 0.01", "sample_time_s"),
    ("horizon_s = 8.0", "horizon_s"),
    ("substeps = 4", "substeps"),
    ("error_gain = 1.0", "error_gain"),
    ("rate_gain = 0.5", "rate_gain"),
    ("output_gain = 2.0", "output_gain"),
    ("integral_gain = 1.0", "integral_gain"),
    ("derivative_filter_s = 0.02", "derivative_filter_s"),
    ("itae = 1.0", "itae"),
    ("overshoot_limit_percent = 10.0", "overshoot_limit_percent"),
    ("penalty = 0.05", "penalty"),
    ("total_variation = 0.01", "total_variation"),
];

/// Values that broke things before: non-finite, zero, negative, huge, tiny.
const HOSTILE: [&str; 12] = [
    "nan", "inf", "-inf", "0.0", "-1.0", "1e300", "-1e300", "1e-300", "1e9", "3", "0.5", "-0.0",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any job file built from the main one with hostile numbers parses to an error that names
    /// the field, or tunes (tiny budget) and simulates to a result or a user error: never a
    /// panic, never an internal error. The setpoint and disturbances get hostile values too.
    #[test]
    fn hostile_job_files_are_errors_or_run(
        edits in prop::collection::vec((0..NUMERIC_FIELDS.len(), 0..HOSTILE.len()), 1..4),
        setpoint in prop::option::of(0..HOSTILE.len()),
        disturbance in prop::option::of((0..HOSTILE.len(), 0..HOSTILE.len())),
    ) {
        let mut text = MAIN_JOB
            .replace("population = 60", "population = 4")
            .replace("iterations = 200", "iterations = 1");
        for (field, value) in &edits {
            let (_, key) = NUMERIC_FIELDS[*field];
            // The first line that sets the key (the [controller] value before [tune]'s bounds).
            let Some(line) = text
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{key} =")))
                .map(str::to_string)
            else {
                continue;
            };
            let edited = format!("{key} = {}", HOSTILE[*value]);
            let rest = line.split_once('#').map_or(String::new(), |(_, c)| format!("  # {c}"));
            let indent = &line[..line.len() - line.trim_start().len()];
            text = text.replacen(&line, &format!("{indent}{edited}{rest}"), 1);
        }
        if let Some(v) = setpoint {
            text = text.replacen("value = 1.0, at = 0.0", &format!("value = {}, at = 0.0", HOSTILE[v]), 1);
        }
        if let Some((at, value)) = disturbance {
            text = text.replacen(
                "{ at = 4.0, value = -1.0 }",
                &format!("{{ at = {}, value = {} }}", HOSTILE[at], HOSTILE[value]),
                1,
            );
        }
        let job = match Job::parse(&text, "job.toml") {
            Ok(job) => job,
            Err(e) => {
                let message = e.to_string();
                prop_assert!(message.starts_with("job.toml: "), "{message}");
                return Ok(());
            }
        };
        // Keep the runs short: a valid but long horizon is not what this test is about.
        let samples = job.simulation.horizon_s / job.simulation.sample_time_s;
        prop_assume!(samples <= 20_000.0 && job.simulation.substeps <= 50);
        let outcome = tune(&job, &RunOptions { quiet: true, ..RunOptions::default() });
        if let Err(e) = &outcome {
            prop_assert!(
                !matches!(e, optimizer::run::RunError::Optimizer(_)),
                "internal error on a user's job: {e}\n{text}"
            );
        }
        // simulate's path: the template controller through the job.
        let encoding = Encoding::new(&job);
        let _ = evaluate_fuzzy(&job, &encoding.decode(&encoding.initial()));
    }
}
