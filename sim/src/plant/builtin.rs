//! The nonlinear built-in plants' equations (their parameters, defaults and sources are
//! documented on the structs; [`super::PlantSpec`] builds them).

use serde::{Deserialize, Serialize};

use super::nonlinear::Dynamics;

/// DC motor, armature-controlled (University of Michigan CTMS "DC Motor Speed: System
/// Modeling" parameters). States `[ω, i, θ]`:
///
/// ```text
/// J ω' = K i − b ω − Tc·tanh(ω / 0.01)     (Coulomb friction Tc, smoothed over 0.01 rad/s)
/// L i' = V − R i − K ω,   V = clamp(u, −voltage_limit, voltage_limit)
/// θ'   = ω
/// ```
///
/// Output: speed ω (rad/s) or position θ (rad).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DcMotor {
    /// `speed` or `position`
    pub output: MotorOutput,
    /// rotor inertia J, kg·m²
    pub inertia: f64,
    /// viscous friction b, N·m·s
    pub damping: f64,
    /// motor constant K (torque N·m/A = back-emf V·s/rad)
    pub motor_constant: f64,
    /// armature resistance R, Ω
    pub resistance: f64,
    /// armature inductance L, H
    pub inductance: f64,
    /// supply voltage limit, V
    pub voltage_limit: f64,
    /// Coulomb friction torque Tc, N·m (0 = none)
    pub coulomb_friction: f64,
}

/// What the DC motor's sensor measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MotorOutput {
    /// shaft speed, rad/s
    Speed,
    /// shaft angle, rad
    Position,
}

impl Default for DcMotor {
    fn default() -> Self {
        DcMotor {
            output: MotorOutput::Speed,
            inertia: 0.01,
            damping: 0.1,
            motor_constant: 0.01,
            resistance: 1.0,
            inductance: 0.5,
            voltage_limit: 12.0,
            coulomb_friction: 0.0,
        }
    }
}

impl Dynamics<3> for DcMotor {
    const NAME: &'static str = "dc_motor";

    fn derivative(&self, x: &[f64; 3], u: f64) -> [f64; 3] {
        let [speed, current, _] = *x;
        let voltage = u.clamp(-self.voltage_limit, self.voltage_limit);
        let friction = self.coulomb_friction * (speed / 0.01).tanh();
        [
            (self.motor_constant * current - self.damping * speed - friction) / self.inertia,
            (voltage - self.resistance * current - self.motor_constant * speed) / self.inductance,
            speed,
        ]
    }

    fn output(&self, x: &[f64; 3]) -> f64 {
        match self.output {
            MotorOutput::Speed => x[0],
            MotorOutput::Position => x[2],
        }
    }
}

/// Water tank with a pump and a free outlet (MATLAB's `watertank` Simulink example):
/// `A·H' = b·V − a·√H`, level `H ≥ 0` (m), pump voltage `V = max(u, 0)`. Output: `H`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaterTank {
    /// cross-section A, m²
    pub area: f64,
    /// inflow per volt b, m³/(s·V)
    pub inflow_gain: f64,
    /// outflow coefficient a, m^2.5/s
    pub outflow_coefficient: f64,
    /// initial level, m
    pub initial_level: f64,
}

impl Default for WaterTank {
    fn default() -> Self {
        WaterTank {
            area: 20.0,
            inflow_gain: 5.0,
            outflow_coefficient: 2.0,
            initial_level: 1.0,
        }
    }
}

impl Dynamics<1> for WaterTank {
    const NAME: &'static str = "water_tank";

    fn derivative(&self, x: &[f64; 1], u: f64) -> [f64; 1] {
        let level = x[0].max(0.0);
        [(self.inflow_gain * u.max(0.0) - self.outflow_coefficient * level.sqrt()) / self.area]
    }

    fn output(&self, x: &[f64; 1]) -> f64 {
        x[0]
    }

    fn project(&self, x: &mut [f64; 1]) {
        x[0] = x[0].max(0.0);
    }
}

/// Cart-pole, the full nonlinear frictionless equations of OpenAI Gym's `CartPole`
/// (Barto, Sutton & Anderson 1983, with Florian's 2007 correction), pole a uniform rod of
/// half-length `l`. States `[x, ẋ, θ, θ̇]`, θ from upright, positive when the pole leans
/// towards +x; input force `F = clamp(u, ±force_limit)` (N) on the cart:
///
/// ```text
/// temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
/// θ''  = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
/// x''  = temp − m_p l θ'' cos θ / (m_c + m_p)
/// ```
///
/// Output: θ (rad). Failure (the run stops as diverged): |x| > 2.4 m or |θ| > 12°, unless
/// `failure_limits` is false.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CartPole {
    /// gravity g, m/s²
    pub gravity: f64,
    /// cart mass m_c, kg
    pub cart_mass: f64,
    /// pole mass m_p, kg
    pub pole_mass: f64,
    /// half the pole length l, m
    pub half_length: f64,
    /// force limit, N
    pub force_limit: f64,
    /// initial angle θ0, rad
    pub initial_angle: f64,
    /// stop the run at |x| > 2.4 m or |θ| > 12°
    pub failure_limits: bool,
}

impl Default for CartPole {
    fn default() -> Self {
        CartPole {
            gravity: 9.8,
            cart_mass: 1.0,
            pole_mass: 0.1,
            half_length: 0.5,
            force_limit: 10.0,
            initial_angle: 0.05,
            failure_limits: true,
        }
    }
}

impl CartPole {
    /// Gym's position limit, m.
    pub const POSITION_LIMIT: f64 = 2.4;
    /// Gym's angle limit, rad (12°).
    pub const ANGLE_LIMIT: f64 = 12.0 * std::f64::consts::PI / 180.0;

    /// Total mechanical energy (kinetic + potential, zero at the pivot height), J: conserved
    /// without force.
    pub fn energy(&self, x: &[f64; 4]) -> f64 {
        let [_, v, theta, omega] = *x;
        let (m_c, m_p, l) = (self.cart_mass, self.pole_mass, self.half_length);
        0.5 * (m_c + m_p) * v * v
            + m_p * l * v * omega * theta.cos()
            + 0.5 * (4.0 / 3.0) * m_p * l * l * omega * omega
            + m_p * self.gravity * l * theta.cos()
    }
}

impl Dynamics<4> for CartPole {
    const NAME: &'static str = "cart_pole";

    fn derivative(&self, x: &[f64; 4], u: f64) -> [f64; 4] {
        let [_, v, theta, omega] = *x;
        let force = u.clamp(-self.force_limit, self.force_limit);
        let total = self.cart_mass + self.pole_mass;
        let (sin, cos) = theta.sin_cos();
        let temp = (force + self.pole_mass * self.half_length * omega * omega * sin) / total;
        let angular = (self.gravity * sin - cos * temp)
            / (self.half_length * (4.0 / 3.0 - self.pole_mass * cos * cos / total));
        let linear = temp - self.pole_mass * self.half_length * angular * cos / total;
        [v, linear, omega, angular]
    }

    fn output(&self, x: &[f64; 4]) -> f64 {
        x[2]
    }

    fn failed(&self, x: &[f64; 4]) -> bool {
        self.failure_limits && (x[0].abs() > Self::POSITION_LIMIT || x[2].abs() > Self::ANGLE_LIMIT)
    }
}

/// Ball and beam (CTMS "Ball & Beam: System Modeling" parameters). States `[r, ṙ]`, ball
/// position `r` from the beam's centre (m); input: servo gear angle θ (rad, clamped to
/// ±`angle_limit`), beam angle `α = (d / L)·θ` held over each sample (so `α̇ = 0` and the
/// centrifugal term `m r α̇²` vanishes):
///
/// ```text
/// (J / R² + m) r'' = −m g sin α
/// ```
///
/// Output: `r`. Failure: the ball leaves the beam, |r| > L/2.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BallAndBeam {
    /// ball mass m, kg
    pub ball_mass: f64,
    /// ball radius R, m
    pub ball_radius: f64,
    /// ball moment of inertia J, kg·m²
    pub ball_inertia: f64,
    /// lever offset d, m
    pub lever_offset: f64,
    /// beam length L, m
    pub beam_length: f64,
    /// gravity g, m/s²
    pub gravity: f64,
    /// gear angle limit, rad
    pub angle_limit: f64,
    /// initial ball position, m
    pub initial_position: f64,
}

impl Default for BallAndBeam {
    fn default() -> Self {
        BallAndBeam {
            ball_mass: 0.111,
            ball_radius: 0.015,
            ball_inertia: 9.99e-6,
            lever_offset: 0.03,
            beam_length: 1.0,
            gravity: 9.8,
            angle_limit: std::f64::consts::FRAC_PI_4,
            initial_position: 0.0,
        }
    }
}

impl Dynamics<2> for BallAndBeam {
    const NAME: &'static str = "ball_and_beam";

    fn derivative(&self, x: &[f64; 2], u: f64) -> [f64; 2] {
        let gear = u.clamp(-self.angle_limit, self.angle_limit);
        let alpha = self.lever_offset / self.beam_length * gear;
        let effective_mass = self.ball_inertia / (self.ball_radius * self.ball_radius) + self.ball_mass;
        [
            x[1],
            -self.ball_mass * self.gravity * alpha.sin() / effective_mass,
        ]
    }

    fn output(&self, x: &[f64; 2]) -> f64 {
        x[0]
    }

    fn failed(&self, x: &[f64; 2]) -> bool {
        x[0].abs() > self.beam_length / 2.0
    }
}

/// Thermal process: a lumped heat capacity with a heater and losses to ambient,
/// `C·T' = P·clamp(u, 0, 1) − (T − T_amb)/R_th`, temperature `T` (°C), heater command `u`
/// as a fraction of full power, sensor dead time `delay`. Time constant `R_th·C` (200 s by
/// default), static gain `P·R_th` (50 K at full power).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thermal {
    /// heater power at u = 1, W
    pub heater_power: f64,
    /// thermal resistance to ambient, K/W
    pub thermal_resistance: f64,
    /// heat capacity, J/K
    pub heat_capacity: f64,
    /// ambient (and initial) temperature, °C
    pub ambient: f64,
    /// dead time, s
    pub delay: f64,
}

impl Default for Thermal {
    fn default() -> Self {
        Thermal {
            heater_power: 100.0,
            thermal_resistance: 0.5,
            heat_capacity: 400.0,
            ambient: 20.0,
            delay: 10.0,
        }
    }
}

impl Dynamics<1> for Thermal {
    const NAME: &'static str = "thermal";

    fn derivative(&self, x: &[f64; 1], u: f64) -> [f64; 1] {
        let heat = self.heater_power * u.clamp(0.0, 1.0);
        [(heat - (x[0] - self.ambient) / self.thermal_resistance) / self.heat_capacity]
    }

    fn output(&self, x: &[f64; 1]) -> f64 {
        x[0]
    }
}
