//! What happened during one evaluation.

/// Flags describing one evaluation. Evaluation never fails; it reports here instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Status(u8);

impl Status {
    /// Nothing unusual.
    pub const OK: Status = Status(0);
    /// An input was NaN (or missing): every output took its fallback.
    pub const NAN_INPUT: Status = Status(1);
    /// An input lay outside its range (it was clamped, or extended per
    /// [`crate::OutOfRange`]).
    pub const INPUT_OUT_OF_RANGE: Status = Status(1 << 1);
    /// For at least one output no rule fired (empty aggregated set, zero Sugeno weights).
    pub const NO_RULE_FIRED: Status = Status(1 << 2);
    /// At least one output is its fallback value instead of a computed one.
    pub const FALLBACK: Status = Status(1 << 3);
    /// The input slice did not have one value per input variable (missing values count as
    /// NaN, extra values are ignored).
    pub const INPUT_COUNT: Status = Status(1 << 4);
    /// The scratch or output buffer was too small: outputs set to their range midpoints,
    /// nothing evaluated.
    pub const BUFFER_TOO_SMALL: Status = Status(1 << 5);
    /// [`crate::FuzzyPid::step`]: the setpoint or the measurement was NaN or infinite; the
    /// previous output was returned and the state left as it was.
    pub const INVALID_MEASUREMENT: Status = Status(1 << 6);

    /// The status with these flag bits (the fixed-point path builds it from masks).
    pub(crate) const fn from_bits(bits: u8) -> Status {
        Status(bits)
    }

    /// True when no flag is set.
    pub const fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// True when every flag of `other` is set in `self`.
    pub const fn contains(self, other: Status) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw flag bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// `self` with the flags of `other` added when `condition` holds (branch-free).
    #[inline(always)]
    pub(crate) const fn with_if(self, other: Status, condition: bool) -> Status {
        Status(self.0 | (other.0 * condition as u8))
    }
}

impl core::ops::BitOr for Status {
    type Output = Status;
    fn bitor(self, rhs: Status) -> Status {
        Status(self.0 | rhs.0)
    }
}

impl core::ops::BitOrAssign for Status {
    fn bitor_assign(&mut self, rhs: Status) {
        self.0 |= rhs.0;
    }
}

impl core::fmt::Display for Status {
    /// The set flags' names joined with `|` (`nan input | fallback`), or `ok`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const NAMES: [(Status, &str); 7] = [
            (Status::NAN_INPUT, "nan input"),
            (Status::INPUT_OUT_OF_RANGE, "input out of range"),
            (Status::NO_RULE_FIRED, "no rule fired"),
            (Status::FALLBACK, "fallback"),
            (Status::INPUT_COUNT, "input count"),
            (Status::BUFFER_TOO_SMALL, "buffer too small"),
            (Status::INVALID_MEASUREMENT, "invalid measurement"),
        ];
        if self.is_ok() {
            return f.write_str("ok");
        }
        let mut first = true;
        for (flag, name) in NAMES {
            if self.contains(flag) {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}
