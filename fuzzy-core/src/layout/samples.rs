//! The sampled output table of a Mamdani controller: builders (`const`) and readers.

use super::{BLOCK_CAPACITY, SAMPLE_BLOCK, SAMPLE_ROW, stored};
use crate::def::MAX_TERMS_PER_VARIABLE;
use crate::membership::Term;
use crate::variable::OutputVariable;
#[cfg(doc)]
use crate::{Controller, ControllerDef};

/// One block of one output's part of the sampled table (see [`ControllerDef`]): its entries
/// and how many of the returned array are used.
///
/// A block is a header (the number of rows) followed by one row per term that is
/// non-zero at one of the block's points; terms that are zero on the whole block are left
/// out. Skipping them changes nothing: every T-norm gives 0 with a zero degree and every
/// S-norm leaves the aggregate unchanged with 0.
pub(crate) const fn sample_block(
    output: &OutputVariable,
    terms: &[Term],
    params: &[f32],
    block: usize,
) -> ([f32; BLOCK_CAPACITY], usize) {
    let mut entries = [0.0f32; BLOCK_CAPACITY];
    let mut len = 1;
    let count = output.terms.count as usize;
    let mut t = 0;
    while t < count && t < MAX_TERMS_PER_VARIABLE {
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
            entries[len] = stored(t);
            let mut lane = 0;
            while lane < SAMPLE_BLOCK {
                entries[len + 1 + lane] = row[lane];
                lane += 1;
            }
            len += SAMPLE_ROW;
        }
        t += 1;
    }
    entries[0] = stored((len - 1) / SAMPLE_ROW);
    (entries, len)
}

/// Number of blocks of an output's samples.
pub(crate) const fn block_count(output: &OutputVariable) -> usize {
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
