//! Link-time proof that no structure's step and no evaluation kernel can panic: like
//! `no-panic`, but the controller is chosen at run time (an opaque index, so neither the
//! structure's nor the kernel's dispatch is folded away) among every one-output structure on
//! the 7×7 Mamdani PD engine with and without its window kernel, and gain-scheduled PIDs on a
//! three-output Sugeno engine through its window kernel, its grid kernel and the general path
//! (an OR rule). Its panic handler calls a function defined nowhere, so the release build
//! links only if no panic is reachable. (`scripts/firmware.sh` builds it; `.ci/run` runs that
//! script.)
#![no_std]
#![no_main]

use core::hint::black_box;

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

/// The PD engine through its grid kernel instead of the window kernel.
const PD_GRID: Controller<'static> = PD.without_window_kernels();

static ONE_OUTPUT: [FuzzyPid<'static>; 8] = [
    controller(PD, Structure::Pd),
    controller(PD, Structure::Pi),
    controller(PD, Structure::PdPlusI),
    controller(PD, Structure::Pid),
    controller(PD_GRID, Structure::Pd),
    controller(PD_GRID, Structure::Pi),
    controller(PD_GRID, Structure::PdPlusI),
    controller(PD_GRID, Structure::Pid),
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
const SLOTS: [u16; 20] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES, &TABLE, &[]);
const TABLES: [f32; table_len(Inference::Sugeno, &INPUTS, 3, &TERMS, 4)] =
    tables(Inference::Sugeno, &INPUTS, &OUTPUTS, &TERMS, &TABLE);
/// The same table with one OR rule: not a grid, so the general evaluation path.
const RULES_OR: [Rule; 4] = [Rule::AND, Rule::AND, Rule::AND, Rule::OR];
const SLOTS_OR: [u16; 20] = rule_slots(&INPUTS, &OUTPUTS, TERMS.len(), &RULES_OR, &TABLE, &[]);

const fn engine(rules: &'static [Rule], slots: &'static [u16]) -> Controller<'static> {
    match Controller::new(ControllerDef {
        inference: Inference::Sugeno,
        and: TNorm::Product,
        or: SNorm::Maximum,
        inputs: &INPUTS,
        outputs: &OUTPUTS,
        terms: &TERMS,
        params: &[],
        rules,
        rule_terms: &TABLE,
        hedged: &[],
        rule_slots: slots,
        samples: &[],
        tables: &TABLES,
    }) {
        Ok(engine) => engine,
        Err(_) => panic!("invalid engine"),
    }
}

const SCHEDULE: Controller<'static> = engine(&RULES, &SLOTS);
static GAIN_SCHEDULED: [FuzzyPid<'static>; 3] = [
    controller(SCHEDULE, Structure::GainScheduled),
    controller(SCHEDULE.without_window_kernels(), Structure::GainScheduled),
    controller(engine(&RULES_OR, &SLOTS_OR), Structure::GainScheduled),
];

const SCRATCH: usize = {
    let general = engine(&RULES_OR, &SLOTS_OR).scratch_len();
    let mut most = PD.scratch_len();
    if SCHEDULE.scratch_len() > most {
        most = SCHEDULE.scratch_len();
    }
    if general > most {
        most = general;
    }
    most
};

#[entry]
fn main() -> ! {
    let one_output = &ONE_OUTPUT[black_box(0usize) % ONE_OUTPUT.len()];
    let scheduled = &GAIN_SCHEDULED[black_box(0usize) % GAIN_SCHEDULED.len()];
    // (Both scratch sizes are checked at compile time by SCRATCH; a failure would only stop.)
    let (Ok(mut state), Ok(mut scheduled_state)) =
        (one_output.state::<SCRATCH>(), scheduled.state::<SCRATCH>())
    else {
        loop {
            cortex_m::asm::wfi();
        }
    };
    loop {
        black_box(one_output.step(&mut state, black_box(0.0), black_box(0.0)));
        black_box(scheduled.step(&mut scheduled_state, black_box(0.0), black_box(0.0)));
    }
}

firmware_cortex_m4::no_panic_handler!();
