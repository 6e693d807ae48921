//! Plant models, closed-loop simulation, metrics, PID baselines and plots for `fuzzy-core`
//! controllers.
//!
//! This crate is the home of the simulation side of the workspace (see the project README's
//! layout); its plant library and closed loop arrive with the simulation issue. It has no
//! public items yet.
