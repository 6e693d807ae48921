//! The fuzzy PD / PI / PD + I / PID / gain-scheduled PID wrapper: each behaviour against
//! hand-computed values.

use fuzzy_core::{
    AntiWindup, ConfigError, Controller, DerivativeOn, FuzzyPid, FuzzyPidConfig, FuzzyPidState, Parameter,
    Status, Structure,
};
use proptest::prelude::*;
use testkit::reference::{MIXED, PD_MAMDANI, PD_SUGENO};

use crate::util::{assert_close, evaluate};

const N: usize = PD_MAMDANI.scratch_len();

fn controller(
    engine: Controller<'static>,
    config: FuzzyPidConfig,
) -> (FuzzyPid<'static>, FuzzyPidState<[f32; N]>) {
    let pid = FuzzyPid::new(engine, config).unwrap();
    let state = pid.state::<N>().unwrap();
    (pid, state)
}

/// A controller built at compile time, as firmware does.
static STATIC_PD: FuzzyPid<'static> = match FuzzyPid::new(
    PD_MAMDANI,
    FuzzyPidConfig {
        output_gain: 2.0,
        output_min: -2.0,
        output_max: 2.0,
        ..FuzzyPidConfig::new(Structure::Pd, 0.01)
    },
) {
    Ok(pid) => pid,
    Err(_) => panic!("invalid controller"),
};

#[test]
fn pd_output_is_gain_times_engine_output() {
    // Hand value from the crate README: u(1/3, 0) = 0.333469 for the 7×7 PD engine.
    let mut state = STATIC_PD.state::<N>().unwrap();
    let out = STATIC_PD.step(&mut state, 1.0 / 3.0, 0.0);
    assert_eq!(out.rate_input, 0.0, "no previous sample: rate 0");
    assert_close(out.fuzzy, 0.333469, 1e-6);
    assert_close(out.output, 2.0 * 0.333469, 2e-6);
    assert!(!out.saturated && out.status.is_ok());
    // Second step: the measurement moved by 0.01 in 0.01 s, rate −1 on measurement.
    let out = STATIC_PD.step(&mut state, 1.0 / 3.0, 0.01);
    assert_close(out.rate_input, -1.0, 1e-5);
    let (engine, _) = evaluate(&PD_MAMDANI, &[out.error_input, out.rate_input]);
    assert_eq!(out.fuzzy, engine[0]);
    assert_eq!(out.output, 2.0 * engine[0]);
}

#[test]
fn scaling_gains_reach_the_engine_inputs() {
    let config = FuzzyPidConfig {
        error_gain: 0.5,
        rate_gain: 0.1,
        derivative_on: DerivativeOn::Error,
        ..FuzzyPidConfig::new(Structure::Pd, 0.1)
    };
    let (pid, mut state) = controller(PD_MAMDANI, config);
    pid.step(&mut state, 1.0, 0.0);
    let out = pid.step(&mut state, 1.0, 0.5);
    assert_eq!(out.error, 0.5);
    assert_eq!(out.error_input, 0.25);
    // ė = (0.5 − 1) / 0.1 = −5, times 0.1.
    assert_close(out.rate_input, -0.5, 1e-6);
}

#[test]
fn derivative_on_measurement_ignores_setpoint_steps() {
    let base = FuzzyPidConfig::new(Structure::Pd, 0.1);
    for (on, expected) in [(DerivativeOn::Measurement, 0.0), (DerivativeOn::Error, 0.5 / 0.1)] {
        let (pid, mut state) = controller(
            PD_MAMDANI,
            FuzzyPidConfig {
                derivative_on: on,
                ..base
            },
        );
        pid.step(&mut state, 0.0, 0.0);
        let out = pid.step(&mut state, 0.5, 0.0);
        assert_close(out.rate_input, expected, 1e-5);
    }
}

#[test]
fn rate_filter_step_response_is_first_order() {
    // Ts = 0.01, Tf = 0.04: a = 0.8. A measurement step of 0.001 gives a raw rate of −0.1
    // once; the filtered rate is −0.1·(1 − a)·a^k.
    let config = FuzzyPidConfig {
        derivative_filter_s: 0.04,
        ..FuzzyPidConfig::new(Structure::Pd, 0.01)
    };
    let (pid, mut state) = controller(PD_MAMDANI, config);
    pid.step(&mut state, 0.0, 0.0);
    for k in 0..20 {
        let out = pid.step(&mut state, 0.0, 0.001);
        let expected = -0.1 * 0.2 * 0.8f64.powi(k);
        assert_close(out.rate_input, expected, 1e-6 * expected.abs() + 1e-9);
    }
}

#[test]
fn output_saturates_and_reports_it() {
    let config = FuzzyPidConfig {
        output_gain: 10.0,
        output_min: -2.0,
        output_max: 3.0,
        ..FuzzyPidConfig::new(Structure::Pd, 0.01)
    };
    let (pid, mut state) = controller(PD_MAMDANI, config);
    let out = pid.step(&mut state, 1.0, 0.0);
    assert!(out.unsaturated > 3.0 && out.saturated);
    assert_eq!(out.output, 3.0);
    let out = pid.step(&mut state, -1.0, 0.0);
    assert!(out.unsaturated < -2.0 && out.saturated);
    assert_eq!(out.output, -2.0);
}

/// Incremental PI driven into the upper limit by a constant error, then the error reverses.
fn windup_run(anti_windup: AntiWindup) -> (Vec<f32>, Vec<f32>) {
    let config = FuzzyPidConfig {
        output_gain: 10.0,
        anti_windup,
        ..FuzzyPidConfig::new(Structure::Pi, 0.01)
    };
    let (pid, mut state) = controller(PD_SUGENO, config);
    let mut outputs = Vec::new();
    let mut integrals = Vec::new();
    for k in 0..200 {
        let setpoint = if k < 100 { 1.0 } else { -0.2 };
        let out = pid.step(&mut state, setpoint, 0.0);
        outputs.push(out.output);
        integrals.push(out.integral);
    }
    (outputs, integrals)
}

#[test]
fn clamping_freezes_the_integrator_at_saturation() {
    let (outputs, integrals) = windup_run(AntiWindup::Clamping);
    // F(1, 0) = 1 with the Sugeno table: u grows by Ku·Ts·F = 0.1 per step up to the limit.
    assert_close(outputs[4], 0.5, 1e-6);
    assert_eq!(outputs[99], 1.0);
    let frozen = integrals[20];
    assert!(
        integrals[20..100].iter().all(|&i| i == frozen),
        "integrator moved while saturated"
    );
    assert!(frozen <= 1.0 + 0.1, "integrator wound up to {frozen}");
    // The reversed error leaves the limit at once.
    assert!(outputs[100] < 1.0);
}

#[test]
fn without_anti_windup_the_integrator_winds_up() {
    let (outputs, integrals) = windup_run(AntiWindup::None);
    assert_close(integrals[99], 10.0, 1e-4);
    assert_eq!(outputs[99], 1.0);
    // Still saturated 10 steps after the error reversed: winding down takes time.
    assert_eq!(outputs[110], 1.0);
}

#[test]
fn back_calculation_with_tracking_time_ts_tracks_the_output() {
    let (outputs, integrals) = windup_run(AntiWindup::BackCalculation {
        tracking_time_s: 0.01,
    });
    for (u, i) in outputs.iter().zip(&integrals) {
        assert_close(*i, f64::from(*u), 1e-6);
    }
    assert!(outputs[100] < 1.0);
}

#[test]
fn pd_plus_i_integrates_the_error() {
    let config = FuzzyPidConfig {
        integral_gain: 2.0,
        output_min: -100.0,
        output_max: 100.0,
        ..FuzzyPidConfig::new(Structure::PdPlusI, 0.1)
    };
    let (pid, mut state) = controller(PD_SUGENO, config);
    let mut out = pid.step(&mut state, 0.5, 0.0);
    for _ in 1..10 {
        out = pid.step(&mut state, 0.5, 0.0);
    }
    // Σ Ki·e·Ts over 10 steps = 10 · 2 · 0.5 · 0.1 = 1.
    assert_close(out.integral, 1.0, 1e-5);
    assert_close(out.output, f64::from(out.proportional) + 1.0, 1e-5);
}

#[test]
fn pid_structure_feeds_the_fuzzy_output_to_both_branches() {
    // MATLAB's fuzzy PID: u = C1·F + C0·∫F dt with C1 = Ku = 2, C0 = Ki = 3.
    let config = FuzzyPidConfig {
        output_gain: 2.0,
        integral_gain: 3.0,
        output_min: -100.0,
        output_max: 100.0,
        ..FuzzyPidConfig::new(Structure::Pid, 0.1)
    };
    let (pid, mut state) = controller(PD_SUGENO, config);
    let mut out = pid.step(&mut state, 0.5, 0.0);
    let fuzzy = f64::from(out.fuzzy);
    assert!(fuzzy > 0.0);
    // First step: 2·F + 3·F·0.1.
    assert_close(out.output, 2.3 * fuzzy, 1e-6);
    for _ in 1..10 {
        out = pid.step(&mut state, 0.5, 0.0);
    }
    // Constant error, no rate: F is the same every step; Σ C0·F·Ts over 10 steps = 3·F.
    assert_eq!(f64::from(out.fuzzy), fuzzy);
    assert_close(out.integral, 3.0 * fuzzy, 1e-5);
    assert_close(out.proportional, 2.0 * fuzzy, 1e-6);
    assert_close(out.output, 5.0 * fuzzy, 1e-5);
    assert!(Structure::Pid.uses_integral_gain() && !Structure::Pi.uses_integral_gain());
}

#[test]
fn rate_limit_bounds_each_change() {
    let config = FuzzyPidConfig {
        output_gain: 5.0,
        output_min: -5.0,
        output_max: 5.0,
        rate_limit: 20.0,
        ..FuzzyPidConfig::new(Structure::Pd, 0.01)
    };
    let (pid, mut state) = controller(PD_SUGENO, config);
    // Target 5·F(1, 0) = 5; the output ramps by 20·0.01 = 0.2 per step.
    for k in 1..=26 {
        let out = pid.step(&mut state, 1.0, 0.0);
        assert_close(out.output, (0.2 * k as f64).min(5.0), 1e-5);
        if k != 25 {
            // (At k = 25 the ramp meets the target up to rounding.)
            assert_eq!(out.rate_limited, k < 25, "step {k}");
        }
    }
}

#[test]
fn reset_gives_a_bumpless_start() {
    for structure in [Structure::Pd, Structure::Pi, Structure::PdPlusI, Structure::Pid] {
        let config = FuzzyPidConfig {
            output_gain: 3.0,
            integral_gain: 1.0,
            output_min: -10.0,
            output_max: 10.0,
            derivative_filter_s: 0.05,
            ..FuzzyPidConfig::new(structure, 0.01)
        };
        let (pid, mut state) = controller(PD_MAMDANI, config);
        for k in 0..30 {
            pid.step(&mut state, 1.0, k as f32 * 0.02);
        }
        pid.reset(&mut state, 4.0, 0.4, 0.1);
        assert_eq!(state.output(), 4.0);
        assert_eq!(state.rate(), 0.0);
        let out = pid.step(&mut state, 0.4, 0.1);
        let expected = match structure {
            // One integral increment Ki·e·Ts = 0.003 on top.
            Structure::PdPlusI => 4.003,
            // The incremental PI adds Ku·Ts·F(0.3, 0).
            Structure::Pi => 4.0 + 0.03 * f64::from(out.fuzzy),
            Structure::Pd => 4.0,
            // The fuzzy PID adds one increment Ki·Ts·F(0.3, 0).
            Structure::Pid => 4.0 + 0.01 * f64::from(out.fuzzy),
            // (A 1-output engine cannot drive the gain-scheduled PID; tested separately.)
            Structure::GainScheduled => unreachable!(),
        };
        assert_close(out.output, expected, 2e-6);
        assert_eq!(
            out.rate_input, 0.0,
            "{structure:?}: reset forgets the previous sample"
        );
    }
}

#[test]
fn invalid_measurement_holds_the_output_and_the_state() {
    let config = FuzzyPidConfig {
        integral_gain: 1.0,
        ..FuzzyPidConfig::new(Structure::PdPlusI, 0.01)
    };
    let (pid, mut state) = controller(PD_MAMDANI, config);
    pid.step(&mut state, 0.5, 0.0);
    let held = pid.step(&mut state, 0.5, 0.1);
    let before = state.clone();
    for (setpoint, measurement) in [
        (0.5, f32::NAN),
        (0.5, f32::INFINITY),
        (f32::NEG_INFINITY, 0.0),
        (f32::NAN, f32::NAN),
    ] {
        let out = pid.step(&mut state, setpoint, measurement);
        assert_eq!(out.output, held.output);
        assert!(out.status.contains(Status::INVALID_MEASUREMENT));
        assert_eq!(state, before, "state changed by an invalid sample");
    }
    // The next valid sample continues as if the invalid ones never happened.
    let mut reference = before.clone();
    let expected = pid.step(&mut reference, 0.5, 0.12);
    assert_eq!(pid.step(&mut state, 0.5, 0.12), expected);
}

#[test]
fn invalid_configurations_name_the_parameter() {
    let base = FuzzyPidConfig::new(Structure::PdPlusI, 0.01);
    let cases = [
        (
            FuzzyPidConfig {
                sample_time_s: 0.0,
                ..base
            },
            Parameter::SampleTime,
        ),
        (
            FuzzyPidConfig {
                error_gain: f32::NAN,
                ..base
            },
            Parameter::ErrorGain,
        ),
        (
            FuzzyPidConfig {
                rate_gain: f32::INFINITY,
                ..base
            },
            Parameter::RateGain,
        ),
        (
            FuzzyPidConfig {
                output_gain: f32::NAN,
                ..base
            },
            Parameter::OutputGain,
        ),
        (
            FuzzyPidConfig {
                integral_gain: f32::NAN,
                ..base
            },
            Parameter::IntegralGain,
        ),
        (
            FuzzyPidConfig {
                derivative_filter_s: -1.0,
                ..base
            },
            Parameter::DerivativeFilter,
        ),
        (
            FuzzyPidConfig {
                output_min: 1.0,
                ..base
            },
            Parameter::OutputLimits,
        ),
        (
            FuzzyPidConfig {
                output_max: f32::INFINITY,
                ..base
            },
            Parameter::OutputLimits,
        ),
        (
            FuzzyPidConfig {
                rate_limit: 0.0,
                ..base
            },
            Parameter::RateLimit,
        ),
        (
            FuzzyPidConfig {
                anti_windup: AntiWindup::BackCalculation { tracking_time_s: 0.0 },
                ..base
            },
            Parameter::TrackingTime,
        ),
    ];
    for (config, parameter) in cases {
        let error = FuzzyPid::new(PD_MAMDANI, config).unwrap_err();
        assert_eq!(error, ConfigError::Invalid(parameter));
    }
    let message = FuzzyPid::new(
        PD_MAMDANI,
        FuzzyPidConfig {
            rate_limit: -1.0,
            ..base
        },
    )
    .unwrap_err()
    .to_string();
    assert_eq!(message, "rate_limit must be > 0 (infinity for no limit)");
    assert_eq!(
        FuzzyPid::new(MIXED, base).unwrap_err(),
        ConfigError::EngineShape {
            inputs: 3,
            outputs: 4,
            needed_outputs: 1
        }
    );
    // The gain-scheduled PID needs three outputs (Kp, Ki and Kd factors).
    let scheduled = FuzzyPidConfig {
        structure: Structure::GainScheduled,
        ..base
    };
    let error = FuzzyPid::new(PD_MAMDANI, scheduled).unwrap_err();
    assert_eq!(
        error,
        ConfigError::EngineShape {
            inputs: 2,
            outputs: 1,
            needed_outputs: 3
        }
    );
    assert!(
        error
            .to_string()
            .contains("gain-scheduled PID needs an engine with 2 inputs")
    );
    let error = FuzzyPid::new(
        PD_MAMDANI,
        FuzzyPidConfig {
            derivative_gain: f32::NAN,
            ..base
        },
    )
    .unwrap_err();
    assert_eq!(error, ConfigError::Invalid(Parameter::DerivativeGain));
    let pid = FuzzyPid::new(PD_MAMDANI, base).unwrap();
    assert_eq!(
        pid.state::<4>().unwrap_err(),
        ConfigError::ScratchTooSmall { needed: N }
    );
}

fn any_sample() -> impl Strategy<Value = f32> {
    prop_oneof![
        8 => -3.0f32..3.0,
        1 => Just(f32::NAN),
        1 => prop_oneof![Just(f32::INFINITY), Just(f32::NEG_INFINITY), Just(f32::MAX), Just(-f32::MAX)],
    ]
}

fn any_structure() -> impl Strategy<Value = Structure> {
    prop_oneof![
        Just(Structure::Pd),
        Just(Structure::Pi),
        Just(Structure::PdPlusI),
        Just(Structure::Pid)
    ]
}

fn any_anti_windup() -> impl Strategy<Value = AntiWindup> {
    prop_oneof![
        Just(AntiWindup::None),
        Just(AntiWindup::Clamping),
        (0.001f32..1.0).prop_map(|tracking_time_s| AntiWindup::BackCalculation { tracking_time_s }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn output_stays_within_limits_for_any_input(
        structure in any_structure(),
        anti_windup in any_anti_windup(),
        gains in prop::array::uniform4(-1e3f32..1e3),
        limits in (-10.0f32..10.0, 0.01f32..20.0),
        rate_limit in prop_oneof![Just(f32::INFINITY), 0.1f32..100.0],
        filter in 0.0f32..0.5,
        samples in prop::collection::vec((any_sample(), any_sample()), 1..60),
        sugeno in any::<bool>(),
    ) {
        let (lo, width) = limits;
        let config = FuzzyPidConfig {
            error_gain: gains[0],
            rate_gain: gains[1],
            output_gain: gains[2],
            integral_gain: gains[3],
            output_min: lo,
            output_max: lo + width,
            rate_limit,
            derivative_filter_s: filter,
            anti_windup,
            ..FuzzyPidConfig::new(structure, 0.01)
        };
        let engine = if sugeno { PD_SUGENO } else { PD_MAMDANI };
        let (pid, mut state) = controller(engine, config);
        let mut previous = state.output();
        for (setpoint, measurement) in samples {
            let out = pid.step(&mut state, setpoint, measurement);
            prop_assert!(out.output >= lo && out.output <= lo + width, "{out:?}");
            prop_assert!((out.output - previous).abs() <= rate_limit * 0.01 * 1.0001 + 1e-6, "{out:?}");
            prop_assert!(state.integral().is_finite() && state.rate().is_finite());
            previous = out.output;
        }
    }
}

#[test]
fn a_heap_scratch_gives_the_same_steps_as_an_array() {
    let config = FuzzyPidConfig {
        integral_gain: 0.5,
        derivative_filter_s: 0.03,
        ..FuzzyPidConfig::new(Structure::PdPlusI, 0.01)
    };
    let (pid, mut array_state) = controller(PD_MAMDANI, config);
    let mut vec_state = pid.state_with(vec![0.0f32; PD_MAMDANI.scratch_len()]).unwrap();
    for k in 0..50 {
        let measurement = (k as f32 * 0.1).sin();
        assert_eq!(
            pid.step(&mut array_state, 0.3, measurement),
            pid.step(&mut vec_state, 0.3, measurement)
        );
    }
    assert_eq!(
        pid.state_with(vec![0.0f32; 3]).unwrap_err(),
        ConfigError::ScratchTooSmall { needed: N }
    );
}

/// A 2-input, 3-output Sugeno engine for the gain-scheduled PID, checkable by hand on
/// `[-1, 1]²` (ramps `N = (1 − x)/2`, `P = (1 + x)/2`, product AND): `kp = (x + y)/2`,
/// `ki = 0.5` and `kd = −0.5` everywhere.
mod scheduled {
    use fuzzy_core::*;

    const TERMS: [Term; 10] = [
        Term::triangle(-1.0, -1.0, 1.0),
        Term::triangle(-1.0, 1.0, 1.0), // e: N P
        Term::triangle(-1.0, -1.0, 1.0),
        Term::triangle(-1.0, 1.0, 1.0), // de: N P
        Term::constant(-1.0),
        Term::constant(0.0),
        Term::constant(0.0),
        Term::constant(1.0),  // kp
        Term::constant(0.5),  // ki
        Term::constant(-0.5), // kd
    ];
    const INPUTS: [InputVariable; 2] = [
        InputVariable::new(-1.0, 1.0, TermRange::new(0, 2)),
        InputVariable::new(-1.0, 1.0, TermRange::new(2, 2)),
    ];
    const OUTPUTS: [OutputVariable; 3] = [
        OutputVariable::new(-1.0, 1.0, TermRange::new(4, 4), Defuzzifier::WeightedAverage),
        OutputVariable::new(-1.0, 1.0, TermRange::new(8, 1), Defuzzifier::WeightedAverage),
        OutputVariable::new(-1.0, 1.0, TermRange::new(9, 1), Defuzzifier::WeightedAverage),
    ];
    const RULES: [Rule; 4] = [Rule::AND; 4];
    // Per rule: e term, de term, kp term, ki term, kd term.
    const TABLE: [i8; 20] = [1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 1, 3, 1, 1, 2, 2, 4, 1, 1];
    const SLOTS: [u16; 20] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE, &[]);
    const TABLES: [f32; table_len(Inference::Sugeno, &INPUTS, 3, &TERMS, 4)] =
        tables(Inference::Sugeno, &INPUTS, &OUTPUTS, &TERMS, &TABLE);

    pub const ENGINE: Controller<'static> = match Controller::new(ControllerDef {
        inference: Inference::Sugeno,
        and: TNorm::Product,
        or: SNorm::Maximum,
        inputs: &INPUTS,
        outputs: &OUTPUTS,
        terms: &TERMS,
        params: &[],
        rules: &RULES,
        rule_terms: &TABLE,
        hedged: &[],
        rule_slots: &SLOTS,
        samples: &[],
        tables: &TABLES,
    }) {
        Ok(engine) => engine,
        Err(_) => panic!("invalid engine"),
    };
}

const SCHEDULED_N: usize = scheduled::ENGINE.scratch_len();

fn scheduled_config() -> FuzzyPidConfig {
    FuzzyPidConfig {
        error_gain: 1.0,
        rate_gain: 0.1,
        output_gain: 2.0,     // base Kp
        integral_gain: 4.0,   // base Ki
        derivative_gain: 0.3, // base Kd
        output_min: -100.0,
        output_max: 100.0,
        ..FuzzyPidConfig::new(Structure::GainScheduled, 0.1)
    }
}

#[test]
fn gain_scheduled_pid_scales_each_gain_by_its_factor() {
    let pid = FuzzyPid::new(scheduled::ENGINE, scheduled_config()).unwrap();
    let mut state = pid.state::<SCHEDULED_N>().unwrap();
    // Tick 1: e = 0.5, no rate: kp = 0.25, ki = 0.5, kd = −0.5.
    // P = 2·1.25·0.5 = 1.25, D = 0, I = 4·1.5·0.5·0.1 = 0.3: u = 1.55.
    let out = pid.step(&mut state, 0.5, 0.0);
    assert_close(out.fuzzy, 0.25, 1e-6);
    assert_close(out.proportional, 1.25, 1e-6);
    assert_close(out.integral, 0.3, 1e-6);
    assert_close(out.output, 1.55, 1e-6);
    // Tick 2: e = 0.4, rate on measurement −0.1/0.1 = −1 (engine input −0.1): kp = 0.15.
    // P = 2·1.15·0.4 = 0.92, D = 0.3·0.5·(−1) = −0.15, I = 0.3 + 4·1.5·0.4·0.1 = 0.54.
    let out = pid.step(&mut state, 0.5, 0.1);
    assert_close(out.fuzzy, 0.15, 1e-6);
    assert_close(out.proportional, 0.77, 1e-6);
    assert_close(out.integral, 0.54, 1e-6);
    assert_close(out.output, 1.31, 1e-6);
    // A bumpless reset holds with the scheduled gains too: u = 4 + Ki·(1 + ki)·e·Ts.
    pid.reset(&mut state, 4.0, 0.4, 0.1);
    let out = pid.step(&mut state, 0.4, 0.1);
    assert_close(out.output, 4.0 + 4.0 * 1.5 * 0.3 * 0.1, 2e-6);
    // An invalid sample keeps every output of the engine and the state.
    let before = state.clone();
    let held = pid.step(&mut state, f32::NAN, 0.1);
    assert_eq!(held.output, out.output);
    assert_eq!(state, before);
}

#[test]
fn gain_scheduled_pid_with_zero_factors_is_the_pid() {
    use sim::control::{ControlLaw, Pid, PidConfig};
    // Every factor 0 on the whole input square: a 1-rule engine concluding 0 for all three.
    let spec = fuzzy_core::ControllerSpec {
        name: "zero".into(),
        inference: fuzzy_core::Inference::Sugeno,
        and: fuzzy_core::TNorm::Product,
        or: fuzzy_core::SNorm::Maximum,
        inputs: ["e", "de"]
            .iter()
            .map(|name| fuzzy_core::InputSpec {
                name: name.to_string(),
                min: -1.0,
                max: 1.0,
                out_of_range: fuzzy_core::OutOfRange::Clamp,
                terms: vec![fuzzy_core::TermSpec {
                    name: "any".into(),
                    shape: fuzzy_core::Shape::Trapezoid([-3.0, -2.0, 2.0, 3.0]),
                }],
            })
            .collect(),
        outputs: ["kp", "ki", "kd"]
            .iter()
            .map(|name| fuzzy_core::OutputSpec {
                name: name.to_string(),
                min: -1.0,
                max: 1.0,
                defuzzifier: fuzzy_core::Defuzzifier::WeightedAverage,
                sampling: fuzzy_core::Sampling::MATLAB,
                fallback: fuzzy_core::Fallback::Midpoint,
                lock_range: false,
                terms: vec![fuzzy_core::TermSpec {
                    name: "zero".into(),
                    shape: fuzzy_core::Shape::Constant(0.0),
                }],
            })
            .collect(),
        rules: vec![fuzzy_core::RuleSpec {
            antecedent: vec![1, 1],
            consequent: vec![1, 1, 1],
            weight: 1.0,
            connective: fuzzy_core::Connective::And,
            hedges: Vec::new(),
        }],
    };
    let owned = spec.compile().unwrap();
    for derivative_on in [DerivativeOn::Error, DerivativeOn::Measurement] {
        let config = FuzzyPidConfig {
            derivative_on,
            derivative_filter_s: 0.05,
            output_min: -1.5,
            output_max: 1.5,
            ..scheduled_config()
        };
        let fuzzy = FuzzyPid::new(owned.controller(), config).unwrap();
        let mut state = fuzzy
            .state_with(vec![0.0; owned.controller().scratch_len()])
            .unwrap();
        let mut pid = Pid::new(
            PidConfig {
                kp: 2.0,
                ki: 4.0,
                kd: 0.3,
                derivative_filter_s: 0.05,
                derivative_on,
                output_min: -1.5,
                output_max: 1.5,
                ..PidConfig::default()
            },
            0.1,
        );
        pid.reset();
        let mut y = 0.0f64;
        for k in 0..200 {
            let setpoint = if k < 100 { 1.0 } else { -0.5 };
            let a = fuzzy.step(&mut state, setpoint as f32, y as f32).output;
            let b = pid.step(k as f64 * 0.1, setpoint, y);
            assert_close(a, b, 1e-5);
            y += 0.1 * (f64::from(a) - y);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn gain_scheduled_output_stays_within_limits_for_any_input(
        gains in prop::array::uniform5(-1e3f32..1e3),
        limits in (-10.0f32..10.0, 0.01f32..20.0),
        rate_limit in prop_oneof![Just(f32::INFINITY), 0.1f32..100.0],
        anti_windup in any_anti_windup(),
        samples in prop::collection::vec((any_sample(), any_sample()), 1..60),
    ) {
        let (lo, width) = limits;
        let config = FuzzyPidConfig {
            error_gain: gains[0],
            rate_gain: gains[1],
            output_gain: gains[2],
            integral_gain: gains[3],
            derivative_gain: gains[4],
            output_min: lo,
            output_max: lo + width,
            rate_limit,
            anti_windup,
            ..FuzzyPidConfig::new(Structure::GainScheduled, 0.01)
        };
        let pid = FuzzyPid::new(scheduled::ENGINE, config).unwrap();
        let mut state = pid.state::<SCHEDULED_N>().unwrap();
        let mut previous = state.output();
        for (setpoint, measurement) in samples {
            let out = pid.step(&mut state, setpoint, measurement);
            prop_assert!(out.output >= lo && out.output <= lo + width, "{out:?}");
            prop_assert!((out.output - previous).abs() <= rate_limit * 0.01 * 1.0001 + 1e-6, "{out:?}");
            prop_assert!(state.integral().is_finite() && state.rate().is_finite());
            previous = out.output;
        }
    }
}
