//! Plant models, closed-loop simulation, metrics and classical baselines for `fuzzy-core`
//! controllers; the optimizer tunes against what this crate simulates.
//!
//! - [`plant`]: the [`Plant`] trait, eleven built-in plants, user transfer functions and
//!   state-space models (exact zero-order-hold discretisation, RK4 for nonlinear plants,
//!   dead time as an input buffer).
//! - [`control`]: the [`ControlLaw`] trait with the fuzzy controller, PID and open loop.
//! - [`closed_loop`]: scenarios (setpoint profiles, load disturbances, measurement noise,
//!   actuator limits) and the sampled closed loop.
//! - [`metrics`]: IAE, ISE, ITAE, ITSE, overshoot, rise and settling time, steady-state error,
//!   control energy and total variation, disturbance peak and recovery.
//! - [`baseline`]: first-order-plus-dead-time models (half rule, step-response fit) and PID
//!   tuning by SIMC and AMIGO.
//! - [`plot`]: step responses, control surfaces, membership functions and time series as SVG
//!   and PNG (embedded font, no system fonts needed).

pub mod baseline;
pub mod closed_loop;
pub mod control;
pub mod files;
pub mod metrics;
pub mod plant;
pub mod plot;

pub use closed_loop::{Scenario, Trajectory, simulate};
pub use control::ControlLaw;
pub use plant::{Plant, PlantError, PlantSpec};
