//! The tuned controller file `fuzzyopt` writes (`controller.json`): the engine and the
//! fuzzy PD/PI/PID settings firmware wraps it in.

use fuzzy_core::{ControllerSpec, FuzzyPidConfig};
use serde::{Deserialize, Serialize};

/// A tuned controller as `fuzzyopt` writes it (`controller.json`): the engine and the wrapper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TunedController {
    /// the fuzzy engine
    pub controller: ControllerSpec,
    /// how firmware calls it every tick
    pub wrapper: FuzzyPidConfig,
}
