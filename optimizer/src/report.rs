//! The output folder of a tuning run.
//!
//! | file | content |
//! |---|---|
//! | `controller.json` | the tuned controller (engine + wrapper), loadable by `fuzzyopt eval` / `export` |
//! | `initial-controller.json` | the template's controller, same format |
//! | `controller.rs` | Rust source for `fuzzy-core` (`no_std` statics: engine and `FuzzyPid`) |
//! | `NAME.h`, `NAME.c` | C99 pair: engine and the tick function (`NAME` from the job's name) |
//! | `metrics.md`, `metrics.json` | every measure per controller and scenario |
//! | `convergence.csv` | best cost per iteration of the fuzzy and PID searches |
//! | `step-N.svg/png` | step responses of all controllers for scenario N, control below |
//! | `surface.svg/png` | control surface of the tuned controller |
//! | `rules.svg/png` | the tuned rule table as a coloured grid (2-input controllers) |
//! | `membership-initial.svg/png`, `membership-tuned.svg/png` | terms before and after |
//! | `convergence.svg/png` | best cost per iteration (log scale) |
//! | `run.json` | name, summary and file list of the run (for `fuzzyopt report`; written last, so a folder with it is complete; the next run into the folder removes the listed files it does not write again) |
//! | `report.html` | one page with all of the above |
//!
//! Every file is written atomically (temporary file, then rename).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sim::files::write_atomically;
use sim::metrics::Metrics;
use sim::plot::{
    Curve, Series, control_surface, membership_functions, rule_table, step_response, time_series,
};

use crate::run::{Contender, Outcome, Progress};

/// Why the output folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A plot failed.
    #[error("{0}")]
    Plot(#[from] sim::plot::PlotError),
    /// Serialisation failed.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Mean ITAE of a contender over its runs.
pub fn mean_itae(contender: &Contender) -> f64 {
    if contender.runs.is_empty() {
        return f64::INFINITY;
    }
    contender.runs.iter().map(|r| r.metrics.itae).sum::<f64>() / contender.runs.len() as f64
}

#[derive(Serialize)]
struct RunRecord<'a> {
    scenario: &'a str,
    cost: f64,
    metrics: &'a Metrics,
}

#[derive(Serialize)]
struct ContenderRecord<'a> {
    controller: &'a str,
    cost: f64,
    mean_itae: f64,
    pid_gains: Option<[f64; 4]>,
    runs: Vec<RunRecord<'a>>,
}

fn option(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

/// A time that applies (`applies`) but was not reached prints as "never"; one that does not
/// apply as "—".
fn reached(v: Option<f64>, applies: bool, digits: usize) -> String {
    match v {
        None if applies => "never".to_string(),
        _ => option(v, digits),
    }
}

/// The metrics table as Markdown.
pub fn metrics_markdown(outcome: &Outcome) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: metrics\n", outcome.job.name);
    let _ = writeln!(
        out,
        "Cost = the job's objective (lower is better), combined over scenarios by its `robust` \
         setting. Times in seconds.\n"
    );
    let _ = writeln!(out, "| controller | cost | mean ITAE |\n| --- | ---: | ---: |");
    for c in &outcome.contenders {
        let _ = writeln!(out, "| {} | {:.6} | {:.6} |", c.label, c.cost, mean_itae(c));
    }
    let labels: Vec<&str> = outcome
        .contenders
        .first()
        .map(|c| c.runs.iter().map(|r| r.label.as_str()).collect())
        .unwrap_or_default();
    for (i, label) in labels.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n## {label}\n\n| controller | ITAE | IAE | ISE | overshoot % | rise | settling (2 %) | \
             steady-state error | control energy | total variation | peak deviation | recovery | \
             late peak-to-peak | diverged |\n\
             | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
        );
        for c in &outcome.contenders {
            if let Some(run) = c.runs.get(i) {
                let m = &run.metrics;
                let _ = writeln!(
                    out,
                    "| {} | {:.5} | {:.5} | {:.5} | {} | {} | {} | {} | {:.4} | {:.4} | {} | {} | {:.5} | {} |",
                    c.label,
                    m.itae,
                    m.iae,
                    m.ise,
                    option(m.overshoot_percent, 2),
                    option(m.rise_time_s, 3),
                    reached(m.settling_time_s, m.overshoot_percent.is_some(), 3),
                    option(m.steady_state_error, 5),
                    m.control_energy,
                    m.total_variation,
                    option(m.peak_deviation, 4),
                    reached(m.recovery_time_s, m.peak_deviation.is_some(), 3),
                    m.late_peak_to_peak,
                    if m.diverged { "yes" } else { "no" }
                );
            }
        }
    }
    if let Some(note) = &outcome.simc_note {
        let _ = writeln!(out, "\nNo SIMC PID: {note}");
    }
    for note in &outcome.notes {
        let _ = writeln!(out, "\n{note}");
    }
    for c in &outcome.contenders {
        if let Some(p) = c.pid {
            let _ = writeln!(
                out,
                "\n{}: Kp = {:.6}, Ki = {:.6}, Kd = {:.6}, Tf = {:.6} s",
                c.label, p.kp, p.ki, p.kd, p.derivative_filter_s
            );
        }
    }
    let w = &outcome.tuned.wrapper;
    let _ = writeln!(
        out,
        "\nTuned fuzzy gains: Ke = {:.6}, Kd = {:.6}, Ku = {:.6}, Ki = {:.6}, Tf = {:.6} s{}",
        w.error_gain,
        w.rate_gain,
        w.output_gain,
        w.integral_gain,
        w.derivative_filter_s,
        if w.structure == fuzzy_core::Structure::GainScheduled {
            format!(
                ", base Kd = {:.6} s (Kp = Ku·(1 + kp), Ki·(1 + ki), Kd·(1 + kd))",
                w.derivative_gain
            )
        } else {
            String::new()
        }
    );
    for (label, controller) in [
        ("initial", &outcome.initial_compiled),
        ("tuned", &outcome.tuned_compiled),
    ] {
        if let Some(q) = crate::surface::quality(controller) {
            let _ = writeln!(
                out,
                "\n{label} fuzzy surface: {} ({} of {} neighbouring grid pairs decrease, by at most {:.5} of \
                 the output range), roughness {:.5}",
                if q.violations == 0 {
                    "monotone"
                } else {
                    "not monotone"
                },
                q.violations,
                q.pairs,
                q.max_decrease,
                q.roughness
            );
        }
    }
    let spec = outcome.tuned_compiled.spec();
    for (o, output) in spec.outputs.iter().enumerate() {
        if let Some(table) = crate::surface::rule_table_markdown(spec, o) {
            match spec.outputs.len() {
                1 => {
                    let _ = write!(out, "\n## tuned rule table\n\n{table}");
                }
                _ => {
                    let _ = write!(out, "\n## tuned rule table: {} factor\n\n{table}", output.name);
                }
            }
        }
    }
    out
}

fn convergence_csv(outcome: &Outcome) -> String {
    let mut out = String::from("search,iteration,best_cost,evaluations,elapsed_s\n");
    for (name, history) in [("fuzzy", &outcome.history), ("pid", &outcome.pid_history)] {
        for p in history {
            let _ = writeln!(
                out,
                "{name},{},{:e},{},{:.6}",
                p.iteration, p.best_cost, p.evaluations, p.elapsed_s
            );
        }
    }
    out
}

fn curve(label: &str, history: &[Progress]) -> Curve {
    Curve {
        label: label.to_string(),
        points: history
            .iter()
            .map(|p| (p.iteration as f64, p.best_cost.max(1e-12)))
            .collect(),
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A small Markdown-table-to-HTML converter for `metrics.md` (tables, headings, paragraphs).
fn markdown_to_html(markdown: &str) -> String {
    let mut out = String::new();
    let mut in_table = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('|') {
            let cells: Vec<&str> = trimmed.trim_matches('|').split('|').map(str::trim).collect();
            if cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':') && !c.is_empty())
            {
                continue;
            }
            if !in_table {
                out.push_str("<table>\n<tr>");
                for c in &cells {
                    let _ = write!(out, "<th>{}</th>", html_escape(c));
                }
                out.push_str("</tr>\n");
                in_table = true;
            } else {
                out.push_str("<tr>");
                for c in &cells {
                    let _ = write!(out, "<td>{}</td>", html_escape(c));
                }
                out.push_str("</tr>\n");
            }
            continue;
        }
        if in_table {
            out.push_str("</table>\n");
            in_table = false;
        }
        if let Some(h) = trimmed.strip_prefix("## ") {
            let _ = writeln!(out, "<h3>{}</h3>", html_escape(h));
        } else if let Some(h) = trimmed.strip_prefix("# ") {
            let _ = writeln!(out, "<h2>{}</h2>", html_escape(h));
        } else if !trimmed.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", html_escape(trimmed));
        }
    }
    if in_table {
        out.push_str("</table>\n");
    }
    out
}

/// The one-sentence summary of a run (also kept in `run.json` for `fuzzyopt report`).
pub fn summary(outcome: &Outcome) -> String {
    let best = outcome.contenders.iter().find(|c| c.label == "tuned fuzzy");
    let initial = outcome.contenders.iter().find(|c| c.label == "initial fuzzy");
    let runs = best.map_or(0, |c| c.runs.len());
    let mut text = format!(
        "Plant {}, sample time {} s, horizon {} s, {} scenario run(s); {} with population {} for {} iterations, \
         seed {}; {:.1} s.",
        outcome.job.plant.type_name(),
        outcome.job.simulation.sample_time_s,
        outcome.job.simulation.horizon_s,
        runs,
        match outcome.job.optimizer.algorithm {
            crate::job::Algorithm::Ga => "genetic algorithm",
            crate::job::Algorithm::Pso => "particle swarm",
            crate::job::Algorithm::CmaEs => "CMA-ES with IPOP restarts",
        },
        outcome.job.optimizer.population,
        outcome.job.optimizer.iterations,
        outcome.job.seed,
        outcome.elapsed_s,
    );
    if let (Some(best), Some(initial)) = (best, initial) {
        let _ = write!(
            text,
            " Mean ITAE: initial {:.5}, tuned {:.5} ({:+.1} %).",
            mean_itae(initial),
            mean_itae(best),
            100.0 * (mean_itae(best) / mean_itae(initial) - 1.0)
        );
    }
    text
}

/// `report.html`: the summary, the metrics and every plot of the folder (the SVG files
/// beside it). `steps` are the step-response plot stems.
pub fn report_page(name: &str, summary: &str, steps: &[String], metrics_md: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{name}: tuning report</title>\n\
         <style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0;font-size:0.9em}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}\
         th{{background:#f2f2f2}}td:first-child,th:first-child{{text-align:left}}img{{max-width:100%;border:1px solid #eee;margin:0.5em 0}}\
         code{{background:#f6f6f6;padding:1px 4px}}</style>\n</head>\n<body>\n<h1>{name}: tuning report</h1>\n<p>{summary}</p>\n",
        name = html_escape(name),
        summary = html_escape(summary),
    );
    out.push_str(
        "<p>Files: <a href=\"controller.json\">controller.json</a>, <a href=\"controller.rs\">controller.rs</a>, \
         the C99 pair, <a href=\"metrics.md\">metrics.md</a>, <a href=\"metrics.json\">metrics.json</a>, \
         <a href=\"convergence.csv\">convergence.csv</a>.</p>\n",
    );
    out.push_str("<h2>Step responses</h2>\n");
    for stem in steps {
        let _ = writeln!(out, "<img src=\"{stem}.svg\" alt=\"{stem}\">");
    }
    out.push_str(&markdown_to_html(metrics_md));
    out.push_str(
        "<h2>Tuned controller</h2>\n<img src=\"surface.svg\" alt=\"control surface\">\n\
         <img src=\"rules.svg\" alt=\"tuned rule table\">\n\
         <h2>Membership functions</h2>\n<h3>Before</h3>\n<img src=\"membership-initial.svg\" alt=\"initial terms\">\n\
         <h3>After</h3>\n<img src=\"membership-tuned.svg\" alt=\"tuned terms\">\n\
         <h2>Convergence</h2>\n<img src=\"convergence.svg\" alt=\"convergence\">\n</body>\n</html>\n",
    );
    out
}

/// `run.json`: what `fuzzyopt report` needs to rebuild the page.
#[derive(Serialize, serde::Deserialize)]
struct RunSummary {
    name: String,
    summary: String,
    /// the files the run wrote (names in the folder), so that the next run into the same
    /// folder can remove the ones it does not write again (absent in older folders)
    #[serde(default)]
    files: Vec<String>,
}

/// The files an earlier run recorded in `dir/run.json` (none when there is no readable one).
fn previous_files(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("run.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<RunSummary>(&text).ok())
        .map(|run| run.files)
        .unwrap_or_default()
}

/// Rebuilds `DIR/report.html` from the files of a tuning run's folder (`run.json`,
/// `metrics.md`, the plots); returns its path.
pub fn rebuild_report(dir: &Path) -> Result<PathBuf, ReportError> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.join(name).display())))
    };
    let run: RunSummary = serde_json::from_str(&read("run.json")?)?;
    let metrics = read("metrics.md")?;
    let mut steps: Vec<(usize, String)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let number = name.strip_prefix("step-")?.strip_suffix(".svg")?.parse().ok()?;
            Some((number, format!("step-{number}")))
        })
        .collect();
    steps.sort();
    let steps: Vec<String> = steps.into_iter().map(|(_, s)| s).collect();
    let path = dir.join("report.html");
    write_atomically(
        &path,
        report_page(&run.name, &run.summary, &steps, &metrics).as_bytes(),
    )?;
    Ok(path)
}

/// Writes the whole output folder (see the [module docs](self)); returns the files written.
pub fn write_folder(outcome: &Outcome, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    // An earlier run's file list; its run.json goes first, so that a run interrupted while
    // writing leaves a folder without run.json (incomplete) rather than one that looks whole.
    let previous = previous_files(dir);
    let old = dir.join("run.json");
    if old.is_file() {
        std::fs::remove_file(&old)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", old.display())))?;
    }
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        let path = dir.join(name);
        write_atomically(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    write(
        "controller.json",
        serde_json::to_string_pretty(&outcome.tuned)?.as_bytes(),
    )?;
    write(
        "initial-controller.json",
        serde_json::to_string_pretty(&outcome.initial)?.as_bytes(),
    )?;
    write(
        "controller.rs",
        fuzzy_files::export::rust::write_tuned(&outcome.tuned_compiled, &outcome.tuned.wrapper).as_bytes(),
    )?;
    // C99 pair, when the controller uses only what the C exporter supports (always true for
    // fuzzyopt's templates); otherwise the reason goes into metrics.md's notes.
    match fuzzy_files::export::c::write(&outcome.tuned_compiled, Some(&outcome.tuned.wrapper)) {
        Ok(c) => {
            write(&format!("{}.h", c.stem), c.header.as_bytes())?;
            write(&format!("{}.c", c.stem), c.source.as_bytes())?;
        }
        Err(e) => write("c-export-skipped.txt", e.to_string().as_bytes())?,
    }
    write("metrics.md", metrics_markdown(outcome).as_bytes())?;
    let records: Vec<ContenderRecord<'_>> = outcome
        .contenders
        .iter()
        .map(|c| ContenderRecord {
            controller: &c.label,
            cost: c.cost,
            mean_itae: mean_itae(c),
            pid_gains: c.pid.map(|p| [p.kp, p.ki, p.kd, p.derivative_filter_s]),
            runs: c
                .runs
                .iter()
                .map(|r| RunRecord {
                    scenario: &r.label,
                    cost: r.cost,
                    metrics: &r.metrics,
                })
                .collect(),
        })
        .collect();
    write("metrics.json", serde_json::to_string_pretty(&records)?.as_bytes())?;
    write("convergence.csv", convergence_csv(outcome).as_bytes())?;

    let mut steps = Vec::new();
    let scenario_count = outcome.contenders.first().map_or(0, |c| c.runs.len());
    for i in 0..scenario_count {
        let series: Vec<Series<'_>> = outcome
            .contenders
            .iter()
            .filter_map(|c| {
                c.runs.get(i).map(|r| Series {
                    label: &c.label,
                    trajectory: &r.trajectory,
                })
            })
            .collect();
        let title = outcome.contenders[0].runs[i].label.clone();
        let stem = format!("step-{}", i + 1);
        written.extend(step_response(
            &dir.join(&stem),
            &format!("{} — {}", outcome.job.name, title),
            &series,
            "plant output y",
            "control u",
        )?);
        steps.push(stem);
    }
    // The gain-scheduled PID: the surface and table of its first output, the Kp factor (all
    // three tables are in metrics.md).
    let scheduled = outcome.tuned.wrapper.structure == fuzzy_core::Structure::GainScheduled;
    let (surface_title, surface_z, rules_title) = if scheduled {
        (
            "tuned Kp factor kp(e, de), Kp = Ku·(1 + kp)",
            "kp",
            "tuned Kp factor table",
        )
    } else {
        ("tuned u(e, de) (normalised inputs)", "u", "tuned rule table")
    };
    written.extend(control_surface(
        &dir.join("surface"),
        &format!("{}: {surface_title}", outcome.job.name),
        &outcome.tuned_compiled.controller(),
        ["e (normalised)", "de (normalised)", surface_z],
        101,
    )?);
    if let Some(grid) = crate::surface::rule_grid(outcome.tuned_compiled.spec(), 0) {
        written.extend(rule_table(
            &dir.join("rules"),
            &format!("{}: {rules_title}", outcome.job.name),
            &grid,
        )?);
    }
    written.extend(membership_functions(
        &dir.join("membership-initial"),
        "Initial membership functions",
        &outcome.initial_compiled,
    )?);
    written.extend(membership_functions(
        &dir.join("membership-tuned"),
        "Tuned membership functions",
        &outcome.tuned_compiled,
    )?);
    let mut curves = vec![curve("fuzzy controller", &outcome.history)];
    if !outcome.pid_history.is_empty() {
        curves.push(curve("PID", &outcome.pid_history));
    }
    written.extend(time_series(
        &dir.join("convergence"),
        "Best cost per iteration",
        "iteration",
        "best cost",
        &curves,
        true,
    )?);
    let html = report_page(
        &outcome.job.name,
        &summary(outcome),
        &steps,
        &metrics_markdown(outcome),
    );
    let path = dir.join("report.html");
    write_atomically(&path, html.as_bytes())?;
    written.push(path);
    let path = dir.join("run.json");
    let mut files: Vec<String> = written
        .iter()
        .chain(std::iter::once(&path))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    files.sort();
    // Files an earlier run into this folder wrote and this one does not (another job's C
    // pair, a third scenario's plots): removed, so the folder holds one run. Only names
    // recorded in the earlier run.json are touched, never other files.
    let plain_name = |f: &String| Path::new(f).file_name().is_some_and(|n| n == f.as_str());
    for stale in previous.iter().filter(|f| plain_name(f) && !files.contains(f)) {
        let stale = dir.join(stale);
        if stale.is_file() {
            std::fs::remove_file(&stale)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", stale.display())))?;
        }
    }
    let run = RunSummary {
        name: outcome.job.name.clone(),
        summary: summary(outcome),
        files,
    };
    // Written last: a folder whose run.json lists the files is complete.
    write_atomically(&path, serde_json::to_string_pretty(&run)?.as_bytes())?;
    written.push(path);
    Ok(written)
}
