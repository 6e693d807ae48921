//! Per-evaluation cost of the reference controllers (see `testkit/src/reference.rs`).
//!
//! Run: `cargo bench --bench inference`. Inputs cycle through a fixed set of 64 points
//! spread over (and slightly beyond) each input range, so the numbers include range
//! handling; the engine's cost does not depend on the values (see
//! `scripts/instruction-count.sh`).

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fuzzy_core::Controller;
use optimizer::bench::input_points;
use testkit::reference::{GRID_5X5X5, MIXED, PD_MAMDANI, PD_SUGENO};

fn inference(c: &mut Criterion) {
    let mut group = c.benchmark_group("inference");
    group.throughput(Throughput::Elements(1));
    let controllers: [(&str, &Controller<'static>); 4] = [
        ("pd_mamdani_7x7", &PD_MAMDANI),
        ("pd_sugeno_7x7", &PD_SUGENO),
        ("mamdani_5x5x5", &GRID_5X5X5),
        ("mixed_3in_4out", &MIXED),
    ];
    for (name, controller) in controllers {
        let points = input_points(controller);
        let mut scratch = vec![0.0f32; controller.scratch_len()];
        let mut outputs = vec![0.0f32; controller.output_count()];
        let mut k = 0usize;
        group.bench_function(BenchmarkId::new("evaluate", name), |b| {
            b.iter(|| {
                k = (k + 1) & 63;
                let status = controller.evaluate(black_box(&points[k]), &mut scratch, &mut outputs);
                black_box((status, outputs[0]))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, inference);
criterion_main!(benches);
