//! Typed views of the evaluation tables, cut once when the controller is built so that an
//! evaluation does no slice arithmetic.

use super::{EDGE_QUAD, SUGENO_GROUP, edge_row, sugeno_grid_cols, sugeno_row, window_starts, windows_stored};
#[cfg(doc)]
use crate::Controller;
use crate::def::{ControllerDef, Inference};

/// The grid kernels' view of the evaluation tables, cut once when the controller is built
/// so that an evaluation does no slice arithmetic: the two inputs' edge groups and, for a
/// Sugeno grid layout, the consequent rows as groups of four grid rows (per output,
/// `sugeno_row / 32` groups of constants, then as many of flags). Empty for controllers
/// without the grid kernel's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct GridTables<'a> {
    /// the first input's edge groups
    pub first: &'a [[f32; EDGE_QUAD]],
    /// the second input's edge groups
    pub second: &'a [[f32; EDGE_QUAD]],
    /// the Sugeno consequent groups of all outputs (empty for Mamdani)
    pub consequents: &'a [[f32; SUGENO_GROUP]],
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

impl<'a> GridTables<'a> {
    const EMPTY: GridTables<'static> = GridTables {
        first: &[],
        second: &[],
        consequents: &[],
        windows: [WindowTables::EMPTY; 2],
    };

    pub(crate) const fn of(def: &ControllerDef<'a>, grid_kernel: bool) -> GridTables<'a> {
        let [first, second] = def.inputs else {
            return GridTables::EMPTY;
        };
        if !grid_kernel {
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
        const NO_GROUPS: &[[f32; SUGENO_GROUP]] = &[];
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
