//! Nonlinear plants: differential equations integrated by classic fourth-order Runge–Kutta
//! with a fixed number of substeps per sample, the input held over the sample (and delayed by
//! the plant's dead time).

use super::{InputDelay, Plant, PlantError};

/// Continuous-time dynamics `ẋ = f(x, u)`, `y = h(x)` with `N` states.
pub trait Dynamics<const N: usize>: Send + Clone {
    /// Name used in errors.
    const NAME: &'static str;
    /// `f(x, u)`.
    fn derivative(&self, x: &[f64; N], u: f64) -> [f64; N];
    /// `h(x)`: the measured output.
    fn output(&self, x: &[f64; N]) -> f64;
    /// Keeps the state physical after each substep (e.g. a tank level ≥ 0). Default: nothing.
    fn project(&self, _x: &mut [f64; N]) {}
    /// The state has left the valid region (failure limits). Non-finite states always count.
    fn failed(&self, _x: &[f64; N]) -> bool {
        false
    }
}

/// A [`Dynamics`] integrated by RK4 (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Rk4Plant<D, const N: usize> {
    dynamics: D,
    x: [f64; N],
    x0: [f64; N],
    substeps: u32,
    sample_time_s: f64,
    delay: InputDelay,
}

impl<D: Dynamics<N>, const N: usize> Rk4Plant<D, N> {
    /// Starts at `initial` with `substeps` RK4 steps per sample.
    pub fn new(dynamics: D, initial: [f64; N], sample_time_s: f64, substeps: u32, delay_s: f64) -> Self {
        Rk4Plant {
            dynamics,
            x: initial,
            x0: initial,
            substeps: substeps.max(1),
            sample_time_s,
            delay: InputDelay::new(delay_s, sample_time_s),
        }
    }

    /// The dynamics.
    pub fn dynamics(&self) -> &D {
        &self.dynamics
    }

    /// The state.
    pub fn x(&self) -> &[f64; N] {
        &self.x
    }

    fn rk4_step(&self, x: &[f64; N], u: f64, h: f64) -> [f64; N] {
        let f = |x: &[f64; N]| self.dynamics.derivative(x, u);
        let add =
            |x: &[f64; N], k: &[f64; N], s: f64| -> [f64; N] { std::array::from_fn(|i| x[i] + s * k[i]) };
        let k1 = f(x);
        let k2 = f(&add(x, &k1, h / 2.0));
        let k3 = f(&add(x, &k2, h / 2.0));
        let k4 = f(&add(x, &k3, h));
        std::array::from_fn(|i| x[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
    }
}

impl<D: Dynamics<N>, const N: usize> Plant for Rk4Plant<D, N> {
    fn output(&self) -> f64 {
        self.dynamics.output(&self.x)
    }

    fn advance(&mut self, u: f64) {
        let u = self.delay.push(u);
        let h = self.sample_time_s / f64::from(self.substeps);
        for _ in 0..self.substeps {
            let mut next = self.rk4_step(&self.x, u, h);
            self.dynamics.project(&mut next);
            self.x = next;
        }
    }

    fn reset(&mut self) {
        self.x = self.x0;
        self.delay.reset();
    }

    fn state(&self) -> Vec<f64> {
        self.x.to_vec()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<(), PlantError> {
        let Ok(x) = <[f64; N]>::try_from(state) else {
            return Err(PlantError::new(
                D::NAME,
                "initial_state",
                format!("must have {N} entries (one per state)"),
            ));
        };
        if x.iter().any(|v| !v.is_finite()) {
            return Err(PlantError::new(
                D::NAME,
                "initial_state",
                "entries must be finite",
            ));
        }
        self.x = x;
        self.x0 = x;
        Ok(())
    }

    fn diverged(&self) -> bool {
        self.x.iter().any(|v| !v.is_finite()) || self.dynamics.failed(&self.x)
    }

    fn sample_time_s(&self) -> f64 {
        self.sample_time_s
    }
}
