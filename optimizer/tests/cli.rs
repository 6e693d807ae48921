//! The `fuzzyopt` binary as a user runs it: outputs, files and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MAIN_JOB: &str = include_str!("../../examples/jobs/second-order.toml");

fn fuzzyopt(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fuzzyopt"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("fuzzyopt runs")
}

fn temporary_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuzzyopt-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The main job, shrunk so that a debug build finishes in seconds.
const SMALL: &[(&str, &str)] = &[
    ("population = 60", "population = 6"),
    ("iterations = 200", "iterations = 2"),
    ("horizon_s = 8.0", "horizon_s = 2.0"),
    ("at = 4.0", "at = 1.0"),
];

fn small_job(dir: &Path) -> PathBuf {
    let mut text = MAIN_JOB.to_string();
    for (from, to) in SMALL {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let path = dir.join("small.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_subcommand_has_help() {
    let dir = temporary_dir("help");
    for sub in [
        "plants", "init", "tune", "eval", "export", "simulate", "report", "bench", "convert",
    ] {
        let out = fuzzyopt(&[sub, "--help"], &dir);
        assert!(out.status.success(), "{sub} --help");
        assert!(stdout(&out).contains("Usage: fuzzyopt"), "{sub}");
    }
}

#[test]
fn plants_lists_the_catalogue() {
    let out = fuzzyopt(&["plants"], &temporary_dir("plants"));
    assert!(out.status.success());
    let text = stdout(&out);
    for name in [
        "first_order",
        "cart_pole",
        "water_tank",
        "thermal",
        "transfer_function",
        "state_space",
    ] {
        assert!(text.contains(name), "{name}");
    }
    assert!(text.contains("natural_frequency = 1.0"));
}

#[test]
fn init_writes_the_starter_job_and_never_overwrites_silently() {
    let dir = temporary_dir("init");
    let out = fuzzyopt(&["init", "job.toml"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("job.toml")).unwrap(), MAIN_JOB);
    let again = fuzzyopt(&["init", "job.toml"], &dir);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        "fuzzyopt: error: job.toml exists; use --force to overwrite it\n"
    );
}

#[test]
fn user_mistakes_exit_with_code_2_and_one_message() {
    let dir = temporary_dir("errors");
    std::fs::write(
        dir.join("bad.toml"),
        MAIN_JOB.replace("seed = 1", "seed = \"one\""),
    )
    .unwrap();
    let out = fuzzyopt(&["tune", "bad.toml", "--quiet"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.starts_with("fuzzyopt: error: bad.toml: TOML parse error at line 6, column 8"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    let missing = fuzzyopt(&["tune", "missing.toml"], &dir);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("missing.toml: cannot read"));
    // The command line's overrides obey the job file's limits.
    std::fs::write(dir.join("good.toml"), MAIN_JOB).unwrap();
    for (option, message) in [
        ("--iterations=1000000", "--iterations must be 1 to 100000"),
        ("--threads=5000", "--threads must be 0 (all cores) to 1024"),
    ] {
        let out = fuzzyopt(&["tune", "good.toml", option, "--quiet"], &dir);
        assert_eq!(out.status.code(), Some(2), "{option}");
        assert_eq!(stderr(&out).trim(), format!("fuzzyopt: error: {message}"));
    }
    // A JSON controller with a wrong value: line, column and plain words, once.
    std::fs::write(dir.join("pid.json"), r#"{"kp": "x", "ki": 1, "kd": 0}"#).unwrap();
    let out = fuzzyopt(&["simulate", "--job", "good.toml", "pid.json"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "fuzzyopt: error: pid.json: line 1, column 10: invalid type: string \"x\", expected a number"
    );
    // A scenario the plant cannot start from: tune names the cause, as simulate does.
    std::fs::write(
        dir.join("start.toml"),
        MAIN_JOB.replace(
            "name = \"setpoint step\"",
            "name = \"setpoint step\"\ninitial_state = [0.0]",
        ),
    )
    .unwrap();
    let out = fuzzyopt(&["tune", "start.toml", "--quiet"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "fuzzyopt: error: the initial fuzzy controller cannot be built or simulated: plant linear: \
         initial_state must have 2 entries (one per state)"
    );
}

#[test]
fn tune_writes_the_folder_then_eval_and_export_read_it() {
    let dir = temporary_dir("tune");
    let job = small_job(&dir);
    let out = fuzzyopt(
        &[
            "tune",
            job.to_str().unwrap(),
            "-o",
            "run",
            "--quiet",
            "--threads",
            "1",
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("tuned fuzzy")
            && text.contains("PID (SIMC)")
            && text.contains("report: run/report.html"),
        "{text}"
    );
    assert!(dir.join("run/controller.json").exists() && dir.join("run/step-2.png").exists());

    let out = fuzzyopt(&["eval", "run/controller.json", "0.5", "-0.25"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines[0], "e,de,u");
    assert!(lines[1].starts_with("0.5,-0.25,"), "{}", lines[1]);
    let u: f32 = lines[1].rsplit(',').next().unwrap().parse().unwrap();
    assert!((-1.0..=1.0).contains(&u));

    std::fs::write(dir.join("inputs.csv"), "de,e\n0.1,0.2\n-1,1\n").unwrap();
    let out = fuzzyopt(&["eval", "run/controller.json", "--inputs", "inputs.csv"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(stdout(&out).lines().nth(1).unwrap().starts_with("0.2,0.1,"));

    // A byte-order mark, quoted names and blank lines (the `csv` crate reads them).
    std::fs::write(
        dir.join("excel.csv"),
        "\u{feff}\"de\",\"e\"\r\n0.1,0.2\r\n\r\n-1,1\r\n",
    )
    .unwrap();
    let out = fuzzyopt(&["eval", "run/controller.json", "--inputs", "excel.csv"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(stdout(&out).lines().nth(1).unwrap().starts_with("0.2,0.1,"));

    std::fs::write(dir.join("bad.csv"), "e,de\n0.1,x\n").unwrap();
    let out = fuzzyopt(&["eval", "run/controller.json", "--inputs", "bad.csv"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.csv: line 2, column `de`: not a number: `x`"),
        "{}",
        stderr(&out)
    );
    let out = fuzzyopt(&["eval", "run/controller.json", "0.5"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has 2 inputs (e, de); got 1 values"));

    let out = fuzzyopt(&["export", "run/controller.json", "--format", "rust"], &dir);
    assert!(out.status.success());
    assert!(stdout(&out).contains("pub static SECOND_ORDER_PID: FuzzyPid<'static>"));
    let out = fuzzyopt(
        &[
            "export",
            "run/controller.json",
            "--format",
            "json",
            "-o",
            "copy.json",
        ],
        &dir,
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("copy.json")).unwrap(),
        std::fs::read_to_string(dir.join("run/controller.json")).unwrap()
    );
    // `-o NAME.c` writes the pair as NAME.c and NAME.h (not a folder named NAME.c).
    let out = fuzzyopt(
        &[
            "export",
            "run/controller.json",
            "--format",
            "c",
            "-o",
            "src/motor.c",
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("src/motor.h").is_file() && dir.join("src/motor.c").is_file());
    let source = std::fs::read_to_string(dir.join("src/motor.c")).unwrap();
    assert!(source.contains("#include \"motor.h\""));
    // The fixed-point C: the engine and the PID step in integers.
    let out = fuzzyopt(
        &[
            "export",
            "run/controller.json",
            "--format",
            "c-fixed",
            "-o",
            "src/motor_q.c",
        ],
        &dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let source = std::fs::read_to_string(dir.join("src/motor_q.c")).unwrap();
    assert!(source.contains("#include \"motor_q.h\""));
    assert!(source.contains("int32_t second_order_q_pid_step(second_order_q_pid_state *state"));
    // A controller without a fixed-point form: the error says why.
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/corpus/all-shapes.fis");
    let out = fuzzyopt(&["export", corpus, "--format", "c-fixed"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("all-shapes.fis") && stderr(&out).contains("no fixed-point form: input 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_killed_run_resumes_to_the_same_result() {
    let dir = temporary_dir("resume");
    let mut text = MAIN_JOB.to_string();
    // With early stopping: its threshold is saved in the checkpoint too.
    for (from, to) in [
        ("population = 60", "population = 8\nearly_stop = true"),
        ("iterations = 200", "iterations = 12"),
        ("horizon_s = 8.0", "horizon_s = 2.0"),
        ("at = 4.0", "at = 1.0"),
    ] {
        text = text.replace(from, to);
    }
    std::fs::write(dir.join("job.toml"), text).unwrap();
    let args = |out: &str| -> Vec<String> {
        [
            "tune",
            "job.toml",
            "-o",
            out,
            "--quiet",
            "--threads",
            "1",
            "--checkpoint-every",
            "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let full = fuzzyopt(&args("full").iter().map(String::as_str).collect::<Vec<_>>(), &dir);
    assert!(full.status.success(), "{}", stderr(&full));

    // Start the same run and kill it as soon as its first checkpoint exists.
    let mut child = Command::new(env!("CARGO_BIN_EXE_fuzzyopt"))
        .args(args("killed"))
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let checkpoint = dir.join("killed/checkpoint/fuzzy.cbor");
    let started = std::time::Instant::now();
    while !checkpoint.exists() && started.elapsed() < std::time::Duration::from_secs(120) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(checkpoint.exists(), "no checkpoint was written");
    assert!(
        !dir.join("killed/controller.json").exists(),
        "the run finished before it was killed"
    );

    let mut resume = args("killed");
    resume.push("--resume".to_string());
    let resumed = fuzzyopt(&resume.iter().map(String::as_str).collect::<Vec<_>>(), &dir);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    for file in ["controller.json", "metrics.json"] {
        assert_eq!(
            std::fs::read(dir.join("full").join(file)).unwrap(),
            std::fs::read(dir.join("killed").join(file)).unwrap(),
            "{file} differs after resuming"
        );
    }
    // The best-cost history (without the wall-clock column) is the same too.
    let history = |run: &str| -> Vec<String> {
        std::fs::read_to_string(dir.join(run).join("convergence.csv"))
            .unwrap()
            .lines()
            .map(|l| l.rsplit_once(',').map_or("", |(head, _)| head).to_string())
            .collect()
    };
    assert_eq!(history("full"), history("killed"));
    // The searches' final states (populations with their costs, some of them early-stopped
    // bounds, and the threshold) are the same too; not the evaluation counters and timings,
    // which restart with the resumed process.
    fn without(value: ciborium::Value, keys: &[&str]) -> Vec<(String, ciborium::Value)> {
        value
            .into_map()
            .unwrap()
            .into_iter()
            .map(|(k, v)| (k.into_text().unwrap(), v))
            .filter(|(k, _)| !keys.contains(&k.as_str()))
            .collect()
    }
    let state = |run: &str, file: &str| -> Vec<(String, ciborium::Value)> {
        let bytes = std::fs::read(dir.join(run).join("checkpoint").join(file)).unwrap();
        let value: ciborium::Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        without(value, &["history"])
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "state" => (
                    k,
                    ciborium::Value::Map(
                        without(v, &["counts", "time"])
                            .into_iter()
                            .map(|(k, v)| (ciborium::Value::Text(k), v))
                            .collect(),
                    ),
                ),
                _ => (k, v),
            })
            .collect()
    };
    for file in ["fuzzy.cbor", "fuzzy.polish.cbor", "pid.cbor"] {
        assert!(
            state("full", file) == state("killed", file),
            "{file}: the resumed search ended in another state"
        );
    }

    let missing = fuzzyopt(&["tune", "job.toml", "-o", "nowhere", "--resume"], &dir);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("--resume: no checkpoint in nowhere/checkpoint"));
}

#[test]
fn resume_refuses_another_search_and_clears_stale_temporaries() {
    let dir = temporary_dir("resume-other");
    let mut text = MAIN_JOB.to_string();
    for (from, to) in [
        ("population = 60", "population = 6"),
        ("iterations = 200", "iterations = 4"),
        ("horizon_s = 8.0", "horizon_s = 1.0"),
        ("at = 4.0", "at = 0.5"),
    ] {
        text = text.replace(from, to);
    }
    std::fs::write(dir.join("job.toml"), &text).unwrap();
    std::fs::write(dir.join("job5.toml"), text.replace("terms = 7", "terms = 5")).unwrap();
    let base = ["-o", "out", "--quiet", "--checkpoint-every", "1"];
    let run = |job: &str, extra: &[&str]| {
        let mut args = vec!["tune", job];
        args.extend(base);
        args.extend(extra);
        fuzzyopt(&args, &dir)
    };
    let first = run("job.toml", &[]);
    assert!(first.status.success(), "{}", stderr(&first));

    // What a kill -9 during an atomic write leaves, and files of other names that stay.
    let stale = [
        dir.join("out/.controller.json.999999.tmp"),
        dir.join("out/checkpoint/.fuzzy.cbor.4242.tmp"),
    ];
    let kept = [dir.join("out/.keep.tmp"), dir.join("out/notes.4.tmp")];
    for file in stale.iter().chain(&kept) {
        std::fs::write(file, "x").unwrap();
    }

    for (job, extra, difference) in [
        (
            "job.toml",
            &["--resume", "--iterations", "5"][..],
            "job.optimizer.iterations: 4 in the checkpoint, 5 now",
        ),
        (
            "job.toml",
            &["--resume", "--seed", "9"][..],
            "job.seed: 1 in the checkpoint, 9 now",
        ),
        (
            "job5.toml",
            &["--resume"][..],
            "job.controller.terms: 7 in the checkpoint, 5 now",
        ),
    ] {
        let refused = run(job, extra);
        assert_eq!(refused.status.code(), Some(2), "{extra:?}: {}", stderr(&refused));
        let message = stderr(&refused);
        assert!(
            message.contains("checkpoint is of another search") && message.contains(difference),
            "{message}"
        );
    }
    for file in &stale {
        assert!(!file.exists(), "{} was not removed", file.display());
    }
    // The same job with another thread count is the same search.
    let resumed = run("job.toml", &["--resume", "--threads", "2"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    for file in &kept {
        assert!(file.exists(), "{} was removed", file.display());
    }
}

#[test]
fn converting_a_tuned_controller_keeps_or_mentions_its_gains() {
    let dir = temporary_dir("convert-tuned");
    let mut text = MAIN_JOB.to_string();
    for (from, to) in [
        ("population = 60", "population = 4"),
        ("iterations = 200", "iterations = 2"),
        ("horizon_s = 8.0", "horizon_s = 1.0"),
        ("at = 4.0", "at = 0.5"),
    ] {
        text = text.replace(from, to);
    }
    std::fs::write(dir.join("job.toml"), text).unwrap();
    let tuned = fuzzyopt(&["tune", "job.toml", "-o", "out", "--quiet"], &dir);
    assert!(tuned.status.success(), "{}", stderr(&tuned));
    // To .fis: the engine, and a note with the gains it leaves out.
    let fis = fuzzyopt(&["convert", "out/controller.json", "tuned.fis"], &dir);
    assert!(fis.status.success(), "{}", stderr(&fis));
    let message = stderr(&fis);
    assert!(
        message.contains("the tuned wrapper (structure pd_plus_i, Ts 0.01 s, Ke ")
            && message.contains("has no place in a .fis file"),
        "{message}"
    );
    // To every format (the job's name "second-order" is not an identifier in FCL/FLL: it is
    // renamed with a note) and back: the same outputs.
    let original = fuzzy_files::load(&dir.join("out/controller.json"), None)
        .unwrap()
        .compile()
        .unwrap();
    for ext in ["fis", "fcl", "fll"] {
        let file = format!("every.{ext}");
        let out = fuzzyopt(&["convert", "out/controller.json", &file], &dir);
        assert!(out.status.success(), "{ext}: {}", stderr(&out));
        let back = fuzzy_files::load(&dir.join(&file), None)
            .unwrap()
            .compile()
            .unwrap();
        for i in 0..=8 {
            for j in 0..=8 {
                let x = [-1.0 + i as f32 / 4.0, -1.0 + j as f32 / 4.0];
                let (a, b) = (original.evaluate(&x).0[0], back.evaluate(&x).0[0]);
                assert!((a - b).abs() <= 1e-5, "{ext} at {x:?}: {a} vs {b}");
            }
        }
    }
    // To JSON: the wrapper is kept.
    let json = fuzzyopt(&["convert", "out/controller.json", "copy.json"], &dir);
    assert!(json.status.success(), "{}", stderr(&json));
    let read = |file: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
    };
    assert_eq!(
        read("copy.json")["wrapper"],
        read("out/controller.json")["wrapper"]
    );
    assert_eq!(
        read("copy.json")["controller"],
        read("out/controller.json")["controller"]
    );
    // Simulated in a job that samples at another rate: it runs, and says so.
    let job = std::fs::read_to_string(dir.join("job.toml")).unwrap();
    std::fs::write(
        dir.join("slow.toml"),
        job.replace("sample_time_s = 0.01", "sample_time_s = 0.02"),
    )
    .unwrap();
    // `report` rebuilds the page from the folder and says so once.
    std::fs::remove_file(dir.join("out/report.html")).unwrap();
    let report = fuzzyopt(&["report", "out"], &dir);
    assert!(report.status.success(), "{}", stderr(&report));
    assert_eq!(
        String::from_utf8_lossy(&report.stdout).trim(),
        "wrote out/report.html"
    );
    let page = std::fs::read_to_string(dir.join("out/report.html")).unwrap();
    assert!(page.contains("second-order: tuning report") && page.contains("step-1.svg"));
    // `simulate --json` of a PID: the numbers of the same PID run in-process.
    std::fs::write(dir.join("pid.json"), r#"{"kp": 2.0, "ki": 1.5, "kd": 0.3}"#).unwrap();
    let simulated = fuzzyopt(&["simulate", "--job", "job.toml", "--json", "pid.json"], &dir);
    assert!(simulated.status.success(), "{}", stderr(&simulated));
    let rows: serde_json::Value = serde_json::from_slice(&simulated.stdout).unwrap();
    let job = optimizer::job::Job::load(&dir.join("job.toml")).unwrap();
    let pid: sim::control::PidConfig = serde_json::from_str(r#"{"kp": 2.0, "ki": 1.5, "kd": 0.3}"#).unwrap();
    let runs = optimizer::objective::run_all(
        &job,
        &mut sim::control::Pid::new(pid, job.simulation.sample_time_s),
    )
    .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), runs.len());
    for (row, run) in rows.as_array().unwrap().iter().zip(&runs) {
        assert_eq!(row["scenario"], run.label.as_str());
        assert_eq!(row["metrics"]["itae"].as_f64().unwrap(), run.metrics.itae);
        assert_eq!(row["cost"].as_f64().unwrap(), run.cost);
    }
    let slow = fuzzyopt(&["simulate", "--job", "slow.toml", "out/controller.json"], &dir);
    assert!(slow.status.success(), "{}", stderr(&slow));
    assert!(
        stderr(&slow)
            .contains("out/controller.json: tuned at Ts = 0.01 s, run here at the job's Ts = 0.02 s"),
        "{}",
        stderr(&slow)
    );
}

const TIPPER_FIS: &str = include_str!("../../tests/data/interop/tipper.fis");

#[test]
fn convert_moves_a_controller_between_formats_and_every_command_reads_them() {
    let dir = temporary_dir("convert");
    std::fs::write(dir.join("tipper.fis"), TIPPER_FIS).unwrap();
    // .fis → .fcl → .json keeps the controller: eval prints the same line.
    for (from, to) in [("tipper.fis", "tipper.fcl"), ("tipper.fcl", "tipper.json")] {
        let out = fuzzyopt(&["convert", from, to], &dir);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let expected = "service,food,tip\n1.0,2.0,5.558586\n";
    for file in ["tipper.fis", "tipper.fcl", "tipper.json"] {
        let out = fuzzyopt(&["eval", file, "1", "2"], &dir);
        assert_eq!(stdout(&out), expected, "{file}: {}", stderr(&out));
    }
    // FLL needs fuzzylite's sampling: refused with the reason, accepted with --resample
    // (with a note saying so).
    let out = fuzzyopt(&["convert", "tipper.fis", "tipper.fll"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fuzzylite samples interval midpoints"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("tipper.fll").exists(), "nothing written on error");
    let out = fuzzyopt(&["convert", "tipper.fis", "tipper.fll", "--resample"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: output 'tip': resampled"),
        "{}",
        stderr(&out)
    );
    // fuzzylite 6 (f64) evaluates this file to 5.550242652 (`-decimals 9`).
    let out = fuzzyopt(&["eval", "tipper.fll", "1", "2"], &dir);
    assert_eq!(
        stdout(&out),
        "service,food,tip\n1.0,2.0,5.5502434\n",
        "{}",
        stderr(&out)
    );
    // bench reads them too.
    let out = fuzzyopt(&["bench", "tipper.fcl", "--evaluations", "1000"], &dir);
    assert!(stdout(&out).contains("ns per evaluation"), "{}", stderr(&out));
    // A mistake names file, line and column.
    std::fs::write(
        dir.join("bad.fcl"),
        "FUNCTION_BLOCK b\nVAR_INPUT x : INT; END_VAR\n",
    )
    .unwrap();
    let out = fuzzyopt(&["convert", "bad.fcl", "bad.json"], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.fcl: line 2, column 15: variable type 'INT' is not supported (REAL)"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_where_every_controller_diverges_says_so() {
    let dir = temporary_dir("diverged");
    let unstable = MAIN_JOB
        .replace(
            "type = \"second_order\"\ngain = 1.0\ndamping = 0.6\nnatural_frequency = 2.0\ndelay = 0.1",
            "type = \"transfer_function\"\nnumerator = [1.0]\ndenominator = [1.0, -5.0]",
        )
        .replace(
            "actuator = { min = -5.0, max = 5.0 }",
            "actuator = { min = -0.01, max = 0.01 }",
        )
        .replace("population = 60", "population = 6")
        .replace("iterations = 200 ", "iterations = 2 ");
    assert!(unstable.contains("denominator = [1.0, -5.0]") && unstable.contains("max = 0.01"));
    std::fs::write(dir.join("unstable.toml"), unstable).unwrap();
    let out = fuzzyopt(&["tune", "unstable.toml", "--quiet", "-o", "run"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("fuzzyopt: warning: every controller diverged in at least one scenario"),
        "{}",
        stderr(&out)
    );
    // And in the report's notes.
    let metrics = std::fs::read_to_string(dir.join("run/metrics.md")).unwrap();
    assert!(
        metrics.contains("Warning: every controller diverged"),
        "{metrics}"
    );
}

#[test]
fn a_second_run_into_the_same_folder_removes_the_first_runs_files_only() {
    let dir = temporary_dir("reuse");
    let first = small_job(&dir);
    let out = fuzzyopt(&["tune", first.to_str().unwrap(), "--quiet", "-o", "run"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("run/second_order.c").is_file());
    std::fs::write(dir.join("run/notes.txt"), "mine").unwrap();
    let other = std::fs::read_to_string(&first)
        .unwrap()
        .replace("name = \"second-order\"", "name = \"other-plant\"");
    std::fs::write(dir.join("other.toml"), other).unwrap();
    let out = fuzzyopt(&["tune", "other.toml", "--quiet", "-o", "run"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("run/other_plant.c").is_file());
    assert!(!dir.join("run/second_order.c").exists() && !dir.join("run/second_order.h").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("run/notes.txt")).unwrap(),
        "mine"
    );
}
