//! Every kind of plot is written as SVG and PNG, atomically, with readable content.

use std::path::Path;

use sim::closed_loop::{Scenario, simulate};
use sim::control::{OpenLoop, Pid, PidConfig};
use sim::plant::PlantSpec;
use sim::plot::{
    Curve, RuleGrid, Series, control_surface, membership_functions, rule_table, step_response, time_series,
};
use testkit::reference::{PD_MAMDANI, PD_SUGENO, pd_mamdani_spec};

fn temporary_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fuzzy-plots-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Decodes a PNG: (width, height, number of non-white pixels).
fn png_summary(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let pixels = &buffer[..info.buffer_size()];
    let inked = pixels.chunks(3).filter(|p| p != &[255, 255, 255]).count();
    (info.width, info.height, inked)
}

fn check_pair(paths: &[std::path::PathBuf], size: (u32, u32), labels: &[&str]) {
    assert_eq!(paths.len(), 2);
    let svg = std::fs::read_to_string(&paths[0]).unwrap();
    assert!(svg.starts_with("<svg"), "{}", paths[0].display());
    for label in labels {
        assert!(svg.contains(label), "{} lacks {label:?}", paths[0].display());
    }
    let (w, h, inked) = png_summary(&paths[1]);
    assert_eq!((w, h), size);
    assert!(
        inked > (w * h / 50) as usize,
        "{}: almost blank",
        paths[1].display()
    );
    // Nothing temporary left behind.
    let dir = paths[0].parent().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(!name.ends_with(".tmp"), "left {name}");
    }
}

#[test]
fn step_response_overlay_is_written_as_svg_and_png() {
    let dir = temporary_dir("step");
    let ts = 0.05;
    let plant = PlantSpec::default_for("first_order").unwrap();
    let scenario = Scenario::step(ts, 10.0);
    let mut pid = Pid::new(
        PidConfig {
            kp: 2.0,
            ki: 1.0,
            ..PidConfig::default()
        },
        ts,
    );
    let mut model = plant.build(ts, 4).unwrap();
    let closed = simulate(model.as_mut(), &mut pid, &scenario).unwrap();
    let open = simulate(model.as_mut(), &mut OpenLoop::Constant(1.0), &scenario).unwrap();
    let paths = step_response(
        &dir.join("step"),
        "First order",
        &[
            Series {
                label: "PI",
                trajectory: &closed,
            },
            Series {
                label: "open loop",
                trajectory: &open,
            },
        ],
        "y",
        "u",
    )
    .unwrap();
    check_pair(
        &paths,
        (1000, 720),
        &["First order", "PI", "open loop", "setpoint", "time (s)"],
    );
}

#[test]
fn control_surface_and_membership_functions_are_written() {
    let dir = temporary_dir("surface");
    let paths = control_surface(&dir.join("surface"), "7×7 PD", &PD_MAMDANI, ["e", "de", "u"], 41).unwrap();
    check_pair(&paths, (1300, 600), &["7×7 PD", "de"]);
    let paths =
        membership_functions(&dir.join("mf"), "terms", &pd_mamdani_spec().compile().unwrap()).unwrap();
    check_pair(
        &paths,
        (1000, 60 + 260 * 3),
        &["input e", "input de", "output u", "NB", "PB"],
    );
    // Sugeno outputs are drawn as stems.
    let sugeno = fuzzy_core::ControllerSpec::from_controller("sugeno", &PD_SUGENO)
        .compile()
        .unwrap();
    let paths = membership_functions(&dir.join("sugeno"), "sugeno", &sugeno).unwrap();
    check_pair(&paths, (1000, 60 + 260 * 3), &["output out1", "constants"]);
}

#[test]
fn the_rule_table_is_drawn_as_a_grid_of_term_names() {
    let dir = temporary_dir("rules");
    let grid = optimizer::surface::rule_grid(&pd_mamdani_spec(), 0).unwrap();
    assert_eq!((grid.rows.len(), grid.cols.len(), grid.cells.len()), (7, 7, 49));
    // The classic diagonal table: NB where both inputs are NB, PB where both are PB.
    assert_eq!(grid.cells[0].as_ref().unwrap().0, "NB");
    assert_eq!(grid.cells[48].as_ref().unwrap().0, "PB");
    let paths = rule_table(&dir.join("rules"), "7×7 PD rules", &grid).unwrap();
    check_pair(&paths, (762, 410), &["7×7 PD rules", "NB", "ZE", "PB"]);
    let broken = RuleGrid {
        cells: vec![None; 3],
        ..grid
    };
    let error = rule_table(&dir.join("broken"), "x", &broken)
        .unwrap_err()
        .to_string();
    assert!(error.contains("rows × cols"), "{error}");
}

#[test]
fn time_series_with_a_log_axis_is_written() {
    let dir = temporary_dir("series");
    let curves = vec![Curve {
        label: "best cost".to_string(),
        points: (0..50).map(|k| (k as f64, 10.0 * 0.8f64.powi(k))).collect(),
    }];
    let paths = time_series(
        &dir.join("cost"),
        "Convergence",
        "iteration",
        "cost",
        &curves,
        true,
    )
    .unwrap();
    // 10 … 0.00014 spans five decades: labels at the powers of ten.
    check_pair(
        &paths,
        (1000, 560),
        &["Convergence", "best cost", "iteration", "0.01", "0.001"],
    );
    let error = time_series(&dir.join("empty"), "Empty", "x", "y", &[], false).unwrap_err();
    assert!(error.to_string().contains("no points to plot"));
}
