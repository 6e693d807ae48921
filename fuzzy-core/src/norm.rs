//! T-norms (AND, implication) and S-norms (OR, aggregation).
//!
//! The set is the union of MATLAB's (`min`, `prod`, `max`, `probor`, `sum`) and fuzzylite's,
//! so that controllers from either import unchanged. Every operator is a fixed sequence of
//! arithmetic and selects; the two with a quotient (Einstein, Hamacher) guard their
//! denominator with a select, so no operator divides by zero. Formulas follow
//! Klement, Mesiar & Pap, *Triangular Norms* (2000), and fuzzylite 6's documentation.
//!
//! The four discontinuous operators (drastic and nilpotent) test their condition with a
//! tolerance of [`NORM_TOLERANCE`] = 1e-6, as fuzzylite does (`fl::Op::isEq`, `isGt`,
//! `isLt`): a degree that is 1 up to rounding (an f32 membership computes 1 − 1.2e-7 where
//! the exact value is 1) counts as 1, so the result does not jump on a rounding error.
//! With exact comparisons an f32 engine and an f64 one disagree by the whole degree there.

/// Tolerance of the conditions of the drastic and nilpotent operators (fuzzylite's
/// default `fuzzylite::macheps`).
pub const NORM_TOLERANCE: f32 = 1e-6;

use crate::math::rt::{clamp, max, min, select};

/// Triangular norm: fuzzy AND and Mamdani implication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TNorm {
    /// `min(a, b)` (MATLAB `min`).
    Minimum,
    /// `a · b` (MATLAB `prod`, fuzzylite AlgebraicProduct).
    Product,
    /// Łukasiewicz: `max(0, a + b - 1)`.
    BoundedDifference,
    /// `min(a, b)` if `max(a, b) = 1` (within [`NORM_TOLERANCE`]), else 0.
    DrasticProduct,
    /// `a b / (2 - (a + b - a b))`.
    EinsteinProduct,
    /// `a b / (a + b - a b)`, 0 when `a = b = 0`.
    HamacherProduct,
    /// `min(a, b)` if `a + b > 1` (by at least [`NORM_TOLERANCE`]), else 0.
    NilpotentMinimum,
}

/// Triangular conorm: fuzzy OR and Mamdani aggregation (plus the non-norm `UnboundedSum`
/// that MATLAB calls `sum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SNorm {
    /// `max(a, b)` (MATLAB `max`).
    Maximum,
    /// `a + b - a b` (MATLAB `probor`, fuzzylite AlgebraicSum).
    ProbabilisticSum,
    /// `min(1, a + b)`.
    BoundedSum,
    /// `max(a, b)` if `min(a, b) = 0` (within [`NORM_TOLERANCE`]), else 1.
    DrasticSum,
    /// `(a + b) / (1 + a b)`.
    EinsteinSum,
    /// `(a + b - 2 a b) / (1 - a b)`, 1 when `a b = 1`.
    HamacherSum,
    /// `max(a, b)` if `a + b < 1` (by at least [`NORM_TOLERANCE`]), else 1.
    NilpotentMaximum,
    /// `(a + b) / max(1, a + b)`, the formula fuzzylite 6 documents (its code computes
    /// `a + b / max(1, max(a, b))`, an operator-precedence slip; we follow the document).
    NormalizedSum,
    /// `a + b` (MATLAB `sum`, fuzzylite UnboundedSum); not bounded by 1.
    UnboundedSum,
}

impl TNorm {
    /// Every T-norm, in declaration order.
    pub const ALL: [TNorm; 7] = [
        TNorm::Minimum,
        TNorm::Product,
        TNorm::BoundedDifference,
        TNorm::DrasticProduct,
        TNorm::EinsteinProduct,
        TNorm::HamacherProduct,
        TNorm::NilpotentMinimum,
    ];

    /// `T(a, b)` for degrees in [0, 1].
    #[inline(always)]
    pub fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            TNorm::Minimum => min(a, b),
            TNorm::Product => a * b,
            // `lo - (1 - hi)` rounds once (`1 - hi` is exact for hi ≥ 0.5, and below that the
            // result is 0): `a + b - 1` would round `a + b` first, so `T(a, 1)` — an unused
            // input of an AND rule — would lose the digits of a small `a`.
            TNorm::BoundedDifference => max(0.0, min(a, b) - (1.0 - max(a, b))),
            TNorm::DrasticProduct => select(1.0 - max(a, b) < NORM_TOLERANCE, min(a, b), 0.0),
            // Denominators in forms without cancellation: `2 - (a + b - ab)` is
            // `1 + (1 - a)(1 - b)` and `a + b - ab` is `a + b(1 - a)`; `1 - a` is exact in f32
            // for a in [0.5, 1], so these keep full relative accuracy where the textbook
            // forms lose digits.
            TNorm::EinsteinProduct => (a * b) / (1.0 + (1.0 - a) * (1.0 - b)),
            TNorm::HamacherProduct => {
                let denominator = a + b * (1.0 - a);
                let positive = denominator > 0.0;
                select(positive, (a * b) / select(positive, denominator, 1.0), 0.0)
            }
            TNorm::NilpotentMinimum => select(a + b - 1.0 >= NORM_TOLERANCE, min(a, b), 0.0),
        }
    }
}

impl SNorm {
    /// Every S-norm, in declaration order (`UnboundedSum` last).
    pub const ALL: [SNorm; 9] = [
        SNorm::Maximum,
        SNorm::ProbabilisticSum,
        SNorm::BoundedSum,
        SNorm::DrasticSum,
        SNorm::EinsteinSum,
        SNorm::HamacherSum,
        SNorm::NilpotentMaximum,
        SNorm::NormalizedSum,
        SNorm::UnboundedSum,
    ];

    /// `S(a, b)` for degrees in [0, 1] (`UnboundedSum` accepts any non-negative values).
    /// Results that could round above 1 are capped at 1.
    #[inline(always)]
    pub fn apply(self, a: f32, b: f32) -> f32 {
        match self {
            SNorm::Maximum => max(a, b),
            SNorm::ProbabilisticSum => min(1.0, a + b - a * b),
            SNorm::BoundedSum => min(1.0, a + b),
            SNorm::DrasticSum => select(min(a, b) < NORM_TOLERANCE, max(a, b), 1.0),
            SNorm::EinsteinSum => min(1.0, (a + b) / (1.0 + a * b)),
            // `(a + b - 2ab) / (1 - ab)` divides two cancelled differences near a = b = 1 (an
            // f32 result off by 1e-3 and more); there the equal form
            // `1 - (1 - a)(1 - b) / ((1 - a) + a(1 - b))` is used, exact differences only. The
            // textbook form stays below that, where it is the accurate one (S(a, 0) = a).
            SNorm::HamacherSum => {
                let (p, q) = (1.0 - a, 1.0 - b);
                let near_one = min(a, b) > 0.5;
                let numerator = select(near_one, p * q, a + b - 2.0 * a * b);
                let denominator = select(near_one, p + a * q, 1.0 - a * b);
                let positive = denominator > 0.0;
                let quotient = numerator / select(positive, denominator, 1.0);
                let value = select(near_one, 1.0 - quotient, quotient);
                clamp(select(positive, value, 1.0), 0.0, 1.0)
            }
            SNorm::NilpotentMaximum => select(1.0 - (a + b) >= NORM_TOLERANCE, max(a, b), 1.0),
            SNorm::NormalizedSum => (a + b) / max(1.0, a + b),
            SNorm::UnboundedSum => a + b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T_NORMS: [TNorm; 7] = TNorm::ALL;
    // The S-norms proper (unbounded sum is not bounded by 1).
    const S_NORMS: [SNorm; 8] = [
        SNorm::ALL[0],
        SNorm::ALL[1],
        SNorm::ALL[2],
        SNorm::ALL[3],
        SNorm::ALL[4],
        SNorm::ALL[5],
        SNorm::ALL[6],
        SNorm::ALL[7],
    ];
    const GRID: [f32; 6] = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0];

    #[test]
    fn t_norm_hand_values() {
        let (a, b) = (0.6f32, 0.7f32);
        let expected = [0.6, 0.42, 0.3, 0.0, 0.42 / (2.0 - 0.88), 0.42 / 0.88, 0.6];
        for (norm, e) in T_NORMS.iter().zip(expected) {
            assert!((norm.apply(a, b) - e).abs() < 1e-6, "{norm:?}");
        }
        assert_eq!(TNorm::HamacherProduct.apply(0.0, 0.0), 0.0);
        assert_eq!(TNorm::NilpotentMinimum.apply(0.3, 0.4), 0.0);
        assert_eq!(TNorm::DrasticProduct.apply(1.0, 0.4), 0.4);
    }

    #[test]
    fn s_norm_hand_values() {
        let (a, b) = (0.2f32, 0.3f32);
        let expected = [0.3, 0.44, 0.5, 1.0, 0.5 / 1.06, (0.5 - 0.12) / 0.94, 0.3, 0.5];
        for (norm, e) in S_NORMS.iter().zip(expected) {
            assert!((norm.apply(a, b) - e).abs() < 1e-6, "{norm:?}");
        }
        assert_eq!(SNorm::HamacherSum.apply(1.0, 1.0), 1.0);
        assert_eq!(SNorm::DrasticSum.apply(0.0, 0.4), 0.4);
        assert_eq!(SNorm::NilpotentMaximum.apply(0.6, 0.5), 1.0);
        assert_eq!(SNorm::UnboundedSum.apply(0.6, 0.5), 1.1);
    }

    /// A degree that is 1 (or 0) up to f32 rounding counts as 1 (or 0) in the drastic and
    /// nilpotent conditions, as in fuzzylite.
    #[test]
    fn discontinuous_norms_tolerate_rounding() {
        let almost_one = 1.0 - f32::EPSILON;
        assert_eq!(TNorm::DrasticProduct.apply(almost_one, 0.4), 0.4);
        assert_eq!(TNorm::DrasticProduct.apply(0.999, 0.4), 0.0);
        assert_eq!(SNorm::DrasticSum.apply(1e-7, 0.4), 0.4);
        assert_eq!(SNorm::DrasticSum.apply(1e-3, 0.4), 1.0);
        // a + b = 1 up to rounding is not "> 1" nor "< 1".
        assert_eq!(TNorm::NilpotentMinimum.apply(0.7, 0.3 + 1e-7), 0.0);
        assert_eq!(TNorm::NilpotentMinimum.apply(0.7, 0.31), 0.31);
        assert_eq!(SNorm::NilpotentMaximum.apply(0.7, 0.3 - 1e-7), 1.0);
        assert_eq!(SNorm::NilpotentMaximum.apply(0.7, 0.29), 0.7);
    }

    /// With the neutral element the small degree comes back unchanged (an unused input of
    /// a rule is folded in as 1 for AND, 0 for OR).
    #[test]
    fn neutral_elements_keep_small_degrees() {
        for a in [2.6e-6f32, 1e-9, 0.3, 0.999_999] {
            for t in T_NORMS {
                // The nilpotent minimum is 0 unless a + b exceeds 1 by the tolerance.
                let expected = if t == TNorm::NilpotentMinimum && a < NORM_TOLERANCE {
                    0.0
                } else {
                    a
                };
                assert!(
                    (t.apply(a, 1.0) - expected).abs() <= a * 2.0 * f32::EPSILON,
                    "{t:?}({a}, 1)"
                );
            }
            for s in S_NORMS {
                assert!(
                    (s.apply(a, 0.0) - a).abs() <= a * 2.0 * f32::EPSILON,
                    "{s:?}({a}, 0)"
                );
            }
        }
    }

    /// Near a = b = 1 the Hamacher and Einstein operators keep their accuracy: compared
    /// with the f64 textbook formulas on degrees a few ulps below 1.
    #[test]
    fn quotient_norms_are_accurate_near_one() {
        for k in 1..2000 {
            let a = 1.0 - k as f32 * 3.0e-8;
            let b = 1.0 - (2001 - k) as f32 * 2.0e-8;
            let (x, y) = (f64::from(a), f64::from(b));
            let hamacher_sum = (x + y - 2.0 * x * y) / (1.0 - x * y);
            let hamacher_product = x * y / (x + y - x * y);
            let einstein_product = x * y / (2.0 - (x + y - x * y));
            for (ours, exact) in [
                (SNorm::HamacherSum.apply(a, b), hamacher_sum),
                (TNorm::HamacherProduct.apply(a, b), hamacher_product),
                (TNorm::EinsteinProduct.apply(a, b), einstein_product),
            ] {
                assert!(
                    (f64::from(ours) - exact).abs() < 4.0 * f64::from(f32::EPSILON),
                    "{a} {b}: {ours} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn identities_and_range() {
        for a in GRID {
            for t in T_NORMS {
                // Bounded difference rounds: a + 1 - 1 may differ from a by one ulp of 1.
                assert!((t.apply(a, 1.0) - a).abs() <= f32::EPSILON, "{t:?}({a}, 1)");
                for b in GRID {
                    let v = t.apply(a, b);
                    assert!((0.0..=1.0).contains(&v), "{t:?}({a}, {b}) = {v}");
                    assert!((v - t.apply(b, a)).abs() < 1e-7, "{t:?} commutes");
                }
            }
            for s in S_NORMS {
                assert!((s.apply(a, 0.0) - a).abs() <= f32::EPSILON, "{s:?}({a}, 0)");
                for b in GRID {
                    let v = s.apply(a, b);
                    assert!((0.0..=1.0).contains(&v), "{s:?}({a}, {b}) = {v}");
                }
            }
        }
    }
}
