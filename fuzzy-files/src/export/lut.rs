//! Lookup-table export: a 2-input controller's surface sampled on a grid and read back by
//! bilinear interpolation, for microcontrollers where a table in flash is cheaper than
//! the engine's cycles (no FPU: a few multiplications instead of thousands of soft-float
//! calls).
//!
//! Each input has a list of nodes from its range's start to its end, `n × m` nodes in all,
//! and one table per output holds the engine's outputs at the nodes (row-major: node
//! `(i, j)` at `i · m + j`). [`Lut::eval`] is the read-back that the generated Rust and C
//! repeat operation for operation (so they give the same bits): clamp each input into its
//! range (NaN to the lower end), find its cell by a binary search of a fixed number of
//! steps, take the cell's four corners and interpolate along the first input, then along
//! the second. Every input takes the same steps: fixed time, no panic (indices stay inside
//! the table).
//!
//! Where the nodes go matters more than how many there are: a controller's surface has
//! kinks where its inputs' triangles and trapezoids have corners, and a cell across a kink
//! interpolates it away (a tuned 7×7 Mamdani PD keeps 13 % of its range of error on a
//! uniform 65 × 65 grid). [`Lut::for_error`] therefore puts a node on every corner of the
//! inputs' terms and splits the intervals between them into 1, 2, 4, … equal parts until
//! the measured error is within the requested one; `--nodes` asks for a uniform grid.
//!
//! The error is measured, not assumed: [`Lut::max_error`] compares the table with the
//! engine on a grid four times as fine (every node, cell centre and quarter point), as a
//! fraction of each output's range.

use core::fmt::Write as _;

use fuzzy_core::OwnedController;

use super::c::CSource;

/// Largest node count per input (66 049 nodes per output).
pub const MAX_NODES: usize = 257;

/// Why a controller has no lookup table.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("lookup-table export: {0}")]
pub struct LutError(pub String);

/// A sampled surface (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct Lut {
    /// item prefix (the controller's name as an identifier)
    pub name: String,
    /// per input: the nodes, strictly increasing from the range's start to its end
    pub axes: [Vec<f32>; 2],
    /// per output: its range (for the error) and its `n · m` node values
    pub outputs: Vec<((f32, f32), Vec<f32>)>,
}

/// Binary-search steps for `nodes` nodes: enough for `nodes - 1` cells.
fn steps(nodes: usize) -> u32 {
    usize::BITS - (nodes.max(2) - 1).leading_zeros()
}

/// One axis: the input clamped into the nodes' span (NaN to the first node), its cell (0 to
/// `nodes.len() - 2`, found in [`steps`] halvings) and the fraction within it, scaled by
/// `1 / (nodes[i + 1] - nodes[i])` (the same `f32` the generated code holds in its table of
/// inverses, [`Lut::inverses`]).
#[inline(always)]
fn cell(x: f32, nodes: &[f32]) -> (usize, f32) {
    let first = nodes.first().copied().unwrap_or(0.0);
    let last = nodes.last().copied().unwrap_or(0.0);
    let clamped = x.max(first).min(last);
    let cells = nodes.len().max(2) - 1;
    let mut i = 0usize;
    let mut step = 1usize << (steps(nodes.len()) - 1);
    for _ in 0..steps(nodes.len()) {
        let probe = i + step;
        let at = nodes.get(probe).copied().unwrap_or(f32::INFINITY);
        i = if probe < cells && at <= clamped { probe } else { i };
        step >>= 1;
    }
    let base = nodes.get(i).copied().unwrap_or(0.0);
    let next = nodes.get(i + 1).copied().unwrap_or(base + 1.0);
    (i, (clamped - base) * (1.0 / (next - base)))
}

/// `n` nodes evenly over `[min, max]`, both ends exact.
fn uniform(min: f32, max: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|k| {
            if k + 1 == n {
                max
            } else {
                min + (max - min) * (k as f32 / (n - 1) as f32)
            }
        })
        .collect()
}

/// The corners of an input's terms inside its range (where the surface may have kinks),
/// with the range's ends, sorted and without repeats.
fn corners(input: &fuzzy_core::InputSpec) -> Vec<f32> {
    use fuzzy_core::Shape;
    let mut points = vec![input.min, input.max];
    for term in &input.terms {
        match &term.shape {
            Shape::Triangle(p) => points.extend(p),
            Shape::Trapezoid(p) | Shape::PiShape(p) => points.extend(p),
            Shape::SShape(p) | Shape::ZShape(p) => points.extend(p),
            Shape::Points(p) => points.extend(p.iter().map(|xy| xy[0])),
            _ => {}
        }
    }
    points.retain(|x| *x >= input.min && *x <= input.max);
    points.sort_by(f32::total_cmp);
    points.dedup();
    points
}

/// `corners` with every interval split into `parts` equal parts.
fn refined(corners: &[f32], parts: usize) -> Vec<f32> {
    let mut nodes = Vec::new();
    for pair in corners.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        nodes.extend((0..parts).map(|k| a + (b - a) * (k as f32 / parts as f32)));
    }
    nodes.extend(corners.last());
    nodes.dedup();
    nodes
}

impl Lut {
    /// Samples `controller` (two inputs) on `n × m` nodes spread evenly over the ranges.
    pub fn sample(controller: &OwnedController, n: usize, m: usize) -> Result<Lut, LutError> {
        let [a, b] = two_inputs(controller)?;
        Lut::at_nodes(controller, [uniform(a.min, a.max, n), uniform(b.min, b.max, m)])
    }

    /// Samples `controller` (two inputs) at the given nodes per input (strictly increasing,
    /// from the range's start to its end, 2 to [`MAX_NODES`] of them).
    pub fn at_nodes(controller: &OwnedController, axes: [Vec<f32>; 2]) -> Result<Lut, LutError> {
        let spec = controller.spec();
        let inputs = two_inputs(controller)?;
        for (axis, input) in axes.iter().zip(inputs) {
            let increasing = axis.windows(2).all(|w| w[0] < w[1]);
            let spans = axis.first() == Some(&input.min) && axis.last() == Some(&input.max);
            if !(2..=MAX_NODES).contains(&axis.len()) || !increasing || !spans {
                return Err(LutError(format!(
                    "input '{}': {} nodes; a table needs 2 to {MAX_NODES} increasing nodes from {} to {}",
                    input.name,
                    axis.len(),
                    input.min,
                    input.max
                )));
            }
        }
        let mut outputs: Vec<((f32, f32), Vec<f32>)> = spec
            .outputs
            .iter()
            .map(|o| ((o.min, o.max), Vec::with_capacity(axes[0].len() * axes[1].len())))
            .collect();
        for x in &axes[0] {
            for y in &axes[1] {
                let (values, _) = controller.evaluate(&[*x, *y]);
                for (out, v) in outputs.iter_mut().zip(values) {
                    out.1.push(v);
                }
            }
        }
        Ok(Lut {
            name: super::rust::item_name(&spec.name).to_lowercase(),
            axes,
            outputs,
        })
    }

    /// `1 / (next node − node)` per cell of input `k`, as the generated code holds them.
    pub fn inverses(&self, k: usize) -> Vec<f32> {
        self.axes[k].windows(2).map(|w| 1.0 / (w[1] - w[0])).collect()
    }

    /// The table's outputs at `(x, y)` into `out` (as many as fit).
    pub fn eval(&self, x: f32, y: f32, out: &mut [f32]) {
        let m = self.axes[1].len();
        let (i, tx) = cell(x, &self.axes[0]);
        let (j, ty) = cell(y, &self.axes[1]);
        for (o, (_, values)) in out.iter_mut().zip(&self.outputs) {
            let at = |k: usize| values.get(k).copied().unwrap_or(0.0);
            let (v00, v01) = (at(i * m + j), at(i * m + j + 1));
            let (v10, v11) = (at((i + 1) * m + j), at((i + 1) * m + j + 1));
            let low = v00 + tx * (v10 - v00);
            let high = v01 + tx * (v11 - v01);
            *o = low + ty * (high - low);
        }
    }

    /// The largest difference from `controller` over a grid four times as fine as the
    /// table's (every node, cell centre and quarter point), as a fraction of each output's
    /// range, the largest over the outputs.
    pub fn max_error(&self, controller: &OwnedController) -> f32 {
        let fine = |axis: &[f32]| -> Vec<f32> {
            let mut points: Vec<f32> = axis
                .windows(2)
                .flat_map(|w| (0..4).map(move |k| w[0] + (w[1] - w[0]) * (k as f32 / 4.0)))
                .collect();
            points.extend(axis.last());
            points
        };
        let (xs, ys) = (fine(&self.axes[0]), fine(&self.axes[1]));
        let mut out = vec![0.0f32; self.outputs.len()];
        let mut worst = 0.0f32;
        for x in &xs {
            for y in &ys {
                let (engine, _) = controller.evaluate(&[*x, *y]);
                self.eval(*x, *y, &mut out);
                for ((table, exact), ((lo, hi), _)) in out.iter().zip(&engine).zip(&self.outputs) {
                    worst = worst.max((table - exact).abs() / (hi - lo));
                }
            }
        }
        worst
    }

    /// The smallest table whose measured error ([`Lut::max_error`]) is at most `target` (a
    /// fraction of the output range), with that error: a node on every corner of the
    /// inputs' terms, the intervals between them split into 1, 2, 4, … equal parts while an
    /// input has at most [`MAX_NODES`] nodes; an error naming the best reached otherwise.
    pub fn for_error(controller: &OwnedController, target: f32) -> Result<(Lut, f32), LutError> {
        let corners = two_inputs(controller)?.map(corners);
        let mut best = f32::INFINITY;
        let mut parts = 1;
        loop {
            let axes = [refined(&corners[0], parts), refined(&corners[1], parts)];
            if axes.iter().any(|a| a.len() > MAX_NODES) {
                break;
            }
            let lut = Lut::at_nodes(controller, axes)?;
            let error = lut.max_error(controller);
            if error <= target {
                return Ok((lut, error));
            }
            best = best.min(error);
            parts *= 2;
        }
        Err(LutError(format!(
            "no table of up to {MAX_NODES} nodes per input reaches a maximum error of {target:e} of the \
             range (best: {best:e}); the surface has features a bilinear table cannot follow"
        )))
    }

    /// Flash the tables take, in bytes (`f32` node values, nodes and inverse widths).
    pub fn bytes(&self) -> usize {
        let axes: usize = self.axes.iter().map(|a| 2 * a.len() - 1).sum();
        4 * (axes + self.outputs.iter().map(|(_, v)| v.len()).sum::<usize>())
    }

    /// Rust source: the nodes and tables as `const` arrays and `pub fn NAME_lut(x, y, out)`,
    /// the same operations as [`Lut::eval`] (`no_std`, no dependencies).
    pub fn rust(&self, error: f32) -> String {
        let name = &self.name;
        let upper = name.to_uppercase();
        let (n, m) = (self.axes[0].len(), self.axes[1].len());
        let list = |values: &[f32]| joined(values, |v| format!("{v:?}"));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "//! Lookup table of controller `{name}`, generated by fuzzyopt: {n} x {m} nodes, bilinear\n\
             //! interpolation; measured maximum error {error:.3e} of each output's range. Regenerate\n\
             //! instead of editing.\n"
        );
        let _ = writeln!(
            out,
            "/// Number of outputs of [`{name}_lut`].\npub const {upper}_OUTPUTS: usize = {};\n",
            self.outputs.len()
        );
        for k in 0..2 {
            let _ = writeln!(
                out,
                "#[rustfmt::skip]\nconst {upper}_NODES_{k}: [f32; {}] = [{}];\n#[rustfmt::skip]\n\
                 const {upper}_INVERSES_{k}: [f32; {}] = [{}];\n",
                self.axes[k].len(),
                list(&self.axes[k]),
                self.axes[k].len() - 1,
                list(&self.inverses(k)),
            );
        }
        for (k, (_, values)) in self.outputs.iter().enumerate() {
            let rows: Vec<String> = values.chunks(m).map(|r| format!("    {},", list(r))).collect();
            let _ = writeln!(
                out,
                "#[rustfmt::skip]\nconst {upper}_TABLE_{k}: [f32; {}] = [\n{}\n];\n",
                values.len(),
                rows.join("\n")
            );
        }
        let tables: Vec<String> = (0..self.outputs.len())
            .map(|k| format!("&{upper}_TABLE_{k}"))
            .collect();
        let _ = write!(
            out,
            "/// One input: clamped into the nodes' span (NaN to the first node), its cell by a binary\n\
             /// search of `steps` halvings, and the fraction within the cell.\n#[inline(always)]\n\
             fn {name}_cell(x: f32, nodes: &[f32], inverse: &[f32], steps: u32) -> (usize, f32) {{\n    \
             let first = nodes.first().copied().unwrap_or(0.0);\n    \
             let last = nodes.last().copied().unwrap_or(0.0);\n    \
             let clamped = x.max(first).min(last);\n    let cells = nodes.len().max(2) - 1;\n    \
             let mut i = 0usize;\n    let mut step = 1usize << (steps - 1);\n    \
             for _ in 0..steps {{\n        let probe = i + step;\n        \
             let at = nodes.get(probe).copied().unwrap_or(f32::INFINITY);\n        \
             i = if probe < cells && at <= clamped {{ probe }} else {{ i }};\n        step >>= 1;\n    }}\n    \
             let base = nodes.get(i).copied().unwrap_or(0.0);\n    \
             (i, (clamped - base) * inverse.get(i).copied().unwrap_or(0.0))\n}}\n\n\
             /// The controller's outputs at `(x, y)` into `out` (a fixed number of steps, no panic).\n\
             pub fn {name}_lut(x: f32, y: f32, out: &mut [f32; {upper}_OUTPUTS]) {{\n    \
             let (i, tx) = {name}_cell(x, &{upper}_NODES_0, &{upper}_INVERSES_0, {sx});\n    \
             let (j, ty) = {name}_cell(y, &{upper}_NODES_1, &{upper}_INVERSES_1, {sy});\n    \
             let tables: [&[f32]; {upper}_OUTPUTS] = [{tables}];\n    \
             for (o, values) in out.iter_mut().zip(tables) {{\n        \
             let at = |k: usize| values.get(k).copied().unwrap_or(0.0);\n        \
             let (v00, v01) = (at(i * {m} + j), at(i * {m} + j + 1));\n        \
             let (v10, v11) = (at((i + 1) * {m} + j), at((i + 1) * {m} + j + 1));\n        \
             let low = v00 + tx * (v10 - v00);\n        let high = v01 + tx * (v11 - v01);\n        \
             *o = low + ty * (high - low);\n    }}\n}}\n",
            sx = steps(n),
            sy = steps(m),
            tables = tables.join(", "),
        );
        out
    }

    /// C99 source: `NAME_INPUTS`/`NAME_OUTPUTS` and `uint8_t NAME_evaluate(inputs,
    /// outputs)` (status always 0), the same interface as the engine's C export and the
    /// same operations as [`Lut::eval`].
    pub fn c(&self, error: f32) -> CSource {
        let name = &self.name;
        let upper = name.to_uppercase();
        let (n, m) = (self.axes[0].len(), self.axes[1].len());
        let list = |values: &[f32]| joined(values, |v| format!("{v:e}f"));
        let header = format!(
            "/* Lookup table of controller `{name}`, generated by fuzzyopt (C99). Regenerate instead of editing. */\n\
             #ifndef {upper}_H\n#define {upper}_H\n\n#include <stdint.h>\n\n\
             #define {upper}_INPUTS 2\n#define {upper}_OUTPUTS {}\n\n\
             /* {n} x {m} nodes, bilinear interpolation; measured maximum error {error:.3e} of each output's\n   \
             range. Inputs are clamped into their ranges (NaN to the lower end). Returns 0. */\n\
             uint8_t {name}_evaluate(const float inputs[{upper}_INPUTS], float outputs[{upper}_OUTPUTS]);\n\n\
             #endif /* {upper}_H */\n",
            self.outputs.len()
        );
        let mut source = format!(
            "/* Lookup table of controller `{name}`, generated by fuzzyopt. See {name}.h. */\n#include \"{name}.h\"\n\n"
        );
        for k in 0..2 {
            let _ = writeln!(
                source,
                "static const float NODES_{k}[{}] = {{{}}};\nstatic const float INVERSES_{k}[{}] = {{{}}};",
                self.axes[k].len(),
                list(&self.axes[k]),
                self.axes[k].len() - 1,
                list(&self.inverses(k)),
            );
        }
        let _ = writeln!(
            source,
            "static const float TABLE[{}][{}] = {{",
            self.outputs.len(),
            n * m
        );
        for (_, values) in &self.outputs {
            let rows: Vec<String> = values.chunks(m).map(|r| format!("        {}", list(r))).collect();
            let _ = writeln!(source, "    {{\n{}\n    }},", rows.join(",\n"));
        }
        let _ = write!(
            source,
            "}};\n\n\
             /* One input: clamped into the nodes' span (NaN to the first node), its cell by a binary\n   \
             search of `steps` halvings, and the fraction within the cell. */\n\
             static int cell(float x, const float *nodes, const float *inverse, int count, int steps, float *t) {{\n    \
             float clamped = x > nodes[0] ? x : nodes[0];\n    int i = 0, step = 1 << (steps - 1), k;\n    \
             clamped = clamped < nodes[count - 1] ? clamped : nodes[count - 1];\n    \
             for (k = 0; k < steps; ++k) {{\n        int probe = i + step;\n        \
             float at = probe < count ? nodes[probe] : nodes[count - 1];\n        \
             i = (probe < count - 1 && at <= clamped) ? probe : i;\n        step >>= 1;\n    }}\n    \
             *t = (clamped - nodes[i]) * inverse[i];\n    return i;\n}}\n\n\
             uint8_t {name}_evaluate(const float inputs[{upper}_INPUTS], float outputs[{upper}_OUTPUTS]) {{\n    \
             float tx, ty;\n    int i = cell(inputs[0], NODES_0, INVERSES_0, {n}, {sx}, &tx);\n    \
             int j = cell(inputs[1], NODES_1, INVERSES_1, {m}, {sy}, &ty);\n    int o;\n    \
             for (o = 0; o < {upper}_OUTPUTS; ++o) {{\n        const float *v = TABLE[o];\n        \
             float v00 = v[i * {m} + j], v01 = v[i * {m} + j + 1];\n        \
             float v10 = v[(i + 1) * {m} + j], v11 = v[(i + 1) * {m} + j + 1];\n        \
             float low = v00 + tx * (v10 - v00);\n        float high = v01 + tx * (v11 - v01);\n        \
             outputs[o] = low + ty * (high - low);\n    }}\n    return 0;\n}}\n",
            sx = steps(n),
            sy = steps(m),
        );
        CSource {
            header,
            source,
            stem: name.clone(),
        }
    }
}

/// `values` written by `one`, joined with `, `.
fn joined(values: &[f32], one: impl Fn(f32) -> String) -> String {
    values.iter().map(|v| one(*v)).collect::<Vec<_>>().join(", ")
}

/// The controller's two inputs, or why it has no table.
fn two_inputs(controller: &OwnedController) -> Result<[&fuzzy_core::InputSpec; 2], LutError> {
    let spec = controller.spec();
    match spec.inputs.as_slice() {
        [a, b] => Ok([a, b]),
        other => Err(LutError(format!(
            "a lookup table needs a 2-input controller; '{}' has {} inputs",
            spec.name,
            other.len()
        ))),
    }
}
