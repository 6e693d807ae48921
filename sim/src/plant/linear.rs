//! Linear plants: transfer functions and state space, discretised exactly with a zero-order
//! hold through the matrix exponential.
//!
//! `ẋ = A x + B u`, `y = C x + D u` sampled every `Ts` with `u` held constant over the period
//! becomes `x[k+1] = Φ x[k] + Γ u[k]` with `exp([[A, B], [0, 0]]·Ts) = [[Φ, Γ], [0, I]]`
//! (Van Loan's block form, valid also for a singular `A`, i.e. integrators); nalgebra's
//! `exp` is a Padé approximant with scaling and squaring (Higham 2005). At the sample
//! instants this is the exact continuous response to a piecewise-constant input.
//!
//! A transfer function `b(s)/a(s)` (coefficients in descending powers of `s`, proper) is
//! realised in controllable canonical form first.

use nalgebra::{DMatrix, DVector};

use super::PlantError;

/// A continuous-time single-input single-output state-space model.
#[derive(Clone, Debug, PartialEq)]
pub struct StateSpaceModel {
    /// `A` (n × n)
    pub a: DMatrix<f64>,
    /// `B` (n × 1)
    pub b: DVector<f64>,
    /// `C` (1 × n), as a vector
    pub c: DVector<f64>,
    /// `D`
    pub d: f64,
}

impl StateSpaceModel {
    /// Checks the shapes and that every entry is finite; `what` names the plant in errors.
    pub fn new(
        a: DMatrix<f64>,
        b: DVector<f64>,
        c: DVector<f64>,
        d: f64,
        what: &str,
    ) -> Result<StateSpaceModel, PlantError> {
        let n = a.nrows();
        if n == 0 || a.ncols() != n {
            return Err(PlantError::new(
                what,
                "a",
                "must be a square matrix with at least one row",
            ));
        }
        if b.len() != n {
            return Err(PlantError::new(
                what,
                "b",
                format!("must have {n} entries (one per state)"),
            ));
        }
        if c.len() != n {
            return Err(PlantError::new(
                what,
                "c",
                format!("must have {n} entries (one per state)"),
            ));
        }
        for (field, finite) in [
            ("a", a.iter().all(|v| v.is_finite())),
            ("b", b.iter().all(|v| v.is_finite())),
            ("c", c.iter().all(|v| v.is_finite())),
            ("d", d.is_finite()),
        ] {
            if !finite {
                return Err(PlantError::new(what, field, "entries must be finite numbers"));
            }
        }
        Ok(StateSpaceModel { a, b, c, d })
    }

    /// Controllable canonical realisation of `numerator(s) / denominator(s)` (descending
    /// powers of `s`; leading zeros are ignored; the degree of the numerator must not exceed
    /// that of the denominator).
    pub fn from_transfer_function(
        numerator: &[f64],
        denominator: &[f64],
        what: &str,
    ) -> Result<StateSpaceModel, PlantError> {
        let trim = |p: &[f64]| -> Vec<f64> { p.iter().copied().skip_while(|&c| c == 0.0).collect() };
        if numerator.iter().chain(denominator).any(|c| !c.is_finite()) {
            return Err(PlantError::new(
                what,
                "numerator/denominator",
                "coefficients must be finite",
            ));
        }
        let num = trim(numerator);
        let den = trim(denominator);
        if den.len() < 2 {
            return Err(PlantError::new(
                what,
                "denominator",
                "must have degree 1 or more (a pure gain is not a plant)",
            ));
        }
        if num.is_empty() {
            return Err(PlantError::new(what, "numerator", "must not be zero"));
        }
        if num.len() > den.len() {
            return Err(PlantError::new(
                what,
                "numerator",
                format!(
                    "degree {} exceeds the denominator's degree {} (improper transfer function)",
                    num.len() - 1,
                    den.len() - 1
                ),
            ));
        }
        let n = den.len() - 1;
        let lead = den[0];
        let a_coef: Vec<f64> = den[1..].iter().map(|c| c / lead).collect();
        // Numerator padded to n + 1 coefficients, normalised by the same leading coefficient.
        let mut b_coef = vec![0.0; n + 1 - num.len()];
        b_coef.extend(num.iter().map(|c| c / lead));
        let d = b_coef[0];
        // Strictly proper remainder: b_i − d·a_i.
        let remainder: Vec<f64> = (1..=n).map(|i| b_coef[i] - d * a_coef[i - 1]).collect();

        // States x1..xn with x1' = x2, …, xn' = −a_n x1 − … − a_1 xn + u.
        let mut a = DMatrix::zeros(n, n);
        for i in 0..n - 1 {
            a[(i, i + 1)] = 1.0;
        }
        for j in 0..n {
            a[(n - 1, j)] = -a_coef[n - 1 - j];
        }
        let mut b = DVector::zeros(n);
        b[n - 1] = 1.0;
        let c = DVector::from_iterator(n, (0..n).map(|j| remainder[n - 1 - j]));
        StateSpaceModel::new(a, b, c, d, what)
    }

    /// Number of states.
    pub fn order(&self) -> usize {
        self.a.nrows()
    }

    /// Exact zero-order-hold discretisation at `sample_time_s`.
    pub fn discretize(&self, sample_time_s: f64) -> DiscreteModel {
        let n = self.order();
        let mut m = DMatrix::zeros(n + 1, n + 1);
        m.view_mut((0, 0), (n, n)).copy_from(&(&self.a * sample_time_s));
        m.view_mut((0, n), (n, 1)).copy_from(&(&self.b * sample_time_s));
        let e = m.exp();
        DiscreteModel {
            phi: e.view((0, 0), (n, n)).into_owned(),
            gamma: e.view((0, n), (n, 1)).column(0).into_owned(),
            c: self.c.clone(),
            d: self.d,
        }
    }

    /// The steady-state gain `D − C A⁻¹ B`, or `None` when `A` is singular (an integrator).
    pub fn dc_gain(&self) -> Option<f64> {
        let lu = self.a.clone().lu();
        let x = lu.solve(&self.b)?;
        let gain = self.d - self.c.dot(&x);
        gain.is_finite().then_some(gain)
    }
}

/// `x[k+1] = Φ x[k] + Γ u[k]`, `y[k] = C x[k] + D u[k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DiscreteModel {
    /// `Φ = exp(A Ts)`
    pub phi: DMatrix<f64>,
    /// `Γ = ∫₀^Ts exp(A τ) dτ B`
    pub gamma: DVector<f64>,
    /// output row
    pub c: DVector<f64>,
    /// feedthrough
    pub d: f64,
}
