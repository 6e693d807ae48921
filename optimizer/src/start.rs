//! The PID-equivalent start: the job's fuzzy controller, set up so that it acts like a given
//! PID wherever its scaled inputs stay inside their ranges.
//!
//! The fuzzy PD + I law is `u = Ku·F(Ke·e, Kd·ė) + Ki·∫e`. If the engine's surface is linear,
//! `F(x, y) = a·x + b·y`, this is the PID `Kp·e + Kd_pid·ė + Ki·∫e` with `Kp = Ku·Ke·a` and
//! `Kd_pid = Ku·Kd·b`, as long as `|Ke·e|` and `|Kd·ė|` stay inside the inputs' ranges (the
//! engine clamps them there). Rate filter, derivative on error or measurement, output limits
//! and conditional integration are the same in both laws; the fuzzy controller runs in `f32`.
//! The other structures: fuzzy PD drops `Ki`; incremental fuzzy PI integrates `Ku·F`, so
//! `Ki = Ku·Ke·a` and `Kp = Ku·Kd·b` (the PID's `Kd` has no counterpart). The fuzzy PID
//! (MATLAB's structure, `u = C1·F + C0·∫F`) is the PID `Kp = C1·a·Ke + C0·b·Kd`,
//! `Ki = C0·a·Ke`, `Kd = C1·b·Kd` (Ku = C1, Ki gene = C0): exact for a PID with real zeros
//! (`Kp² ≥ 4·Ki·Kd`, see `zero_ratio`) in its gains. In the loop its integral branch also
//! carries `C0·Kd·b·∫ė`, which is the proportional part `C0·b·Kd·e` only for derivative on
//! error without rate filter, with zero error before the first sample (the first step has no
//! rate) and while the output is not limited (anti-windup then holds part of the P action):
//! elsewhere the start approximates the PID, and the report shows both costs.
//!
//! The gain-scheduled PID starts from zero gain tables: `Kp = Ku`, `Ki`, `Kd = derivative_gain`
//! are the PID's own and the controller is that PID for every input, exactly (same filter,
//! limits and anti-windup).
//!
//! **Surfaces.** A Sugeno template with one tuned constant per rule gets the table
//! `c_ij = (x_i + y_j)/2` at the input peaks: with evenly spaced triangles and product AND the
//! weighted average interpolates it bilinearly, so `F = (x + y)/2` exactly on the whole input
//! square (`a = b = 1/2`). Every other template keeps the diagonal table (Mamdani: the term
//! index `i + j − (n − 1)/2`, clamped), whose surface is close to `x + y` for `|x|, |y| ≤ 1/2`
//! but not exactly linear (centroid of clipped triangles): there `a` and `b` are the
//! least-squares slopes of the engine's own surface over that square, measured on a 41 × 41
//! grid, and the start only approximates the PID (its cost is reported next to the PID's).
//!
//! **Scaling.** `Ku·Ke` and `Ku·Kd` follow from the PID; `Ku` is then the smallest value for
//! which the PID's own runs through the job's scenarios keep both scaled inputs within 90 %
//! of the square above (the largest `|e|` and filtered `|ė|` of those runs). Gains the job
//! does not tune keep their values (the start is then not equivalent; a note says so), and
//! bounds that do not hold the start's gains are widened to hold them (a note says so too).

use fuzzy_core::Structure;
use sim::control::{DerivativeOn, Pid, PidConfig};

use crate::encoding::Encoding;
use crate::job::Job;
use crate::objective::run_all;

/// A start genome and what was done to make it.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// the genome (in the encoding's possibly widened bounds)
    pub genome: Vec<f64>,
    /// slopes `(a, b)` of the engine surface the gains were computed with (0 for the
    /// gain-scheduled PID, whose start does not go through a surface)
    pub slopes: (f64, f64),
    /// notes for the report: bounds widened, gains that could not be set
    pub notes: Vec<String>,
}

/// Scaled inputs stay within this fraction of the linear square.
const HEADROOM: f64 = 0.9;

/// The PID-equivalent start for `pid` (see the [module docs](self)); widens `encoding`'s gain
/// bounds where needed. `None` when the PID cannot be simulated on the job or the template
/// cannot be built.
pub fn pid_equivalent(encoding: &mut Encoding, job: &Job, pid: &PidConfig) -> Option<Start> {
    let n = job.controller.terms as usize;
    if job.controller.engine_spec.is_some() {
        return None;
    }
    if job.controller.structure == Structure::GainScheduled {
        return gain_scheduled(encoding, job, pid);
    }
    let peak = |i: usize| -1.0 + 2.0 * i as f64 / (n - 1) as f64;
    let (table, half_width): (Vec<f64>, f64) = if encoding.constants_per_rule() {
        (
            (0..n * n).map(|c| (peak(c / n) + peak(c % n)) / 2.0).collect(),
            1.0,
        )
    } else {
        (
            (0..n * n)
                .map(|c| Encoding::diagonal(c / n, c % n, n) as f64)
                .collect(),
            0.5,
        )
    };
    // Slopes of the surface, from the template with this table (gains do not matter here).
    let (probe, _) = encoding.clone().template_genome([1.0; 6], &table);
    let spec = encoding.decode(&probe).controller.compile().ok()?;
    let slopes = surface_slopes(&spec, half_width)?;

    let filter_s = start_filter(encoding, job, pid);
    let (error_max, rate_max) = input_extremes(job, pid, filter_s)?;
    let mut notes = Vec::new();
    // Ku·Ke and Ku·Kd for the structures whose F carries P and D, Ke and Kd for the fuzzy
    // PID; then `Ku` (the fuzzy PID: the scale of Ke and Kd) from the inputs' reach.
    let reach = |ke: f64, kd: f64| {
        let reach = (ke * error_max).max(kd * rate_max) / (HEADROOM * half_width);
        if reach.is_finite() && reach > 0.0 {
            reach
        } else {
            1.0
        }
    };
    let gains = match job.controller.structure {
        Structure::Pid => {
            let (ratio, note) = zero_ratio(pid.kp, pid.ki, pid.kd);
            notes.extend(note);
            // `p = a·Ke = 1/s`, `q = b·Kd = ratio/s`; `Ki_pid = C0·p`, `Kd_pid = C1·q`,
            // `Kp = C1·p + C0·q`.
            let scale = reach(1.0 / slopes.0, ratio / slopes.1);
            let (p, q) = (1.0 / scale, ratio / scale);
            let integral = pid.ki / p;
            [
                p / slopes.0,
                q / slopes.1,
                (pid.kp - integral * q) / p,
                integral,
                filter_s,
                0.0,
            ]
        }
        structure => {
            let (proportional, derivative, integral) = match structure {
                Structure::Pi => (pid.ki, pid.kp, 0.0),
                _ => (pid.kp, pid.kd, pid.ki),
            };
            let (error_product, rate_product) = (proportional / slopes.0, derivative / slopes.1);
            let output_gain = reach(error_product, rate_product);
            [
                error_product / output_gain,
                rate_product / output_gain,
                output_gain,
                integral,
                filter_s,
                0.0,
            ]
        }
    };
    let integral = job.controller.structure.uses_integral_gain();
    let needed = [(0, "Ke"), (1, "Kd"), (2, "Ku"), (3, "Ki")];
    notes.extend(untuned(encoding, &needed[..if integral { 4 } else { 3 }]));
    let (genome, widened) = encoding.template_genome(gains, &table);
    notes.extend(widened);
    Some(Start {
        genome,
        slopes,
        notes,
    })
}

/// The rate filter the start carries: the PID's when the job tunes `Tf`, else the template's.
fn start_filter(encoding: &Encoding, job: &Job, pid: &PidConfig) -> f64 {
    match encoding.gain_gene(4) {
        Some(_) => pid.derivative_filter_s,
        None => job.controller.derivative_filter_s,
    }
}

/// A note for each gain in `needed` (`(index, name)`, see [`Encoding::gain_gene`]) that the
/// job does not tune: the start keeps the template's value there.
fn untuned(encoding: &Encoding, needed: &[(usize, &str)]) -> Vec<String> {
    needed
        .iter()
        .filter(|(index, _)| encoding.gain_gene(*index).is_none())
        .map(|(_, name)| {
            format!(
                "{name} is not tuned ([tune] has no bounds for it): the PID-equivalent start keeps the \
                 template's value, so it only approximates the PID"
            )
        })
        .collect()
}

/// The gain-scheduled template's start: every gain factor 0 (the zero tables), so the
/// controller is the PID itself for every input; `Ke` and `Kd` put the PID's largest `|e|`
/// and filtered `|ė|` at 90 % of the inputs' ranges, where the schedule can act on them.
fn gain_scheduled(encoding: &mut Encoding, job: &Job, pid: &PidConfig) -> Option<Start> {
    let filter_s = start_filter(encoding, job, pid);
    let (error_max, rate_max) = input_extremes(job, pid, filter_s)?;
    let scale = |extreme: f64| {
        let gain = HEADROOM / extreme;
        if gain.is_finite() && gain > 0.0 { gain } else { 1.0 }
    };
    let gains = [
        scale(error_max),
        scale(rate_max),
        pid.kp,
        pid.ki,
        filter_s,
        pid.kd,
    ];
    let mut notes = untuned(
        encoding,
        &[(2, "Ku (the base Kp)"), (3, "Ki"), (5, "derivative_gain")],
    );
    let table = encoding.zero_table();
    let (genome, widened) = encoding.template_genome(gains, &table);
    notes.extend(widened);
    Some(Start {
        genome,
        slopes: (0.0, 0.0),
        notes,
    })
}

/// The fuzzy PID's ratio `r = q/p` of its scaled rate and error gains (see [`pid_equivalent`]):
/// `Kp = Kd/r + Ki·r` has the root `r = 2·Kd / (Kp + √(Kp² − 4·Ki·Kd))` when the PID's zeros
/// are real (the root that tends to the PD's `Kd/Kp` as `Ki → 0`). Complex zeros have no
/// fuzzy-PID equivalent: `r = Kp / (2·Ki)` keeps `Kp` and `Ki` and lowers `Kd` to
/// `Kp²/(4·Ki)` (a note says so).
fn zero_ratio(kp: f64, ki: f64, kd: f64) -> (f64, Option<String>) {
    let discriminant = kp * kp - 4.0 * ki * kd;
    if discriminant >= 0.0 {
        let denominator = kp + discriminant.sqrt();
        let ratio = if denominator > 0.0 {
            2.0 * kd / denominator
        } else {
            0.0
        };
        return (ratio, None);
    }
    let note = format!(
        "the PID (Kp {kp:.6}, Ki {ki:.6}, Kd {kd:.6}) has complex zeros, which the fuzzy PID \
         structure cannot represent: the start keeps Kp and Ki and lowers Kd to {:.6}",
        kp * kp / (4.0 * ki)
    );
    (kp / (2.0 * ki), Some(note))
}

/// Least-squares slopes `(a, b)` of `F(x, y) ≈ a·x + b·y` over `[-h, h]²` (41 × 41 points).
fn surface_slopes(engine: &fuzzy_core::OwnedController, half_width: f64) -> Option<(f64, f64)> {
    const POINTS: usize = 41;
    let (mut fx, mut fy, mut xx) = (0.0, 0.0, 0.0);
    for i in 0..POINTS {
        for j in 0..POINTS {
            let x = half_width * (-1.0 + 2.0 * i as f64 / (POINTS - 1) as f64);
            let y = half_width * (-1.0 + 2.0 * j as f64 / (POINTS - 1) as f64);
            let (out, _) = engine.evaluate(&[x as f32, y as f32]);
            let f = f64::from(*out.first()?);
            fx += f * x;
            fy += f * y;
            xx += x * x;
        }
    }
    // On the symmetric grid Σx·y = 0 and Σx² = Σy², so the normal equations decouple.
    let slopes = (fx / xx, fy / xx);
    (slopes.0 > 0.0 && slopes.1 > 0.0).then_some(slopes)
}

/// The largest `|e|` and filtered `|ė|` (as the fuzzy controller's rate input would see it)
/// over the PID's runs through the job.
fn input_extremes(job: &Job, pid: &PidConfig, filter_s: f64) -> Option<(f64, f64)> {
    let mut controller = Pid::new(*pid, job.simulation.sample_time_s);
    let runs = run_all(job, &mut controller).ok()?;
    let ts = job.simulation.sample_time_s;
    let keep = filter_s / (filter_s + ts);
    let (mut error_max, mut rate_max) = (0.0f64, 0.0f64);
    for run in &runs {
        let t = &run.trajectory;
        let mut rate = 0.0;
        for k in 0..t.measurement.len() {
            let error = t.setpoint[k] - t.measurement[k];
            error_max = error_max.max(error.abs());
            if k > 0 {
                let raw = match job.controller.derivative_on {
                    DerivativeOn::Error => (error - (t.setpoint[k - 1] - t.measurement[k - 1])) / ts,
                    DerivativeOn::Measurement => (t.measurement[k - 1] - t.measurement[k]) / ts,
                };
                rate = keep * rate + (1.0 - keep) * raw;
                rate_max = rate_max.max(rate.abs());
            }
        }
    }
    (error_max.is_finite() && rate_max.is_finite() && error_max > 0.0).then_some((error_max, rate_max))
}
