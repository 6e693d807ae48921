//! Plant descriptions as they appear in job files, and the catalogue of built-ins.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::builtin::{BallAndBeam, CartPole, DcMotor, Thermal, WaterTank};
use super::nonlinear::Rk4Plant;
use super::{LinearPlant, Plant, PlantError, StateSpaceModel};

/// `K e^{−Ls} / (T s + 1)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FirstOrder {
    /// static gain K
    pub gain: f64,
    /// time constant T, s
    pub time_constant: f64,
    /// dead time L, s
    pub delay: f64,
}

impl Default for FirstOrder {
    fn default() -> Self {
        FirstOrder {
            gain: 1.0,
            time_constant: 1.0,
            delay: 0.0,
        }
    }
}

/// `K ωn² e^{−Ls} / (s² + 2ζωn s + ωn²)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecondOrder {
    /// static gain K
    pub gain: f64,
    /// damping ratio ζ
    pub damping: f64,
    /// natural frequency ωn, rad/s
    pub natural_frequency: f64,
    /// dead time L, s
    pub delay: f64,
}

impl Default for SecondOrder {
    fn default() -> Self {
        SecondOrder {
            gain: 1.0,
            damping: 0.5,
            natural_frequency: 1.0,
            delay: 0.0,
        }
    }
}

/// `e^{−Ls} / (s + 1)^n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HighOrderLag {
    /// order n (1 to 20)
    pub order: u32,
    /// dead time L, s
    pub delay: f64,
}

impl Default for HighOrderLag {
    fn default() -> Self {
        HighOrderLag { order: 4, delay: 0.0 }
    }
}

/// `(1 − αs) e^{−Ls} / (s + 1)³`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NonMinimumPhase {
    /// right-half-plane zero time constant α, s
    pub alpha: f64,
    /// dead time L, s
    pub delay: f64,
}

impl Default for NonMinimumPhase {
    fn default() -> Self {
        NonMinimumPhase {
            alpha: 0.5,
            delay: 0.0,
        }
    }
}

/// `K e^{−Ls} / (s (T s + 1))`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Integrating {
    /// velocity gain K, 1/s
    pub gain: f64,
    /// lag time constant T, s
    pub time_constant: f64,
    /// dead time L, s
    pub delay: f64,
}

impl Default for Integrating {
    fn default() -> Self {
        Integrating {
            gain: 1.0,
            time_constant: 1.0,
            delay: 0.5,
        }
    }
}

/// `e^{−Ls} / ((s + 1)(s² + 2ζs + 1))`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LightlyDamped {
    /// damping ratio ζ of the oscillatory pair
    pub damping: f64,
    /// dead time L, s
    pub delay: f64,
}

impl Default for LightlyDamped {
    fn default() -> Self {
        LightlyDamped {
            damping: 0.1,
            delay: 0.0,
        }
    }
}

/// A user transfer function `numerator(s) / denominator(s) · e^{−Ls}`, coefficients in
/// descending powers of `s` (`[1, 2]` is `s + 2`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFunction {
    /// numerator coefficients
    pub numerator: Vec<f64>,
    /// denominator coefficients
    pub denominator: Vec<f64>,
    /// input dead time L, s
    #[serde(default)]
    pub delay: f64,
}

/// A user state-space model `ẋ = Ax + Bu`, `y = Cx + Du`, input dead time L.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpace {
    /// A, as rows
    pub a: Vec<Vec<f64>>,
    /// B, one entry per state
    pub b: Vec<f64>,
    /// C, one entry per state
    pub c: Vec<f64>,
    /// D
    #[serde(default)]
    pub d: f64,
    /// input dead time L, s
    #[serde(default)]
    pub delay: f64,
    /// initial state (zeros by default)
    #[serde(default)]
    pub initial_state: Option<Vec<f64>>,
}

/// A plant as a job file names it: `type = "first_order"` plus that plant's parameters (all
/// optional, defaults below), or a user-defined linear plant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlantSpec {
    /// [`FirstOrder`]
    FirstOrder(FirstOrder),
    /// [`SecondOrder`]
    SecondOrder(SecondOrder),
    /// [`HighOrderLag`]
    HighOrderLag(HighOrderLag),
    /// [`NonMinimumPhase`]
    NonMinimumPhase(NonMinimumPhase),
    /// [`Integrating`]
    Integrating(Integrating),
    /// [`LightlyDamped`]
    LightlyDamped(LightlyDamped),
    /// [`DcMotor`]
    DcMotor(DcMotor),
    /// [`WaterTank`]
    WaterTank(WaterTank),
    /// [`CartPole`]
    CartPole(CartPole),
    /// [`BallAndBeam`]
    BallAndBeam(BallAndBeam),
    /// [`Thermal`]
    Thermal(Thermal),
    /// [`TransferFunction`]
    TransferFunction(TransferFunction),
    /// [`StateSpace`]
    StateSpace(StateSpace),
}

fn positive(plant: &str, field: &str, value: f64) -> Result<(), PlantError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(PlantError::new(
            plant,
            field,
            format!("must be a finite number > 0 (got {value})"),
        ))
    }
}

fn finite(plant: &str, field: &str, value: f64) -> Result<(), PlantError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(PlantError::new(
            plant,
            field,
            format!("must be a finite number (got {value})"),
        ))
    }
}

fn non_negative(plant: &str, field: &str, value: f64) -> Result<(), PlantError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(PlantError::new(
            plant,
            field,
            format!("must be a finite number >= 0 (got {value})"),
        ))
    }
}

/// Coefficients of `(s + 1)^n`, descending powers.
fn unit_lag_power(n: u32) -> Vec<f64> {
    let mut poly = vec![1.0];
    for _ in 0..n {
        poly = multiply(&poly, &[1.0, 1.0]);
    }
    poly
}

/// Product of two polynomials (descending powers).
pub(crate) fn multiply(p: &[f64], q: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; p.len() + q.len() - 1];
    for (i, a) in p.iter().enumerate() {
        for (j, b) in q.iter().enumerate() {
            out[i + j] += a * b;
        }
    }
    out
}

/// Longest dead time a plant may have, in samples (its buffer holds one `f64` per sample).
pub const MAX_DELAY_SAMPLES: usize = 10_000_000;

impl PlantSpec {
    /// The type name used in job files.
    pub fn type_name(&self) -> &'static str {
        match self {
            PlantSpec::FirstOrder(_) => "first_order",
            PlantSpec::SecondOrder(_) => "second_order",
            PlantSpec::HighOrderLag(_) => "high_order_lag",
            PlantSpec::NonMinimumPhase(_) => "non_minimum_phase",
            PlantSpec::Integrating(_) => "integrating",
            PlantSpec::LightlyDamped(_) => "lightly_damped",
            PlantSpec::DcMotor(_) => "dc_motor",
            PlantSpec::WaterTank(_) => "water_tank",
            PlantSpec::CartPole(_) => "cart_pole",
            PlantSpec::BallAndBeam(_) => "ball_and_beam",
            PlantSpec::Thermal(_) => "thermal",
            PlantSpec::TransferFunction(_) => "transfer_function",
            PlantSpec::StateSpace(_) => "state_space",
        }
    }

    /// A built-in plant with its default parameters, by type name.
    pub fn default_for(type_name: &str) -> Option<PlantSpec> {
        Some(match type_name {
            "first_order" => PlantSpec::FirstOrder(FirstOrder::default()),
            "second_order" => PlantSpec::SecondOrder(SecondOrder::default()),
            "high_order_lag" => PlantSpec::HighOrderLag(HighOrderLag::default()),
            "non_minimum_phase" => PlantSpec::NonMinimumPhase(NonMinimumPhase::default()),
            "integrating" => PlantSpec::Integrating(Integrating::default()),
            "lightly_damped" => PlantSpec::LightlyDamped(LightlyDamped::default()),
            "dc_motor" => PlantSpec::DcMotor(DcMotor::default()),
            "water_tank" => PlantSpec::WaterTank(WaterTank::default()),
            "cart_pole" => PlantSpec::CartPole(CartPole::default()),
            "ball_and_beam" => PlantSpec::BallAndBeam(BallAndBeam::default()),
            "thermal" => PlantSpec::Thermal(Thermal::default()),
            _ => return None,
        })
    }

    /// Checks that the plant's dead time fits a buffer at this sample time: at most
    /// [`MAX_DELAY_SAMPLES`] samples (80 MB of `f64`s); names the field.
    pub fn check_delay(&self, sample_time_s: f64) -> Result<(), PlantError> {
        let delay = match self {
            PlantSpec::StateSpace(p) => p.delay,
            PlantSpec::Thermal(p) => p.delay,
            _ => self.transfer_function().map_or(0.0, |(_, _, delay)| delay),
        };
        if delay / sample_time_s > MAX_DELAY_SAMPLES as f64 {
            return Err(PlantError::new(
                self.type_name(),
                "delay",
                "is more than 10 000 000 samples at this sample time",
            ));
        }
        Ok(())
    }

    /// The transfer function `(numerator, denominator, delay)` of a linear plant given as one
    /// (built-in linear plants and [`TransferFunction`]); `None` otherwise.
    pub fn transfer_function(&self) -> Option<(Vec<f64>, Vec<f64>, f64)> {
        Some(match self {
            PlantSpec::FirstOrder(p) => (vec![p.gain], vec![p.time_constant, 1.0], p.delay),
            PlantSpec::SecondOrder(p) => {
                let w = p.natural_frequency;
                (
                    vec![p.gain * w * w],
                    vec![1.0, 2.0 * p.damping * w, w * w],
                    p.delay,
                )
            }
            PlantSpec::HighOrderLag(p) => (vec![1.0], unit_lag_power(p.order), p.delay),
            PlantSpec::NonMinimumPhase(p) => (vec![-p.alpha, 1.0], unit_lag_power(3), p.delay),
            PlantSpec::Integrating(p) => (vec![p.gain], vec![p.time_constant, 1.0, 0.0], p.delay),
            PlantSpec::LightlyDamped(p) => (
                vec![1.0],
                multiply(&[1.0, 1.0], &[1.0, 2.0 * p.damping, 1.0]),
                p.delay,
            ),
            PlantSpec::TransferFunction(p) => (p.numerator.clone(), p.denominator.clone(), p.delay),
            _ => return None,
        })
    }

    /// Checks the parameters (names the field and what is allowed).
    pub fn validate(&self) -> Result<(), PlantError> {
        let name = self.type_name();
        match self {
            PlantSpec::FirstOrder(p) => {
                finite(name, "gain", p.gain)?;
                positive(name, "time_constant", p.time_constant)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::SecondOrder(p) => {
                finite(name, "gain", p.gain)?;
                non_negative(name, "damping", p.damping)?;
                positive(name, "natural_frequency", p.natural_frequency)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::HighOrderLag(p) => {
                if !(1..=20).contains(&p.order) {
                    return Err(PlantError::new(
                        name,
                        "order",
                        format!("must be 1 to 20 (got {})", p.order),
                    ));
                }
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::NonMinimumPhase(p) => {
                non_negative(name, "alpha", p.alpha)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::Integrating(p) => {
                finite(name, "gain", p.gain)?;
                positive(name, "time_constant", p.time_constant)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::LightlyDamped(p) => {
                non_negative(name, "damping", p.damping)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::DcMotor(p) => {
                positive(name, "inertia", p.inertia)?;
                non_negative(name, "damping", p.damping)?;
                positive(name, "motor_constant", p.motor_constant)?;
                positive(name, "resistance", p.resistance)?;
                positive(name, "inductance", p.inductance)?;
                positive(name, "voltage_limit", p.voltage_limit)?;
                non_negative(name, "coulomb_friction", p.coulomb_friction)
            }
            PlantSpec::WaterTank(p) => {
                positive(name, "area", p.area)?;
                positive(name, "inflow_gain", p.inflow_gain)?;
                positive(name, "outflow_coefficient", p.outflow_coefficient)?;
                non_negative(name, "initial_level", p.initial_level)
            }
            PlantSpec::CartPole(p) => {
                positive(name, "gravity", p.gravity)?;
                positive(name, "cart_mass", p.cart_mass)?;
                positive(name, "pole_mass", p.pole_mass)?;
                positive(name, "half_length", p.half_length)?;
                positive(name, "force_limit", p.force_limit)?;
                finite(name, "initial_angle", p.initial_angle)
            }
            PlantSpec::BallAndBeam(p) => {
                positive(name, "ball_mass", p.ball_mass)?;
                positive(name, "ball_radius", p.ball_radius)?;
                non_negative(name, "ball_inertia", p.ball_inertia)?;
                positive(name, "lever_offset", p.lever_offset)?;
                positive(name, "beam_length", p.beam_length)?;
                positive(name, "gravity", p.gravity)?;
                positive(name, "angle_limit", p.angle_limit)?;
                finite(name, "initial_position", p.initial_position)
            }
            PlantSpec::Thermal(p) => {
                positive(name, "heater_power", p.heater_power)?;
                positive(name, "thermal_resistance", p.thermal_resistance)?;
                positive(name, "heat_capacity", p.heat_capacity)?;
                finite(name, "ambient", p.ambient)?;
                non_negative(name, "delay", p.delay)
            }
            PlantSpec::TransferFunction(p) => {
                non_negative(name, "delay", p.delay)?;
                StateSpaceModel::from_transfer_function(&p.numerator, &p.denominator, name).map(|_| ())
            }
            PlantSpec::StateSpace(p) => {
                non_negative(name, "delay", p.delay)?;
                self.state_space_model().map(|_| ())
            }
        }
    }

    /// The continuous state-space model of a linear plant (`None` for nonlinear ones).
    pub fn state_space_model(&self) -> Result<Option<StateSpaceModel>, PlantError> {
        let name = self.type_name();
        if let PlantSpec::StateSpace(p) = self {
            let n = p.a.len();
            if p.a.iter().any(|row| row.len() != n) {
                return Err(PlantError::new(
                    name,
                    "a",
                    format!("must be square: {n} rows of {n} entries"),
                ));
            }
            let a = DMatrix::from_fn(n, n, |i, j| p.a[i][j]);
            let model = StateSpaceModel::new(
                a,
                DVector::from_column_slice(&p.b),
                DVector::from_column_slice(&p.c),
                p.d,
                name,
            )?;
            return Ok(Some(model));
        }
        match self.transfer_function() {
            Some((num, den, _)) => StateSpaceModel::from_transfer_function(&num, &den, name).map(Some),
            None => Ok(None),
        }
    }

    /// Builds the plant for sample time `sample_time_s`; nonlinear plants take `substeps` RK4
    /// steps per sample.
    pub fn build(&self, sample_time_s: f64, substeps: u32) -> Result<Box<dyn Plant>, PlantError> {
        positive(self.type_name(), "sample_time", sample_time_s)?;
        self.validate()?;
        self.check_delay(sample_time_s)?;
        if let Some(model) = self.state_space_model()? {
            let delay = match self {
                PlantSpec::StateSpace(p) => p.delay,
                _ => self.transfer_function().map_or(0.0, |(_, _, delay)| delay),
            };
            let mut plant = LinearPlant::new(model, delay, sample_time_s);
            if let PlantSpec::StateSpace(StateSpace {
                initial_state: Some(x0),
                ..
            }) = self
            {
                plant.set_state(x0)?;
            }
            return Ok(Box::new(plant));
        }
        Ok(match self {
            PlantSpec::DcMotor(p) => {
                Box::new(Rk4Plant::new(p.clone(), [0.0; 3], sample_time_s, substeps, 0.0))
            }
            PlantSpec::WaterTank(p) => Box::new(Rk4Plant::new(
                p.clone(),
                [p.initial_level],
                sample_time_s,
                substeps,
                0.0,
            )),
            PlantSpec::CartPole(p) => Box::new(Rk4Plant::new(
                p.clone(),
                [0.0, 0.0, p.initial_angle, 0.0],
                sample_time_s,
                substeps,
                0.0,
            )),
            PlantSpec::BallAndBeam(p) => Box::new(Rk4Plant::new(
                p.clone(),
                [p.initial_position, 0.0],
                sample_time_s,
                substeps,
                0.0,
            )),
            PlantSpec::Thermal(p) => Box::new(Rk4Plant::new(
                p.clone(),
                [p.ambient],
                sample_time_s,
                substeps,
                p.delay,
            )),
            // Linear plants returned above.
            _ => return Err(PlantError::new(self.type_name(), "type", "has no model")),
        })
    }
}

/// One entry of the built-in catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct PlantInfo {
    /// type name in job files
    pub name: &'static str,
    /// model equation
    pub equation: &'static str,
    /// input and output with units
    pub signals: &'static str,
    /// source of the model and its default parameters
    pub source: &'static str,
    /// the default parameters, as TOML
    pub defaults: String,
}

/// The built-in plants with equations, signals, sources and default parameters.
pub fn catalogue() -> Vec<PlantInfo> {
    let entries: [(&str, &str, &str, &str); 11] = [
        (
            "first_order",
            "K e^(-Ls) / (T s + 1)",
            "u -> y",
            "first order plus dead time, the model behind SIMC and AMIGO",
        ),
        (
            "second_order",
            "K wn^2 e^(-Ls) / (s^2 + 2 zeta wn s + wn^2)",
            "u -> y",
            "standard second-order system",
        ),
        (
            "high_order_lag",
            "e^(-Ls) / (s + 1)^n",
            "u -> y",
            "Astrom & Hagglund's PID test batch",
        ),
        (
            "non_minimum_phase",
            "(1 - alpha s) e^(-Ls) / (s + 1)^3",
            "u -> y",
            "Astrom & Hagglund's PID test batch",
        ),
        (
            "integrating",
            "K e^(-Ls) / (s (T s + 1))",
            "u -> y",
            "integrating process with lag and dead time (Skogestad 2003)",
        ),
        (
            "lightly_damped",
            "e^(-Ls) / ((s + 1)(s^2 + 2 zeta s + 1))",
            "u -> y",
            "Astrom & Hagglund's PID test batch",
        ),
        (
            "dc_motor",
            "J w' = K i - b w - Tc tanh(w/0.01); L i' = V - R i - K w; theta' = w",
            "voltage V (V, limited) -> speed (rad/s) or angle (rad)",
            "U. Michigan CTMS, DC Motor Speed: System Modeling",
        ),
        (
            "water_tank",
            "A H' = b V - a sqrt(H), H >= 0",
            "pump voltage V >= 0 (V) -> level H (m)",
            "MATLAB/Simulink watertank example",
        ),
        (
            "cart_pole",
            "Gym CartPole equations (Barto, Sutton & Anderson 1983)",
            "force (N, limited) -> pole angle (rad); fails at |x| > 2.4 m or |theta| > 12 deg",
            "OpenAI Gym CartPole parameters",
        ),
        (
            "ball_and_beam",
            "(J/R^2 + m) r'' = -m g sin(d theta / L)",
            "gear angle theta (rad, limited) -> ball position r (m); fails off the beam",
            "U. Michigan CTMS, Ball & Beam: System Modeling",
        ),
        (
            "thermal",
            "C T' = P clamp(u, 0, 1) - (T - T_amb)/R, dead time L",
            "heater fraction u in [0, 1] -> temperature T (degC)",
            "lumped-capacity heater, tau = R C = 200 s",
        ),
    ];
    entries
        .into_iter()
        .map(|(name, equation, signals, source)| PlantInfo {
            name,
            equation,
            signals,
            source,
            defaults: PlantSpec::default_for(name)
                .map(|spec| defaults_toml(&spec))
                .unwrap_or_default(),
        })
        .collect()
}

/// `key = value` lines of a spec's parameters (without the type).
fn defaults_toml(spec: &PlantSpec) -> String {
    let value = serde_json::to_value(spec).unwrap_or(serde_json::Value::Null);
    let mut lines = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, value) in map {
            if key != "type" {
                lines.push(format!("{key} = {value}"));
            }
        }
    }
    lines.join("\n")
}
