//! Rust source for `fuzzy-core`: a `static` controller sized exactly, for `no_std` firmware.
//!
//! The file holds the controller's description as `const` arrays, the two derived tables as
//! calls of `fuzzy-core`'s `const fn`s (`rule_slots`, `sample_table`: computed by the
//! compiler with the same `f32` arithmetic the engine uses at run time, so the firmware's
//! tables are bit-identical to the host's), and one
//! `pub static NAME: Controller<'static>` checked by `Controller::new` at compile time: a
//! file edited into an invalid controller does not compile. Floats are printed with Rust's
//! shortest round-trip formatting, so every parameter is the tuned `f32` bit for bit.
//!
//! Use it as a module (`mod pd;` with the file saved as `pd.rs`) or paste it into one. All
//! item names start with the controller's name in upper case (`PD_TERMS`, …, `PD`), so
//! several controllers can share a module.

use core::fmt::Write as _;

use fuzzy_core::{
    Connective, Defuzzifier, Fallback, Hedge, Inference, InputVariable, OutOfRange, OutputVariable,
    OwnedController, SNorm, Sampling, TNorm,
};

/// The identifier used for a controller name: ASCII letters and digits in upper case, every
/// other character an underscore, a leading underscore when it would start with a digit or
/// be empty.
pub fn item_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// An `f32` as a Rust literal that reads back to the same bits (the engine has validated
/// that every value is finite).
fn float(x: f32) -> String {
    format!("{x:?}")
}

fn t_norm(norm: TNorm) -> String {
    format!("TNorm::{norm:?}")
}

fn s_norm(norm: SNorm) -> String {
    format!("SNorm::{norm:?}")
}

fn inference(inference: Inference) -> String {
    match inference {
        Inference::Mamdani {
            implication,
            aggregation,
        } => format!(
            "Inference::Mamdani {{ implication: {}, aggregation: {} }}",
            t_norm(implication),
            s_norm(aggregation)
        ),
        Inference::Sugeno => "Inference::Sugeno".to_string(),
    }
}

fn input(variable: &InputVariable) -> String {
    let out_of_range = match variable.out_of_range {
        OutOfRange::Clamp => "OutOfRange::Clamp",
        OutOfRange::Extend => "OutOfRange::Extend",
    };
    format!(
        "InputVariable {{ min: {}, max: {}, terms: TermRange::new({}, {}), out_of_range: {out_of_range} }}",
        float(variable.min),
        float(variable.max),
        variable.terms.start,
        variable.terms.count
    )
}

fn output(variable: &OutputVariable) -> String {
    let defuzzifier = match variable.defuzzifier {
        Defuzzifier::Centroid => "Centroid",
        Defuzzifier::Bisector => "Bisector",
        Defuzzifier::MeanOfMaximum => "MeanOfMaximum",
        Defuzzifier::SmallestOfMaximum => "SmallestOfMaximum",
        Defuzzifier::LargestOfMaximum => "LargestOfMaximum",
        Defuzzifier::SmallestOfMaximumMagnitude => "SmallestOfMaximumMagnitude",
        Defuzzifier::LargestOfMaximumMagnitude => "LargestOfMaximumMagnitude",
        Defuzzifier::WeightedAverage => "WeightedAverage",
        Defuzzifier::WeightedSum => "WeightedSum",
    };
    let sampling = match variable.sampling {
        Sampling::Endpoints { points } => format!("Sampling::Endpoints {{ points: {points} }}"),
        Sampling::Midpoints { intervals } => format!("Sampling::Midpoints {{ intervals: {intervals} }}"),
    };
    let fallback = match variable.fallback {
        Fallback::Midpoint => "Fallback::Midpoint".to_string(),
        Fallback::Value(v) => format!("Fallback::Value({})", float(v)),
        Fallback::Hold => "Fallback::Hold".to_string(),
    };
    format!(
        "OutputVariable {{\n        min: {},\n        max: {},\n        terms: TermRange::new({}, {}),\n        \
         defuzzifier: Defuzzifier::{defuzzifier},\n        sampling: {sampling},\n        \
         fallback: {fallback},\n        lock_range: {},\n    }}",
        float(variable.min),
        float(variable.max),
        variable.terms.start,
        variable.terms.count,
        variable.lock_range
    )
}

/// A hedge as a Rust expression.
fn hedge(h: Hedge) -> String {
    match h {
        Hedge::Not => "Hedge::Not".into(),
        Hedge::Very => "Hedge::Very".into(),
        Hedge::Somewhat => "Hedge::Somewhat".into(),
        Hedge::Extremely => "Hedge::Extremely".into(),
        Hedge::Seldom => "Hedge::Seldom".into(),
        Hedge::Any => "Hedge::Any".into(),
        Hedge::Power(p) => format!("Hedge::Power({})", float(p)),
    }
}

/// `values` as the elements of an array literal, `per_line` to a line, indented.
fn array_body(values: &[String], per_line: usize) -> String {
    let mut out = String::new();
    for row in values.chunks(per_line.max(1)) {
        let _ = writeln!(out, "    {},", row.join(", "));
    }
    out
}

/// Writes `controller` as a Rust module for `fuzzy-core` (see the [module docs](self)); the
/// static is named [`item_name`] of the spec's name.
pub fn write(controller: &OwnedController) -> String {
    let spec = controller.spec();
    let compiled = controller.controller();
    let def = compiled.def();
    let name = item_name(&spec.name);
    let stride = def.inputs.len() + def.outputs.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Controller `{}`, generated by fuzzyopt for fuzzy-core {}. Regenerate instead of editing.\n//!",
        spec.name.replace('\n', " "),
        env!("CARGO_PKG_VERSION")
    );
    for (kind, variables) in [
        (
            "input",
            spec.inputs
                .iter()
                .map(|v| (&v.name, &v.terms))
                .collect::<Vec<_>>(),
        ),
        (
            "output",
            spec.outputs.iter().map(|v| (&v.name, &v.terms)).collect(),
        ),
    ] {
        for (variable, terms) in variables {
            let names: Vec<&str> = terms.iter().map(|t| t.name.as_str()).collect();
            let _ = writeln!(out, "//! - {kind} `{variable}`: {}", names.join(" "));
        }
    }
    let _ = writeln!(
        out,
        "//!\n//! Rule rows: one term number per input then per output (1-based; 0 = not used, \
         negative = NOT).\n"
    );
    let _ = writeln!(
        out,
        "use fuzzy_core::{{\n    Connective, Controller, ControllerDef, Defuzzifier, Fallback, {hedge_items}Inference, \
         InputVariable, Membership, OutOfRange,\n    OutputVariable, Rule, SNorm, Sampling, TNorm, Term, \
         TermRange, rule_slots, sample_len, sample_table, table_len, tables,\n}};\n",
        hedge_items = if def.hedged.is_empty() {
            ""
        } else {
            "Hedge, Hedged, "
        }
    );

    let inputs: Vec<String> = def.inputs.iter().map(input).collect();
    let _ = writeln!(
        out,
        "const {name}_INPUTS: [InputVariable; {}] = [\n{}];\n",
        inputs.len(),
        array_body(&inputs, 1)
    );
    let outputs: Vec<String> = def.outputs.iter().map(output).collect();
    let _ = writeln!(
        out,
        "const {name}_OUTPUTS: [OutputVariable; {}] = [\n{}];\n",
        outputs.len(),
        array_body(&outputs, 1)
    );
    let terms: Vec<String> = def
        .terms
        .iter()
        .map(|t| format!("Term::new(Membership::{:?})", t.description()))
        .collect();
    let _ = writeln!(
        out,
        "const {name}_TERMS: [Term; {}] = [\n{}];\n",
        terms.len(),
        array_body(&terms, 1)
    );
    let params: Vec<String> = def.params.iter().map(|p| float(*p)).collect();
    let _ = writeln!(
        out,
        "const {name}_PARAMS: [f32; {}] = [\n{}];\n",
        params.len(),
        array_body(&params, 8)
    );
    let rules: Vec<String> = def
        .rules
        .iter()
        .map(|r| {
            let connective = match r.connective {
                Connective::And => "Connective::And",
                Connective::Or => "Connective::Or",
            };
            format!("Rule {{ weight: {}, connective: {connective} }}", float(r.weight))
        })
        .collect();
    let _ = writeln!(
        out,
        "const {name}_RULES: [Rule; {}] = [\n{}];\n",
        rules.len(),
        array_body(&rules, 1)
    );
    let rule_terms: Vec<String> = def
        .rule_terms
        .chunks(stride.max(1))
        .map(|row| {
            row.iter()
                .map(|t| format!("{t:2}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\nconst {name}_RULE_TERMS: [i8; {}] = [\n{}];\n",
        def.rule_terms.len(),
        array_body(&rule_terms, 1)
    );
    // The hedged antecedents, when there are any (files without hedges stay as they were).
    let hedged = if def.hedged.is_empty() {
        "&[]".to_string()
    } else {
        let entries: Vec<String> = def
            .hedged
            .iter()
            .map(|h| {
                let hedges: Vec<String> = h.hedges.iter().map(|x| hedge(*x)).collect();
                format!(
                    "Hedged {{ rule: {}, input: {}, count: {}, hedges: [{}] }}",
                    h.rule,
                    h.input,
                    h.count,
                    hedges.join(", ")
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "const {name}_HEDGED: [Hedged; {}] = [\n{}];\n",
            entries.len(),
            array_body(&entries, 1)
        );
        format!("&{name}_HEDGED")
    };
    let _ = writeln!(
        out,
        "const {name}_RULE_SLOTS: [u16; {n}] =\n    rule_slots(&{name}_INPUTS, &{name}_OUTPUTS, {name}_TERMS.len(), \
         &{name}_RULES, &{name}_RULE_TERMS, {hedged});\n",
        n = def.rule_terms.len()
    );
    let _ = writeln!(
        out,
        "const {name}_SAMPLES: [f32; sample_len(&{name}_OUTPUTS, &{name}_TERMS, &{name}_PARAMS)] =\n    \
         sample_table(&{name}_OUTPUTS, &{name}_TERMS, &{name}_PARAMS);\n"
    );
    // The length through `table_len` (the layout of these derived tables is fuzzy-core's
    // business: the file keeps compiling when a later version lays them out differently).
    let _ = writeln!(
        out,
        "const {name}_TABLES: [f32; table_len({inference}, &{name}_INPUTS, {name}_OUTPUTS.len(), \
         &{name}_TERMS, {name}_RULES.len())] = tables(\n    {inference},\n    &{name}_INPUTS,\n    \
         &{name}_OUTPUTS,\n    &{name}_TERMS,\n    &{name}_RULE_TERMS,\n);\n",
        inference = inference(def.inference),
    );
    let _ = writeln!(
        out,
        "/// The controller `{spec_name}`, validated at compile time.\n\
         pub static {name}: Controller<'static> = match Controller::new(ControllerDef {{\n    \
         inference: {inference},\n    and: {and},\n    or: {or},\n    inputs: &{name}_INPUTS,\n    \
         outputs: &{name}_OUTPUTS,\n    terms: &{name}_TERMS,\n    params: &{name}_PARAMS,\n    \
         rules: &{name}_RULES,\n    rule_terms: &{name}_RULE_TERMS,\n    hedged: {hedged},\n    \
         rule_slots: &{name}_RULE_SLOTS,\n    \
         samples: &{name}_SAMPLES,\n    tables: &{name}_TABLES,\n}}) {{\n    Ok(controller) => controller,\n    \
         Err(_) => panic!(\"the generated controller `{spec_name}` is invalid\"),\n}};",
        spec_name = spec.name.replace(['\n', '"', '\\', '`'], " "),
        inference = inference(def.inference),
        and = t_norm(def.and),
        or = s_norm(def.or),
    );
    out
}

/// [`write()`] plus the wrapper firmware calls every tick: `NAME_PID`, a `FuzzyPid` static with
/// the tuned gains, and `NAME_SCRATCH`, the scratch length for
/// `FuzzyPidState<[f32; NAME_SCRATCH]>` (`NAME_PID.state()` makes one).
pub fn write_tuned(controller: &OwnedController, wrapper: &fuzzy_core::FuzzyPidConfig) -> String {
    let mut out = write(controller);
    let name = item_name(&controller.spec().name);
    let c = *wrapper;
    let structure = match c.structure {
        fuzzy_core::Structure::Pd => "Pd",
        fuzzy_core::Structure::Pi => "Pi",
        fuzzy_core::Structure::PdPlusI => "PdPlusI",
        fuzzy_core::Structure::Pid => "Pid",
        fuzzy_core::Structure::GainScheduled => "GainScheduled",
    };
    let derivative_on = match c.derivative_on {
        fuzzy_core::DerivativeOn::Error => "Error",
        fuzzy_core::DerivativeOn::Measurement => "Measurement",
    };
    let rate_limit = if c.rate_limit.is_finite() {
        float(c.rate_limit)
    } else {
        "f32::INFINITY".to_string()
    };
    let anti_windup = match c.anti_windup {
        fuzzy_core::AntiWindup::None => "AntiWindup::None".to_string(),
        fuzzy_core::AntiWindup::Clamping => "AntiWindup::Clamping".to_string(),
        fuzzy_core::AntiWindup::BackCalculation { tracking_time_s } => format!(
            "AntiWindup::BackCalculation {{ tracking_time_s: {} }}",
            float(tracking_time_s)
        ),
    };
    let _ = write!(
        out,
        "\nuse fuzzy_core::{{AntiWindup, DerivativeOn, FuzzyPid, FuzzyPidConfig, Structure}};\n\n\
         /// Scratch length of `{name}`: the state is `FuzzyPidState<[f32; {name}_SCRATCH]>`.\n\
         pub const {name}_SCRATCH: usize = {name}.scratch_len();\n\n\
         /// The tuned controller: call `{name}_PID.step(&mut state, setpoint, measurement)` every\n\
         /// {ts} s, with `let mut state = {name}_PID.state::<{name}_SCRATCH>()`.\n\
         pub static {name}_PID: FuzzyPid<'static> = match FuzzyPid::new(\n    {name},\n    FuzzyPidConfig {{\n        \
         structure: Structure::{structure},\n        sample_time_s: {ts},\n        error_gain: {ke},\n        \
         rate_gain: {kd},\n        output_gain: {ku},\n        integral_gain: {ki},\n        \
         derivative_gain: {kdp},\n        \
         derivative_on: DerivativeOn::{derivative_on},\n        derivative_filter_s: {tf},\n        \
         output_min: {lo},\n        output_max: {hi},\n        rate_limit: {rate_limit},\n        \
         anti_windup: {anti_windup},\n    }},\n) {{\n    Ok(controller) => controller,\n    \
         Err(_) => panic!(\"the generated controller settings are invalid\"),\n}};\n",
        ts = float(c.sample_time_s),
        ke = float(c.error_gain),
        kd = float(c.rate_gain),
        ku = float(c.output_gain),
        ki = float(c.integral_gain),
        kdp = float(c.derivative_gain),
        tf = float(c.derivative_filter_s),
        lo = float(c.output_min),
        hi = float(c.output_max),
    );
    out
}
