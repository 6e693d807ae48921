//! The fixed-point path (`fuzzy_core::fixed`) against the `f32` engine: the reference PD
//! controllers evaluated at every point of a 201 × 201 grid of input positions (40 401
//! inputs, range ends and term corners included) plus 20 000 random positions; term
//! degrees checked against the analytic bound at every position of the input range;
//! the status flags; fixed-time structure is checked on the firmware targets.

use fuzzy_core::Controller;
use fuzzy_core::fixed::{FixedController, MISSING, ONE, POSITION_ONE};
use fuzzy_core::{Status, Term};
use testkit::XorShift;
use testkit::reference::{PD_MAMDANI, PD_SUGENO};

static PD_SUGENO_Q: FixedController<2, 14, 49, 7, 1> = match FixedController::new(&PD_SUGENO) {
    Ok(f) => f,
    Err(_) => panic!("PD_SUGENO has no fixed-point form"),
};

static PD_MAMDANI_Q: FixedController<2, 14, 49, 7, 101> = match FixedController::new(&PD_MAMDANI) {
    Ok(f) => f,
    Err(_) => panic!("PD_MAMDANI has no fixed-point form"),
};

/// The f32 input at a position of `[min, max]`.
fn at(position: i32, min: f32, max: f32) -> f32 {
    (f64::from(min) + f64::from(max - min) * f64::from(position) / f64::from(POSITION_ONE)) as f32
}

/// Worst |fixed - f32| over the grid and random positions, as a fraction of the output range.
fn worst_error<const N: usize>(q: &FixedController<2, 14, 49, 7, N>, c: &Controller<'_>) -> (f64, usize) {
    let mut positions = Vec::new();
    for i in 0..=200 {
        for j in 0..=200 {
            positions.push([i * POSITION_ONE / 200, j * POSITION_ONE / 200]);
        }
    }
    let mut rng = XorShift(0x05ee_df1d);
    for _ in 0..20_000 {
        let p = |r: &mut XorShift| (r.unit() * (POSITION_ONE + 1) as f32) as i32;
        positions.push([p(&mut rng), p(&mut rng)]);
    }
    let mut worst = 0.0f64;
    let mut scratch = vec![0.0; c.scratch_len()];
    let mut reference = [0.0f32];
    for p in &positions {
        let x = [at(p[0], -1.0, 1.0), at(p[1], -1.0, 1.0)];
        let status = c.evaluate(&x, &mut scratch, &mut reference);
        let (position, q_status) = q.evaluate(p);
        assert_eq!(status, q_status, "status at {p:?}");
        let ours = q.value(position);
        let error = f64::from((ours - reference[0]).abs()) / 2.0;
        worst = worst.max(error);
    }
    (worst, positions.len())
}

#[test]
fn reference_controllers_in_fixed_point_are_within_the_bound_of_f32() {
    for (name, (worst, count)) in [
        ("pd_sugeno", worst_error(&PD_SUGENO_Q, &PD_SUGENO)),
        ("pd_mamdani", worst_error(&PD_MAMDANI_Q, &PD_MAMDANI)),
    ] {
        println!("fixed point {name}: worst error {worst:.2e} of the output range over {count} inputs");
        assert!(count >= 10_000);
        assert!(worst <= 1e-3, "{name}: {worst}");
    }
}

/// Every term degree at every position of the input range (65 537 per input) is within the
/// analytic bound of the exact degree (computed in f64 from the term's corners).
#[test]
fn term_degrees_are_within_the_analytic_bound() {
    let bound = PD_SUGENO_Q.degree_error_bound();
    assert!(bound > 1.0 && bound < 5.0, "{bound}");
    let def = PD_SUGENO.def();
    let mut worst = 0.0f64;
    for t in 0..7 {
        let term: Term = def.terms[t];
        let (a, b, c) = match term.description() {
            fuzzy_core::Membership::Triangle { a, b, c } => (f64::from(a), f64::from(b), f64::from(c)),
            other => panic!("{other:?}"),
        };
        for p in 0..=POSITION_ONE {
            let x = -1.0 + 2.0 * f64::from(p) / f64::from(POSITION_ONE);
            let rise = if b > a {
                ((x - a) / (b - a)).clamp(0.0, 1.0)
            } else {
                f64::from(u8::from(x >= a))
            };
            let fall = if c > b {
                ((c - x) / (c - b)).clamp(0.0, 1.0)
            } else {
                f64::from(u8::from(x <= c))
            };
            let exact = rise.min(fall) * f64::from(ONE);
            let fixed = f64::from(PD_SUGENO_Q.degree(t, p));
            worst = worst.max((fixed - exact).abs());
        }
    }
    println!("term degrees: worst {worst:.2} LSB (Q15), bound {bound:.2}");
    assert!(worst <= f64::from(bound), "{worst} > {bound}");
}

#[test]
fn out_of_range_missing_and_no_rule_fired_set_the_status() {
    let (p, s) = PD_SUGENO_Q.evaluate(&[-5, POSITION_ONE + 7]);
    assert_eq!(s, Status::INPUT_OUT_OF_RANGE);
    assert_eq!(p, PD_SUGENO_Q.evaluate(&[0, POSITION_ONE]).0);
    let (p, s) = PD_MAMDANI_Q.evaluate(&[MISSING, 0]);
    assert!(
        s.contains(Status::NAN_INPUT) && s.contains(Status::FALLBACK),
        "{s:?}"
    );
    assert_eq!(p, (POSITION_ONE / 2) as u32);
    // The centre of the table: output 0 = position 32768 exactly.
    assert_eq!(
        PD_MAMDANI_Q.evaluate(&[POSITION_ONE / 2, POSITION_ONE / 2]).0,
        32768
    );
    assert_eq!(
        PD_SUGENO_Q.evaluate(&[POSITION_ONE / 2, POSITION_ONE / 2]).0,
        32768
    );
}

// ---- The fuzzy PD / PI / PD + I / PID structures in fixed point (`FixedPid`) ----

use fuzzy_core::fixed::{FixedPid, FixedPidError, SIGNAL_ONE};
use fuzzy_core::{AntiWindup, DerivativeOn, FuzzyPid, FuzzyPidConfig, Structure};

type FixedPd = FixedPid<14, 49, 7, 101>;

fn config(structure: Structure, anti_windup: AntiWindup) -> FuzzyPidConfig {
    FuzzyPidConfig {
        error_gain: 1.0,
        rate_gain: 0.1,
        output_gain: 12.0,
        integral_gain: 4.0,
        derivative_on: DerivativeOn::Measurement,
        derivative_filter_s: 0.02,
        // Tighter than Ku: the output saturates, and the rate limit cuts steps.
        output_min: -8.0,
        output_max: 8.0,
        rate_limit: 400.0,
        anti_windup,
        ..FuzzyPidConfig::new(structure, 0.01)
    }
}

/// A motor position servo (the firmware demo's plant, forward Euler at 1 ms substeps).
struct Motor {
    angle: f64,
    speed: f64,
}

impl Motor {
    fn advance(&mut self, volts: f64) {
        for _ in 0..10 {
            self.angle += 0.001 * self.speed;
            self.speed += 0.001 * (2.0 * volts - self.speed) / 0.1;
        }
    }
}

/// Runs the `f32` controller in a closed loop (setpoint steps, a load that needs integral
/// action, two sensor failures) and feeds the fixed-point controller the same measurements,
/// rounded to Q16.16 for both. Returns the worst output difference as a fraction of the
/// output range and the number of ticks.
fn open_loop_difference(pid: &FuzzyPid<'_>) -> (f64, usize) {
    let fixed = FixedPd::new(pid).expect("a fixed-point form");
    let mut state = pid.state_with(vec![0.0; pid.engine().scratch_len()]).unwrap();
    let mut q_state = fixed.state();
    let mut motor = Motor {
        angle: 0.0,
        speed: 0.0,
    };
    let mut worst = 0.0f64;
    let ticks = 3000;
    for k in 0..ticks {
        let setpoint = match k / 500 {
            0 | 3 => 1.0,
            1 | 4 => -0.5,
            _ => 0.25,
        };
        let q_setpoint = FixedPd::signal(setpoint);
        let q_measurement = match k {
            1200 | 1201 => fuzzy_core::fixed::MISSING,
            _ => FixedPd::signal(motor.angle as f32),
        };
        let measurement = match q_measurement {
            fuzzy_core::fixed::MISSING => f32::NAN,
            q => FixedPd::signal_value(q),
        };
        let control = pid.step(&mut state, FixedPd::signal_value(q_setpoint), measurement);
        let q_control = fixed.step(&mut q_state, q_setpoint, q_measurement);
        assert_eq!(control.status, q_control.status, "status at tick {k}");
        let difference = f64::from((control.output - FixedPd::signal_value(q_control.output)).abs());
        worst = worst.max(difference / 24.0);
        // A constant load torque (−1 V equivalent) that only integral action removes.
        motor.advance(f64::from(control.output) - 1.0);
    }
    (worst, ticks)
}

#[test]
fn fixed_point_structures_follow_the_f32_structures() {
    let cases = [
        (Structure::Pd, AntiWindup::Clamping, 2e-4),
        (Structure::Pi, AntiWindup::Clamping, 1e-3),
        (Structure::PdPlusI, AntiWindup::Clamping, 1e-3),
        (Structure::Pid, AntiWindup::Clamping, 1e-3),
        (Structure::Pid, AntiWindup::None, 1e-3),
        (
            Structure::Pid,
            AntiWindup::BackCalculation {
                tracking_time_s: 0.05,
            },
            1e-3,
        ),
    ];
    for (structure, anti_windup, bound) in cases {
        let pid = FuzzyPid::new(PD_MAMDANI, config(structure, anti_windup)).unwrap();
        let (worst, ticks) = open_loop_difference(&pid);
        println!(
            "{structure:?} {anti_windup:?}: worst |fixed - f32| = {worst:.2e} of the output range over {ticks} ticks"
        );
        assert!(
            worst <= bound,
            "{structure:?} {anti_windup:?}: {worst:.2e} > {bound:.0e}"
        );
    }
}

/// The module docs' 2×2 Sugeno engine, `F(e, d) = (e + d) / 2` exactly, checked by hand.
#[test]
fn fixed_point_pd_step_by_hand() {
    use fuzzy_core::{
        ControllerDef, Defuzzifier, Inference, InputVariable, OutputVariable, Rule, SNorm, TNorm, TermRange,
        rule_slots, table_len, tables,
    };
    const TERMS: [Term; 8] = [
        Term::triangle(-1.0, -1.0, 1.0),
        Term::triangle(-1.0, 1.0, 1.0),
        Term::triangle(-1.0, -1.0, 1.0),
        Term::triangle(-1.0, 1.0, 1.0),
        Term::constant(-1.0),
        Term::constant(0.0),
        Term::constant(0.0),
        Term::constant(1.0),
    ];
    const INPUTS: [InputVariable; 2] = [
        InputVariable::new(-1.0, 1.0, TermRange::new(0, 2)),
        InputVariable::new(-1.0, 1.0, TermRange::new(2, 2)),
    ];
    const OUTPUTS: [OutputVariable; 1] = [OutputVariable::new(
        -1.0,
        1.0,
        TermRange::new(4, 4),
        Defuzzifier::WeightedAverage,
    )];
    const RULES: [Rule; 4] = [Rule::AND; 4];
    const TABLE: [i8; 12] = [1, 1, 1, 1, 2, 2, 2, 1, 3, 2, 2, 4];
    const SLOTS: [u16; 12] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE, &[]);
    const TABLES: [f32; table_len(Inference::Sugeno, &INPUTS, 1, &TERMS, 4)] =
        tables(Inference::Sugeno, &INPUTS, &OUTPUTS, &TERMS, &TABLE);
    let engine = Controller::new(ControllerDef {
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
    })
    .unwrap();
    let pid = FuzzyPid::new(
        engine,
        FuzzyPidConfig {
            error_gain: 1.0,
            rate_gain: 0.1,
            output_gain: 4.0,
            output_min: -2.0,
            output_max: 2.0,
            ..FuzzyPidConfig::new(Structure::Pd, 0.01)
        },
    )
    .unwrap();
    let fixed = FixedPid::<4, 4, 4, 1>::new(&pid).unwrap();
    let mut state = fixed.state();
    let lsb = 1.0 / f64::from(SIGNAL_ONE);
    let volts = |q: i32| f64::from(q) * lsb;
    // Tick 1: e = 0.5, no previous sample: u = 4 · (0.5 + 0) / 2 = 1.
    let control = fixed.step(&mut state, SIGNAL_ONE / 2, 0);
    assert!((volts(control.output) - 1.0).abs() <= 2.0 * lsb, "{control:?}");
    assert_eq!(control.inputs, [3 * POSITION_ONE / 4, POSITION_ONE / 2]);
    // Tick 2: e = 0.49, rate on measurement −0.01 / 0.01 s = −1, scaled −0.1:
    // u = 4 · (0.49 − 0.1) / 2 = 0.78 (0.01 is not a Q16.16 number: 655 LSB is used).
    let control = fixed.step(&mut state, SIGNAL_ONE / 2, 655);
    let e = 0.5 - 655.0 * lsb;
    let expected = 4.0 * (e - 0.1 * (655.0 * lsb) / 0.01) / 2.0;
    // One output position is Ku · 2 / 2^16 = 1.2e-4 V: within two of them (rounding, degrees).
    let position = 4.0 * 2.0 / f64::from(POSITION_ONE);
    assert!(
        (volts(control.output) - expected).abs() <= 2.0 * position,
        "{} vs {expected}",
        volts(control.output)
    );
    assert!(control.status.is_ok() && !control.saturated && !control.rate_limited);
    // A large error saturates at the limit; the output never leaves [−2, 2].
    for (setpoint, measurement) in [(i32::MAX, i32::MIN + 1), (i32::MIN + 1, i32::MAX), (0, 1)] {
        let control = fixed.step(&mut state, setpoint, measurement);
        assert!(control.output.abs() <= 2 * SIGNAL_ONE, "{control:?}");
    }
    let control = fixed.step(&mut state, i32::MAX, i32::MIN + 1);
    assert!(
        control.saturated && control.output == 2 * SIGNAL_ONE,
        "{control:?}"
    );
}

#[test]
fn fixed_point_missing_measurement_holds_the_output() {
    let pid = FuzzyPid::new(PD_MAMDANI, config(Structure::Pid, AntiWindup::Clamping)).unwrap();
    let fixed = FixedPd::new(&pid).unwrap();
    let mut state = fixed.state();
    for k in 0..20 {
        fixed.step(&mut state, SIGNAL_ONE, k * 100);
    }
    let before = state;
    let control = fixed.step(&mut state, SIGNAL_ONE, MISSING);
    assert!(
        control.status.contains(Status::INVALID_MEASUREMENT),
        "{control:?}"
    );
    assert_eq!(control.output, before.output());
    assert_eq!(state.integral(), before.integral());
    assert_eq!(state.rate(), before.rate());
    let control = fixed.step(&mut state, MISSING, 0);
    assert!(control.status.contains(Status::INVALID_MEASUREMENT));
    assert_eq!(control.output, before.output());
}

#[test]
fn fixed_point_refuses_what_it_cannot_represent() {
    let pid = FuzzyPid::new(PD_MAMDANI, config(Structure::Pd, AntiWindup::Clamping)).unwrap();
    // Sizes that do not match the engine.
    assert!(matches!(
        FixedPid::<14, 49, 7, 100>::new(&pid),
        Err(FixedPidError::Engine(fuzzy_core::fixed::FixedError::Sizes))
    ));
    // Output limits beyond the Q16.16 range.
    let wide = FuzzyPid::new(
        PD_MAMDANI,
        FuzzyPidConfig {
            output_min: -40_000.0,
            ..config(Structure::Pd, AntiWindup::Clamping)
        },
    )
    .unwrap();
    assert_eq!(
        FixedPd::new(&wide),
        Err(FixedPidError::Range(fuzzy_core::Parameter::OutputLimits))
    );
    // The plan's item functions answer outside the sizes without panicking.
    use fuzzy_core::fixed::{FixedError, FixedPlan};
    let plan = FixedPlan::new(&PD_MAMDANI).unwrap();
    assert_eq!(
        (
            plan.inputs,
            plan.input_terms,
            plan.rules,
            plan.output_terms,
            plan.samples
        ),
        (2, 14, 49, 7, 101)
    );
    assert!(plan.plain);
    assert_eq!(plan.edges(&PD_MAMDANI, 14), Err(FixedError::Sizes));
    assert_eq!(plan.rule(&PD_MAMDANI, 49), Err(FixedError::Sizes));
    assert_eq!(plan.sample(&PD_MAMDANI, 7, 0), 0);
    assert_eq!(plan.condition(&PD_MAMDANI, 49, 0).keep, 0);
    // Errors name what is refused.
    assert_eq!(
        FixedError::InputShape { input: 0, term: 2 }.to_string(),
        "input 1 term 3: fixed point supports triangles and trapezoids (shoulders included)"
    );
}
