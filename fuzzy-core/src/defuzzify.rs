//! Defuzzification: Mamdani methods over a sampled output range, Sugeno methods.
//!
//! Mamdani methods work on the aggregated fuzzy set sampled at `n` points
//! `x_i = x_0 + i·dx`, i = 0 … n-1 (see [`Sampling`]). Each method runs over every sample
//! every time (no early exit): the position of a maximum or of the half area is tracked with
//! selects, so the instruction count does not depend on the data.
//!
//! Definitions (MATLAB's `defuzz`, except SOM/LOM, see below):
//! - centroid: `Σ x_i μ_i / Σ μ_i`, computed as `x_0 + dx · Σ i μ_i / Σ μ_i`;
//! - bisector: the first `x_i` at which the running sum of `μ` reaches half the total;
//! - mean of maximum: the mean of all `x_i` whose `μ_i` equals the maximum;
//! - smallest / largest of maximum: the smallest / largest such `x_i` (by value, as in
//!   fuzzylite and IEC 61131-7 LM/RM; MATLAB's `som`/`lom` pick by absolute value instead).
//!
//! fuzzylite's MOM takes the middle of the *first* maximal plateau; it agrees with ours
//! whenever the maximum is reached on a single plateau.

use crate::math::rt::{max, select, select_bits};

/// Defuzzification method of an output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Defuzzifier {
    /// Mamdani: centre of gravity (MATLAB `centroid`, FCL `COG`): `Σ x_i μ_i / Σ μ_i` over
    /// the sample points, each sum taken in `f32` in eight partial sums (sample `i` into
    /// partial `i mod 8`) reduced as `((p0+p4)+(p2+p6))+((p1+p5)+(p3+p7))`, so that every
    /// target (and the C export) rounds the same way.
    Centroid,
    /// Mamdani: point splitting the area in two halves (MATLAB `bisector`, FCL `COA`).
    Bisector,
    /// Mamdani: mean of the maximising points (MATLAB `mom`); maximising means within
    /// [`MAXIMUM_TOLERANCE`] of the maximum.
    MeanOfMaximum,
    /// Mamdani: smallest maximising point (FCL `LM`).
    SmallestOfMaximum,
    /// Mamdani: largest maximising point (FCL `RM`).
    LargestOfMaximum,
    /// Mamdani: the maximising point of smallest magnitude `|x|` (MATLAB `som`, which
    /// differs from [`Defuzzifier::SmallestOfMaximum`] when the range reaches below 0); on
    /// equal magnitudes the first (lower) point.
    SmallestOfMaximumMagnitude,
    /// Mamdani: the maximising point of largest magnitude `|x|` (MATLAB `lom`); on equal
    /// magnitudes the first (lower) point.
    LargestOfMaximumMagnitude,
    /// Sugeno: `Σ w z / Σ w` (MATLAB `wtaver`) over the rules, `w` a rule's strength
    /// (weight included) and `z` the value of the term it concludes; rules concluding no
    /// term of the output count in neither sum. Each sum is taken rule by rule in eight
    /// partial sums (rule `r` into partial `r mod P`), reduced as for
    /// [`Defuzzifier::Centroid`]. `P` ([`crate::Controller::sugeno_partials`]) is 8, except for
    /// a controller with two inputs, one rule per pair of terms and at most 8 terms in the
    /// second input, where it is that term count: rule `i · cols + j` goes into partial `j`,
    /// so that each row of such a grid is one vector of partial sums.
    WeightedAverage,
    /// Sugeno: `Σ w z` (MATLAB `wtsum`), summed as for [`Defuzzifier::WeightedAverage`].
    WeightedSum,
}

impl Defuzzifier {
    /// True for the methods that work on a sampled fuzzy set.
    pub const fn is_mamdani(self) -> bool {
        !matches!(self, Defuzzifier::WeightedAverage | Defuzzifier::WeightedSum)
    }
}

/// Where a Mamdani output range `[min, max]` is sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Sampling {
    /// `points` evenly spaced points including both ends (MATLAB; at least 2).
    Endpoints {
        /// number of points
        points: u16,
    },
    /// The midpoints of `intervals` equal intervals: `x_i = min + (i + 0.5)(max - min)/n`
    /// (fuzzylite's "resolution"; at least 1).
    Midpoints {
        /// number of intervals
        intervals: u16,
    },
}

impl core::fmt::Display for Sampling {
    /// In words, for messages: "101 points with both ends" or "the midpoints of 100
    /// intervals".
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Sampling::Endpoints { points } => write!(f, "{points} points with both ends"),
            Sampling::Midpoints { intervals } => write!(f, "the midpoints of {intervals} intervals"),
        }
    }
}

impl Sampling {
    /// MATLAB's default: 101 points, both ends included.
    pub const MATLAB: Sampling = Sampling::Endpoints { points: 101 };
    /// fuzzylite's default: midpoints of 100 intervals.
    pub const FUZZYLITE: Sampling = Sampling::Midpoints { intervals: 100 };

    /// Number of samples.
    pub const fn count(self) -> usize {
        match self {
            Sampling::Endpoints { points } => points as usize,
            Sampling::Midpoints { intervals } => intervals as usize,
        }
    }

    /// Values stored per term in the sampled output table: the sample count rounded up to a
    /// multiple of [`crate::SAMPLE_BLOCK`], the padding holding zeros, so that aggregation
    /// runs over whole vector blocks.
    pub const fn stored_count(self) -> usize {
        self.count().div_ceil(crate::SAMPLE_BLOCK) * crate::SAMPLE_BLOCK
    }

    /// The smallest count the sampling accepts.
    pub(crate) const fn minimum_count(self) -> usize {
        match self {
            Sampling::Endpoints { .. } => 2,
            Sampling::Midpoints { .. } => 1,
        }
    }

    /// First sample position and spacing for the range `[min, max]`.
    pub const fn grid(self, min: f32, max: f32) -> (f32, f32) {
        match self {
            Sampling::Endpoints { points } => {
                let steps = if points > 1 { points - 1 } else { 1 };
                (min, (max - min) / steps as f32)
            }
            Sampling::Midpoints { intervals } => {
                let n = if intervals > 0 { intervals } else { 1 };
                let dx = (max - min) / n as f32;
                (min + 0.5 * dx, dx)
            }
        }
    }

    /// Position of sample `i`.
    pub const fn position(self, i: usize, min: f32, max: f32) -> f32 {
        let (x0, dx) = self.grid(min, max);
        x0 + i as f32 * dx
    }
}

/// Crisp value of a sampled aggregated set, and whether the set was non-empty.
///
/// Fixed time: every branch below depends on `method` (structure) only. For an empty set
/// the value is meaningless (the centroid's `0 / 0` is NaN) and the caller takes the
/// output's fallback, which it does for every empty set.
#[inline]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn defuzzify_sampled(method: Defuzzifier, samples: &[f32], x0: f32, dx: f32) -> (f32, bool) {
    defuzzify_with(method, samples, &Moments::of(samples), x0, dx)
}

/// [`defuzzify_sampled`] with the set's [`Moments`] already accumulated (the aggregation
/// accumulates them while each block of samples is still in registers).
#[inline]
pub(crate) fn defuzzify_with(
    method: Defuzzifier,
    samples: &[f32],
    moments: &Moments,
    x0: f32,
    dx: f32,
) -> (f32, bool) {
    let (total, moment) = moments.totals();
    let non_empty = total > 0.0;
    let index = match method {
        Defuzzifier::Bisector => bisector_index(samples, total),
        Defuzzifier::MeanOfMaximum | Defuzzifier::SmallestOfMaximum | Defuzzifier::LargestOfMaximum => {
            let (first, last, mean) = maximum_indices(samples);
            match method {
                Defuzzifier::SmallestOfMaximum => first,
                Defuzzifier::LargestOfMaximum => last,
                _ => mean,
            }
        }
        Defuzzifier::SmallestOfMaximumMagnitude => magnitude_index(samples, x0, dx, false),
        Defuzzifier::LargestOfMaximumMagnitude => magnitude_index(samples, x0, dx, true),
        // Centroid (and the Sugeno methods, which never reach here). An empty set gives
        // `0 / 0`, NaN, and the output its fallback (as the caller does for `!non_empty`
        // anyway): no select on the value's path.
        _ => moment / total,
    };
    (x0 + dx * index, non_empty)
}

/// `(Σ μ_i, Σ i μ_i)` of a sampled set, accumulated eight samples at a time in eight
/// partial sums (sample `i` into partial `i mod 8`: short dependency chains, two vector
/// registers on x86-64) and added pairwise at the end ([`crate::math::pairwise`]). The
/// order of additions is fixed, so results are reproducible across targets (the C export
/// repeats it); padding a set with zeros to a whole number of blocks changes nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Moments {
    sums: [f32; 8],
    moments: [f32; 8],
    index: [f32; 8],
}

impl Moments {
    /// Nothing accumulated yet.
    #[inline(always)]
    pub(crate) fn new() -> Moments {
        Moments {
            sums: [0.0; 8],
            moments: [0.0; 8],
            index: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        }
    }

    /// Adds the next eight samples.
    #[inline(always)]
    pub(crate) fn add(&mut self, values: &[f32; 8]) {
        for (((sum, moment), index), value) in self
            .sums
            .iter_mut()
            .zip(&mut self.moments)
            .zip(&mut self.index)
            .zip(values)
        {
            *sum += value;
            *moment += *index * value;
            *index += 8.0;
        }
    }

    /// The moments of a whole set (the last partial block padded with zeros).
    #[inline]
    pub(crate) fn of(samples: &[f32]) -> Moments {
        let mut moments = Moments::new();
        let (chunks, tail) = samples.as_chunks::<8>();
        for chunk in chunks {
            moments.add(chunk);
        }
        let mut last = [0.0f32; 8];
        for (l, v) in last.iter_mut().zip(tail) {
            *l = *v;
        }
        moments.add(&last);
        moments
    }

    /// `(Σ μ_i, Σ i μ_i)`.
    #[inline(always)]
    pub(crate) fn totals(&self) -> (f32, f32) {
        (
            crate::math::pairwise(self.sums),
            crate::math::pairwise(self.moments),
        )
    }
}

/// Index of the first sample at which the running sum reaches half of `total`.
#[inline]
fn bisector_index(samples: &[f32], total: f32) -> f32 {
    let half = 0.5 * total;
    let mut running = 0.0f32;
    let mut found = samples.len().saturating_sub(1) as u32;
    let mut seen = false;
    for (index, value) in (0u32..).zip(samples) {
        running += value;
        let reached = running >= half;
        found = select_bits(reached & !seen, index, found);
        seen |= reached;
    }
    found as f32
}

/// Samples within this fraction of the maximum degree below it (four ulps) count as
/// maximal: f32 rounding makes a flat top wobble by an ulp or two (a Hamacher-sum plateau
/// computes 1.0 and 0.99999994 side by side), and an exact comparison would split one
/// plateau into many. Relative, so that a weakly fired set (maximum 1e-7) is not swallowed
/// whole; small, so that a shape merely approaching the top (a sigmoid at 0.9999990) stays
/// out. (MATLAB compares doubles exactly; fuzzylite scans with an absolute 1e-6.)
pub const MAXIMUM_TOLERANCE: f32 = 4.0 * f32::EPSILON;

/// `(first, last, mean)` index of the maximal samples (see [`MAXIMUM_TOLERANCE`]).
#[inline]
fn maximum_indices(samples: &[f32]) -> (f32, f32, f32) {
    let peak = samples.iter().fold(0.0f32, |m, v| max(*v, m));
    let threshold = peak - MAXIMUM_TOLERANCE * peak;
    let mut first = 0u32;
    let mut last = 0u32;
    let mut seen = false;
    let mut count = 0u32;
    let mut index_sum = 0u32;
    for (index, value) in (0u32..).zip(samples) {
        let at_peak = *value >= threshold;
        first = select_bits(at_peak & !seen, index, first);
        last = select_bits(at_peak, index, last);
        seen |= at_peak;
        count += at_peak as u32;
        index_sum += select_bits(at_peak, index, 0);
    }
    // Exact up to 2^24 (index sums of at most MAX_SAMPLES^2 / 2 fit in u32).
    (first as f32, last as f32, index_sum as f32 / count.max(1) as f32)
}

/// Index of the maximising sample (as in [`maximum_indices`]) whose position
/// `x0 + i·dx` has the smallest magnitude, or with `largest` the largest; the first such
/// sample on equal magnitudes (MATLAB's `min(abs(...))` / `max(abs(...))`). Magnitudes
/// within a thousandth of a sample step count as equal: the positions are computed in f32,
/// and on a range symmetric about 0 the mirrored points (`-1.6`, `1.6`) must tie as they do
/// in exact arithmetic, not be decided by their rounding (found by the compatibility
/// corpus, `signed-lom.fis`). One scan with selects: fixed time.
fn magnitude_index(samples: &[f32], x0: f32, dx: f32, largest: bool) -> f32 {
    let peak = samples.iter().fold(0.0f32, |m, v| max(*v, m));
    let threshold = peak - MAXIMUM_TOLERANCE * peak;
    // Signed so that one strict comparison serves both: -|x| for the smallest magnitude.
    let sign = if largest { 1.0 } else { -1.0 };
    let tie = 1e-3 * dx;
    let mut best = f32::NEG_INFINITY;
    let mut chosen = 0u32;
    for (index, value) in (0u32..).zip(samples) {
        let score = sign * crate::math::abs(x0 + dx * index as f32);
        let better = (*value >= threshold) & (score > best + tie);
        chosen = select_bits(better, index, chosen);
        best = select(better, score, best);
    }
    chosen as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matlab_som_and_lom_pick_by_magnitude() {
        // Maximal on x = -3, -2 and 1 (a two-plateau set on x = -4 .. 4): by value the
        // smallest is -3 and the largest 1; by magnitude (MATLAB) 1 and -3.
        let s = [0.2, 1.0, 1.0, 0.5, 0.0, 1.0, 0.3, 0.0, 0.0];
        let at = |m| defuzzify_sampled(m, &s, -4.0, 1.0).0;
        assert_eq!(at(Defuzzifier::SmallestOfMaximum), -3.0);
        assert_eq!(at(Defuzzifier::LargestOfMaximum), 1.0);
        assert_eq!(at(Defuzzifier::SmallestOfMaximumMagnitude), 1.0);
        assert_eq!(at(Defuzzifier::LargestOfMaximumMagnitude), -3.0);
        // Equal magnitudes: the first (lower) point, as MATLAB's min/max return it.
        let s = [0.0, 1.0, 0.0, 1.0, 0.0];
        let at = |m| defuzzify_sampled(m, &s, -2.0, 1.0).0;
        assert_eq!(at(Defuzzifier::SmallestOfMaximumMagnitude), -1.0);
        assert_eq!(at(Defuzzifier::LargestOfMaximumMagnitude), -1.0);
        // Mirrored points whose f32 positions round differently (-10 + 42 x 0.2 =
        // -1.5999999, -10 + 58 x 0.2 = 1.6000004) still tie: the lower one.
        let mut s = [0.0f32; 101];
        s[42] = 1.0;
        s[58] = 1.0;
        let at = |m| defuzzify_sampled(m, &s, -10.0, 0.2).0;
        for m in [
            Defuzzifier::LargestOfMaximumMagnitude,
            Defuzzifier::SmallestOfMaximumMagnitude,
        ] {
            assert!((at(m) + 1.6).abs() < 1e-5, "{m:?}: {}", at(m));
        }
    }

    #[test]
    fn grids() {
        assert_eq!(Sampling::MATLAB.grid(-1.0, 1.0), (-1.0, 0.02));
        assert_eq!(Sampling::MATLAB.position(100, -1.0, 1.0), 1.0);
        let (x0, dx) = Sampling::FUZZYLITE.grid(0.0, 1.0);
        assert_eq!((x0, dx), (0.005, 0.01));
    }

    #[test]
    fn centroid_of_a_triangle_shaped_set() {
        // μ = [0, 1, 2, 1, 0]/2 on x = 10, 11, ... -> centroid 12
        let s = [0.0, 0.5, 1.0, 0.5, 0.0];
        let (x, ok) = defuzzify_sampled(Defuzzifier::Centroid, &s, 10.0, 1.0);
        assert!(ok);
        assert_eq!(x, 12.0);
    }

    #[test]
    fn centroid_of_asymmetric_set_by_hand() {
        // Σμ = 1.75, Σ iμ = 0*0.25 + 1*1 + 5*0.5 = 3.5 -> 2.0 -> x = 0 + 0.5*2
        let s = [0.25, 1.0, 0.0, 0.0, 0.0, 0.5];
        let (x, _) = defuzzify_sampled(Defuzzifier::Centroid, &s, 0.0, 0.5);
        assert_eq!(x, 1.0);
    }

    #[test]
    fn bisector_first_point_reaching_half_area() {
        let s = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0];
        // total 4, half 2, running sum reaches 2 at i = 1
        assert_eq!(defuzzify_sampled(Defuzzifier::Bisector, &s, 0.0, 1.0).0, 1.0);
        let s = [0.0, 0.0, 0.0, 3.0];
        assert_eq!(defuzzify_sampled(Defuzzifier::Bisector, &s, 0.0, 1.0).0, 3.0);
    }

    #[test]
    fn maxima_with_two_plateaus() {
        let s = [0.1, 0.8, 0.8, 0.2, 0.8, 0.3, 0.0];
        let at = |m| defuzzify_sampled(m, &s, 0.0, 2.0).0;
        assert_eq!(at(Defuzzifier::SmallestOfMaximum), 2.0);
        assert_eq!(at(Defuzzifier::LargestOfMaximum), 8.0);
        // MATLAB: mean of x = 2, 4, 8
        assert!((at(Defuzzifier::MeanOfMaximum) - 14.0 / 3.0).abs() < 1e-6);
    }

    /// A plateau whose samples differ by an ulp is one plateau.
    #[test]
    fn maximum_tolerates_an_ulp_of_wobble() {
        let s = [0.2, 1.0, 0.999_999_94, 1.0, 0.999_999_94, 0.5];
        let at = |m| defuzzify_sampled(m, &s, 0.0, 1.0).0;
        assert_eq!(at(Defuzzifier::SmallestOfMaximum), 1.0);
        assert_eq!(at(Defuzzifier::LargestOfMaximum), 4.0);
        assert_eq!(at(Defuzzifier::MeanOfMaximum), 2.5);
        // 1e-5 below is a different degree.
        let s = [1.0, 0.99999, 1.0];
        assert_eq!(defuzzify_sampled(Defuzzifier::MeanOfMaximum, &s, 0.0, 1.0).0, 1.0);
    }

    /// An empty set is reported; its value is not used (the engine takes the fallback,
    /// `tests/suite/engine.rs`): NaN for the centroid (`0 / 0`, kept off the value's path
    /// instead of a select), finite for the others.
    #[test]
    fn empty_set_is_reported() {
        let s = [0.0; 9];
        for m in [
            Defuzzifier::Centroid,
            Defuzzifier::Bisector,
            Defuzzifier::MeanOfMaximum,
            Defuzzifier::SmallestOfMaximum,
            Defuzzifier::LargestOfMaximum,
        ] {
            let (x, ok) = defuzzify_sampled(m, &s, 0.0, 1.0);
            assert!(!ok, "{m:?}");
            assert_eq!(x.is_nan(), m == Defuzzifier::Centroid, "{m:?}: {x}");
        }
    }
}
