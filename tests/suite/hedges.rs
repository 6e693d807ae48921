//! Hedges: hand-calculated degrees and outputs, validation, and the three file formats'
//! spellings (FLL/FCL words, Octave's `.fis` decimals). fuzzylite agreement on random
//! controllers is in `differential.rs`, on the `mixed` reference controller in
//! `conformance.rs`.

use fuzzy_core::math::rt::sqrt;
use fuzzy_core::{
    Connective, Controller, ControllerSpec, Defuzzifier, Error, Fallback, Hedge, Hedged, Inference,
    InputSpec, OutOfRange, OutputSpec, RuleSpec, Sampling, Shape, TermSpec, Variable,
};
use fuzzy_files::{self as interop, Format};

#[test]
fn hedges_by_hand() {
    let cases: [(Hedge, f32, f32); 12] = [
        (Hedge::Not, 0.3, 0.7),
        (Hedge::Very, 0.6, 0.36),
        (Hedge::Somewhat, 0.25, 0.5),
        (Hedge::Somewhat, 0.81, 0.9),
        // 2x² below 0.5, 1 - 2(1 - x)² above
        (Hedge::Extremely, 0.25, 0.125),
        (Hedge::Extremely, 0.75, 0.875),
        // √(x/2) below 0.5, 1 - √((1 - x)/2) above
        (Hedge::Seldom, 0.18, 0.3),
        (Hedge::Seldom, 0.82, 0.7),
        (Hedge::Any, 0.0, 1.0),
        (Hedge::Power(3.0), 0.5, 0.125),
        (Hedge::Power(0.5), 0.64, 0.8),
        (Hedge::Power(1.3), 0.2, 0.123_406_77),
    ];
    for (hedge, x, expected) in cases {
        let got = hedge.apply(x);
        assert!(
            (got - expected).abs() <= 3e-7,
            "{hedge}({x}) = {got}, expected {expected}"
        );
    }
    // Every hedge keeps 0 and 1 where its formula does, exactly.
    for hedge in [
        Hedge::Very,
        Hedge::Somewhat,
        Hedge::Extremely,
        Hedge::Seldom,
        Hedge::Power(3.0),
        Hedge::Power(0.3),
    ] {
        assert_eq!(hedge.apply(0.0), 0.0, "{hedge}(0)");
        assert_eq!(hedge.apply(1.0), 1.0, "{hedge}(1)");
    }
    assert_eq!((Hedge::Not.apply(0.0), Hedge::Not.apply(1.0)), (1.0, 0.0));
    // Written order: the last hedge is next to the term, so `very not` is (1 - x)².
    let very_not = Hedged {
        rule: 0,
        input: 0,
        count: 2,
        hedges: [Hedge::Very, Hedge::Not, Hedge::Any, Hedge::Any],
    };
    assert!((very_not.apply(0.2) - 0.64).abs() < 1e-7);
}

#[test]
fn square_root_is_within_two_ulps() {
    let mut worst = 0u32;
    for k in 0..200_000u32 {
        // Every binade from 2^-126 to 1, 200 000 mantissas spread over them.
        let x = f32::from_bits(0x0080_0000 + k * ((0x3f80_0000 - 0x0080_0000) / 200_000));
        let exact = (f64::from(x)).sqrt() as f32;
        let got = sqrt(x);
        worst = worst.max(got.to_bits().abs_diff(exact.to_bits()));
    }
    assert!(worst <= 2, "sqrt is {worst} ulps off");
    assert_eq!(sqrt(1.0), 1.0);
    assert_eq!(
        (sqrt(0.0), sqrt(-0.0), sqrt(-1.0), sqrt(f32::NAN)),
        (0.0, 0.0, 0.0, 0.0)
    );
    assert!(sqrt(1e-45) < 1.1e-19, "a subnormal");
}

/// One input x on [0, 1] with `low` = triangle(0, 0, 1) and `high` = triangle(0, 1, 1),
/// a Sugeno output with constants 0, 1 and 0.2, and the given rules.
fn one_input(rules: Vec<RuleSpec>) -> ControllerSpec {
    let triangle = |name: &str, p: [f32; 3]| TermSpec {
        name: name.into(),
        shape: Shape::Triangle(p),
    };
    let constant = |name: &str, c: f32| TermSpec {
        name: name.into(),
        shape: Shape::Constant(c),
    };
    ControllerSpec {
        name: "hedged".into(),
        inference: Inference::Sugeno,
        and: fuzzy_core::TNorm::Minimum,
        or: fuzzy_core::SNorm::Maximum,
        inputs: vec![InputSpec {
            name: "x".into(),
            min: 0.0,
            max: 1.0,
            out_of_range: OutOfRange::Clamp,
            terms: vec![
                triangle("low", [0.0, 0.0, 1.0]),
                triangle("high", [0.0, 1.0, 1.0]),
            ],
        }],
        outputs: vec![OutputSpec {
            name: "y".into(),
            min: 0.0,
            max: 1.0,
            defuzzifier: Defuzzifier::WeightedAverage,
            sampling: Sampling::MATLAB,
            fallback: Fallback::Midpoint,
            lock_range: false,
            terms: vec![
                constant("zero", 0.0),
                constant("one", 1.0),
                constant("fifth", 0.2),
            ],
        }],
        rules,
    }
}

fn rule(k: i32, then: i32, hedges: Vec<Hedge>) -> RuleSpec {
    RuleSpec {
        antecedent: vec![k],
        consequent: vec![then],
        weight: 1.0,
        connective: Connective::And,
        hedges: vec![hedges],
    }
}

#[test]
fn a_hedged_controller_by_hand_in_every_format() {
    // At x = 0.25: low = 0.75, high = 0.25. very low = 0.5625; not somewhat high = 1 - 0.5
    // = 0.5; `x IS any` = 1. Output (0.5625·0 + 0.5·1 + 1·0.2) / 2.0625.
    let spec = one_input(vec![
        rule(1, 1, vec![Hedge::Very]),
        rule(-2, 2, vec![Hedge::Somewhat]),
        rule(0, 3, vec![Hedge::Any]),
    ]);
    let expected = (0.5 + 0.2) / 2.0625;
    let owned = spec.compile().unwrap();
    let (out, _) = owned.evaluate(&[0.25]);
    assert!((out[0] - expected).abs() < 1e-6, "{} vs {expected}", out[0]);

    let fll = "Engine: hedged\nInputVariable: x\n  range: 0 1\n  term: low Triangle 0 0 1\n  \
        term: high Triangle 0 1 1\nOutputVariable: y\n  range: 0 1\n  \
        defuzzifier: WeightedAverage TakagiSugeno\n  term: zero Constant 0\n  term: one Constant 1\n  \
        term: fifth Constant 0.2\nRuleBlock: r\n  conjunction: Minimum\n  disjunction: Maximum\n  \
        rule: if x is very low then y is zero\n  rule: if x is not somewhat high then y is one\n  \
        rule: if x is any then y is fifth\n";
    let read = interop::read(fll, Format::Fll).unwrap();
    assert_eq!(
        read.rules.iter().map(|r| r.hedges.clone()).collect::<Vec<_>>(),
        [
            vec![vec![Hedge::Very]],
            vec![vec![Hedge::Somewhat]],
            vec![vec![Hedge::Any]],
        ]
    );
    assert_eq!(read.rules[1].antecedent, [-2]);
    let (out, _) = read.compile().unwrap().evaluate(&[0.25]);
    assert!((out[0] - expected).abs() < 1e-6);
    // FLL and FCL write the words and read them back to the same controller.
    for format in [Format::Fll, Format::Fcl] {
        let text = interop::write(&spec, format).unwrap().text;
        assert!(text.to_lowercase().contains("is not somewhat high"), "{text}");
        let again = interop::read(&text, format).unwrap();
        assert_eq!(again.rules, spec.rules, "{format:?}");
    }
    // JSON carries them by name.
    let json = serde_json::to_string(&spec).unwrap();
    assert!(json.contains(r#""hedges":[["somewhat"]]"#), "{json}");
    assert_eq!(serde_json::from_str::<ControllerSpec>(&json).unwrap(), spec);
}

#[test]
fn fis_rules_carry_octaves_hedge_decimals() {
    let fis = "[System]\nName='h'\nType='sugeno'\nNumInputs=1\nNumOutputs=1\nNumRules=4\n\
        AndMethod='min'\nOrMethod='max'\nImpMethod='prod'\nAggMethod='sum'\nDefuzzMethod='wtaver'\n\n\
        [Input1]\nName='x'\nRange=[0 1]\nNumMFs=2\nMF1='low':'trimf',[0 0 1]\nMF2='high':'trimf',[0 1 1]\n\n\
        [Output1]\nName='y'\nRange=[0 1]\nNumMFs=2\nMF1='zero':'constant',[0]\nMF2='one':'constant',[1]\n\n\
        [Rules]\n1.20, 1 (1) : 1\n-2.05, 2 (1) : 1\n2.30, 2 (1) : 1\n1.40, 1 (1) : 1\n";
    let read = interop::read(fis, Format::Fis).unwrap();
    let hedges: Vec<_> = read
        .rules
        .iter()
        .map(|r| (r.antecedent[0], r.hedges[0].clone()))
        .collect();
    assert_eq!(
        hedges,
        [
            (1, vec![Hedge::Very]),
            (-2, vec![Hedge::Somewhat]),
            (2, vec![Hedge::Power(3.0)]),
            (1, vec![Hedge::Very, Hedge::Very]),
        ]
    );
    // At x = 0.25 (low 0.75, high 0.25), Octave's powers: 0.75², 1 - 0.25^0.5, 0.25³, 0.75⁴.
    let w = [0.5625f32, 0.5, 0.015625, 0.316_406_25];
    let expected = (w[1] + w[2]) / w.iter().sum::<f32>();
    let (out, _) = read.compile().unwrap().evaluate(&[0.25]);
    assert!((out[0] - expected).abs() < 1e-6, "{} vs {expected}", out[0]);
    // Written back with the same decimals.
    let text = interop::write(&read, Format::Fis).unwrap().text;
    assert!(
        text.contains("1.20, 1 (1) : 1\n-2.05, 2 (1) : 1\n2.30, 2 (1) : 1\n1.40, 1 (1) : 1"),
        "{text}"
    );
    // A hedge a .fis line cannot hold is an error naming the rule and input, and a hedge on
    // an output is refused with its column.
    let seldom = one_input(vec![rule(1, 1, vec![Hedge::Seldom])]);
    let e = interop::write(&seldom, Format::Fis).unwrap_err();
    assert!(
        e.contains("rule 1: the hedges 'seldom' on input 'x' have no .fis code"),
        "{e}"
    );
    let e = interop::read(&fis.replace("1.20, 1 (1)", "1, 1.20 (1)"), Format::Fis).unwrap_err();
    assert!(e.message.contains("hedge on an output"), "{e}");
    assert_eq!(e.column, 4, "{e}");
    // FLL has no word for a power.
    let e = interop::write(&read, Format::Fll).unwrap_err();
    assert!(e.contains("'power 3' has no name"), "{e}");
}

#[test]
fn invalid_hedges_are_refused_with_the_rule_and_input() {
    let compile = |rules| one_input(rules).compile().map(|_| ()).unwrap_err();
    let e = compile(vec![rule(1, 1, vec![Hedge::Power(0.0)])]);
    assert_eq!(
        e.error,
        Some(Error::Hedge {
            rule: 0,
            variable: Variable::Input(0)
        })
    );
    assert!(
        e.message.contains("rule 1: the hedges on input 'x' must be"),
        "{e}"
    );
    // `any` must stand for the term, and only it may.
    assert!(matches!(
        compile(vec![rule(1, 1, vec![Hedge::Any])]).error,
        Some(Error::Hedge { .. })
    ));
    assert!(matches!(
        compile(vec![rule(0, 1, vec![Hedge::Very])]).error,
        Some(Error::Hedge { .. })
    ));
    let e = compile(vec![rule(1, 1, vec![Hedge::Very; 5])]);
    assert!(
        e.message.contains("rule 1: input 'x' has 5 hedges, at most 4"),
        "{e}"
    );
    let mut wrong = rule(1, 1, vec![Hedge::Very]);
    wrong.hedges.push(Vec::new());
    let e = compile(vec![wrong]);
    assert!(e.message.contains("'hedges' has 2 lists, expected 1"), "{e}");

    // The engine's list must be in column order, once per antecedent.
    let owned = one_input(vec![rule(1, 1, vec![Hedge::Very]), rule(2, 2, vec![Hedge::Very])])
        .compile()
        .unwrap();
    let controller = owned.controller();
    let def = controller.def();
    let reversed = [def.hedged[1], def.hedged[0]];
    let slots = fuzzy_core::rule_slots::<4>(
        def.inputs,
        def.outputs,
        def.terms.len(),
        def.rules,
        def.rule_terms,
        &reversed,
    );
    let bad = fuzzy_core::ControllerDef {
        hedged: &reversed,
        rule_slots: &slots,
        ..*def
    };
    assert_eq!(Controller::new(bad).unwrap_err(), Error::HedgeList);
}
