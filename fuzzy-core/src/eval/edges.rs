//! Degrees of the two-edged inputs (triangles and trapezoids) from their edge blocks:
//! four terms at a time, with the operations of [`crate::Term::membership`] (bit for bit).

use crate::layout::{EDGE_LANES, EDGE_QUAD};
use crate::math::rt::{lane_max, lane_min};

/// The groups of an input's edge block (see [`crate::ControllerDef`]): per [`EDGE_LANES`]
/// terms, their rising feet, rising slopes, falling feet and falling slopes.
#[inline(always)]
pub(super) fn edge_quads(block: &[f32]) -> core::slice::Iter<'_, [f32; EDGE_QUAD]> {
    block.as_chunks::<EDGE_QUAD>().0.iter()
}

/// Degrees of `x` in four terms from their edges: `min(clamp01((x - rise_at) · rise_slope),
/// clamp01((x - fall_at) · fall_slope))`, the operations of [`crate::Term::membership`] for
/// a triangle or trapezoid (bit for bit), four lanes at once. Padding lanes (all zeros)
/// give 0.
#[inline(always)]
pub(super) fn quad_degrees(quad: &[f32; EDGE_QUAD], x: f32) -> [f32; EDGE_LANES] {
    let clamp01 = |v: f32| lane_min(lane_max(v, 0.0), 1.0);
    core::array::from_fn(|k| {
        lane_min(
            clamp01((x - quad[k]) * quad[EDGE_LANES + k]),
            clamp01((x - quad[2 * EDGE_LANES + k]) * quad[3 * EDGE_LANES + k]),
        )
    })
}

/// Degrees of `x` in a two-edged input's terms from its edge block into `degrees`.
#[inline(always)]
pub(super) fn edge_degrees_into(block: &[f32], x: f32, degrees: &mut [f32]) {
    let (full, tail) = degrees.as_chunks_mut::<EDGE_LANES>();
    let mut quads = edge_quads(block);
    for (out, quad) in full.iter_mut().zip(&mut quads) {
        *out = quad_degrees(quad, x);
    }
    if let Some(quad) = quads.next() {
        for (d, v) in tail.iter_mut().zip(quad_degrees(quad, x)) {
            *d = v;
        }
    }
}

/// Degrees of `x` in a two-edged input's terms (at most `N`, a multiple of four) from its
/// edge block, zeros past the last term.
#[inline(always)]
pub(super) fn edge_degrees<const N: usize>(quads: &[[f32; EDGE_QUAD]], x: f32) -> [f32; N] {
    let mut out = [0.0f32; N];
    let (chunks, _) = out.as_chunks_mut::<EDGE_LANES>();
    for (out, quad) in chunks.iter_mut().zip(quads) {
        *out = quad_degrees(quad, x);
    }
    out
}
