//! Membership functions with MATLAB's parameter conventions.
//!
//! [`Membership`] is the plain description (the parameters a `.fis` file holds, in MATLAB's
//! order); [`Term`] is its compiled form: the constructor precomputes slopes, reciprocals and
//! exponent factors once, so that evaluation is a short fixed sequence of multiplications,
//! comparisons and selects. Both constructors are `const fn`, so terms can live in flash.
//!
//! Degenerate parameters are defined, never a division by zero:
//! - a vertical edge (`a == b` in a triangle or trapezoid, `a >= b` in S/Z shapes) is a step:
//!   the membership is 1 from the edge on (MATLAB: `trimf(a, [a a c]) = 1`);
//! - a zero-width Gaussian or bell is a spike: 1 at the centre, 0 elsewhere;
//! - a vertical segment in [`Membership::Points`] jumps just after its `x` (the earlier
//!   point's degree holds at `x` itself).
//!
//! Accuracy: the exponential families use [`crate::math::exp`] / `exp2` / `log2`; membership
//! degrees are within 1e-6 of the exact (f64) value, see the tests below (the last third of
//! this file; the code itself is about 550 lines).

use crate::math::ct::select;
use crate::math::{abs, is_finite};

/// A membership function as written in a controller file (MATLAB parameter order).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Membership {
    /// `trimf [a b c]`: 0 at `a`, 1 at `b`, 0 at `c`; requires `a <= b <= c`.
    Triangle {
        /// left foot
        a: f32,
        /// peak
        b: f32,
        /// right foot
        c: f32,
    },
    /// `trapmf [a b c d]`: 0 at `a`, 1 on `[b, c]`, 0 at `d`; requires `a <= b <= c <= d`.
    Trapezoid {
        /// left foot
        a: f32,
        /// left shoulder
        b: f32,
        /// right shoulder
        c: f32,
        /// right foot
        d: f32,
    },
    /// `gaussmf [sigma c]`: `exp(-(x - c)^2 / (2 sigma^2))`.
    Gaussian {
        /// standard deviation (sign ignored; 0 gives a spike at `c`)
        sigma: f32,
        /// centre
        c: f32,
    },
    /// `gauss2mf [sigma1 c1 sigma2 c2]`: left half of one Gaussian, 1 between the centres,
    /// right half of another.
    Gaussian2 {
        /// left standard deviation
        sigma1: f32,
        /// left centre
        c1: f32,
        /// right standard deviation
        sigma2: f32,
        /// right centre
        c2: f32,
    },
    /// `gbellmf [a b c]`: `1 / (1 + |(x - c) / a|^(2b))`.
    Bell {
        /// width (0 gives a spike at `c`)
        a: f32,
        /// slope exponent
        b: f32,
        /// centre
        c: f32,
    },
    /// `sigmf [a c]`: `1 / (1 + exp(-a (x - c)))`.
    Sigmoid {
        /// slope
        a: f32,
        /// inflection point
        c: f32,
    },
    /// `dsigmf [a1 c1 a2 c2]`: `|sigmoid(a1, c1) - sigmoid(a2, c2)|`.
    DiffSigmoid {
        /// first slope
        a1: f32,
        /// first inflection
        c1: f32,
        /// second slope
        a2: f32,
        /// second inflection
        c2: f32,
    },
    /// `psigmf [a1 c1 a2 c2]`: `sigmoid(a1, c1) * sigmoid(a2, c2)`.
    ProdSigmoid {
        /// first slope
        a1: f32,
        /// first inflection
        c1: f32,
        /// second slope
        a2: f32,
        /// second inflection
        c2: f32,
    },
    /// `smf [a b]`: spline-based S curve from 0 at `a` to 1 at `b` (`a >= b`: step at the
    /// midpoint, as MATLAB).
    SShape {
        /// foot
        a: f32,
        /// shoulder
        b: f32,
    },
    /// `zmf [a b]`: spline-based Z curve from 1 at `a` to 0 at `b`.
    ZShape {
        /// shoulder
        a: f32,
        /// foot
        b: f32,
    },
    /// `pimf [a b c d]`: `smf [a b]` times `zmf [c d]`.
    PiShape {
        /// left foot
        a: f32,
        /// left shoulder
        b: f32,
        /// right shoulder
        c: f32,
        /// right foot
        d: f32,
    },
    /// Piecewise-linear term through `count` points `(x, degree)` stored as consecutive
    /// pairs at `params[offset..offset + 2 * count]` of the controller; constant before the
    /// first and after the last point (IEC 61131-7). `x` must not decrease; degrees in [0, 1].
    Points {
        /// index of the first `x` in the controller's parameter pool
        offset: u16,
        /// number of points (at least 1)
        count: u16,
    },
    /// Sugeno output constant (zero-order), also the singleton of FCL's COGS.
    Constant {
        /// output value
        value: f32,
    },
    /// Sugeno first-order output `c1 x1 + … + cn xn + c0`: `n + 1` coefficients at
    /// `params[offset..]` of the controller (MATLAB order: input coefficients, then constant).
    Linear {
        /// index of the first coefficient in the controller's parameter pool
        offset: u16,
    },
}

/// Kinds of output a term can describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TermUse {
    /// A fuzzy set over a variable's range (inputs and Mamdani outputs).
    Shape,
    /// A Sugeno output function (constant or linear).
    SugenoOutput,
}

/// An edge of a piecewise-linear shape: a ramp with precomputed slope, or a step when the
/// ramp has zero width.
///
/// The degree is `clamp01((x - at) · slope)`. A zero-width edge (a shoulder, `a == b`) is a
/// ramp one float wide that ends at the shoulder: from the float next to it (degree 0) to
/// the shoulder itself (degree 1). That is exactly the step MATLAB defines (1 at the
/// shoulder, 0 beyond it), without a branch or select. If the reciprocal of that one-ulp
/// width overflows (shoulders within 1e-31 of 0) the slope is infinite, and the single
/// input where `0 · inf` is NaN is the float next to the shoulder, whose degree is 0
/// because `clamp01` maps NaN to 0.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    at: f32,
    slope: f32,
}

/// The next float towards +inf (finite, non-NaN `x`).
const fn next_up(x: f32) -> f32 {
    let bits = x.to_bits();
    if x == 0.0 {
        f32::from_bits(1)
    } else if x > 0.0 {
        f32::from_bits(bits + 1)
    } else {
        f32::from_bits(bits - 1)
    }
}

impl Edge {
    /// Rising edge: degree 0 at `foot`, 1 at `shoulder >= foot`.
    const fn rising(foot: f32, shoulder: f32) -> Edge {
        Edge::new(foot, shoulder, true)
    }

    /// Falling edge: degree 1 at `shoulder`, 0 at `foot >= shoulder`.
    const fn falling(shoulder: f32, foot: f32) -> Edge {
        Edge::new(foot, shoulder, false)
    }

    const fn new(foot: f32, shoulder: f32, rising: bool) -> Edge {
        let width = shoulder - foot;
        if abs(width) > 0.0 && is_finite(1.0 / width) {
            return Edge {
                at: foot,
                slope: 1.0 / width,
            };
        }
        // A step at the shoulder, entered from the foot's side.
        let at = if rising {
            -next_up(-shoulder)
        } else {
            next_up(shoulder)
        };
        Edge {
            at,
            slope: 1.0 / (shoulder - at),
        }
    }
}

/// `-1 / (2 sigma^2)`, kept finite and strictly negative.
const fn gaussian_factor(sigma: f32) -> f32 {
    let k = -0.5 / (sigma * sigma);
    // sigma = 0 or tiny: -inf/NaN -> -MAX (spike); sigma huge: -0 -> -MIN_POSITIVE (flat).
    let k = select(k < 0.0, k, -f32::MIN_POSITIVE);
    select(k >= -f32::MAX, k, -f32::MAX)
}

/// Finite positive reciprocal of `a^2` (MAX for a zero width).
const fn bell_factor(a: f32) -> f32 {
    let k = 1.0 / (a * a);
    let k = select(k > 0.0, k, f32::MIN_POSITIVE);
    select(k <= f32::MAX, k, f32::MAX)
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct SplineEdge {
    /// ramp from a (0) to b (1)
    forward: Edge,
    /// ramp from b (0) to a (1)
    backward: Edge,
    midpoint: f32,
    /// `a >= b` or zero width: a step at the midpoint
    step: bool,
}

impl SplineEdge {
    const fn new(a: f32, b: f32) -> SplineEdge {
        SplineEdge {
            forward: Edge::rising(a, b),
            backward: Edge::falling(a, b),
            midpoint: 0.5 * a + 0.5 * b,
            step: !(a < b) || !is_finite(1.0 / (b - a)),
        }
    }
}

/// Precomputed form of a [`Membership`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Compiled {
    TwoEdges(Edge, Edge),
    Gaussian { k: f32, c: f32 },
    Gaussian2 { k1: f32, c1: f32, k2: f32, c2: f32 },
    Bell { k: f32, b: f32, c: f32 },
    Sigmoid { a: f32, c: f32 },
    DiffSigmoid { a1: f32, c1: f32, a2: f32, c2: f32 },
    ProdSigmoid { a1: f32, c1: f32, a2: f32, c2: f32 },
    SShape(SplineEdge),
    ZShape(SplineEdge),
    PiShape(SplineEdge, SplineEdge),
    Points { offset: u16, count: u16 },
    Constant(f32),
    Linear { offset: u16 },
}

/// A compiled membership function (a fuzzy term), ready for fixed-time evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    description: Membership,
    compiled: Compiled,
}

impl Term {
    /// Compiles a membership description (never fails; parameters are checked by
    /// [`crate::Controller::new`]).
    pub const fn new(description: Membership) -> Term {
        let compiled = match description {
            Membership::Triangle { a, b, c } => Compiled::TwoEdges(Edge::rising(a, b), Edge::falling(b, c)),
            Membership::Trapezoid { a, b, c, d } => {
                Compiled::TwoEdges(Edge::rising(a, b), Edge::falling(c, d))
            }
            Membership::Gaussian { sigma, c } => Compiled::Gaussian {
                k: gaussian_factor(sigma),
                c,
            },
            Membership::Gaussian2 {
                sigma1,
                c1,
                sigma2,
                c2,
            } => Compiled::Gaussian2 {
                k1: gaussian_factor(sigma1),
                c1,
                k2: gaussian_factor(sigma2),
                c2,
            },
            Membership::Bell { a, b, c } => Compiled::Bell {
                k: bell_factor(a),
                b,
                c,
            },
            Membership::Sigmoid { a, c } => Compiled::Sigmoid { a, c },
            Membership::DiffSigmoid { a1, c1, a2, c2 } => Compiled::DiffSigmoid { a1, c1, a2, c2 },
            Membership::ProdSigmoid { a1, c1, a2, c2 } => Compiled::ProdSigmoid { a1, c1, a2, c2 },
            Membership::SShape { a, b } => Compiled::SShape(SplineEdge::new(a, b)),
            Membership::ZShape { a, b } => Compiled::ZShape(SplineEdge::new(a, b)),
            Membership::PiShape { a, b, c, d } => {
                Compiled::PiShape(SplineEdge::new(a, b), SplineEdge::new(c, d))
            }
            Membership::Points { offset, count } => Compiled::Points { offset, count },
            Membership::Constant { value } => Compiled::Constant(value),
            Membership::Linear { offset } => Compiled::Linear { offset },
        };
        Term {
            description,
            compiled,
        }
    }

    /// `trimf [a b c]`.
    pub const fn triangle(a: f32, b: f32, c: f32) -> Term {
        Term::new(Membership::Triangle { a, b, c })
    }

    /// `trapmf [a b c d]`.
    pub const fn trapezoid(a: f32, b: f32, c: f32, d: f32) -> Term {
        Term::new(Membership::Trapezoid { a, b, c, d })
    }

    /// `gaussmf [sigma c]`.
    pub const fn gaussian(sigma: f32, c: f32) -> Term {
        Term::new(Membership::Gaussian { sigma, c })
    }

    /// Sugeno constant output.
    pub const fn constant(value: f32) -> Term {
        Term::new(Membership::Constant { value })
    }

    /// The description this term was compiled from.
    pub const fn description(&self) -> Membership {
        self.description
    }

    pub(crate) const fn usage(&self) -> TermUse {
        match self.description {
            Membership::Constant { .. } | Membership::Linear { .. } => TermUse::SugenoOutput,
            _ => TermUse::Shape,
        }
    }

    /// Degree of membership of `x`, in [0, 1] for every `x` but NaN; a fixed sequence of
    /// operations per shape (the evaluation path).
    ///
    /// `params` is the controller's parameter pool (used by [`Membership::Points`]).
    /// Sugeno output terms (constant, linear) have no membership degree and return 0.
    #[inline]
    pub fn membership(&self, x: f32, params: &[f32]) -> f32 {
        rt_shapes::membership(&self.compiled, x, params)
    }

    /// A triangle's or trapezoid's edges: rising foot and slope, falling foot and slope
    /// (an infinitely steep edge has its foot one float away): the degree is `min(clamp01((x - rise_at) · rise_slope), clamp01((x -
    /// fall_at) · fall_slope))`. `None` for other shapes. The evaluation tables store these
    /// (see [`crate::layout`]); generators that evaluate terms their own way (the C export)
    /// read them here to get the engine's bits.
    pub const fn edges(&self) -> Option<[f32; 4]> {
        match self.compiled {
            Compiled::TwoEdges(rise, fall) => Some([rise.at, rise.slope, fall.at, fall.slope]),
            _ => None,
        }
    }

    /// Whether the term is a triangle or trapezoid (it has an edge block in the evaluation tables).
    pub(crate) const fn is_two_edged(&self) -> bool {
        matches!(self.compiled, Compiled::TwoEdges(..))
    }

    /// The same value as [`Term::membership`], bit for bit, as a `const fn` (sampled output
    /// tables are built with it at compile time).
    pub const fn membership_const(&self, x: f32, params: &[f32]) -> f32 {
        ct_shapes::membership(&self.compiled, x, params)
    }

    /// Value of a Sugeno output term for the (already clamped) crisp inputs.
    /// Shapes return 0 (they are rejected as Sugeno outputs when a controller is built).
    #[inline]
    pub fn sugeno_value(&self, inputs: &[f32], params: &[f32]) -> f32 {
        match self.compiled {
            Compiled::Constant(value) => value,
            Compiled::Linear { offset } => {
                let offset = offset as usize;
                let coefficients = params.get(offset..offset + inputs.len()).unwrap_or(&[]);
                let constant = params.get(offset + inputs.len()).copied().unwrap_or(0.0);
                coefficients
                    .iter()
                    .zip(inputs)
                    .fold(constant, |acc, (c, x)| acc + c * x)
            }
            _ => 0.0,
        }
    }
}

/// `params[i]`, or 0 outside the pool (never reached for a validated controller; keeps the
/// evaluation path free of bounds-check panics).
#[inline(always)]
const fn at(params: &[f32], i: usize) -> f32 {
    if i < params.len() { params[i] } else { 0.0 }
}

/// The shape evaluation, written once and expanded twice: with the run-time math (branch-free
/// selects) and with the `const` math. `$constness` is `const` or nothing.
macro_rules! shape_functions {
    ($($constness:tt)?) => {
        use super::{Compiled, Edge, SplineEdge, at};

        /// Degree on an edge (rising or falling, ramp or step, see [`Edge`]).
        #[inline(always)]
        $($constness)? fn ramp(edge: &Edge, x: f32) -> f32 {
            clamp01((x - edge.at) * edge.slope)
        }

        // `if edge.step` below branches on the controller's parameters, not on `x`: the
        // instruction sequence is fixed per controller.

        #[inline(always)]
        $($constness)? fn sigmoid(x: f32, slope: f32, centre: f32) -> f32 {
            1.0 / (1.0 + exp(-slope * (x - centre)))
        }

        /// S curve with `t` the normalised position from the foot and `u = 1 - t` computed
        /// from the shoulder side (keeps precision near both ends).
        #[inline(always)]
        $($constness)? fn s_curve(t: f32, u: f32) -> f32 {
            // Opaque select: `t` and `u` are often computed as one 2-lane vector, and a compare
            // on a lane is lowered with a branch.
            select(t <= 0.5, 2.0 * t * t, 1.0 - 2.0 * u * u)
        }

        #[inline(always)]
        $($constness)? fn s_shape(edge: &SplineEdge, x: f32) -> f32 {
            if edge.step {
                return select_on_compare(x >= edge.midpoint, 1.0, 0.0);
            }
            let t = clamp01((x - edge.forward.at) * edge.forward.slope);
            let u = clamp01((x - edge.backward.at) * edge.backward.slope);
            s_curve(t, u)
        }

        #[inline(always)]
        $($constness)? fn z_shape(edge: &SplineEdge, x: f32) -> f32 {
            if edge.step {
                return select_on_compare(x <= edge.midpoint, 1.0, 0.0);
            }
            let t = clamp01((x - edge.forward.at) * edge.forward.slope);
            let u = clamp01((x - edge.backward.at) * edge.backward.slope);
            s_curve(u, t)
        }

        /// Piecewise-linear membership: `y0 + Σ Δy_i · clamp01((x - x_i) / w_i)`, one term per
        /// segment whatever `x` is. A segment of zero width divides by `f32::MIN_POSITIVE`
        /// instead, which turns it into a step just after `x_i`. (The one shape that divides
        /// per segment: its points live in the pool, where no reciprocal is stored.)
        $($constness)? fn points(x: f32, params: &[f32], offset: u16, count: u16) -> f32 {
            let start = offset as usize;
            let end = start + 2 * count as usize;
            if end > params.len() || count == 0 {
                return 0.0;
            }
            let mut degree = at(params, start + 1);
            let mut i = start;
            while i + 3 < end {
                let (x0, y0) = (at(params, i), at(params, i + 1));
                let (x1, y1) = (at(params, i + 2), at(params, i + 3));
                let width = max(x1 - x0, f32::MIN_POSITIVE);
                degree += (y1 - y0) * clamp01((x - x0) / width);
                i += 2;
            }
            clamp01(degree)
        }

        /// Degree of membership of `x` in the compiled shape. Triangles and trapezoids, the
        /// common case, are tested first: a loop over terms then takes one predictable branch
        /// per term instead of an indirect jump (measured: 8 instructions less per term).
        #[inline(always)]
        pub(super) $($constness)? fn membership(compiled: &Compiled, x: f32, params: &[f32]) -> f32 {
            if let Compiled::TwoEdges(rise, fall) = compiled {
                return two_edges(rise, fall, x);
            }
            other_shape(compiled, x, params)
        }

        /// Triangle or trapezoid: the lower of its two edges.
        #[inline(always)]
        pub(super) $($constness)? fn two_edges(rise: &Edge, fall: &Edge, x: f32) -> f32 {
            min(ramp(rise, x), ramp(fall, x))
        }

        /// Every shape but the two-edged ones (kept out of line so that the test above stays
        /// a single branch).
        #[inline(never)]
        $($constness)? fn other_shape(compiled: &Compiled, x: f32, params: &[f32]) -> f32 {
            match *compiled {
                Compiled::TwoEdges(rise, fall) => min(ramp(&rise, x), ramp(&fall, x)),
                Compiled::Gaussian { k, c } => {
                    let d = x - c;
                    exp(k * (d * d))
                }
                Compiled::Gaussian2 { k1, c1, k2, c2 } => {
                    let left = min(x - c1, 0.0);
                    let right = max(x - c2, 0.0);
                    exp(k1 * (left * left)) * exp(k2 * (right * right))
                }
                Compiled::Bell { k, b, c } => {
                    let d = x - c;
                    let ratio_squared = (d * d) * k;
                    1.0 / (1.0 + exp2(b * log2(ratio_squared)))
                }
                Compiled::Sigmoid { a, c } => sigmoid(x, a, c),
                Compiled::DiffSigmoid { a1, c1, a2, c2 } => {
                    crate::math::abs(sigmoid(x, a1, c1) - sigmoid(x, a2, c2))
                }
                Compiled::ProdSigmoid { a1, c1, a2, c2 } => sigmoid(x, a1, c1) * sigmoid(x, a2, c2),
                Compiled::SShape(edge) => s_shape(&edge, x),
                Compiled::ZShape(edge) => z_shape(&edge, x),
                Compiled::PiShape(rise, fall) => s_shape(&rise, x) * z_shape(&fall, x),
                Compiled::Points { offset, count } => points(x, params, offset, count),
                Compiled::Constant(_) | Compiled::Linear { .. } => 0.0,
            }
        }
    };
}

/// Shapes on the evaluation path.
mod rt_shapes {
    use crate::math::rt::{clamp01, exp, exp2, log2, max, min, select, select_on_compare};
    shape_functions!();
}

/// Shapes in `const` evaluation (sample tables, validation).
mod ct_shapes {
    use crate::math::ct::{clamp01, exp, exp2, log2, max, min, select, select_on_compare};
    shape_functions!(const);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    const NONE: &[f32] = &[];

    fn mu(term: Term, x: f32) -> f32 {
        term.membership(x, NONE)
    }

    fn close(actual: f32, expected: f64, tolerance: f64) {
        assert!(
            ((actual as f64) - expected).abs() <= tolerance,
            "got {actual}, expected {expected} ± {tolerance}"
        );
    }

    #[test]
    fn triangle_at_parameters_between_and_outside() {
        let t = Term::triangle(-1.0, 0.0, 2.0);
        for (x, expected) in [
            (-2.0, 0.0),
            (-1.0, 0.0),
            (-0.5, 0.5),
            (0.0, 1.0),
            (1.0, 0.5),
            (1.5, 0.25),
            (2.0, 0.0),
            (3.0, 0.0),
        ] {
            close(mu(t, x), expected, 1e-7);
        }
    }

    #[test]
    fn triangle_shoulders_are_steps() {
        let left = Term::triangle(-1.0, -1.0, 0.0);
        close(mu(left, -1.0), 1.0, 0.0);
        close(mu(left, -1.000_001), 0.0, 0.0);
        close(mu(left, -0.25), 0.25, 1e-7);
        let right = Term::triangle(0.0, 1.0, 1.0);
        close(mu(right, 1.0), 1.0, 0.0);
        close(mu(right, 1.000_001), 0.0, 0.0);
        let spike = Term::triangle(0.5, 0.5, 0.5);
        close(mu(spike, 0.5), 1.0, 0.0);
        close(mu(spike, 0.6), 0.0, 0.0);
        close(mu(spike, 0.499_999_97), 0.0, 0.0);
        // A shoulder at 0: the one-float ramp's slope overflows to infinity.
        let at_zero = Term::triangle(0.0, 0.0, 1.0);
        for (x, expected) in [
            (0.0, 1.0),
            (-0.0, 1.0),
            (-1e-45, 0.0),
            (-1e-40, 0.0),
            (-1.0, 0.0),
            (0.5, 0.5),
        ] {
            close(mu(at_zero, x), expected, 1e-7);
            close(at_zero.membership_const(x, NONE), expected, 1e-7);
        }
        let falling_at_zero = Term::trapezoid(-1.0, -0.5, 0.0, 0.0);
        for (x, expected) in [(0.0, 1.0), (1e-45, 0.0), (1e-30, 0.0), (-0.75, 0.5)] {
            close(mu(falling_at_zero, x), expected, 1e-7);
        }
    }

    #[test]
    fn trapezoid_values() {
        let t = Term::trapezoid(0.0, 1.0, 2.0, 4.0);
        for (x, expected) in [
            (-1.0, 0.0),
            (0.0, 0.0),
            (0.5, 0.5),
            (1.0, 1.0),
            (1.5, 1.0),
            (2.0, 1.0),
            (3.0, 0.5),
            (4.0, 0.0),
            (5.0, 0.0),
        ] {
            close(mu(t, x), expected, 1e-7);
        }
        let open_left = Term::trapezoid(-1.0, -1.0, 0.0, 1.0);
        close(mu(open_left, -1.0), 1.0, 0.0);
    }

    #[test]
    fn gaussian_values_and_zero_width() {
        let g = Term::gaussian(2.0, 1.0);
        for x in [-5.0f32, -1.0, 0.0, 1.0, 2.5, 9.0] {
            let expected = (-((x as f64 - 1.0).powi(2)) / 8.0).exp();
            close(mu(g, x), expected, 1e-7);
        }
        let spike = Term::gaussian(0.0, 1.0);
        close(mu(spike, 1.0), 1.0, 0.0);
        close(mu(spike, 1.001), 0.0, 1e-30);
    }

    #[test]
    fn gaussian2_is_flat_between_centres() {
        let g = Term::new(Membership::Gaussian2 {
            sigma1: 1.0,
            c1: -1.0,
            sigma2: 0.5,
            c2: 1.0,
        });
        close(mu(g, 0.0), 1.0, 0.0);
        close(mu(g, -2.0), (-0.5f64).exp(), 1e-7);
        close(mu(g, 1.5), (-0.5f64).exp(), 1e-7);
    }

    #[test]
    fn bell_values() {
        let b = Term::new(Membership::Bell {
            a: 2.0,
            b: 3.0,
            c: 1.0,
        });
        for x in [-3.0f32, -1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 100.0] {
            let expected = 1.0 / (1.0 + ((x as f64 - 1.0) / 2.0).abs().powf(6.0));
            close(mu(b, x), expected, 1e-6);
        }
        let half = Term::new(Membership::Bell {
            a: 1.0,
            b: 2.5,
            c: 0.0,
        });
        close(mu(half, 1.0), 0.5, 1e-7);
        close(mu(half, -1.0), 0.5, 1e-7);
    }

    #[test]
    fn sigmoid_families() {
        let s = Term::new(Membership::Sigmoid { a: 2.0, c: 1.0 });
        close(mu(s, 1.0), 0.5, 1e-7);
        close(mu(s, 2.0), 1.0 / (1.0 + (-2.0f64).exp()), 1e-7);
        close(mu(s, -100.0), 0.0, 1e-30);
        close(mu(s, 100.0), 1.0, 0.0);
        let d = Term::new(Membership::DiffSigmoid {
            a1: 5.0,
            c1: -1.0,
            a2: 5.0,
            c2: 1.0,
        });
        let sig = |x: f64, a: f64, c: f64| 1.0 / (1.0 + (-a * (x - c)).exp());
        for x in [-3.0f32, -1.0, 0.0, 1.0, 3.0] {
            let xf = x as f64;
            close(mu(d, x), (sig(xf, 5.0, -1.0) - sig(xf, 5.0, 1.0)).abs(), 1e-6);
        }
        let p = Term::new(Membership::ProdSigmoid {
            a1: 5.0,
            c1: -1.0,
            a2: -5.0,
            c2: 1.0,
        });
        for x in [-3.0f32, -1.0, 0.0, 1.0, 3.0] {
            let xf = x as f64;
            close(mu(p, x), sig(xf, 5.0, -1.0) * sig(xf, -5.0, 1.0), 1e-6);
        }
    }

    #[test]
    fn s_z_pi_shapes() {
        let s = Term::new(Membership::SShape { a: 0.0, b: 2.0 });
        for (x, expected) in [
            (-1.0, 0.0),
            (0.0, 0.0),
            (0.5, 0.125),
            (1.0, 0.5),
            (1.5, 0.875),
            (2.0, 1.0),
            (3.0, 1.0),
        ] {
            close(mu(s, x), expected, 1e-7);
        }
        let z = Term::new(Membership::ZShape { a: 0.0, b: 2.0 });
        for (x, expected) in [
            (-1.0, 1.0),
            (0.0, 1.0),
            (0.5, 0.875),
            (1.0, 0.5),
            (1.5, 0.125),
            (2.0, 0.0),
            (3.0, 0.0),
        ] {
            close(mu(z, x), expected, 1e-7);
        }
        let pi = Term::new(Membership::PiShape {
            a: 0.0,
            b: 2.0,
            c: 3.0,
            d: 5.0,
        });
        for (x, expected) in [(0.5, 0.125), (2.5, 1.0), (4.5, 0.125), (6.0, 0.0)] {
            close(mu(pi, x), expected, 1e-7);
        }
        let step = Term::new(Membership::SShape { a: 1.0, b: 1.0 });
        close(mu(step, 0.999), 0.0, 0.0);
        close(mu(step, 1.0), 1.0, 0.0);
        let zstep = Term::new(Membership::ZShape { a: 1.0, b: 1.0 });
        close(mu(zstep, 1.0), 1.0, 0.0);
        close(mu(zstep, 1.001), 0.0, 0.0);
    }

    #[test]
    fn points_interpolate_hold_ends_and_step() {
        let params = [0.0, 0.2, 1.0, 1.0, 2.0, 1.0, 2.0, 0.0, 3.0, 0.5];
        let t = Term::new(Membership::Points { offset: 0, count: 5 });
        for (x, expected) in [
            (-1.0, 0.2),
            (0.0, 0.2),
            (0.5, 0.6),
            (1.0, 1.0),
            (1.5, 1.0),
            (2.0, 1.0),
            (2.000_1, 0.000_05),
            (2.5, 0.25),
            (3.0, 0.5),
            (9.0, 0.5),
        ] {
            close(t.membership(x, &params), expected, 1e-6);
        }
        let single = Term::new(Membership::Points { offset: 8, count: 1 });
        close(single.membership(-4.0, &params), 0.5, 0.0);
        let out_of_pool = Term::new(Membership::Points { offset: 8, count: 4 });
        close(out_of_pool.membership(0.0, &params), 0.0, 0.0);
    }

    #[test]
    fn sugeno_terms() {
        let params = [2.0, -1.0, 0.5];
        let linear = Term::new(Membership::Linear { offset: 0 });
        close(linear.sugeno_value(&[3.0, 4.0], &params), 2.5, 0.0);
        close(Term::constant(-0.25).sugeno_value(&[1.0], &params), -0.25, 0.0);
        close(Term::constant(7.0).membership(1.0, &params), 0.0, 0.0);
    }

    #[test]
    fn shapes_stay_in_unit_interval_for_extreme_inputs() {
        let params = [0.0, 0.0, 1.0, 1.0];
        let terms = [
            Term::triangle(-1.0, 0.0, 1.0),
            Term::trapezoid(-1.0, -1.0, 0.0, 1.0),
            Term::gaussian(0.3, 0.0),
            Term::new(Membership::Gaussian2 {
                sigma1: 0.0,
                c1: 0.0,
                sigma2: 1e30,
                c2: 1.0,
            }),
            Term::new(Membership::Bell {
                a: 0.0,
                b: 2.0,
                c: 0.0,
            }),
            Term::new(Membership::Bell {
                a: 1e-30,
                b: -3.0,
                c: 0.0,
            }),
            Term::new(Membership::Sigmoid { a: 1e30, c: 0.0 }),
            Term::new(Membership::DiffSigmoid {
                a1: 1.0,
                c1: 0.0,
                a2: -1e30,
                c2: 1.0,
            }),
            Term::new(Membership::PiShape {
                a: 0.0,
                b: 0.0,
                c: 1.0,
                d: 1.0,
            }),
            Term::new(Membership::Points { offset: 0, count: 2 }),
        ];
        for term in terms {
            for x in [
                f32::NEG_INFINITY,
                -f32::MAX,
                -1.0,
                0.0,
                1e-30,
                1.0,
                f32::MAX,
                f32::INFINITY,
            ] {
                let m = term.membership(x, &params);
                assert!((0.0..=1.0).contains(&m), "{term:?} at {x} gave {m}");
            }
        }
    }
}
