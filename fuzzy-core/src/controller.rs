//! The controller description ([`ControllerDef`]) and its validated form ([`Controller`]).

use crate::error::{Error, Variable};
use crate::math::is_finite;
use crate::membership::{Membership, Term, TermUse};
use crate::norm::{SNorm, TNorm};
use crate::rule::{Connective, Rule};
use crate::variable::{Fallback, InputVariable, OutputVariable};

/// Most inputs a controller may have.
pub const MAX_INPUTS: usize = 16;
/// Most outputs a controller may have.
pub const MAX_OUTPUTS: usize = 8;
/// Most terms one variable may have (rule rows store term numbers as `i8`).
pub const MAX_TERMS_PER_VARIABLE: usize = 127;
/// Most rules a controller may have.
pub const MAX_RULES: usize = 4096;
/// Most sample points of one Mamdani output.
pub const MAX_SAMPLES: usize = 16_384;

/// Inference method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Inference {
    /// Mamdani: each rule clips or scales its consequent set (`implication`), the sets are
    /// combined point-wise (`aggregation`) and defuzzified.
    Mamdani {
        /// T-norm applied between a rule's activation and its consequent set
        implication: TNorm,
        /// S-norm combining the implied sets
        aggregation: SNorm,
    },
    /// Takagi–Sugeno (zero or first order): each rule proposes a constant or a linear
    /// function of the inputs, weighted by its activation.
    Sugeno,
}

/// Everything that describes a controller, in flat, exactly sized slices, so that it can be
/// a `static` in flash, written by hand or by a generator.
///
/// Layout:
/// - `terms`: the terms of input 1, input 2, …, then of output 1, …; each variable names its
///   slice with a [`crate::TermRange`].
/// - `params`: pool for [`Membership::Points`] pairs and [`Membership::Linear`]
///   coefficients (empty when neither is used).
/// - `rules` and `rule_terms`: rule `r` has settings `rules[r]` and term numbers
///   `rule_terms[r * (I + O) ..][.. I + O]` (see [`crate::rule`]).
/// - `rule_slots`: the rule table compiled for evaluation, derived from the rule terms
///   with [`rule_slots`] (const): where each antecedent's degree and each consequent's
///   activation live in the evaluation's working array (see [`Slots`]), stored column by
///   column (variable `v` of rule `r` at `v * rules + r`) so that each variable's entries
///   are contiguous.
/// - `samples`: for Mamdani controllers, the output terms sampled at their output's
///   sample points, output by output, in blocks of [`SAMPLE_BLOCK`] points: each block is
///   its number of rows and one row ([`SAMPLE_ROW`] values: the term's position in its
///   output, then its values at the block's points, zeros past the last point) per
///   term that is not zero on the whole block. Aggregation reads a block's rows while the
///   block's running aggregate stays in registers, and skips the terms that cannot
///   contribute there (a 7-term output evenly covered by triangles has 2 to 3 rows per
///   block instead of 7). Produce it with [`sample_table`] (const) or let
///   [`crate::OwnedController`] do it. Empty for Sugeno.
/// - `tables`: evaluation data laid out for vector code. First, for every input whose terms
///   are all triangles or trapezoids, an edge block: per group of [`EDGE_LANES`] terms
///   (the last one padded with zeros), their rising edge feet, rising edge slopes, falling
///   edge feet and falling edge slopes (16 values), so that an input's terms are fuzzified
///   four at a time from one contiguous group. Then,
///   for Sugeno controllers, per output two rows of one value per rule: the constant of the
///   term the rule concludes for that output (0 when it concludes none or when that term
///   is linear), and 1 or 0 for whether it concludes one, so that the weighted average runs
///   over contiguous arrays instead of gathering each rule's term. The rows are in rule
///   order padded with zeros to a multiple of eight rules, except in the grid layout (two
///   inputs, one rule per pair of terms, at most eight terms in the second input): there
///   each row of `cols` rules takes a chunk of eight entries (zeros after the last column)
///   and the rows are padded to a multiple of four. For Mamdani controllers
///   instead, per output, one value per rule: the position of the term it concludes within
///   the output, or the last slot of the output's activation array (15 below 16 terms,
///   else 127) when it concludes none, as a `u32` bit pattern: the rule strengths are
///   combined into term activations without any index arithmetic. Last, for a grid of two
///   two-edged inputs of 2 to 16 terms each with one rule per pair of terms (a Sugeno
///   controller: the grid layout above), a window block per input: the rising feet of its
///   terms from the third on (padded with `+inf` to 8 values, or 16 above ten terms), then
///   per pair of neighbouring terms `w`, `w + 1` (eight values) their rising and falling
///   feet `[ra(w), fa(w), ra(w + 1), fa(w + 1)]` and their slopes in the same order, so
///   that the window kernels read a pair's edges as two vectors. Produce it with
///   [`tables`] (const) or let [`crate::OwnedController`] do it.
///
/// The derived tables are checked by [`Controller::new`] against a fresh computation,
/// so a stale table is an error, never a wrong result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControllerDef<'a> {
    /// Mamdani or Sugeno
    pub inference: Inference,
    /// T-norm of AND rules
    pub and: TNorm,
    /// S-norm of OR rules
    pub or: SNorm,
    /// input variables
    pub inputs: &'a [InputVariable],
    /// output variables
    pub outputs: &'a [OutputVariable],
    /// all terms, inputs first
    pub terms: &'a [Term],
    /// parameter pool of points and linear terms
    pub params: &'a [f32],
    /// per-rule settings
    pub rules: &'a [Rule],
    /// per-rule term numbers, one row of `inputs + outputs` entries per rule
    pub rule_terms: &'a [i8],
    /// `rule_terms` compiled to working-array positions (derived, see [`rule_slots`])
    pub rule_slots: &'a [u16],
    /// sampled output terms (Mamdani)
    pub samples: &'a [f32],
    /// input edges and Sugeno rule constants laid out for vector code (derived, see
    /// [`tables`])
    pub tables: &'a [f32],
}

/// A validated controller: evaluation cannot fail.
///
/// Build it once with [`Controller::new`] (a `const fn`: a `static` controller is checked at
/// compile time) and evaluate it with [`Controller::evaluate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Controller<'a> {
    def: ControllerDef<'a>,
    scratch_len: usize,
    shape: RuleShape,
    grid: GridTables<'a>,
}

/// The grid kernels' view of the evaluation tables, cut once when the controller is built
/// so that an evaluation does no slice arithmetic: the two inputs' edge groups and, for a
/// Sugeno grid layout, the consequent rows as groups of four grid rows (per output,
/// `sugeno_row / 32` groups of constants, then as many of flags). Empty for controllers
/// without the grid kernel's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct GridTables<'a> {
    /// the first input's edge groups
    pub first: &'a [[f32; crate::eval::EDGE_QUAD]],
    /// the second input's edge groups
    pub second: &'a [[f32; crate::eval::EDGE_QUAD]],
    /// the Sugeno consequent groups of all outputs (empty for Mamdani)
    pub consequents: &'a [[f32; crate::eval::SUGENO_GROUP]],
    /// the two inputs' window blocks (empty unless the tables have them, see [`window_len`])
    pub windows: [WindowTables<'a>; 2],
}

/// An input's window block of the evaluation tables (see [`ControllerDef`]), cut into its
/// two parts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WindowTables<'a> {
    /// the rising feet of the terms from the third on, `+inf` past the last term
    /// ([`window_starts`] entries)
    pub starts: &'a [f32],
    /// per pair of neighbouring terms `w`, `w + 1`: their rising and falling feet
    /// `[ra(w), fa(w), ra(w + 1), fa(w + 1)]`, then their slopes in the same order
    pub pairs: &'a [[f32; 8]],
}

impl WindowTables<'_> {
    const EMPTY: WindowTables<'static> = WindowTables {
        starts: &[],
        pairs: &[],
    };

    /// The block of an input with `terms` terms at the start of `block`, and the rest.
    const fn of(block: &[f32], terms: usize) -> (WindowTables<'_>, &[f32]) {
        let Some((starts, rest)) = block.split_at_checked(window_starts(terms)) else {
            return (WindowTables::EMPTY, &[]);
        };
        let Some((pairs, rest)) = rest.split_at_checked(8 * (terms - 1)) else {
            return (WindowTables::EMPTY, &[]);
        };
        (
            WindowTables {
                starts,
                pairs: pairs.as_chunks().0,
            },
            rest,
        )
    }
}

/// Length of the rising feet in an input's window block (those of the terms from the third
/// on): 8 for up to ten terms, else 16 (the window kernel compares the input with all of
/// them at once).
pub(crate) const fn window_starts(terms: usize) -> usize {
    if terms <= 10 { 8 } else { 16 }
}

impl<'a> GridTables<'a> {
    const EMPTY: GridTables<'static> = GridTables {
        first: &[],
        second: &[],
        consequents: &[],
        windows: [WindowTables::EMPTY; 2],
    };

    const fn of(def: &ControllerDef<'a>, shape: &RuleShape) -> GridTables<'a> {
        let [first, second] = def.inputs else {
            return GridTables::EMPTY;
        };
        if !shape.grid_kernel {
            return GridTables::EMPTY;
        }
        let (a_len, b_len) = (4 * edge_row(first), 4 * edge_row(second));
        let Some((a, rest)) = def.tables.split_at_checked(a_len) else {
            return GridTables::EMPTY;
        };
        let Some((b, rest)) = rest.split_at_checked(b_len) else {
            return GridTables::EMPTY;
        };
        let rules = def.rules.len();
        const NO_GROUPS: &[[f32; crate::eval::SUGENO_GROUP]] = &[];
        const NOTHING: &[f32] = &[];
        let (consequents, rest) = match (def.inference, sugeno_grid_cols(def.inputs, rules)) {
            (Inference::Sugeno, Some(_)) => {
                match rest.split_at_checked(2 * def.outputs.len() * sugeno_row(def.inputs, rules)) {
                    Some((consequents, rest)) => (consequents.as_chunks().0, rest),
                    None => return GridTables::EMPTY,
                }
            }
            (Inference::Sugeno, None) => (NO_GROUPS, NOTHING),
            (Inference::Mamdani { .. }, _) => match rest.split_at_checked(def.outputs.len() * rules) {
                Some((_, rest)) => (NO_GROUPS, rest),
                None => return GridTables::EMPTY,
            },
        };
        let windows = if windows_stored(def.inference, def.inputs, def.terms, rules) {
            let (w1, rest) = WindowTables::of(rest, first.terms.count as usize);
            let (w2, _) = WindowTables::of(rest, second.terms.count as usize);
            [w1, w2]
        } else {
            [WindowTables::EMPTY; 2]
        };
        GridTables {
            first: a.as_chunks().0,
            second: b.as_chunks().0,
            consequents,
            windows,
        }
    }
}

/// Structure of the rule base found when the controller is built, used to pick a faster
/// (still fixed-time) firing loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RuleShape {
    /// Two inputs with `rows` and `cols` terms and exactly one AND rule per pair of terms,
    /// without NOT, in row-major order (rule `i * cols + j` uses term `i` of input 1 and
    /// term `j` of input 2): the firing strengths are an "outer product" of the degrees.
    pub grid: Option<(u16, u16)>,
    /// Every rule weight is 1 (the multiplication by the weight can be skipped).
    pub unit_weights: bool,
    /// Some rule has a NOT antecedent (the complements of the degrees are needed).
    pub negation: bool,
    /// Bit `o` set: Sugeno output `o` has a linear term (its rule values are computed from
    /// the inputs instead of read from the consequent table).
    pub linear_outputs: u8,
    /// Bit `i` set: every term of input `i` is a triangle or trapezoid (it has an edge
    /// block in the evaluation tables).
    pub two_edged_inputs: u16,
    /// Where the output rows of the evaluation tables (Sugeno constants and flags, or
    /// Mamdani term positions) start, after the edge blocks.
    pub consequent_offset: usize,
    /// The grid kernel applies: a `grid` of at most 16 × 16 terms, both inputs two-edged,
    /// AND minimum or product (see `Controller::fuzzify_and_fire_grid`).
    pub grid_kernel: bool,
    /// How many partial sums the Sugeno sums use: rule `r` goes into partial `r mod
    /// sugeno_lanes`. The column count of a Sugeno controller with the grid layout
    /// ([`sugeno_grid_cols`]), so that a row of rules is one vector of partials; eight
    /// otherwise. Part of the definition of the results (kept by `without_kernels`).
    pub sugeno_lanes: u8,
    /// Length of a Sugeno output's rows of the evaluation tables ([`sugeno_row`]).
    pub sugeno_row: usize,
    /// Which whole-evaluation kernel `Controller::evaluate` takes.
    pub kernel: Kernel,
    /// Bit `o` set: every rule concludes a term of output `o` (its concluded flags are all
    /// 1, so the Sugeno total needs no multiplication by them).
    pub complete_outputs: u8,
}

/// The evaluation kernels: faster paths for common shapes, with the general path's results
/// bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// The general path (`Controller::evaluate_general`).
    General,
    /// The Sugeno grid kernel: `grid_kernel`, the grid layout, constant output terms only
    /// (see `Controller::sugeno_grid`).
    SugenoGrid,
    /// The Sugeno window kernel: the Sugeno grid kernel's shape, and both inputs' terms in
    /// a chain where at most two neighbouring terms are non-zero at any input value
    /// ([`windowed`]; see `Controller::sugeno_window`).
    SugenoWindow,
    /// The Mamdani grid kernel: `grid_kernel`, maximum aggregation, minimum or product
    /// implication, every output defuzzified by its centroid and with fewer than 16 terms
    /// (see `Controller::mamdani_grid`).
    MamdaniGrid,
    /// The Mamdani window kernel: the Mamdani grid kernel's shape with both inputs'
    /// terms in a window chain (see `Controller::mamdani_window`).
    MamdaniWindow,
}

impl RuleShape {
    const fn of(def: &ControllerDef) -> RuleShape {
        let mut unit_weights = true;
        let mut r = 0;
        while r < def.rules.len() {
            if def.rules[r].weight != 1.0 {
                unit_weights = false;
            }
            r += 1;
        }
        let stride = def.inputs.len() + def.outputs.len();
        let mut negation = false;
        let mut k = 0;
        while k < def.rule_terms.len() {
            if stride > 0 && k % stride < def.inputs.len() && def.rule_terms[k] < 0 {
                negation = true;
            }
            k += 1;
        }
        let mut linear_outputs = 0u8;
        let mut o = 0;
        while o < def.outputs.len() && o < 8 {
            let terms = def.outputs[o].terms;
            let mut t = terms.start as usize;
            while t < terms.end() && t < def.terms.len() {
                if matches!(def.terms[t].description(), Membership::Linear { .. }) {
                    linear_outputs |= 1 << o;
                }
                t += 1;
            }
            o += 1;
        }
        let mut two_edged_inputs = 0u16;
        let mut i = 0;
        while i < def.inputs.len() && i < 16 {
            if two_edged(&def.inputs[i], def.terms) {
                two_edged_inputs |= 1 << i;
            }
            i += 1;
        }
        let grid = grid_of(def);
        let grid_kernel = match grid {
            Some((rows, cols)) => {
                rows as usize <= crate::eval::GRID_TERMS
                    && cols as usize <= crate::eval::GRID_TERMS
                    && two_edged_inputs & 0b11 == 0b11
                    && matches!(def.and, TNorm::Minimum | TNorm::Product)
            }
            None => false,
        };
        let layout_cols = match def.inference {
            Inference::Sugeno => sugeno_grid_cols(def.inputs, def.rules.len()),
            Inference::Mamdani { .. } => None,
        };
        let sugeno_lanes = match layout_cols {
            Some(cols) => cols as u8,
            None => crate::eval::SUGENO_LANES as u8,
        };
        let sugeno_grid =
            grid_kernel && layout_cols.is_some() && linear_outputs == 0 && def.outputs.len() <= 8;
        let mut mamdani_grid = grid_kernel
            && matches!(
                def.inference,
                Inference::Mamdani {
                    implication: TNorm::Minimum | TNorm::Product,
                    aggregation: SNorm::Maximum,
                }
            );
        let mut o = 0;
        while o < def.outputs.len() {
            let output = &def.outputs[o];
            if !matches!(output.defuzzifier, crate::Defuzzifier::Centroid) || output.terms.count >= 16 {
                mamdani_grid = false;
            }
            o += 1;
        }
        let mut complete_outputs = 0u8;
        let mut o = 0;
        while o < def.outputs.len() && o < 8 {
            let mut complete = true;
            let mut r = 0;
            while r < def.rules.len() {
                let k = r * stride + def.inputs.len() + o;
                if k >= def.rule_terms.len() || def.rule_terms[k] <= 0 {
                    complete = false;
                }
                r += 1;
            }
            if complete {
                complete_outputs |= 1 << o;
            }
            o += 1;
        }
        RuleShape {
            grid,
            unit_weights,
            negation,
            linear_outputs,
            two_edged_inputs,
            consequent_offset: edge_len(def.inputs, def.terms),
            grid_kernel,
            sugeno_lanes,
            sugeno_row: sugeno_row(def.inputs, def.rules.len()),
            kernel: if sugeno_grid
                && windowed(&def.inputs[0], def.terms)
                && windowed(&def.inputs[1], def.terms)
            {
                Kernel::SugenoWindow
            } else if sugeno_grid {
                Kernel::SugenoGrid
            } else if mamdani_grid
                && windowed(&def.inputs[0], def.terms)
                && windowed(&def.inputs[1], def.terms)
            {
                Kernel::MamdaniWindow
            } else if mamdani_grid {
                Kernel::MamdaniGrid
            } else {
                Kernel::General
            },
            complete_outputs,
        }
    }
}

/// Whether an input's terms (all triangles or trapezoids) allow the window kernel: at
/// least two of them, and for every `x` at most two neighbouring terms are non-zero, found
/// from the number `k` of terms whose rising foot lies below `x` as terms `max(k, 2) - 2`
/// and the next.
///
/// The proof, from the edges as compiled (degree `min(clamp01((x - ra) rs), clamp01((x -
/// fa) fs))`, see [`Term::edges`]): with `rs >= 0` and `fs <= 0` (neither NaN) a degree is
/// positive only where both products are, that is for `ra < x < fa`, whatever `x` is
/// (infinities included: a NaN product clamps to 0). With the rising feet in order, the
/// terms below `x` are the first `k`, and terms `k` on are zero. With `fa(t) <= ra(t + 2)`
/// every term `t <= k - 3` has `fa(t) <= ra(k - 1) < x` and is zero too. Evenly spaced
/// triangles that share their corner points (MATLAB's and fuzzylite's usual partitions,
/// the optimizer's templates) satisfy it exactly.
pub(crate) const fn windowed(input: &InputVariable, terms: &[Term]) -> bool {
    let (start, n) = (input.terms.start as usize, input.terms.count as usize);
    if n < 2 || start + n > terms.len() {
        return false;
    }
    let mut t = 0;
    while t < n {
        let Some([ra, rs, fa, fs]) = terms[start + t].edges() else {
            return false;
        };
        if !(rs >= 0.0 && fs <= 0.0) {
            return false;
        }
        if t + 1 < n {
            match terms[start + t + 1].edges() {
                Some([next, ..]) if next >= ra => {}
                _ => return false,
            }
        }
        if t + 2 < n {
            match terms[start + t + 2].edges() {
                Some([later, ..]) if fa <= later => {}
                _ => return false,
            }
        }
        t += 1;
    }
    true
}

const fn grid_of(def: &ControllerDef) -> Option<(u16, u16)> {
    if def.inputs.len() != 2 {
        return None;
    }
    let (rows, cols) = (def.inputs[0].terms.count, def.inputs[1].terms.count);
    if def.rules.len() != rows as usize * cols as usize {
        return None;
    }
    let stride = 2 + def.outputs.len();
    let mut r = 0;
    while r < def.rules.len() {
        let (i, j) = (r / cols as usize, r % cols as usize);
        if !matches!(def.rules[r].connective, Connective::And)
            || def.rule_terms[r * stride] as usize != i + 1
            || def.rule_terms[r * stride + 1] as usize != j + 1
        {
            return None;
        }
        r += 1;
    }
    Some((rows, cols))
}

/// Samples are stored in rows padded to a multiple of this many values: 16 on x86-64 and
/// AArch64, 8 elsewhere.
///
/// The block size trades per-block overhead against padding work. With vector registers a
/// 16-sample block halves the blocks of a 101-point output (7 instead of 13) while each
/// row still costs a few vector instructions (x86-64: 7×7 Mamdani −7 % instructions); on a
/// scalar in-order core such as the Cortex-M4 every padded lane and every zero of a longer
/// row is an instruction of its own (+19 % per step with 16), so it keeps 8. The block
/// size changes only the table layout, never a result: each sample is aggregated on its
/// own and the centroid sums run in the same eight lanes either way.
pub const SAMPLE_BLOCK: usize = if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
    16
} else {
    8
};

/// Entries of one row of the sampled table: the term's position within its output, then
/// its values at the block's [`SAMPLE_BLOCK`] points. Counts and positions are stored as
/// the bit patterns of `u32`s in `f32` slots (`f32::from_bits`): reading them back is a
/// plain move, where a float-to-integer conversion would cost a dozen instructions.
pub const SAMPLE_ROW: usize = 1 + SAMPLE_BLOCK;

/// Largest number of entries one block can take (a header and a row per term).
const BLOCK_CAPACITY: usize = 1 + crate::MAX_TERMS_PER_VARIABLE * SAMPLE_ROW;

/// One block of one output's part of the sampled table (see [`ControllerDef`]): its entries
/// and how many of the returned array are used.
///
/// A block is a header (the number of rows) followed by one row per term that is
/// non-zero at one of the block's points; terms that are zero on the whole block are left
/// out. Skipping them changes nothing: every T-norm gives 0 with a zero degree and every
/// S-norm leaves the aggregate unchanged with 0.
const fn sample_block(
    output: &OutputVariable,
    terms: &[Term],
    params: &[f32],
    block: usize,
) -> ([f32; BLOCK_CAPACITY], usize) {
    let mut entries = [0.0f32; BLOCK_CAPACITY];
    let mut len = 1;
    let count = output.terms.count as usize;
    let mut t = 0;
    while t < count && t < crate::MAX_TERMS_PER_VARIABLE {
        let term = output.terms.start as usize + t;
        let mut row = [0.0f32; SAMPLE_BLOCK];
        let mut used = false;
        let mut lane = 0;
        while lane < SAMPLE_BLOCK {
            let point = block * SAMPLE_BLOCK + lane;
            if point < output.sampling.count() && term < terms.len() {
                let value = terms[term]
                    .membership_const(output.sampling.position(point, output.min, output.max), params);
                row[lane] = value;
                // NaN never occurs for a validated term; counting it as used keeps it visible.
                used |= !(value == 0.0);
            }
            lane += 1;
        }
        if used {
            entries[len] = f32::from_bits(t as u32);
            let mut lane = 0;
            while lane < SAMPLE_BLOCK {
                entries[len + 1 + lane] = row[lane];
                lane += 1;
            }
            len += SAMPLE_ROW;
        }
        t += 1;
    }
    entries[0] = f32::from_bits(((len - 1) / SAMPLE_ROW) as u32);
    (entries, len)
}

/// Number of blocks of an output's samples.
const fn block_count(output: &OutputVariable) -> usize {
    output.sampling.stored_count() / SAMPLE_BLOCK
}

/// Length of one Mamdani output's part of the sampled table.
pub const fn output_sample_len(output: &OutputVariable, terms: &[Term], params: &[f32]) -> usize {
    let mut total = 0;
    let mut block = 0;
    while block < block_count(output) {
        total += sample_block(output, terms, params, block).1;
        block += 1;
    }
    total
}

/// Length of the sampled output table of a Mamdani controller with these outputs, terms and
/// parameter pool (see [`ControllerDef`] for the layout).
pub const fn sample_len(outputs: &[OutputVariable], terms: &[Term], params: &[f32]) -> usize {
    let mut total = 0;
    let mut o = 0;
    while o < outputs.len() {
        total += output_sample_len(&outputs[o], terms, params);
        o += 1;
    }
    total
}

/// Fills `table` with the output terms sampled as [`ControllerDef::samples`] expects,
/// stopping at the end of `table`.
pub const fn fill_sample_table(
    table: &mut [f32],
    outputs: &[OutputVariable],
    terms: &[Term],
    params: &[f32],
) {
    let mut offset = 0;
    let mut o = 0;
    while o < outputs.len() {
        let mut block = 0;
        while block < block_count(&outputs[o]) {
            let (entries, len) = sample_block(&outputs[o], terms, params, block);
            let mut k = 0;
            while k < len && offset + k < table.len() {
                table[offset + k] = entries[k];
                k += 1;
            }
            offset += len;
            block += 1;
        }
        o += 1;
    }
}

/// The sampled output table of a Mamdani controller, as a `const` array:
/// `const SAMPLES: [f32; sample_len(&OUTPUTS, &TERMS, &PARAMS)] =
/// sample_table(&OUTPUTS, &TERMS, &PARAMS);`. A wrong length is caught by
/// [`Controller::new`].
pub const fn sample_table<const N: usize>(
    outputs: &[OutputVariable],
    terms: &[Term],
    params: &[f32],
) -> [f32; N] {
    let mut table = [0.0f32; N];
    fill_sample_table(&mut table, outputs, terms, params);
    table
}

/// Lanes per row of an input's edge block in the evaluation tables: each row is padded to
/// a multiple of this many values.
pub const EDGE_LANES: usize = 4;

/// Whether every term of `input` is a triangle or trapezoid (such an input has an edge
/// block in the evaluation tables).
pub(crate) const fn two_edged(input: &InputVariable, terms: &[Term]) -> bool {
    let mut t = input.terms.start as usize;
    while t < input.terms.end() {
        if t >= terms.len() || !terms[t].is_two_edged() {
            return false;
        }
        t += 1;
    }
    true
}

/// Length of one row of an input's edge block: its term count rounded up to [`EDGE_LANES`].
pub(crate) const fn edge_row(input: &InputVariable) -> usize {
    (input.terms.count as usize).div_ceil(EDGE_LANES) * EDGE_LANES
}

/// Length of the edge part of the evaluation tables: four rows for every two-edged input.
pub(crate) const fn edge_len(inputs: &[InputVariable], terms: &[Term]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < inputs.len() {
        if two_edged(&inputs[i], terms) {
            total += 4 * edge_row(&inputs[i]);
        }
        i += 1;
    }
    total
}

/// Length of the evaluation tables ([`ControllerDef::tables`]) of a controller: four rows of
/// edges per two-edged input, then, for Sugeno, two rows per output (eight values per row
/// of the grid layout, or `rules` values rounded up to a multiple of eight), for Mamdani one
/// row of `rules` values per output, then the window blocks of a two-input grid (see
/// [`ControllerDef`]).
pub const fn table_len(
    inference: Inference,
    inputs: &[InputVariable],
    outputs: usize,
    terms: &[Term],
    rules: usize,
) -> usize {
    edge_len(inputs, terms)
        + match inference {
            Inference::Sugeno => 2 * outputs * sugeno_row(inputs, rules),
            Inference::Mamdani { .. } => outputs * rules,
        }
        + window_len(inference, inputs, terms, rules)
}

/// Length of the window blocks of the evaluation tables: for two two-edged inputs of 2 to
/// 16 terms and one rule per pair of terms (Sugeno: the grid layout, [`sugeno_grid_cols`]),
/// per input its rising feet ([`window_starts`]) and eight entries per pair of
/// neighbouring terms; none otherwise.
pub(crate) const fn window_len(
    inference: Inference,
    inputs: &[InputVariable],
    terms: &[Term],
    rules: usize,
) -> usize {
    if !windows_stored(inference, inputs, terms, rules) {
        return 0;
    }
    window_block(&inputs[0]) + window_block(&inputs[1])
}

/// Whether the evaluation tables end with window blocks (see [`window_len`]).
const fn windows_stored(
    inference: Inference,
    inputs: &[InputVariable],
    terms: &[Term],
    rules: usize,
) -> bool {
    let [first, second] = inputs else {
        return false;
    };
    let (rows, cols) = (first.terms.count as usize, second.terms.count as usize);
    let layout = match inference {
        Inference::Sugeno => sugeno_grid_cols(inputs, rules).is_some(),
        Inference::Mamdani { .. } => cols <= crate::eval::GRID_TERMS && rows * cols == rules,
    };
    layout
        && rows >= 2
        && rows <= crate::eval::GRID_TERMS
        && cols >= 2
        && two_edged(first, terms)
        && two_edged(second, terms)
}

/// Length of one input's window block.
const fn window_block(input: &InputVariable) -> usize {
    let n = input.terms.count as usize;
    window_starts(n) + 8 * (n - 1)
}

/// Entry `k` of the window blocks (`k < window_len`).
const fn window_entry(k: usize, inputs: &[InputVariable], terms: &[Term]) -> f32 {
    let (input, k) = if k < window_block(&inputs[0]) {
        (&inputs[0], k)
    } else {
        (&inputs[1], k - window_block(&inputs[0]))
    };
    let (start, n) = (input.terms.start as usize, input.terms.count as usize);
    let starts = window_starts(n);
    // The rising feet from term 2 on, then per pair w: [ra(w), fa(w), ra(w+1), fa(w+1),
    // rs(w), fs(w), ...].
    let (t, which) = if k < starts {
        if k + 2 >= n {
            return f32::INFINITY;
        }
        (k + 2, 0)
    } else {
        let (w, lane) = ((k - starts) / 8, (k - starts) % 8);
        (w + lane % 4 / 2, [0, 2, 0, 2, 1, 3, 1, 3][lane])
    };
    if start + t >= terms.len() {
        return 0.0;
    }
    match terms[start + t].edges() {
        Some(edges) => edges[which],
        None => 0.0,
    }
}

/// Size of the local activation array of a Mamdani output with `terms` terms: a power of
/// two above the term count, whose last entry collects the rules that conclude no term of
/// the output (16 below 16 terms, else 128).
pub(crate) const fn activation_slots(terms: usize) -> usize {
    if terms < 16 {
        16
    } else {
        crate::MAX_TERMS_PER_VARIABLE + 1
    }
}

/// Entry `k` of the Mamdani part of the evaluation tables: for output `k / rules`, the
/// position of the term rule `k % rules` concludes, or the last activation slot when it
/// concludes none (a `u32` bit pattern).
const fn rule_term_entry(
    k: usize,
    inputs: usize,
    outputs: &[OutputVariable],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    if rules == 0 || k / rules >= outputs.len() {
        return 0.0;
    }
    let (o, r) = (k / rules, k % rules);
    let count = outputs[o].terms.count as usize;
    let i = r * (inputs + outputs.len()) + inputs + o;
    let position = if i < rule_terms.len() && rule_terms[i] > 0 && (rule_terms[i] as usize) <= count {
        rule_terms[i] as usize - 1
    } else {
        activation_slots(count) - 1
    };
    f32::from_bits(position as u32)
}

/// Entry `k` of the edge part of the evaluation tables (`k < edge_len`).
const fn edge_entry(k: usize, inputs: &[InputVariable], terms: &[Term]) -> f32 {
    let mut offset = 0;
    let mut i = 0;
    while i < inputs.len() {
        if two_edged(&inputs[i], terms) {
            let row = edge_row(&inputs[i]);
            if k < offset + 4 * row {
                // Quad by quad: the four rows' entries for terms 4q..4q+3, one after the
                // other (16 values per quad).
                let group = 4 * EDGE_LANES;
                let (quad, within) = ((k - offset) / group, (k - offset) % group);
                let (which, lane) = (within / EDGE_LANES, quad * EDGE_LANES + within % EDGE_LANES);
                if lane >= inputs[i].terms.count as usize {
                    return 0.0;
                }
                let t = inputs[i].terms.start as usize + lane;
                return match terms[t].edges() {
                    Some(edges) => edges[which],
                    None => 0.0,
                };
            }
            offset += 4 * row;
        }
        i += 1;
    }
    0.0
}

/// The column count of a Sugeno controller's grid layout: `Some(cols)` when it has two
/// inputs, at most eight terms in the second, and as many rules as pairs of terms (the
/// rules are then read as rows of `cols`, rule `r` in row `r / cols`, column `r mod cols`,
/// whatever its antecedents); `None` otherwise.
pub(crate) const fn sugeno_grid_cols(inputs: &[InputVariable], rules: usize) -> Option<usize> {
    if inputs.len() != 2 {
        return None;
    }
    let (rows, cols) = (inputs[0].terms.count as usize, inputs[1].terms.count as usize);
    if cols == 0 || cols > 8 || rows * cols != rules {
        None
    } else {
        Some(cols)
    }
}

/// Length of one row of the Sugeno part of the evaluation tables: eight entries per row of
/// the grid layout ([`sugeno_grid_cols`]), with the rows padded to a multiple of four (the
/// grid kernel takes four rows per vector of the first input's degrees), else the rule
/// count rounded up to a multiple of eight. The padding is zeros.
pub(crate) const fn sugeno_row(inputs: &[InputVariable], rules: usize) -> usize {
    match sugeno_grid_cols(inputs, rules) {
        Some(cols) => (rules / cols).div_ceil(4) * 4 * 8,
        None => rules.div_ceil(8) * 8,
    }
}

/// The position of rule `r`'s entry in a Sugeno row (the inverse of [`sugeno_rule_at`]).
const fn sugeno_slot(inputs: &[InputVariable], rules: usize, r: usize) -> usize {
    match sugeno_grid_cols(inputs, rules) {
        Some(cols) => r / cols * 8 + r % cols,
        None => r,
    }
}

/// The rule whose entry sits at position `slot` of a Sugeno row (`None`: padding).
const fn sugeno_rule_at(inputs: &[InputVariable], rules: usize, slot: usize) -> Option<usize> {
    let r = match sugeno_grid_cols(inputs, rules) {
        Some(cols) if slot % 8 >= cols => return None,
        Some(cols) => slot / 8 * cols + slot % 8,
        None => slot,
    };
    if r < rules { Some(r) } else { None }
}

/// Entry `k` of the Sugeno part of the evaluation tables.
const fn consequent_entry(
    k: usize,
    input_variables: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    let row_len = sugeno_row(input_variables, rules);
    if row_len == 0 {
        return 0.0;
    }
    let (row, slot) = (k / row_len, k % row_len);
    let (o, flag) = (row / 2, row % 2 == 1);
    let r = match sugeno_rule_at(input_variables, rules, slot) {
        Some(r) => r,
        None => return 0.0,
    };
    let inputs = input_variables.len();
    let stride = inputs + outputs.len();
    if o >= outputs.len() || r * stride + inputs + o >= rule_terms.len() {
        return 0.0;
    }
    let n = rule_terms[r * stride + inputs + o];
    if n <= 0 || n as u16 > outputs[o].terms.count {
        return 0.0;
    }
    if flag {
        return 1.0;
    }
    let t = outputs[o].terms.start as usize + n as usize - 1;
    if t >= terms.len() {
        return 0.0;
    }
    match terms[t].description() {
        Membership::Constant { value } => value,
        _ => 0.0,
    }
}

/// Entry `k` of the evaluation tables; 0 past their end.
const fn table_entry(
    k: usize,
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rules: usize,
    rule_terms: &[i8],
) -> f32 {
    let edges = edge_len(inputs, terms);
    if k < edges {
        return edge_entry(k, inputs, terms);
    }
    let consequents = match inference {
        Inference::Sugeno => 2 * outputs.len() * sugeno_row(inputs, rules),
        Inference::Mamdani { .. } => outputs.len() * rules,
    };
    if k >= edges + consequents {
        return if windows_stored(inference, inputs, terms, rules) {
            window_entry(k - edges - consequents, inputs, terms)
        } else {
            0.0
        };
    }
    match inference {
        Inference::Sugeno => consequent_entry(k - edges, inputs, outputs, terms, rules, rule_terms),
        Inference::Mamdani { .. } => rule_term_entry(k - edges, inputs.len(), outputs, rules, rule_terms),
    }
}

/// Fills `table` with the evaluation tables ([`ControllerDef::tables`]) as far as it goes
/// (size it with [`table_len`]).
pub const fn fill_tables(
    table: &mut [f32],
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rule_terms: &[i8],
) {
    let stride = inputs.len() + outputs.len();
    let rules = match rule_terms.len().checked_div(stride) {
        Some(rules) => rules,
        None => 0,
    };
    let mut k = 0;
    while k < table.len() {
        table[k] = table_entry(k, inference, inputs, outputs, terms, rules, rule_terms);
        k += 1;
    }
}

/// The evaluation tables as a `const` array:
/// `const TABLES: [f32; table_len(INFERENCE, &INPUTS, OUTPUTS.len(), &TERMS, RULES.len())] =
/// tables(INFERENCE, &INPUTS, &OUTPUTS, &TERMS, &RULE_TERMS);`. A wrong length or a stale
/// value is caught by [`Controller::new`].
pub const fn tables<const N: usize>(
    inference: Inference,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: &[Term],
    rule_terms: &[i8],
) -> [f32; N] {
    let mut table = [0.0f32; N];
    fill_tables(&mut table, inference, inputs, outputs, terms, rule_terms);
    table
}

/// Layout of the working array of degrees and activations that evaluation fills
/// (`2 * terms + 3` values), for a controller with `terms` terms:
///
/// | position | value |
/// | --- | --- |
/// | `ZERO` = 0 | 0.0 (an unused antecedent of an OR rule) |
/// | `ONE` = 1 | 1.0 (an unused antecedent of an AND rule) |
/// | `2 + t` | degree of input term `t`, or activation of output term `t` |
/// | `2 + terms + t` | `1 - degree` of input term `t` (NOT; filled only if a rule uses NOT) |
/// | `2 + 2 terms` | sink for rules that do not conclude an output |
///
/// With it every antecedent is a plain load and every consequent a plain update: no
/// per-rule tests of "unused" or "NOT" during evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slots {
    /// number of terms of the controller
    pub terms: usize,
}

impl Slots {
    /// Position of the constant 0.
    pub const ZERO: usize = 0;
    /// Position of the constant 1.
    pub const ONE: usize = 1;

    /// Position of term `t`'s degree (input) or activation (output).
    pub const fn term(self, t: usize) -> usize {
        2 + t
    }

    /// Position of `1 - degree` of input term `t`.
    pub const fn complement(self, t: usize) -> usize {
        2 + self.terms + t
    }

    /// Position written by rules that do not conclude an output.
    pub const fn sink(self) -> usize {
        2 + 2 * self.terms
    }

    /// Length of the working array.
    pub const fn len(self) -> usize {
        3 + 2 * self.terms
    }

    /// Never empty (the constants and the sink are always there).
    pub const fn is_empty(self) -> bool {
        false
    }
}

/// Working-array position of rule-table entry `v` (a variable index: inputs first) holding
/// term number `k`, for a rule combining antecedents with `connective`.
const fn slot_of(
    k: i8,
    v: usize,
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    connective: Connective,
    slots: Slots,
) -> u16 {
    let n = k.unsigned_abs() as usize;
    let position = if v < inputs.len() {
        let start = inputs[v].terms.start as usize;
        if k > 0 {
            slots.term(start + n - 1)
        } else if k < 0 {
            slots.complement(start + n - 1)
        } else if let Connective::And = connective {
            Slots::ONE
        } else {
            Slots::ZERO
        }
    } else if k > 0 && v - inputs.len() < outputs.len() {
        slots.term(outputs[v - inputs.len()].terms.start as usize + n - 1)
    } else {
        slots.sink()
    };
    position as u16
}

/// Fills `table` with the compiled rule table ([`ControllerDef::rule_slots`]) for these
/// variables and rules, as far as both go. `terms` is the length of the term list.
pub const fn fill_rule_slots(
    table: &mut [u16],
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: usize,
    rules: &[Rule],
    rule_terms: &[i8],
) {
    let stride = inputs.len() + outputs.len();
    let count = rules.len();
    let slots = Slots { terms };
    let mut i = 0;
    // Column-major: entry (variable v, rule r) at v * rules + r.
    while i < table.len() && i < rule_terms.len() && count > 0 {
        let (v, r) = (i / count, i % count);
        if r * stride + v < rule_terms.len() {
            table[i] = slot_of(
                rule_terms[r * stride + v],
                v,
                inputs,
                outputs,
                rules[r].connective,
                slots,
            );
        }
        i += 1;
    }
}

/// The compiled rule table as a `const` array:
/// `const SLOTS: [u16; N] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE);`
/// with `N = TABLE.len()`.
pub const fn rule_slots<const N: usize>(
    inputs: &[InputVariable],
    outputs: &[OutputVariable],
    terms: usize,
    rules: &[Rule],
    rule_terms: &[i8],
) -> [u16; N] {
    let mut table = [0u16; N];
    fill_rule_slots(&mut table, inputs, outputs, terms, rules, rule_terms);
    table
}

impl<'a> ControllerDef<'a> {
    /// Length of the `samples` table this controller needs.
    pub const fn expected_sample_len(&self) -> usize {
        match self.inference {
            Inference::Mamdani { .. } => sample_len(self.outputs, self.terms, self.params),
            Inference::Sugeno => 0,
        }
    }

    /// Length of the scratch buffer [`Controller::evaluate`] needs: one value per input, the
    /// working array of degrees ([`Slots`]), one value per rule and 16 more (room for
    /// whole-vector stores), and (Mamdani) the largest output sample count, rounded up to
    /// [`SAMPLE_BLOCK`].
    pub const fn scratch_len(&self) -> usize {
        let mut widest = 0;
        if let Inference::Mamdani { .. } = self.inference {
            let mut o = 0;
            while o < self.outputs.len() {
                let n = self.outputs[o].sampling.stored_count();
                if n > widest {
                    widest = n;
                }
                o += 1;
            }
        }
        self.inputs.len()
            + Slots {
                terms: self.terms.len(),
            }
            .len()
            + self.rules.len()
            + crate::eval::ROW_SLACK
            + widest
    }
}

/// Largest parameter magnitude accepted (keeps every derived slope and sample finite).
pub const MAX_PARAMETER: f32 = 1e30;

const fn finite_all(values: &[f32]) -> bool {
    let mut i = 0;
    while i < values.len() {
        if !(crate::math::abs(values[i]) <= MAX_PARAMETER) {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks one term's parameters; `Ok(())` or the error to report.
const fn check_term(
    term: &Term,
    variable: Variable,
    index: u16,
    usage: TermUse,
    inputs: usize,
    params: &[f32],
) -> Result<(), Error> {
    let bad = Error::InvalidParameters {
        variable,
        term: index,
    };
    let non_finite = Error::NonFiniteParameter {
        variable,
        term: index,
    };
    if !matches!(
        (term.usage(), usage),
        (TermUse::Shape, TermUse::Shape) | (TermUse::SugenoOutput, TermUse::SugenoOutput)
    ) {
        return Err(Error::WrongTermKind {
            variable,
            term: index,
        });
    }
    match term.description() {
        Membership::Triangle { a, b, c } => {
            if !finite_all(&[a, b, c]) {
                return Err(non_finite);
            }
            if !(a <= b && b <= c) {
                return Err(bad);
            }
        }
        Membership::Trapezoid { a, b, c, d } => {
            if !finite_all(&[a, b, c, d]) {
                return Err(non_finite);
            }
            if !(a <= b && b <= c && c <= d) {
                return Err(bad);
            }
        }
        Membership::Gaussian { sigma, c } => {
            if !finite_all(&[sigma, c]) {
                return Err(non_finite);
            }
        }
        Membership::Gaussian2 {
            sigma1,
            c1,
            sigma2,
            c2,
        } => {
            if !finite_all(&[sigma1, c1, sigma2, c2]) {
                return Err(non_finite);
            }
        }
        Membership::Bell { a, b, c } => {
            if !finite_all(&[a, b, c]) {
                return Err(non_finite);
            }
        }
        Membership::Sigmoid { a, c } => {
            if !finite_all(&[a, c]) {
                return Err(non_finite);
            }
        }
        Membership::DiffSigmoid { a1, c1, a2, c2 } | Membership::ProdSigmoid { a1, c1, a2, c2 } => {
            if !finite_all(&[a1, c1, a2, c2]) {
                return Err(non_finite);
            }
        }
        Membership::SShape { a, b } | Membership::ZShape { a, b } => {
            if !finite_all(&[a, b]) {
                return Err(non_finite);
            }
        }
        Membership::PiShape { a, b, c, d } => {
            if !finite_all(&[a, b, c, d]) {
                return Err(non_finite);
            }
        }
        Membership::Points { offset, count } => {
            let start = offset as usize;
            let end = start + 2 * count as usize;
            if count == 0 || end > params.len() {
                return Err(bad);
            }
            let mut i = start;
            while i < end {
                let (x, y) = (params[i], params[i + 1]);
                if !finite_all(&[x, y]) {
                    return Err(non_finite);
                }
                if !(y >= 0.0 && y <= 1.0) || (i > start && x < params[i - 2]) {
                    return Err(bad);
                }
                i += 2;
            }
        }
        Membership::Constant { value } => {
            if !is_finite(value) {
                return Err(non_finite);
            }
        }
        Membership::Linear { offset } => {
            let start = offset as usize;
            if start + inputs + 1 > params.len() {
                return Err(bad);
            }
            let mut i = start;
            while i < start + inputs + 1 {
                if !finite_all(&[params[i]]) {
                    return Err(non_finite);
                }
                i += 1;
            }
        }
    }
    Ok(())
}

/// Checks a variable's range and terms.
const fn check_variable(
    min: f32,
    max: f32,
    range: crate::TermRange,
    variable: Variable,
    usage: TermUse,
    def: &ControllerDef,
) -> Result<(), Error> {
    if !is_finite(min) || !is_finite(max) || !(min < max) || !is_finite(max - min) {
        return Err(Error::InvalidRange(variable));
    }
    if range.count == 0 || range.count as usize > MAX_TERMS_PER_VARIABLE {
        return Err(Error::TermCount(variable));
    }
    if range.end() > def.terms.len() {
        return Err(Error::TermsOutOfList(variable));
    }
    let mut t = 0;
    while t < range.count {
        let term = &def.terms[range.start as usize + t as usize];
        if let Err(e) = check_term(term, variable, t, usage, def.inputs.len(), def.params) {
            return Err(e);
        }
        t += 1;
    }
    Ok(())
}

const fn check_rules(def: &ControllerDef) -> Result<(), Error> {
    let inputs = def.inputs.len();
    let stride = inputs + def.outputs.len();
    if def.rule_terms.len() != def.rules.len() * stride {
        return Err(Error::RuleTableLength {
            expected: def.rules.len() * stride,
        });
    }
    let mut r = 0;
    while r < def.rules.len() {
        let rule = r as u16;
        let weight = def.rules[r].weight;
        if !(weight >= 0.0 && weight <= 1.0) {
            return Err(Error::RuleWeight(rule));
        }
        let mut used_inputs = 0;
        let mut used_outputs = 0;
        let mut v = 0;
        while v < stride {
            let k = def.rule_terms[r * stride + v];
            let (variable, count) = if v < inputs {
                (Variable::Input(v as u8), def.inputs[v].terms.count)
            } else {
                (
                    Variable::Output((v - inputs) as u8),
                    def.outputs[v - inputs].terms.count,
                )
            };
            if k.unsigned_abs() as u16 > count {
                return Err(Error::RuleTerm { rule, variable });
            }
            if v >= inputs && k < 0 {
                return Err(Error::NegatedConsequent { rule, variable });
            }
            if k != 0 {
                if v < inputs {
                    used_inputs += 1;
                } else {
                    used_outputs += 1;
                }
            }
            v += 1;
        }
        if used_inputs == 0 {
            return Err(Error::RuleWithoutAntecedent(rule));
        }
        if used_outputs == 0 {
            return Err(Error::RuleWithoutConsequent(rule));
        }
        r += 1;
    }
    if def.rule_slots.len() != def.rule_terms.len() {
        return Err(Error::RuleSlots);
    }
    let slots = Slots {
        terms: def.terms.len(),
    };
    let count = def.rules.len();
    let mut i = 0;
    while i < def.rule_slots.len() {
        let (v, r) = (i / count, i % count);
        let expected = slot_of(
            def.rule_terms[r * stride + v],
            v,
            def.inputs,
            def.outputs,
            def.rules[r].connective,
            slots,
        );
        if def.rule_slots[i] != expected {
            return Err(Error::RuleSlots);
        }
        i += 1;
    }
    Ok(())
}

const fn check_samples(def: &ControllerDef) -> Result<(), Error> {
    let expected = def.expected_sample_len();
    if def.samples.len() != expected {
        return Err(Error::SampleTable { expected });
    }
    if expected == 0 {
        return Ok(());
    }
    let mut offset = 0;
    let mut o = 0;
    while o < def.outputs.len() {
        let mut block = 0;
        while block < block_count(&def.outputs[o]) {
            let (entries, len) = sample_block(&def.outputs[o], def.terms, def.params, block);
            let mut k = 0;
            while k < len {
                if entries[k].to_bits() != def.samples[offset + k].to_bits() {
                    return Err(Error::SampleTable { expected });
                }
                k += 1;
            }
            offset += len;
            block += 1;
        }
        o += 1;
    }
    Ok(())
}

const fn check_tables(def: &ControllerDef) -> Result<(), Error> {
    let expected = table_len(
        def.inference,
        def.inputs,
        def.outputs.len(),
        def.terms,
        def.rules.len(),
    );
    if def.tables.len() != expected {
        return Err(Error::EvaluationTables { expected });
    }
    let mut k = 0;
    while k < expected {
        let value = table_entry(
            k,
            def.inference,
            def.inputs,
            def.outputs,
            def.terms,
            def.rules.len(),
            def.rule_terms,
        );
        if value.to_bits() != def.tables[k].to_bits() {
            return Err(Error::EvaluationTables { expected });
        }
        k += 1;
    }
    Ok(())
}

impl<'a> Controller<'a> {
    /// Validates a description. `const`: in a `static` initializer an invalid controller
    /// is a compile error, e.g.
    /// `static C: Controller = match Controller::new(DEF) { Ok(c) => c, Err(_) => panic!() };`
    pub const fn new(def: ControllerDef<'a>) -> Result<Controller<'a>, Error> {
        if def.inputs.is_empty() {
            return Err(Error::NoInputs);
        }
        if def.outputs.is_empty() {
            return Err(Error::NoOutputs);
        }
        if def.rules.is_empty() {
            return Err(Error::NoRules);
        }
        if def.inputs.len() > MAX_INPUTS {
            return Err(Error::TooManyInputs);
        }
        if def.outputs.len() > MAX_OUTPUTS {
            return Err(Error::TooManyOutputs);
        }
        if def.rules.len() > MAX_RULES {
            return Err(Error::TooManyRules);
        }
        // Working-array positions (2 * terms + 3) must fit in u16.
        if def.terms.len() > (u16::MAX as usize - 3) / 2 || def.params.len() > u16::MAX as usize {
            return Err(Error::TooManyTerms);
        }
        if let SNorm::UnboundedSum = def.or {
            return Err(Error::UnboundedOr);
        }
        let mamdani = matches!(def.inference, Inference::Mamdani { .. });
        let mut i = 0;
        while i < def.inputs.len() {
            let input = def.inputs[i];
            if let Err(e) = check_variable(
                input.min,
                input.max,
                input.terms,
                Variable::Input(i as u8),
                TermUse::Shape,
                &def,
            ) {
                return Err(e);
            }
            i += 1;
        }
        let mut o = 0;
        while o < def.outputs.len() {
            let output = def.outputs[o];
            let variable = Variable::Output(o as u8);
            let usage = if mamdani {
                TermUse::Shape
            } else {
                TermUse::SugenoOutput
            };
            if let Err(e) = check_variable(output.min, output.max, output.terms, variable, usage, &def) {
                return Err(e);
            }
            if output.defuzzifier.is_mamdani() != mamdani {
                return Err(Error::DefuzzifierMismatch(variable));
            }
            let n = output.sampling.count();
            if mamdani && (n < output.sampling.minimum_count() || n > MAX_SAMPLES) {
                return Err(Error::Resolution(variable));
            }
            if let Fallback::Value(v) = output.fallback
                && !(v >= output.min && v <= output.max)
            {
                return Err(Error::FallbackOutOfRange(variable));
            }
            o += 1;
        }
        if let Err(e) = check_rules(&def) {
            return Err(e);
        }
        if let Err(e) = check_samples(&def) {
            return Err(e);
        }
        if let Err(e) = check_tables(&def) {
            return Err(e);
        }
        let shape = RuleShape::of(&def);
        Ok(Controller {
            scratch_len: def.scratch_len(),
            grid: GridTables::of(&def, &shape),
            shape,
            def,
        })
    }

    /// Wraps a description that is known to be valid (built by this crate from a validated
    /// one with identical contents).
    #[cfg(feature = "alloc")]
    pub(crate) const fn from_validated(def: ControllerDef<'a>) -> Controller<'a> {
        let shape = RuleShape::of(&def);
        Controller {
            scratch_len: def.scratch_len(),
            grid: GridTables::of(&def, &shape),
            shape,
            def,
        }
    }

    pub(crate) const fn shape(&self) -> RuleShape {
        self.shape
    }

    /// The grid kernels' view of the evaluation tables.
    pub(crate) const fn grid_tables(&self) -> &GridTables<'a> {
        &self.grid
    }

    /// Whether evaluation takes the two-input grid kernel (a faster path for complete
    /// 2-input AND grids of triangles and trapezoids with at most 16 terms per input,
    /// AND minimum or product), which gives the same results bit for bit.
    pub const fn uses_grid_kernel(&self) -> bool {
        self.shape.grid_kernel
    }

    /// Whether evaluation takes a window kernel: the Sugeno or Mamdani grid kernel's shape
    /// and both inputs' terms in a chain where at most two neighbouring terms are non-zero
    /// at any input (a partition such as evenly spaced triangles sharing their corners). It
    /// fires only the four rules of the two pairs of neighbouring terms, with the same
    /// results bit for bit.
    pub const fn uses_window_kernel(&self) -> bool {
        matches!(self.shape.kernel, Kernel::SugenoWindow | Kernel::MamdaniWindow)
    }

    /// Sugeno output `o`'s two rows of the evaluation tables (see [`ControllerDef`]): per
    /// rule the constant it concludes and 1 or 0 for whether it concludes a term of `o`,
    /// in the grid layout (eight entries per row of rules, zeros past the last column) or in
    /// rule order padded with zeros to a multiple of eight rules. Empty for a Mamdani
    /// controller or a missing output. [`Controller::sugeno_rule`] reads one rule's entries.
    pub fn sugeno_rows(&self, o: usize) -> (&'a [f32], &'a [f32]) {
        let tables: &'a [f32] = self.def.tables;
        let row = self.shape.sugeno_row;
        let start = self.shape.consequent_offset + 2 * o * row;
        match (self.def.inference, tables.get(start..start + 2 * row)) {
            (Inference::Sugeno, Some(rows)) => rows.split_at_checked(row).unwrap_or((&[], &[])),
            _ => (&[], &[]),
        }
    }

    /// How many partial sums the Sugeno weighted sums use: rule `r` is added into partial
    /// `r mod sugeno_lanes()` (see [`crate::Defuzzifier::WeightedAverage`]). The second
    /// input's term count for a 2-input Sugeno controller with one rule per pair of terms
    /// and at most 8 terms in the second input, 8 for every other controller.
    pub const fn sugeno_lanes(&self) -> usize {
        self.shape.sugeno_lanes as usize
    }

    /// Sugeno output `o`'s entry for rule `r` in the evaluation tables: the constant the
    /// rule concludes (0 for none or a linear term) and 1 or 0 for whether it concludes a
    /// term of `o`. `(0, 0)` for a Mamdani controller or a missing output or rule.
    pub fn sugeno_rule(&self, o: usize, r: usize) -> (f32, f32) {
        let (values, flags) = self.sugeno_rows(o);
        let slot = sugeno_slot(self.def.inputs, self.def.rules.len(), r);
        match (values.get(slot), flags.get(slot), r < self.def.rules.len()) {
            (Some(value), Some(flag), true) => (*value, *flag),
            _ => (0.0, 0.0),
        }
    }

    /// The same controller without the window kernels ([`Controller::uses_window_kernel`]):
    /// every rule is fired on every call and every table entry is read at a position that
    /// does not depend on the input. The results are the same bit for bit, and with or
    /// without them the instruction sequence is the same for every input; the window
    /// kernels only read the four rules' entries (and the pair of terms' edges) at
    /// input-dependent positions. Use this where the memory access pattern must not depend
    /// on the input either: a core whose data cache or flash accelerator could make one
    /// position slower than another, when the tables are not in tightly coupled memory.
    pub const fn without_window_kernels(mut self) -> Controller<'a> {
        self.shape.kernel = match self.shape.kernel {
            Kernel::SugenoWindow => Kernel::SugenoGrid,
            Kernel::MamdaniWindow => Kernel::MamdaniGrid,
            other => other,
        };
        self
    }

    /// The same controller, evaluated by the general code only. For tests that compare
    /// the kernel with the general path.
    #[doc(hidden)]
    pub const fn without_kernels(mut self) -> Controller<'a> {
        self.shape.grid_kernel = false;
        self.shape.kernel = Kernel::General;
        self
    }

    /// The validated description.
    pub const fn def(&self) -> &ControllerDef<'a> {
        &self.def
    }

    /// Number of input variables.
    pub const fn input_count(&self) -> usize {
        self.def.inputs.len()
    }

    /// Number of output variables.
    pub const fn output_count(&self) -> usize {
        self.def.outputs.len()
    }

    /// Length of the scratch buffer [`Controller::evaluate`] needs.
    pub const fn scratch_len(&self) -> usize {
        self.scratch_len
    }
}
