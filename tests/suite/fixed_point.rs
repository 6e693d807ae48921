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
