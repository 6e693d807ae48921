//! T-norms (AND, implication) and S-norms (OR, aggregation).
//!
//! The set is the union of MATLAB's (`min`, `prod`, `max`, `probor`, `sum`) and fuzzylite's,
//! so that controllers from either import unchanged. Every operator is a fixed sequence of
//! arithmetic and selects; the two with a quotient (Einstein, Hamacher) guard their
//! denominator with a select, so no operator divides by zero. Formulas follow
//! Klement, Mesiar & Pap, *Triangular Norms* (2000), and fuzzylite 6's documentation.

use crate::math::rt::{max, min, select};

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
    /// `min(a, b)` if `max(a, b) = 1`, else 0.
    DrasticProduct,
    /// `a b / (2 - (a + b - a b))`.
    EinsteinProduct,
    /// `a b / (a + b - a b)`, 0 when `a = b = 0`.
    HamacherProduct,
    /// `min(a, b)` if `a + b > 1`, else 0.
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
    /// `max(a, b)` if `min(a, b) = 0`, else 1.
    DrasticSum,
    /// `(a + b) / (1 + a b)`.
    EinsteinSum,
    /// `(a + b - 2 a b) / (1 - a b)`, 1 when `a b = 1`.
    HamacherSum,
    /// `max(a, b)` if `a + b < 1`, else 1.
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
            TNorm::BoundedDifference => max(0.0, a + b - 1.0),
            TNorm::DrasticProduct => select(max(a, b) == 1.0, min(a, b), 0.0),
            TNorm::EinsteinProduct => (a * b) / (2.0 - (a + b - a * b)),
            TNorm::HamacherProduct => {
                let denominator = a + b - a * b;
                let positive = denominator > 0.0;
                select(positive, (a * b) / select(positive, denominator, 1.0), 0.0)
            }
            TNorm::NilpotentMinimum => select(a + b > 1.0, min(a, b), 0.0),
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
            SNorm::DrasticSum => select(min(a, b) == 0.0, max(a, b), 1.0),
            SNorm::EinsteinSum => min(1.0, (a + b) / (1.0 + a * b)),
            SNorm::HamacherSum => {
                let denominator = 1.0 - a * b;
                let positive = denominator > 0.0;
                min(
                    1.0,
                    select(
                        positive,
                        (a + b - 2.0 * a * b) / select(positive, denominator, 1.0),
                        1.0,
                    ),
                )
            }
            SNorm::NilpotentMaximum => select(a + b < 1.0, max(a, b), 1.0),
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
