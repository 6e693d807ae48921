//! Plants: the [`Plant`] trait, built-in models and user-defined linear plants.
//!
//! Every plant is sampled: [`Plant::output`] is the measured output `y[k]` at sample time
//! `t_k = k·Ts`, [`Plant::advance`] applies `u[k]` held constant over `[t_k, t_k + Ts)` (zero-
//! order hold) and moves to `t_{k+1}`. Linear plants are discretised exactly
//! ([`linear`]); nonlinear plants integrate their differential equations with classic
//! fourth-order Runge–Kutta, a fixed number of substeps per sample ([`nonlinear`]). A dead
//! time `L` delays the input by `round(L/Ts)` samples ([`InputDelay`]).
//!
//! The built-in catalogue with equations, defaults, units and sources is [`PlantSpec`]
//! (what job files name) and [`catalogue`] (what `fuzzyopt plants` prints).

pub mod builtin;
pub mod linear;
pub mod nonlinear;
pub mod spec;

use std::collections::VecDeque;
use std::fmt;

pub use linear::{DiscreteModel, StateSpaceModel};
pub use spec::{PlantInfo, PlantSpec, catalogue};

/// A sampled plant (see the [module docs](self)).
pub trait Plant: Send {
    /// Measured output at the current sample, before sensor noise.
    fn output(&self) -> f64;
    /// Applies `u` over one sample period and moves to the next sample.
    fn advance(&mut self, u: f64);
    /// Back to the initial state (and an empty dead-time buffer).
    fn reset(&mut self);
    /// The current state vector (for plots and checks).
    fn state(&self) -> Vec<f64>;
    /// Sets the state (the initial state of a scenario); the length must be
    /// [`Plant::state`]'s.
    fn set_state(&mut self, state: &[f64]) -> Result<(), PlantError>;
    /// True when the state is not finite or has left the plant's valid region (a
    /// diverging loop, a pendulum past its failure angle, a ball off its beam).
    fn diverged(&self) -> bool;
    /// The sample time the plant was built for, seconds.
    fn sample_time_s(&self) -> f64;
}

/// A plant description that could not be built: which plant, which field, what is allowed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("plant {plant}: {field} {message}")]
pub struct PlantError {
    /// the plant (type name)
    pub plant: String,
    /// the offending field
    pub field: String,
    /// what is wrong and what is allowed
    pub message: String,
}

impl PlantError {
    /// A new error.
    pub fn new(plant: &str, field: &str, message: impl fmt::Display) -> PlantError {
        PlantError {
            plant: plant.to_string(),
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// A dead time on the plant input: `u` reaches the plant `samples` periods later (zeros
/// before that).
#[derive(Clone, Debug, PartialEq)]
pub struct InputDelay {
    buffer: VecDeque<f64>,
    samples: usize,
}

impl InputDelay {
    /// A delay of `round(delay_s / sample_time_s)` samples.
    pub fn new(delay_s: f64, sample_time_s: f64) -> InputDelay {
        let samples = (delay_s / sample_time_s).round().max(0.0) as usize;
        InputDelay {
            buffer: VecDeque::from(vec![0.0; samples]),
            samples,
        }
    }

    /// Pushes `u[k]`, returns `u[k − samples]`.
    pub fn push(&mut self, u: f64) -> f64 {
        if self.samples == 0 {
            return u;
        }
        self.buffer.push_back(u);
        self.buffer.pop_front().unwrap_or(0.0)
    }

    /// Empties the buffer (all zeros).
    pub fn reset(&mut self) {
        self.buffer.iter_mut().for_each(|u| *u = 0.0);
    }

    /// Delay in samples.
    pub fn samples(&self) -> usize {
        self.samples
    }
}

/// Divergence bound of linear plants: a state beyond ±1e9 is a diverging loop.
pub const LINEAR_STATE_BOUND: f64 = 1e9;

/// A linear plant, discretised exactly, with an input dead time.
#[derive(Clone, Debug)]
pub struct LinearPlant {
    model: StateSpaceModel,
    discrete: DiscreteModel,
    delay: InputDelay,
    x: nalgebra::DVector<f64>,
    x0: nalgebra::DVector<f64>,
    /// Work vector for the next state (no allocation per sample).
    next: nalgebra::DVector<f64>,
    /// The input currently held (reaches the output through `D`).
    held: f64,
    sample_time_s: f64,
}

impl LinearPlant {
    /// Discretises `model` at `sample_time_s` with an input dead time of `delay_s`.
    pub fn new(model: StateSpaceModel, delay_s: f64, sample_time_s: f64) -> LinearPlant {
        let discrete = model.discretize(sample_time_s);
        let x = nalgebra::DVector::zeros(model.order());
        LinearPlant {
            discrete,
            delay: InputDelay::new(delay_s, sample_time_s),
            x0: x.clone(),
            next: x.clone(),
            x,
            model,
            held: 0.0,
            sample_time_s,
        }
    }

    /// The continuous-time model.
    pub fn model(&self) -> &StateSpaceModel {
        &self.model
    }

    /// The discretised model.
    pub fn discrete(&self) -> &DiscreteModel {
        &self.discrete
    }

    /// Dead time in samples.
    pub fn delay_samples(&self) -> usize {
        self.delay.samples()
    }
}

impl Plant for LinearPlant {
    /// `C x[k] + D u`, with `u` the input held since the previous sample (the sensor reads
    /// just before the new input is applied).
    fn output(&self) -> f64 {
        self.discrete.c.dot(&self.x) + self.discrete.d * self.held
    }

    fn advance(&mut self, u: f64) {
        let u = self.delay.push(u);
        // next = Φ x + Γ u, in place.
        self.next.gemv(1.0, &self.discrete.phi, &self.x, 0.0);
        self.next.axpy(u, &self.discrete.gamma, 1.0);
        std::mem::swap(&mut self.x, &mut self.next);
        self.held = u;
    }

    fn reset(&mut self) {
        self.x = self.x0.clone();
        self.delay.reset();
        self.held = 0.0;
    }

    fn state(&self) -> Vec<f64> {
        self.x.iter().copied().collect()
    }

    fn set_state(&mut self, state: &[f64]) -> Result<(), PlantError> {
        if state.len() != self.x.len() {
            return Err(PlantError::new(
                "linear",
                "initial_state",
                format!("must have {} entries (one per state)", self.x.len()),
            ));
        }
        self.x = nalgebra::DVector::from_column_slice(state);
        self.x0 = self.x.clone();
        Ok(())
    }

    fn diverged(&self) -> bool {
        self.x.iter().any(|v| v.is_nan() || v.abs() > LINEAR_STATE_BOUND)
    }

    fn sample_time_s(&self) -> f64 {
        self.sample_time_s
    }
}
