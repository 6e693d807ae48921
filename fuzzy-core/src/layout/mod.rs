//! Where everything lives in the derived tables of a [`ControllerDef`], and the one place
//! that writes and reads them: the lane and block constants (with compile-time checks of
//! how they relate), the `const` table builders, and the typed readers the evaluation and
//! the exporters use.
//!
//! # The derived tables
//!
//! | field | built by | holds |
//! | --- | --- | --- |
//! | `rule_slots` | [`rule_slots`] | the rule table compiled to working-array positions ([`Slots`]), column by column: variable `v` of rule `r` at `v * rules + r` |
//! | `samples` | [`sample_table`] | Mamdani: the output terms sampled at their outputs' sample points, output by output, in blocks (below); empty for Sugeno |
//! | `tables` | [`tables`] | input edges, then the consequent rows, then the window blocks (below) |
//!
//! # The sampled table (`samples`)
//!
//! Per output, `stored_count / SAMPLE_BLOCK` blocks; each block is
//!
//! | entries | value |
//! | --- | --- |
//! | 1 | the number of rows `n` (a `u32` bit pattern) |
//! | `n` × [`SAMPLE_ROW`] | per term that is non-zero somewhere on the block: its position in its output (a `u32` bit pattern), then its values at the block's [`SAMPLE_BLOCK`] points (zeros past the last point) |
//!
//! Aggregation reads a block's rows while the block's running aggregate stays in registers
//! and skips the terms that cannot contribute there (a 7-term output evenly covered by
//! triangles has 2 to 3 rows per block instead of 7). Skipping them changes nothing: every
//! T-norm gives 0 with a zero degree and every S-norm leaves the aggregate unchanged with 0.
//! Read it with [`sample_blocks`] / [`split_block`].
//!
//! # The evaluation tables (`tables`)
//!
//! | part | present | entries |
//! | --- | --- | --- |
//! | edge blocks | per input whose terms are all triangles or trapezoids, in input order | per group of [`EDGE_LANES`] terms (the last padded with zeros): rising feet, rising slopes, falling feet, falling slopes ([`EDGE_QUAD`] values), so that four terms are fuzzified from one contiguous group |
//! | Sugeno consequents | Sugeno, per output | two rows: the constant of the term each rule concludes (0 for none or a linear term), and 1 or 0 for whether it concludes one |
//! | Mamdani consequents | Mamdani, per output | one entry per rule: the position of the term it concludes, or the last activation slot (`activation_slots − 1`: 15 below 16 terms, else 127) when none (a `u32` bit pattern) |
//! | window blocks | two two-edged inputs of 2 to 16 terms, one rule per pair of terms | per input: the rising feet of its terms from the third on (`+inf` padding to 8 values, or 16 above ten terms), then per pair of neighbouring terms `w`, `w + 1` their feet `[ra(w), fa(w), ra(w + 1), fa(w + 1)]` and slopes in the same order (eight values) |
//!
//! The Sugeno rows are in rule order padded with zeros to a multiple of
//! [`SUGENO_LANES`] rules, except in the *grid layout* (two inputs, one rule per pair of
//! terms, at most eight terms in the second input): there each row of
//! `cols` rules takes a chunk of [`SUGENO_LANES`] entries (zeros after the last column) and
//! the rows are padded to a multiple of four ([`SUGENO_GROUP`] entries per group of four).
//! Counts and positions are `u32` bit patterns in `f32` slots ([`stored`] writes them,
//! [`stored_index`] reads them back): reading them is a plain move, where a float-to-integer
//! conversion would cost a dozen instructions.
//!
//! # Constants
//!
//! | constant | value | why |
//! | --- | --- | --- |
//! | [`SAMPLE_BLOCK`] | 16 on x86-64 and AArch64, 8 elsewhere | samples per block of the sampled table |
//! | [`SAMPLE_ROW`] | `1 + SAMPLE_BLOCK` | entries of one sampled row |
//! | [`EDGE_LANES`] | 4 | terms per group of an edge block |
//! | [`EDGE_QUAD`] | `4 × EDGE_LANES` | entries per group of an edge block |
//! | [`SUGENO_LANES`] | 8 | partial sums of the Sugeno sums; entries per grid row of the Sugeno grid layout |
//! | [`SUGENO_GROUP`] | `4 × SUGENO_LANES` | entries per group of four grid rows |
//! | [`ROW_SLACK`] | 16 | scratch after the rule strengths for whole-row stores |
//! | [`GRID_TERMS`] | `ROW_SLACK` | most terms per input of the grid kernels |
//! | [`SMALL_OUTPUT`] | 16 | activation array of a Mamdani output with fewer than 16 terms |

mod samples;
mod slots;
mod tables;
mod views;

pub(crate) use samples::{block_count, sample_block};
pub use samples::{fill_sample_table, output_sample_len, sample_len, sample_table};
pub(crate) use slots::slot_of;
pub use slots::{Slots, fill_rule_slots, rule_slots};
pub(crate) use tables::{
    activation_slots, edge_len, edge_row, sugeno_grid_cols, sugeno_row, sugeno_slot, table_entry, two_edged,
    window_starts, windows_stored,
};
pub use tables::{fill_tables, table_len, tables};
pub(crate) use views::{GridTables, WindowTables};

#[cfg(doc)]
use crate::Controller;
use crate::def::{ControllerDef, Inference, MAX_TERMS_PER_VARIABLE};

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
pub(crate) const BLOCK_CAPACITY: usize = 1 + MAX_TERMS_PER_VARIABLE * SAMPLE_ROW;

/// Lanes per row of an input's edge block in the evaluation tables: each row is padded to
/// a multiple of this many values.
pub const EDGE_LANES: usize = 4;

/// Values per group of an edge block: the rising feet, rising slopes, falling feet and
/// falling slopes of [`EDGE_LANES`] terms.
pub const EDGE_QUAD: usize = 4 * EDGE_LANES;

/// Partial sums of the Sugeno weighted sums (rule `r` into partial `r mod 8` outside the
/// grid layout), and entries per grid row of the Sugeno grid layout.
pub const SUGENO_LANES: usize = 8;

/// Entries of a group of four grid rows of a Sugeno output's constants or flags (grid
/// layout).
pub const SUGENO_GROUP: usize = 4 * SUGENO_LANES;

/// Room after the rule strengths for the grid firing's whole-vector row stores: rows of up
/// to this many strengths are written as one fixed-size array.
pub const ROW_SLACK: usize = 16;

/// Largest term count per input of the grid kernels: a row of the grid is one store into
/// the strengths' slack.
pub const GRID_TERMS: usize = ROW_SLACK;

/// The activation array size of Mamdani outputs with fewer than 16 terms
/// (one slot per term and one for the rules that conclude none); outputs with more use [`MAX_ACTIVATIONS`].
pub const SMALL_OUTPUT: usize = 16;

/// The activation array size of Mamdani outputs with 16 terms or more.
pub const MAX_ACTIVATIONS: usize = MAX_TERMS_PER_VARIABLE + 1;

// How the constants relate; the readers rely on each of these.
const _: () = {
    assert!(SAMPLE_ROW == 1 + SAMPLE_BLOCK);
    // The centroid sums run in eight lanes over whole blocks.
    assert!(SAMPLE_BLOCK.is_multiple_of(8));
    assert!(EDGE_QUAD == 4 * EDGE_LANES);
    assert!(SUGENO_GROUP == 4 * SUGENO_LANES);
    // The grid kernels' second input fits one vector of partial sums (Sugeno grid layout).
    assert!(SUGENO_LANES == 8);
    // A grid row is stored whole into the strengths' slack.
    assert!(GRID_TERMS <= ROW_SLACK);
    // Activation arrays are indexed with a mask (`& (N - 1)`): powers of two, one slot
    // more than the terms for the rules that conclude none.
    assert!(SMALL_OUTPUT.is_power_of_two() && MAX_ACTIVATIONS.is_power_of_two());
    assert!(MAX_ACTIVATIONS > MAX_TERMS_PER_VARIABLE);
    // Term numbers of the rule table are `i8`.
    assert!(MAX_TERMS_PER_VARIABLE <= i8::MAX as usize);
};

/// A count or position stored in an `f32` slot of a derived table: the bit pattern of the
/// `u32` (see the module docs).
#[inline(always)]
pub const fn stored(n: usize) -> f32 {
    f32::from_bits(n as u32)
}

/// The count or position a table entry written by [`stored`] holds.
#[inline(always)]
pub const fn stored_index(entry: f32) -> usize {
    entry.to_bits() as usize
}

/// One row of the sampled table: the term's position, then its values at the block's points.
pub type SampleRow = [f32; SAMPLE_ROW];

/// The rows of the block at the front of a sampled table (see the module docs), one by one;
/// [`BlockRows::rest`] is what follows them once they have been read. A truncated block
/// (never in a validated table) ends at its last whole row.
#[inline(always)]
pub fn split_block(table: &[f32]) -> BlockRows<'_> {
    let (left, rest) = block_header(table);
    BlockRows { rest, left }
}

/// The row count of the block at the front of a sampled table (at most
/// [`MAX_TERMS_PER_VARIABLE`]; 0 for an empty table) and the table after the header.
#[inline(always)]
pub fn block_header(table: &[f32]) -> (usize, &[f32]) {
    match table.split_first() {
        Some((count, rest)) => (stored_index(*count).min(MAX_TERMS_PER_VARIABLE), rest),
        None => (0, &[]),
    }
}

/// The row at the front of a block's rows and what follows it; `None` when the table ends
/// first (never in a validated table).
#[inline(always)]
pub fn split_row(rows: &[f32]) -> Option<(&SampleRow, &[f32])> {
    rows.split_first_chunk::<SAMPLE_ROW>()
}

/// The rows of one block of a sampled table ([`split_block`]).
#[derive(Clone, Debug)]
pub struct BlockRows<'a> {
    rest: &'a [f32],
    left: usize,
}

impl<'a> BlockRows<'a> {
    /// The table after the rows read so far (after the last row: the next block).
    #[inline(always)]
    pub fn rest(&self) -> &'a [f32] {
        self.rest
    }
}

impl<'a> Iterator for BlockRows<'a> {
    type Item = &'a SampleRow;

    #[inline(always)]
    fn next(&mut self) -> Option<&'a SampleRow> {
        self.left = self.left.checked_sub(1)?;
        let (row, rest) = split_row(self.rest)?;
        self.rest = rest;
        Some(row)
    }
}

/// A sampled row's term (its position within the output) and its values at the block's
/// points.
#[inline(always)]
pub fn row_parts(row: &SampleRow) -> (usize, &[f32; SAMPLE_BLOCK]) {
    let [term, samples @ ..] = row;
    (stored_index(*term), samples)
}

/// The blocks of one Mamdani output's part of the sampled table, in order (see
/// [`sample_blocks`]).
#[derive(Clone, Debug)]
pub struct SampleBlocks<'a> {
    rest: &'a [f32],
    left: usize,
}

impl<'a> SampleBlocks<'a> {
    /// The blocks of an output with `blocks` blocks whose part starts at the front of `table`.
    pub fn new(table: &'a [f32], blocks: usize) -> SampleBlocks<'a> {
        SampleBlocks {
            rest: table,
            left: blocks,
        }
    }

    /// What follows the blocks not yet visited (after the last block: the next output's part).
    pub fn rest(&self) -> &'a [f32] {
        self.rest
    }
}

impl<'a> Iterator for SampleBlocks<'a> {
    type Item = BlockRows<'a>;

    fn next(&mut self) -> Option<BlockRows<'a>> {
        self.left = self.left.checked_sub(1)?;
        let rows = split_block(self.rest);
        // Skip the block's rows to reach the next block.
        let mut skip = rows.clone();
        for _ in &mut skip {}
        self.rest = skip.rest();
        Some(rows)
    }
}

/// The sample blocks of Mamdani output `output` of `def`, in order: each is the rows of the
/// terms that are non-zero somewhere on the block's points. Empty for Sugeno controllers and
/// missing outputs.
pub fn sample_blocks<'a>(def: &ControllerDef<'a>, output: usize) -> SampleBlocks<'a> {
    if !matches!(def.inference, Inference::Mamdani { .. }) || output >= def.outputs.len() {
        return SampleBlocks::new(&[], 0);
    }
    let mut rest = def.samples;
    for variable in def.outputs.iter().take(output) {
        let mut blocks = SampleBlocks::new(rest, variable.sampling.stored_count() / SAMPLE_BLOCK);
        for _ in &mut blocks {}
        rest = blocks.rest();
    }
    SampleBlocks::new(rest, def.outputs[output].sampling.stored_count() / SAMPLE_BLOCK)
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
    /// working array of degrees ([`Slots`], with one value per hedged antecedent), one value per rule and 16 more (room for
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
            + self.hedged.len()
            + self.rules.len()
            + ROW_SLACK
            + widest
    }
}
