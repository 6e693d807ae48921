//! The validated controller ([`Controller`]): validation of a [`ControllerDef`] (from
//! `crate::def`), the evaluation plan, construction and accessors.
//!
//! | module | holds |
//! | --- | --- |
//! | `validate` | the checks of [`Controller::new`] |
//! | `plan` | what the structure allows (grid, window chains, weights) and the kernel choice |
//! | this one | [`Controller`]: construction and accessors (evaluation is in `eval`) |

mod plan;
mod validate;

pub(crate) use plan::{Kernel, Plan};
pub use validate::MAX_PARAMETER;

use crate::def::{ControllerDef, Inference, MAX_INPUTS, MAX_OUTPUTS, MAX_RULES, MAX_SAMPLES};
use crate::error::{Error, Variable};
use crate::layout::{GridTables, sugeno_slot};
use crate::membership::TermUse;
use crate::norm::SNorm;
use crate::variable::Fallback;
use validate::{check_rules, check_samples, check_tables, check_variable};

/// A validated controller: evaluation cannot fail.
///
/// Build it once with [`Controller::new`] (a `const fn`: a `static` controller is checked at
/// compile time) and evaluate it with [`Controller::evaluate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Controller<'a> {
    def: ControllerDef<'a>,
    scratch_len: usize,
    plan: Plan,
    grid: GridTables<'a>,
}

impl<'a> Controller<'a> {
    /// Validates a description. `const`: in a `static` initializer an invalid controller
    /// is a compile error, e.g.
    /// `static C: Controller = match Controller::new(DEF) { Ok(c) => c, Err(_) => panic!() };`
    pub const fn new(def: ControllerDef<'a>) -> Result<Controller<'a>, Error> {
        if def.inputs.is_empty() {
            return Err(Error::NoInputs);
        }
        if def.outputs.is_empty() {
            return Err(Error::NoOutputs);
        }
        if def.rules.is_empty() {
            return Err(Error::NoRules);
        }
        if def.inputs.len() > MAX_INPUTS {
            return Err(Error::TooManyInputs);
        }
        if def.outputs.len() > MAX_OUTPUTS {
            return Err(Error::TooManyOutputs);
        }
        if def.rules.len() > MAX_RULES {
            return Err(Error::TooManyRules);
        }
        // Working-array positions (2 * terms + 3) must fit in u16.
        if def.terms.len() > (u16::MAX as usize - 3) / 2 || def.params.len() > u16::MAX as usize {
            return Err(Error::TooManyTerms);
        }
        if let SNorm::UnboundedSum = def.or {
            return Err(Error::UnboundedOr);
        }
        let mamdani = matches!(def.inference, Inference::Mamdani { .. });
        let mut i = 0;
        while i < def.inputs.len() {
            let input = def.inputs[i];
            if let Err(e) = check_variable(
                input.min,
                input.max,
                input.terms,
                Variable::Input(i as u8),
                TermUse::Shape,
                &def,
            ) {
                return Err(e);
            }
            i += 1;
        }
        let mut o = 0;
        while o < def.outputs.len() {
            let output = def.outputs[o];
            let variable = Variable::Output(o as u8);
            let usage = if mamdani {
                TermUse::Shape
            } else {
                TermUse::SugenoOutput
            };
            if let Err(e) = check_variable(output.min, output.max, output.terms, variable, usage, &def) {
                return Err(e);
            }
            if output.defuzzifier.is_mamdani() != mamdani {
                return Err(Error::DefuzzifierMismatch(variable));
            }
            let n = output.sampling.count();
            if mamdani && (n < output.sampling.minimum_count() || n > MAX_SAMPLES) {
                return Err(Error::Resolution(variable));
            }
            if let Fallback::Value(v) = output.fallback
                && !(v >= output.min && v <= output.max)
            {
                return Err(Error::FallbackOutOfRange(variable));
            }
            o += 1;
        }
        if let Err(e) = check_rules(&def) {
            return Err(e);
        }
        if let Err(e) = check_samples(&def) {
            return Err(e);
        }
        if let Err(e) = check_tables(&def) {
            return Err(e);
        }
        let plan = Plan::of(&def);
        Ok(Controller {
            scratch_len: def.scratch_len(),
            grid: GridTables::of(&def, plan.grid_kernel),
            plan,
            def,
        })
    }

    /// Wraps a description that is known to be valid (built by this crate from a validated
    /// one with identical contents).
    #[cfg(feature = "alloc")]
    pub(crate) const fn from_validated(def: ControllerDef<'a>) -> Controller<'a> {
        let plan = Plan::of(&def);
        Controller {
            scratch_len: def.scratch_len(),
            grid: GridTables::of(&def, plan.grid_kernel),
            plan,
            def,
        }
    }

    /// The evaluation plan found when the controller was built.
    pub(crate) const fn plan(&self) -> Plan {
        self.plan
    }

    /// The grid kernels' view of the evaluation tables.
    pub(crate) const fn grid_tables(&self) -> &GridTables<'a> {
        &self.grid
    }

    /// Whether evaluation takes the two-input grid kernel (a faster path for complete
    /// 2-input AND grids of triangles and trapezoids with at most 16 terms per input,
    /// AND minimum or product), which gives the same results bit for bit.
    pub const fn uses_grid_kernel(&self) -> bool {
        self.plan.grid_kernel
    }

    /// Whether evaluation takes a window kernel: the Sugeno or Mamdani grid kernel's shape
    /// and both inputs' terms in a chain where at most two neighbouring terms are non-zero
    /// at any input (a partition such as evenly spaced triangles sharing their corners). It
    /// fires only the four rules of the two pairs of neighbouring terms, with the same
    /// results bit for bit.
    pub const fn uses_window_kernel(&self) -> bool {
        matches!(self.plan.kernel, Kernel::SugenoWindow | Kernel::MamdaniWindow)
    }

    /// Sugeno output `o`'s two rows of the evaluation tables (see [`ControllerDef`]): per
    /// rule the constant it concludes and 1 or 0 for whether it concludes a term of `o`,
    /// in the grid layout (eight entries per row of rules, zeros past the last column) or in
    /// rule order padded with zeros to a multiple of eight rules. Empty for a Mamdani
    /// controller or a missing output. [`Controller::sugeno_rule`] reads one rule's entries.
    pub fn sugeno_rows(&self, o: usize) -> (&'a [f32], &'a [f32]) {
        let tables: &'a [f32] = self.def.tables;
        let row = self.plan.sugeno_row;
        let start = self.plan.consequent_offset + 2 * o * row;
        match (self.def.inference, tables.get(start..start + 2 * row)) {
            (Inference::Sugeno, Some(rows)) => rows.split_at_checked(row).unwrap_or((&[], &[])),
            _ => (&[], &[]),
        }
    }

    /// How many partial sums the Sugeno weighted sums use: rule `r` is added into partial
    /// `r mod sugeno_partials()` (see [`crate::Defuzzifier::WeightedAverage`]). The second
    /// input's term count for a 2-input Sugeno controller with one rule per pair of terms
    /// and at most 8 terms in the second input, 8 for every other controller.
    pub const fn sugeno_partials(&self) -> usize {
        self.plan.sugeno_partials as usize
    }

    /// Sugeno output `o`'s entry for rule `r` in the evaluation tables: the constant the
    /// rule concludes (0 for none or a linear term) and 1 or 0 for whether it concludes a
    /// term of `o`. `(0, 0)` for a Mamdani controller or a missing output or rule.
    pub fn sugeno_rule(&self, o: usize, r: usize) -> (f32, f32) {
        let (values, flags) = self.sugeno_rows(o);
        let slot = sugeno_slot(self.def.inputs, self.def.rules.len(), r);
        match (values.get(slot), flags.get(slot), r < self.def.rules.len()) {
            (Some(value), Some(flag), true) => (*value, *flag),
            _ => (0.0, 0.0),
        }
    }

    /// The same controller without the window kernels ([`Controller::uses_window_kernel`]):
    /// every rule is fired on every call and every table entry is read at a position that
    /// does not depend on the input. The results are the same bit for bit, and with or
    /// without them the instruction sequence is the same for every input; the window
    /// kernels only read the four rules' entries (and the pair of terms' edges) at
    /// input-dependent positions. Use this where the memory access pattern must not depend
    /// on the input either: a core whose data cache or flash accelerator could make one
    /// position slower than another, when the tables are not in tightly coupled memory.
    pub const fn without_window_kernels(mut self) -> Controller<'a> {
        self.plan.kernel = match self.plan.kernel {
            Kernel::SugenoWindow => Kernel::SugenoGrid,
            Kernel::MamdaniWindow => Kernel::MamdaniGrid,
            other => other,
        };
        self
    }

    /// The same controller, evaluated by the general code only. For tests that compare
    /// the kernel with the general path.
    #[doc(hidden)]
    pub const fn without_kernels(mut self) -> Controller<'a> {
        self.plan.grid_kernel = false;
        self.plan.kernel = Kernel::General;
        self
    }

    /// The validated description.
    pub const fn def(&self) -> &ControllerDef<'a> {
        &self.def
    }

    /// Number of input variables.
    pub const fn input_count(&self) -> usize {
        self.def.inputs.len()
    }

    /// Number of output variables.
    pub const fn output_count(&self) -> usize {
        self.def.outputs.len()
    }

    /// Length of the scratch buffer [`Controller::evaluate`] needs.
    pub const fn scratch_len(&self) -> usize {
        self.scratch_len
    }
}
