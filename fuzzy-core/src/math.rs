//! Branch-free scalar helpers and fixed-cost `exp`, `exp2` and `log2`.
//!
//! Every function exists twice with identical arithmetic: in [`rt`] for the evaluation path
//! and in [`ct`] as `const fn`, so that sampled output tables computed at compile time are
//! bit-identical to what the engine computes at run time (Rust evaluates `+ - * /` on `f32`
//! with IEEE-754 round-to-nearest in const evaluation and on every target we support). Both
//! are generated from one macro body; they differ only in `select`, `min` and `max` (see
//! [`rt`] for why the run-time ones look the way they do: plain selects made the
//! instruction count of an evaluation depend on the input, measured with
//! `scripts/instruction-count.sh`).
//!
//! No function has a loop or a value-dependent branch.
//!
//! Accuracy (checked by the tests at the end of this file against `f64` from `std`):
//! - `exp`: relative error ≤ 4e-7 over the clamped domain [-87, 88] (Cody–Waite range
//!   reduction, degree-7 Taylor polynomial on |r| ≤ ln 2 / 2, truncation error 5.6e-9).
//! - `exp2`: relative error ≤ 4e-7 for an exactly representable argument.
//! - `log2`: absolute error ≤ 2e-7 · max(1, |log2 x|) for positive normal `x`.

pub use rt::{exp, exp2, log2};

/// Absolute value by clearing the sign bit.
#[inline(always)]
pub(crate) const fn abs(x: f32) -> f32 {
    f32::from_bits(x.to_bits() & 0x7fff_ffff)
}

/// `x` is neither NaN nor infinite (exponent field not all ones).
#[inline(always)]
pub(crate) const fn is_finite(x: f32) -> bool {
    (x.to_bits() & 0x7f80_0000) != 0x7f80_0000
}

/// 1.5 · 2^23: adding and subtracting it rounds an `f32` of magnitude < 2^22 to the nearest
/// integer, and the low mantissa bits of the sum hold that integer.
const ROUND_MAGIC: f32 = 12_582_912.0;

/// Round to the nearest integer for |x| < 2^22, returned both as `f32` and as `i32`.
#[inline(always)]
const fn round_both(x: f32) -> (f32, i32) {
    let shifted = x + ROUND_MAGIC;
    let rounded = shifted - ROUND_MAGIC;
    let integer = shifted.to_bits().wrapping_sub(ROUND_MAGIC.to_bits()) as i32;
    (rounded, integer)
}

/// 2^n for an integer n in [-126, 127], built from the exponent bits.
#[inline(always)]
const fn pow2i(n: i32) -> f32 {
    f32::from_bits(((n + 127) as u32) << 23)
}

/// e^r for |r| ≤ 0.35: degree-7 Taylor polynomial in Horner form.
#[inline(always)]
const fn exp_reduced(r: f32) -> f32 {
    const C7: f32 = 1.0 / 5040.0;
    const C6: f32 = 1.0 / 720.0;
    const C5: f32 = 1.0 / 120.0;
    const C4: f32 = 1.0 / 24.0;
    const C3: f32 = 1.0 / 6.0;
    let p = C7;
    let p = p * r + C6;
    let p = p * r + C5;
    let p = p * r + C4;
    let p = p * r + C3;
    let p = p * r + 0.5;
    let p = p * r + 1.0;
    p * r + 1.0
}

/// `((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7))`: how eight partial sums are combined
/// (centroid, Sugeno weighted average); the usual SIMD reduction of two 4-lane registers.
///
/// The partial sums pass through `black_box` first. Without it LLVM's SLP vectoriser plans
/// the accumulating loop's vectors from this reduction tree and, whatever the order,
/// ends up with 2-wide vectors or a lane shuffle on every iteration; with it the loop's
/// own operations decide and become plain 4-wide `mulps`/`addps` (measured: 31 → 14
/// instructions per eight rules). The cost is one store and reload of eight values.
#[inline(always)]
pub(crate) fn pairwise(p: [f32; 8]) -> f32 {
    let p = core::hint::black_box(p);
    ((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]))
}

/// [`pairwise`] without the `black_box`, for the Sugeno grid kernel, whose accumulating
/// loop keeps its 4-wide operations without it. The same sum bit for bit: the compiler may
/// only commute the additions, which is exact.
#[inline(always)]
pub(crate) fn pairwise_in_registers(p: [f32; 8]) -> f32 {
    // Whole 4-lane steps (lanes 2 and 3 of `r` repeat lanes 0 and 1; addition commutes
    // exactly), so that each step is one vector instruction.
    let q: [f32; 4] = core::array::from_fn(|k| p[k] + p[k + 4]);
    let r: [f32; 4] = core::array::from_fn(|k| q[k] + q[k ^ 2]);
    r[0] + r[1]
}

/// The functions built on `select`, `min` and `max`, written once; `$constness` is `const`
/// or nothing. Those three names resolve in the module where the macro is expanded.
macro_rules! select_based {
    ($($constness:tt)?) => {
        /// Clamp into `[lo, hi]`; NaN maps to `lo`.
        #[inline(always)]
        pub $($constness)? fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
            min(max(x, lo), hi)
        }

        /// Clamp into `[0, 1]`; NaN maps to 0.
        #[inline(always)]
        pub $($constness)? fn clamp01(x: f32) -> f32 {
            clamp(x, 0.0, 1.0)
        }

        /// Natural exponential with a fixed instruction sequence.
        ///
        /// The argument is clamped to [-87, 88] (NaN maps to -87), so the result is a normal,
        /// finite number in [1.6e-38, 1.65e38]: membership functions never see infinities
        /// or subnormals.
        #[inline]
        pub $($constness)? fn exp(x: f32) -> f32 {
            const LOG2_E: f32 = core::f32::consts::LOG2_E;
            // ln 2 split so that n · LN2_HI is exact for |n| < 2^9.
            const LN2_HI: f32 = 0.693_359_4;
            const LN2_LO: f32 = -2.121_944_4e-4;
            let x = clamp(x, -87.0, 88.0);
            let (n_float, n) = super::round_both(x * LOG2_E);
            let r = (x - n_float * LN2_HI) - n_float * LN2_LO;
            super::exp_reduced(r) * super::pow2i(n)
        }

        /// Base-2 exponential with a fixed instruction sequence; the argument is clamped to
        /// [-126, 126] (NaN maps to -126).
        #[inline]
        pub $($constness)? fn exp2(t: f32) -> f32 {
            let t = clamp(t, -126.0, 126.0);
            let (n_float, n) = super::round_both(t);
            let f = t - n_float;
            super::exp_reduced(f * core::f32::consts::LN_2) * super::pow2i(n)
        }

        /// Base-2 logarithm of `|x|` with a fixed instruction sequence.
        ///
        /// Defined for every input without branching: `log2(0) = -127`, subnormals give
        /// about -127, `log2(inf) = 128`; the engine only uses it inside `exp2`, which clamps.
        #[inline]
        pub $($constness)? fn log2(x: f32) -> f32 {
            const SQRT_2: f32 = core::f32::consts::SQRT_2;
            let bits = x.to_bits() & 0x7fff_ffff;
            let exponent = ((bits >> 23) as i32) - 127;
            let mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
            // Move the mantissa into [sqrt(1/2), sqrt(2)) so that |s| <= 0.1716 below.
            let high = mantissa > SQRT_2;
            let mantissa = select(high, mantissa * 0.5, mantissa);
            let exponent = exponent + high as i32;
            // ln m = 2 atanh(s), s = (m - 1) / (m + 1); series to s^9, truncation < 1e-9.
            let s = (mantissa - 1.0) / (mantissa + 1.0);
            let s2 = s * s;
            let series = (((s2 * (1.0 / 9.0) + 1.0 / 7.0) * s2 + 1.0 / 5.0) * s2 + 1.0 / 3.0) * s2 + 1.0;
            let ln_mantissa = 2.0 * s * series;
            exponent as f32 + ln_mantissa * core::f32::consts::LOG2_E
        }

        /// Square root of `x >= 0` with a fixed instruction sequence (no `sqrt` in `core`):
        /// the bit-level estimate of `1/√x`, three Newton steps, then one Newton step on
        /// `√x` itself; within 2 ulp for normal `x`, 0 for `x <= 0` (and NaN); subnormal `x`
        /// is raised to the smallest normal (result at most 1.1e-19 off). Used by the hedges.
        #[inline]
        pub $($constness)? fn sqrt(x: f32) -> f32 {
            let positive = x > 0.0;
            let x = max(x, f32::MIN_POSITIVE);
            let mut y = f32::from_bits(0x5f37_5a86 - (x.to_bits() >> 1));
            let half = 0.5 * x;
            y = y * (1.5 - half * y * y);
            y = y * (1.5 - half * y * y);
            y = y * (1.5 - half * y * y);
            let s = x * y;
            let s = s + 0.5 * y * (x - s * s);
            select(positive, s, 0.0)
        }

    };
}

/// `const fn` twins of [`rt`], for tables computed at compile time and for validation.
pub mod ct {
    /// Select; LLVM may compile it to a branch, which does not matter in const evaluation.
    #[inline(always)]
    pub const fn select(condition: bool, if_true: f32, if_false: f32) -> f32 {
        if condition { if_true } else { if_false }
    }

    /// Twin of [`super::rt::select_on_compare`].
    #[inline(always)]
    pub const fn select_on_compare(cmp: bool, if_true: f32, if_false: f32) -> f32 {
        if cmp { if_true } else { if_false }
    }

    /// Minimum; returns `b` when `a` is NaN.
    #[inline(always)]
    pub const fn min(a: f32, b: f32) -> f32 {
        if a < b { a } else { b }
    }

    /// Maximum; returns `b` when `a` is NaN.
    #[inline(always)]
    pub const fn max(a: f32, b: f32) -> f32 {
        if a > b { a } else { b }
    }

    select_based!(const);
}

/// The functions the evaluation path uses.
///
/// How each primitive stays branch-free (all verified by the instruction count):
/// - `min`/`max` are `select_unpredictable(a < b, a, b)`: an LLVM `select` fed directly by
///   the comparison, which x86-64 matches to `minss`/`maxss`. The `if a < b { a } else { b }`
///   form starts as a branch in LLVM IR and stayed one in some inlined contexts;
///   `f32::min`/`f32::max` add NaN handling that LLVM sometimes lowers with a branch (and on
///   Cortex-M4, which lacks `vminnm`, to calls of `fminf`/`fmaxf`).
/// - `lane_min`/`lane_max` are the compare-and-select form for the loops over output
///   samples, which LLVM vectorises into `minps`/`maxps`.
/// - `select` mixes the two bit patterns under a mask that passes through
///   `core::hint::black_box`. A plain `f32` select is not enough: x86-64 has no conditional
///   move for SSE registers and LLVM lowers selects whose condition is not a single float
///   comparison to branches; it also recognises the usual mask idioms (and
///   `select_unpredictable` on the bit patterns) and turns them back into such selects.
///   An opaque mask cannot be recognised.
pub mod rt {
    /// Branch-free select of two computed values.
    #[inline(always)]
    pub fn select(condition: bool, if_true: f32, if_false: f32) -> f32 {
        f32::from_bits(select_bits(condition, if_true.to_bits(), if_false.to_bits()))
    }

    /// Select driven directly by one float comparison (`cmp` is that comparison's
    /// result): x86-64 lowers it to a compare mask and bitwise blend (`cmpss`/`andps`), so
    /// the opaque mask of [`select`] is not needed. Use [`select`] for any other condition.
    #[inline(always)]
    pub fn select_on_compare(cmp: bool, if_true: f32, if_false: f32) -> f32 {
        core::hint::select_unpredictable(cmp, if_true, if_false)
    }

    /// Branch-free select of two integers.
    #[inline(always)]
    pub fn select_bits(condition: bool, if_true: u32, if_false: u32) -> u32 {
        let mask = core::hint::black_box(0u32.wrapping_sub(condition as u32));
        if_false ^ ((if_true ^ if_false) & mask)
    }

    /// Minimum; returns `b` when `a` is NaN (`minss` on x86-64).
    #[inline(always)]
    pub fn min(a: f32, b: f32) -> f32 {
        core::hint::select_unpredictable(a < b, a, b)
    }

    /// Maximum; returns `b` when `a` is NaN (`maxss` on x86-64).
    #[inline(always)]
    pub fn max(a: f32, b: f32) -> f32 {
        core::hint::select_unpredictable(a > b, a, b)
    }

    /// [`min`] for loops meant to vectorise: the compare-and-select form, which LLVM turns
    /// into `minps` there.
    #[inline(always)]
    pub fn lane_min(a: f32, b: f32) -> f32 {
        if a < b { a } else { b }
    }

    /// [`max`] for loops meant to vectorise (`maxps`).
    #[inline(always)]
    pub fn lane_max(a: f32, b: f32) -> f32 {
        if a > b { a } else { b }
    }

    select_based!();
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::ct;
    use super::is_finite;
    use super::rt::*;

    fn rel(a: f32, b: f64) -> f64 {
        ((a as f64) - b).abs() / b.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn exp_matches_f64_within_4e_7_relative() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x <= 88.0 {
            worst = worst.max(rel(exp(x), (x as f64).exp()));
            x += 0.0137;
        }
        assert!(worst <= 4e-7, "worst relative error {worst}");
    }

    #[test]
    fn exp_clamps_extremes_and_nan_to_finite_normals() {
        for x in [f32::NEG_INFINITY, -1e30, -200.0, f32::NAN] {
            let y = exp(x);
            assert!(y.is_normal() && y < 2e-38, "exp({x}) = {y}");
        }
        for x in [f32::INFINITY, 1e30, 200.0] {
            let y = exp(x);
            assert!(y.is_finite() && y > 1e38, "exp({x}) = {y}");
        }
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn exp2_matches_f64_within_4e_7_relative() {
        let mut worst = 0.0f64;
        let mut t = -126.0f32;
        while t <= 126.0 {
            worst = worst.max(rel(exp2(t), (t as f64).exp2()));
            t += 0.0173;
        }
        assert!(worst <= 4e-7, "worst relative error {worst}");
        assert_eq!(exp2(3.0), 8.0);
    }

    #[test]
    fn log2_matches_f64() {
        let mut worst = 0.0f64;
        let mut x = 1e-30f32;
        while x < 1e30 {
            let exact = (x as f64).log2();
            let err = ((log2(x) as f64) - exact).abs() / exact.abs().max(1.0);
            worst = worst.max(err);
            x *= 1.013;
        }
        assert!(worst <= 2e-7, "worst error {worst}");
        assert_eq!(log2(8.0), 3.0);
        assert_eq!(log2(0.0), -127.0);
        assert_eq!(log2(f32::INFINITY), 128.0);
    }

    #[test]
    fn const_and_runtime_twins_agree_bit_for_bit() {
        let mut x = -200.0f32;
        while x < 200.0 {
            assert_eq!(exp(x).to_bits(), ct::exp(x).to_bits(), "exp({x})");
            assert_eq!(exp2(x).to_bits(), ct::exp2(x).to_bits(), "exp2({x})");
            assert_eq!(log2(x).to_bits(), ct::log2(x).to_bits(), "log2({x})");
            x += 0.173;
        }
    }

    #[test]
    fn helpers_handle_nan() {
        assert_eq!(clamp01(f32::NAN), 0.0);
        assert_eq!(ct::clamp01(f32::NAN), 0.0);
        assert_eq!(select(true, 1.0, 2.0), 1.0);
        assert_eq!(select(false, 1.0, f32::NAN).to_bits(), f32::NAN.to_bits());
        assert_eq!(clamp(f32::NAN, -2.0, 3.0), -2.0);
        assert_eq!(super::abs(-2.5), 2.5);
        assert!(!is_finite(f32::NAN) && !is_finite(f32::INFINITY) && is_finite(f32::MAX));
    }
}
