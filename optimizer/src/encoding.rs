//! Genome ↔ controller: every genome inside its bounds decodes to a valid controller (no
//! repair step).
//!
//! Genes, in order (each present only when `[tune]` frees it):
//! 1. **gains** `Ke`, `Kd`, `Ku`, `Ki` and the rate filter's `Tf`: `log10` of the value,
//!    bounds `log10` of `[low, high]`;
//! 2. **membership functions**, per variable (`e`, `de`, and `u`): relative widths in
//!    [0.2, 1] of the gaps between consecutive term peaks; the peaks are their normalised
//!    cumulative sums over [−1, 1], so they stay ordered, the first and last peaks sit on the
//!    range ends (shoulders) and the triangles always cover the range with degrees summing to
//!    1. Symmetric: only the gaps right of zero, mirrored (`(n − 1)/2` genes instead of
//!       `n − 1`). For a Sugeno controller the output's "peaks" are its constant consequents;
//! 3. **rule consequents**, one per cell of the `n × n` table (row-major, `e` along the
//!    rows): for Mamdani the output term the cell concludes (an integer gene, decoded by
//!    `floor`), for Sugeno the cell's own constant consequent in [−1, 1] (the output then has
//!    one constant term per rule and no tuned peaks). `rules = "free"`: each gene is the cell's
//!    value (`[0, n)`, or [−1, 1]). `rules = "monotone"` (the default): the first cell's gene
//!    is its value, every other gene an increment ≥ 0 over the larger of the cell's upper and
//!    left neighbours (Mamdani: 0, 1 or 2 terms; Sugeno: 0 to `4/(n − 1)`), capped at the
//!    top; every genome is a table that never decreases along either input.
//!    `rules = "additive"`: `2n` genes instead, an offset and `n − 1` steps ≥ 0 for each of
//!    two curves `a` (along `e`) and `b` (along `de`); the table is `clamp(a_i + b_j)`
//!    (Mamdani: its `floor`), monotone by construction, and both the diagonal table and
//!    `(e + de)/2` have such curves. The gain-scheduled template has one free table per
//!    output (`kp`, `ki`, `kd`);
//! 4. **rule weights** in [0, 1].
//!
//! The initial genome is the template itself: its gains, evenly spaced terms and the classic
//! diagonal table `u = clamp(i + j − (n − 1)/2, 0, n − 1)`. [`Encoding::template_genome`]
//! makes other starts (the PID-equivalent one of [`crate::start`]).
//!
//! With `[controller] engine = "FILE"` the controller file (any format) replaces the
//! template: its membership functions stay as they are; the genes are the gains, then the
//! consequent of every concluding rule (Mamdani: an integer gene, the output term) or the
//! value of every constant output term (Sugeno), then every rule's weight; the initial
//! genome is the file itself.

use fuzzy_core::{
    AntiWindup, Connective, ControllerSpec, Defuzzifier, Fallback, FuzzyPidConfig, Inference, InputSpec,
    OutOfRange, OutputSpec, RuleSpec, SNorm, Sampling, Shape, Structure, TNorm, TermSpec,
};
use fuzzy_files::TunedController;
use serde::{Deserialize, Serialize};

use crate::job::{Bounds, InferenceName, Job, RuleTuning};

/// One gene: bounds and whether it is an integer (a rule consequent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gene {
    /// what it encodes, for logs (`Ke`, `e.gap2`, `rule(3,4)`, …)
    pub name: String,
    /// lower bound
    pub low: f64,
    /// upper bound (integer genes: exclusive after `floor`)
    pub high: f64,
    /// decoded by `floor`
    pub integer: bool,
}

/// The genome layout of a job (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct Encoding {
    job: Job,
    genes: Vec<Gene>,
    gains: Vec<(usize, Bounds)>,
    membership: Option<usize>,
    rules: Option<usize>,
    weights: Option<usize>,
    /// With `[controller] engine`: the rules whose consequent is tuned (Mamdani), in gene
    /// order.
    engine_rules: Vec<usize>,
}

/// Appends one weight gene in [0, 1] per rule; returns where they start.
fn push_weights(genes: &mut Vec<Gene>, rules: usize) -> usize {
    let start = genes.len();
    genes.extend((0..rules).map(|r| Gene {
        name: format!("weight{}", r + 1),
        low: 0.0,
        high: 1.0,
        integer: false,
    }));
    start
}

/// The larger of the upper and left neighbours of `cell` in a row-major `n × n` table (−∞ for
/// the first cell).
fn larger_neighbour(table: &[f64], cell: usize, n: usize) -> f64 {
    let up = if cell >= n {
        table[cell - n]
    } else {
        f64::NEG_INFINITY
    };
    let left = if !cell.is_multiple_of(n) {
        table[cell - 1]
    } else {
        f64::NEG_INFINITY
    };
    up.max(left)
}

/// Output names of the gain-scheduled template: the factors of `Kp`, `Ki` and `Kd`.
pub const GAIN_OUTPUTS: [&str; 3] = ["kp", "ki", "kd"];

/// Whether the template's rule tables are monotone: the job asks for them and the template
/// has a control surface (gain schedules are not surfaces: their tables are free).
fn monotone_tables(job: &Job) -> bool {
    job.tune.rules == RuleTuning::Monotone && job.controller.structure.engine_outputs() == 1
}

/// Smallest relative gap between neighbouring peaks.
const MIN_GAP: f64 = 0.2;
/// Monotone Mamdani tables: a cell concludes at most this many terms (exclusive, after
/// `floor`: 0, 1 or 2) above the larger of its upper and left neighbours.
const MONOTONE_TERM_STEPS: f64 = 3.0;
/// Monotone Sugeno tables: a cell's constant is at most this many times `1/(n − 1)` above the
/// larger of its upper and left neighbours' (the diagonal table `clamp(e + de)` steps by 2, the
/// PID-equivalent table `(e + de)/2` by 1).
const MONOTONE_STEP_MAX: f64 = 4.0;

impl Encoding {
    /// The layout for `job`.
    pub fn new(job: &Job) -> Encoding {
        let mut genes = Vec::new();
        let mut gains = Vec::new();
        let t = &job.tune;
        for (index, name, bounds) in [
            (0, "Ke", t.error_gain),
            (1, "Kd", t.rate_gain),
            (2, "Ku", t.output_gain),
            (3, "Ki", t.integral_gain),
            (4, "Tf", t.derivative_filter_s),
            (5, "Kdp", t.derivative_gain),
        ] {
            let Some(bounds) = bounds else { continue };
            let structure = job.controller.structure;
            if (index == 3 && !structure.uses_integral_gain())
                || (index == 5 && structure != Structure::GainScheduled)
            {
                continue;
            }
            gains.push((index, bounds));
            genes.push(Gene {
                name: name.to_string(),
                low: bounds[0].log10(),
                high: bounds[1].log10(),
                integer: false,
            });
        }
        if let Some(engine) = &job.controller.engine_spec {
            return Self::for_engine(job, engine, genes, gains);
        }
        let n = job.controller.terms as usize;
        let sugeno = job.controller.inference == InferenceName::Sugeno;
        let per_rule_constants = sugeno && t.rules.tuned();
        let outputs = job.controller.structure.engine_outputs();
        let monotone = monotone_tables(job);
        let variables: &[&str] = if per_rule_constants {
            &["e", "de"]
        } else {
            &["e", "de", "u"]
        };
        let membership = t.membership.then(|| {
            let start = genes.len();
            for variable in variables {
                for g in 0..Self::gaps(n, t.symmetric) {
                    genes.push(Gene {
                        name: format!("{variable}.gap{}", g + 1),
                        low: MIN_GAP,
                        high: 1.0,
                        integer: false,
                    });
                }
            }
            start
        });
        let additive = t.rules == RuleTuning::Additive;
        let rules = t.rules.tuned().then(|| {
            let start = genes.len();
            if additive {
                // Offsets and non-negative steps of the curves a (along e) and b (along de).
                let (span, step) = if per_rule_constants {
                    (2.0, MONOTONE_STEP_MAX / (n - 1) as f64)
                } else {
                    ((n - 1) as f64, MONOTONE_TERM_STEPS)
                };
                let low = if per_rule_constants { -1.0 } else { 0.0 };
                for (variable, offset) in [("e", [low, low + span]), ("de", [-span, span])] {
                    genes.push(Gene {
                        name: format!("{variable}.curve_offset"),
                        low: offset[0],
                        high: offset[1],
                        integer: false,
                    });
                    for k in 1..n {
                        genes.push(Gene {
                            name: format!("{variable}.curve_step{k}"),
                            low: 0.0,
                            high: step,
                            integer: false,
                        });
                    }
                }
                return start;
            }
            for output in GAIN_OUTPUTS.iter().take(outputs) {
                for cell in 0..n * n {
                    let (i, j) = (cell / n, cell % n);
                    let (low, high) = match (per_rule_constants, monotone && (i, j) != (0, 0)) {
                        (true, false) => (-1.0, 1.0),
                        (true, true) => (0.0, MONOTONE_STEP_MAX / (n - 1) as f64),
                        (false, false) => (0.0, n as f64),
                        (false, true) => (0.0, MONOTONE_TERM_STEPS),
                    };
                    let prefix = if outputs == 1 {
                        String::new()
                    } else {
                        format!("{output}.")
                    };
                    genes.push(Gene {
                        name: format!("{prefix}rule({},{})", i + 1, j + 1),
                        low,
                        high,
                        integer: !per_rule_constants,
                    });
                }
            }
            start
        });
        let weights = t.weights.then(|| push_weights(&mut genes, n * n));
        Encoding {
            job: job.clone(),
            genes,
            gains,
            membership,
            rules,
            weights,
            engine_rules: Vec::new(),
        }
    }

    /// The layout when the job starts from a controller file: gains as usual, then (with
    /// `rules`) one integer gene per concluding rule of a Mamdani engine (the output term it
    /// concludes) or one real gene per constant output term of a Sugeno engine (its value,
    /// within the output range), then (with `weights`) one weight per rule.
    fn for_engine(
        job: &Job,
        engine: &ControllerSpec,
        mut genes: Vec<Gene>,
        gains: Vec<(usize, Bounds)>,
    ) -> Encoding {
        let t = &job.tune;
        let output = &engine.outputs[0];
        let sugeno = matches!(engine.inference, Inference::Sugeno);
        let engine_rules: Vec<usize> = if t.rules.tuned() && !sugeno {
            (0..engine.rules.len())
                .filter(|r| engine.rules[*r].consequent.first().is_some_and(|k| *k > 0))
                .collect()
        } else {
            Vec::new()
        };
        let rules = t.rules.tuned().then(|| {
            let start = genes.len();
            if sugeno {
                for term in &output.terms {
                    genes.push(Gene {
                        name: format!("u.{}", term.name),
                        low: f64::from(output.min),
                        high: f64::from(output.max),
                        integer: false,
                    });
                }
            } else {
                for r in &engine_rules {
                    genes.push(Gene {
                        name: format!("rule{}", r + 1),
                        low: 0.0,
                        high: output.terms.len() as f64,
                        integer: true,
                    });
                }
            }
            start
        });
        let weights = t.weights.then(|| push_weights(&mut genes, engine.rules.len()));
        Encoding {
            job: job.clone(),
            genes,
            gains,
            membership: None,
            rules,
            weights,
            engine_rules,
        }
    }

    /// The engine file's controller with `genome`'s rule and weight genes applied.
    fn decode_engine(&self, engine: &ControllerSpec, gene: impl Fn(usize) -> f64) -> ControllerSpec {
        let mut spec = engine.clone();
        let sugeno = matches!(spec.inference, Inference::Sugeno);
        if let Some(start) = self.rules {
            if sugeno {
                for (k, term) in spec.outputs[0].terms.iter_mut().enumerate() {
                    term.shape = Shape::Constant(gene(start + k) as f32);
                }
            } else {
                let count = spec.outputs[0].terms.len();
                for (k, r) in self.engine_rules.iter().enumerate() {
                    let term = (gene(start + k).floor() as usize).min(count - 1);
                    spec.rules[*r].consequent[0] = term as i32 + 1;
                }
            }
        }
        if let Some(start) = self.weights {
            for (r, rule) in spec.rules.iter_mut().enumerate() {
                rule.weight = gene(start + r) as f32;
            }
        }
        spec
    }

    /// Engine outputs of the template: 3 gain factors for the gain-scheduled PID, else 1.
    fn outputs(&self) -> usize {
        self.job.controller.structure.engine_outputs()
    }

    /// Monotone rule tables ([`monotone_tables`]).
    fn monotone(&self) -> bool {
        monotone_tables(&self.job)
    }

    /// The table whose cells conclude zero: the gain-scheduled template's start (every gain
    /// factor 0, i.e. the plain PID), in `rule_table`'s units.
    pub fn zero_table(&self) -> Vec<f64> {
        let n = self.job.controller.terms as usize;
        let zero = if self.per_rule_constants() {
            0.0
        } else {
            ((n - 1) / 2) as f64
        };
        vec![zero; n * n]
    }

    /// Sugeno template with tuned rules: one real constant per rule.
    fn per_rule_constants(&self) -> bool {
        self.job.controller.engine_spec.is_none()
            && self.job.controller.inference == InferenceName::Sugeno
            && self.rules.is_some()
    }

    fn gaps(n: usize, symmetric: bool) -> usize {
        if symmetric { (n - 1) / 2 } else { n - 1 }
    }

    /// The genes.
    pub fn genes(&self) -> &[Gene] {
        &self.genes
    }

    /// Lower and upper bounds of every gene.
    pub fn bounds(&self) -> (Vec<f64>, Vec<f64>) {
        (
            self.genes.iter().map(|g| g.low).collect(),
            self.genes.iter().map(|g| g.high).collect(),
        )
    }

    /// Which genes are integers.
    pub fn integer_mask(&self) -> Vec<bool> {
        self.genes.iter().map(|g| g.integer).collect()
    }

    /// The template's own genome (see the [module docs](self)).
    pub fn initial(&self) -> Vec<f64> {
        let c = &self.job.controller;
        let n = c.terms as usize;
        let initial_gains = [
            c.error_gain,
            c.rate_gain,
            c.output_gain,
            c.integral_gain,
            c.derivative_filter_s,
            c.derivative_gain,
        ];
        let mut genome: Vec<f64> = self
            .gains
            .iter()
            .map(|(index, [lo, hi])| initial_gains[*index].max(*lo).min(*hi).log10())
            .collect();
        if let Some(engine) = &c.engine_spec {
            // The file itself: its consequents (or constants) and weights.
            let output = &engine.outputs[0];
            if self.rules.is_some() {
                if matches!(engine.inference, Inference::Sugeno) {
                    genome.extend(output.terms.iter().map(|t| match t.shape {
                        Shape::Constant(v) => f64::from(v.clamp(output.min, output.max)),
                        _ => f64::from(output.min),
                    }));
                } else {
                    genome.extend(
                        self.engine_rules
                            .iter()
                            .map(|r| f64::from(engine.rules[*r].consequent[0] - 1) + 0.5),
                    );
                }
            }
            if self.weights.is_some() {
                genome.extend(engine.rules.iter().map(|r| f64::from(r.weight)));
            }
            return genome;
        }
        if self.membership.is_some() {
            let variables = if self.per_rule_constants() { 2 } else { 3 };
            genome.extend(std::iter::repeat_n(
                1.0,
                variables * Self::gaps(n, self.job.tune.symmetric),
            ));
        }
        if self.rules.is_some() && self.outputs() > 1 {
            genome.extend(self.rule_genes(&self.zero_table()));
        } else if self.rules.is_some() {
            let table: Vec<f64> = (0..n * n)
                .map(|cell| {
                    let k = Self::diagonal(cell / n, cell % n, n);
                    if self.per_rule_constants() {
                        -1.0 + 2.0 * k as f64 / (n - 1) as f64
                    } else {
                        k as f64
                    }
                })
                .collect();
            genome.extend(self.rule_genes(&table));
        }
        if self.weights.is_some() {
            genome.extend(std::iter::repeat_n(1.0, n * n));
        }
        genome
    }

    /// The template's rule table from its rule genes (`gene(cell)`, row-major, `e` along the
    /// rows): Mamdani cells hold the concluded term's index, Sugeno cells the constant. Monotone
    /// tuning: the first cell is its gene, every other cell the larger of its upper and left
    /// neighbours plus its gene (an increment ≥ 0), capped at the top (the last term, or 1);
    /// so every genome decodes to a table that never decreases along either input, and every
    /// such table has a genome ([`Encoding::rule_genes`]).
    fn rule_table(&self, n: usize, gene: impl Fn(usize) -> f64) -> Vec<f64> {
        let integer = !self.per_rule_constants();
        let top = if integer { (n - 1) as f64 } else { 1.0 };
        let value = |g: f64| if integer { g.floor() } else { g };
        if self.job.tune.rules == RuleTuning::Additive {
            // a_i = offset + Σ steps (genes 0..n), b_j likewise (genes n..2n).
            let curve = |first: usize| -> Vec<f64> {
                let mut values = vec![gene(first); n];
                for k in 1..n {
                    values[k] = values[k - 1] + gene(first + k);
                }
                values
            };
            let (a, b) = (curve(0), curve(n));
            let bottom = if integer { 0.0 } else { -1.0 };
            return (0..n * n)
                .map(|cell| value((a[cell / n] + b[cell % n]).clamp(bottom, top)))
                .collect();
        }
        let mut table = vec![0.0; n * n];
        for cell in 0..n * n {
            table[cell] = if !self.monotone() || cell == 0 {
                value(gene(cell)).min(top)
            } else {
                (larger_neighbour(&table, cell, n) + value(gene(cell))).min(top)
            };
        }
        table
    }

    /// The rule genes that decode to `table` for every output (the inverse of `rule_table`
    /// for tables it can produce; integer genes sit mid-interval, `k + 0.5`).
    fn rule_genes(&self, table: &[f64]) -> Vec<f64> {
        let n = self.job.controller.terms as usize;
        let integer = !self.per_rule_constants();
        let monotone = self.monotone();
        if self.job.tune.rules == RuleTuning::Additive {
            // The curves through the middle row and column (b is 0 in the middle): exact for
            // every table a_i + b_j that is not clamped there (the diagonal table and
            // (e + de)/2 among them).
            let m = (n - 1) / 2;
            let a: Vec<f64> = (0..n).map(|i| table[i * n + m]).collect();
            let b: Vec<f64> = (0..n).map(|j| table[m * n + j] - table[m * n + m]).collect();
            let mut raw = Vec::with_capacity(2 * n);
            for curve in [&a, &b] {
                raw.push(curve[0]);
                raw.extend(curve.windows(2).map(|w| w[1] - w[0]));
            }
            let start = self.rules.unwrap_or(0);
            return raw
                .iter()
                .enumerate()
                .map(|(k, v)| v.clamp(self.genes[start + k].low, self.genes[start + k].high))
                .collect();
        }
        (0..self.outputs() * n * n)
            .map(|gene_index| {
                let cell = gene_index % (n * n);
                let raw = if monotone && cell != 0 {
                    (table[cell] - larger_neighbour(table, cell, n)).max(0.0)
                } else {
                    table[cell]
                };
                let gene = &self.genes[self.rules.unwrap_or(0) + gene_index];
                if integer {
                    (raw + 0.5).clamp(gene.low, gene.high - 0.5)
                } else {
                    raw.clamp(gene.low, gene.high)
                }
            })
            .collect()
    }

    /// Where gain `index` (0 `Ke`, 1 `Kd`, 2 `Ku`, 3 `Ki`, 4 `Tf`, 5 the gain-scheduled PID's
    /// `Kd`) sits in the genome, if it is tuned.
    pub fn gain_gene(&self, index: usize) -> Option<usize> {
        self.gains.iter().position(|(i, _)| *i == index)
    }

    /// A genome of the template with these gains (`[Ke, Kd, Ku, Ki, Tf]`, engineering units;
    /// only the tuned ones are used), evenly spaced terms, and `table` as its rule table (in
    /// `rule_table`'s units: term indices or constants), unit weights. Gains outside their bounds widen the
    /// bounds (the returned notes say which), so the genome decodes to exactly these values.
    pub fn template_genome(&mut self, gains: [f64; 6], table: &[f64]) -> (Vec<f64>, Vec<String>) {
        let mut notes = Vec::new();
        let mut genome = self.initial();
        for (k, (index, bounds)) in self.gains.iter_mut().enumerate() {
            let value = gains[*index];
            if !(value.is_finite() && value > 0.0) {
                continue;
            }
            let gene = &mut self.genes[k];
            if value < bounds[0] || value > bounds[1] {
                bounds[0] = bounds[0].min(value);
                bounds[1] = bounds[1].max(value);
                gene.low = bounds[0].log10();
                gene.high = bounds[1].log10();
                notes.push(format!(
                    "{} bounds widened to [{:.6}, {:.6}] to hold the PID-equivalent start",
                    gene.name, bounds[0], bounds[1]
                ));
            }
            genome[k] = value.log10();
        }
        // `initial()` already holds evenly spaced terms (every gap gene 1) and unit weights.
        if let Some(start) = self.rules {
            let genes = self.rule_genes(table);
            genome[start..start + genes.len()].copy_from_slice(&genes);
        }
        (genome, notes)
    }

    /// Whether the template's consequents are one constant per rule (Sugeno with tuned rules).
    pub fn constants_per_rule(&self) -> bool {
        self.per_rule_constants()
    }

    /// The classic diagonal table: `clamp(i + j − (n − 1)/2, 0, n − 1)`.
    pub fn diagonal(i: usize, j: usize, n: usize) -> usize {
        (i + j).saturating_sub((n - 1) / 2).min(n - 1)
    }

    /// Term peaks on [−1, 1] of variable `v` (0 = e, 1 = de, 2 = u) for `genome`.
    fn peaks(&self, genome: &[f64], v: usize) -> Vec<f64> {
        let n = self.job.controller.terms as usize;
        let symmetric = self.job.tune.symmetric;
        let count = Self::gaps(n, symmetric);
        let gaps: Vec<f64> = match self.membership {
            Some(start) => (0..count)
                .map(|g| {
                    genome
                        .get(start + v * count + g)
                        .copied()
                        .unwrap_or(1.0)
                        .clamp(MIN_GAP, 1.0)
                })
                .collect(),
            None => vec![1.0; count],
        };
        let total: f64 = gaps.iter().sum();
        let mut cumulative = 0.0;
        let positions: Vec<f64> = gaps
            .iter()
            .map(|g| {
                cumulative += g;
                cumulative / total
            })
            .collect();
        let mut peaks = Vec::with_capacity(n);
        if symmetric {
            peaks.extend(positions.iter().rev().map(|p| -p));
            peaks.push(0.0);
            peaks.extend(positions.iter().copied());
        } else {
            peaks.push(-1.0);
            peaks.extend(positions.iter().map(|p| -1.0 + 2.0 * p));
        }
        // Exact ends (rounding of the cumulative sums).
        if let Some(first) = peaks.first_mut() {
            *first = -1.0;
        }
        if let Some(last) = peaks.last_mut() {
            *last = 1.0;
        }
        peaks
    }

    /// Triangles with shoulders through `peaks`.
    fn triangles(peaks: &[f64], names: &[String]) -> Vec<TermSpec> {
        let n = peaks.len();
        (0..n)
            .map(|k| {
                let a = peaks[k.saturating_sub(1)];
                let c = peaks[(k + 1).min(n - 1)];
                TermSpec {
                    name: names[k].clone(),
                    shape: Shape::Triangle([a as f32, peaks[k] as f32, c as f32]),
                }
            })
            .collect()
    }

    /// Term names: `NB NM NS ZE PS PM PB` for 7, and the like for 3 to 9.
    pub fn term_names(n: usize) -> Vec<String> {
        let side: &[&str] = match n {
            3 => &["N"],
            5 => &["NB", "NS"],
            7 => &["NB", "NM", "NS"],
            _ => &["NH", "NB", "NM", "NS"],
        };
        let side = &side[side.len() - (n - 1) / 2..];
        let mut names: Vec<String> = side.iter().map(|s| s.to_string()).collect();
        names.push("ZE".to_string());
        names.extend(side.iter().rev().map(|s| s.replacen('N', "P", 1)));
        names
    }

    /// The controller and wrapper `genome` encodes (every value clamped into its bounds).
    pub fn decode(&self, genome: &[f64]) -> TunedController {
        let c = &self.job.controller;
        let gene = |i: usize| -> f64 {
            let g = &self.genes[i];
            genome
                .get(i)
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(g.low)
                .clamp(g.low, g.high)
        };
        let mut gains = [
            c.error_gain,
            c.rate_gain,
            c.output_gain,
            c.integral_gain,
            c.derivative_filter_s,
            c.derivative_gain,
        ];
        for (k, (index, _)) in self.gains.iter().enumerate() {
            gains[*index] = 10f64.powf(gene(k));
        }
        let controller = match &c.engine_spec {
            Some(engine) => self.decode_engine(engine, gene),
            None => self.decode_template(genome, gene),
        };
        let actuator = &self.job.simulation.actuator;
        let limit = |v: f64, default: f64| if v.is_finite() { v } else { default };
        // Reverse action negates the whole law: every gain that multiplies into `u`.
        let sign = match c.action {
            crate::job::Action::Direct => 1.0,
            crate::job::Action::Reverse => -1.0,
        };
        // The wrapper runs in f32, as firmware does: the gains are rounded once, here.
        let wrapper = FuzzyPidConfig {
            structure: c.structure,
            sample_time_s: self.job.simulation.sample_time_s as f32,
            error_gain: gains[0] as f32,
            rate_gain: gains[1] as f32,
            output_gain: (sign * gains[2]) as f32,
            integral_gain: (sign * gains[3]) as f32,
            derivative_gain: (sign * gains[5]) as f32,
            derivative_on: c.derivative_on,
            derivative_filter_s: gains[4] as f32,
            output_min: limit(actuator.min, -1e6) as f32,
            output_max: limit(actuator.max, 1e6) as f32,
            rate_limit: if actuator.rate_limit.is_finite() {
                actuator.rate_limit as f32
            } else {
                f32::INFINITY
            },
            anti_windup: AntiWindup::Clamping,
        };
        TunedController { controller, wrapper }
    }

    /// The template's controller for `genome` (triangles, diagonal or tuned table; the
    /// gain-scheduled template: one table per gain factor, all zero when not tuned).
    fn decode_template(&self, genome: &[f64], gene: impl Fn(usize) -> f64) -> ControllerSpec {
        let c = &self.job.controller;
        let n = c.terms as usize;
        let names = Self::term_names(n);
        let sugeno = c.inference == InferenceName::Sugeno;
        let outputs = self.outputs();
        let input = |v: usize, name: &str| InputSpec {
            name: name.to_string(),
            min: -1.0,
            max: 1.0,
            out_of_range: OutOfRange::Clamp,
            terms: Self::triangles(&self.peaks(genome, v), &names),
        };
        let output_peaks = self.peaks(genome, 2);
        // One table per output, in `rule_table`'s units.
        let tables: Vec<Vec<f64>> = (0..outputs)
            .map(|o| match self.rules {
                Some(start) => self.rule_table(n, |cell| gene(start + o * n * n + cell)),
                None if outputs > 1 => self.zero_table(),
                None => (0..n * n)
                    .map(|cell| Self::diagonal(cell / n, cell % n, n) as f64)
                    .collect(),
            })
            .collect();
        let output_terms = |table: &[f64]| -> Vec<TermSpec> {
            if self.per_rule_constants() {
                table
                    .iter()
                    .enumerate()
                    .map(|(cell, value)| TermSpec {
                        name: format!("r{}_{}", cell / n + 1, cell % n + 1),
                        shape: Shape::Constant(*value as f32),
                    })
                    .collect()
            } else if sugeno {
                output_peaks
                    .iter()
                    .zip(&names)
                    .map(|(p, name)| TermSpec {
                        name: name.clone(),
                        shape: Shape::Constant(*p as f32),
                    })
                    .collect()
            } else {
                Self::triangles(&output_peaks, &names)
            }
        };
        let rules = (0..n * n)
            .map(|cell| {
                let consequent = tables
                    .iter()
                    .map(|table| {
                        let term = if self.per_rule_constants() {
                            cell
                        } else {
                            table[cell] as usize
                        };
                        term as i32 + 1
                    })
                    .collect();
                let weight = self.weights.map_or(1.0, |start| gene(start + cell) as f32);
                RuleSpec {
                    antecedent: vec![(cell / n) as i32 + 1, (cell % n) as i32 + 1],
                    consequent,
                    weight,
                    connective: Connective::And,
                    hedges: Vec::new(),
                }
            })
            .collect();
        let output_names: &[&str] = if outputs == 1 { &["u"] } else { &GAIN_OUTPUTS };
        let output_specs = output_names
            .iter()
            .zip(&tables)
            .map(|(name, table)| OutputSpec {
                name: name.to_string(),
                min: -1.0,
                max: 1.0,
                defuzzifier: if sugeno {
                    Defuzzifier::WeightedAverage
                } else {
                    Defuzzifier::Centroid
                },
                sampling: Sampling::MATLAB,
                fallback: Fallback::Midpoint,
                lock_range: false,
                terms: output_terms(table),
            })
            .collect();
        ControllerSpec {
            name: self.job.name.clone(),
            inference: if sugeno {
                Inference::Sugeno
            } else {
                Inference::Mamdani {
                    implication: TNorm::Minimum,
                    aggregation: SNorm::Maximum,
                }
            },
            and: if sugeno { TNorm::Product } else { TNorm::Minimum },
            or: SNorm::Maximum,
            inputs: vec![input(0, "e"), input(1, "de")],
            outputs: output_specs,
            rules,
        }
    }
}
