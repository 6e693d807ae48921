//! C99 source for firmware without Rust: a self-contained `.h`/`.c` pair, no heap, no libm.
//!
//! The generated code does what `fuzzy-core` does, with the same `f32` operations in the same
//! order where it matters (fuzzification by precomputed edges, rule firing through the
//! compiled rule table, combination into term activations, aggregation over the sampled
//! output terms exported from the Rust tables — in blocks of 8 samples, each with only the
//! terms that are not zero on it, as the Rust engine's block table —, centroid, fallbacks,
//! status bits computed without `if`) and the
//! fuzzy PD/PI/PID wrapper's step. Every loop runs a fixed number of times; min, max and
//! selects are written as conditional expressions, which optimising compilers turn into
//! `minss`/`vsel`-style instructions, but unlike the Rust engine the C output's fixed timing
//! is up to the compiler (check it with your toolchain). A controller that takes
//! `fuzzy-core`'s window kernels (`Controller::uses_window_kernel`) fires only the four rules
//! of the inputs' pairs of terms here too, and its output loops run over those four (the
//! others are exactly zero, so the bits are the same). `tests/suite/export.rs` compiles the
//! output with `cc -std=c99 -Wall -Wextra -Werror -pedantic` and compares it with the Rust
//! engine over 1102 inputs, with and without the window.
//!
//! Supported (what `fuzzyopt` templates produce, and more): inputs with triangle or
//! trapezoid terms; AND minimum or product, OR maximum or probabilistic sum, NOT, weights,
//! hedges (all but Octave's powers);
//! Mamdani with minimum or product implication, maximum aggregation and centroid (any output
//! term shape: the output terms travel as sampled tables); Sugeno with constant outputs and
//! weighted average or sum. Anything else is refused with an error naming the item.

use core::fmt::Write as _;

use fuzzy_core::{
    Controller, Defuzzifier, Fallback, Hedge, Inference, Membership, OutOfRange, OwnedController,
    SAMPLE_BLOCK, SNorm, TNorm,
};

use fuzzy_core::FuzzyPidConfig;

/// Samples per block of a Mamdani output's table in C (the partial sums have 8 lanes too).
const C_BLOCK: usize = 8;

/// Why a controller cannot be written as C.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("C export: {0}")]
pub struct CExportError(pub String);

/// The generated pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CSource {
    /// `NAME.h`
    pub header: String,
    /// `NAME.c`
    pub source: String,
    /// the file stem and C prefix (lower-case identifier)
    pub stem: String,
}

fn float(x: f32) -> String {
    // Infinite settings (no rate limit) act like the largest float: prev ± FLT_MAX clamps
    // nothing, as prev ± inf does in the engine.
    if x == f32::INFINITY {
        return "3.40282347e38f".to_string();
    }
    if x == f32::NEG_INFINITY {
        return "-3.40282347e38f".to_string();
    }
    // `{:e}` is the shortest round-trip form; C reads it back to the same float.
    format!("{x:e}f")
}

pub(crate) fn array<T>(
    values: impl IntoIterator<Item = T>,
    format: impl Fn(T) -> String,
    per_line: usize,
) -> String {
    let items: Vec<String> = values.into_iter().map(format).collect();
    if items.is_empty() {
        return "0".to_string();
    }
    items
        .chunks(per_line)
        .map(|c| format!("    {}", c.join(", ")))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// The hedges' C functions, the same `f32` operations in the same order as `Hedge::apply`
/// (square root by the bit estimate and four Newton steps), emitted when a rule has hedges.
const HEDGE_FUNCTIONS: &str = "\
/* Hedges, as fuzzy_core::Hedge::apply: square root without libm (bit estimate, Newton). */
static float fz_sqrt(float x) {
    union { float f; uint32_t u; } b;
    int positive = x > 0.0f;
    float y, half, s;
    x = fz_max(x, 1.17549435e-38f);
    b.f = x;
    b.u = 0x5f375a86u - (b.u >> 1);
    y = b.f;
    half = 0.5f * x;
    y = y * (1.5f - half * y * y);
    y = y * (1.5f - half * y * y);
    y = y * (1.5f - half * y * y);
    s = x * y;
    s = s + 0.5f * y * (x - s * s);
    return positive ? s : 0.0f;
}
static float fz_extremely(float x) {
    int low = x <= 0.5f;
    float d = low ? x : 1.0f - x;
    float y = 2.0f * d * d;
    return low ? y : 1.0f - y;
}
static float fz_square(float x) { return x * x; }
static float fz_seldom(float x) {
    int low = x <= 0.5f;
    float y = fz_sqrt(0.5f * (low ? x : 1.0f - x));
    return low ? y : 1.0f - y;
}

";

/// C statements that fill the hedged conditions' slots (fuzzy-core's hedge pass), one per
/// hedged condition: the term's degree (1 for `any`) through the hedges, innermost first,
/// then NOT for a negative term number.
fn hedge_pass(def: &fuzzy_core::ControllerDef<'_>) -> String {
    let stride = def.inputs.len() + def.outputs.len();
    let n_terms = def.terms.len();
    let mut out = String::new();
    for (h, entry) in def.hedged.iter().enumerate() {
        let (r, v) = (entry.rule as usize, entry.input as usize);
        let k = def.rule_terms.get(r * stride + v).copied().unwrap_or(0);
        let start = def.inputs.get(v).map_or(0, |i| i.terms.start as usize);
        let mut value = match k.unsigned_abs() {
            0 => "1.0f".to_string(),
            n => format!("slot[{}]", 2 + start + n as usize - 1),
        };
        for hedge in entry.chain().iter().rev() {
            value = match hedge {
                Hedge::Not => format!("1.0f - ({value})"),
                Hedge::Very => format!("fz_square({value})"),
                Hedge::Somewhat => format!("fz_sqrt({value})"),
                Hedge::Extremely => format!("fz_extremely({value})"),
                Hedge::Seldom => format!("fz_seldom({value})"),
                Hedge::Any | Hedge::Power(_) => "1.0f".to_string(),
            };
        }
        if k < 0 {
            value = format!("1.0f - ({value})");
        }
        let _ = writeln!(
            out,
            "    slot[{}] = {value}; /* rule {}, input {} */",
            2 * n_terms + 3 + h,
            r + 1,
            v + 1
        );
    }
    out
}

fn check(controller: &Controller<'_>) -> Result<(), CExportError> {
    let def = controller.def();
    let fail = |m: String| Err(CExportError(m));
    for (i, v) in def.inputs.iter().enumerate() {
        for t in v.terms.start as usize..v.terms.end() {
            if !matches!(
                def.terms[t].description(),
                Membership::Triangle { .. } | Membership::Trapezoid { .. }
            ) {
                return fail(format!(
                    "input {}, term {}: only triangles and trapezoids are supported on inputs",
                    i + 1,
                    t - v.terms.start as usize + 1
                ));
            }
        }
    }
    if let Some(h) = def
        .hedged
        .iter()
        .find(|h| h.chain().iter().any(|x| matches!(x, Hedge::Power(_))))
    {
        return fail(format!(
            "rule {}, input {}: power hedges (a .fis rule's decimals other than .05, .20, .40) \
             are not supported by the C export (use the Rust export)",
            h.rule + 1,
            h.input + 1
        ));
    }
    if !matches!(def.and, TNorm::Minimum | TNorm::Product) {
        return fail(format!(
            "AND {:?}: only minimum and product are supported",
            def.and
        ));
    }
    if !matches!(def.or, SNorm::Maximum | SNorm::ProbabilisticSum) {
        return fail(format!(
            "OR {:?}: only maximum and probabilistic sum are supported",
            def.or
        ));
    }
    match def.inference {
        Inference::Mamdani {
            implication,
            aggregation,
        } => {
            if !matches!(implication, TNorm::Minimum | TNorm::Product) || aggregation != SNorm::Maximum {
                return fail(
                    "Mamdani: only minimum/product implication with maximum aggregation".to_string(),
                );
            }
            for (o, v) in def.outputs.iter().enumerate() {
                if v.defuzzifier != Defuzzifier::Centroid {
                    return fail(format!(
                        "output {}: only the centroid is supported for Mamdani",
                        o + 1
                    ));
                }
            }
        }
        Inference::Sugeno => {
            for (o, v) in def.outputs.iter().enumerate() {
                if !matches!(
                    v.defuzzifier,
                    Defuzzifier::WeightedAverage | Defuzzifier::WeightedSum
                ) {
                    return fail(format!("output {}: only weighted average or sum", o + 1));
                }
                for t in v.terms.start as usize..v.terms.end() {
                    if !matches!(def.terms[t].description(), Membership::Constant { .. }) {
                        return fail(format!(
                            "output {}: only constant Sugeno terms are supported",
                            o + 1
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// `text` made safe inside a `/* … */` comment: no `*/` that would end it and no `/*` that
/// compilers warn about (`-Wcomment`), each split by a space.
/// The file stem and the C prefix (a lower-case identifier) of a controller's export.
pub(crate) fn names(controller: &OwnedController) -> (String, String) {
    let stem = crate::export::rust::item_name(&controller.spec().name).to_lowercase();
    let p = stem.trim_start_matches('_').to_string();
    let p = if p.is_empty() || p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("fz{p}")
    } else {
        p
    };
    (stem, p)
}

pub(crate) fn comment_text(text: &str) -> String {
    text.replace("*/", "* /").replace("/*", "/ *")
}

/// Writes `controller` (and its wrapper, when given) as C99 (see the [module docs](self)).
pub fn write(
    controller: &OwnedController,
    wrapper: Option<&FuzzyPidConfig>,
) -> Result<CSource, CExportError> {
    let compiled = controller.controller();
    check(&compiled)?;
    if let Some(w) = wrapper {
        fuzzy_core::FuzzyPid::new(compiled, *w).map_err(|e| CExportError(format!("C export: {e}")))?;
    }
    let def = compiled.def();
    let (stem, p) = names(controller);
    let upper = p.to_uppercase();
    let n_in = def.inputs.len();
    let n_out = def.outputs.len();
    let n_terms = def.terms.len();
    let n_rules = def.rules.len();
    let slots = 2 * n_terms + 3 + def.hedged.len();
    let sink = 2 * n_terms + 2;

    let mut h = String::new();
    let _ = write!(
        h,
        "/* Controller `{name}`, generated by fuzzyopt (C99, no heap, no libm). Regenerate instead of editing. */\n\
         #ifndef {upper}_H\n#define {upper}_H\n\n#include <stdint.h>\n\n\
         #define {upper}_INPUTS {n_in}\n#define {upper}_OUTPUTS {n_out}\n\n\
         /* Status bits (as fuzzy_core::Status). */\n\
         #define {upper}_NAN_INPUT 0x01u\n#define {upper}_INPUT_OUT_OF_RANGE 0x02u\n#define {upper}_NO_RULE_FIRED 0x04u\n\
         #define {upper}_FALLBACK 0x08u\n#define {upper}_INVALID_MEASUREMENT 0x40u\n\n\
         /* Evaluates the engine. `outputs` holds the previous outputs on entry (for the hold\n   \
         fallback) and the new ones on return: never NaN. Returns the status bits. */\n\
         uint8_t {p}_evaluate(const float inputs[{upper}_INPUTS], float outputs[{upper}_OUTPUTS]);\n",
        name = comment_text(&controller.spec().name),
    );
    if wrapper.is_some() {
        let _ = write!(
            h,
            "\n/* The tuned controller's state; initialise with {p}_pid_init. */\n\
             typedef struct {{\n    float integral;\n    float rate;\n    float previous_error;\n    \
             float previous_measurement;\n    float previous_output;\n    float engine_output[{upper}_OUTPUTS];\n    int primed;\n}} {p}_pid_state;\n\n\
             void {p}_pid_init({p}_pid_state *state);\n\n\
             /* One control tick: returns u (inside the output limits, never NaN); *status gets the\n   \
             engine's status bits plus {upper}_INVALID_MEASUREMENT (may be NULL). */\n\
             float {p}_pid_step({p}_pid_state *state, float setpoint, float measurement, uint8_t *status);\n"
        );
    }
    h.push_str(&format!("\n#endif /* {upper}_H */\n"));

    let mut c = String::new();
    let _ = write!(
        c,
        "/* Controller `{name}`, generated by fuzzyopt. See {stem}.h. */\n#include \"{stem}.h\"\n\n\
         static float fz_min(float a, float b) {{ return a < b ? a : b; }}\n\
         static float fz_max(float a, float b) {{ return a > b ? a : b; }}\n\
         /* NaN maps to lo, as in fuzzy-core. x - x is 0 for every finite x, NaN for NaN and ±inf. */\n\
         static float fz_clamp(float x, float lo, float hi) {{ return fz_min(fz_max(x, lo), hi); }}\n\
         static int fz_finite(float x) {{ return x - x == 0.0f; }}\n\n{hedge_functions}",
        name = comment_text(&controller.spec().name),
        hedge_functions = if def.hedged.is_empty() {
            ""
        } else {
            HEDGE_FUNCTIONS
        },
    );
    // Input terms: edges (rise at/slope, fall at/slope).
    let mut edges = Vec::new();
    for term in def.terms.iter() {
        edges.push(term.edges().unwrap_or([0.0; 4]));
    }
    let _ = writeln!(
        c,
        "/* Per term: rising edge (at, slope), falling edge (at, slope); degree = min of the two\n   \
         ramps clamp01((x - at) * slope). Output terms are unused here. */\n\
         static const float EDGES[{n_terms}][4] = {{\n{}\n}};\n",
        array(
            edges.iter(),
            |e| format!(
                "{{{}, {}, {}, {}}}",
                float(e[0]),
                float(e[1]),
                float(e[2]),
                float(e[3])
            ),
            1
        )
    );
    let _ = writeln!(
        c,
        "static const float INPUT_RANGE[{n_in}][2] = {{ {} }};\nstatic const int INPUT_EXTEND[{n_in}] = {{ {} }};\n\
         static const int INPUT_TERMS[{n_in}][2] = {{ {} }};\n",
        def.inputs
            .iter()
            .map(|v| format!("{{{}, {}}}", float(v.min), float(v.max)))
            .collect::<Vec<_>>()
            .join(", "),
        def.inputs
            .iter()
            .map(|v| if v.out_of_range == OutOfRange::Extend {
                "1"
            } else {
                "0"
            })
            .collect::<Vec<_>>()
            .join(", "),
        def.inputs
            .iter()
            .map(|v| format!("{{{}, {}}}", v.terms.start, v.terms.count))
            .collect::<Vec<_>>()
            .join(", "),
    );
    // Controllers the window kernels take (fuzzy-core's `uses_window_kernel`: a 2-input grid
    // whose inputs' terms form a chain) fire only the four rules that can be non-zero; the
    // output loops run over those four, in rule order. The other rules' strengths are exactly
    // zero in the general order too, so the results are the same bit for bit.
    let window = compiled.uses_window_kernel();
    let each_rule = if window {
        "for (q = 0; q < 4; ++q) {\n            r = window[q];".to_string()
    } else {
        format!("for (r = 0; r < {n_rules}; ++r) {{")
    };

    // The rule table: the firing reads the compiled rule slots and connectives (the window
    // firing needs neither), Mamdani outputs read the concluded terms' slots.
    let slots_used = !window || matches!(def.inference, Inference::Mamdani { .. });
    if slots_used {
        let _ = writeln!(
            c,
            "/* Compiled rule table, column by column: entry v * {n_rules} + r is the working-array\n   \
             position of variable v in rule r (0 = constant 0, 1 = constant 1, 2 + t = degree of\n   \
             term t, 2 + {n_terms} + t = its complement, {sink} = not concluded, after it the\n   \
             hedged conditions). */\n\
             static const uint16_t RULE_SLOTS[{len}] = {{\n{}\n}};",
            array(def.rule_slots.iter(), |s| s.to_string(), 16),
            len = def.rule_slots.len(),
        );
    }
    let _ = writeln!(
        c,
        "static const float RULE_WEIGHT[{n_rules}] = {{\n{}\n}};",
        array(def.rules.iter(), |r| float(r.weight), 8),
    );
    if !window {
        let _ = writeln!(
            c,
            "static const uint8_t RULE_OR[{n_rules}] = {{\n{}\n}};",
            array(
                def.rules.iter(),
                |r| if r.connective == fuzzy_core::Connective::Or {
                    "1".into()
                } else {
                    "0".into()
                },
                24
            ),
        );
    }
    c.push('\n');

    // Outputs.
    let mut output_code = String::new();
    for (o, v) in def.outputs.iter().enumerate() {
        let terms = v.terms.count as usize;
        let first = v.terms.start as usize;
        let midpoint = 0.5 * (v.min + v.max);
        let fallback = match v.fallback {
            Fallback::Midpoint => float(midpoint),
            Fallback::Value(x) => float(x),
            Fallback::Hold => format!("(fz_finite(outputs[{o}]) ? outputs[{o}] : {})", float(midpoint)),
        };
        let locked = v.lock_range || matches!(def.inference, Inference::Mamdani { .. });
        match def.inference {
            Inference::Mamdani { implication, .. } => {
                let _ = writeln!(
                    output_code,
                    "    /* output {o}: combine the strengths of the rules concluding each term */\n    \
                     {{\n        float act[{terms}];\n        float value;\n        int fired;\n        int t;\n        \
                     for (t = 0; t < {terms}; ++t) act[t] = 0.0f;\n        {each_rule}\n            \
                     int target = (int)RULE_SLOTS[{col} * {n_rules} + r] - 2 - {first};\n            \
                     float w = strength[r];\n            \
                     /* every term, the rule's own with w and the others with 0 (act >= 0: no\n               \
                     change), so that no compiler turns the data-dependent target into a jump */\n            \
                     for (t = 0; t < {terms}; ++t) act[t] = fz_max(act[t], w * (float)(t == target));\n        }}",
                    col = n_in + o,
                    each_rule = each_rule,
                );
                let n = v.sampling.count();
                // Expand the engine's block table (rows only for terms that are non-zero on a
                // block) into one full row per term.
                let mut table = vec![vec![0.0f32; n]; terms];
                for (block, rows) in fuzzy_core::layout::sample_blocks(def, o).enumerate() {
                    for row in rows {
                        let (t, samples) = fuzzy_core::layout::row_parts(row);
                        for (lane, value) in samples.iter().enumerate() {
                            let j = block * SAMPLE_BLOCK + lane;
                            if let Some(slot) = table.get_mut(t).and_then(|row| row.get_mut(j)) {
                                *slot = *value;
                            }
                        }
                    }
                }
                // Blocks of 8 samples, each with only the terms that are not 0 on it (the
                // others add nothing to the maximum: the same bits in a third of the work).
                let blocks = n.div_ceil(C_BLOCK);
                let mut block_start = vec![0usize];
                let mut block_terms = Vec::new();
                let mut block_rows = Vec::new();
                for block in 0..blocks {
                    for (t, row) in table.iter().enumerate() {
                        let lanes: Vec<f32> = (0..C_BLOCK)
                            .map(|lane| row.get(block * C_BLOCK + lane).copied().unwrap_or(0.0))
                            .collect();
                        if lanes.iter().any(|x| *x != 0.0) {
                            block_terms.push(t);
                            block_rows.push(lanes);
                        }
                    }
                    block_start.push(block_terms.len());
                }
                let (x0, dx) = v.sampling.grid(v.min, v.max);
                let _ = writeln!(
                    c,
                    "/* Output {o}: the terms sampled at x_j = {x0} + j * {dx}, in blocks of {C_BLOCK} samples;\n   \
                     per block only the terms that are not 0 on it: block b has rows\n   \
                     BLOCK_START_{o}[b] to BLOCK_START_{o}[b + 1] - 1, each a term and its {C_BLOCK} samples. */\n\
                     static const uint16_t BLOCK_START_{o}[{}] = {{\n{}\n}};\n\
                     static const uint8_t BLOCK_TERM_{o}[{}] = {{\n{}\n}};\n\
                     static const float BLOCK_SAMPLES_{o}[{}][{C_BLOCK}] = {{\n{}\n}};\n",
                    blocks + 1,
                    array(block_start.iter(), |x| x.to_string(), 16),
                    block_terms.len(),
                    array(block_terms.iter(), |x| x.to_string(), 16),
                    block_rows.len(),
                    array(
                        block_rows.iter(),
                        |row| format!(
                            "{{{}}}",
                            row.iter().map(|x| float(*x)).collect::<Vec<_>>().join(", ")
                        ),
                        1
                    ),
                    x0 = float(x0),
                    dx = float(dx),
                );
                let implication = match implication {
                    TNorm::Product => "a * BLOCK_SAMPLES_{o}[row][lane]".replace("{o}", &o.to_string()),
                    _ => "fz_min(a, BLOCK_SAMPLES_{o}[row][lane])".replace("{o}", &o.to_string()),
                };
                let _ = writeln!(
                    output_code,
                    "        {{\n            /* eight partial sums (sample j into j % 8), added pairwise: fuzzy-core's order */\n            \
                     float sums[8] = {{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};\n            \
                     float moments[8] = {{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};\n            \
                     float total, moment;\n            int b, row, lane;\n            \
                     for (b = 0; b < {blocks}; ++b) {{\n                \
                     float g[{C_BLOCK}] = {{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};\n                \
                     for (row = BLOCK_START_{o}[b]; row < BLOCK_START_{o}[b + 1]; ++row) {{\n                    \
                     float a = act[BLOCK_TERM_{o}[row]];\n                    \
                     for (lane = 0; lane < {C_BLOCK}; ++lane) g[lane] = fz_max(g[lane], {implication});\n                \
                     }}\n                \
                     /* samples past the last are 0: adding them changes no bit */\n                \
                     for (lane = 0; lane < {C_BLOCK}; ++lane) {{\n                    \
                     sums[lane] += g[lane];\n                    \
                     moments[lane] += (float)(b * {C_BLOCK} + lane) * g[lane];\n                }}\n            }}\n            \
                     total = ((sums[0] + sums[4]) + (sums[2] + sums[6])) + ((sums[1] + sums[5]) + (sums[3] + sums[7]));\n            \
                     moment = ((moments[0] + moments[4]) + (moments[2] + moments[6])) + \
                     ((moments[1] + moments[5]) + (moments[3] + moments[7]));\n            \
                     fired = total > 0.0f;\n            \
                     value = {x0} + {dx} * (moment / (fired ? total : 1.0f));\n        }}",
                    x0 = float(x0),
                    dx = float(dx),
                );
            }
            Inference::Sugeno => {
                // The Sugeno rows that end fuzzy-core's evaluation tables: per rule the
                // concluded constant and whether the rule concludes this output.
                let (values, flags): (Vec<f32>, Vec<f32>) =
                    (0..n_rules).map(|r| compiled.sugeno_rule(o, r)).unzip();
                let lanes = compiled.sugeno_partials();
                let _ = writeln!(
                    c,
                    "/* Output {o}: per rule, the constant it concludes and whether it concludes one. */\n\
                     static const float RULE_VALUE_{o}[{n_rules}] = {{\n{}\n}};\n\
                     static const float RULE_CONCLUDES_{o}[{n_rules}] = {{\n{}\n}};\n",
                    array(values.iter(), |x| float(*x), 8),
                    array(flags.iter(), |x| float(*x), 8),
                );
                let average = v.defuzzifier == Defuzzifier::WeightedAverage;
                let _ = writeln!(
                    output_code,
                    "    /* output {o}: weighted sums over the rules in eight partial sums (rule r into\n       \
                     r % {lanes}), added pairwise, in fuzzy-core's order */\n    \
                     {{\n        float value;\n        int fired;\n        \
                     float sums[8] = {{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};\n        \
                     float totals[8] = {{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f}};\n        \
                     float sum, total;\n        \
                     {each_rule}\n            \
                     sums[r % {lanes}] += strength[r] * RULE_VALUE_{o}[r];\n            \
                     totals[r % {lanes}] += strength[r] * RULE_CONCLUDES_{o}[r];\n        }}\n        \
                     sum = ((sums[0] + sums[4]) + (sums[2] + sums[6])) + ((sums[1] + sums[5]) + (sums[3] + sums[7]));\n        \
                     total = ((totals[0] + totals[4]) + (totals[2] + totals[6])) + \
                     ((totals[1] + totals[5]) + (totals[3] + totals[7]));\n        \
                     fired = total > 0.0f;\n        value = {};",
                    if average {
                        "sum / (fired ? total : 1.0f)"
                    } else {
                        "sum"
                    }
                );
            }
        }
        let _ = writeln!(
            output_code,
            "        {{\n            int computed = fired & !nan & fz_finite(value);\n            \
             float y = computed ? value : {fallback};\n{lock}            outputs[{o}] = y + 0.0f;\n            \
             status |= (uint8_t)((fired ? 0u : {upper}_NO_RULE_FIRED) | (computed ? 0u : {upper}_FALLBACK));\n        }}\n    }}",
            lock = if locked {
                format!(
                    "            y = fz_clamp(y, {}, {});\n",
                    float(v.min),
                    float(v.max)
                )
            } else {
                String::new()
            },
        );
    }
    let (and, or) = (
        if def.and == TNorm::Product {
            "s * d"
        } else {
            "fz_min(s, d)"
        },
        if def.or == SNorm::ProbabilisticSum {
            "s + d - s * d"
        } else {
            "fz_max(s, d)"
        },
    );
    // An input's status bits without a branch (NaN: NAN_INPUT and FALLBACK; else out of
    // range when clamping moved it).
    let flags = format!(
        "{{\n            int is_nan = raw != raw;\n            nan |= is_nan;\n            \
         status |= (uint8_t)(is_nan * ({upper}_NAN_INPUT | {upper}_FALLBACK)\n                \
         | (!is_nan & (limited != raw)) * {upper}_INPUT_OUT_OF_RANGE);\n        }}\n        "
    );
    let firing = if window {
        let cols = def.inputs.get(1).map_or(0, |v| v.terms.count);
        format!(
            "    int window[4], pair[2];\n    float degree[2][2];\n    \
             for (i = 0; i < 2; ++i) {{\n        float raw = inputs[i];\n        \
             float limited = fz_clamp(raw, INPUT_RANGE[i][0], INPUT_RANGE[i][1]);\n        \
             float x = (INPUT_EXTEND[i] & fz_finite(raw)) ? raw : limited;\n        int t, k = 0;\n        \
             {flags}\
             /* the window: terms k and k + 1, k = terms from the third on whose rising foot\n           \
             lies below x (the others are zero there) */\n        \
             for (t = 2; t < INPUT_TERMS[i][1]; ++t) k += EDGES[INPUT_TERMS[i][0] + t][0] < x;\n        \
             pair[i] = k;\n        for (t = 0; t < 2; ++t) {{\n            int e = INPUT_TERMS[i][0] + k + t;\n            \
             float rise = fz_clamp((x - EDGES[e][0]) * EDGES[e][1], 0.0f, 1.0f);\n            \
             float fall = fz_clamp((x - EDGES[e][2]) * EDGES[e][3], 0.0f, 1.0f);\n            \
             degree[i][t] = fz_min(rise, fall);\n        }}\n    }}\n    \
             window[0] = pair[0] * {cols} + pair[1];\n    window[1] = window[0] + 1;\n    \
             window[2] = window[0] + {cols};\n    window[3] = window[2] + 1;\n    \
             for (q = 0; q < 4; ++q) {{\n        float s = degree[0][q / 2], d = degree[1][q % 2];\n        \
             r = window[q];\n        strength[r] = ({and}) * RULE_WEIGHT[r];\n    }}\n"
        )
    } else {
        format!(
            "    float slot[{slots}];\n    \
             slot[0] = 0.0f;\n    slot[1] = 1.0f;\n    slot[{sink}] = 0.0f;\n    \
             for (i = 0; i < {n_in}; ++i) {{\n        float raw = inputs[i];\n        \
             float limited = fz_clamp(raw, INPUT_RANGE[i][0], INPUT_RANGE[i][1]);\n        \
             float x = (INPUT_EXTEND[i] & fz_finite(raw)) ? raw : limited;\n        int t;\n        \
             {flags}\
             for (t = INPUT_TERMS[i][0]; t < INPUT_TERMS[i][0] + INPUT_TERMS[i][1]; ++t) {{\n            \
             float rise = fz_clamp((x - EDGES[t][0]) * EDGES[t][1], 0.0f, 1.0f);\n            \
             float fall = fz_clamp((x - EDGES[t][2]) * EDGES[t][3], 0.0f, 1.0f);\n            \
             float d = fz_min(rise, fall);\n            slot[2 + t] = d;\n            slot[2 + {n_terms} + t] = 1.0f - d;\n        }}\n    }}\n{hedge_pass}    \
             for (r = 0; r < {n_rules}; ++r) {{\n        float s = slot[RULE_SLOTS[r]];\n        \
             for (i = 1; i < {n_in}; ++i) {{\n            float d = slot[RULE_SLOTS[i * {n_rules} + r]];\n            \
             s = RULE_OR[r] ? ({or}) : ({and});\n        }}\n        strength[r] = s * RULE_WEIGHT[r];\n    }}\n",
            hedge_pass = hedge_pass(def),
        )
    };
    let _ = write!(
        c,
        "uint8_t {p}_evaluate(const float inputs[{upper}_INPUTS], float outputs[{upper}_OUTPUTS]) {{\n    \
         float strength[{n_rules}];\n    uint8_t status = 0;\n    int nan = 0;\n    int i, r{q};\n\
         {firing}{output_code}\n    return status;\n}}\n",
        q = if window { ", q" } else { "" },
    );

    if let Some(w) = wrapper {
        let cfg = *w;
        let ts = cfg.sample_time_s;
        let keep = cfg.derivative_filter_s / (cfg.derivative_filter_s + ts);
        let (p_term, increment) = match cfg.structure {
            fuzzy_core::Structure::Pd => (
                format!("{} * fuzzy[0]", float(cfg.output_gain)),
                "0.0f".to_string(),
            ),
            fuzzy_core::Structure::Pi => (
                "0.0f".to_string(),
                format!("{} * fuzzy[0]", float(cfg.output_gain * ts)),
            ),
            fuzzy_core::Structure::PdPlusI => (
                format!("{} * fuzzy[0]", float(cfg.output_gain)),
                format!("{} * error", float(cfg.integral_gain * ts)),
            ),
            fuzzy_core::Structure::Pid => (
                format!("{} * fuzzy[0]", float(cfg.output_gain)),
                format!("{} * fuzzy[0]", float(cfg.integral_gain * ts)),
            ),
            // Kp·(1 + Fp)·e + Kd·(1 + Fd)·rate and Ki·Ts·(1 + Fi)·e, in fuzzy_core's order.
            fuzzy_core::Structure::GainScheduled => (
                format!(
                    "{} * (1.0f + fuzzy[0]) * error + {} * (1.0f + fuzzy[2]) * rate",
                    float(cfg.output_gain),
                    float(cfg.derivative_gain)
                ),
                format!("{} * (1.0f + fuzzy[1]) * error", float(cfg.integral_gain * ts)),
            ),
        };
        let new_integral = match (cfg.structure, cfg.anti_windup) {
            (fuzzy_core::Structure::Pd, _) => "integral".to_string(),
            (_, fuzzy_core::AntiWindup::None) => "integral + increment".to_string(),
            (_, fuzzy_core::AntiWindup::Clamping) => "integral + (((unsaturated > output) && (increment > 0.0f)) || ((unsaturated < output) && (increment < 0.0f)) ? 0.0f : increment)".to_string(),
            (_, fuzzy_core::AntiWindup::BackCalculation { tracking_time_s }) => {
                format!("integral + increment + {} * (output - unsaturated)", float(ts / tracking_time_s))
            }
        };
        let difference = match cfg.derivative_on {
            fuzzy_core::DerivativeOn::Error => "error - previous_error",
            fuzzy_core::DerivativeOn::Measurement => "previous_measurement - measurement",
        };
        let start = match cfg.structure {
            fuzzy_core::Structure::Pi => "state->previous_output",
            _ => "0.0f",
        };
        let _ = write!(
            c,
            "\nvoid {p}_pid_init({p}_pid_state *state) {{\n    int i;\n    state->previous_output = fz_clamp(0.0f, {lo}, {hi});\n    \
             state->integral = {start};\n    state->rate = 0.0f;\n    state->previous_error = 0.0f;\n    \
             state->previous_measurement = 0.0f;\n    \
             for (i = 0; i < {upper}_OUTPUTS; ++i) state->engine_output[i] = 0.0f;\n    state->primed = 0;\n}}\n\n\
             float {p}_pid_step({p}_pid_state *state, float setpoint, float measurement, uint8_t *status) {{\n    \
             int valid = fz_finite(setpoint) & fz_finite(measurement);\n    \
             float error, previous_error, previous_measurement, raw, rate, inputs[2];\n    \
             float fuzzy[{upper}_OUTPUTS], previous_fuzzy[{upper}_OUTPUTS];\n    \
             float integral, proportional, increment, unsaturated, saturated, output, new_integral;\n    uint8_t engine;\n    int i;\n    \
             measurement = valid ? measurement : state->previous_measurement;\n    \
             error = fz_clamp(setpoint - measurement, -3.40282347e38f, 3.40282347e38f);\n    \
             error = valid ? error : state->previous_error;\n    \
             previous_error = state->primed ? state->previous_error : error;\n    \
             previous_measurement = state->primed ? state->previous_measurement : measurement;\n    \
             (void)previous_error;\n    (void)previous_measurement;\n    \
             raw = fz_clamp(({difference}) * {inv_ts}, -3.40282347e38f, 3.40282347e38f);\n    \
             rate = fz_clamp({keep} * state->rate + {take} * raw, -3.40282347e38f, 3.40282347e38f);\n    \
             inputs[0] = {ke} * error;\n    inputs[1] = {kd} * rate;\n    \
             for (i = 0; i < {upper}_OUTPUTS; ++i) previous_fuzzy[i] = fuzzy[i] = state->engine_output[i];\n    \
             engine = {p}_evaluate(inputs, fuzzy);\n    integral = state->integral;\n    \
             proportional = {p_term};\n    increment = {increment};\n    \
             unsaturated = proportional + integral + increment;\n    \
             unsaturated = (unsaturated == unsaturated) ? unsaturated : state->previous_output;\n    \
             saturated = fz_clamp(unsaturated, {lo}, {hi});\n    \
             output = fz_clamp(saturated, state->previous_output - {max_change}, state->previous_output + {max_change});\n    \
             new_integral = fz_clamp({new_integral}, -3.40282347e38f, 3.40282347e38f);\n    \
             state->integral = valid ? new_integral : integral;\n    state->rate = valid ? rate : state->rate;\n    \
             state->previous_error = error;\n    state->previous_measurement = measurement;\n    \
             state->previous_output = valid ? output : state->previous_output;\n    \
             for (i = 0; i < {upper}_OUTPUTS; ++i) state->engine_output[i] = valid ? fuzzy[i] : previous_fuzzy[i];\n    state->primed = state->primed | valid;\n    \
             if (status) *status = (uint8_t)(engine | (valid ? 0u : {upper}_INVALID_MEASUREMENT));\n    \
             return state->previous_output;\n}}\n",
            lo = float(cfg.output_min),
            hi = float(cfg.output_max),
            inv_ts = float(1.0 / ts),
            keep = float(keep),
            take = float(1.0 - keep),
            ke = float(cfg.error_gain),
            kd = float(cfg.rate_gain),
            max_change = float(cfg.rate_limit * ts),
        );
    }
    Ok(CSource {
        header: h,
        source: c,
        stem,
    })
}
