//! Link-time proof that no structure's step can panic: like `no-panic`, but the structure is
//! chosen at run time (an opaque index into the PD engine under every one-output structure,
//! so the dispatch is not folded away) and a gain-scheduled PID steps a three-output engine.
//! Its panic handler calls a function defined nowhere, so the release build links only if no
//! panic is reachable. (`scripts/firmware.sh` builds it; `.ci/run` runs that script.)
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use cortex_m_rt::entry;
use firmware_cortex_m4::pd_controller::PD;
use fuzzy_core::{
    AntiWindup, Controller, ControllerDef, Defuzzifier, FuzzyPid, FuzzyPidConfig, Inference, InputVariable,
    OutputVariable, Rule, SNorm, Structure, TNorm, Term, TermRange, rule_slots, table_len, tables,
};

const fn controller(engine: Controller<'static>, structure: Structure) -> FuzzyPid<'static> {
    match FuzzyPid::new(
        engine,
        FuzzyPidConfig {
            error_gain: 1.0,
            rate_gain: 0.1,
            output_gain: 12.0,
            integral_gain: 2.0,
            derivative_gain: 0.5,
            derivative_filter_s: 0.02,
            output_min: -12.0,
            output_max: 12.0,
            rate_limit: 2000.0,
            anti_windup: AntiWindup::BackCalculation {
                tracking_time_s: 0.05,
            },
            ..FuzzyPidConfig::new(structure, 0.01)
        },
    ) {
        Ok(pid) => pid,
        Err(_) => panic!("invalid configuration"),
    }
}

static ONE_OUTPUT: [FuzzyPid<'static>; 4] = [
    controller(PD, Structure::Pd),
    controller(PD, Structure::Pi),
    controller(PD, Structure::PdPlusI),
    controller(PD, Structure::Pid),
];

/// A 2×2 Sugeno engine with three outputs: the Kp, Ki and Kd factors.
const TERMS: [Term; 8] = [
    Term::triangle(-1.0, -1.0, 1.0),
    Term::triangle(-1.0, 1.0, 1.0),
    Term::triangle(-1.0, -1.0, 1.0),
    Term::triangle(-1.0, 1.0, 1.0),
    Term::constant(-0.5),
    Term::constant(0.5),
    Term::constant(0.2),
    Term::constant(-0.2),
];
const INPUTS: [InputVariable; 2] = [
    InputVariable::new(-1.0, 1.0, TermRange::new(0, 2)),
    InputVariable::new(-1.0, 1.0, TermRange::new(2, 2)),
];
const OUTPUTS: [OutputVariable; 3] = [
    OutputVariable::new(-1.0, 1.0, TermRange::new(4, 2), Defuzzifier::WeightedAverage),
    OutputVariable::new(-1.0, 1.0, TermRange::new(6, 1), Defuzzifier::WeightedAverage),
    OutputVariable::new(-1.0, 1.0, TermRange::new(7, 1), Defuzzifier::WeightedAverage),
];
const RULES: [Rule; 4] = [Rule::AND; 4];
const TABLE: [i8; 20] = [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1];
const SLOTS: [u16; 20] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE);
const TABLES: [f32; table_len(Inference::Sugeno, &INPUTS, 3, &TERMS, 4)] =
    tables(Inference::Sugeno, &INPUTS, &OUTPUTS, &TERMS, &TABLE);
const SCHEDULE: Controller<'static> = match Controller::new(ControllerDef {
    inference: Inference::Sugeno,
    and: TNorm::Product,
    or: SNorm::Maximum,
    inputs: &INPUTS,
    outputs: &OUTPUTS,
    terms: &TERMS,
    params: &[],
    rules: &RULES,
    rule_terms: &TABLE,
    rule_slots: &SLOTS,
    samples: &[],
    tables: &TABLES,
}) {
    Ok(engine) => engine,
    Err(_) => panic!("invalid engine"),
};
static GAIN_SCHEDULED: FuzzyPid<'static> = controller(SCHEDULE, Structure::GainScheduled);

const SCRATCH: usize = if PD.scratch_len() > SCHEDULE.scratch_len() {
    PD.scratch_len()
} else {
    SCHEDULE.scratch_len()
};

#[entry]
fn main() -> ! {
    let choice = black_box(0usize) % ONE_OUTPUT.len();
    let one_output = &ONE_OUTPUT[choice];
    // (Both scratch sizes are checked at compile time by SCRATCH; a failure would only stop.)
    let (Ok(mut state), Ok(mut scheduled_state)) =
        (one_output.state::<SCRATCH>(), GAIN_SCHEDULED.state::<SCRATCH>())
    else {
        loop {
            cortex_m::asm::wfi();
        }
    };
    loop {
        black_box(one_output.step(&mut state, black_box(0.0), black_box(0.0)));
        black_box(GAIN_SCHEDULED.step(&mut scheduled_state, black_box(0.0), black_box(0.0)));
    }
}

unsafe extern "C" {
    /// Deliberately undefined.
    fn controller_step_can_panic() -> !;
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    // SAFETY: never runs: the program only links when this handler is unreachable.
    unsafe { controller_step_can_panic() }
}
